"""Facet counts are kept per content version and filter set: every ordering
and page of one filter set, and the home page, share them, and any change of
content shows on the next request."""

import pytest
from django.http import QueryDict

from initiatives import facet_counts, facet_sql
from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative, Sector
from tests.factories import InitiativeFactory, InstitutionFactory, PartnershipFactory

LIST = "/initiatives/"


def options(response, name):
    for facet in response.context["facets"]:
        if facet["name"] == name:
            return {o["value"]: o["count"] for o in facet["options"]}
    raise AssertionError(name)


def test_other_orderings_and_pages_reuse_the_counts(
    client, seed, django_assert_num_queries
):
    first = client.get(LIST + "?province=izmir")
    # version, the page, the province slug checked, and (another order, so
    # rows not kept yet: list_rows.py) its sectors, provinces and partners:
    # no facet query, no count query.
    with django_assert_num_queries(6):
        again = client.get(LIST + "?ordering=title&province=izmir&page=1")
    assert options(again, "sector") == options(first, "sector")
    assert again.context["paginator"].count == 4
    assert len(again.context["page_obj"]) == 4


def test_the_home_page_reuses_the_unfiltered_lists_counts(
    client, seed, django_assert_num_queries
):
    client.get(LIST)
    # version, reads, most read, latest
    with django_assert_num_queries(4):
        home = client.get("/")
    assert home.context["figures"]["initiatives"] == 18
    assert {s["value"]: s["count"] for s in home.context["sectors"]}["medikal"] == 3


def test_a_new_initiative_shows_in_the_counts_on_the_next_request(client, seed):
    before = client.get(LIST + "?ordering=-added")
    medical = Sector.objects.get(slug="medikal")
    InitiativeFactory(title="Yeni medikal küme", sectors=[medical])
    after = client.get(LIST)
    assert after.context["paginator"].count == before.context["paginator"].count + 1
    assert (
        options(after, "sector")["medikal"] == options(before, "sector")["medikal"] + 1
    )
    home = client.get("/")
    assert home.context["figures"]["initiatives"] == 19


def test_unpublishing_with_a_bulk_update_shows_in_the_counts(client, seed):
    client.get(LIST + "?sector=medikal")
    client.get("/")
    Initiative.objects.filter(slug="medical-industry-clusters").update(
        is_published=False
    )
    listed = client.get(LIST + "?sector=medikal&page=1")
    assert listed.context["paginator"].count == 2
    assert options(listed, "sector")["medikal"] == 2
    assert client.get("/").context["figures"]["initiatives"] == 17


def key(query, language="tr", version=1):
    filterset = InitiativeFilter(
        QueryDict(query), queryset=Initiative.objects.published()
    )
    filterset.is_valid()
    return facet_counts.cache_key(filterset, version, language)


@pytest.mark.django_db
def test_the_key_ignores_ordering_page_spelling_and_order_of_values(seed):
    assert key("province=izmir&province=ankara") == key(
        "ordering=title&page=3&province=ankara&province=izmir&junk=1"
    )


@pytest.mark.django_db
def test_the_key_tells_filters_languages_and_versions_apart(seed):
    keys = {
        key(""),
        key("province=izmir"),
        key("province=izmir&status=active"),
        key("q=izmir"),
        key("province=izmir", language="en"),
        key("province=izmir", version=2),
    }
    assert len(keys) == 6


@pytest.mark.django_db
def test_an_invalid_value_counts_as_absent(seed):
    assert key("province=nowhere") == key("")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?q=rol"])
def test_hidden_initiatives_and_second_roles_count_nothing(client, query):
    institution = InstitutionFactory(name="İki Rollü Kurum")
    sector = Sector.objects.create(name="Rol sektörü")
    shown = InitiativeFactory(title="Görünen rol girişimi", sectors=[sector])
    hidden = InitiativeFactory(
        title="Gizli rol girişimi", sectors=[sector], is_published=False
    )
    for initiative in (shown, hidden):
        for role in ("lead", "partner"):
            PartnershipFactory(
                initiative=initiative, institution=institution, role=role
            )
    response = client.get(LIST + query)
    assert options(response, "institution") == {institution.slug: 1}
    assert options(response, "sector") == {sector.slug: 1}
    assert response.context["paginator"].count == 1


def test_the_rendered_sidebar_and_map_show_a_change_on_the_next_request(client, seed):
    medical = Sector.objects.get(slug="medikal")
    before = options(client.get(LIST + "?ordering=title"), "sector")["medikal"]
    # Another page and ordering of the same filter set: the kept sidebar.
    client.get(LIST + "?page=1")
    InitiativeFactory(title="Yeni medikal küme", sectors=[medical])
    html = client.get(LIST + "?ordering=title").content.decode()
    assert (
        'facet__label">Medikal ve sağlık</span> <span class="count">'
        f'<span aria-hidden="true">{before + 1}</span>'
    ) in html


def test_the_sidebars_links_keep_each_requests_ordering(client, seed):
    client.get(LIST + "?ordering=title")
    html = client.get(LIST + "?ordering=-added").content.decode()
    assert 'href="/initiatives/?ordering=-added&amp;sector=medikal"' in html
    assert "ordering=title" not in html


@pytest.mark.parametrize("path", ["/", LIST])
def test_the_kept_map_and_sidebar_are_per_language(client, seed, path):
    client.get(path)
    html = client.get("/en" + path).content.decode()
    assert 'href="/en/initiatives/?province=izmir"' in html
    assert 'href="/initiatives/?province=izmir"' not in html
    assert "İzmir: 4 initiatives" in html


def test_the_home_pages_kept_parts_show_a_change_on_the_next_request(client, seed):
    client.get("/")
    medical = Sector.objects.get(slug="medikal")
    InitiativeFactory(title="Yeni medikal küme", sectors=[medical])
    html = client.get("/").content.decode()
    assert "Yeni medikal küme</a>" in html  # the latest added
    assert 'medikal">Medikal ve sağlık <span class="count">4</span>' in html


def test_the_kept_filter_form_shows_each_requests_own_values(client, seed):
    client.get(LIST + "?q=izmir&year_from=2005")
    html = client.get(LIST + "?q=ankara&year_from=2010").content.decode()
    assert 'value="ankara"' in html
    assert 'value="2010"' in html
    assert 'value="izmir"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["q=küme", "q=a", "q=ostim", "q=küme&sector=medikal", "q=zzqq"]
)
def test_a_search_counted_either_way_round_gives_the_same_counts(seed, query):
    # Hidden initiatives the search finds and does not find: neither counts.
    InitiativeFactory(title="Gizli küme girişimi", is_published=False)
    InitiativeFactory(title="Gizli başka girişim", is_published=False)
    counted = []
    for mostly in (False, True):
        filterset = InitiativeFilter(
            QueryDict(query), queryset=Initiative.objects.published()
        )
        filterset.is_valid()
        statement = facet_sql.FacetStatement(filterset)
        statement.mostly = mostly
        for name in facet_counts.FACETS:
            statement.add(name)
        counted.append(
            sorted((name, row["count"], str(row)) for name, row in statement.rows())
        )
    assert counted[0] == counted[1]


@pytest.mark.django_db
def test_a_search_finding_most_initiatives_is_counted_the_other_way_round(seed):
    def mostly(query):
        filterset = InitiativeFilter(
            QueryDict(query), queryset=Initiative.objects.published()
        )
        filterset.is_valid()
        statement = facet_sql.FacetStatement(filterset)
        statement.add("sector")
        return statement.mostly

    assert mostly("q=a") is True  # in every initiative's text
    assert mostly("q=ostim") is False
