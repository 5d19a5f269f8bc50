"""On PostgreSQL, a trigram index of the initiatives' search text.

Search is one ``LIKE '%word%'`` per folded word of the query over
``search_text`` (models/querysets.py); with both languages in that text a
search read every row's longer text (bench/search.py). pg_trgm's GIN index
answers ``LIKE '%word%'`` for words of three characters and more from the
index, with the same results (PostgreSQL rechecks each row found). Shorter
words give the index nothing to look up, and the planner scans the table as
before.

The extension needs the right to create it (pg_trgm is a trusted extension:
the database's owner may). Where it cannot be created, the migration says so
and goes on without the index: search gives the same results, only slower on
large registries (README, "PostgreSQL"). SQLite has no such index; its search
is unchanged.
"""

import sys

from django.db import DatabaseError, migrations, transaction

INDEX = "initiative_search_trgm"
TABLE = "initiatives_initiative"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            # Indexing a large registry may take longer than the app's
            # DJANGO_PG_STATEMENT_TIMEOUT_MS; until the migration's end.
            schema_editor.execute("SET LOCAL statement_timeout = 0")
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} "
                "USING gin (search_text gin_trgm_ops)"
            )
    except DatabaseError as error:
        sys.stderr.write(
            f"\n  Search works without its trigram index ({error}).\n"
            "  Large registries search faster with it: see README, "
            "“PostgreSQL”.\n"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0020_merges_and_deletions"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
