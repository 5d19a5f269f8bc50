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


def import_relations(plan):
    """{initiative id: relations document} from the plan's canonical values."""
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
        for instance, canonical, _change in plan["new"] + plan["changed"]
    }


def record_import(*, resource, plan, user, file_name):
    """The revision of a confirmed import (None when it changed nothing)."""
    instances = [item[0] for item in plan["new"] + plan["changed"]]
    relations = import_relations(plan) if resource.model is Initiative else None
    return save_revision(
        instances,
        how=RevisionOrigin.How.IMPORT,
        user=user,
        detail=os.path.basename(file_name or ""),
        relations=relations,
    )
