"""Editors' safety (issue 13).

- A new initiative is a draft: ``is_published`` defaults to False (the
  default lives in Django, not in the database).
- ``LinkCheck``: the link checker's last answer per address (not content:
  no trigger), which editors may view.
- ``Institution.other_names``: names it is also known by (those of the
  duplicates merged into it), found by search and imports.
- The content-version triggers (0008, as 0012 made them again) are dropped
  first and made again last: on SQLite, altering a column rebuilds its table,
  which drops the table's triggers.
"""

from importlib import import_module

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

two_languages = import_module("initiatives.migrations.0012_content_in_two_languages")
# 0013 makes them watching the English title's sort key too.
sort_keys = import_module("initiatives.migrations.0013_i18n_import")


def let_editors_view_link_checks(apps, schema_editor):
    # As in 0003: permissions are made after all migrations unless asked now.
    app_config = apps.get_app_config("initiatives")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="initiatives", codename="view_linkcheck"
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("initiatives", "0017_hits_database"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(
            two_languages.drop_triggers, sort_keys.create_triggers
        ),
        migrations.AlterField(
            model_name='initiative',
            name='is_published',
            field=models.BooleanField(db_index=True, default=False, verbose_name='published'),
        ),
        migrations.CreateModel(
            name='LinkCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.CharField(max_length=500, unique=True, verbose_name='web address')),
                ('checked_at', models.DateTimeField(verbose_name='last checked')),
                ('status', models.PositiveSmallIntegerField(null=True, verbose_name='HTTP status')),
                ('error', models.CharField(blank=True, max_length=200, verbose_name='network error')),
                ('final_url', models.CharField(blank=True, max_length=2000, verbose_name='final address')),
                ('broken_since', models.DateTimeField(db_index=True, null=True, verbose_name='broken since')),
                ('marked_broken', models.BooleanField(db_index=True, default=False, verbose_name='marked on public pages')),
            ],
            options={
                'verbose_name': 'link check',
                'verbose_name_plural': 'link checks',
                'ordering': ['url'],
            },
        ),
        migrations.RunPython(let_editors_view_link_checks, migrations.RunPython.noop),
        migrations.AddField(
            model_name='institution',
            name='other_names',
            field=models.TextField(blank=True, default='', help_text='Other names it is known by, one per line; merging keeps the names of the duplicates here. Search and imports find the institution by them.', verbose_name='other names'),
        ),
        migrations.RunPython(
            sort_keys.create_triggers, two_languages.drop_triggers
        ),
    ]
