"""Load benchmark: the registry under gunicorn (2 workers), driven from another process.

    .venv/bin/python bench/serve.py                      # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/serve.py --sizes 18,1000 --duration 5 --db sqlite

For each database and each number of initiatives it builds a fresh database,
starts gunicorn (2 workers) on 127.0.0.1, and measures with wrk (Debian's
package; a Python load generator when wrk is missing) requests per second and
p50/p99 latency of: a bare view in a project as ``django-admin startproject``
makes it (bench/bare_project.py) and the same bare view behind our middleware
(our ceiling, which every page is measured against), both servers up and
measured in turns (median of 3 each); the
home page, the list, a filtered list with search, page 50, an initiative page
with hit counting by distinct visitors, and a static CSS file. Then:

- junk mode: the pages again with a new unknown parameter on every request
  (the page cache's canonical key ignores it, so they stay cached);
- exactness: a bounded run of distinct visitors at 32 connections must add
  exactly as many hits;
- cold renders: one request right after a content version bump (page cache
  and facet counts both cold), median of 5, per page;
- uncached: the pages again on a server with PAGE_CACHE_SECONDS=0 (facet
  counts still kept per content version and filter set).

It prints a table per run, a summary line per page (requests/s and % of the
ceiling: cached, junk, uncached, and the cold render) and the SQL queries of
each page.
"""

import argparse
import json
import re
import shutil
import socket
import statistics
import threading
import time

from load_generators import PORT, load, warm_up
from servers import (
    BARE_PORT,
    ROOT,
    get,
    manage,
    prepare_database,
    start_server,
    stop_server,
)


def exact_hits(env, slug, visitors, connections):
    """N distinct visitors through 32 connections must add exactly N hits."""
    import http.client

    def hits():
        # On SQLite hit_count is a copy of the hits database's count: the
        # counts not copied yet first (initiatives/read_counts.py).
        code = (
            "from initiatives import read_counts; read_counts.flush();"
            "from initiatives.models import Initiative;"
            f"print(Initiative.objects.get(slug='{slug}').hit_count)"
        )
        return int(manage(env, "shell", "-v0", "-c", code, capture=True).stdout.strip())

    before = hits()
    statuses = []
    lock = threading.Lock()
    per_thread = visitors // connections

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for i in range(per_thread):
            conn.request(
                "GET",
                f"/initiatives/{slug}/",
                headers={"X-Forwarded-For": f"192.0.{n}.{i}", "User-Agent": "exact"},
            )
            response = conn.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = per_thread * connections
    ok = sum(1 for status in statuses if status == 200)
    return {"sent": sent, "ok": ok, "counted": hits() - before}


def queries_per_page(env, paths):
    code = f"""
import json
from contextlib import ExitStack
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(
    HTTP_HOST="localhost", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="127.0.0.1"
)
counts = {{}}
for n, path in enumerate({paths!r}):
    client.get("/bench/ceiling")
    runs = []
    for visitor in ("first", "cached"):
        # Every database: on SQLite the hits database too.
        with ExitStack() as stack:
            contexts = [
                stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()
            ]
            client.get(path, HTTP_X_FORWARDED_FOR=f"198.51.100.{{n}}", HTTP_USER_AGENT=visitor)
        runs.append(sum(len(ctx.captured_queries) for ctx in contexts))
    counts[path] = runs
print(json.dumps(counts))
"""
    out = manage(env, "shell", "-v0", "-c", code, capture=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def bump_content_version(env):
    """What any edit does to the cache: a new content version."""
    sql = "UPDATE initiatives_contentversion SET number = number + 1 WHERE id = 1"
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as conn:
            conn.execute(sql)
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql)


def cold_render_ms(env, path, runs=5):
    """Median of ``runs`` requests, each the first after a content change
    (page cache and facet counts both cold), on an otherwise idle server."""
    timings = []
    for _ in range(runs):
        bump_content_version(env)
        started = time.perf_counter()
        status, _body = get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
    return statistics.median(timings)


def ceilings(env, args, out, rounds=3):
    """Our bare view and the same view in a project as startproject makes it
    (bench/bare_project.py), both servers up, measured in turns: the median
    of ``rounds`` runs each, so a busy moment of the machine hits both."""
    bare_env = {**env, "BARE_SQLITE_PATH": str(out / "bare.sqlite3")}
    bare = start_server(
        bare_env,
        app="bare_project:application",
        cwd=ROOT / "bench",
        probe="/bench/ceiling",
        port=BARE_PORT,
    )
    try:
        warm_up(["/bench/ceiling"], args, port=BARE_PORT)
        warm_up(["/bench/ceiling"], args)
        runs = {"bare Django project": [], "ceiling (bare view)": []}
        for _ in range(rounds):
            runs["bare Django project"].append(
                load("/bench/ceiling", args, port=BARE_PORT)
            )
            runs["ceiling (bare view)"].append(load("/bench/ceiling", args))
    finally:
        stop_server(bare)
    return {
        name: sorted(results, key=lambda r: r["rps"])[len(results) // 2]
        for name, results in runs.items()
    }


def bench_one(kind, size, args, out):
    env = prepare_database(kind, size, out)
    env["DJANGO_CACHE_DIR"] = str(out / f"cache-{kind}-{size}")
    shutil.rmtree(env["DJANGO_CACHE_DIR"], ignore_errors=True)
    manage(env, "collectstatic", "--no-input", "-v0")
    proc = start_server(env)
    try:
        results = ceilings(env, args, out)
        _, home = get("/")
        css = re.search(r'href="(/static/css/[^"]+\.css)"', home).group(1)
        _, listing = get("/initiatives/?ordering=-hits")
        slugs = list(
            dict.fromkeys(re.findall(r'href="/initiatives/([^/"?]+)/"', listing))
        )
        # The exactness check counts on another initiative than the timed run,
        # whose requests an overloaded server may still be finishing.
        slug, exact_slug = slugs[0], slugs[1]
        pages = page_targets(size, slug)
        targets = [*pages, ("static CSS", css, False)]
        warm_up([path for _name, path, _visitors in targets], args)
        for name, path, visitors in targets:
            results[name] = load(path, args, visitors=visitors)
        # A new unknown parameter on every request: the canonical key ignores
        # it, so these are still answered from the cache.
        junk = {
            name: load(path, args, junk=True)
            for name, path, visitors in pages
            if not visitors
        }
        exact = exact_hits(env, exact_slug, args.exact_visitors, args.connections)
        time.sleep(2)  # the server idle again before the single timings
        cold = {
            name: cold_render_ms(env, path)
            for name, path, visitors in pages
            if not visitors
        }
    finally:
        stop_server(proc)
    # The same pages with the page cache off (facet counts still kept per
    # content version and filter set).
    uncached_env = {**env, "PAGE_CACHE_SECONDS": "0"}
    proc = start_server(uncached_env)
    try:
        warm_up([path for _name, path, _visitors in pages], args)
        uncached = {
            name: load(path, args, visitors=visitors) for name, path, visitors in pages
        }
    finally:
        stop_server(proc)
    # A cache of its own: the server's entries would make every view a hit.
    query_env = {**env, "DJANGO_CACHE_DIR": str(out / f"cache-queries-{kind}")}
    shutil.rmtree(query_env["DJANGO_CACHE_DIR"], ignore_errors=True)
    queries = queries_per_page(
        query_env,
        ["/", "/initiatives/", pages[2][1], f"/initiatives/{slug}/", "/institutions/"],
    )
    return results, junk, uncached, cold, exact, queries


def page_targets(size, slug):
    """(name, path, distinct visitors?) of the measured pages."""
    return [
        ("home", "/", False),
        ("list", "/initiatives/", False),
        ("filtered list + search", SEARCH, False),
        (
            "list page 50",
            "/initiatives/?page=50" if size >= 1000 else "/initiatives/?page=1",
            False,
        ),
        ("initiative + hit", f"/initiatives/{slug}/", True),
    ]


SEARCH = "/initiatives/?q=izmir&sector=makine&ordering=title"


def print_run(kind, size, run):
    results, junk, uncached, cold, exact, queries = run
    ceiling = results["ceiling (bare view)"]["rps"]
    bare = results["bare Django project"]["rps"]
    print(f"\n== {kind}, {size} initiatives ==")
    print(
        f"{'page':26} {'req/s':>9} {'% ceil':>7} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:26} {r['rps']:9.1f} {100 * r['rps'] / ceiling:6.1f}% "
            f"{r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['non_2xx']:8d}"
            + (f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else "")
        )
    print(
        f"our bare-view ceiling is {100 * ceiling / bare:.0f}% of a bare Django "
        f"project's ({ceiling:.0f} against {bare:.0f} requests/s)"
    )
    print(
        f"\n{'summary (req/s, % ceil)':26} {'cached':>16} {'junk param':>16} "
        f"{'uncached':>16} {'cold ms':>9}"
    )
    for name in uncached:

        def cell(r):
            if r is None:
                return f"{'–':>16}"
            # "!": some answers were errors, the figure does not count.
            flag = "!" if r["non_2xx"] or r["socket_errors"] else " "
            return f"{r['rps']:8.1f} ({100 * r['rps'] / ceiling:4.1f}%){flag}"

        cold_ms = f"{cold[name]:9.1f}" if name in cold else f"{'–':>9}"
        print(
            f"{name:26} {cell(results[name])} {cell(junk.get(name))} "
            f"{cell(uncached[name])} {cold_ms}"
        )
    verdict = (
        "exact" if exact["counted"] == exact["ok"] == exact["sent"] else "NOT EXACT"
    )
    print(
        f"hits: {exact['sent']} distinct visitors sent, {exact['ok']} answered 200, "
        f"{exact['counted']} counted ({verdict})"
    )
    print(
        "SQL queries per page (first view / from the page cache): "
        + ", ".join(f"{p} {a}/{b}" for p, (a, b) in queries.items())
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="18,1000,10000,100000")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--exact-visitors", type=int, default=1600)
    parser.add_argument("--python-load", action="store_true", help="do not use wrk")
    args = parser.parse_args()

    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in kinds:
        try:
            socket.create_connection(("127.0.0.1", 5432), 2).close()
        except OSError:
            print("No PostgreSQL at 127.0.0.1:5432: PostgreSQL runs left out")
            kinds.remove("postgres")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    tool = "wrk" if shutil.which("wrk") and not args.python_load else "python"
    print(
        f"load: {tool}, {args.connections} connections, {args.duration} s per URL, gunicorn 2 workers"
    )
    for kind in kinds:
        for size in sizes:
            print_run(kind, size, bench_one(kind, size, args, out))


if __name__ == "__main__":
    main()
