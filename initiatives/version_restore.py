"""Bringing an initiative back to one of its versions.

One rule, whoever asks (the admin's restore button, tests): in one
transaction, with the record locked,

- refuse when the record's latest version is not the one the editor saw
  (another editor saved since: their save is not lost);
- do nothing when the record already is that version (restoring twice);
- otherwise write the version's fields, sectors, provinces, partnerships and
  links, leaving out the sectors and institutions deleted since, which the
  outcome names; the restore is itself a new version.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    Initiative,
    Link,
    Partnership,
    RevisionOrigin,
    Sector,
    in_default_language,
)
from .models import Institution as InstitutionModel
from .version_history import comparable, current_fields
from .version_reads import write_fields
from .versions import fields_of, latest_version_id, save_revision

RESTORED = "restored"
UNCHANGED = "unchanged"
CONFLICT = "conflict"
INVALID = "invalid"


@dataclass
class Outcome:
    status: str
    missing: list = field(default_factory=list)  # names not restored
    problems: list = field(default_factory=list)  # validation messages
    revision: object = None


def restore(*, initiative, version, user, seen_latest):
    """Restore ``version`` of ``initiative``; ``seen_latest`` is the id of the
    latest version when the editor chose (None: the record had none)."""
    with transaction.atomic(), in_default_language():
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if latest_version_id(initiative) != seen_latest:
            return Outcome(CONFLICT)
        old = fields_of(version)
        if comparable(old) == comparable(current_fields(initiative)):
            return Outcome(UNCHANGED)
        sectors = set(
            Sector.objects.filter(pk__in=old["sectors"]).values_list("pk", flat=True)
        )
        institutions = set(
            InstitutionModel.objects.filter(
                pk__in=[p[0] for p in old["_partners"]]
            ).values_list("pk", flat=True)
        )
        kept_sector_names = dict(old.get("_sector_names", []))
        roles = dict(Partnership.Role.choices)
        missing = [
            kept_sector_names.get(pk) or f"#{pk}"
            for pk in old["sectors"]
            if pk not in sectors
        ] + [
            f"{name or f'#{pk}'} ({roles.get(role, role)})"
            for pk, role, _position, name in old["_partners"]
            if pk not in institutions
        ]
        write_fields(initiative, old)
        try:
            initiative.full_clean(
                exclude=["hit_count", "search_text", "title_sort_key"]
            )
        except ValidationError as error:
            transaction.set_rollback(True)
            return Outcome(INVALID, problems=error.messages)
        initiative.save()
        initiative.sectors.set([pk for pk in old["sectors"] if pk in sectors])
        initiative.provinces.set(old["provinces"])
        initiative.partnerships.all().delete()
        Partnership.objects.bulk_create(
            [
                Partnership(
                    initiative=initiative, institution_id=pk, role=role, position=n
                )
                for n, (pk, role) in enumerate(
                    (pk, role)
                    for pk, role, _p, _n in old["_partners"]
                    if pk in institutions
                )
            ]
        )
        initiative.links.all().delete()
        Link.objects.bulk_create(
            [
                Link(initiative=initiative, url=url, title=title, kind=kind, position=n)
                for n, (url, title, kind, _position) in enumerate(old["_links"])
            ]
        )
        revision = save_revision(
            [initiative],
            how=RevisionOrigin.How.RESTORE,
            user=user,
            detail=str(version.pk),
        )
        return Outcome(RESTORED, missing=missing, revision=revision)
