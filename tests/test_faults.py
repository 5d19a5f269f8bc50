"""Faults the registry survives without losing anything (SQLite and PostgreSQL)."""

import io
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse

from initiatives import read_counts
from initiatives.models import DailyHit, Initiative
from initiatives.transfer import import_file
from tests.factories import InitiativeFactory
from tests.test_admin import initiative_form
from tests.test_setup import run_settings

ROOT = Path(__file__).resolve().parent.parent
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0"


def another_postgresql_connection():
    """A second connection to the test database, as another app server has."""
    settings_dict = connection.settings_dict
    return psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict["PORT"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        dbname=settings_dict["NAME"],
    )


@contextmanager
def postgresql_transaction_open(sql, params=()):
    """Another connection has run ``sql`` in a transaction it keeps open, with
    its locks, until the block ends."""
    other = another_postgresql_connection()
    other.execute(sql, params)
    try:
        yield
    finally:
        other.rollback()
        other.close()


@contextmanager
def write_lock_held_elsewhere():
    """Another connection holds the write lock on the initiatives table."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        # Our connection gives up after 0.3 s instead of the busy timeout.
        connection.close()
        settings_dict["OPTIONS"]["timeout"] = 0.3
        other = sqlite3.connect(settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
            connection.close()
            settings_dict["OPTIONS"]["timeout"] = 5
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        with postgresql_transaction_open(
            "LOCK TABLE initiatives_initiative IN ACCESS EXCLUSIVE MODE"
        ):
            yield


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_save_during_a_held_write_lock_says_try_again_and_changes_nothing(
    editor_client,
):
    initiative = InitiativeFactory(title="Önceki başlık", slug="onceki")
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    data = initiative_form(title_tr="Yeni başlık", slug="onceki")

    with write_lock_held_elsewhere():
        response = editor_client.post(url, data)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"Traceback" not in response.content
    initiative.refresh_from_db()
    assert initiative.title == "Önceki başlık"

    # The same action succeeds once the lock is gone.
    response = editor_client.post(url, data)
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Yeni başlık"


def run_with_database(code, *, database_url, static_root, timeout=60, extra_env=None):
    """Run ``code`` after ``django.setup()`` in a fresh process with production
    settings and ``database_url``; its standard output, line by line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="clusters_site.settings",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL=database_url,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_VAR_DIR=str(ROOT / "var"),
        DJANGO_STATIC_ROOT=str(static_root),
    )
    env.update(extra_env or {})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://nobody@127.0.0.1:1/nothing",
        "sqlite:////nonexistent-directory/registry.sqlite3",
    ],
)
def test_an_unreachable_database_gives_short_503_pages(database_url, collected_static):
    code = (
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "[print(p, r.status_code, b'Traceback' in r.content, len(r.content) < 5000)"
        " for p, r in ("
        " ('/healthz', c.get('/healthz')),"
        " ('/initiatives/', c.get('/initiatives/')),"
        " ('/admin/login/', c.post('/admin/login/', {'username': 'a', 'password': 'b'}))"
        ")]"
    )
    lines = run_with_database(
        code, database_url=database_url, static_root=collected_static
    )
    assert lines[:3] == [
        "/healthz 503 False True",
        "/initiatives/ 503 False True",
        "/admin/login/ 503 False True",
    ]


@contextmanager
def hung_database_server():
    """A TCP server on 127.0.0.1 that accepts connections and never answers,
    as a PostgreSQL host that hangs does; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


TIMED_REQUESTS = """
import time
from django.test import Client
client = Client(raise_request_exception=False)
for path in PATHS:
    start = time.monotonic()
    response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)
    print(
        path,
        response.status_code,
        response.get("Retry-After", "-"),
        round(time.monotonic() - start, 1),
    )
"""


@pytest.mark.parametrize("database", ["hung", "refusing"])
def test_a_hung_or_refusing_database_gives_503_within_3_seconds(
    database, collected_static
):
    static = next((collected_static / "css").glob("site.*.css")).name
    paths = [
        f"/static/css/{static}",
        "/healthz",
        "/",
        "/initiatives/",
        "/initiatives/export.csv",
        "/initiatives/export-excel.csv",
        "/initiatives/export.xlsx",
        "/en/initiatives/export.json",
        "/initiatives/some-initiative/",
    ]
    code = f"PATHS = {paths!r}\n" + TIMED_REQUESTS
    with hung_database_server() as port:
        if database == "refusing":
            port = 1
        lines = run_with_database(
            code,
            database_url=f"postgres://nobody@127.0.0.1:{port}/nothing",
            static_root=collected_static,
        )
    answers = {path: rest for path, *rest in (line.split() for line in lines)}
    assert answers.keys() == set(paths), lines
    status, _retry, seconds = answers.pop(paths[0])
    assert status == "200"
    assert float(seconds) < 0.5
    for path, (status, retry_after, seconds) in answers.items():
        assert (status, retry_after != "-") == ("503", True), path
        assert float(seconds) < 3, path


def test_postgresql_statements_and_connections_time_out():
    # The settings a PostgreSQL deploy gets, read in a fresh process whatever
    # database this run uses; the live session's values are checked below.
    result = run_settings(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://u@db.invalid:5432/reg",
        },
        "from django.conf import settings; o = settings.DATABASES['default']"
        "['OPTIONS']; print(o['connect_timeout']); print(o['options'])",
    )
    connect_timeout, options = result.stdout.strip().splitlines()
    assert connect_timeout == "2", result.stderr
    assert "statement_timeout=10000" in options
    assert "lock_timeout=5000" in options


@pytest.mark.django_db
def test_a_postgresql_session_runs_with_those_timeouts():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "10s"
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "5s"
        else:
            # SQLite's own bound: the busy timeout, in seconds.
            assert connection.settings_dict["OPTIONS"]["timeout"] == 5


@pytest.mark.django_db
def test_an_export_whose_database_fails_answers_503_not_a_cut_200(client):
    InitiativeFactory()

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    for path in (
        "/initiatives/export.csv",
        "/initiatives/export-excel.csv",
        "/initiatives/export.xlsx",
        "/initiatives/export.json",
    ):
        with connection.execute_wrapper(refuse):
            response = client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"]


@contextmanager
def initiative_row_locked_elsewhere(initiative):
    """Another connection holds the write lock the hit counter needs."""
    if connection.vendor == "sqlite":
        with write_lock_held_elsewhere():
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    with postgresql_transaction_open(
        "SELECT 1 FROM initiatives_initiative WHERE id = %s FOR UPDATE", [initiative.pk]
    ):
        yield


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_public_page_renders_while_the_write_lock_is_held(client, caplog):
    initiative = InitiativeFactory(title="Kilitli günün girişimi")
    with (
        initiative_row_locked_elsewhere(initiative),
        caplog.at_level(logging.WARNING, logger="initiatives.hits"),
    ):
        response = client.get(initiative.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    assert "Kilitli günün girişimi" in response.content.decode()
    initiative.refresh_from_db()
    if read_counts.kept_apart():
        # SQLite: counted in the hits database and shown; hit_count, a copy,
        # catches up once the lock is gone.
        assert "1 kez okundu" in response.content.decode()
        assert "not counted" not in caplog.text
        assert initiative.hit_count == 0
        expected = 2
    else:
        # PostgreSQL: the hit needs this very row; it gives up, the page not.
        assert "not counted" in caplog.text
        assert initiative.hit_count == 0
        expected = 1
    # The lock gone, the next visitor counts.
    client.get(initiative.get_absolute_url(), HTTP_USER_AGENT=BROWSER + " 2")
    initiative.refresh_from_db()
    assert initiative.hit_count == expected


@contextmanager
def import_transaction_open_elsewhere(other_initiative):
    """Another connection in the middle of an import: a transaction that has
    changed a record and holds what that takes (on SQLite the database's one
    write lock) until the block ends."""
    update = "UPDATE initiatives_initiative SET start_year = 1999 WHERE id = %s"
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute(update.replace("%s", "?"), [other_initiative.pk])
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
    else:
        with postgresql_transaction_open(update, [other_initiative.pk]):
            yield


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_visitors_are_counted_and_shown_while_an_import_holds_the_database(
    client, caplog
):
    initiative = InitiativeFactory(title="Okunan girişim")
    imported = InitiativeFactory(title="İçe aktarılan girişim")
    url = initiative.get_absolute_url()
    busy_timeout = connection.settings_dict["OPTIONS"].get("timeout", 5)
    with (
        import_transaction_open_elsewhere(imported),
        caplog.at_level(logging.WARNING, logger="initiatives"),
    ):
        started = time.monotonic()
        responses = [
            client.get(url, HTTP_USER_AGENT=f"{BROWSER} visitor-{n}") for n in range(3)
        ]
        # Longer than the database would wait: a page that waited for the
        # lock has given up by now, and its hit with it.
        time.sleep(max(0, busy_timeout + 0.5 - (time.monotonic() - started)))
        repeat = client.get(url, HTTP_USER_AGENT=f"{BROWSER} visitor-0")
    assert [r.status_code for r in responses] == [200, 200, 200]
    for n, response in enumerate(responses, start=1):
        assert f"{n} kez okundu" in response.content.decode()
    assert "3 kez okundu" in repeat.content.decode()
    assert "not counted" not in caplog.text
    # Once the import is over, the lists and "most read" have the count too.
    call_command("flush_read_counts", stdout=io.StringIO())
    initiative.refresh_from_db()
    assert initiative.hit_count == 3
    assert DailyHit.objects.get(initiative=initiative).count == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reads_counted_during_an_import_reach_the_lists_when_it_ends(client):
    initiative = InitiativeFactory(title="Okunan girişim")
    imported = InitiativeFactory(title="İçe aktarılan girişim")
    with import_transaction_open_elsewhere(imported):
        client.get(initiative.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    result = import_file(data=import_rows(3), file_name="rows.csv")
    assert not result.has_errors()
    most_read = client.get("/initiatives/?ordering=-hits", HTTP_USER_AGENT=BROWSER)
    assert most_read.context["initiatives"][0] == initiative
    assert Initiative.objects.get(pk=initiative.pk).hit_count == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reads_counted_during_an_import_reach_hit_count_at_the_next_read(client):
    initiative = InitiativeFactory(title="Okunan girişim")
    other = InitiativeFactory(title="Sonra okunan girişim")
    with import_transaction_open_elsewhere(other):
        for n in range(2):
            client.get(initiative.get_absolute_url(), HTTP_USER_AGENT=f"{BROWSER} {n}")
    # The import over, one read of any initiative catches up with the rest.
    client.get(other.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert Initiative.objects.get(pk=initiative.pk).hit_count == 2
    assert Initiative.objects.get(pk=other.pk).hit_count == 1


def import_rows(count):
    header = "slug;title;start_year;provinces;sectors\r\n"
    rows = "".join(
        f"es-zamanli-{n};Eş zamanlı girişim {n};2015;İzmir;\r\n" for n in range(count)
    )
    return (header + rows).encode("cp1254")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hits_and_a_1000_row_import_at_the_same_time_lose_nothing(
    live_server, settings, client
):
    settings.HIT_MAX_READERS_PER_ADDRESS = 10_000  # every visitor is 127.0.0.1
    initiative = InitiativeFactory()
    url = live_server.url + initiative.get_absolute_url()
    visitors = 8 * 25
    statuses, results = [], []

    def visit(thread):
        for n in range(visitors // 8):
            request = urllib.request.Request(
                url, headers={"User-Agent": f"{BROWSER} {thread}-{n}"}
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses.append(response.status)

    def run_import():
        results.append(import_file(data=import_rows(1000), file_name="rows.csv"))
        connection.close()

    threads = [threading.Thread(target=run_import)]
    threads += [threading.Thread(target=visit, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * visitors
    # The page shows every read at once; hit_count (on SQLite a copy that
    # may wait for a lock) has them all once the owed copies are made.
    bot = client.get(initiative.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1")
    assert f"{visitors} kez okundu" in bot.content.decode()
    call_command("flush_read_counts", stdout=io.StringIO())
    initiative.refresh_from_db()
    assert initiative.hit_count == visitors
    assert not results[0].has_errors(), results[0].report_lines()[-5:]
    assert Initiative.objects.filter(slug__startswith="es-zamanli-").count() == 1000


def test_healthz_is_503_when_the_hits_file_cannot_be_opened(tmp_path, collected_static):
    """On SQLite the reads are kept in a file of their own: a registry whose
    hits file cannot be opened is not healthy, though its pages still answer
    (reads are then not counted, and a warning says so)."""
    main = tmp_path / "registry.sqlite3"
    code = (
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0, database='default');"
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "print(c.get('/healthz').status_code, c.get('/healthz')['Retry-After'])"
    )
    env_hits = {"DJANGO_SQLITE_HITS_PATH": "/nonexistent-directory/hits.sqlite3"}
    lines = run_with_database(
        code,
        database_url=f"sqlite:///{main}",
        static_root=collected_static,
        extra_env=env_hits,
    )
    assert lines[-1] == "503 60"
