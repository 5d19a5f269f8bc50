import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
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


class SecurityHeadersMiddleware:
    """Headers Django has no setting for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
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
