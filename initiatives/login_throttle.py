"""Throttle password guessing on the editors' login (admin).

Failures are counted per address + username and per address, in the database
that every app server shares, under keyed hashes (no address is stored).
Past the limit, logins from there are refused for the rest of the window,
even with the right password, and the editor is told when to try again.
"""

import datetime
import hashlib
import hmac
import logging

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .hits import client_ip
from .models import LoginThrottle

logger = logging.getLogger(__name__)


def _hash(*parts):
    message = "\n".join(parts).encode("utf-8", "replace")
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def throttle_keys(request, username):
    """(key, limit) pairs: address + username, and the address alone."""
    address = client_ip(request)
    username = (username or "").strip().lower()
    return [
        (_hash("login", address, username), settings.LOGIN_FAILURE_LIMIT),
        (_hash("login", address), settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS),
    ]


def _window_start(now):
    return now - datetime.timedelta(seconds=settings.LOGIN_THROTTLE_SECONDS)


def is_throttled(keys):
    now = timezone.now()
    for key, limit in keys:
        if LoginThrottle.objects.filter(
            key=key, failures__gte=limit, window_start__gte=_window_start(now)
        ).exists():
            return True
    return False


def record_failure(keys):
    now = timezone.now()
    for key, _limit in keys:
        updated = LoginThrottle.objects.filter(
            key=key, window_start__gte=_window_start(now)
        ).update(failures=F("failures") + 1)
        if not updated:
            LoginThrottle.objects.update_or_create(
                key=key, defaults={"failures": 1, "window_start": now}
            )
    # Old windows are of no use to anyone.
    LoginThrottle.objects.filter(window_start__lt=_window_start(now)).delete()


def clear(keys):
    LoginThrottle.objects.filter(key=keys[0][0]).delete()


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed logins from here. For your account's safety, "
            "wait %(minutes)s minutes and try again."
        ),
    }

    def clean(self):
        keys = throttle_keys(self.request, self.data.get("username"))
        if is_throttled(keys):
            logger.warning("Admin login throttled")
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, settings.LOGIN_THROTTLE_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(keys)
            raise
        clear(keys)
        return cleaned
