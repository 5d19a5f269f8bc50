"""Merging duplicate institutions into one (issue 13, point 6), and undoing it.

The one that is kept takes over every partnership of the others. Where it
already has the same role in the same initiative, the duplicate's partnership
is dropped (one of two identical rows); different roles all stay. The
duplicates' names, acronyms and other names become the kept one's other
names, so a search or an import file that still uses them finds it; blank
fields of the kept one (English name, acronym, website) are filled from the
duplicates; the duplicates' addresses redirect to the kept one's page
(``FormerInstitutionSlug``).

A merge is one revision of the version history (origin "merge", who, when):
the merged institutions as they were, the kept one and every affected
initiative after it (so an initiative's history shows the change of partners),
and, beside it (``InstitutionMerge``), the kept one and the partnerships
before. ``merge_undo.undo_merge()`` puts everything back from them.
Everything happens in one transaction.
"""

import json

from django.db import transaction

from .models import (
    FormerInstitutionSlug,
    Initiative,
    Institution,
    InstitutionMerge,
    Partnership,
    RevisionOrigin,
)
from .versions import keep_baseline, save_revision, serialize


def versioned_fields(obj):
    """The fields a version of ``obj`` holds, as JSON reads them back."""
    return json.loads(serialize(obj))[0]["fields"]


def merge_institutions(*, keep, duplicates, user=None):
    """Merge ``duplicates`` into ``keep``; returns {"moved": n, "dropped": n,
    "merge": the InstitutionMerge (None when nothing was merged)}."""
    duplicates = [d for d in duplicates if d.pk != keep.pk]
    if not duplicates:
        return {"moved": 0, "dropped": 0, "merge": None}
    with transaction.atomic():
        keep = Institution.objects.select_for_update().get(pk=keep.pk)
        duplicates = list(
            Institution.objects.select_for_update()
            .filter(pk__in=[d.pk for d in duplicates])
            .order_by("pk")
        )
        affected = sorted(
            set(
                Partnership.objects.filter(institution__in=duplicates).values_list(
                    "initiative_id", flat=True
                )
            )
        )
        initiatives = list(Initiative.objects.filter(pk__in=affected).order_by("pk"))
        # The state before, for records whose first change this is.
        keep_baseline(initiatives)
        keep_baseline([keep])
        before = {str(pk): [] for pk in affected}
        for initiative_id, *partner in (
            Partnership.objects.filter(initiative_id__in=affected)
            .order_by("position", "pk")
            .values_list("initiative_id", "institution_id", "role", "position")
        ):
            before[str(initiative_id)].append(partner)
        survivor_before = versioned_fields(keep)
        moved, dropped = _move_partnerships(keep, duplicates)
        for field, value in _blank_fields(keep, duplicates).items():
            setattr(keep, field, value)
        keep.other_names = "\n".join(_other_names(keep, duplicates))
        former = FormerInstitutionSlug.objects.filter(institution__in=duplicates)
        moved_slugs = list(former.values_list("pk", "institution_id"))
        former.update(institution=keep)
        # The duplicates go first: their names are unique across records.
        Institution.objects.filter(pk__in=[d.pk for d in duplicates]).delete()
        keep.save()
        revision = save_revision(
            [*duplicates, keep, *initiatives],
            how=RevisionOrigin.How.MERGE,
            user=user,
            detail=", ".join(str(d) for d in duplicates)[:255],
        )
        merge = InstitutionMerge.objects.create(
            revision=revision,
            survivor=keep,
            merged=[d.pk for d in duplicates],
            survivor_before=survivor_before,
            partnerships_before=before,
            former_slugs_moved=[list(row) for row in moved_slugs],
        )
        # An address used before by an institution merged earlier now
        # stands for this merge's survivor.
        FormerInstitutionSlug.objects.filter(
            slug__in=[d.slug for d in duplicates]
        ).delete()
        FormerInstitutionSlug.objects.bulk_create(
            [
                FormerInstitutionSlug(slug=d.slug, institution=keep, merge=merge)
                for d in duplicates
            ]
        )
    return {"moved": moved, "dropped": dropped, "merge": merge}


def _move_partnerships(keep, duplicates):
    taken = set(
        Partnership.objects.filter(institution=keep).values_list(
            "initiative_id", "role"
        )
    )
    move, drop = [], []
    for partnership in Partnership.objects.filter(institution__in=duplicates).order_by(
        "pk"
    ):
        key = (partnership.initiative_id, partnership.role)
        if key in taken:
            drop.append(partnership.pk)
        else:
            taken.add(key)
            move.append(partnership.pk)
    if drop:
        Partnership.objects.filter(pk__in=drop).delete()
    if move:
        Partnership.objects.filter(pk__in=move).update(institution=keep)
    return len(move), len(drop)


def _other_names(keep, duplicates):
    """The kept one's other names and every name of the duplicates, once
    each, leaving out what the kept one is already called."""
    own = {n.casefold() for n in (keep.name_tr, keep.name_en, keep.acronym) if n}
    names = {}
    for name in keep.other_name_list():
        names.setdefault(name.casefold(), name)
    for duplicate in duplicates:
        for name in (
            duplicate.name_tr,
            duplicate.name_en,
            duplicate.acronym,
            *duplicate.other_name_list(),
        ):
            if name and name.casefold() not in own:
                names.setdefault(name.casefold(), name)
    return list(names.values())


def _blank_fields(keep, duplicates):
    values = {}
    for field in ("name_tr", "name_en", "acronym", "website"):
        if getattr(keep, field):
            continue
        found = next((getattr(d, field) for d in duplicates if getattr(d, field)), "")
        if found:
            values[field] = found
    return values
