"""The registry on the open web: about page, sitemap, robots.txt, favicon,
feeds, Open Graph, JSON-LD, canonical links and citations."""

import html
import json
import re
from xml.etree import ElementTree

import pytest
from django.http import QueryDict
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.canonical import LIST_PARAMETERS, canonical_query
from initiatives.models import Initiative, Institution
from tests.factories import InitiativeFactory, InstitutionFactory, PartnershipFactory
from tests.test_views import BROWSER, MEDICAL, add_initiatives

SLUG = "medical-industry-clusters"

SITE = "https://kumeler.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "other.example.net"]


# About.


@pytest.mark.parametrize(
    ("path", "reads", "expected"),
    [
        ("/about/", "11.130", "Veriler nereden geliyor"),
        ("/en/about/", "11,130", "Where the data comes from"),
    ],
)
def test_the_about_page_tells_the_source_page_history_in_each_language(
    client, db, path, reads, expected
):
    response = client.get(path, HTTP_USER_AGENT=BROWSER)
    assertContains(response, expected)
    assertContains(response, reads)
    assertContains(response, "26.05.2013")
    assertContains(response, "Toplam 11130 defa okunmustur")
    assert not response.cookies


def test_the_about_page_explains_reads_licence_and_corrections(client, db, settings):
    settings.CORRECTIONS_EMAIL = "duzeltme@example.org"
    response = client.get("/en/about/")
    assertContains(response, "No address, browser name or cookie is stored")
    assertContains(response, "within 30 minutes")
    assertContains(
        response,
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">'
        "CC BY 4.0</a>",
    )
    assertContains(
        response, '<a href="mailto:duzeltme@example.org">duzeltme@example.org</a>'
    )


def test_without_a_corrections_address_the_about_page_names_the_editors(
    client, db, settings
):
    settings.CORRECTIONS_EMAIL = ""
    response = client.get("/en/about/")
    assertContains(response, "Contact the registry’s editors")
    assertNotContains(response, "mailto:")


def test_the_about_page_is_linked_from_every_page(client, seed):
    response = client.get("/en/initiatives/")
    assertContains(response, 'href="/en/about/"', count=2)  # navigation, footer
    assertContains(client.get("/about/"), 'aria-current="page">Hakkında</a>')


# Sitemap, robots.txt, favicon.

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap_entries(client, **headers):
    response = client.get("/sitemap.xml", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    return {
        url.findtext(f"{SITEMAP}loc"): {
            "lastmod": url.findtext(f"{SITEMAP}lastmod"),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall(f"{XHTML}link")
                if link.get("rel") == "alternate"
            },
        }
        for url in root.findall(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_every_published_record_in_both_languages(client, seed):
    hidden = Initiative.objects.get(slug="medical-industry-clusters")
    hidden.is_published = False
    hidden.save()
    entries = sitemap_entries(client, HTTP_HOST="other.example.net")
    paths = [
        initiative.get_absolute_url() for initiative in Initiative.objects.published()
    ] + [institution.get_absolute_url() for institution in Institution.objects.all()]
    paths += ["/", "/initiatives/", "/institutions/", "/statistics/", "/about/"]
    expected = {SITE + path for path in paths} | {SITE + "/en" + path for path in paths}
    assert set(entries) == expected
    assert len(entries) == len(expected) == 2 * (17 + Institution.objects.count() + 5)
    assert SITE + hidden.get_absolute_url() not in entries
    assert SITE + "/en" + hidden.get_absolute_url() not in entries


def test_the_sitemap_gives_hreflang_alternates_and_lastmod(client, seed):
    initiative = Initiative.objects.get(slug="medical-industry-clusters")
    entries = sitemap_entries(client)
    path = initiative.get_absolute_url()
    for loc in (SITE + path, SITE + "/en" + path):
        assert entries[loc]["alternates"] == {
            "tr": SITE + path,
            "en": SITE + "/en" + path,
            "x-default": SITE + path,
        }
        assert entries[loc]["lastmod"].startswith(
            initiative.updated_at.astimezone(timezone.get_current_timezone())
            .date()
            .isoformat()
        )
    about = entries[SITE + "/en/about/"]
    assert about["alternates"]["x-default"] == SITE + "/about/"
    assert about["lastmod"] is None


def test_an_institution_slugged_like_a_language_keeps_its_x_default(client, db):
    InstitutionFactory(name="TR Kurumu", slug="tr")
    entries = sitemap_entries(client)
    assert entries[SITE + "/en/institutions/tr/"]["alternates"]["x-default"] == (
        SITE + "/institutions/tr/"
    )


def test_the_sitemap_uses_as_many_queries_for_200_initiatives_as_for_18(
    client, seed, django_assert_num_queries
):
    # published initiatives, institutions
    with django_assert_num_queries(2):
        small = sitemap_entries(client)
    add_initiatives(200)
    with django_assert_num_queries(2):
        large = sitemap_entries(client)
    assert len(large) == len(small) + 2 * (200 - 18)


def test_robots_txt_disallows_the_admin_and_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt", HTTP_HOST="other.example.net")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert not response.cookies


def test_favicon_ico_is_an_icon_file(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"
    count = int.from_bytes(response.content[4:6], "little")
    sizes = {response.content[6 + 16 * n] for n in range(count)}
    assert sizes == {16, 32}
    assert "max-age" in response["Cache-Control"]


def test_pages_name_both_icons(client, db):
    response = client.get("/about/")
    assertContains(response, '<link rel="icon" href="/favicon.ico" sizes="32x32">')
    assertContains(response, 'type="image/svg+xml"')


# Atom feeds.

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entry_links(root):
    return [
        entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")
    ]


def test_the_feed_is_atom_with_absolute_links_on_the_site_url(client, seed):
    root = feed(client, "/initiatives/feed.atom", HTTP_HOST="other.example.net")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 18
    assert root.findtext(f"{ATOM}id") == SITE + "/initiatives/"
    assert root.findtext(f"{ATOM}updated")
    assert root.find(f"{ATOM}author").findtext(f"{ATOM}name")
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "alternate": SITE + "/initiatives/",
        "self": SITE + "/initiatives/feed.atom",
    }
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        assert entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}id").startswith(SITE + "/initiatives/")
    assert all(link.startswith(SITE + "/initiatives/") for link in entry_links(root))
    assert b"other.example.net" not in client.get("/initiatives/feed.atom").content


def test_the_feed_lists_only_published_initiatives_latest_change_first(client, seed):
    hidden = Initiative.objects.get(slug="medical-industry-clusters")
    hidden.is_published = False
    hidden.save()
    changed = Initiative.objects.get(slug="inoviz-izmir-for-health")
    changed.summary = "Yeni özet."
    changed.save()
    links = entry_links(feed(client, "/initiatives/feed.atom"))
    assert len(links) == 17
    assert links[0] == SITE + changed.get_absolute_url()
    assert SITE + hidden.get_absolute_url() not in links


def test_the_feed_holds_at_most_50_entries(client, seed):
    add_initiatives(60)
    assert len(entry_links(feed(client, "/initiatives/feed.atom"))) == 50


def test_the_feed_honours_the_list_filters_and_drops_junk(client, seed):
    path = "/en/initiatives/feed.atom?utm_source=x&province=izmir&sector=medikal"
    root = feed(client, path)
    listed = client.get("/en/initiatives/?sector=medikal&province=izmir")
    expected = {
        f"{SITE}/en/initiatives/{initiative.slug}/"
        for initiative in listed.context["page_obj"]
    }
    assert set(entry_links(root)) == expected
    assert len(expected) == 1
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.findtext(f"{ATOM}title") == (
        "Cluster initiatives: Medical and health, İzmir · Clustering in Türkiye"
    )
    self_link = [
        link.get("href")
        for link in root.findall(f"{ATOM}link")
        if link.get("rel") == "self"
    ]
    assert self_link == [
        SITE + "/en/initiatives/feed.atom?sector=medikal&province=izmir"
    ]


def test_the_turkish_feed_speaks_turkish(client, seed):
    root = feed(client, "/initiatives/feed.atom")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "tr"
    assert "Türkiye'de Kümelenme" in root.findtext(f"{ATOM}title")


@pytest.mark.parametrize(
    "query", ["sector=nope", "year_from=abc", "status=lost", "institution=nobody"]
)
def test_a_bad_feed_parameter_is_a_400_saying_why(client, seed, query):
    response = client.get(f"/en/initiatives/feed.atom?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().strip()
    assert b"<feed" not in response.content


def test_the_feed_uses_as_many_queries_for_200_initiatives_as_for_18(
    client, seed, django_assert_num_queries
):
    path = "/initiatives/feed.atom?sector=medikal&province=izmir"
    # content version, sector and province slugs, entries, their sectors
    with django_assert_num_queries(5):
        small = entry_links(feed(client, path))
    add_initiatives(200)
    with django_assert_num_queries(5):
        large = entry_links(feed(client, path))
    assert len(large) == 50 > len(small)


def test_the_list_links_its_filtered_feed(client, seed):
    response = client.get("/en/initiatives/?province=izmir&utm_source=x&page=1")
    href = "/en/initiatives/feed.atom?province=izmir"
    assertContains(
        response, f'<link rel="alternate" type="application/atom+xml" href="{href}"'
    )
    assertContains(response, f'<a href="{href}" type="application/atom+xml">')


# Canonical links.


def canonical(response):
    found = re.findall(
        r'<link rel="canonical" href="([^"]*)">', response.content.decode()
    )
    assert len(found) <= 1
    return html.unescape(found[0]) if found else None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "/"),
        (
            "/initiatives/?utm_source=x&page=1&ordering=title&province=izmir"
            "&sector=medikal&q=k%C3%BCme&province=ankara&fbclid=y&status=",
            "/initiatives/?q=k%C3%BCme&sector=medikal&province=ankara"
            "&province=izmir&ordering=title",
        ),
        (
            "/en/initiatives/?page=1&year_to=2012&year_from=2005&institution=ostim",
            "/en/initiatives/?year_from=2005&year_to=2012&institution=ostim",
        ),
        (
            "/institutions/?page=1&kind=oiz&status=active&q=zone",
            "/institutions/?q=zone&kind=oiz",
        ),
        ("/initiatives/medical-industry-clusters/?utm_campaign=z", MEDICAL),
        ("/en/institutions/ostim/?q=x", "/en/institutions/ostim/"),
        ("/en/about/?ref=home", "/en/about/"),
    ],
)
def test_the_canonical_link_keeps_only_the_page_parameters_in_order(
    client, seed, path, expected
):
    response = client.get(path, HTTP_HOST="other.example.net")
    assert response.status_code == 200
    assert canonical(response) == SITE + expected


def test_an_error_page_has_no_canonical_link(client, db):
    response = client.get("/initiatives/nowhere/")
    assert response.status_code == 404
    assert canonical(response) is None


def test_canonical_query_sorts_repeated_values_and_keeps_the_last_single_one():
    params = QueryDict(
        "province=izmir&junk=1&province=ankara&province=izmir&status=active"
        "&status=completed&q=&page=1"
    )
    assert canonical_query(params, LIST_PARAMETERS) == (
        "province=ankara&province=izmir&status=completed"
    )
    assert canonical_query(QueryDict("page=3&q=a b"), LIST_PARAMETERS) == (
        "q=a+b&page=3"
    )
    assert canonical_query(QueryDict("utm_source=x"), LIST_PARAMETERS) == ""


def test_hreflang_alternates_are_canonical_on_the_site_url(client, seed):
    response = client.get(
        "/initiatives/?utm_source=x&province=izmir", HTTP_HOST="other.example.net"
    )
    assertContains(
        response,
        f'<link rel="alternate" hreflang="en" href="{SITE}/en/initiatives/'
        '?province=izmir">',
    )
    assertNotContains(response, "other.example.net")
    # The visible switch keeps what the visitor had.
    assertContains(response, 'href="/en/initiatives/?province=izmir"')


# Open Graph, JSON-LD, citation.


def meta_properties(response):
    return {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<meta property="(og:[a-z:_]+)" content="([^"]*)">',
            response.content.decode(),
        )
    }


def json_ld(response):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_the_initiative_page_has_open_graph_tags(client, seed):
    response = client.get("/en" + MEDICAL, HTTP_HOST="other.example.net")
    assert meta_properties(response) == {
        "og:type": "website",
        "og:title": "Medical Industry Clusters",
        "og:description": Initiative.objects.get(slug=SLUG).summary,
        "og:url": f"{SITE}/en{MEDICAL}",
        "og:site_name": "Clustering in Türkiye",
        "og:locale": "en_GB",
        "og:locale:alternate": "tr_TR",
    }


def test_the_institution_page_has_open_graph_tags_in_its_language(client, seed):
    properties = meta_properties(client.get("/institutions/ostim/"))
    assert properties["og:title"] == "OSTİM Organize Sanayi Bölgesi"
    assert properties["og:url"] == f"{SITE}/institutions/ostim/"
    assert properties["og:locale"] == "tr_TR"
    assert properties["og:site_name"] == "Türkiye'de Kümelenme"


def test_the_initiative_json_ld_names_the_project_and_its_partners(client, seed):
    initiative = Initiative.objects.get(slug=SLUG)
    funder = InstitutionFactory(name="Fon Kurumu")
    PartnershipFactory(initiative=initiative, institution=funder, role="funder")
    data = json_ld(client.get("/en" + MEDICAL))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Project"
    assert data["name"] == "Medical Industry Clusters"
    assert data["url"] == f"{SITE}/en{MEDICAL}"
    assert data["foundingDate"] == "2007"
    assert data["member"] == [
        {
            "@type": "Organization",
            "name": "OSTİM Organized Industrial Zone",
            "url": f"{SITE}/en/institutions/ostim/",
        }
    ]
    assert [org["name"] for org in data["funder"]] == ["Fon Kurumu"]
    assert data["areaServed"] == [{"@type": "AdministrativeArea", "name": "Ankara"}]
    assert data["subjectOf"]["@type"] == "Dataset"
    assert (
        data["subjectOf"]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    )


def test_the_institution_json_ld_is_an_organization_with_its_initiatives(client, seed):
    data = json_ld(client.get("/institutions/ostim/"))
    assert data["@type"] == "Organization"
    assert data["name"] == "OSTİM Organize Sanayi Bölgesi"
    assert data["alternateName"] == "OSTİM"
    assert f"{SITE}{MEDICAL}" in [project["url"] for project in data["memberOf"]]


def test_json_ld_cannot_close_its_script_element(client, db):
    initiative = InitiativeFactory(
        title="</script><script>alert(1)</script>", summary="a & b <!-- c"
    )
    response = client.get(initiative.get_absolute_url())
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<!--" not in content.split('type="application/ld+json">')[1]
    data = json_ld(response)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["description"] == "a & b <!-- c"
    assert "nonce" not in content.split("application/ld+json")[0][-200:]


@pytest.mark.parametrize(
    ("path", "retrieved", "permalink"),
    [
        (MEDICAL, "%d.%m.%Y", MEDICAL),
        (
            "/en/institutions/ostim/?utm_source=x",
            "%-d %B %Y",
            "/en/institutions/ostim/",
        ),
    ],
)
def test_the_record_pages_say_how_to_cite_them(
    client, seed, path, retrieved, permalink
):
    response = client.get(path)
    today = timezone.localdate()
    assertContains(response, f'<a href="{SITE}{permalink}">{SITE}{permalink}</a>')
    assertContains(
        response,
        f'<time datetime="{today.isoformat()}">{today.strftime(retrieved)}</time>',
    )
    assertContains(response, 'rel="license">CC BY 4.0</a>')
    assertContains(response, 'id="cite-title"', count=1)


@pytest.mark.parametrize(
    "path",
    [
        "/about/",
        "/en/about/",
        "/initiatives/feed.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/favicon.ico",
        "/en" + MEDICAL,
        "/institutions/ostim/",
    ],
)
def test_the_new_public_answers_set_no_cookie(client, seed, path):
    response = client.get(path, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
