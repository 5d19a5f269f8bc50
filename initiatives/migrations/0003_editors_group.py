"""The "Editors" group: every content permission of the registry, nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = ["sector", "institution", "initiative", "partnership", "link"]


def add_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist.
    # (the migration state's app config has no models_module; see Django
    # ticket #23422 for this well-known workaround).
    app_config = apps.get_app_config("initiatives")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    permissions = Permission.objects.filter(
        content_type__app_label="initiatives", content_type__model__in=CONTENT_MODELS
    ) | Permission.objects.filter(
        # The 81 provinces are shipped with the product: editors read them only.
        content_type__app_label="initiatives",
        codename="view_province",
    )
    editors.permissions.add(*permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_provinces"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_editors, remove_editors)]
