"""Search through PostgreSQL's trigram index finds what the rule says
(migration 0021); where the index cannot be made, search still works.

On SQLite there is no trigram index: the same assertions check the scan of
its own index of the search text (migration 0022).
"""

import importlib
import io
from contextlib import redirect_stderr
from types import SimpleNamespace

import pytest
from django.db import connection

from initiatives import text
from initiatives.models import Initiative
from tests.factories import InitiativeFactory, InstitutionFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

INDEX = "initiative_search_trgm"
migration = importlib.import_module("initiatives.migrations.0021_search_trigram_index")

QUERIES = [
    "k",  # one character: no trigram to look up
    "ku",  # two
    "kum",
    "kümelenme",
    "KUMELENME",
    "valilik",  # "Valiliği", folded the Turkish way
    "kalkınma bakanlık",  # every word must match
    "body",  # a partner's English name
    "elazig",
    "50%",  # punctuation is not searched: "50"
    "mermer kümesi",
    "zzyzx",  # nothing
]


@pytest.fixture
def registry(db):
    ministry = InstitutionFactory(name="Kalkınma Bakanlığı", name_en="Ministry Body")
    texts = [
        ("Bartın Kümelenme Projesi", "Bartın Clustering Project"),
        ("Elazığ Valiliği Mermer Kümesi", "Elazığ Marble Cluster"),
        ("Yüzde 50 Kümesi", "Fifty per cent"),
        ("Konya Makine", ""),
        ("Kumluca Seracılık", "Kumluca Greenhouses"),
    ]
    for n, (title, title_en) in enumerate(texts):
        initiative = InitiativeFactory(title=title, title_en=title_en, number=n + 1)
        if n % 2 == 0:
            PartnershipFactory(initiative=initiative, institution=ministry)


def by_the_rule(q):
    """The rule of search, in Python: every folded word in the search text."""
    terms = text.search_terms(q)
    return {
        slug
        for slug, search_text in Initiative.objects.values_list("slug", "search_text")
        if all(term in search_text for term in terms)
    }


def plan(qs):
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def index_exists():
    with connection.cursor() as cursor:
        table = Initiative._meta.db_table
        return INDEX in connection.introspection.get_constraints(cursor, table)


def test_search_from_the_index_finds_exactly_what_the_rule_finds(registry):
    postgresql = connection.vendor == "postgresql"
    assert index_exists() == postgresql
    if postgresql:
        with connection.cursor() as cursor:
            # Seven rows would be scanned: make the planner use the index.
            cursor.execute("SET LOCAL enable_seqscan = off")
        # (Without the list's order, which a table of seven rows follows.)
        assert INDEX in plan(Initiative.objects.search("kumelenme").order_by())
        # A word of one or two characters has no trigram to look up: the
        # index would read all of itself, so the rows are read instead.
        for short in ("k", "ku"):
            assert INDEX not in plan(Initiative.objects.search(short).order_by())
        both = plan(Initiative.objects.search("kumelenme ku").order_by())
        assert "Index Cond: (search_text ~~ '%kumelenme%'::text)" in both
        assert "'%ku%'" in both and "~~ '%ku%'::text))" not in both
    for q in QUERIES:
        found = set(Initiative.objects.search(q).values_list("slug", flat=True))
        assert found == by_the_rule(q), q
    assert by_the_rule("kalkınma bakanlık") == by_the_rule("kalkinma")
    assert len(by_the_rule("kalkınma bakanlık")) == 3
    assert len(by_the_rule("50%")) == len(by_the_rule("mermer kümesi")) == 1


def test_without_the_right_to_make_the_index_the_migration_goes_on(registry):
    """A server where pg_trgm may not be created: migrate goes on, with a
    message, and search finds the same without the index."""
    before = {q: by_the_rule(q) for q in QUERIES}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Undone with the test's transaction.
            cursor.execute("DROP EXTENSION pg_trgm CASCADE")
            cursor.execute("CREATE ROLE clusters_search_no_rights NOLOGIN")
            cursor.execute("SET LOCAL ROLE clusters_search_no_rights")
        messages = io.StringIO()
        # What the migration uses of a schema editor.
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        with redirect_stderr(messages):
            migration.create_index(None, editor)
        if connection.vendor == "postgresql":
            cursor.execute("RESET ROLE")
            assert "Search works without its trigram index" in messages.getvalue()
            assert "permission denied" in messages.getvalue()
        else:
            assert messages.getvalue() == ""
    assert not index_exists()
    for q in QUERIES:
        found = set(Initiative.objects.search(q).values_list("slug", flat=True))
        assert found == before[q], q


def test_on_sqlite_a_search_reads_its_index_instead_of_the_rows(registry):
    """SQLite cannot look ``LIKE '%word%'`` up, but scans the index of
    (is_published, search_text) rather than every wide row (migration 0022):
    the matching ids the facet counts start from come from the index alone."""
    matching = Initiative.objects.published().search("zzyzx").values("pk").order_by()
    sql, params = matching.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            steps = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX initiative_search_scan" in steps
        else:
            table = Initiative._meta.db_table
            constraints = connection.introspection.get_constraints(cursor, table)
            assert "initiative_search_scan" not in constraints
