"""Benchmark of import and export (issue 4): rows per second and peak memory.

    .venv/bin/python bench/import_export.py            # N = 1,000 and 10,000
    .venv/bin/python bench/import_export.py 2000       # other sizes

Each N gets a fresh SQLite file in a temporary directory (or, with
BENCH_DATABASE_URL=postgres://user@host:port/any, a fresh database
"clusters_bench" on that PostgreSQL server, dropped and created again). One
process generates N initiatives with 2 sectors, 2 provinces, 3 partners and 2
links each; a fresh process then times:

* export of the N rows to CSV (and to XLSX),
* import of a file of N new rows: dry run, then real,
* import of the export with every title changed: dry run, then real,
* import of the same new-rows file again (dry run: nothing to change),
* a fresh export of the 2N rows with every title changed again, imported (with
  the version history, records changed before keep no baseline version).

Under each real import, the CPU time of its version history (the revision,
and the baselines of records it changes for the first time) and what it adds
to the import without it: the budget is 10 %.

The import files are what Turkish Excel saves (Windows-1254, semicolons, CRLF).

Peak memory is the process's peak resident set size (everything: Python,
Django, the data). Targets on the 2-core development machine: 10,000-row
imports under 15 s each, the 10,000-row CSV export under 2 s, under 300 MB.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file's own name would shadow the django-import-export package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def setup_django(workdir):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusters_site.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    # 10,000 rows with descriptions are more than the 5 MB an upload may be.
    os.environ["IMPORT_MAX_UPLOAD_BYTES"] = str(64 * 1024 * 1024)
    if os.environ.get("BENCH_DATABASE_URL"):
        base = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[0]
        os.environ["DATABASE_URL"] = f"{base}/clusters_bench"
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["DJANGO_SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
    import django

    django.setup()


def fresh_database():
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            user=settings["USER"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            password=settings["PASSWORD"] or None,
            autocommit=True,
        ) as admin:
            admin.execute("DROP DATABASE IF EXISTS clusters_bench")
            admin.execute("CREATE DATABASE clusters_bench")
    from django.conf import settings

    for database in settings.DATABASES:  # on SQLite also the hits database
        call_command("migrate", database=database, verbosity=0)


def generate(n):
    from initiatives import text
    from initiatives.models import (
        Initiative,
        Institution,
        Link,
        Partnership,
        Province,
        Sector,
    )

    if Initiative.objects.exists():
        sys.exit("The benchmark database must be empty.")
    sectors = Sector.objects.bulk_create(
        [
            Sector(
                name=f"Sektör {i}",
                slug=f"sektor-{i}",
                sort_key=text.sort_key(f"Sektör {i}"),
            )
            for i in range(40)
        ]
    )
    institutions = Institution.objects.bulk_create(
        [
            Institution(
                name=f"Kurum {i} Kalkınma Ajansı",
                acronym=f"KA{i}",
                slug=f"kurum-{i}",
                sort_key=text.sort_key(f"Kurum {i}"),
            )
            for i in range(300)
        ]
    )
    provinces = list(Province.objects.all())
    initiatives = Initiative.objects.bulk_create(
        [
            Initiative(
                title=f"Sentetik küme girişimi {i}",
                slug=f"sentetik-kume-girisimi-{i}",
                title_sort_key=text.sort_key(f"Sentetik küme girişimi {i}"),
                summary="Kümelenme yoluyla rekabet gücünü artırma girişimi. " * 2,
                description="Uzun açıklama; Şanlıurfa, İzmir ve Elazığ'daki firmalar. "
                * 8,
                start_year=2000 + i % 20,
                end_year=2021 + i % 4,
                status="active",
                is_published=True,
                budget_amount=1000 + i,
                budget_currency="EUR",
                member_firms=i % 200,
                source="Sentetik",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    sector_rows, province_rows, partners, links = [], [], [], []
    for i, initiative in enumerate(initiatives):
        for k in range(2):
            sector_rows.append(
                Initiative.sectors.through(
                    initiative_id=initiative.pk, sector_id=sectors[(i + k) % 40].pk
                )
            )
            province_rows.append(
                Initiative.provinces.through(
                    initiative_id=initiative.pk,
                    province_id=provinces[(i + k * 7) % 81].pk,
                )
            )
            links.append(
                Link(
                    initiative_id=initiative.pk,
                    url=f"https://example.org/{i}/{k}",
                    title=f"Bağlantı {k}",
                    position=k,
                )
            )
        for k, role in enumerate(("lead", "partner", "funder")):
            partners.append(
                Partnership(
                    initiative_id=initiative.pk,
                    institution_id=institutions[(i + k) % 300].pk,
                    role=role,
                    position=k,
                )
            )
    Initiative.sectors.through.objects.bulk_create(sector_rows, batch_size=2000)
    Initiative.provinces.through.objects.bulk_create(province_rows, batch_size=2000)
    Partnership.objects.bulk_create(partners, batch_size=2000)
    Link.objects.bulk_create(links, batch_size=2000)
    Initiative.objects.all().refresh_search_text()


def timed(label, n, function):
    started, cpu_started = time.perf_counter(), time.process_time()
    value = function()
    seconds = time.perf_counter() - started
    # CPU time of this process (SQLite works in it): a figure that other
    # programs loading the machine change much less than the wall clock.
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  {label:<34} {seconds:6.2f} s {n / seconds:8,.0f} rows/s"
        f"  cpu {cpu:6.2f} s  (peak so far {peak:,.0f} MB)",
        flush=True,
    )
    return value, seconds


def edit(data, change):
    """The CSV with ``change(row)`` applied to every data row."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow(change(row))
    # What Turkish Excel saves: Windows-1254, semicolons, CRLF.
    return out.getvalue().encode("cp1254")


def history_timer():
    """Counts the CPU time of the import's version history (its revision, and
    the baselines of records changed for the first time) in ``spent``."""
    from types import SimpleNamespace

    from initiatives.transfer import planner

    record_import = planner.record_import
    timer = SimpleNamespace(spent=0.0)

    def timed_record_import(**kwargs):
        started = time.process_time()
        try:
            return record_import(**kwargs)
        finally:
            timer.spent += time.process_time() - started

    planner.record_import = timed_record_import
    return timer


def run(n, workdir):
    setup_django(workdir)
    import gc

    from django.db import connection

    from initiatives.models import Initiative
    from initiatives.transfer import export_file, import_file

    print(f"N = {n:,} ({connection.vendor})", flush=True)
    exported, _ = timed("export CSV", n, lambda: export_file(file_format="csv"))
    timed("export XLSX", n, lambda: export_file(file_format="xlsx"))

    def new_slugs(row):
        row[0] = "yeni-" + row[0]
        row[1] = ""
        return row

    def new_titles(row):
        row[2] = row[2] + " (güncel)"
        return row

    new_file = edit(exported, new_slugs)
    changed_file = edit(exported, new_titles)
    del exported
    gc.collect()

    history = history_timer()

    def phase(label, data, dry_run, check):
        gc.collect()  # one import's objects in memory at a time
        history.spent = 0.0
        cpu = time.process_time()
        result, _ = timed(label, n, lambda: import_file(data=data, dry_run=dry_run))
        cpu = time.process_time() - cpu
        assert not result.has_errors(), result.report_lines()[-3:]
        assert check(result.counts), result.counts
        if history.spent:
            print(
                f"    of which the version history    cpu {history.spent:6.2f} s"
                f"  (+{100 * history.spent / (cpu - history.spent):.1f} % over the"
                " import without it)",
                flush=True,
            )

    phase("import N new rows: dry run", new_file, True, lambda c: c["new"] == n)
    phase("import N new rows: real", new_file, False, lambda c: c["new"] == n)
    assert Initiative.objects.count() == 2 * n
    phase(
        "import N changed titles: dry run",
        changed_file,
        True,
        lambda c: c["changed"] == n,
    )
    phase(
        "import N changed titles: real",
        changed_file,
        False,
        lambda c: c["changed"] == n,
    )
    assert Initiative.objects.search("guncel").count() == n
    # Importing the same file again changes nothing.
    phase(
        "import same file again: dry run", new_file, True, lambda c: c["unchanged"] == n
    )
    # A second change of records changed before: with the version history,
    # the steady state (no baseline to keep any more).
    del new_file, changed_file
    again = edit(export_file(file_format="csv"), new_titles)
    gc.collect()
    result, _ = timed(
        "import 2N changed titles again: real",
        2 * n,
        lambda: import_file(data=again, dry_run=False),
    )
    assert not result.has_errors() and result.counts["changed"] == 2 * n
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory (RSS) {peak:,.0f} MB", flush=True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--generate":
        setup_django(sys.argv[3])
        fresh_database()
        generate(int(sys.argv[2]))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        run(int(sys.argv[2]), sys.argv[3])
        return
    sizes = [int(arg) for arg in sys.argv[1:]] or [1_000, 10_000]
    for n in sizes:
        with tempfile.TemporaryDirectory() as workdir:
            # Separate processes, so the peak memory is the measured work's own.
            for step in ("--generate", "--measure"):
                subprocess.run(
                    [sys.executable, __file__, step, str(n), workdir], check=True
                )


if __name__ == "__main__":
    main()
