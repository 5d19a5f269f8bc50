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

from .env import BASE_DIR, VAR_DIR, beside, env_bool, env_list

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
    # Connections persist as PostgreSQL's do (DJANGO_CONN_MAX_AGE): opening
    # both files ran their PRAGMAs on every request, and closing the last
    # connection checkpointed the WAL, about 5 ms of CPU per request.
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when the transaction starts, so two writers
        # queue on the busy timeout instead of failing with "database is
        # locked" when one upgrades a read lock (Django 5.1 release notes).
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT,
        # WAL lets readers go on while one process writes.
        # mmap_size: pages are read from the operating system's cache in
        # place instead of copied by a read() each; a search or a facet
        # count after a change reads tens of megabytes at 100,000
        # initiatives (each change empties every connection's own cache).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; "
            f"PRAGMA mmap_size={int(os.environ.get('DJANGO_SQLITE_MMAP_BYTES', 1 << 30))};"
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
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
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
        f"{int(os.environ.get('DJANGO_PG_STATEMENT_TIMEOUT_MS', '10000'))} "
        # No parallel workers for one request's query: the gunicorn workers
        # already keep every core busy, and a facet count at 100,000
        # initiatives spent 30 ms of its 430 starting them (bench/serve.py).
        "-c max_parallel_workers_per_gather="
        f"{int(os.environ.get('DJANGO_PG_PARALLEL_WORKERS', '0'))}"
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

# The registry's own settings.
from .registry_settings import *  # noqa: E402, F403

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

# Addresses of reverse proxies whose X-Forwarded-For is believed.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")

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
