"""schema.org JSON-LD for the initiative and institution pages.

Built from what the views have already loaded (prefetched partners, sectors,
provinces and links), so it adds no query. An initiative is a ``Project``,
which schema.org defines as a kind of ``Organization``: its years are
``foundingDate``/``dissolutionDate`` and the registry that describes it is
``subjectOf`` (``isPartOf`` belongs to creative works only). Rendered as a
nonce-free ``application/ld+json`` block: a data block is never executed, so
the Content-Security-Policy (script-src 'self') stays as it is.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from .models import Link, Partnership
from .site_url import absolute_url
from .translation import translated

# As django.utils.html.json_script: nothing in the data can close the
# <script> element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),
    )


def registry_dataset():
    return {
        "@type": "Dataset",
        "name": gettext("Clustering in Türkiye"),
        "description": gettext(
            "A registry of industrial cluster initiatives in Türkiye: who runs "
            "them, where, in which sectors, since when."
        ),
        "url": absolute_url(reverse("initiatives:initiative_list")),
        "license": settings.DATA_LICENCE_URL,
        "inLanguage": get_language(),
        "isAccessibleForFree": True,
    }


def _organization(institution):
    return {
        "@type": "Organization",
        "name": institution.name,
        "url": absolute_url(institution.get_absolute_url()),
    }


def initiative_data(initiative):
    language = get_language()
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": initiative.title,
        "url": absolute_url(initiative.get_absolute_url()),
    }
    description = initiative.summary or initiative.description
    if description:
        data["description"] = description
    if initiative.start_year:
        data["foundingDate"] = str(initiative.start_year)
    if initiative.end_year:
        data["dissolutionDate"] = str(initiative.end_year)
    sectors = [
        str(translated(sector, "name", language)) for sector in initiative.sectors.all()
    ]
    if sectors:
        data["keywords"] = ", ".join(sectors)
    areas = [
        {"@type": "AdministrativeArea", "name": province.name}
        for province in initiative.provinces.all()
    ]
    if initiative.other_regions:
        areas.append({"@type": "Place", "name": initiative.other_regions})
    if areas:
        data["areaServed"] = areas
    partnerships = initiative.partnerships.all()
    members = [
        _organization(p.institution)
        for p in partnerships
        if p.role != Partnership.Role.FUNDER
    ]
    funders = [
        _organization(p.institution)
        for p in partnerships
        if p.role == Partnership.Role.FUNDER
    ]
    if members:
        data["member"] = members
    if funders:
        data["funder"] = funders
    websites = [
        link.url for link in initiative.links.all() if link.kind == Link.Kind.WEBSITE
    ]
    if websites:
        data["sameAs"] = websites
    data["subjectOf"] = registry_dataset()
    return data


def institution_data(institution, initiatives):
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": institution.name,
        "url": absolute_url(institution.get_absolute_url()),
    }
    if institution.acronym and institution.acronym != institution.name:
        data["alternateName"] = institution.acronym
    if institution.website:
        data["sameAs"] = [institution.website]
    if institution.country:
        data["address"] = {
            "@type": "PostalAddress",
            "addressCountry": institution.country,
        }
    projects = {}
    for initiative in initiatives:
        projects.setdefault(
            initiative.pk,
            {
                "@type": "Project",
                "name": initiative.title,
                "url": absolute_url(initiative.get_absolute_url()),
            },
        )
    if projects:
        data["memberOf"] = list(projects.values())
    data["subjectOf"] = registry_dataset()
    return data
