"""An import's history: one revision listing every row the import changed,
and the admin history entries of its rows.

Written in the import's transaction, after its rows, by ``versions.
save_revision`` in batches; an initiative's relations come from what the
import already holds (its parsed cells and the lookups loaded for the file),
so the history adds a few queries per 500 rows and none per row.
"""

import json
import os

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ..models import Initiative, RevisionOrigin
from ..versions import bulk_versions, relations_document, save_revision
from .sql import BATCH


def _names(mapping_tr, mapping_en):
    return {pk: mapping_tr.get(pk) or mapping_en.get(pk) or "" for pk in mapping_tr}


def import_relations(plan, items):
    """{initiative id: relations document} of (instance, canonical) pairs."""
    context = plan["context"]
    sector_names = _names(context.sector_names_tr, context.sector_names_en)
    names = _names(context.institution_names_tr, context.institution_names_en)
    return {
        instance.pk: relations_document(
            sectors=canonical["sectors"],
            provinces=canonical["provinces"],
            partners=canonical["partners"],
            links=canonical["links"],
            sector_names=sector_names,
            names=names,
        )
        for instance, canonical in items
    }


def record_import(*, resource, plan, user, file_name):
    """The revision of a confirmed import (None when it changed nothing),
    after the baseline of the records it changed for the first time."""
    with bulk_versions():
        return _record(resource, plan, user, file_name)


def _record(resource, plan, user, file_name):
    written = [(i, c) for i, c, _change in plan["new"] + plan["changed"]]
    before = [plan["existing"][i.slug] for i, _c, _ch in plan["changed"]]
    # The records this import changes for the first time: their state before.
    first = [(i, c) for i, c in before if c["version"] is None]
    initiatives = resource.model is Initiative
    save_revision(
        [i for i, _c in first],
        how=RevisionOrigin.How.BASELINE,
        relations=import_relations(plan, first) if initiatives else None,
    )
    relations = import_relations(plan, written) if initiatives else None
    return save_revision(
        [i for i, _c in written],
        how=RevisionOrigin.How.IMPORT,
        user=user,
        detail=os.path.basename(file_name or ""),
        relations=relations,
    )


def log_changes(resource, *, plan, user):
    """The admin history entry of each row an import added or changed (which
    columns), in batches."""
    content_type = ContentType.objects.get_for_model(resource.model)
    now = timezone.now()
    entries = []
    for action, items in ((ADDITION, plan["new"]), (CHANGE, plan["changed"])):
        for instance, _canonical, change in items:
            if action == ADDITION:
                message = [{"added": {}}]
            else:
                message = [
                    {
                        "changed": {
                            "fields": [
                                resource.column_label(c) for c in change.changed_columns
                            ]
                        }
                    }
                ]
            entries.append(
                LogEntry(
                    action_time=now,
                    user_id=user.pk,
                    content_type=content_type,
                    object_id=str(instance.pk),
                    object_repr=str(instance)[:200],
                    action_flag=action,
                    change_message=json.dumps(message),
                )
            )
    LogEntry.objects.bulk_create(entries, batch_size=BATCH)
