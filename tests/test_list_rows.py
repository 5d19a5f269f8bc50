"""The list's rows are kept rendered per content version and language
(list_rows.py): their read counts are still current on every render, and any
change of content shows on the next request."""

import pytest
from django.db.models import F
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
