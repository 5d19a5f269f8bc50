"""Links and metadata for the open web: canonical links, the feed link,
Open Graph, JSON-LD and "cite this record". Every absolute address comes
from SITE_URL (site_url.py), never from the request's host."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from .. import structured_data
from ..canonical import canonical_path, canonical_query, with_query
from ..feeds import FEED_PARAMETERS
from ..filters import clean_parameters
from ..site_url import absolute_url

register = template.Library()

OPEN_GRAPH_LOCALES = {"tr": "tr_TR", "en": "en_GB"}
OPEN_GRAPH_DESCRIPTION_LENGTH = 200


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page on SITE_URL with only its contract parameters, in the
    contract's order (canonical.py); "" outside a resolved request."""
    request = context.get("request")
    if getattr(request, "resolver_match", None) is None:
        return ""
    return absolute_url(canonical_path(request))


@register.simple_tag(takes_context=True)
def feed_url(context):
    """The list's Atom feed, filtered like the page (relative)."""
    params, _notices = clean_parameters(context["request"].GET)
    path = reverse("initiatives:initiative_feed")
    return with_query(path, canonical_query(params, FEED_PARAMETERS))


@register.inclusion_tag("includes/open_graph.html", takes_context=True)
def open_graph(context, title, description="", kind="website"):
    language = get_language()
    return {
        "title": title,
        "description": Truncator(description).chars(OPEN_GRAPH_DESCRIPTION_LENGTH),
        "url": absolute_url(context["request"].path),
        "kind": kind,
        "locale": OPEN_GRAPH_LOCALES.get(language, language),
        "alternate_locales": [
            locale for code, locale in OPEN_GRAPH_LOCALES.items() if code != language
        ],
        "site_name": gettext("Clustering in Türkiye"),
    }


@register.simple_tag
def initiative_json_ld(initiative):
    return structured_data.json_ld_script(structured_data.initiative_data(initiative))


@register.simple_tag
def institution_json_ld(institution, initiatives_by_role):
    initiatives = [i for _role, group in initiatives_by_role for i in group]
    return structured_data.json_ld_script(
        structured_data.institution_data(institution, initiatives)
    )


@register.inclusion_tag("includes/cite.html", takes_context=True)
def cite_record(context, title):
    """Title, registry, permalink, date retrieved (today, in the page's date
    format: a cached page may be PAGE_CACHE_SECONDS old) and licence."""
    return {
        "title": title,
        "permalink": absolute_url(context["request"].path),
        "licence_name": settings.DATA_LICENCE_NAME,
        "licence_url": settings.DATA_LICENCE_URL,
    }
