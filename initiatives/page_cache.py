"""Rendered public pages, cached under the version of the content.

The ``ContentVersion`` row changes in the same transaction as any change of
public content (database triggers, migration 0008), so a page cached under
the old number is never served after an admin save or an import: the next
request reads the new number and renders afresh. Hit counts do not change
the number; lists and the home page may show counts up to
``PAGE_CACHE_SECONDS`` old, and the initiative page inserts its count fresh on
every request (``READ_COUNT_MARKER``).

Only anonymous GETs are cached (a visitor with a session cookie, such as a
logged-in editor, may see edit links), and only complete 200 answers.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

from .models import ContentVersion

# Stands where the initiative page's "Read N times" goes in its cached copy.
READ_COUNT_MARKER = "<!--read-count-->"


def content_version():
    """The current number, or None when the row is missing (then nothing is
    cached: without it no change could be noticed)."""
    return ContentVersion.objects.filter(pk=1).values_list("number", flat=True).first()


def is_cacheable(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def cache_key(request, version, kind="page"):
    path = request.get_full_path()
    digest = hashlib.sha256(path.encode("utf-8", "replace")).hexdigest()
    return f"{kind}:{version}:{get_language()}:{digest}"


def stored_response(entry):
    content, content_type = entry
    return HttpResponse(content, content_type=content_type)


def cached_page(view):
    """Serve ``view``'s anonymous answers from the cache, by content version."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        version = content_version() if is_cacheable(request) else None
        if version is None:
            return view(request, *args, **kwargs)
        key = cache_key(request, version)
        entry = cache.get(key)
        if entry is not None:
            return stored_response(entry)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            cache.set(
                key,
                (response.content, response["Content-Type"]),
                settings.PAGE_CACHE_SECONDS,
            )
        return response

    return wrapper
