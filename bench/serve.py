"""Load benchmark: the registry under gunicorn (2 workers), driven from another process.

    .venv/bin/python bench/serve.py                      # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/serve.py --sizes 18,1000 --duration 5 --db sqlite

For each database and each number of initiatives it builds a fresh database,
starts gunicorn on 127.0.0.1, and measures with wrk (Debian's package; a Python
load generator when wrk is missing) requests per second and p50/p99 latency of:
a bare Django view behind the same middleware (the ceiling, in the same run),
the home page, the list, a filtered list with search, page 50, an initiative
page with hit counting by distinct visitors, and a static CSS file. It then
checks that hit counting is exact (a bounded run of distinct visitors at 32
concurrent connections) and prints the SQL queries of each page.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/clusters_bench"
)

WRK_VISITORS = """
counter = 0
request = function()
  counter = counter + 1
  local ip = string.format("10.%d.%d.%d", (counter / 65536) % 256, (counter / 256) % 256, counter % 256)
  return wrk.format("GET", "{path}", {["X-Forwarded-For"] = ip .. "." .. id, ["User-Agent"] = "bench " .. id .. " " .. counter})
end
setup = function(thread)
  thread:set("id", tostring(math.random(1, 1000000000)))
end
"""


def server_env(database_url, out):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="clusters_site.settings",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_TRUSTED_PROXIES="127.0.0.1",
        DJANGO_BENCH_CEILING="1",
        DJANGO_STATIC_ROOT=str(out / "static"),
        DJANGO_LOG_LEVEL="ERROR",
        DATABASE_URL=database_url,
        GUNICORN_WORKERS="2",
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        GUNICORN_ACCESSLOG="/dev/null",
    )
    return env


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=capture,
        text=True,
    )
    if result.returncode:
        raise SystemExit(
            f"manage.py {args[0]} failed:\n{(result.stderr or '')[-3000:]}"
        )
    return result


def prepare_database(kind, size, out, page_cache=True):
    if kind == "sqlite":
        path = out / f"bench-{size}.sqlite3"
        for name in (path, path.with_name(f"{path.stem}-hits{path.suffix}")):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        dbname = PG_URL.rsplit("/", 1)[1]
        admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        url = PG_URL
    env = server_env(url, out)
    if not page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    for database in ("default", "hits") if kind == "sqlite" else ("default",):
        manage(env, "migrate", "--no-input", "-v0", "--database", database)
    subprocess.run(
        [PYTHON, "bench/dataset.py", str(size)], cwd=ROOT, env=env, check=True
    )
    return env


def start_server(env):
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "clusters_site.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(BASE + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start: " + proc.stderr.read()[-2000:])


def stop_server(proc):
    # SIGTERM: gunicorn finishes the requests in flight and exits cleanly.
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def get(path, headers=None):
    request = urllib.request.Request(BASE + path, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode("utf-8", "replace")


def parse_latency(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(path, duration, connections, script=None):
    args = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    if script:
        args += ["-s", lua.name]
    output = subprocess.run(
        [*args, BASE + path], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(lua.name)
    if "Latency Distribution" not in output:
        raise SystemExit(f"wrk printed no latencies for {path}:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = parse_latency(re.search(r"^\s*50%\s+(\S+)", output, re.M).group(1))
    p99 = parse_latency(re.search(r"^\s*99%\s+(\S+)", output, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
        "requests": total,
    }


def run_python_load(path, duration, connections, visitors=False):
    """A bounded Python load generator (used when wrk is not installed)."""
    import http.client

    latencies, failures = [], []
    stop_at = time.time() + duration
    lock = threading.Lock()

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        i = 0
        while time.time() < stop_at:
            i += 1
            headers = {}
            if visitors:
                headers = {"X-Forwarded-For": f"10.{n}.{i // 256 % 256}.{i % 256}"}
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status >= 400:
                    failures.append(response.status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "non_2xx": len(failures),
        "socket_errors": "",
        "requests": len(latencies),
    }


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


def bench_one(kind, size, args, out):
    env = prepare_database(kind, size, out, page_cache=not args.no_page_cache)
    manage(env, "collectstatic", "--no-input", "-v0")
    proc = start_server(env)
    try:
        _, home = get("/")
        css = re.search(r'href="(/static/css/[^"]+\.css)"', home).group(1)
        _, listing = get("/initiatives/?ordering=-hits")
        slugs = list(
            dict.fromkeys(re.findall(r'href="/initiatives/([^/"?]+)/"', listing))
        )
        # The exactness check counts on another initiative than the timed run,
        # whose requests an overloaded server may still be finishing.
        slug, exact_slug = slugs[0], slugs[1]
        search = "/initiatives/?q=izmir&sector=makine&ordering=title"
        targets = [
            ("ceiling (bare view)", "/bench/ceiling", False),
            ("home", "/", False),
            ("list", "/initiatives/", False),
            ("filtered list + search", search, False),
            (
                "list page 50",
                "/initiatives/?page=50" if size >= 1000 else "/initiatives/?page=1",
                False,
            ),
            ("initiative + hit", f"/initiatives/{slug}/", True),
            ("static CSS", css, False),
        ]
        results = {}
        # Warm every worker up (imports, connections, caches) before measuring.
        for _name, path, _visitors in targets:
            if shutil.which("wrk") and not args.python_load:
                subprocess.run(
                    ["wrk", "-t2", "-c8", "-d1s", BASE + path],
                    capture_output=True,
                    check=False,
                )
        for name, path, visitors in targets:
            if shutil.which("wrk") and not args.python_load:
                script = WRK_VISITORS.replace("{path}", path) if visitors else None
                results[name] = run_wrk(path, args.duration, args.connections, script)
            else:
                results[name] = run_python_load(
                    path, args.duration, args.connections, visitors
                )
        exact = exact_hits(env, exact_slug, args.exact_visitors, args.connections)
    finally:
        stop_server(proc)
    queries = queries_per_page(
        env, ["/", "/initiatives/", search, f"/initiatives/{slug}/", "/institutions/"]
    )
    return results, exact, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="18,1000,10000,100000")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--exact-visitors", type=int, default=1600)
    parser.add_argument("--python-load", action="store_true", help="do not use wrk")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve every page fresh (PAGE_CACHE_SECONDS=0), to see the uncached cost",
    )
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
    summary = {}
    for kind in kinds:
        for size in sizes:
            results, exact, queries = bench_one(kind, size, args, out)
            ceiling = results["ceiling (bare view)"]["rps"]
            print(f"\n== {kind}, {size} initiatives ==")
            print(
                f"{'page':26} {'req/s':>9} {'% ceil':>7} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"
            )
            for name, r in results.items():
                print(
                    f"{name:26} {r['rps']:9.1f} {100 * r['rps'] / ceiling:6.1f}% "
                    f"{r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['non_2xx']:8d}"
                    + (
                        f"  socket errors: {r['socket_errors']}"
                        if r["socket_errors"]
                        else ""
                    )
                )
            verdict = (
                "exact"
                if exact["counted"] == exact["ok"] == exact["sent"]
                else "NOT EXACT"
            )
            print(
                f"hits: {exact['sent']} distinct visitors sent, {exact['ok']} answered 200, "
                f"{exact['counted']} counted ({verdict})"
            )
            print(
                "SQL queries per page (first view / from the page cache): "
                + ", ".join(f"{p} {a}/{b}" for p, (a, b) in queries.items())
            )
            summary[(kind, size)] = {name: r["rps"] for name, r in results.items()}
    for kind in kinds:
        if (
            (kind, sizes[0]) in summary
            and (kind, sizes[-1]) in summary
            and len(sizes) > 1
        ):
            small, large = summary[(kind, sizes[0])], summary[(kind, sizes[-1])]
            for name in ("list", "filtered list + search"):
                print(
                    f"{kind}: {name} at {sizes[-1]} initiatives keeps "
                    f"{100 * large[name] / small[name]:.0f}% of its requests per "
                    f"second at {sizes[0]}"
                )


if __name__ == "__main__":
    main()
