"""The registry on the open web: about page, sitemap, robots.txt, favicon,
feeds, Open Graph, JSON-LD, canonical links and citations."""

from xml.etree import ElementTree

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Initiative, Institution
from tests.factories import InstitutionFactory
from tests.test_views import BROWSER, add_initiatives

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
    paths += ["/", "/initiatives/", "/institutions/", "/about/"]
    expected = {SITE + path for path in paths} | {SITE + "/en" + path for path in paths}
    assert set(entries) == expected
    assert len(entries) == len(expected) == 2 * (17 + Institution.objects.count() + 4)
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
