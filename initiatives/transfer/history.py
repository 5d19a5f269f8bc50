"""An import's revision: one revision listing every row the import changed.

Written in the import's transaction, after its rows, by ``versions.
save_revision`` in batches; an initiative's relations come from what the
import already holds (its parsed cells and the lookups loaded for the file),
so the history adds a few queries per 500 rows and none per row.
"""

import os

from ..models import Initiative, RevisionOrigin
from ..versions import relations_document, save_revision


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
