from contextlib import contextmanager

import pytest

DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}


def pytest_collection_modifyitems(items):
    """Every test that uses the database may use all of them: on SQLite the
    hit tables have a database of their own (initiatives/routers.py), which
    every page that counts a read writes to. A test that names its databases
    keeps its choice."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not DATABASE_FIXTURES & set(item.fixturenames):
            continue
        kwargs = dict(marker.kwargs) if marker else {}
        if "databases" in kwargs:
            continue
        args = marker.args if marker else ()
        item.add_marker(
            pytest.mark.django_db(*args, **kwargs, databases="__all__"), append=False
        )


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


@pytest.fixture
def assert_queries(django_assert_num_queries):
    """``with assert_queries(sqlite=(main, hits), postgresql=n):`` exactly that
    many queries: on SQLite in the main database and in the hits database
    (initiatives/read_counts.py), on PostgreSQL in the one database."""
    from django.db import connections

    from initiatives.read_counts import kept_apart
    from initiatives.routers import HITS_ALIAS

    @contextmanager
    def check(*, sqlite, postgresql):
        if kept_apart():
            main, hits = sqlite
            with (
                django_assert_num_queries(main),
                django_assert_num_queries(hits, connection=connections[HITS_ALIAS]),
            ):
                yield
        else:
            with django_assert_num_queries(postgresql):
                yield

    return check


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
def _no_copy_due():
    # A test that held the main database's lock leaves this process owing a
    # flush of read counts (read_counts.py); the next test starts clean.
    from initiatives import read_counts

    read_counts._flush_due = False
    yield
    read_counts._flush_due = False


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # Each test's database starts from the same content version: pages cached
    # by an earlier test must not answer for this one.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _all_rows():
    """{model: {pk: row}} for every table of the installed apps."""
    from django.apps import apps

    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        pk = names.index(model._meta.pk.attname)
        tables[model] = {
            row[pk]: dict(zip(names, row, strict=True))
            for row in model._base_manager.values_list(*names)
        }
    return tables


@pytest.fixture(scope="session")
def _seed_rows(django_db_setup, django_db_blocker):
    """What ``loaddata seed`` writes, read once per run and rolled back:
    [(model, new rows, {pk: changed row})]."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        before = _all_rows()
        call_command("loaddata", "seed", verbosity=0)
        after = _all_rows()
        transaction.set_rollback(True)
    changes = []
    for model, rows in after.items():
        old = before[model]
        assert old.keys() <= rows.keys(), f"loaddata seed deleted {model} rows"
        new = [row for pk, row in rows.items() if pk not in old]
        changed = {pk: row for pk, row in rows.items() if old.get(pk, row) != row}
        if new or changed:
            changes.append((model, new, changed))
    return changes


@pytest.fixture
def seed(_seed_rows, db):
    """The 18 initiatives of the 2013 ministry page, as shipped in fixtures/.

    Exactly the rows ``loaddata seed`` writes (primary keys, search text, sort
    keys, through rows, the content version the triggers leave), put back with
    one INSERT per table instead of one signalled save per object.
    test_fixtures.py checks the copy against the file loaded the slow way.
    """
    from django.db import transaction

    with transaction.atomic():  # foreign keys are checked at the end
        insert_rows((model, new) for model, new, _changed in _seed_rows)
        # After the inserts, whose triggers bump the content version.
        for model, _new, changed in _seed_rows:
            for pk, row in changed.items():
                model._base_manager.filter(pk=pk).update(**row)


def insert_rows(tables):
    """Insert ``[(model, [row, ...])]`` as they were read (raw: no signals, no
    auto_now), one INSERT per table, and reset the sequences past them."""
    from django.core.management.color import no_style
    from django.db import connection

    inserted = []
    for model, rows in tables:
        if not rows:
            continue
        fields = model._meta.concrete_fields
        size = connection.ops.bulk_batch_size(fields, rows) or len(rows)
        for start in range(0, len(rows), size):
            objs = [model(**row) for row in rows[start : start + size]]
            model._base_manager._insert(objs, fields=fields, raw=True)
        inserted.append(model)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), inserted):
            cursor.execute(sql)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT as ``manage.py collectstatic`` fills it with the production
    storage (hashed, compressed names), collected once per run."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = tmp_path_factory.mktemp("collected-static")
    scratch = tmp_path_factory.mktemp("collectstatic-db") / "unused.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=Path(__file__).resolve().parent.parent,
        env={
            **os.environ,
            "DJANGO_STATIC_ROOT": str(root),
            "DATABASE_URL": f"sqlite:///{scratch}",
        },
        check=True,
        timeout=300,
    )
    return root


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
