"""What an operator and a newcomer rely on: settings from the environment and
the local editor account that `make run` prints."""

import contextlib
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def run_settings(env, code="from django.conf import settings; print(settings.DEBUG)"):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.update(env, DJANGO_SETTINGS_MODULE="clusters_site.settings")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_a_secret():
    result = run_settings({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_settings({"DJANGO_SECRET_KEY": "x" * 50})
    assert result.stdout.strip() == "False"


def test_sqlite_is_configured_for_concurrent_use(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0]);"
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = run_settings(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        },
        code,
    )
    assert result.stdout.split() == ["wal", "IMMEDIATE"], result.stderr


def test_sqlite_reads_the_registry_through_a_memory_map(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA mmap_size').fetchone()[0])"
    )
    env = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SQLITE_PATH": str(tmp_path / "d")}
    assert run_settings(env, code).stdout.split() == [str(1 << 30)]
    env["DJANGO_SQLITE_MMAP_BYTES"] = "0"  # off, where mapping files is unsafe
    assert run_settings(env, code).stdout.split() == ["0"]


def test_sqlite_counts_reads_in_a_second_file_beside_the_registry(tmp_path):
    code = (
        "from django.conf import settings; from django.db import connections;"
        "print(settings.DATABASES['hits']['NAME']);"
        "c = connections['hits'].cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0]);"
        "print(connections['hits'].settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = run_settings(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        },
        code,
    )
    assert result.stdout.split() == [
        str(tmp_path / "db-hits.sqlite3"),
        "wal",
        "IMMEDIATE",
    ], result.stderr


def test_sqlite_keeps_the_hit_tables_and_nothing_else_in_the_hits_file(tmp_path):
    main, hits = tmp_path / "db.sqlite3", tmp_path / "db-hits.sqlite3"
    env = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SQLITE_PATH": str(main)}
    for database in ("default", "hits"):
        result = run_settings(
            env,
            "from django.core.management import call_command; "
            f"call_command('migrate', database='{database}', verbosity=0)",
        )
        assert result.returncode == 0, result.stderr[-2000:]

    def schema(path):
        with contextlib.closing(sqlite3.connect(path)) as db:
            return dict(db.execute("SELECT name, type FROM sqlite_master"))

    hit_tables = {
        "initiatives_dailyhit",
        "initiatives_hitdedupe",
        "initiatives_addressreaders",
        "initiatives_dailysalt",
        "initiatives_readcount",
    }
    in_hits = schema(hits)
    tables = {name for name, kind in in_hits.items() if kind == "table"}
    assert tables - {"django_migrations", "sqlite_sequence"} == hit_tables
    assert "trigger" not in in_hits.values()
    in_main = schema(main)
    assert "initiatives_initiative" in in_main
    assert not hit_tables & in_main.keys()


OLD_HIT_TABLES = {
    "initiatives_dailysalt": (
        "id integer PRIMARY KEY AUTOINCREMENT, day date UNIQUE, salt varchar(64)",
        (1, "2026-12-03", "salt-of-the-day"),
    ),
    "initiatives_hitdedupe": (
        "key varchar(64) PRIMARY KEY, expires_at datetime",
        ("a" * 64, "2026-12-03 10:00:00"),
    ),
    "initiatives_addressreaders": (
        "key varchar(64) PRIMARY KEY, readers integer, expires_at datetime",
        ("b" * 64, 3, "2026-12-03 10:00:00"),
    ),
    "initiatives_dailyhit": (
        "id integer PRIMARY KEY AUTOINCREMENT, day date, count integer, "
        "initiative_id bigint",
        (1, "2026-12-03", 41, 7),
    ),
}


def test_an_existing_sqlite_registry_keeps_its_hit_rows_in_the_hits_file(tmp_path):
    # A registry from before the hits file kept its hit tables in the main one.
    main, hits = tmp_path / "db.sqlite3", tmp_path / "db-hits.sqlite3"
    env = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SQLITE_PATH": str(main)}
    migrate = "from django.core.management import call_command; call_command("
    result = run_settings(env, migrate + "'migrate', verbosity=0)")
    assert result.returncode == 0, result.stderr[-2000:]
    with contextlib.closing(sqlite3.connect(main)) as db, db:
        for table, (columns, row) in OLD_HIT_TABLES.items():
            db.execute(f"CREATE TABLE {table} ({columns})")
            db.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", row)
    result = run_settings(env, migrate + "'migrate', database='hits', verbosity=0)")
    assert result.returncode == 0, result.stderr[-2000:]
    with contextlib.closing(sqlite3.connect(hits)) as db:
        for table, (columns, row) in OLD_HIT_TABLES.items():
            names = ", ".join(column.split()[0] for column in columns.split(", "))
            assert db.execute(f"SELECT {names} FROM {table}").fetchall() == [row]
        assert db.execute("SELECT count(*) FROM initiatives_readcount").fetchone() == (
            0,
        )


def test_postgresql_keeps_the_hit_tables_in_its_one_database():
    result = run_settings(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://u@db.invalid:5432/reg",
        },
        "from django.conf import settings; print(*settings.DATABASES)",
    )
    assert result.stdout.split() == ["default"], result.stderr


def test_database_url_switches_to_postgresql():
    result = run_settings(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://u@db.invalid:5432/reg",
        },
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.django_db
def test_local_editor_is_refused_with_production_settings(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("create_local_editor")


@pytest.mark.django_db
def test_local_editor_can_log_in_with_the_printed_password(settings, tmp_path, client):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("create_local_editor", stdout=out)
    password = (tmp_path / "editor-password.txt").read_text().strip()
    assert f"'editor' with password '{password}'" in out.getvalue()
    assert client.login(username="editor", password=password)
    assert (
        client.get(reverse("admin:initiatives_initiative_changelist")).status_code
        == 200
    )
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    # A second run prints the same login and does not change the password.
    again = io.StringIO()
    call_command("create_local_editor", stdout=again)
    assert password in again.getvalue()
