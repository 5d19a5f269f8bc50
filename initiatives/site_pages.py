"""Pages about the registry itself and the files browsers and crawlers ask
for at the site's root: /about/, /robots.txt, /favicon.ico."""

import datetime
import functools

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from .site_url import absolute_url

# The 2013 ministry page's own footer: history, not the registry's count.
SOURCE_PAGE_ADDED = datetime.date(2013, 5, 26)
SOURCE_PAGE_READS = 11130

FAVICON_PATH = settings.BASE_DIR / "static" / "img" / "favicon.ico"
# Browsers ask for /favicon.ico on every new visit; it changes about never.
FAVICON_MAX_AGE = 7 * 24 * 3600


class AboutView(TemplateView):
    template_name = "about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            source_page_added=SOURCE_PAGE_ADDED,
            source_page_reads=SOURCE_PAGE_READS,
            licence_name=settings.DATA_LICENCE_NAME,
            licence_url=settings.DATA_LICENCE_URL,
            corrections_email=settings.CORRECTIONS_EMAIL,
            hit_dedupe_minutes=settings.HIT_DEDUPE_SECONDS // 60,
        )
        return context


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@functools.cache
def _favicon_bytes():
    return FAVICON_PATH.read_bytes()


@require_safe
def favicon_ico(request):
    """The icon itself, not a redirect: a permanent redirect to the hashed
    static name would outlive that name in browsers' caches after a deploy."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=FAVICON_MAX_AGE)
    return response
