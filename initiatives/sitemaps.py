"""/sitemap.xml: every public page in Turkish and English, with hreflang
alternates, on SITE_URL.

Django's sitemaps take their domain and protocol from the request's site;
here ``get_urls`` ignores both and uses the configured SITE_URL
(site_url.py), so a request with another Host cannot change the links.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Initiative, Institution
from .site_url import scheme_and_domain


class RegistrySitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_urls(self, page=1, site=None, protocol=None):
        scheme, domain = scheme_and_domain()
        urls = super().get_urls(
            page=page, site=SimpleNamespace(domain=domain), protocol=scheme
        )
        # Django builds x-default by cutting "/tr/" out of the Turkish
        # address, which assumes a prefixed default language (and would cut
        # an institution slugged "tr"); ours is the Turkish address as is.
        for url in urls:
            default = {
                alt["lang_code"]: alt["location"] for alt in url["alternates"]
            }.get(settings.LANGUAGE_CODE)
            for alternate in url["alternates"]:
                if alternate["lang_code"] == "x-default":
                    alternate["location"] = default
        return urls


class PageSitemap(RegistrySitemap):
    def items(self):
        return [
            "initiatives:home",
            "initiatives:initiative_list",
            "initiatives:institution_list",
            "initiatives:statistics",
            "initiatives:about",
        ]

    def location(self, item):
        return reverse(item)


class InitiativeSitemap(RegistrySitemap):
    def items(self):
        return Initiative.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, initiative):
        return initiative.updated_at


class InstitutionSitemap(RegistrySitemap):
    def items(self):
        return Institution.objects.only("slug").order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "initiatives": InitiativeSitemap,
    "institutions": InstitutionSitemap,
}
