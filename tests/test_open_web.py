"""The registry on the open web: about page, sitemap, robots.txt, favicon,
feeds, Open Graph, JSON-LD, canonical links and citations."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.test_views import BROWSER

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
