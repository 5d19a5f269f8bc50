"""Deleting sectors and institutions keeping versions, and recovering them.

A deletion (the admin's delete page or its "delete selected" action) is one
revision (origin "deletion", who, when) holding the deleted records as they
were, each with the initiatives it was linked to, and every initiative whose
sectors changed, after the change (with a version of the state before when it
had none), so their histories show it. An institution that takes part in an
initiative cannot be deleted (its partnerships protect it: merge it instead),
so deleting one changes no initiative.

``recover()`` brings a deleted record back with its id, address and fields
and, for a sector, its links to the initiatives that still exist: links are
only added, so later edits of those initiatives are kept. It refuses when the
record exists again, or when another record has its name or address now.
The recovery is itself a new version.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from reversion.models import Version

from . import search
from .models import (
    Initiative,
    Partnership,
    RevisionOrigin,
    Sector,
    in_default_language,
)
from .version_reads import names_taken, write_fields
from .versions import fields_of, keep_baseline, save_revision

RECOVERED = "recovered"
EXISTS = "exists"
TAKEN = "taken"


def _links(model, pks):
    """[(record id, initiative id)] of the records about to be deleted."""
    if model is Sector:
        rows = Initiative.sectors.through.objects.filter(sector_id__in=pks)
        return list(rows.values_list("sector_id", "initiative_id"))
    rows = Partnership.objects.filter(institution_id__in=pks)
    return list(rows.values_list("institution_id", "initiative_id").distinct())


def delete_keeping_versions(objects, *, user):
    """Delete ``objects`` (sectors or institutions) in one revision."""
    objects = list(objects)
    if not objects:
        return None
    model = type(objects[0])
    with transaction.atomic():
        pks = [o.pk for o in objects]
        linked = defaultdict(set)
        for pk, initiative_id in _links(model, pks):
            linked[pk].add(initiative_id)
        affected = set().union(*linked.values())
        initiatives = list(Initiative.objects.filter(pk__in=affected).order_by("pk"))
        keep_baseline(initiatives)  # their state before, if the first change
        model._default_manager.filter(pk__in=pks).delete()
        return save_revision(
            [*objects, *initiatives],
            how=RevisionOrigin.How.DELETE,
            user=user,
            detail=", ".join(str(o) for o in objects)[:255],
            extra={
                (model, o.pk): {"_initiatives": sorted(linked[o.pk])} for o in objects
            },
        )


def deleted_versions(model):
    """The last version of each deleted record of ``model``, newest first."""
    return (
        Version.objects.get_deleted(model)
        .select_related("revision__user", "revision__origin")
        .order_by("-pk")
    )


@dataclass
class Outcome:
    status: str
    taken: list = field(default_factory=list)  # records with its name now
    initiatives: list = field(default_factory=list)  # linked again
    record: object = None


def recover(*, version, user):
    """Bring back the deleted record of ``version`` (its last version)."""
    model = version.content_type.model_class()
    fields = fields_of(version)
    pk = int(version.object_id)
    with transaction.atomic(), in_default_language():
        if model._default_manager.filter(pk=pk).exists():
            return Outcome(EXISTS)
        taken = names_taken(model, fields)
        if taken:
            return Outcome(TAKEN, taken=taken)
        record = model(pk=pk)
        write_fields(record, fields)
        record.save(force_insert=True)
        initiatives = []
        if model is Sector:
            initiatives = list(
                Initiative.objects.filter(pk__in=fields.get("_initiatives", []))
            )
            through = Initiative.sectors.through
            through.objects.bulk_create(
                [through(initiative_id=i.pk, sector_id=pk) for i in initiatives]
            )
            search.refresh_search_text([i.pk for i in initiatives])
        save_revision(
            [record, *initiatives],
            how=RevisionOrigin.How.RECOVER,
            user=user,
            detail=str(version.pk),
        )
        return Outcome(RECOVERED, initiatives=initiatives, record=record)
