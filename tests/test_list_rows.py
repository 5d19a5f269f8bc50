"""The list's rows are kept rendered per content version and language
(list_rows.py): their read counts are still current on every render, and any
change of content shows on the next request."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Initiative, Sector

LIST = "/initiatives/"
MEDICAL = "medical-industry-clusters"


def test_a_rows_read_count_is_current_on_every_render(client, seed):
    client.get(LIST + "?q=medikal")
    # Reads change no content version: the kept row gets the new count.
    Initiative.objects.filter(slug=MEDICAL).update(hit_count=F("hit_count") + 1234)
    count = Initiative.objects.get(slug=MEDICAL).hit_count
    response = client.get(LIST + "?q=medikal")
    assertContains(response, f"<dd>{count:,} kez</dd>".replace(",", "."))


def test_a_renamed_sector_shows_in_the_rows_on_the_next_request(client, seed):
    client.get(LIST)
    Sector.objects.filter(slug="medikal").update(name_tr="Sağlık teknolojileri")
    response = client.get(LIST)
    assertContains(response, "<dd>Sağlık teknolojileri</dd>")


def test_rows_are_kept_per_language(client, seed):
    client.get(LIST + "?q=medikal")
    response = client.get("/en/initiatives/?q=medikal")
    assertContains(response, "<dt>Sectors</dt>")
    assertNotContains(response, "<dt>Sektörler</dt>")
    assertContains(response, " times</dd>")


@pytest.mark.parametrize("path", [LIST, "/en" + LIST + "?ordering=title"])
def test_a_page_shown_again_loads_no_sectors_provinces_or_partners(
    client, seed, django_assert_num_queries, path
):
    first = client.get(path)
    # version, the page's initiatives: the rows are kept rendered.
    with django_assert_num_queries(2):
        again = client.get(path)
    assert again.content == first.content


def test_a_search_shown_again_is_not_searched_again(client, seed):
    """Which initiatives a page holds is kept per content version and
    request: the second visitor's page reads them by id."""
    path = LIST + "?q=medikal&ordering=title"
    first = client.get(path)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert again.content == first.content
    assert not [q for q in queries.captured_queries if "LIKE" in q["sql"].upper()]


def test_an_unpublished_initiative_leaves_a_page_shown_before(client, seed):
    medical = Initiative.objects.get(slug=MEDICAL)
    assertContains(client.get(LIST + "?q=medikal"), medical.get_absolute_url())
    Initiative.objects.filter(pk=medical.pk).update(is_published=False)
    assertNotContains(client.get(LIST + "?q=medikal"), medical.get_absolute_url())


def test_most_read_first_follows_new_reads_at_once(client, seed):
    """Reads change no content version: a page ordered by them is found anew
    on every render."""
    path = LIST + "?ordering=-hits"
    client.get(path)
    last = (
        Initiative.objects.published().order_by("hit_count", "-title_sort_key").first()
    )
    Initiative.objects.filter(pk=last.pk).update(hit_count=F("hit_count") + 10**6)
    response = client.get(path)
    assert response.context["rows"][0].find(last.get_absolute_url()) > 0
