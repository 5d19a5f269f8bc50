import re

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from .canonical import canonical_path
from .site_url import absolute_url

LEADING_SLASHES = re.compile(r"^[/\\]+")


def local_path(path):
    """``path`` as a link that stays on this site.

    ``GET //evil.example/`` has the path ``//evil.example/``, which a browser
    reads as a link to another host: leading slashes (and backslashes, which
    browsers treat alike) collapse into one.
    """
    return LEADING_SLASHES.sub("/", path)


def language_links(request):
    """The current page in each language, for the switch and hreflang links.

    Plain links between the Turkish paths and the /en/ paths: no form, no
    cookie (docs/CONTRACT.md "Languages and paths"). Both carry the page's
    canonical address: its own parameters only, never a junk one (the page
    may be cached for every visitor), never another host.
    """
    current = get_language()
    path = local_path(canonical_path(request))
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if code != current and url == path:
            # A path that does not resolve (a 404): offer the other home page.
            url = translate_url("/en/" if current == "en" else "/", code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                # hreflang links: on SITE_URL, never the request's host.
                "absolute_url": absolute_url(url),
                "current": code == current,
            }
        )
    return {"language_links": links}
