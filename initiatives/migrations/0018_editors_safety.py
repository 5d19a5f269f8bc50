"""Editors' safety (issue 13).

- A new initiative is a draft: ``is_published`` defaults to False (the
  default lives in Django, not in the database).
- The content-version triggers (0008, as 0012 made them again) are dropped
  first and made again last: on SQLite, altering a column rebuilds its table,
  which drops the table's triggers.
"""

from importlib import import_module

from django.db import migrations, models

two_languages = import_module("initiatives.migrations.0012_content_in_two_languages")


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0012_content_in_two_languages'),
    ]

    operations = [
        migrations.RunPython(
            two_languages.drop_triggers, two_languages.create_triggers
        ),
        migrations.AlterField(
            model_name='initiative',
            name='is_published',
            field=models.BooleanField(db_index=True, default=False, verbose_name='published'),
        ),
        migrations.RunPython(
            two_languages.create_triggers, two_languages.drop_triggers
        ),
    ]
