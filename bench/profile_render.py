"""Where one uncached render goes: SQL, template and the rest of Python.

    DATABASE_URL=sqlite:///bench/out/prof.sqlite3 DJANGO_SECRET_KEY=... \\
        python bench/profile_render.py [--runs 9] [--cold] [path ...]

Renders each page through Django's test client with the page cache off
(PAGE_CACHE_SECONDS=0) and prints, per page, the median of ``--runs``
renders: the total, the time in SQL (every statement, timed around its
execution and the fetching of its rows), the time in the template (its rendering, minus the SQL that lazy
QuerySets run inside it), the rest (view code, middleware), the number of
queries and the page size. ``--cold`` empties the cache before every
render, so caches of parts (facet counts) are cold too; without it they
are warm after the first render, which is what a second visitor with
another ordering or page sees. ``--visitor`` makes every render a new
visitor (its own forwarded address and user agent, as serve.py's initiative
run does), so an initiative page counts its read each time; SQL is timed on
every database, the hits file's on SQLite included.
"""

import argparse
import contextlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusters_site.settings")
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# The test client's peer: its X-Forwarded-For is believed (--visitor).
os.environ.setdefault("DJANGO_TRUSTED_PROXIES", "127.0.0.1")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connections  # noqa: E402
from django.db.backends.utils import CursorWrapper  # noqa: E402
from django.template.response import SimpleTemplateResponse  # noqa: E402
from django.test import Client  # noqa: E402

PATHS = [
    "/",
    "/initiatives/",
    "/initiatives/?q=izmir&sector=makine&ordering=title",
    "/initiatives/?page=50",
]

timings = {"sql": 0.0, "template": 0.0, "queries": 0}
# CPU time of this thread by default: on a shared machine wall time mostly
# measures the other processes. SQLite runs in this thread, so its work is
# counted; a PostgreSQL server's is not (use --wall there).
clock = time.thread_time


def timed_sql(execute, sql, params, many, context):
    started = clock()
    try:
        return execute(sql, params, many, context)
    finally:
        timings["sql"] += clock() - started
        timings["queries"] += 1


def _timed_fetch(name):
    def fetch(self, *args):
        started = clock()
        try:
            return getattr(self.cursor, name)(*args)
        finally:
            timings["sql"] += clock() - started

    return fetch


# A database computes much of a result while it is fetched (SQLite steps
# through a GROUP BY row by row): fetching counts as SQL time.
for _name in ("fetchone", "fetchmany", "fetchall"):
    setattr(CursorWrapper, _name, _timed_fetch(_name))

_rendered_content = SimpleTemplateResponse.rendered_content


def timed_template(self):
    sql_before = timings["sql"]
    started = clock()
    try:
        return _rendered_content.fget(self)
    finally:
        elapsed = clock() - started
        timings["template"] += elapsed - (timings["sql"] - sql_before)


SimpleTemplateResponse.rendered_content = property(timed_template)


def visitor_headers(run):
    """A new visitor per render: an address and user agent of its own."""
    return {
        "HTTP_X_FORWARDED_FOR": ".".join(
            str(random.randrange(1, 255)) for _ in range(4)
        ),
        "HTTP_USER_AGENT": f"profile visitor {run} {time.time_ns()}",
    }


def profile(client, path, runs, cold, visitor=False):
    rows = []
    for run in range(runs):
        if cold:
            cache.clear()
        timings.update(sql=0.0, template=0.0, queries=0)
        headers = visitor_headers(run) if visitor else {}
        started = clock()
        with contextlib.ExitStack() as stack:
            for database in connections.all():
                stack.enter_context(database.execute_wrapper(timed_sql))
            response = client.get(path, **headers)
        total = clock() - started
        if response.status_code == 404:
            return f"{path[:52]:52} (no such page at this size)"
        assert response.status_code == 200, (path, response.status_code)
        rows.append(
            (
                total,
                timings["sql"],
                timings["template"],
                timings["queries"],
                len(response.content),
            )
        )
    total, sql, template, queries, size = (
        statistics.median(column) for column in zip(*rows, strict=True)
    )
    rest = total - sql - template
    return (
        f"{path[:52]:52} {1000 * total:8.1f} {1000 * sql:8.1f} "
        f"{1000 * template:9.1f} {1000 * rest:8.1f} {queries:5.0f} {size / 1024:7.0f}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", default=PATHS)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cold", action="store_true")
    parser.add_argument(
        "--visitor", action="store_true", help="a new visitor per render (hits)"
    )
    parser.add_argument(
        "--wall", action="store_true", help="wall-clock time instead of CPU time"
    )
    args = parser.parse_args()
    if args.wall:
        global clock
        clock = time.perf_counter
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/healthz")
    print(
        f"{'page (median of ' + str(args.runs) + (', wall' if args.wall else ', CPU') + ' ms)':52} {'total':>8} {'SQL':>8} "
        f"{'template':>9} {'python':>8} {'qs':>5} {'KB':>7}"
    )
    for path in args.paths:
        print(profile(client, path, args.runs, args.cold, args.visitor))


if __name__ == "__main__":
    main()
