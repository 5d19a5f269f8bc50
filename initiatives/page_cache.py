"""Rendered public pages, cached under the version of the content.

The ``ContentVersion`` row changes in the same transaction as any change of
public content (database triggers, migration 0008), so a page cached under
the old number is never served after an admin save or an import: the next
request reads the new number and renders afresh. Hit counts do not change
the number; lists and the home page may show counts up to
``PAGE_CACHE_SECONDS`` old.

A page with a part that must be current on every request (the initiative
page's read count, docs/CONTRACT.md "Reads") is still rendered once: the
view leaves a marker in the body, and ``cached_page``'s ``fill`` puts the
part in on every answer, fresh or cached.

Only anonymous GETs are cached (a visitor with a session cookie, such as a
logged-in editor, may see edit links), and only complete 200 answers that
are not marked private or no-store (an editor's preview of a draft).
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

from . import canonical
from .models import ContentVersion

# Part of every key: a deploy that changes what an entry holds never reads
# an entry of the old shape from a shared cache.
ENTRY_LAYOUT = 2


def content_version():
    """The database's id and current number ("id.number"), or None when the
    row is missing (then nothing is cached: without it no change could be
    noticed)."""
    row = (
        ContentVersion.objects.filter(pk=1).values_list("database_id", "number").first()
    )
    return None if row is None else f"{row[0]}.{row[1]}"


def request_version(request):
    """The content version this request was served under: read once per
    request (``cached_page`` reads it first), shared by the caches of parts
    (facet_counts.py)."""
    if not hasattr(request, "content_version"):
        request.content_version = content_version()
    return request.content_version


def fragment_key(request, params):
    """What a template's ``{% cache fragments.seconds name fragments.key %}``
    of a part varies on: the request's content version, the language (the
    tag does not add it) and the page's parameters but ``page``, so that
    every page of one filter set and ordering shares the part and a change
    of content makes new keys. No version row: nothing is kept (0 seconds)."""
    version = request_version(request)
    params = params.copy()
    params.pop("page", None)
    return {
        "key": f"{version}:{get_language()}?{params.urlencode()}",
        "seconds": 0 if version is None else settings.FACET_CACHE_SECONDS,
    }


def is_cacheable(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def cache_key(request, version):
    """The canonical form of the request (docs/CONTRACT.md, the
    paragraph after "Public URLs"): the page's own parameters only, validated the same way and in
    a fixed order, with the notices they gave, and the language. Not the host
    (pages build absolute links from SITE_URL) and not junk parameters, so no
    request can add entries or poison one for other visitors."""
    path, notices = canonical.canonical_request(request)
    identity = "\n".join([path, *map(str, notices)])
    digest = hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()
    return f"page{ENTRY_LAYOUT}:{version}:{get_language()}:{digest}"


def _is_complete(response):
    return response.status_code == 200 and not response.streaming


def _may_store(response):
    """A complete answer meant for everyone: never one that sets a cookie or
    says it is private or not to be stored (an editor's draft preview)."""
    directives = {
        part.strip().split("=")[0].lower()
        for part in response.get("Cache-Control", "").split(",")
    }
    return (
        _is_complete(response)
        and not response.cookies
        and not directives & {"private", "no-store"}
    )


def cached_page(view=None, *, fill=None):
    """Serve ``view``'s anonymous answers from the cache, by content version.

    ``fill(request, content, **fill_args)`` returns ``content`` (bytes) with
    its per-request parts put in, for every answer whose view set
    ``response.fill_args``: keyword arguments that hold as long as the
    content version, kept in the cache with the body. A view may add
    ``response.fill_args_now``, arguments that hold only for the render that
    made them (a count it has just read); they are never cached.
    """
    if view is None:
        return functools.partial(cached_page, fill=fill)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        version = request_version(request) if is_cacheable(request) else None
        # PAGE_CACHE_SECONDS=0 turns the page cache off: nothing is read or
        # written (the version is still read, for the caches of parts).
        storing = version is not None and settings.PAGE_CACHE_SECONDS > 0
        key = cache_key(request, version) if storing else None
        response = served(
            key,
            settings.PAGE_CACHE_SECONDS,
            lambda: view(request, *args, **kwargs),
        )
        fill_args = getattr(response, "fill_args", None)
        if fill_args is not None:
            fill_args = {**fill_args, **getattr(response, "fill_args_now", {})}
        if fill is not None and fill_args is not None and _is_complete(response):
            response.content = fill(request, response.content, **fill_args)
        return response

    return wrapper


def served(key, seconds, render):
    """The answer stored under ``key``, or ``render()``'s, rendered and
    stored when it may be (never a private, no-store or incomplete one). An
    answer from the cache has the ``fill_args`` it was stored with; a fresh
    one keeps its ``fill_args_now`` too. ``key`` None: render, store nothing.

    ``cached_page`` serves whole pages by their canonical request; a view
    whose body depends on less (the initiative page: its slug) may keep its
    body per content version with the page cache off."""
    entry = None if key is None else cache.get(key)
    if entry is not None:
        content, content_type, fill_args = entry
        response = HttpResponse(content, content_type=content_type)
        response.fill_args = fill_args
        return response
    response = render()
    if hasattr(response, "render"):
        response = response.render()
    if key is not None and _may_store(response):
        cache.set(
            key,
            (
                response.content,
                response["Content-Type"],
                getattr(response, "fill_args", None),
            ),
            seconds,
        )
    return response
