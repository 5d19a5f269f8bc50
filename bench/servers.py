"""The benchmarks' servers: a fresh database of N initiatives (SQLite or
PostgreSQL), gunicorn started and stopped on 127.0.0.1, manage.py in the
server's environment. Used by serve.py and hits_during_import.py."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from load_generators import PORT, base

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BASE = base(PORT)
# The bare project runs beside ours, so their ceilings are measured in turns.
BARE_PORT = PORT + 1


PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/clusters_bench"
)


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


def prepare_database(kind, size, out):
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
    for database in ("default", "hits") if kind == "sqlite" else ("default",):
        manage(env, "migrate", "--no-input", "-v0", "--database", database)
    subprocess.run(
        [PYTHON, "bench/dataset.py", str(size)], cwd=ROOT, env=env, check=True
    )
    if kind != "sqlite":
        # What autovacuum does some time after a bulk load: statistics for the
        # planner and the visibility map for index-only scans. Measured
        # without it, PostgreSQL plans 100,000 rows as if they were a few.
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    return env


def start_server(env, app="clusters_site.wsgi", cwd=ROOT, probe="/healthz", port=PORT):
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base(port) + probe, timeout=2) as response:
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
