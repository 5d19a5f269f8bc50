"""gunicorn settings for the registry (`gunicorn -c gunicorn.conf.py clusters_site.wsgi`).

Every value can be overridden with GUNICORN_* environment variables or on the
command line.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual (2 x cores) + 1: the app is I/O bound on its database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# A 200-character q percent-encodes to ~1,800 bytes (Turkish letters take 9
# each) and filters add more: the default 4094-byte request line is too short
# for Django to see the parameter and say it was shortened. 8190 is the most
# gunicorn allows (a larger value is silently cut to it). Header fields up to
# 16 KB, like the README's nginx example (large_client_header_buffers).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16384
# gunicorn has no limit on request bodies: RequestBodyLimitMiddleware refuses
# them from their Content-Length (settings.REQUEST_MAX_BODY_BYTES), and the
# proxy in front should too (README: client_max_body_size).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# No client addresses or user agents in the access log: %(h)s and %(a)s are
# left out on purpose (docs/CONTRACT.md "Reads": no address or user agent is stored).
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "127.0.0.1")

# After a worker's first requests have loaded the URLconf, the templates and
# the translations, what is alive then lives as long as the worker: gc.freeze()
# moves it out of the cyclic collector's sight. Without it every full
# collection (about one per 20 renders of a list) walks those ~100,000 objects,
# 40-60 ms each time (bench/gc_cost.py). 0 leaves the collector as it is.
gc_freeze_after = int(os.environ.get("GUNICORN_GC_FREEZE_AFTER", "50"))


def post_request(worker, req, environ, resp):
    if gc_freeze_after and worker.nr == gc_freeze_after:
        gc.collect()
        gc.freeze()
