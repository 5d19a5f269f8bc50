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
  models/names.py and models/registry.py; relation changes (add, remove, clear, set, partnerships)
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

# The initiative's own columns that the search text is made of: each
# translated text in both languages (translation.py), so that either finds it
# on every page.
INITIATIVE_TEXT_FIELDS = (
    "title_tr",
    "title_en",
    "summary_tr",
    "summary_en",
    "description_tr",
    "description_en",
    "other_regions_tr",
    "other_regions_en",
    "support_programme",
    "slug",
)
# The columns of related tables that initiatives' search text is made of.
SECTOR_TEXT_FIELDS = ("name_tr", "name_en", "keywords")
PROVINCE_TEXT_FIELDS = ("name",)
INSTITUTION_TEXT_FIELDS = ("name_tr", "name_en", "acronym", "other_names")

# A write of a translated field's own name (``update(title=...)``) is written
# by django-modeltranslation to the active language's column: it changes the
# search text too.
TRANSLATED_SOURCES = {
    "title": ("title_tr", "title_en"),
    "summary": ("summary_tr", "summary_en"),
    "description": ("description_tr", "description_en"),
    "other_regions": ("other_regions_tr", "other_regions_en"),
    "name": ("name_tr", "name_en"),
}


def writes_text(fields, text_fields):
    """Whether a write of ``fields`` changes any of ``text_fields``."""
    for field in fields:
        if field in text_fields:
            return True
        if set(TRANSLATED_SOURCES.get(field, ())) & set(text_fields):
            return True
    return False


BATCH_SIZE = 500

_pending = contextvars.ContextVar("pending_search_refresh", default=None)


def initiative_search_text(
    *,
    title_tr="",
    title_en="",
    summary_tr="",
    summary_en="",
    description_tr="",
    description_en="",
    other_regions_tr="",
    other_regions_en="",
    support_programme="",
    slug="",
    sectors=(),
    provinces=(),
    institutions=(),
):
    """The folded search text of an initiative, from plain values, no query.

    ``sectors`` are ``(name_tr, name_en, keywords)`` triples, ``provinces``
    names and ``institutions`` ``(name_tr, name_en, acronym)`` triples of its
    partners, each in the order the initiative lists them (sectors and
    provinces by Turkish name, partners by position). Folded with
    text.search_fold, so "valilik" finds "Valiliği".
    """
    parts = [
        title_tr,
        title_en,
        summary_tr,
        summary_en,
        description_tr,
        description_en,
        other_regions_tr,
        other_regions_en,
        support_programme,
        slug,
    ]
    for name_tr, name_en, keywords in sectors:
        parts += [name_tr, name_en, keywords]
    parts += provinces
    for name_tr, name_en, acronym in institutions:
        parts += [name_tr, name_en, acronym]
    return distinct_words(text.search_fold(" ".join(p for p in parts if p)))


def distinct_words(folded):
    """Each word of ``folded`` once, in order of first use, between spaces.

    Search matches each word of a query on its own (text.search_terms), so a
    repeated word finds nothing more. Names, places and numbers are in both
    languages: without the repeats the seed's texts are half as long. (A
    search still scans rows that are wider with the English columns:
    bench/search.py measures it.)
    """
    return " " + " ".join(dict.fromkeys(folded.split())) + " "


def institution_search_text(*, name_tr="", name_en="", acronym="", other_names=""):
    """The folded search text of an institution: its names, acronym and other
    names (those of duplicates merged into it)."""
    parts = (name_tr, name_en, acronym, other_names)
    return text.search_fold(" ".join(p for p in parts if p))


def sector_search_text(*, name_tr="", name_en="", keywords="", slug=""):
    """The folded search text of a sector: its names, other names and slug."""
    parts = (name_tr, name_en, keywords, slug)
    return text.search_fold(" ".join(p for p in parts if p))


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
        .values_list(
            "initiative_id", "sector__name_tr", "sector__name_en", "sector__keywords"
        )
    )
    for pk, *sector in rows:
        sectors[pk].append(tuple(sector))
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
        .values_list(
            "initiative_id",
            "institution__name_tr",
            "institution__name_en",
            "institution__acronym",
        )
    )
    for pk, *institution in rows:
        institutions[pk].append(tuple(institution))
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
