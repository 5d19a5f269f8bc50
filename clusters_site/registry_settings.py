"""The registry's own settings: page and facet caches, the site's address and
licence, hit counting, the login throttle, import/export limits, the link
checker. Django's and the libraries' settings are in settings.py, which reads
these in; every one has a safe default and an environment variable
(README.md).
"""

import os

from .env import VAR_DIR, env_bool

# Public pages are cached per content version (initiatives/page_cache.py): a
# change shows on the next request; only hit counts on lists may lag this much.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# Facet counts (and the home page's figures) per content version and filter
# set (initiatives/facet_counts.py): a new version makes new keys, so they
# may live long; the pages around them may be cached or not.
FACET_CACHE_SECONDS = int(os.environ.get("FACET_CACHE_SECONDS", "3600"))
# The initiative page's body per content version, slug and language
# (initiatives/views.py), its read count and reads over time put in per
# request: kept whether the page cache is on or off.
INITIATIVE_BODY_CACHE_SECONDS = int(
    os.environ.get("INITIATIVE_BODY_CACHE_SECONDS", "3600")
)

# The registry's public address (scheme and host, no path): every absolute link
# (sitemap, feeds, canonical, Open Graph, citations, hreflang) is built from it
# by initiatives/site_url.py, never from the request's Host header, which a
# visitor chooses and the page cache would keep.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The open data's licence, named on /about/, in citations and in the feeds.
DATA_LICENCE_NAME = os.environ.get("DATA_LICENCE_NAME", "CC BY 4.0")
DATA_LICENCE_URL = os.environ.get(
    "DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
# Where visitors send corrections (/about/); empty: "contact the editors".
CORRECTIONS_EMAIL = os.environ.get("CORRECTIONS_EMAIL", "")

# Hit counting (docs/CONTRACT.md "Reads").
HIT_DEDUPE_SECONDS = int(os.environ.get("HIT_DEDUPE_SECONDS", "1800"))
# Readers of one initiative counted from one address per window, whatever
# their user agents: an office behind one address counts several, a script
# rotating its user agent no more (initiatives/hits.py).
HIT_MAX_READERS_PER_ADDRESS = int(os.environ.get("HIT_MAX_READERS_PER_ADDRESS", "5"))
# SQLite with its hits database: how long a counted read may wait for the
# main file's write lock to copy the count into Initiative.hit_count (lists,
# "most read"); when an import holds it, the copy is made later
# (initiatives/read_counts.py) and the page still shows the exact count.
HIT_COPY_WAIT_MS = int(os.environ.get("HIT_COPY_WAIT_MS", "50"))

# Editors' login (initiatives/login_throttle.py): after this many tries from
# one address for one username (or the per-address limit for any usernames)
# logins from there wait out the window.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(
    os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "20")
)
LOGIN_THROTTLE_SECONDS = int(os.environ.get("LOGIN_THROTTLE_SECONDS", "900"))
# One account from any addresses: a short pause, since a stranger can spend
# these tries too and must not keep an editor out for long.
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = int(
    os.environ.get("LOGIN_FAILURE_LIMIT_PER_ACCOUNT", "10")
)
LOGIN_ACCOUNT_THROTTLE_SECONDS = int(
    os.environ.get("LOGIN_ACCOUNT_THROTTLE_SECONDS", "300")
)

# bench/serve.py only: a bare view behind the same middleware, the ceiling
# the pages are measured against. Never set in production.
BENCH_CEILING_VIEW = env_bool("DJANGO_BENCH_CEILING")

# Import/export.
IMPORT_MAX_UPLOAD_BYTES = int(
    os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))
)
# The largest request body the admin takes: an import file and the few form
# fields around it. Larger ones are refused from their Content-Length before
# a byte is read (RequestBodyLimitMiddleware); public pages take no body.
# gunicorn has no body limit; the README's nginx example sets the same one.
REQUEST_MAX_BODY_BYTES = IMPORT_MAX_UPLOAD_BYTES + 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES
# Every upload that gets through stays in memory, so none is ever spooled to
# a temporary file that a worker killed by its timeout would leave behind.
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES
# Should one ever be spooled all the same: under var/, not the shared /tmp.
FILE_UPLOAD_TEMP_DIR = VAR_DIR / "uploads"
try:
    FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only checkout: the system's temporary directory
    FILE_UPLOAD_TEMP_DIR = None
# More rows than this in one file are refused (split the file): a preview of
# 20,000 rows already takes a while to read.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
# A file is read within fixed limits whatever it claims or inflates to (issue
# 11): a value beyond IMPORT_MAX_COLUMNS columns is refused; an XLSX (a zip)
# may unpack to at most IMPORT_MAX_UNZIPPED_BYTES, and its cells hold at most
# IMPORT_MAX_TEXT_CHARS characters (a shared string counts once per cell that
# uses it), so one import stays within about 300 MB.
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "100"))
IMPORT_MAX_UNZIPPED_BYTES = int(
    os.environ.get("IMPORT_MAX_UNZIPPED_BYTES", str(100 * 1024 * 1024))
)
IMPORT_MAX_TEXT_CHARS = int(os.environ.get("IMPORT_MAX_TEXT_CHARS", "20000000"))
# Import and export buttons need real permissions ("initiatives.import_initiative",
# ...) that the Editors group holds (migration 0006); unset, the library lets
# every staff user import.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# The file between preview and confirm lives in the database, which every app
# server shares; the library's default is one server's /tmp (issue 4).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "initiatives.transfer.admin.DatabaseStorage"
IMPORT_PENDING_SECONDS = int(os.environ.get("IMPORT_PENDING_SECONDS", str(24 * 3600)))

# The link checker (manage.py check_links, initiatives/link_health/): a few
# workers, a pause between two requests to one host, timeouts per connection,
# per read and per address, and a limit for the whole run, so that hosts that
# never answer, or answer a byte at a time, cannot hold a daily run up.
LINK_CHECK_WORKERS = int(os.environ.get("LINK_CHECK_WORKERS", "8"))
LINK_CHECK_HOST_PAUSE = float(os.environ.get("LINK_CHECK_HOST_PAUSE", "1"))
LINK_CHECK_CONNECT_TIMEOUT = float(os.environ.get("LINK_CHECK_CONNECT_TIMEOUT", "5"))
LINK_CHECK_READ_TIMEOUT = float(os.environ.get("LINK_CHECK_READ_TIMEOUT", "10"))
LINK_CHECK_URL_SECONDS = float(os.environ.get("LINK_CHECK_URL_SECONDS", "20"))
LINK_CHECK_RUN_SECONDS = float(os.environ.get("LINK_CHECK_RUN_SECONDS", "900"))
LINK_CHECK_MAX_REDIRECTS = 5
# A body is never read past this (a 50 MB answer costs 8 KB).
LINK_CHECK_BODY_BYTES = 8192
