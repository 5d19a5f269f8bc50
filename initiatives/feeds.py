"""Atom feeds of newly added and changed initiatives, filtered like the list.

Django's syndication framework puts the request's site in front of relative
links; every link here is already absolute on SITE_URL (site_url.py), so the
request's Host never appears in a feed.
"""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext

from . import facets
from .canonical import LIST_PARAMETERS, canonical_query, with_query
from .filters import published_filter_or_400
from .site_url import absolute_url
from .translation import translated

FEED_LENGTH = 50
# The feed has its own order (latest change first) and no pages.
FEED_PARAMETERS = tuple(p for p in LIST_PARAMETERS if p not in ("ordering", "page"))


class InitiativeFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Like the exports: say what was wrong, never an unfiltered feed.
        filterset, bad_request = published_filter_or_400(request)
        if bad_request:
            return bad_request
        return super().__call__(request, filterset=filterset)

    def get_object(self, request, filterset):
        return filterset

    def _query(self, filterset):
        return canonical_query(filterset.data, FEED_PARAMETERS)

    def title(self, filterset):
        language = get_language()
        active = facets.active_filters(filterset, "", filterset.data, language)
        labels = [label for label, _url in active]
        if labels:
            return gettext("Cluster initiatives: %(filters)s · %(site)s") % {
                "filters": ", ".join(labels),
                "site": gettext("Clustering in Türkiye"),
            }
        return gettext("Cluster initiatives · %(site)s") % {
            "site": gettext("Clustering in Türkiye")
        }

    def subtitle(self, filterset):
        return gettext("Newly added and changed cluster initiatives in Türkiye.")

    description = subtitle

    def link(self, filterset):
        path = reverse("initiatives:initiative_list")
        return absolute_url(with_query(path, self._query(filterset)))

    def feed_url(self, filterset):
        path = reverse("initiatives:initiative_feed")
        return absolute_url(with_query(path, self._query(filterset)))

    def author_name(self):
        return gettext("Clustering in Türkiye")

    def author_link(self):
        return absolute_url(reverse("initiatives:home"))

    def feed_copyright(self):
        return gettext("Data licence: %(name)s, %(url)s") % {
            "name": settings.DATA_LICENCE_NAME,
            "url": settings.DATA_LICENCE_URL,
        }

    def items(self, filterset):
        return filterset.qs.prefetch_related("sectors").order_by("-updated_at", "-id")[
            :FEED_LENGTH
        ]

    def item_title(self, initiative):
        return initiative.title

    def item_description(self, initiative):
        return initiative.summary or initiative.description

    def item_link(self, initiative):
        return absolute_url(initiative.get_absolute_url())

    def item_updateddate(self, initiative):
        return initiative.updated_at

    def item_pubdate(self, initiative):
        # The day it was added, never after its last change (the seed's
        # records were added and last changed on the same day).
        added = datetime.datetime.combine(initiative.date_added, datetime.time())
        return min(timezone.make_aware(added), initiative.updated_at)

    def item_categories(self, initiative):
        language = get_language()
        return [
            str(translated(sector, "name", language))
            for sector in initiative.sectors.all()
        ]
