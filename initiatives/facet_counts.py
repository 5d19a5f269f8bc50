"""How many published initiatives each facet option lists, counted cheaply
and kept per content version and filter set.

An option's count is how many initiatives the list shows with that option
and every other active filter (docs/CONTRACT.md "Parameters of the list and
its exports"): each facet's base is the FilterSet's own filtering with that
facet left out, so a count and the list behind its link never disagree.

All four facets are counted in one statement (facet_sql.py): each distinct
base computed once, a search once, every link table grouped over its own
columns and joined only afterwards to the small table of names. The list's
total comes from the status counts (every initiative has one status), so the
paginator needs no count query of its own.

The result depends only on the content, the valid filter values (not the
ordering or the page) and the language of the labels, so it is cached under
(content version, those values, language): every ordering and page of a
filter set, and the home page (the list with no filter), share one entry, and
any change of content (which bumps the version) reads fresh counts on the
next request.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.utils.text import capfirst
from django.utils.translation import ngettext

from . import text
from .facet_sql import FacetStatement
from .models import Initiative
from .translation import LANGUAGE_CODES, choose

# The list's filters whose options are shown with counts, in page order.
FACETS = ("sector", "province", "status", "institution")
# Part of every key, like page_cache.ENTRY_LAYOUT.
ENTRY_LAYOUT = 1


def counts(filterset, version, language_code):
    """{"total": the list's count, "facets": {name: [option]}} for the
    filterset's valid values; each option a dict of value, label, count (and
    title for institutions), in the order the page shows them."""
    filterset.is_valid()  # cleaned_data is read by filter_queryset
    if version is None:  # no version row: nothing could be invalidated
        return _count(filterset, language_code)
    key = cache_key(filterset, version, language_code)
    result = cache.get(key)
    if result is None:
        result = _count(filterset, language_code)
        cache.set(key, result, settings.FACET_CACHE_SECONDS)
    return result


def cache_key(filterset, version, language_code):
    """The valid filter values in a fixed order: not the ordering, not the
    page, not how the query string spelt or ordered them."""
    parts = []
    for name in sorted(filterset.filters):
        if name == "ordering":
            continue
        values = sorted(
            str(getattr(v, "slug", v)) for v in filterset.active_values(name)
        )
        parts.append(f"{name}={chr(31).join(values)}")
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"facets{ENTRY_LAYOUT}:{version}:{language_code}:{digest}"


def _count(filterset, language_code):
    statement = FacetStatement(filterset)
    for name in FACETS:
        statement.add(name)
    rows = {name: [] for name in FACETS}
    for name, row in statement.rows():
        rows[name].append(row)
    status_counts = {row["key"]: row["count"] for row in rows["status"]}
    facets = {
        name: _status_options(status_counts)
        if name == "status"
        else OPTIONS[name](rows[name], language_code)
        for name in FACETS
    }
    status = filterset.form.cleaned_data.get("status")
    total = status_counts.get(status, 0) if status else sum(status_counts.values())
    for options in facets.values():
        for option in options:
            _put_count_texts(option)
    return {"total": total, "facets": facets}


def _put_count_texts(option):
    """The count as the page shows it and as a screen reader says it, made
    once per cached entry (the key has the language) instead of by the
    template for each of hundreds of options on every render."""
    shown = intcomma(option["count"])
    option["shown"] = shown
    option["spoken"] = ngettext(
        "%(n)s initiative", "%(n)s initiatives", option["count"]
    ) % {"n": shown}


@functools.lru_cache(maxsize=4096)
def _sort_key(label):
    # The same few hundred names are sorted on every count of a new filter
    # set: their keys are made once per worker.
    return text.sort_key(label)


def _in_turkish_order(options, key="label"):
    return sorted(options, key=lambda o: (_sort_key(str(o[key])), o["value"]))


def _in_language(row, prefix, language_code):
    """A name of a row, in the page's language or marked as another's."""
    return choose(
        {code: row[f"{prefix}_{code}"] for code in LANGUAGE_CODES}, language_code
    )


def _sector_options(rows, language_code):
    return _in_turkish_order(
        {
            "value": row["slug"],
            "label": _in_language(row, "name", language_code),
            "count": row["count"],
        }
        for row in rows
    )


def _province_options(rows, language_code):
    return _in_turkish_order(
        {"value": row["slug"], "label": row["name"], "count": row["count"]}
        for row in rows
    )


def _institution_options(rows, language_code):
    options = []
    for row in rows:
        name = _in_language(row, "name", language_code)
        options.append(
            {
                "value": row["slug"],
                "label": row["acronym"] or name,
                "title": name.text,
                "count": row["count"],
            }
        )
    return _in_turkish_order(options, key="title")


def _status_options(counts):
    return [
        {"value": value, "label": str(capfirst(label)), "count": counts[value]}
        for value, label in Initiative.Status.choices
        if value in counts
    ]


OPTIONS = {
    "sector": _sector_options,
    "province": _province_options,
    "institution": _institution_options,
}
