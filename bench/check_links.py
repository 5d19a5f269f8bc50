"""Benchmark of the link checker (issue 13): how long a daily run takes.

    .venv/bin/python bench/check_links.py              # 400 addresses
    .venv/bin/python bench/check_links.py 1000

Servers on 127.0.0.1 to 127.0.0.10 (ten hosts, as the per-host pause sees
them) answer each request after 50 ms; one address in ten goes to a server
that never answers. The runs use the default settings (8 workers, 1 s
between two requests to one host, 10 s for a silent read, 20 s per address,
900 s per run) and
lighter ones, and print addresses per second and the time of the run. No
database is involved: this is the checker's own work (link_health/runner.py
and fetch.py).
"""

import http.server
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from initiatives.link_health import fetch, runner

HOSTS = [f"127.0.0.{n}" for n in range(1, 11)]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        if self.path.startswith("/silent"):
            self.server.release.wait(60)
            return
        time.sleep(0.05)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def serve(host):
    server = http.server.ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server.release = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    servers = [serve(host) for host in HOSTS]
    urls = []
    for n in range(count):
        server = servers[n % len(servers)]
        host, port = server.server_address
        path = f"/silent/{n}" if n % 10 == 9 else f"/page/{n}"
        urls.append(f"http://{host}:{port}{path}")
    runs = [
        ("defaults: 8 workers, 1 s host pause, 20 s per address", 8, 1.0, 20.0),
        ("8 workers, 0.2 s host pause, 5 s per address", 8, 0.2, 5.0),
        ("16 workers, no host pause, 2 s per address", 16, 0.0, 2.0),
    ]
    print(f"{count} addresses on {len(HOSTS)} hosts, {count // 10} never answer")
    for label, workers, pause, per_address in runs:
        limits = fetch.Limits(
            connect_timeout=5, read_timeout=min(10.0, per_address), deadline=per_address
        )
        started = time.monotonic()
        results = runner.check_all(
            urls, limits=limits, workers=workers, host_pause=pause, run_seconds=900
        )
        seconds = time.monotonic() - started
        broken = sum(1 for r in results.values() if not r.ok)
        print(
            f"{label}: {len(results)} checked in {seconds:.1f} s "
            f"({len(results) / seconds:.1f}/s), {broken} broken"
        )
    for server in servers:
        server.release.set()
        server.shutdown()


if __name__ == "__main__":
    main()
