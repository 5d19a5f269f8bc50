"""The one SQL statement that counts every facet of the list.

Each facet's base is the FilterSet's own filtering with that facet left out
(facet_counts.py); this module turns the four bases into one statement:

- A base that no other filter narrows is every published initiative: all
  link rows are counted (a covering index scan) minus those of the hidden
  initiatives, which are few.
- Every other base is a common table expression of ids, computed once
  however many facets share it.
- A search scans every initiative's text, so it runs once per statement
  (before, once per distinct base), in one of two ways, chosen by
  ``_mostly_matches`` from a sample of SAMPLE initiatives (both give the
  same counts):
  - it finds few: as ``s``, the ids it finds; a base that is the search
    alone is ``s``, the others are their filters within ``s``;
  - it finds most: as ``n``, the ids of every initiative, published or not,
    it does not find; a base that is the search alone is counted as every
    link row minus those of ``n`` (like the hidden ones above), the others
    are their filters outside ``n``. Counting 90,000 found initiatives'
    links one index lookup at a time, or joining them, cost more than the
    search itself.
- On PostgreSQL a base is joined to a link table, which it may hash; on
  SQLite, which has no estimate of an expression's rows, each of the base's
  initiatives is looked up in the link table's index.

A through row is unique per (initiative, sector) and (initiative, province),
so a plain COUNT(*) is exact there; a partnership is unique per (initiative,
institution, role), and an institution may hold two roles in one initiative,
so those pairs are made DISTINCT. Every base holds each initiative once (the
FilterSet filters by subqueries, never by joins), so joining one to a link
table adds no row.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from .models import Initiative, Institution, Partnership, Province, Sector
from .translation import LANGUAGE_CODES

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
# so that one UNION ALL carries all facets.
WIDTH = max(len(source[4]) for source in SOURCES.values())
# The search's share of initiatives above which SQLite counts its base the
# other way round, and how many initiatives the estimate reads.
MOSTLY = 0.5
SAMPLE = 1000
# The expressions of the search's ids, and of the other initiatives'.
SEARCHED = "s"
UNSEARCHED = "n"


def quote(name):
    return connection.ops.quote_name(name)


class FacetStatement:
    """The statement counting ``filterset``'s facets: ``add()`` each, then
    ``rows()``."""

    def __init__(self, filterset):
        self.filterset = filterset
        self.expressions = {}  # name: (sql, params), in the order made
        self.bases = {}  # (sql, params) of a base: its expression's name
        self.parts = []  # (sql, params) of each facet's rows
        self.mostly = None  # whether the search finds most initiatives

    def add(self, name):
        filterset = self.filterset
        if not filterset.narrows(exclude=(name,)):
            part = _grouped(name, None, _hidden())
        elif not filterset.active_values("q"):
            base = filterset.filter_queryset(filterset.queryset.all(), exclude=(name,))
            part = _grouped(name, self._expression(base))
        else:
            part = self._searched_part(name)
        self.parts.append(part)

    def _searched_part(self, name):
        # The search runs once: as the few initiatives it does not find when
        # it finds most, else as those it finds.
        filterset = self.filterset
        mostly = self._mostly_matches()
        ids = (
            self._read(UNSEARCHED, self._not_searched)
            if mostly
            else self._read(SEARCHED, self._searched)
        )
        if not filterset.narrows(exclude=(name, "q")):
            if mostly:
                return _grouped(name, None, (ids, []))
            return _grouped(name, SEARCHED)
        others = filterset.filter_queryset(
            filterset.queryset.all(), exclude=(name, "q")
        )
        if mostly:
            base = others.exclude(pk__in=RawSQL(ids, ()))
        else:
            base = others.filter(pk__in=RawSQL(ids, ()))
        return _grouped(name, self._expression(base))

    def rows(self):
        """[(facet name, {column: value, "count": n})] of every facet added."""
        params, prefix = [], ""
        if self.expressions:
            materialized = "MATERIALIZED " if _can_materialize() else ""
            parts = []
            for name, (sql, expression_params) in self.expressions.items():
                parts.append(f"{name} AS {materialized}({sql})")
                params += expression_params
            prefix = "WITH " + ", ".join(parts) + " "
        for _sql, part_params in self.parts:
            params += part_params
        with connection.cursor() as cursor:
            cursor.execute(
                prefix + " UNION ALL ".join(sql for sql, _ in self.parts), params
            )
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

    def _read(self, name, make):
        """``SELECT name.pk FROM name``, with expression ``name`` made by
        ``make()`` before the bases that read it (an expression reads only
        those before it)."""
        if name not in self.expressions:
            self.expressions[name] = make()
        return f"SELECT {name}.pk FROM {name}"

    def _searched(self):
        return _ids(self._search_queryset())

    def _expression(self, queryset):
        """The name of the expression of base ``queryset``, made once."""
        sql, params = _ids(queryset)
        key = (sql, tuple(params))
        if key not in self.bases:
            name = f"b{len(self.bases)}"
            self.bases[key] = name
            self.expressions[name] = (sql, list(params))
        return self.bases[key]

    def _search_queryset(self):
        filterset = self.filterset
        return filterset.filters["q"].filter(
            filterset.queryset.all(), filterset.form.cleaned_data["q"]
        )

    def _not_searched(self):
        """(sql, params) of the ids of every initiative, published or not,
        that the search's base does not hold."""
        where, params = _where(self._search_queryset())
        table = quote(Initiative._meta.db_table)
        return (
            f"SELECT {table}.{quote('id')} AS pk FROM {table} WHERE NOT ({where})",
            params,
        )

    def _mostly_matches(self):
        """Whether the search finds most published initiatives, estimated
        from the first SAMPLE initiatives."""
        if self.mostly is None:
            where, params = _where(self._search_queryset())
            table = quote(Initiative._meta.db_table)
            published = f"{table}.{quote('is_published')}"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COALESCE(SUM(CASE WHEN {where} THEN 1 ELSE 0 END), 0), "
                    f"COALESCE(SUM(CASE WHEN {published} THEN 1 ELSE 0 END), 0) "
                    f"FROM {table} WHERE {table}.{quote('id')} <= (SELECT MAX(x.id) "
                    f"FROM (SELECT {quote('id')} AS id FROM {table} ORDER BY "
                    f"{quote('id')} LIMIT {SAMPLE}) x)",
                    params,
                )
                found, published_count = cursor.fetchone()
            self.mostly = found > MOSTLY * published_count
        return self.mostly


def _ids(queryset):
    """(sql, params) of ``queryset``'s ids, a column named pk. Only the ids: a
    search reads an index of the search text, which holds no other column."""
    return queryset.order_by().values("pk").query.sql_with_params()


def _where(queryset):
    """(sql, params) of ``queryset``'s WHERE clause, its columns qualified by
    the initiatives' table."""
    query = queryset.query
    return query.get_compiler(connection=connection).compile(query.where)


def _hidden():
    return Initiative.objects.hidden().order_by().values("pk").query.sql_with_params()


def _can_materialize():
    # `AS MATERIALIZED`: PostgreSQL 12, SQLite 3.35; without it a base may be
    # computed once per facet, which is still right.
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version_info >= (3, 35)
    return connection.vendor == "postgresql"


def _grouped(name, base, complement=None):
    """(sql, params) of facet ``name``'s rows: the facet's name, WIDTH value
    columns, the count; for the initiatives of expression ``base``, or (base
    None) for every initiative but those of ``complement`` (sql, params).

    The GROUP BY runs over the link table's own two columns; the names are
    joined afterwards to the few grouped rows. Counting every initiative but
    a complement counts all rows without a filter (a covering index scan, no
    lookup per row) minus the rows of the complement; rows are per
    initiative, so the difference is exact.
    """
    table, initiative, key, target, columns, distinct = SOURCES[name]
    # Pairs that may repeat are counted once: on PostgreSQL by COUNT(DISTINCT)
    # per group (sorted by the group; at 100,000 initiatives about 30 % faster
    # than hashing every distinct pair first), on SQLite by DISTINCT pairs.
    per_group = distinct and connection.vendor == "postgresql"
    unique = "DISTINCT " if distinct and not per_group else ""
    count = "COUNT(DISTINCT r.i)" if per_group else "COUNT(*)"
    db_table = quote(table._meta.db_table)
    params = []
    if base is not None and connection.vendor == "postgresql" and name != "status":
        # A join, which PostgreSQL may hash: it estimates an expression's
        # rows, but as `IN (SELECT ...)` it takes them for 200 distinct
        # values and looks up each of (say) 90,000 rows in an index.
        grouped = (
            f"SELECT r.k, {count} AS n FROM (SELECT l.{quote(initiative)} AS i, "
            f"l.{quote(key)} AS k FROM {base} INNER JOIN {db_table} l "
            f"ON l.{quote(initiative)} = {base}.pk) r GROUP BY r.k"
        )
    elif base is not None:
        # The status (each initiative's row, by its key), and on SQLite,
        # which has no estimate of an expression's rows, as a join
        # may scan a whole link table to look up a few hundred rows of the
        # base: the rows of each of the base's initiatives are looked up.
        grouped = (
            f"SELECT r.k, {count} AS n FROM (SELECT {unique}{quote(initiative)} "
            f"AS i, {quote(key)} AS k FROM {db_table} WHERE {quote(initiative)} "
            f"IN (SELECT {base}.pk FROM {base})) r GROUP BY r.k"
        )
    else:
        pairs = (
            f"SELECT {unique}{quote(initiative)} AS i, {quote(key)} AS k "
            f"FROM {db_table}"
        )
        sql, params = complement
        grouped = (
            f"SELECT d.k, SUM(d.n) AS n FROM (SELECT r.k, {count} AS n "
            f"FROM ({pairs}) r GROUP BY r.k UNION ALL SELECT h.k, -h.n FROM ("
            f"SELECT r.k, {count} AS n FROM ({pairs} WHERE {quote(initiative)} "
            f"IN ({sql})) r GROUP BY r.k) h) d GROUP BY d.k HAVING SUM(d.n) > 0"
        )
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
