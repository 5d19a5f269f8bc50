"""Content in Turkish and English (django-modeltranslation, translation.py).

- Initiatives get title, summary, description, other regions and source in
  each language (``title_tr``, ``title_en``...). What they hold today is the
  2013 page's English: it is copied into the ``_en`` columns; the ``_tr`` ones
  stay empty until ``load_seed`` or an editor fills them.
- Institutions get ``name_tr`` and ``name_en``; today's (English) names are
  copied into ``name_en``.
- Sectors already had a hand-made ``name_en`` beside a Turkish ``name``: the
  column stays (now modeltranslation's, NULL where it was empty, unique), and
  ``name`` is copied into ``name_tr``. Sectors also get other names
  (``keywords``) and a folded ``search_text``.
- The original columns (``title``, ``name``) stay and keep their text, which is
  what they hold from now on too: the Turkish, or the English where there is
  no Turkish.
- The content-version triggers (0008) are made again: the initiative's update
  trigger also watches the new columns, and on SQLite the sector table is
  rebuilt (which drops its triggers).
"""

from importlib import import_module

from django.db import migrations, models
from django.db.models import F

from initiatives import text

content_version = import_module("initiatives.migrations.0008_content_version")

INITIATIVE_FIELDS = ["title", "summary", "description", "other_regions", "source"]
TRANSLATED_COLUMNS = [f"{f}_{code}" for f in INITIATIVE_FIELDS for code in ("tr", "en")]


def create_triggers(apps, schema_editor):
    # 0008's triggers, with the translated columns among the initiative's
    # watched ones (its statements read this module-level list).
    watched = content_version.INITIATIVE_COLUMNS
    content_version.INITIATIVE_COLUMNS = watched + TRANSLATED_COLUMNS
    try:
        content_version.create_triggers(apps, schema_editor)
    finally:
        content_version.INITIATIVE_COLUMNS = watched


def drop_triggers(apps, schema_editor):
    content_version.drop_triggers(apps, schema_editor)


def copy_into_languages(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    Institution = apps.get_model("initiatives", "Institution")
    Sector = apps.get_model("initiatives", "Sector")
    Initiative.objects.update(**{f"{f}_en": F(f) for f in INITIATIVE_FIELDS})
    Institution.objects.update(name_en=F("name"))
    Sector.objects.update(name_tr=F("name"))
    Sector.objects.filter(name_en="").update(name_en=None)
    for sector in Sector.objects.all():
        names = [sector.name_tr, sector.name_en, sector.keywords, sector.slug]
        sector.search_text = text.search_fold(" ".join(n for n in names if n))
        sector.save(update_fields=["search_text"])


def copy_back(apps, schema_editor):
    Sector = apps.get_model("initiatives", "Sector")
    Sector.objects.filter(name_en=None).update(name_en="")


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0011_address_readers'),
    ]

    operations = [
        migrations.RunPython(drop_triggers, content_version.create_triggers),
        # Sector.name_en: nullable first, so empty names can become NULL before
        # the column is unique (below).
        migrations.AlterField(
            model_name='sector',
            name='name_en',
            field=models.CharField(max_length=200, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='description_tr',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='other_regions_en',
            field=models.CharField(blank=True, help_text='Places outside Türkiye\'s provinces, e.g. "Emilia-Romagna, Italy".', max_length=500, null=True, verbose_name='other regions'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='other_regions_tr',
            field=models.CharField(blank=True, help_text='Places outside Türkiye\'s provinces, e.g. "Emilia-Romagna, Italy".', max_length=500, null=True, verbose_name='other regions'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='source_en',
            field=models.CharField(blank=True, help_text='Where the facts come from.', max_length=500, null=True, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='source_tr',
            field=models.CharField(blank=True, help_text='Where the facts come from.', max_length=500, null=True, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='summary_en',
            field=models.TextField(blank=True, help_text='One or two sentences for lists.', null=True, verbose_name='summary'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='summary_tr',
            field=models.TextField(blank=True, help_text='One or two sentences for lists.', null=True, verbose_name='summary'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='title_en',
            field=models.CharField(max_length=300, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='title_tr',
            field=models.CharField(max_length=300, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='institution',
            name='name_en',
            field=models.CharField(max_length=255, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='institution',
            name='name_tr',
            field=models.CharField(max_length=255, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='keywords',
            field=models.CharField(blank=True, help_text='Other words the sector is known by, in either language, separated by commas (e.g. tekstil, konfeksiyon, textile). Search finds its initiatives by them.', max_length=500, verbose_name='other names'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_tr',
            field=models.CharField(max_length=200, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='search_text',
            field=models.TextField(default='', editable=False),
        ),
        migrations.RunPython(copy_into_languages, copy_back),
        migrations.AlterField(
            model_name='sector',
            name='name_en',
            field=models.CharField(max_length=200, null=True, unique=True, verbose_name='name'),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
