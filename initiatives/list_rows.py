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

Which initiatives a page holds is kept too (``page_rows``), per content
version and canonical request (filters, search, ordering, page, language):
finding them may scan many rows (a search), reading them again by id does
not; and when their rows are kept too, only their read counts are read (no
initiative is loaded). Not for the order by reads, which changes without the
content version.
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


def page_rows(object_list, ids_key, version, language_code):
    """The rendered rows of a page of published initiatives (``object_list``,
    a lazy QuerySet), each with its current read count. Which initiatives
    the page holds is kept under ``ids_key`` (None: not kept); when they and
    their rows are kept, only their read counts are read (one narrow query,
    no initiative loaded)."""
    kept = None if ids_key is None else cache.get(ids_key)
    if kept is None:
        initiatives = list(object_list)
        if ids_key is not None:
            ids = [i.pk for i in initiatives]
            cache.set(ids_key, ids, settings.FACET_CACHE_SECONDS)
        return rows(initiatives, version, language_code)
    # Kept under the content version: none of them was unpublished since.
    html = None if version is None else cache.get(_key(kept, version, language_code))
    if html is not None:
        counts = dict(
            Initiative.objects.published()
            .filter(pk__in=kept)
            .values_list("pk", "hit_count")
        )
        return _with_counts(html, [counts[pk] for pk in kept])
    by_id = Initiative.objects.published().in_bulk(kept)
    return rows([by_id[pk] for pk in kept], version, language_code)


def rows(initiatives, version, language_code):
    """The rendered rows of ``initiatives`` (a page's, in its order), each
    with its current read count."""
    initiatives = list(initiatives)
    key = _key([initiative.pk for initiative in initiatives], version, language_code)
    kept = None if version is None else cache.get(key)
    if kept is None:
        kept = _render(initiatives)
        if version is not None:
            cache.set(key, kept, settings.FACET_CACHE_SECONDS)
    return _with_counts(kept, [initiative.hit_count for initiative in initiatives])


def _key(ids, version, language_code):
    digest = hashlib.sha256(",".join(str(pk) for pk in ids).encode()).hexdigest()
    return f"rows{ENTRY_LAYOUT}:{version}:{language_code}:{digest}"


def _with_counts(kept, hit_counts):
    return [
        mark_safe(html.replace(READ_COUNT_MARKER, read_count(hit_count), 1))
        for html, hit_count in zip(kept, hit_counts, strict=True)
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
