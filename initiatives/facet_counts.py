"""How many published initiatives each facet option lists, counted cheaply
and kept per content version and filter set.

An option's count is how many initiatives the list shows with that option
and every other active filter (docs/CONTRACT.md "Parameters of the list and
its exports"): each facet's base is the FilterSet's own filtering with that
facet left out, so a count and the list behind its link never disagree.

The counts go over the through tables (initiative–sector, initiative–province,
partnerships) restricted to the base's ids, one GROUP BY per facet, joined
only afterwards to the small table of names; facets with the same base (every
facet whose own filter is not active has the list's) share one statement in
which the base is materialized once. A through row is unique per (initiative,
sector) and (initiative, province), so a plain COUNT(*) is exact there; a
partnership is unique per (initiative, institution, role), and an institution
may hold two roles in one initiative, so those pairs are made DISTINCT. With
no other filter the base is every published initiative: then every link row
is counted (an index scan) minus those of hidden initiatives. The list's
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
    # Facets whose bases are the same (a facet's base leaves out only its own
    # filter, so every facet without an active filter has the list's) are
    # counted in one statement, their base computed once.
    groups = {}
    for name in FACETS:
        ids = _base_ids(filterset, name)
        key = None if ids is None else str(ids.query)
        groups.setdefault(key, (ids, []))[1].append(name)
    rows = {name: [] for name in FACETS}
    for ids, names in groups.values():
        for name, row in _counted(names, ids):
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


def _base_ids(filterset, name):
    """The ids of facet ``name``'s base, or None when no other filter is
    active: then the base is every published initiative (the filterset's
    queryset is ``published()``), counted the cheap way (``_grouped``)."""
    if not filterset.narrows(exclude=(name,)):
        return None
    base = filterset.filter_queryset(filterset.queryset.all(), exclude=(name,))
    return base.order_by().values("pk")


NAMES = [f"name_{code}" for code in LANGUAGE_CODES]
# What each facet counts: the table of links, its initiative and key columns,
# the table the key points to (None: the key is the value) with the columns
# read from it, and whether a pair of initiative and key may repeat (an
# institution may hold two roles in one initiative).
SOURCES = {
    "sector": (
        Initiative.sectors.through,
        "initiative_id",
        "sector_id",
        Sector,
        ["slug", *NAMES],
        False,
    ),
    "province": (
        Initiative.provinces.through,
        "initiative_id",
        "province_id",
        Province,
        ["slug", "name"],
        False,
    ),
    "status": (Initiative, "id", "status", None, ["key"], False),
    "institution": (
        Partnership,
        "initiative_id",
        "institution_id",
        Institution,
        ["slug", *NAMES, "acronym"],
        True,
    ),
}
# Every facet's rows have this many value columns (NULL where it has fewer),
# so that one UNION ALL carries several facets.
WIDTH = max(len(source[4]) for source in SOURCES.values())


def _counted(names, ids):
    """[(facet name, {column: value, "count": n})] of the facets ``names``,
    which share the base ``ids`` (None: every published initiative), in one
    statement; a base shared by several facets is computed once."""
    parts, params = [], []
    if ids is None:
        subquery, prefix = None, ""
    else:
        # Materialized even for one facet: SQLite otherwise may run the
        # base's search once per link row.
        base, params = ids.query.sql_with_params()
        materialized = "MATERIALIZED " if _can_materialize() else ""
        prefix = f"WITH b(pk) AS {materialized}({base}) "
        # Qualified: a bare name missing from b would be read as the outer
        # query's column, and match every row.
        subquery = (f"SELECT b.{connection.ops.quote_name('pk')} FROM b", ())
    for name in names:
        sql, part_params = _grouped(name, subquery)
        parts.append(sql)
        params = [*params, *part_params]
    with connection.cursor() as cursor:
        cursor.execute(prefix + " UNION ALL ".join(parts), params)
        found = cursor.fetchall()
    return [
        (
            row[0],
            {
                **dict(zip(SOURCES[row[0]][4], row[1:], strict=False)),
                "count": int(row[-1]),
            },
        )
        for row in found
    ]


def _can_materialize():
    # `AS MATERIALIZED`: PostgreSQL 12, SQLite 3.35; without it the base may
    # be computed once per facet, which is still right.
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version_info >= (3, 35)
    return connection.vendor == "postgresql"


def _grouped(name, subquery):
    """(sql, params) of facet ``name``'s rows: the facet's name, WIDTH value
    columns, the count, for the initiatives of ``subquery`` (sql, params;
    None: every published initiative).

    The GROUP BY runs over the link table's own two columns (an index scan);
    the names are joined afterwards to the few grouped rows. For every
    published initiative, all rows are counted without a filter (a covering
    index scan, no lookup per row) minus the rows of hidden initiatives,
    which are few; rows are per initiative, so the difference is exact.
    """
    table, initiative, key, target, columns, distinct = SOURCES[name]
    quote = connection.ops.quote_name
    # Pairs that may repeat are counted once: on PostgreSQL by COUNT(DISTINCT)
    # per group (sorted by the group; at 100,000 initiatives about 30 % faster
    # than hashing every distinct pair first), on SQLite by DISTINCT pairs.
    per_group = distinct and connection.vendor == "postgresql"
    pairs = (
        f"SELECT {'DISTINCT ' if distinct and not per_group else ''}"
        f"{quote(initiative)} AS i, "
        f"{quote(key)} AS k FROM {quote(table._meta.db_table)}"
    )
    count = "COUNT(DISTINCT r.i)" if per_group else "COUNT(*)"

    def counted(sql):
        return (
            f"SELECT r.k, {count} AS n FROM ({pairs} "
            f"WHERE {quote(initiative)} IN ({sql})) r GROUP BY r.k"
        )

    if subquery is None:
        hidden, params = (
            Initiative.objects.hidden().order_by().values("pk").query
        ).sql_with_params()
        grouped = (
            f"SELECT d.k, SUM(d.n) AS n FROM (SELECT r.k, {count} AS n "
            f"FROM ({pairs}) r GROUP BY r.k UNION ALL SELECT h.k, -h.n "
            f"FROM ({counted(hidden)}) h) d GROUP BY d.k HAVING SUM(d.n) > 0"
        )
    else:
        sql, params = subquery
        grouped = counted(sql)
    padding = ["NULL"] * (WIDTH - len(columns))
    if target is None:
        values = ["c.k", *padding]
        joined = ""
    else:
        values = [f"t.{quote(column)}" for column in columns] + padding
        joined = (
            f" INNER JOIN {quote(target._meta.db_table)} t ON t.{quote('id')} = c.k"
        )
    return (
        f"SELECT '{name}', {', '.join(values)}, c.n FROM ({grouped}) c{joined}",
        list(params),
    )


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
