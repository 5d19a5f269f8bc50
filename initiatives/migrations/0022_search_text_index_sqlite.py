"""On SQLite, an index of (is_published, search_text) for search to scan.

A search is ``LIKE '%word%'`` over ``search_text`` (models/querysets.py), which
no index can look up, so SQLite reads every published initiative's row: the
whole wide row (texts in two languages) of each, about 200 ms at 100,000
initiatives for a word that matches nothing (bench/profile_render.py). With
both columns in one index, the search's subquery (the facet counts' matching
ids) reads the index alone, about a seventh of the pages, and SQLite says so
(``SCAN ... USING COVERING INDEX``; tests/test_search_index.py checks it).

PostgreSQL has its trigram index (0021) instead; a B-tree of the whole search
text would refuse long texts there.

Kept by hand like the content-version triggers: a later migration that remakes
the initiatives' table on SQLite must create it again (``create_index``).
"""

from django.db import migrations

INDEX = "initiative_search_scan"
TABLE = "initiatives_initiative"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (is_published, search_text)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0021_search_trigram_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
