"""A title sort key per language, and search texts with each word once.

- /en/ lists sort by the English titles:
  ``title_sort_key`` stays the Turkish title's (or
  the English where there is no Turkish); ``title_sort_key_en`` is the English
  title's (or the Turkish where there is no English), each what that
  language's pages show.
- The initiatives' search text keeps each word once (search.distinct_words):
  the stored texts only lose their repeated words.
- On SQLite, adding the column rebuilds the table, which drops its
  content-version triggers (0008): they are dropped first and made again,
  watching the new column too.
"""

from importlib import import_module

from django.db import migrations, models

from initiatives import text

content_version = import_module("initiatives.migrations.0008_content_version")
in_two_languages = import_module(
    "initiatives.migrations.0012_content_in_two_languages"
)


def create_triggers(apps, schema_editor):
    watched = content_version.INITIATIVE_COLUMNS
    content_version.INITIATIVE_COLUMNS = watched + ["title_sort_key_en"]
    try:
        in_two_languages.create_triggers(apps, schema_editor)
    finally:
        content_version.INITIATIVE_COLUMNS = watched


def fill_english_sort_keys(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    rows = Initiative.objects.values_list("pk", "title_en", "title_tr", "title")
    Initiative.objects.bulk_update(
        [
            Initiative(pk=pk, title_sort_key_en=text.sort_key(en or tr or title or ""))
            for pk, en, tr, title in rows.iterator()
        ],
        ["title_sort_key_en"],
        batch_size=500,
    )


def distinct_search_words(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    rows = Initiative.objects.values_list("pk", "search_text")
    Initiative.objects.bulk_update(
        [
            Initiative(pk=pk, search_text=" " + " ".join(dict.fromkeys(t.split())) + " ")
            for pk, t in rows.iterator()
        ],
        ["search_text"],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0012_content_in_two_languages"),
    ]

    operations = [
        migrations.RunPython(
            in_two_languages.drop_triggers, in_two_languages.create_triggers
        ),
        migrations.AddField(
            model_name="initiative",
            name="title_sort_key_en",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["is_published", "title_sort_key_en"],
                name="initiative_pub_title_en",
            ),
        ),
        migrations.RunPython(fill_english_sort_keys, migrations.RunPython.noop),
        migrations.RunPython(distinct_search_words, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, in_two_languages.drop_triggers),
    ]
