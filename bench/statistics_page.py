"""How long /statistics/ takes to render uncached, by number of initiatives.

    .venv/bin/python bench/statistics_page.py                    # 100,000 initiatives, SQLite
    .venv/bin/python bench/statistics_page.py --size 10000 --db postgres

Builds a scratch database (SQLite under var/, or the PostgreSQL database of
BENCH_STATISTICS_PG_URL), fills it with bench/dataset.py's synthetic
initiatives and a year of per-day reads for a fifth of them (on PostgreSQL
then VACUUM ANALYZE, as autovacuum would after a bulk load), then renders
each page RUNS times in this process with the page cache off, and prints the
median and best time and the number of SQL queries. The home page and the
list are measured too: their province map adds no query.
"""

import argparse
import datetime
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "BENCH_STATISTICS_PG_URL", "postgres://postgres@127.0.0.1:5432/clusters_map_bench"
)
RUNS = 5
PAGES = [
    "/statistics/",
    "/en/statistics/?sector=makine&province=izmir&province=ankara",
    "/statistics/reads.csv",
    "/",
    "/initiatives/",
]


def database_url(kind, size):
    if kind == "sqlite":
        path = ROOT / "var" / f"bench-statistics-{size}.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    return PG_URL


def fill(size):
    """Migrate, then the synthetic registry and its reads (in this process)."""
    from django.core.management import call_command
    from django.db import connection

    from initiatives.models import DailyHit, Initiative

    call_command("migrate", "--no-input", verbosity=0)
    spec = importlib.util.spec_from_file_location("dataset", ROOT / "bench/dataset.py")
    dataset = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dataset)
    seconds = dataset.generate(size)
    rng = random.Random(14)
    ids = list(Initiative.objects.values_list("pk", flat=True))
    read = rng.sample(ids, len(ids) // 5)
    start = datetime.date(2025, 1, 1)
    hits = [
        DailyHit(
            initiative_id=pk,
            day=start + datetime.timedelta(days=day),
            count=rng.randint(1, 20),
        )
        for pk in read
        for day in rng.sample(range(365), 3)
    ]
    DailyHit.objects.bulk_create(hits, batch_size=2000)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: planner statistics,
        # and the visibility map that index-only scans need.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"{size:,} initiatives and {len(hits):,} day rows in {seconds:.0f} s")


def measure():
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    print(f"{'page':64} {'median':>8} {'best':>8} {'queries':>8}")
    for path in PAGES:
        times = []
        for _ in range(RUNS):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        print(
            f"{path:64} {statistics.median(times) * 1000:7.0f}ms "
            f"{min(times) * 1000:7.0f}ms {len(queries):8d}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.measure_only:
        # A fresh process with the scratch database and no page cache.
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DATABASE_URL=database_url(args.db, args.size),
            DJANGO_SETTINGS_MODULE="clusters_site.settings",
            DJANGO_SECRET_KEY="bench-only-" + "x" * 40,
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_LOG_LEVEL="ERROR",
            PAGE_CACHE_SECONDS="0",
        )
        command = [sys.executable, __file__, "--measure-only", "--size", str(args.size)]
        raise SystemExit(subprocess.run(command, env=env, cwd=ROOT).returncode)
    sys.path[0] = str(ROOT)
    import django

    django.setup()
    print(f"database: {os.environ['DATABASE_URL'].split('://')[0]}")
    fill(args.size)
    measure()


if __name__ == "__main__":
    main()
