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
    # Tests read response.context, which a cached page has not; test_page_cache.py
    # turns the cache on and checks it.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _default_language():
    # A request under /en/ leaves English active in the test's thread, and
    # translated fields are read and written in the active language: every
    # test starts, like a new process, in the default one.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # Each test's database starts from the same content version: pages cached
    # by an earlier test must not answer for this one.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
