"""Absolute links, from the configured ``SITE_URL`` only.

The request's ``Host`` header is the visitor's to choose (any name in
ALLOWED_HOSTS, or a proxy's), and a page built from it would be cached and
served to everyone else. Sitemaps, feeds, canonical and hreflang links, Open
Graph, JSON-LD and citations therefore go through ``absolute_url``, never
``request.build_absolute_uri`` or the sites framework.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path):
    """``path`` (as ``reverse`` or ``get_absolute_url`` give it) on SITE_URL."""
    if not path.startswith("/"):
        path = f"/{path}"
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def scheme_and_domain():
    """("https", "kumeler.example.gov.tr"), for frameworks that ask for a
    protocol and a domain (sitemaps)."""
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme or "https", parts.netloc + parts.path.rstrip("/")
