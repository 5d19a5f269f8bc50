"""Settings for the Clustering in Türkiye registry.

Every difference between deployments is an environment variable with a safe
default; README.md lists them. Nothing here is secret.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state (SQLite database, the development secret): git-ignored.
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def beside(path, suffix):
    """``var/db.sqlite3`` -> ``var/db-hits.sqlite3``."""
    path = Path(path)
    return str(path.with_name(f"{path.stem}{suffix}{path.suffix}"))


DEBUG = env_bool("DJANGO_DEBUG")


def _secret_key():
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    # Development only: one random key per checkout, kept out of git, so
    # logins survive runserver's reloads.
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin: its TranslationAdmin and its loaddata (modeltranslation docs).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Serve static files through whitenoise under runserver too (whitenoise docs).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "import_export",
    "csp",
    # Versions of initiatives, institutions and sectors (initiatives/versions.py).
    "reversion",
    "initiatives",
]

MIDDLEWARE = [
    # Before anything can read a request body: public pages take none, the
    # admin none larger than an import file (REQUEST_MAX_BODY_BYTES).
    "initiatives.middleware.RequestBodyLimitMiddleware",
    # First: forwarded headers from anyone but a configured proxy are dropped
    # before SecurityMiddleware (HTTPS) or the hit counter (address) read them.
    "initiatives.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware, so static files skip everything below.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Picks the language from the URL prefix only (no cookie is ever set
    # for visitors; see docs/CONTRACT.md "Languages and paths"). This one,
    # the admin's messages and the security headers (django-csp's policy and
    # Permissions-Policy) are Django's and django-csp's minus work every
    # request paid for nothing (initiatives/middleware.py; measured by
    # bench/middleware_cost.py).
    "initiatives.middleware.PathLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "initiatives.middleware.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "initiatives.middleware.SecurityHeadersMiddleware",
    # Last, so it sees database errors raised by any view: a locked SQLite
    # or an unreachable database gives a short 503 page, never a traceback.
    "initiatives.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "clusters_site.urls"
WSGI_APPLICATION = "clusters_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "initiatives.context_processors.language_links",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
SQLITE_PATH = Path(os.environ.get("DJANGO_SQLITE_PATH", VAR_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("DJANGO_SQLITE_TIMEOUT", "5"))
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when the transaction starts, so two writers
        # queue on the busy timeout instead of failing with "database is
        # locked" when one upgrades a read lock (Django 5.1 release notes).
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT,
        # WAL lets readers go on while one process writes.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON;"
        ),
    }
    # A file, not :memory:, so tests with several threads or processes see
    # real SQLite locking.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("DJANGO_SQLITE_TEST_PATH", str(VAR_DIR / "test.sqlite3"))
    }

    # Reads are counted in a second SQLite file (issue 11): an editor's import
    # holds the main file's only write lock for seconds, and a visitor's hit
    # must neither wait for it nor be lost. The hit tables live there
    # (initiatives/routers.py); the exact count is read from there and copied
    # into Initiative.hit_count when the main file is free
    # (initiatives/read_counts.py). Beside the main file unless set.
    DATABASES["hits"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get(
            "DJANGO_SQLITE_HITS_PATH", beside(DATABASES["default"]["NAME"], "-hits")
        ),
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            # Only other visitors' hits (a few statements each) hold this
            # file's lock, never an import.
            "timeout": float(os.environ.get("DJANGO_SQLITE_HITS_TIMEOUT", "5")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": beside(DATABASES["default"]["TEST"]["NAME"], "-hits")},
    }
# The hit tables go to DATABASES["hits"] when there is one (SQLite); with
# PostgreSQL everything stays in one database.
DATABASE_ROUTERS = ["initiatives.routers.HitsRouter"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # A database host that is down, or accepts and never answers, costs a
    # visitor this many seconds, then a 503 page (middleware.py), instead of
    # the operating system's TCP timeout (30 s and more) and a 500. psycopg
    # takes 2 s as its least.
    options["connect_timeout"] = int(os.environ.get("DJANGO_PG_CONNECT_TIMEOUT", "2"))
    # Give up waiting for a lock after a few seconds, and on any statement
    # after a few more: the visitor or editor gets a 503 "try again" page
    # instead of a hung worker (gunicorn would kill it at GUNICORN_TIMEOUT).
    # An import of IMPORT_MAX_ROWS rows runs many statements, each far
    # shorter than this.
    options["options"] = (
        f"-c lock_timeout={int(os.environ.get('DJANGO_PG_LOCK_TIMEOUT_MS', '5000'))} "
        "-c statement_timeout="
        f"{int(os.environ.get('DJANGO_PG_STATEMENT_TIMEOUT_MS', '10000'))}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered pages and facet counts (initiatives/page_cache.py, facet_counts.py)
# in files under var/cache: one cache for every gunicorn worker of a machine,
# kept when gunicorn restarts a worker (max_requests), which a per-process
# memory cache is not. Culled at random past DJANGO_CACHE_MAX_ENTRIES files.
CACHE_DIR = Path(os.environ.get("DJANGO_CACHE_DIR", VAR_DIR / "cache"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR),
        "OPTIONS": {
            "MAX_ENTRIES": int(os.environ.get("DJANGO_CACHE_MAX_ENTRIES", "10000"))
        },
    }
}
if os.environ.get("REDIS_URL"):
    # One cache for every app server.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalization: Turkish at the plain paths, English under /en/.
LANGUAGE_CODE = "tr"
LANGUAGES = [("tr", _("Turkish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content in two languages (PRODUCT.md): django-modeltranslation gives each
# translated field a column per language (title_tr, title_en; initiatives/
# translation.py). A field empty in the page's language reads the other's.
MODELTRANSLATION_DEFAULT_LANGUAGE = "tr"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("tr", "en")}
# The admin makes a new slug from the Turkish title, whatever its language.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "tr"


def _localized_verbose_name(verbose_name, language):
    # "başlık (İngilizce)" / "title (English)" in the admin, not "başlık [en]".
    return format_lazy("{} ({})", verbose_name, dict(LANGUAGES)[language])


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _localized_verbose_name
# Turkish dates as 26.05.2013 (Django's tr format spells the month out).
FORMAT_MODULE_PATH = ["clusters_site.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Istanbul")

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names + gzip/brotli; STATICFILES_STORAGE was removed in 5.1.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "admin:login"

# Public pages are cached per content version (initiatives/page_cache.py): a
# change shows on the next request; only hit counts on lists may lag this much.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# Facet counts (and the home page's figures) per content version and filter
# set (initiatives/facet_counts.py): a new version makes new keys, so they
# may live long; the pages around them may be cached or not.
FACET_CACHE_SECONDS = int(os.environ.get("FACET_CACHE_SECONDS", "3600"))

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
# Addresses of reverse proxies whose X-Forwarded-For is believed.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")

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

# Security headers that cost nothing in development either.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# A strict Content-Security-Policy on every page, admin included: no inline
# script or style anywhere (django-csp 4 configuration format).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

if not DEBUG:
    # Production is HTTPS only (`manage.py check --deploy` passes with no
    # variable but the secret set). To try the production settings over plain
    # HTTP on a laptop (make serve, bench/), set DJANGO_SECURE_SSL_REDIRECT=0
    # and DJANGO_SECURE_COOKIES=0.
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(
        os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600))
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a commitment the operator makes by submitting the domain
    # to the browsers' list; it is theirs to switch on.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Behind a reverse proxy: its X-Forwarded-Proto says whether the visitor used
# HTTPS. Believed only from DJANGO_TRUSTED_PROXIES: TrustedProxyMiddleware
# drops X-Forwarded-* headers that come from anyone else.
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "warning_without_traceback": {
            "()": "initiatives.log_filters.WarningWithoutTraceback",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.request": {"level": "ERROR"},
        # A request with a disallowed Host header gets a plain 400 (views.
        # bad_request); Django logs it at ERROR with a traceback, which any
        # scanner would fill the log with. One WARNING line is enough:
        # https://docs.djangoproject.com/en/5.2/topics/logging/#django-security
        "django.security.DisallowedHost": {
            "filters": ["warning_without_traceback"],
        },
    },
}
