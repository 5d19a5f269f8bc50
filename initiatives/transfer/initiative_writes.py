"""How an import writes initiatives: new and changed rows, their search text
and title sort keys, and their sectors, provinces, partners and links, in
batches (``InitiativeResource.write`` calls it inside the import's
transaction)."""

from collections import defaultdict

from django.utils import timezone

from ..models import (
    TITLE_SORT_KEYS,
    Initiative,
    Link,
    Partnership,
    fill_title_sort_keys,
)
from ..search import INITIATIVE_TEXT_FIELDS, initiative_search_text
from .columns import write_fields
from .relations import RELATIONS
from .sql import BATCH, delete_rows, insert_rows, update_rows


def _search_text(instance, canonical, context):
    """The one search-text rule (search.py), fed from the file's values: the
    lookups loaded for the whole file, so no query per row."""
    return initiative_search_text(
        **{name: getattr(instance, name) or "" for name in INITIATIVE_TEXT_FIELDS},
        sectors=[
            (
                context.sector_names_tr[pk],
                context.sector_names_en[pk],
                context.sector_keywords[pk],
            )
            for pk in canonical["sectors"]
        ],
        provinces=[context.province_names[pk] for pk in canonical["provinces"]],
        institutions=[
            (
                context.institution_names_tr[pk],
                context.institution_names_en[pk],
                context.institution_acronyms[pk],
            )
            for pk, _role in canonical["partners"]
        ],
    )


def write_initiatives(plan):
    """Write a plan's new and changed initiatives and their relations: a few
    batch statements per kind of change (sql.py), never one per row. The
    search text is built here by the one rule, from the values the file
    holds."""
    context = plan["context"]
    now = timezone.now()
    new = [item[0] for item in plan["new"]]
    for instance, canonical, _change in plan["new"]:
        fill_title_sort_keys(instance)
        instance.search_text = _search_text(instance, canonical, context)
        instance.hit_count = 0
        instance.created_at = instance.updated_at = now
    changed = plan["changed"]
    # Numbers may move between initiatives of the file: free them first.
    moving = [
        instance
        for instance, _canonical, change in changed
        if "number" in change.changed_columns
    ]
    if moving:
        Initiative.objects.filter(pk__in=[i.pk for i in moving]).update(number=None)
    Initiative.objects.bulk_create(new, batch_size=BATCH)
    groups = defaultdict(list)
    for instance, canonical, change in changed:
        fill_title_sort_keys(instance)
        instance.search_text = _search_text(instance, canonical, context)
        instance.updated_at = now
        fields = [c for c in change.changed_columns if c not in RELATIONS]
        groups[tuple(fields)].append(instance)
    for fields, instances in groups.items():
        # Never hit_count: hits.py is its only writer.
        update_rows(
            Initiative,
            instances,
            [
                *write_fields(Initiative, fields),
                *TITLE_SORT_KEYS.values(),
                "search_text",
                "updated_at",
            ],
        )

    def replace(model, column, fields, make):
        changing = [(i, c) for i, c, ch in changed if column in ch.changed_columns]
        delete_rows(model, [instance.pk for instance, _c in changing])
        items = [(i, c) for i, c, _ch in plan["new"] if c[column]] + changing
        insert_rows(model, fields, [row for i, c in items for row in make(i, c)])

    replace(
        Initiative.sectors.through,
        "sectors",
        ["initiative", "sector"],
        lambda i, c: [(i.pk, pk) for pk in c["sectors"]],
    )
    replace(
        Initiative.provinces.through,
        "provinces",
        ["initiative", "province"],
        lambda i, c: [(i.pk, pk) for pk in c["provinces"]],
    )
    replace(
        Partnership,
        "partners",
        ["initiative", "institution", "role", "position"],
        lambda i, c: [
            (i.pk, pk, role, n) for n, (pk, role) in enumerate(c["partners"])
        ],
    )
    replace(
        Link,
        "links",
        ["initiative", "url", "title", "kind", "position"],
        lambda i, c: [
            (i.pk, url, title, kind, n)
            for n, (url, title, kind) in enumerate(c["links"])
        ],
    )
