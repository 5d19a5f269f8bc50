import uuid

from django.db import migrations, models


def draw_database_id(apps, schema_editor):
    # One id per database: a cache that outlives a database never answers
    # for the next one (page_cache.content_version).
    apps.get_model("initiatives", "ContentVersion").objects.update(
        database_id=uuid.uuid4().hex
    )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0013_i18n_import"),
    ]

    operations = [
        migrations.AddField(
            model_name="contentversion",
            name="database_id",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(draw_database_id, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="initiative",
            name="initiative_pub_added",
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["is_published", "-date_added", "-id"],
                name="initiative_pub_added_id",
            ),
        ),
    ]
