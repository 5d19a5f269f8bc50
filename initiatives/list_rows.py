"""The list's rows, rendered once per content version and language.

A row (includes/initiative_row.html) shows an initiative's title, years,
sectors, provinces and lead institutions, which change only with the content
(and so with its version), and its read count, which changes without it.
Each row is kept rendered under (content version, language, initiative) with
a marker where the read count goes; every render of any page, ordering or
filter of the list reads the page's initiatives (one query, their order and
read counts current) and puts each one's count in. Only the rows not kept
yet load their sectors, provinces and partners: three queries for all of
them, whatever their number.
"""

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from .models import Partnership

# Part of every key, like page_cache.ENTRY_LAYOUT.
ENTRY_LAYOUT = 1
# Stands where a row's read count goes.
READ_COUNT_MARKER = "<!--row-read-count-->"


def rows(initiatives, version, language_code):
    """The rendered rows of ``initiatives`` (a page's, in its order), each
    with its current read count."""
    initiatives = list(initiatives)
    keys = {
        initiative.pk: f"row{ENTRY_LAYOUT}:{version}:{language_code}:{initiative.pk}"
        for initiative in initiatives
    }
    kept = {} if version is None else cache.get_many(list(keys.values()))
    missing = [i for i in initiatives if keys[i.pk] not in kept]
    if missing:
        rendered = _render(missing)
        kept.update({keys[pk]: html for pk, html in rendered.items()})
        if version is not None:
            cache.set_many(
                {keys[pk]: html for pk, html in rendered.items()},
                settings.FACET_CACHE_SECONDS,
            )
    return [
        mark_safe(
            kept[keys[initiative.pk]].replace(
                READ_COUNT_MARKER, read_count(initiative.hit_count), 1
            )
        )
        for initiative in initiatives
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
    return {
        initiative.pk: render_to_string(
            "includes/initiative_row.html",
            {"initiative": initiative, "read_count": mark_safe(READ_COUNT_MARKER)},
        )
        for initiative in initiatives
    }
