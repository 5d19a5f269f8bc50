"""Benchmark of search over two languages (issue 10): milliseconds per search.

    .venv/bin/python bench/search.py              # N = 100,000
    .venv/bin/python bench/search.py 20000        # other sizes

For each N, the registry is generated twice by bench/dataset.py in a fresh
database (a SQLite file in a temporary directory or, with
BENCH_DATABASE_URL=postgres://user@host:port/any, the database
"clusters_bench_search" on that server, or BENCH_DATABASE_NAME, dropped and
made again): once with
Turkish texts only (the registry before issue 10, whose search text had one
language) and once in Turkish and English. A fresh process then times each
query (the median of 5 runs, after one warm-up):

* the query alone: how many published initiatives match, and the list's first
  page of 20 in the default order (two queries, as the list runs them);
* the list page /initiatives/?q=… and /en/initiatives/?q=… as a visitor gets
  it without the page cache: filters, facets, pagination, template.

Search is one LIKE per folded word over the stored search text, so its cost
grows with the length of that text: two languages make it longer.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder would come first on sys.path; import_export.py in it would
# shadow the django-import-export package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
PYTHON = sys.executable
DATABASE = os.environ.get("BENCH_DATABASE_NAME", "clusters_bench_search")
QUERIES = [
    "kümelenme",  # Turkish, in a quarter of the titles
    "kumelenme",  # the same, typed without Turkish letters
    "clustering",  # its English
    "izmir yenilik",  # two words
    "innovation izmir",  # two words, English
    "12345",  # a title's number: a few rows
    "zzyzx",  # nothing matches: every row is read
]
RUNS = 5


def environment(workdir):
    env = dict(os.environ)
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    env["DJANGO_SETTINGS_MODULE"] = "clusters_site.settings"
    env["DJANGO_LOG_LEVEL"] = "WARNING"
    env["PAGE_CACHE_SECONDS"] = "0"
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"  # Django's test client
    if env.get("BENCH_DATABASE_URL"):
        base = env["BENCH_DATABASE_URL"].rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/{DATABASE}"
    else:
        env.pop("DATABASE_URL", None)
        env["DJANGO_SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
    return env


def fresh_database(env, workdir):
    if env.get("BENCH_DATABASE_URL"):
        import psycopg

        with psycopg.connect(
            env["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True
        ) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            admin.execute(f"CREATE DATABASE {DATABASE}")
    else:
        Path(workdir, "bench.sqlite3").unlink(missing_ok=True)
    for command in (["migrate"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [PYTHON, "manage.py", *command, "--verbosity=0"],
            cwd=ROOT,
            env=env,
            check=True,
        )


def median_ms(action):
    action()  # warm-up: the database's cache, Django's templates
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure():
    """Run inside the configured Django: print one line per query."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.test import Client

    from initiatives.models import Initiative

    client = Client()
    published = Initiative.objects.published()
    print(
        f"  {published.count():,} published initiatives ({connection.vendor}); "
        "median ms of 5: query (count + first page), page /initiatives/, "
        "page /en/initiatives/",
        flush=True,
    )
    for q in QUERIES:
        found = published.search(q)

        def query(found=found):
            found.count()
            list(found.in_list_order().values_list("pk", flat=True)[:20])

        def page(path, q=q):
            response = client.get(path, {"q": q}, secure=True)
            assert response.status_code == 200, response.status_code

        print(
            f"  {q!r:20} {found.count():>7,} found  "
            f"{median_ms(query):8.1f}  "
            f"{median_ms(lambda: page('/initiatives/')):8.1f}  "
            f"{median_ms(lambda: page('/en/initiatives/')):8.1f}",
            flush=True,
        )


def main():
    if sys.argv[1:] == ["--measure"]:
        measure()
        return
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    with tempfile.TemporaryDirectory() as workdir:
        env = environment(workdir)
        for n in sizes:
            for flag, label in (
                ("--turkish-only", "Turkish only"),
                ("", "Turkish and English"),
            ):
                print(f"N = {n:,}, texts in {label}", flush=True)
                fresh_database(env, workdir)
                subprocess.run(
                    [PYTHON, "bench/dataset.py", str(n), *([flag] if flag else [])],
                    cwd=ROOT,
                    env=env,
                    check=True,
                )
                subprocess.run(
                    [PYTHON, __file__, "--measure"], cwd=ROOT, env=env, check=True
                )


if __name__ == "__main__":
    main()
