"""Throttle password guessing on the editors' login (admin).

Every login try takes one try from three counters before the password is
checked, each a row of ``LoginThrottle`` under a keyed hash (no address or
username is stored), in the database that every app server shares:

- address + username: ``LOGIN_FAILURE_LIMIT`` (5) tries per
  ``LOGIN_THROTTLE_SECONDS`` (15 minutes);
- address, any username: ``LOGIN_FAILURE_LIMIT_PER_ADDRESS`` (20) per the same
  window;
- username, any address: ``LOGIN_FAILURE_LIMIT_PER_ACCOUNT`` (10) per
  ``LOGIN_ACCOUNT_THROTTLE_SECONDS`` (5 minutes).

A try past a limit is refused, even with the right password, and the editor
is told when to try again. A successful login gives its try back and clears
its address + username counter.

The per-account limit stops guessing from many addresses (10 addresses × 5
tries were 50 guesses), but anyone may spend it, so its pause is short: a
stranger who keeps an editor out must keep guessing, and can never make more
than 10 guesses per 5 minutes at any account, however many addresses they
use. An editor who finds the account paused waits 5 minutes, or logs in
from an address whose own counters are fine once the pause ends.

The username is keyed as Django authenticates it: stripped and NFKC
normalised like ``AuthenticationForm``'s ``UsernameField`` (so ``ｒｏｏｔ`` and
``root`` share their counters), and case-folded, so that no spelling of one
account gets fresh tries.

Taking a try is one atomic upsert per counter (``INSERT … ON CONFLICT DO
UPDATE … RETURNING``), so parallel tries cannot all pass a check made
before any of them counted: 32 parallel tries check exactly 5 passwords.
"""

import datetime
import hashlib
import hmac
import logging
import unicodedata

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .hits import client_ip
from .models import LoginThrottle

logger = logging.getLogger(__name__)


def _hash(*parts):
    message = "\n".join(parts).encode("utf-8", "replace")
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def normalize_username(username):
    """The username as Django's login form reads it, case-folded."""
    if not isinstance(username, str):
        username = ""
    return unicodedata.normalize("NFKC", username.strip()).casefold()


def throttle_keys(request, username):
    """(key, limit, window seconds) of each counter a try takes."""
    address = client_ip(request)
    username = normalize_username(username)
    window = settings.LOGIN_THROTTLE_SECONDS
    return [
        (_hash("login", address, username), settings.LOGIN_FAILURE_LIMIT, window),
        (_hash("login", address), settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS, window),
        (
            _hash("login-account", username),
            settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT,
            settings.LOGIN_ACCOUNT_THROTTLE_SECONDS,
        ),
    ]


def _take(key, window_seconds, now):
    """Count one try on ``key`` (a new window if the last one has ended), in
    one statement; the tries in the window, this one included."""
    ops = connection.ops
    table = ops.quote_name(LoginThrottle._meta.db_table)
    key_column = ops.quote_name(LoginThrottle._meta.get_field("key").column)
    tries = ops.quote_name(LoginThrottle._meta.get_field("failures").column)
    start = ops.quote_name(LoginThrottle._meta.get_field("window_start").column)
    ended = ops.adapt_datetimefield_value(
        now - datetime.timedelta(seconds=window_seconds)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {tries}, {start}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{tries} = CASE WHEN {table}.{start} < %s THEN 1 "
            f"ELSE {table}.{tries} + 1 END, "
            f"{start} = CASE WHEN {table}.{start} < %s THEN excluded.{start} "
            f"ELSE {table}.{start} END "
            f"RETURNING {tries}",
            [key, ops.adapt_datetimefield_value(now), ended, ended],
        )
        return cursor.fetchone()[0]


def take_try(keys):
    """Count a login try on each counter in turn; the (limit, window) of the
    first counter past its limit, or None when the password may be checked.

    A try refused by one counter is not counted on the counters after it.
    """
    now = timezone.now()
    for key, limit, window_seconds in keys:
        if _take(key, window_seconds, now) > limit:
            return key, window_seconds
    # Old windows are of no use to anyone.
    longest = max(window for _key, _limit, window in keys)
    LoginThrottle.objects.filter(
        window_start__lt=now - datetime.timedelta(seconds=longest)
    ).delete()
    return None


def give_back(keys):
    """A successful login: its try was no failure."""
    LoginThrottle.objects.filter(key=keys[0][0]).delete()
    LoginThrottle.objects.filter(
        key__in=[key for key, _limit, _window in keys[1:]], failures__gt=0
    ).update(failures=F("failures") - 1)


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed logins from here. For your account's safety, "
            "wait %(minutes)s minutes and try again."
        ),
        "account_throttled": _(
            "Too many failed logins for this account from several places. "
            "For its safety, wait %(minutes)s minutes and try again."
        ),
    }

    def clean(self):
        keys = throttle_keys(self.request, self.data.get("username"))
        refused = take_try(keys)
        if refused is not None:
            key, window_seconds = refused
            code = "account_throttled" if key == keys[2][0] else "throttled"
            logger.warning("Admin login throttled (%s)", code)
            raise ValidationError(
                self.error_messages[code],
                code=code,
                params={"minutes": max(1, window_seconds // 60)},
            )
        cleaned = super().clean()  # a ValidationError keeps the try counted
        give_back(keys)
        return cleaned
