"""Tables the site runs on, not registry content: hit counting, pending
imports, login throttling, the content version of the page cache and the
link checker's results."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import Initiative


class DailyHit(models.Model):
    """Hits of one initiative on one day, for charts.

    On SQLite the hit tables have their own database (routers.py), and no
    constraint reaches across two files: the initiative is named by id, and
    its rows go when it does (signals.py).
    """

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="daily_hits",
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "day"], name="dailyhit_unique_day"
            ),
        ]

    def __str__(self):
        return f"{self.initiative_id} {self.day}: {self.count}"


class ReadCount(models.Model):
    """The exact read count of one initiative, where the hit tables have a
    database of their own (SQLite; read_counts.py). ``Initiative.hit_count``
    is then a copy that may lag while an import holds the main database;
    ``copied`` is the count last copied there by a flush. Unused with
    PostgreSQL, where ``hit_count`` is counted directly."""

    initiative_id = models.BigIntegerField(primary_key=True)
    count = models.PositiveBigIntegerField()
    copied = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.initiative_id}: {self.count}"


class HitDedupe(models.Model):
    """A visitor's recent view: a salted hash, never an address or user agent."""

    key = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key


class AddressReaders(models.Model):
    """How many visitors behind one address were counted reading one
    initiative in the current window: a salted hash, never the address."""

    key = models.CharField(max_length=64, primary_key=True)
    readers = models.PositiveIntegerField(default=1)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.readers}"


class DailySalt(models.Model):
    """The random salt of one day's visitor hashes; deleted after two days."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return str(self.day)


def _pending_import_key():
    return uuid.uuid4().hex


class PendingImport(models.Model):
    """An uploaded file between the import preview and its confirmation.

    Kept in the database, which every app server shares (``DatabaseStorage`` in
    transfer/admin.py), not on one server's disk.
    """

    key = models.CharField(
        max_length=32, primary_key=True, default=_pending_import_key, editable=False
    )
    data = models.BinaryField()
    file_name = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.file_name or self.key


class LoginThrottle(models.Model):
    """Failed admin logins of one (hashed) address or address + username.

    The key is an HMAC of the address, never the address itself.
    """

    key = models.CharField(max_length=64, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.key


class ContentVersion(models.Model):
    """One row whose number changes with every change of public content.

    Database triggers (migration 0008) bump it on every insert, update and
    delete of initiatives (except their hit counts), their sectors, provinces,
    partnerships and links, and of sectors, provinces and institutions —
    whatever wrote them: admin, import, fixtures, raw SQL. Cached pages are
    keyed by it (page_cache.py), so a change shows on the next request;
    tests/test_content_version.py proves it field by field.

    ``database_id`` is drawn by migrate (migration 0014): a cache that
    outlives its database (files under var/cache, Redis) never serves a page
    of a deleted database to a new one whose number has come round to the
    same value.
    """

    number = models.BigIntegerField(default=0)
    # Null in the schema: SQLite adds a column with a default only by copying
    # the table, which its content-version triggers do not survive.
    database_id = models.CharField(max_length=32, null=True, editable=False)  # noqa: DJ001

    def __str__(self):
        return str(self.number)


class LinkCheck(models.Model):
    """The last answer of one address (an initiative's link or an
    institution's website) to the link checker (link_health/).

    Keyed by the address, so a link's check survives editors' saves and is
    shared by every record that uses the address. Not content: a check does
    not change the content version. Only ``marked_broken``, the mark that
    public pages show, does, and the checker bumps the version itself when a
    mark changes (link_health/records.py).
    """

    url = models.CharField(_("web address"), max_length=500, unique=True)
    checked_at = models.DateTimeField(_("last checked"))
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True)
    error = models.CharField(_("network error"), max_length=200, blank=True)
    final_url = models.CharField(_("final address"), max_length=2000, blank=True)
    broken_since = models.DateTimeField(_("broken since"), null=True, db_index=True)
    marked_broken = models.BooleanField(
        _("marked on public pages"), default=False, db_index=True
    )

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        ordering = ["url"]

    def __str__(self):
        return self.url
