"""What each middleware costs per request, measured in this process.

    DJANGO_SECRET_KEY=... python bench/middleware_cost.py [--requests 20000]

Calls Django's WSGI handler directly (no server, no network) with a GET of
the bare view that bench/serve.py takes as its ceiling, and prints CPU
microseconds per request: with our whole stack, with each middleware left
out in turn (the difference is what that one costs), and with the
middleware of a project as ``django-admin startproject`` makes it.
"""

import argparse
import io
import logging
import os
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
sys.path.append(str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusters_site.settings")
os.environ["DJANGO_BENCH_CEILING"] = "1"
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from bare_project import STARTPROJECT_MIDDLEWARE as STARTPROJECT  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402


def environ(path):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8765",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


def per_request(middleware, requests, path="/bench/ceiling"):
    settings.MIDDLEWARE = middleware
    handler = WSGIHandler()

    def start_response(status, headers):
        assert status.startswith("200"), status

    for _ in range(200):  # warm up
        b"".join(handler(environ(path), start_response))
    started = time.thread_time()
    for _ in range(requests):
        b"".join(handler(environ(path), start_response))
    return (time.thread_time() - started) / requests * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    ours = list(settings.MIDDLEWARE)
    full = per_request(ours, args.requests)
    bare = per_request(STARTPROJECT, args.requests)
    none = per_request([], args.requests)
    print(f"{'stack':58} {'µs/request':>10}")
    print(f"{'ours, all ' + str(len(ours)):58} {full:10.1f}")
    print(f"{'startproject (bare Django project)':58} {bare:10.1f}")
    print(f"{'no middleware':58} {none:10.1f}")
    print(f"ours / bare project, requests per second: {100 * bare / full:.0f}%")
    print(f"\n{'left out':58} {'saves µs':>10}")
    logging.disable(logging.CRITICAL)
    for name in ours:
        try:
            without = per_request([m for m in ours if m != name], args.requests)
        except AssertionError:
            print(f"{name:58} {'(another middleware needs it)':>10}")
            continue
        print(f"{name:58} {full - without:10.1f}")


if __name__ == "__main__":
    main()
