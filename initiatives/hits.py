"""Counting reads of initiative pages (docs/CONTRACT.md "Reads").

A hit is a GET of a published initiative by a visitor: not HEAD, not a bot,
not a prefetch, not logged-in staff, and not a repeat by the same visitor of
the same initiative within ``settings.HIT_DEDUPE_SECONDS``.

Bots are the user agents of the maintained ``crawler-user-agents`` list plus
our own rules for scripts and libraries it leaves out (``BOT_USER_AGENT``).

Visitors are told apart by a salted hash of their address and user agent; the
salt is random, rotates daily and lives in the database, so every app process
computes the same key and nothing raw is ever stored. No cookie is needed.
Since anyone can change their user agent at will, one address counts at most
``settings.HIT_MAX_READERS_PER_ADDRESS`` readers of one initiative per window
(a second salted key, of the address and the initiative, with a counter):
several colleagues behind one office address still count, a script that
rotates its user agent does not count more.

The counters are written with single atomic statements (an upsert on the
dedupe key, an upsert of the address's readers, one more read of the count,
an upsert of the day's row), so no hit is lost when many processes count at
once, on SQLite and PostgreSQL. They go to the database that holds the hit
tables (routers.py): on SQLite a file of their own, which an import never
locks; read_counts.py keeps the count itself and its copy in ``hit_count``.
"""

import datetime
import functools
import hashlib
import ipaddress
import logging
import re
import secrets

import crawleruseragents
from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.utils import timezone

from . import read_counts
from .models import AddressReaders, DailyHit, DailySalt, HitDedupe
from .routers import hits_database

logger = logging.getLogger(__name__)

# What crawler-user-agents leaves out: HTTP libraries, API tools, monitors.
BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|scraper|facebookexternalhit|"
    r"embedly|preview|monitor|uptime|pingdom|lighthouse|headless|phantomjs|"
    r"curl/|wget/|python-|httpx|aiohttp|go-http-client|java/|libwww|okhttp|"
    r"scrapy|feedfetcher|mediapartners|postmanruntime|insomnia/|axios/|"
    r"node-fetch|undici|got \(|dart:io|reqwest/|guzzlehttp|apache-httpclient|"
    r"restsharp|winhttp|powershell|http_request",
    re.IGNORECASE,
)
# A longer user agent is matched on its start: the patterns are names that
# come early, and a 16 KB header must not cost 1,500 patterns' scans.
USER_AGENT_MATCHED_LENGTH = 512
# The package compiles its patterns once per process, on first use: now, at
# start-up, rather than during a visitor's request.
crawleruseragents.is_crawler("")
# Today's salt and yesterday's (a window that spans midnight); older ones go.
SALT_DAYS_KEPT = 1

# day -> salt. A cache of the shared DailySalt row, not state of its own:
# every process reads the same row.
_salts = {}


def is_countable(request):
    """Whether this request may count as a visitor's read."""
    if request.method != "GET":
        return False
    if is_bot(request.headers.get("User-Agent", "")):
        return False
    for header in ("Purpose", "Sec-Purpose", "X-Moz", "X-Purpose"):
        value = request.headers.get(header, "").lower()
        if "prefetch" in value or "preview" in value or "prerender" in value:
            return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.is_staff)


@functools.lru_cache(maxsize=2048)
def is_bot(user_agent):
    """Whether a user agent is empty, a known crawler or a script."""
    user_agent = user_agent[:USER_AGENT_MATCHED_LENGTH]
    return (
        not user_agent.strip()
        or BOT_USER_AGENT.search(user_agent) is not None
        or crawleruseragents.is_crawler(user_agent)
    )


def _is_trusted_proxy(address):
    return address in settings.TRUSTED_PROXIES


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or, behind a trusted proxy, the
    right-most X-Forwarded-For address that is not itself a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for candidate in reversed([a.strip() for a in forwarded.split(",")]):
        if not candidate:
            continue
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            break  # a forged or broken header: stop believing it here
        if not _is_trusted_proxy(candidate):
            return candidate
    return remote


def daily_salt(day=None):
    """Today's random salt, shared by all processes through the database."""
    day = day or timezone.localdate()
    salt = _salts.get(day)
    if salt is None:
        row, created = DailySalt.objects.get_or_create(
            day=day, defaults={"salt": secrets.token_hex(32)}
        )
        if created:
            DailySalt.objects.filter(
                day__lt=day - datetime.timedelta(days=SALT_DAYS_KEPT)
            ).delete()
            HitDedupe.objects.filter(expires_at__lt=timezone.now()).delete()
            AddressReaders.objects.filter(expires_at__lt=timezone.now()).delete()
        _salts.clear()
        _salts[day] = salt = row.salt
    return salt


def visitor_key(request, initiative, *, day=None):
    """sha256(daily salt + address + user agent + initiative id), in hex."""
    return _visitor_key(request, initiative.pk, day=day)


def _visitor_key(request, initiative_id, *, day=None):
    material = "\n".join(
        [
            daily_salt(day),
            client_ip(request),
            request.headers.get("User-Agent", ""),
            str(initiative_id),
        ]
    )
    return hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()


def _address_key(request, initiative_id):
    """sha256(daily salt + address + initiative id): the visitors behind one
    address, whatever their user agents."""
    material = "\n".join(
        [daily_salt(), "address", client_ip(request), str(initiative_id)]
    )
    return hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()


def _readers_from_address(key, now):
    """Count one more reader behind this address in its window (a new window
    if the last one has ended), in one statement; the readers so far."""
    connection = connections[hits_database()]
    ops = connection.ops
    table, key_column, readers, expires = read_counts.sql_names(
        connection, AddressReaders, "key", "readers", "expires_at"
    )
    expires_at = now + datetime.timedelta(seconds=settings.HIT_DEDUPE_SECONDS)
    now = ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {readers}, {expires}) "
            f"VALUES (%s, 1, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{readers} = CASE WHEN {table}.{expires} < %s THEN 1 "
            f"ELSE {table}.{readers} + 1 END, "
            f"{expires} = CASE WHEN {table}.{expires} < %s "
            f"THEN excluded.{expires} ELSE {table}.{expires} END "
            f"RETURNING {readers}",
            [key, ops.adapt_datetimefield_value(expires_at), now, now],
        )
        return cursor.fetchone()[0]


def _first_view_in_window(key, now):
    """Insert or renew the dedupe row; True when this view starts a window."""
    connection = connections[hits_database()]
    ops = connection.ops
    table, key_column, expires = read_counts.sql_names(
        connection, HitDedupe, "key", "expires_at"
    )
    expires_at = now + datetime.timedelta(seconds=settings.HIT_DEDUPE_SECONDS)
    sql = (
        f"INSERT INTO {table} ({key_column}, {expires}) VALUES (%s, %s) "
        f"ON CONFLICT ({key_column}) DO UPDATE SET {expires} = excluded.{expires} "
        f"WHERE {table}.{expires} < %s"
    )
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # A hit need not wait for its own disk flush: the transaction commits
        # asynchronously (crash trade-off in README "Hit counts"). Sent with
        # the upsert, so it costs no extra round trip.
        sql = "SET LOCAL synchronous_commit TO OFF; " + sql
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                key,
                ops.adapt_datetimefield_value(expires_at),
                ops.adapt_datetimefield_value(now),
            ],
        )
        if postgresql:
            cursor.nextset()
        return cursor.rowcount == 1


def _add_daily_hit(initiative_id, day):
    connection = connections[hits_database()]
    ops = connection.ops
    table, initiative, day_column, count = read_counts.sql_names(
        connection, DailyHit, "initiative", "day", "count"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({initiative}, {day_column}, {count}) "
            f"VALUES (%s, %s, 1) ON CONFLICT ({initiative}, {day_column}) "
            f"DO UPDATE SET {count} = {table}.{count} + 1",
            [initiative_id, ops.adapt_datefield_value(day)],
        )


def record_hit(request, initiative):
    """Count ``request`` as a read of ``initiative`` if it is a visitor's first
    in the dedupe window. Returns True when a hit was counted; then
    ``initiative.hit_count`` holds the new count."""
    if not initiative.is_published:
        return False
    new_count = count_read(request, initiative.pk, base=initiative.hit_count)
    if new_count is None:
        return False
    initiative.hit_count = new_count
    return True


def count_read(request, initiative_id, *, base=None):
    """Count ``request`` as a read of the published initiative
    ``initiative_id`` if it is a visitor's first in the dedupe window: the
    new read count, or None when nothing was counted.

    ``base``: the ``hit_count`` the caller has just read (None: read here
    when needed); read_counts.py says where the count is kept.

    One query for a repeat, four for a counted read (plus one a day for the
    salt), in the hits database; on SQLite, the copy of the count into the
    main database follows (read_counts.copy_to_registry). A hits database
    locked beyond its busy timeout loses the hit, with a warning, rather
    than the page.
    """
    try:
        return _count_read(request, initiative_id, base=base)
    except OperationalError:
        _not_counted(initiative_id)
        return None


def _not_counted(initiative_id):
    logger.warning("Hit of initiative %s not counted", initiative_id, exc_info=True)


def _count_read(request, initiative_id, *, base):
    if not is_countable(request):
        return None
    now = timezone.now()
    key = _visitor_key(request, initiative_id)
    address_key = _address_key(request, initiative_id)
    with transaction.atomic(using=hits_database(), savepoint=False):
        if not _first_view_in_window(key, now):
            return None
        readers = _readers_from_address(address_key, now)
        if readers > settings.HIT_MAX_READERS_PER_ADDRESS:
            return None
        if base is None and read_counts.kept_apart():
            base = read_counts.registry_count(initiative_id)
        new_count = read_counts.increment(initiative_id, base=base)
        _add_daily_hit(initiative_id, timezone.localdate(now))
    read_counts.copy_to_registry(initiative_id, new_count)
    return new_count


def read_count(request, initiative_id, *, hit_count=None):
    """The read count a published initiative's page shows, this read
    included when it counts.

    ``hit_count`` is the count the page was rendered with; None for a page
    from the cache, whose count is then read fresh (one query; on SQLite
    one more in the hits database).
    """
    try:
        new_count = _count_read(request, initiative_id, base=hit_count)
        if new_count is not None:
            return new_count
    except OperationalError:
        _not_counted(initiative_id)
        if hit_count is None:
            hit_count = read_counts.registry_count(initiative_id)
        return hit_count
    if hit_count is None:
        hit_count = read_counts.registry_count(initiative_id)
    return read_counts.shown(initiative_id, base=hit_count)
