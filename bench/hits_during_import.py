"""Visitors' page latency and lost hits while an editor imports (issue 11).

    .venv/bin/python bench/hits_during_import.py               # 20,000 rows
    .venv/bin/python bench/hits_during_import.py --rows 5000 --visitors 8

A fresh SQLite registry (the main file and the hits file beside it) with the
synthetic initiatives of bench/dataset.py is served by gunicorn (2 workers) on
127.0.0.1. ``manage.py import_initiatives`` then imports a file of new rows in
its own process, holding the main file's write lock for seconds, while
visitor threads, each request a new visitor, read one initiative page, each followed by the
same page for a bot (never counted, so the difference is what counting
costs). It prints the page latency during the import (median, p99, max) of
both, the answers
that were not 200, and whether every visitor's read was counted: the count
the last page showed, and ``hit_count`` before and after
``manage.py flush_read_counts``. The goal: no page waits more than 200 ms
for its hit, and no hit is lost.
"""

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from servers import (
    BASE,
    PYTHON,
    ROOT,
    manage,
    prepare_database,
    start_server,
    stop_server,
)

INITIATIVES = 200


def import_file(path, rows):
    header = "slug;title;start_year;provinces;sectors\r\n"
    lines = "".join(
        f"ice-aktarilan-{n};İçe aktarılan girişim {n};2015;İzmir;\r\n"
        for n in range(rows)
    )
    path.write_bytes((header + lines).encode("cp1254"))


def hit_count(env, slug):
    code = (
        "from initiatives.models import Initiative;"
        f"print(Initiative.objects.get(slug='{slug}').hit_count)"
    )
    return int(manage(env, "shell", "-v0", "-c", code, capture=True).stdout.strip())


def first_slug(env):
    code = (
        "from initiatives.models import Initiative;"
        "print(Initiative.objects.published().order_by('id')[0].slug)"
    )
    return manage(env, "shell", "-v0", "-c", code, capture=True).stdout.strip()


def shown_count(page):
    # "1.234 kez okundu": the read count the page shows.
    return int(re.search(r"([\d.]+) kez okundu", page).group(1).replace(".", ""))


def visit(slug, visitor, *, bot=False):
    agent = "Googlebot/2.1" if bot else f"Mozilla/5.0 bench-visitor-{visitor}"
    request = urllib.request.Request(
        f"{BASE}/initiatives/{slug}/",
        headers={
            "X-Forwarded-For": f"10.{visitor // 65536 % 256}.{visitor // 256 % 256}."
            f"{visitor % 256}",
            "User-Agent": agent,
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            page = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        page, status = "", error.code
    return status, time.perf_counter() - started, page


def run(args, out):
    env = prepare_database("sqlite", INITIATIVES, out)
    manage(env, "collectstatic", "--no-input", "-v0")
    slug = first_slug(env)
    path = out / "import.csv"
    import_file(path, args.rows)
    before = hit_count(env, slug)
    server = start_server(env)
    results, bots, lock = [], [], threading.Lock()
    counter = iter(range(10**9))
    try:
        visit(slug, 10**8)  # warm both workers' first request out of the figures
        visit(slug, 10**8 + 1)
        started = time.perf_counter()
        editor = subprocess.Popen(
            [PYTHON, "manage.py", "import_initiatives", str(path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

        def visitor_thread():
            while editor.poll() is None:
                with lock:
                    visitor = next(counter)
                status, seconds, page = visit(slug, visitor)
                # The same page for a bot, which is never counted: the
                # difference is what counting a read costs.
                _, bot_seconds, _ = visit(slug, visitor, bot=True)
                with lock:
                    results.append((status, seconds, page))
                    bots.append(bot_seconds)

        threads = [
            threading.Thread(target=visitor_thread) for _ in range(args.visitors)
        ]
        for thread in threads:
            thread.start()
        editor.wait()
        import_seconds = time.perf_counter() - started
        for thread in threads:
            thread.join()
        if editor.returncode:
            raise SystemExit("import failed:\n" + editor.stderr.read()[-2000:])
        _, _, last_page = visit(slug, 10**8)  # a repeat: shows the count
    finally:
        stop_server(server)

    latencies = sorted(seconds * 1000 for _status, seconds, _page in results)
    bot_latencies = sorted(seconds * 1000 for seconds in bots)
    answered = sum(1 for status, _s, _p in results if status == 200)
    copied = hit_count(env, slug) - before
    manage(env, "flush_read_counts")
    flushed = hit_count(env, slug) - before
    sent = len(results) + 2  # and the two warm-up visitors
    print(f"import of {args.rows:,} rows: {import_seconds:.1f} s")
    print(
        f"initiative page during the import ({args.visitors} visitor threads, "
        f"{len(results)} requests, each a new visitor):"
    )
    for who, figures in (("visitor", latencies), ("bot (not counted)", bot_latencies)):
        print(
            f"  {who} latency ms: median {statistics.median(figures):.0f}, "
            f"p99 {figures[int(len(figures) * 0.99) - 1]:.0f}, max {figures[-1]:.0f}"
        )
    print(f"  answers not 200: {len(results) - answered}")
    print(f"  reads sent {sent}, count shown by the last page {shown_count(last_page)}")
    print(
        f"  hit_count +{copied} at the import's end, +{flushed} after flush_read_counts"
    )
    lost = sent - (shown_count(last_page) - before)
    print(f"  hits lost: {lost}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--visitors", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        run(args, Path(out))


if __name__ == "__main__":
    sys.exit(main())
