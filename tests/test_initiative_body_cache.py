"""With the page cache off, the initiative page's body is still rendered once
per content version, slug and language; its read count and reads over time
are put in on every request, so they stay exact, and any change of content
shows on the next request."""

import pytest
from django.db.models import F
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Initiative
from tests.factories import InitiativeFactory, PartnershipFactory, UserFactory
from tests.test_reads_chart import reads_section

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0"


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.INITIATIVE_BODY_CACHE_SECONDS = 60


def visit(client, url, n):
    return client.get(url, HTTP_USER_AGENT=f"{BROWSER} {n}")


def test_a_second_visitor_costs_the_version_the_hit_and_the_reads_only(
    client, assert_queries
):
    initiative = InitiativeFactory(title="Gövdesi saklanan küme")
    url = initiative.get_absolute_url()
    assertContains(visit(client, url, 0), "1 kez okundu")
    for n in range(1, 4):
        # The version, then the hit's four statements and the reads over
        # time; on SQLite hit_count read (the count starts from it), the
        # hit and the reads in the hits database, the copy of the count
        # (busy timeout down, the copy, busy timeout back).
        with assert_queries(sqlite=(5, 5), postgresql=6):
            response = visit(client, url, n)
        assertContains(response, "Gövdesi saklanan küme")
        assertContains(response, f"{n + 1} kez okundu")
        assert f"Son 30 günde {n + 1} kez okundu." in reads_section(response)
    # A repeat: nothing counted, the count and the reads read fresh.
    with assert_queries(sqlite=(2, 3), postgresql=4):
        response = visit(client, url, 3)
    assertContains(response, "4 kez okundu")
    initiative.refresh_from_db()
    assert initiative.hit_count == 4


def test_a_count_changed_elsewhere_shows_on_the_next_request(client):
    initiative = InitiativeFactory()
    url = initiative.get_absolute_url()
    assertContains(client.get(url, HTTP_USER_AGENT="Googlebot/2.1"), "0 kez okundu")
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=F("hit_count") + 41)
    response = client.get(url, HTTP_USER_AGENT="Googlebot/2.1")
    assertContains(response, "41 kez okundu")
    assertNotContains(response, "<!--read-count-->")
    assertNotContains(response, "<!--reads-over-time-->")


def test_a_title_change_shows_on_the_next_request(client):
    initiative = InitiativeFactory(title="Eski başlık")
    url = initiative.get_absolute_url()
    assertContains(visit(client, url, 0), "Eski başlık")
    initiative.title = "Yeni başlık"
    initiative.save()
    response = visit(client, url, 1)
    assertContains(response, "Yeni başlık")
    assertContains(response, "2 kez okundu")


def test_renaming_a_partner_institution_shows_on_the_next_request(client):
    partnership = PartnershipFactory(institution__name="Eski Oda")
    url = partnership.initiative.get_absolute_url()
    assertContains(visit(client, url, 0), "Eski Oda")
    institution = partnership.institution
    institution.name = "Yeni Oda"
    institution.save()
    assertContains(visit(client, url, 1), "Yeni Oda")


def test_unpublishing_hides_it_on_the_next_request(client):
    initiative = InitiativeFactory()
    url = initiative.get_absolute_url()
    assert visit(client, url, 0).status_code == 200
    Initiative.objects.filter(pk=initiative.pk).update(is_published=False)
    assert visit(client, url, 1).status_code == 404


def test_each_language_keeps_its_own_body(client):
    initiative = InitiativeFactory(title="Türkçe başlık", title_en="English title")
    url = initiative.get_absolute_url()
    assertContains(visit(client, url, 0), "Türkçe başlık")
    english = visit(client, f"/en{url}", 1)
    assertContains(english, "English title")
    assertContains(english, "Read 2 times")
    assertContains(visit(client, url, 2), "3 kez okundu")


def test_staff_get_a_fresh_page_with_the_edit_link(client):
    initiative = InitiativeFactory()
    url = initiative.get_absolute_url()
    assertNotContains(visit(client, url, 0), "/admin/initiatives/")
    client.force_login(UserFactory(is_staff=True))
    assertContains(client.get(url), "/admin/initiatives/")
    client.logout()
    assertNotContains(visit(client, url, 1), "/admin/initiatives/")
