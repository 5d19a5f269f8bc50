"""Real HTTP servers on 127.0.0.1 for the link checker's tests: every kind of
answer a link can give, and a record of what each server was asked."""

import contextlib
import http.server
import socket
import threading
import time
from urllib.parse import urlsplit

LARGE_BODY = 50 * 1024 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def answer(self):
        server = self.server
        with server.lock:
            server.requests.append(
                (
                    self.command,
                    self.path,
                    self.headers.get("User-Agent"),
                    time.monotonic(),
                )
            )
        name = urlsplit(self.path).path.strip("/").replace("-", "_")
        route = getattr(self, "route_" + name, None)
        if route is None:
            return self.reply(404)
        route()

    def reply(self, status, headers=(), body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def route_ok(self):
        self.reply(200, body=b"<html>ok</html>")

    def route_moved(self):
        self.reply(301, [("Location", "/ok")])

    def route_error(self):
        self.reply(500)

    def route_no_head(self):
        if self.command == "HEAD":
            return self.reply(405, [("Allow", "GET")])
        self.reply(200, body=b"ok")

    def route_loop_a(self):
        self.reply(302, [("Location", "/loop-b")])

    def route_loop_b(self):
        self.reply(302, [("Location", "/loop-a")])

    def route_chain(self):
        # /chain?3 sends on to /chain?4, and so on, without end.
        hop = int(urlsplit(self.path).query or 0)
        self.reply(302, [("Location", f"/chain?{hop + 1}")])

    def route_slow(self):
        # Answers only when the test ends: a host that never answers.
        self.server.release.wait(30)

    def route_drip(self):
        # A status line, then one byte a while, forever.
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        while not self.server.release.wait(0.05):
            try:
                self.wfile.write(b"X")
                self.wfile.flush()
            except OSError:
                return

    def route_large(self):
        if self.command == "HEAD":
            return self.reply(405)
        self.send_response(200)
        self.send_header("Content-Length", str(LARGE_BODY))
        self.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(LARGE_BODY // len(chunk)):
                self.wfile.write(chunk)
                with self.server.lock:
                    self.server.body_bytes_sent += len(chunk)
        except OSError:
            return


class LinkServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests = []
        self.body_bytes_sent = 0
        self.release = threading.Event()

    def url(self, path):
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@contextlib.contextmanager
def link_server():
    server = LinkServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


def refused_url():
    """An address on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
