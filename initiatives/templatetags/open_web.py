"""Links and metadata for the open web: canonical links, the feed link."""

from django import template
from django.urls import reverse

from ..canonical import canonical_query, with_query
from ..feeds import FEED_PARAMETERS
from ..filters import clean_parameters

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_url(context):
    """The list's Atom feed, filtered like the page (relative)."""
    params, _notices = clean_parameters(context["request"].GET)
    path = reverse("initiatives:initiative_feed")
    return with_query(path, canonical_query(params, FEED_PARAMETERS))
