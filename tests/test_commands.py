"""export_initiatives and import_initiatives, as operators run them."""

import contextlib
import csv
import io
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from initiatives.models import Initiative, Partnership
from initiatives.transfer import INITIATIVE_COLUMNS
from tests.factories import InitiativeFactory, InstitutionFactory, SectorFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def registry(db):
    sector = SectorFactory(name="Makine", name_en="Machinery")
    InstitutionFactory(name="KOSGEB İdaresi", acronym="KOSGEB")
    return [
        InitiativeFactory(title="Konya Makine Kümesi", number=1, sectors=[sector]),
        InitiativeFactory(title="Ankara Savunma Kümesi", provinces=["ankara"]),
        InitiativeFactory(title="Taslak", is_published=False),
    ]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_to_a_csv_file_and_import_it_back_unchanged(registry, tmp_path):
    path = tmp_path / "registry.csv"
    run("export_initiatives", "-o", str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert list(rows[0]) == list(INITIATIVE_COLUMNS)
    assert len(rows) == 3  # unpublished ones too: it is the operators' backup

    out, _err = run("import_initiatives", str(path))

    assert "0 new, 0 changed, 3 unchanged, 0 with errors." in out


@pytest.mark.parametrize("file_format", ["xlsx", "json"])
def test_export_xlsx_and_json(registry, tmp_path, file_format):
    path = tmp_path / f"registry.{file_format}"
    run("export_initiatives", "--format", file_format, "-o", str(path))
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(path).active
        assert [c.value for c in next(sheet.iter_rows())] == list(INITIATIVE_COLUMNS)
        assert sheet.max_row == 4
    else:
        assert len(json.loads(path.read_bytes())) == 3
    out, _err = run("import_initiatives", str(path))
    assert "3 unchanged" in out


def test_export_to_standard_output(registry):
    out, _err = run("export_initiatives")
    assert out.lstrip("\ufeff").startswith(",".join(INITIATIVE_COLUMNS))


def test_dry_run_reports_and_writes_nothing(registry, tmp_path):
    path = tmp_path / "new.csv"
    path.write_bytes(
        "slug;title;sectors;partners\r\n"
        "yeni;Yeni Küme;makine;kosgeb (funder)\r\n"
        "konya-makine-kumesi;Konya Makine ve Döküm Kümesi;;\r\n".encode("cp1254")
    )
    out, _err = run("import_initiatives", str(path), "--dry-run")
    assert "Row 2: new yeni" in out
    assert "Row 3: changed konya-makine-kumesi (title, sectors)" in out
    assert "1 new, 1 changed, 0 unchanged, 0 with errors. Dry run" in out
    assert not Initiative.objects.filter(slug="yeni").exists()

    out, _err = run("import_initiatives", str(path))
    assert Initiative.objects.get(slug="yeni").sectors.get().name_tr == "Makine"
    assert Partnership.objects.get(initiative__slug="yeni").role == "funder"


def test_errors_exit_non_zero_and_write_nothing(registry, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "slug,title,start_year,provinces\n"
        "iyi,İyi Küme,2015,İzmir\n"
        "kotu,Kötü Küme,abc,Atlantis\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        run("import_initiatives", str(path))
    assert error.value.returncode == 1
    assert not Initiative.objects.filter(slug__in=["iyi", "kotu"]).exists()


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No such file"):
        run("import_initiatives", "/nonexistent/file.csv")


# The commands as operators run them: separate processes on their own SQLite
# file (not the test database, whose flush after a transactional test would
# take the migrations' rows away from the tests that follow).


def wait_until(condition, what, seconds=60):
    """Poll ``condition`` until it holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {seconds} s: {what}"
        time.sleep(0.05)


def hits_file(path):
    """The hits database the settings put beside a SQLite registry."""
    return path.with_name(f"{path.stem}-hits{path.suffix}")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A registry migrated once for this module's scratch copies: a SQLite
    file, or a PostgreSQL template database."""
    env = {**os.environ, "DJANGO_LOG_LEVEL": "WARNING"}
    postgresql = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if postgresql:
        base = os.environ["DATABASE_URL"].rpartition("/")[0]
        template = f"clusters_scratch_template_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{template}"')
        env["DATABASE_URL"] = f"{base}/{template}"
    else:
        template = tmp_path_factory.mktemp("scratch") / "migrated.sqlite3"
        env["DJANGO_SQLITE_PATH"] = str(template)
        env.pop("DATABASE_URL", None)
    # With SQLite also the hits database beside it (initiatives/routers.py).
    for database in ("default",) if postgresql else ("default", "hits"):
        process = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input"]
            + ["--database", database],
            env=env,
            capture_output=True,
            cwd=ROOT,
            timeout=120,
        )
        assert process.returncode == 0, process.stderr.decode()[-2000:]
    yield template
    if postgresql:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


@pytest.fixture
def scratch(migrated, tmp_path):
    """A migrated registry of its own, on the suite's kind of database (a
    SQLite file, or a scratch PostgreSQL database), and a way to run manage.py."""
    env = {**os.environ, "DJANGO_LOG_LEVEL": "WARNING"}
    postgresql = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if postgresql:
        base, _, _name = os.environ["DATABASE_URL"].rpartition("/")
        database = f"clusters_scratch_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{migrated}"')
        env["DATABASE_URL"] = f"{base}/{database}"

        def connect():
            return psycopg.connect(env["DATABASE_URL"])

    else:
        database = tmp_path / "registry.sqlite3"
        for source_path, copy_path in (
            (migrated, database),
            (hits_file(migrated), hits_file(database)),
        ):
            with contextlib.closing(sqlite3.connect(source_path)) as source:
                with contextlib.closing(sqlite3.connect(copy_path)) as copy:
                    source.backup(copy)
        env["DJANGO_SQLITE_PATH"] = str(database)
        env.pop("DATABASE_URL", None)

        def connect():
            return contextlib.closing(sqlite3.connect(database))

    def manage(*args):
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )

    def paused_import(path, stage):
        """import_initiatives in a process that stops inside its transaction
        at ``stage`` and says so on its first line of output."""
        return subprocess.Popen(
            [sys.executable, "-c", PAUSED_IMPORT, stage, str(path)],
            env={**env, "DJANGO_SETTINGS_MODULE": "clusters_site.settings"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )

    def slugs(prefix=""):
        placeholder = "%s" if postgresql else "?"
        with connect() as db:
            rows = db.execute(
                "SELECT slug FROM initiatives_initiative "
                f"WHERE slug LIKE {placeholder} ORDER BY id",
                (prefix + "%",),
            ).fetchall()
            return [slug for (slug,) in rows]

    def others_connected():
        with connect() as db:
            return db.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            ).fetchone()[0]

    def uncommitted_bytes():
        """SQLite: the size of the WAL file (None on PostgreSQL)."""
        if postgresql:
            return None
        wal = Path(f"{database}-wal")
        return wal.stat().st_size if wal.exists() else 0

    def integrity_ok():
        if postgresql:
            # PostgreSQL has no integrity_check: the killed client's session
            # must be gone, its open transaction rolled back by the server.
            wait_until(lambda: others_connected() == 0, "the killed import's session")
            return True
        with connect() as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    yield SimpleNamespace(
        manage=manage,
        paused_import=paused_import,
        slugs=slugs,
        uncommitted_bytes=uncommitted_bytes,
        integrity_ok=integrity_ok,
    )
    if postgresql:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# import_initiatives, stopped at a chosen point of its transaction until the
# test kills it: before its first or its Nth writing statement ("write N"), or
# with everything written, before the COMMIT ("commit").
PAUSED_IMPORT = """
import signal, sys
import django

django.setup()
from django.core.management import call_command
from django.db import connection

stage, path = sys.argv[1:]
writes = 0
if connection.vendor == "sqlite":
    # A page cache of 64 KiB: changes spill into the WAL file before the
    # COMMIT, as a file of tens of thousands of rows makes them do.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -64")


def pause(where):
    print(where, "in a transaction:", not connection.get_autocommit(), flush=True)
    while True:
        signal.pause()


def count_writes(execute, sql, params, many, context):
    global writes
    if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
        writes += 1
        if stage == f"write {writes}":
            pause(stage)
    return execute(sql, params, many, context)


connection._commit = lambda: pause(stage)
with connection.execute_wrapper(count_writes):
    call_command("import_initiatives", path)
print("finished without stopping", flush=True)
"""


def first_line(process, seconds=120):
    """The process's first line of output, waiting at most ``seconds``."""
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    assert ready, f"no output after {seconds} s"
    line = process.stdout.readline().decode()
    assert line, process.communicate()[1].decode()[-2000:]
    return line


def test_the_exit_status_says_whether_the_file_was_valid(scratch, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("slug,title\ngood,Good\n")
    bad.write_text("slug,title,start_year\nbad,Bad,abc\n")
    for path, status in ((good, 0), (good, 0), (bad, 1)):
        process = scratch.manage("import_initiatives", str(path))
        out, err = process.communicate(timeout=60)
        assert process.returncode == status, err.decode()
    assert scratch.slugs() == ["good"]
    assert b"start_year" in out and b"abc" in out  # row, column and why


def test_a_killed_import_leaves_the_registry_as_it_was(scratch, tmp_path):
    """SIGKILL at any moment of the transaction: none of the file, never a part."""
    first = tmp_path / "first.csv"
    first.write_text("slug,title\nonceden-var,Önceden var\n", encoding="utf-8")
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("name\nMakine\n", encoding="utf-8")
    for args in (("--model", "sectors", str(sectors)), (str(first),)):
        assert scratch.manage("import_initiatives", *args).wait(timeout=60) == 0
    path = tmp_path / "big.csv"
    lines = ["slug,title,start_year,sectors,provinces,links"]
    lines += [
        f"k-{n},Küme {n},2015,Makine,İzmir | Ankara,"
        f"Site <https://example.org/{n}> (website)"
        for n in range(2_000)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    # At its first write, after two multi-row INSERTs (a thousand initiatives),
    # and with all of it written but not committed (on SQLite, with pages of
    # it already in the WAL file, where a reader must not take them).
    for stage in ("write 1", "write 3", "commit"):
        process = scratch.paused_import(path, stage)
        assert first_line(process) == f"{stage} in a transaction: True\n"
        if stage == "commit":
            assert scratch.uncommitted_bytes() != 0
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert process.returncode == -signal.SIGKILL
        assert scratch.slugs("k-") == [], stage
        assert scratch.integrity_ok()
    assert scratch.slugs("onceden") == ["onceden-var"]
    # The same file again, to the end: everything is imported.
    process = scratch.manage("import_initiatives", str(path))
    process.communicate(timeout=300)
    assert process.returncode == 0
    assert len(scratch.slugs("k-")) == 2_000
