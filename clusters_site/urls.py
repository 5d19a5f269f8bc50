from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from initiatives import site_pages, views
from initiatives.login_throttle import ThrottledAdminAuthenticationForm
from initiatives.sitemaps import SITEMAPS

admin.site.site_header = _("Clustering in Türkiye — editors")
admin.site.site_title = _("Clustering in Türkiye")
admin.site.index_title = _("Registry content")
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    # For crawlers and browsers, outside the language prefix: one sitemap
    # lists both languages. Not page-cached: crawlers read it seldom, and
    # a cached copy would lose its X-Robots-Tag header.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", site_pages.robots_txt, name="robots_txt"),
    path("favicon.ico", site_pages.favicon_ico, name="favicon"),
]

if settings.BENCH_CEILING_VIEW:
    urlpatterns.append(path("bench/ceiling", lambda request: HttpResponse("ok")))

# Turkish at the plain paths, English under /en/ (docs/CONTRACT.md "Languages and paths").
urlpatterns += i18n_patterns(
    path("", include("initiatives.urls")),
    prefix_default_language=False,
)

handler400 = "initiatives.views.bad_request"
handler404 = "initiatives.views.page_not_found"
handler500 = "initiatives.views.server_error"
