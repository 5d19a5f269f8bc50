"""The search text: the one rule that builds it and the one refresh that keeps it.

``Initiative.search_text`` and ``Institution.search_text`` are folded copies
(text.fold) of everything a visitor may search by, so that one ``LIKE`` per
word finds "İzmir" for "izmir" on SQLite and PostgreSQL alike.

- ``initiative_search_text()`` and ``institution_search_text()`` are the rule:
  pure functions of plain values. The model methods, the refresh below and
  the import (which knows the relations of its rows without a query) all
  call them, so every writer builds the same text.
- ``refresh_search_text(initiative_ids)`` rebuilds the stored text from the
  database, a batch at a time. Every writer reaches it: ``Model.save()`` and
  fixtures through the model and signals.py; ``QuerySet.update()``,
  ``bulk_create()`` and ``bulk_update()`` through the QuerySets of
  models/registry.py; relation changes (add, remove, clear, set, partnerships)
  through signals.py and ``PartnershipQuerySet``.
- ``deferred_refresh()`` lets a bulk writer (the import, ``load_seed``)
  collect the initiatives to refresh and refresh each once, on exit.

tests/test_search_text.py proves each writer.
"""

import contextlib
import contextvars
from collections import defaultdict

from django.db import models

from . import text

# The initiative's own columns that the search text is made of.
INITIATIVE_TEXT_FIELDS = (
    "title",
    "summary",
    "description",
    "other_regions",
    "support_programme",
    "slug",
)
# The columns of related tables that initiatives' search text is made of.
SECTOR_TEXT_FIELDS = ("name", "name_en")
PROVINCE_TEXT_FIELDS = ("name",)
INSTITUTION_TEXT_FIELDS = ("name", "acronym")

BATCH_SIZE = 500

_pending = contextvars.ContextVar("pending_search_refresh", default=None)


def initiative_search_text(
    *,
    title="",
    summary="",
    description="",
    other_regions="",
    support_programme="",
    slug="",
    sectors=(),
    provinces=(),
    institutions=(),
):
    """The folded search text of an initiative, from plain values, no query.

    ``sectors`` are ``(name, name_en)`` pairs, ``provinces`` names and
    ``institutions`` ``(name, acronym)`` pairs of its partners, each in the
    order the initiative lists them (sectors and provinces by Turkish name,
    partners by position).
    """
    sectors = list(sectors)
    parts = [title, summary, description, other_regions, support_programme, slug]
    parts += [name for name, _name_en in sectors]
    parts += [name_en for _name, name_en in sectors]
    parts += provinces
    for name, acronym in institutions:
        parts += [name, acronym]
    return " " + text.fold(" ".join(p for p in parts if p)) + " "


def institution_search_text(*, name="", acronym=""):
    """The folded search text of an institution: its name and acronym."""
    return text.fold(f"{name} {acronym}")


@contextlib.contextmanager
def deferred_refresh():
    """Collect the initiatives to refresh and refresh each once, on exit."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if pending:
        refresh_search_text(pending)


def refresh_search_text(initiative_ids):
    """Rebuild the search text of these initiatives from the database.

    Four queries per 500 initiatives, and one UPDATE for the texts that
    changed. Inside ``deferred_refresh()`` the ids are only remembered.
    Returns how many texts changed (0 when deferred).
    """
    ids = {pk for pk in initiative_ids if pk is not None}
    if not ids:
        return 0
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return 0
    ids = sorted(ids)
    changed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        changed += _refresh_batch(ids[start : start + BATCH_SIZE])
    return changed


def _refresh_batch(ids):
    from .models import Initiative, Partnership

    sectors, provinces, institutions = (defaultdict(list) for _ in range(3))
    rows = (
        Initiative.sectors.through.objects.filter(initiative_id__in=ids)
        .order_by("sector__sort_key", "sector__name")
        .values_list("initiative_id", "sector__name", "sector__name_en")
    )
    for pk, name, name_en in rows:
        sectors[pk].append((name, name_en))
    rows = (
        Initiative.provinces.through.objects.filter(initiative_id__in=ids)
        .order_by("province__sort_key", "province__name")
        .values_list("initiative_id", "province__name")
    )
    for pk, name in rows:
        provinces[pk].append(name)
    rows = (
        Partnership.objects.filter(initiative_id__in=ids)
        .order_by("position", "id")
        .values_list("initiative_id", "institution__name", "institution__acronym")
    )
    for pk, name, acronym in rows:
        institutions[pk].append((name, acronym))
    changed = []
    rows = Initiative.objects.filter(pk__in=ids).values_list(
        "pk", "search_text", *INITIATIVE_TEXT_FIELDS
    )
    for pk, current, *values in rows:
        value = initiative_search_text(
            **dict(zip(INITIATIVE_TEXT_FIELDS, values, strict=True)),
            sectors=sectors[pk],
            provinces=provinces[pk],
            institutions=institutions[pk],
        )
        if value != current:
            changed.append(Initiative(pk=pk, search_text=value))
    if changed:
        # The plain QuerySet method: this is the derived column's own write.
        models.QuerySet.bulk_update(Initiative.objects.all(), changed, ["search_text"])
    return len(changed)
