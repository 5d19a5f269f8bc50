import pytest


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Hashed static names need collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed(db, django_db_blocker):
    """The 18 initiatives of the 2013 ministry page, as shipped in fixtures/."""
    from django.core.management import call_command

    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def editor(db):
    """A staff user in the Editors group (the migration's permissions)."""
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
