"""Undoing a merge of institutions (institution_merge.py).

One rule, whoever asks (the admin's "undo this merge", tests): in one
transaction, with the merge and the kept institution locked,

- a merge undone already is not undone again;
- when the kept institution or an affected initiative has changed since the
  merge (its latest version is not the merge's), or a merged institution's
  name or address has been taken since, nothing is done and the outcome
  names them: undoing would lose or clash with those later edits;
- otherwise the merged institutions come back with their ids, slugs and
  fields, the kept one gets its fields (and other names) back, the affected
  initiatives their partnerships with their roles and order, the former
  addresses stop redirecting; the undoing is itself a new revision.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from .models import (
    FormerInstitutionSlug,
    Initiative,
    Institution,
    InstitutionMerge,
    Partnership,
    RevisionOrigin,
    in_default_language,
)
from .version_reads import names_taken, write_fields
from .versions import fields_of, latest_version_ids, save_revision

UNDONE = "undone"
ALREADY_UNDONE = "already_undone"
CONFLICT = "conflict"


@dataclass
class Outcome:
    status: str
    changed: list = field(default_factory=list)  # records edited since
    taken: list = field(default_factory=list)  # names or addresses taken since
    revision: object = None


def _versions(revision):
    """{(model, pk): version} of a revision."""
    types = ContentType.objects.get_for_models(Institution, Initiative)
    models = {types[Institution].pk: Institution, types[Initiative].pk: Initiative}
    return {
        (models[v.content_type_id], int(v.object_id)): v
        for v in revision.version_set.filter(content_type_id__in=models)
    }


def _changed_since(versions, model, pks):
    """The ids among ``pks`` whose latest version is not the merge's."""
    latest = latest_version_ids(model, pks)
    return [pk for pk in pks if latest.get(pk) != versions[(model, pk)].pk]


def undo_merge(*, merge, user):
    with transaction.atomic(), in_default_language():
        merge = InstitutionMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_by_id:
            return Outcome(ALREADY_UNDONE)
        versions = _versions(merge.revision)
        survivor = (
            Institution.objects.select_for_update().filter(pk=merge.survivor_id).first()
        )
        affected = sorted(int(pk) for pk in merge.partnerships_before)
        initiatives = list(
            Initiative.objects.select_for_update()
            .filter(pk__in=affected)
            .order_by("pk")
        )
        edited = set(_changed_since(versions, Initiative, [i.pk for i in initiatives]))
        changed = [str(i) for i in initiatives if i.pk in edited]
        gone = set(affected) - {i.pk for i in initiatives}
        changed += [str(versions[(Initiative, pk)].object_repr) for pk in sorted(gone)]
        if survivor is None:
            changed.insert(0, _("the kept institution (deleted since)"))
        elif _changed_since(versions, Institution, [survivor.pk]):
            changed.insert(0, str(survivor))
        merged = [fields_of(versions[(Institution, pk)]) for pk in merge.merged]
        taken = _taken(merge, merged)
        if survivor is None or changed or taken:
            return Outcome(CONFLICT, changed=changed, taken=taken)

        # The kept one first: it may hold a name a merged one had.
        write_fields(survivor, merge.survivor_before)
        survivor.save()
        restored = []
        for pk, fields in zip(merge.merged, merged, strict=True):
            institution = Institution(pk=pk)
            write_fields(institution, fields)
            institution.save(force_insert=True)
            restored.append(institution)
        Partnership.objects.filter(initiative_id__in=affected).delete()
        Partnership.objects.bulk_create(
            Partnership(
                initiative_id=int(initiative_id),
                institution_id=institution_id,
                role=role,
                position=position,
            )
            for initiative_id, partners in merge.partnerships_before.items()
            for institution_id, role, position in partners
        )
        merge.former_slugs.all().delete()
        for pk, institution_id in merge.former_slugs_moved:
            FormerInstitutionSlug.objects.filter(pk=pk).update(
                institution_id=institution_id
            )
        revision = save_revision(
            [*restored, survivor, *initiatives],
            how=RevisionOrigin.How.UNDO_MERGE,
            user=user,
            detail=str(merge.revision_id),
        )
        merge.undone_by = revision
        merge.save(update_fields=["undone_by"])
        return Outcome(UNDONE, revision=revision)


def _taken(merge, merged):
    """Names and addresses of the merged institutions that others have now."""
    return [
        name
        for fields in merged
        for name in names_taken(Institution, fields, exclude=[merge.survivor_id])
    ]
