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
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.db import connection
from django.utils.text import capfirst
from django.utils.translation import ngettext

from . import text
from .models import Initiative, Institution, Partnership, Province, Sector
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
        ids = _base_ids(filterset, name)
        if name == "status":
            status_counts = {
                row["key"]: row["count"]
                for row in _grouped(Initiative, "id", "status", ids, ["key"])
            }
            facets[name] = _status_options(status_counts)
        else:
            facets[name] = OPTIONS[name](ids, language_code)
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


def _base_ids(filterset, name):
    """The ids of facet ``name``'s base, or None when no other filter is
    active: then the base is every published initiative (the filterset's
    queryset is ``published()``), counted the cheap way (``_grouped``)."""
    others = [f for f in filterset.filters if f not in (name, "ordering")]
    if not any(filterset.active_values(other) for other in others):
        return None
    base = filterset.filter_queryset(filterset.queryset.all(), exclude=(name,))
    return base.order_by().values("pk")


def _grouped(table, initiative, key, ids, columns, *, target=None, distinct=False):
    """[{column: value, "count": n}]: how many initiatives of ``ids`` each
    value of ``table``'s ``key`` column has, with ``target``'s ``columns``
    joined to the grouped rows (or the key itself as "key").

    The GROUP BY runs over the table's own two columns (an index scan); the
    names are joined afterwards to the few grouped rows. ``ids`` None means
    every published initiative: all rows counted without a filter (a covering
    index scan, no lookup per row) minus the rows of hidden initiatives,
    which are few; rows are per initiative, so the difference is exact.
    """
    quote = connection.ops.quote_name
    pairs = (
        f"SELECT {'DISTINCT ' if distinct else ''}{quote(initiative)} AS i, "
        f"{quote(key)} AS k FROM {quote(table._meta.db_table)}"
    )

    def counted(subquery):
        sql, params = subquery.query.sql_with_params()
        return (
            f"SELECT r.k, COUNT(*) AS n FROM ({pairs} "
            f"WHERE {quote(initiative)} IN ({sql})) r GROUP BY r.k",
            params,
        )

    if ids is None:
        hidden, params = counted(Initiative.objects.hidden().order_by().values("pk"))
        grouped = (
            f"SELECT d.k, SUM(d.n) AS n FROM (SELECT r.k, COUNT(*) AS n "
            f"FROM ({pairs}) r GROUP BY r.k UNION ALL SELECT h.k, -h.n "
            f"FROM ({hidden}) h) d GROUP BY d.k HAVING SUM(d.n) > 0"
        )
    else:
        grouped, params = counted(ids)
    if target is None:
        sql = f"SELECT c.k, c.n FROM ({grouped}) c"
    else:
        names = ", ".join(f"t.{quote(column)}" for column in columns)
        sql = (
            f"SELECT {names}, c.n FROM ({grouped}) c INNER JOIN "
            f"{quote(target._meta.db_table)} t ON t.{quote('id')} = c.k"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {**dict(zip(columns, row[:-1], strict=True)), "count": int(row[-1])}
            for row in cursor.fetchall()
        ]


def _in_turkish_order(options, key="label"):
    return sorted(options, key=lambda o: (text.sort_key(o[key]), o["value"]))


def _in_language(row, prefix, language_code):
    """A name of a row, in the page's language or marked as another's."""
    return choose(
        {code: row[f"{prefix}_{code}"] for code in LANGUAGE_CODES}, language_code
    )


NAMES = [f"name_{code}" for code in LANGUAGE_CODES]


def _sector_options(ids, language_code):
    rows = _grouped(
        Initiative.sectors.through,
        "initiative_id",
        "sector_id",
        ids,
        ["slug", *NAMES],
        target=Sector,
    )
    return _in_turkish_order(
        {
            "value": row["slug"],
            "label": _in_language(row, "name", language_code),
            "count": row["count"],
        }
        for row in rows
    )


def _province_options(ids, language_code):
    rows = _grouped(
        Initiative.provinces.through,
        "initiative_id",
        "province_id",
        ids,
        ["slug", "name"],
        target=Province,
    )
    return _in_turkish_order(
        {"value": row["slug"], "label": row["name"], "count": row["count"]}
        for row in rows
    )


def _institution_options(ids, language_code):
    # An institution may hold two roles in one initiative: pairs DISTINCT.
    rows = _grouped(
        Partnership,
        "initiative_id",
        "institution_id",
        ids,
        ["slug", *NAMES, "acronym"],
        target=Institution,
        distinct=True,
    )
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
