"""The list's rows, rendered once per content version and language.

A row (includes/initiative_row.html) shows an initiative's title, years,
sectors, provinces and lead institutions, which change only with the content
(and so with its version), and its read count, which changes without it.
A page's rows are kept rendered, as one cache entry, under (content version,
language, the page's initiatives in order) with a marker where each read
count goes; every render reads the page's initiatives (one query, their
order and read counts current), finds the entry for exactly those and puts
each one's count in: any page, ordering or filter set listing the same
initiatives in the same order shares it. Only on a miss are their sectors,
provinces and partners loaded: three queries, whatever their number.

Which initiatives a page holds is kept too (``page_initiatives``), per content
version and canonical request (filters, search, ordering, page, language):
finding them may scan many rows (a search), reading them again by id does
not. Not for the order by reads, which changes without the content version.
"""

import hashlib

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from .models import Initiative, Partnership

# Part of every key, like page_cache.ENTRY_LAYOUT.
ENTRY_LAYOUT = 1
# Stands where a row's read count goes.
READ_COUNT_MARKER = "<!--row-read-count-->"


def page_initiatives(object_list, key):
    """``list(object_list)`` (a page of published initiatives), with the ids
    it found kept under ``key`` (None: nothing kept); later the same
    initiatives are read by id, in that order, their read counts current."""
    kept = None if key is None else cache.get(key)
    if kept is None:
        initiatives = list(object_list)
        if key is not None:
            cache.set(key, [i.pk for i in initiatives], settings.FACET_CACHE_SECONDS)
        return initiatives
    # Kept under the content version: none of them was unpublished since.
    by_id = Initiative.objects.published().in_bulk(kept)
    return [by_id[pk] for pk in kept]


def rows(initiatives, version, language_code):
    """The rendered rows of ``initiatives`` (a page's, in its order), each
    with its current read count."""
    initiatives = list(initiatives)
    ids = ",".join(str(initiative.pk) for initiative in initiatives)
    digest = hashlib.sha256(ids.encode()).hexdigest()
    key = f"rows{ENTRY_LAYOUT}:{version}:{language_code}:{digest}"
    kept = None if version is None else cache.get(key)
    if kept is None:
        kept = _render(initiatives)
        if version is not None:
            cache.set(key, kept, settings.FACET_CACHE_SECONDS)
    return [
        mark_safe(html.replace(READ_COUNT_MARKER, read_count(initiative.hit_count), 1))
        for html, initiative in zip(kept, initiatives, strict=True)
    ]


def read_count(hit_count):
    """ "12 times": the row's read count, as the template's blocktranslate
    said it."""
    return ngettext("%(hits)s time", "%(hits)s times", hit_count) % {
        "hits": intcomma(hit_count)
    }


def _render(initiatives):
    prefetch_related_objects(
        initiatives,
        "sectors",
        "provinces",
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.select_related("institution"),
        ),
    )
    return [
        render_to_string(
            "includes/initiative_row.html",
            {"initiative": initiative, "read_count": mark_safe(READ_COUNT_MARKER)},
        )
        for initiative in initiatives
    ]
