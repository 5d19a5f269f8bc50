"""No page gains queries from translations (issue 10, "Speed").

Every page whose queries test_views.py counts takes exactly as many under
/en/ as in Turkish, with the seed's 18 initiatives (both languages) and with
500, half of them in Turkish only (their English pages show the Turkish,
marked) and half in both languages.
"""

import itertools
from functools import partial

import pytest
from pytest_django.asserts import assertContains

from initiatives import hits
from initiatives.models import Initiative, in_default_language
from tests.test_views import BROWSER, QUERY_COUNTED_PAGES, add_initiatives

TURKISH_PAGES = [
    (path, queries)
    for path, queries in QUERY_COUNTED_PAGES
    if not path.startswith("/en/")
]


def half_in_english():
    """Give every other added initiative an English title and summary."""
    added = Initiative.objects.filter(slug__startswith="toplu-").order_by("slug")
    for n, initiative in enumerate(added):
        if n % 2 == 0:
            initiative.title_en = f"Bulk cluster initiative {n:03d}"
            initiative.summary_en = "Many initiatives to count queries (clusters)."
    Initiative.objects.bulk_update(added, ["title_en", "summary_en"])


@pytest.mark.parametrize(("path", "queries"), TURKISH_PAGES)
def test_english_pages_use_as_many_queries_as_turkish_ones_with_18_and_500(
    client, seed, django_assert_num_queries, assert_queries, path, queries
):
    hits.daily_salt()  # the day's first read would also create the salt
    visitors = itertools.count()
    # As test_views.py counts them: on SQLite per database.
    counted = (
        partial(assert_queries, **queries)
        if isinstance(queries, dict)
        else partial(django_assert_num_queries, queries)
    )

    def get(url):
        # A new visitor each time, so the initiative page counts a hit.
        agent = f"{BROWSER} {next(visitors)}"
        response = client.get(url, HTTP_USER_AGENT=agent)
        assert response.status_code == 200
        return response

    for url in (path, "/en" + path):
        with counted():
            get(url)
    # A request under /en/ left English active: add_initiatives writes
    # Turkish titles.
    with in_default_language():
        add_initiatives(500)
        half_in_english()
    for url in (path, "/en" + path):
        with counted():
            response = get(url)
    if path == "/initiatives/":
        # The English titles, and marked, the Turkish of those that have
        # none ("Toplu…" sorts after "Bulk…").
        english = get("/en/initiatives/?q=toplu")
        assertContains(english, ">Bulk cluster initiative 000</a>", html=False)
        backwards = get("/en/initiatives/?ordering=-title&q=toplu")
        assertContains(backwards, '<span class="lang-note">in Turkish</span>')
    assert response.status_code == 200
