"""How many published initiatives each facet option lists, counted cheaply
and kept per content version and filter set.

An option's count is how many initiatives the list shows with that option
and every other active filter (docs/CONTRACT.md "Parameters of the list and
its exports"): each facet's base is the FilterSet's own filtering with that
facet left out, so a count and the list behind its link never disagree.

The counts go over the through tables (initiative–sector, initiative–province,
partnerships) restricted to the base's ids, one GROUP BY per facet, joined
only to the small table of names. A through row is unique per (initiative,
sector) and (initiative, province), so a plain COUNT(*) is exact there; a
partnership is unique per (initiative, institution, role), and an
institution may hold two roles in one initiative, so that count stays
DISTINCT. The list's total comes from the status counts (every initiative
has one status), so the paginator needs no count query of its own.

The result depends only on the content, the valid filter values (not the
ordering or the page) and the language of the labels, so it is cached under
(content version, those values, language): every ordering and page of a
filter set, and the home page (the list with no filter), share one entry, and
any change of content (which bumps the version) reads fresh counts on the
next request.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils.text import capfirst

from . import text
from .models import Initiative, Partnership
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
    facets, status_counts = {}, {}
    for name in FACETS:
        base = filterset.filter_queryset(filterset.queryset.all(), exclude=(name,))
        if name == "status":
            status_counts = _status_counts(base.order_by())
            facets[name] = _status_options(status_counts)
        else:
            facets[name] = OPTIONS[name](base.order_by(), language_code)
    status = filterset.form.cleaned_data.get("status")
    total = status_counts.get(status, 0) if status else sum(status_counts.values())
    return {"total": total, "facets": facets}


def _in_turkish_order(options, key="label"):
    return sorted(options, key=lambda o: (text.sort_key(o[key]), o["value"]))


def _in_language(row, prefix, language_code):
    """A name of a values() row, in the page's language or marked as another's."""
    return choose(
        {code: row[f"{prefix}_{code}"] for code in LANGUAGE_CODES}, language_code
    )


def _through_rows(through, base, *fields, distinct=False):
    count = Count("initiative_id", distinct=True) if distinct else Count("*")
    return (
        through.objects.filter(initiative_id__in=base.values("pk"))
        .values(*fields)
        .annotate(count=count)
        .order_by()
    )


def _sector_options(base, language_code):
    names = [f"sector__name_{code}" for code in LANGUAGE_CODES]
    rows = _through_rows(Initiative.sectors.through, base, "sector__slug", *names)
    return _in_turkish_order(
        {
            "value": row["sector__slug"],
            "label": _in_language(row, "sector__name", language_code),
            "count": row["count"],
        }
        for row in rows
    )


def _province_options(base, language_code):
    rows = _through_rows(
        Initiative.provinces.through, base, "province__slug", "province__name"
    )
    return _in_turkish_order(
        {
            "value": row["province__slug"],
            "label": row["province__name"],
            "count": row["count"],
        }
        for row in rows
    )


def _institution_options(base, language_code):
    prefix = "institution__"
    names = [f"{prefix}name_{code}" for code in LANGUAGE_CODES]
    rows = _through_rows(
        Partnership, base, prefix + "slug", *names, prefix + "acronym", distinct=True
    )
    options = []
    for row in rows:
        name = _in_language(row, prefix + "name", language_code)
        options.append(
            {
                "value": row[prefix + "slug"],
                "label": row[prefix + "acronym"] or name,
                "title": name.text,
                "count": row["count"],
            }
        )
    return _in_turkish_order(options, key="title")


def _status_counts(base):
    return {
        row["status"]: row["count"]
        for row in base.values("status").annotate(count=Count("*")).order_by()
    }


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
