import functools
import logging

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.middleware import MessageMiddleware
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


ADMIN_PATH = "/admin/"


def _refuse_body(message):
    response = HttpResponse(
        message + "\n", status=413, content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    return response


class RequestBodyLimitMiddleware:
    """Refuse request bodies before anything reads or spools them.

    Public pages are read-only: a request with a body there is refused at
    once. The admin takes bodies up to ``REQUEST_MAX_BODY_BYTES`` (an import
    file of ``IMPORT_MAX_UPLOAD_BYTES`` and its form), judged by the
    ``Content-Length`` header alone; Django would otherwise spool a large
    upload to disk before the CSRF check turns an anonymous one away.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(header)
        except ValueError:
            length = -1
        chunked = bool(request.META.get("HTTP_TRANSFER_ENCODING"))
        if not request.path_info.startswith(ADMIN_PATH):
            if length != 0 or chunked:
                return _refuse_body(_("This address accepts no request body."))
        elif length < 0 or length > settings.REQUEST_MAX_BODY_BYTES:
            limit = settings.IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024
            return _refuse_body(
                _(
                    "The upload is too large: files of up to %(limit)s MB can be "
                    "imported. Split the file into smaller ones and import them "
                    "one after the other."
                )
                % {"limit": f"{limit:.0f}"}
            )
        return self.get_response(request)


FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


class TrustedProxyMiddleware:
    """Believe X-Forwarded-* only from the addresses in TRUSTED_PROXIES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("REMOTE_ADDR") not in settings.TRUSTED_PROXIES:
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


# Leaner versions of three of Django's and django-csp's middleware, for what
# every request pays, cached pages included (bench/middleware_cost.py measures
# each): the same answers, without work whose result is thrown away.


class PathLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware where the language is the path's prefix
    alone (i18n_patterns with prefix_default_language=False): Django parses
    the Accept-Language header and the language cookie too, then discards
    their answer for this case, and reads the path twice. The answers and
    headers are Django's; any other URL setup is handed to Django's."""

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if is_language_prefix_patterns_used(urlconf) != (True, False):
            return super().process_request(request)
        from_path = translation.get_language_from_path(request.path_info)
        request.language_from_path = from_path
        language = from_path or settings.LANGUAGE_CODE
        # A worker's thread keeps the last request's language: activating
        # it again costs as much as the rest of this middleware.
        if translation.get_language() != language:
            translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if not hasattr(request, "language_from_path"):
            return super().process_response(request, response)
        # No 404 redirect to a prefixed path: the default language has none.
        if not request.language_from_path:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class AdminMessageMiddleware(MessageMiddleware):
    """Django's messages, for the admin only: no public page shows or sends
    one, and making the storage costs every request."""

    def process_request(self, request):
        if request.path_info.startswith(ADMIN_PATH):
            super().process_request(request)

    def process_response(self, request, response):
        if hasattr(request, "_messages"):
            return super().process_response(request, response)
        return response


class StaticCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the policies of the settings built once:
    django-csp builds both (enforced and report-only) again for every
    response. A response or request that changes its policy (django-csp's
    decorators, a nonce) is handed to django-csp as it is."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _CSP_CHANGES
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, policy, exempt, excluded in _csp_policies():
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


_CSP_CHANGES = tuple(
    f"_csp_{change}{suffix}"
    for change in ("config", "update", "replace")
    for suffix in ("", "_ro")
)


@functools.cache
def _csp_policies():
    """(header, policy, exempting attribute, excluded path prefixes), built
    by django-csp from the settings, enforced and report-only."""
    return [
        (
            header,
            build_policy(report_only=report_only),
            exempt,
            tuple(
                (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
                or ()
            ),
        )
        for header, report_only, exempt, setting in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                HEADER_REPORT_ONLY,
                True,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        )
    ]


@receiver(setting_changed)
def _forget_csp_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_policies.cache_clear()


class SecurityHeadersMiddleware(StaticCSPMiddleware):
    """Headers Django has no setting for: the Content-Security-Policy
    (django-csp's settings, StaticCSPMiddleware) and the Permissions-Policy,
    in one middleware, since each one costs every request."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def database_unavailable_response(exc):
    """A short 503 page that needs no database (no context processors)."""
    busy = "locked" in str(exc).lower()
    if busy:
        title = _("The registry is busy")
        message = _(
            "The registry is saving other changes right now. Nothing was changed: "
            "please try again in a moment."
        )
    else:
        title = _("The registry is temporarily unavailable")
        message = _("Its database is not answering. Please try again in a few minutes.")
    try:
        body = render_to_string("503.html", {"title": title, "message": message})
        content_type = "text/html; charset=utf-8"
    except Exception:  # the error page itself must not fail
        logger.exception("Could not render 503.html")
        body, content_type = f"{title}\n\n{message}\n", "text/plain; charset=utf-8"
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = "5" if busy else "60"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a locked or unreachable database into a 503 "try again" page.

    A view that fails this way has rolled back its transaction (admin saves and
    imports are atomic), so nothing was changed and the same action succeeds
    later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning(
                "Database unavailable for %s %s: %s",
                request.method,
                request.path,
                exception,
            )
            return database_unavailable_response(exception)
        return None
