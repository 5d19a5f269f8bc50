"""The list's filters against what the 2013 page states, facet counts, bad input."""

import re

import pytest
from django.http import QueryDict
from pytest_django.asserts import assertContains, assertNotContains

from initiatives import facets
from initiatives.filters import Q_MAX_LENGTH
from initiatives.models import Initiative
from tests.factories import InitiativeFactory, InstitutionFactory, PartnershipFactory

LIST = "/initiatives/"
LIST_EN = "/en/initiatives/"

IZMIR = {
    "iaosb-metal-casting-clusters",
    "izmir-organic-food-clusters",
    "inoviz-izmir-for-health",
    "izmir-processed-fruit-and-vegetable-clusters",
}
MEDICAL = {
    "medikum-samsun-medical-industry-clusters",
    "medical-industry-clusters",
    "inoviz-izmir-for-health",
}
OSTIM = {
    "competitiveness-and-clusters-analysis",
    "clusters-analysis-and-ostim-aerospace-and-defense-clusters-in-defense-industry-sector-dis",
    "medical-industry-clusters",
}


def slugs(response):
    return {initiative.slug for initiative in response.context["page_obj"]}


def count(client, query):
    response = client.get(LIST + query)
    assert response.status_code == 200
    paginator = response.context["paginator"]
    # The count comes with the facets; on one page, it is the rows listed.
    if paginator.num_pages == 1:
        assert len(response.context["page_obj"]) == paginator.count
    return paginator.count


def listed(client, query):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return slugs(response)


# Each filter alone, against the seed.


def test_province_izmir_lists_the_four_izmir_initiatives(client, seed):
    assert listed(client, "?province=izmir") == IZMIR


def test_sector_medical_lists_the_three_medical_clusters(client, seed):
    assert listed(client, "?sector=medikal") == MEDICAL


def test_year_from_2008_lists_initiatives_started_in_2008_or_later(client, seed):
    assert listed(client, "?year_from=2008") == {
        "clusters-analysis-and-ostim-aerospace-and-defense-clusters-in-defense-industry-sector-dis",
        "merzifon-built-in-kitchen-appliances-clusters",
    }


def test_year_to_2006_lists_initiatives_started_in_2006_or_before(client, seed):
    assert listed(client, "?year_to=2006") == {
        "bartin-clusters-based-regional-development-project",
        "competitiveness-analysis-in-industry-and-service-sectors",
    }


def test_institution_lists_every_initiative_it_takes_part_in(client, seed):
    assert listed(client, "?institution=ostim") == OSTIM


def test_status_filters_by_status(client, seed):
    Initiative.objects.filter(slug="medical-industry-clusters").update(
        status=Initiative.Status.ACTIVE
    )
    assert listed(client, "?status=active") == {"medical-industry-clusters"}
    assert len(listed(client, "?status=unknown")) == 17


def test_no_filter_lists_all_eighteen_initiatives(client, seed):
    response = client.get(LIST)
    assert response.context["paginator"].count == 18
    assertContains(response, "18 girişim")


# Combined.


def test_province_and_sector_combine_as_and(client, seed):
    assert listed(client, "?province=izmir&sector=medikal") == {
        "inoviz-izmir-for-health"
    }


def test_a_repeated_province_means_any_of_them(client, seed):
    assert listed(client, "?province=izmir&province=samsun") == IZMIR | {
        "medikum-samsun-medical-industry-clusters"
    }


def test_a_repeated_sector_lists_an_initiative_in_both_once(client, seed):
    response = client.get(LIST + "?sector=savunma-sanayii&sector=havacilik-ve-uzay")
    titles = [i.slug for i in response.context["page_obj"]]
    assert len(titles) == len(set(titles)) == 3


def test_institution_year_and_sector_combine(client, seed):
    assert listed(
        client, "?institution=ostim&year_from=2008&sector=savunma-sanayii"
    ) == {
        "clusters-analysis-and-ostim-aerospace-and-defense-clusters-in-defense-industry-sector-dis"
    }


def test_search_combines_with_filters(client, seed):
    assert listed(client, "?q=clusters&province=ankara&sector=medikal") == {
        "medical-industry-clusters"
    }


def test_year_range_combines_from_and_to(client, seed):
    assert listed(client, "?year_from=2007&year_to=2007") == {
        "competitiveness-and-clusters-analysis",
        "medical-industry-clusters",
    }


def test_parameters_outside_the_contract_are_ignored(client, seed):
    assert listed(client, "?province=izmir&utm_source=newsletter&foo=bar") == IZMIR


def test_an_institution_with_two_roles_lists_the_initiative_once(client, db):
    institution = InstitutionFactory(name="Çift Rollü Kurum")
    initiative = InitiativeFactory()
    PartnershipFactory(initiative=initiative, institution=institution, role="lead")
    PartnershipFactory(initiative=initiative, institution=institution, role="funder")
    response = client.get(LIST + f"?institution={institution.slug}")
    assert [i.pk for i in response.context["page_obj"]] == [initiative.pk]
    assert facet(response, "institution")[institution.slug]["count"] == 1


# Facet counts.


def facet(response, name):
    for item in response.context["facets"]:
        if item["name"] == name:
            return {option["value"]: option for option in item["options"]}
    raise AssertionError(name)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?province=izmir",
        "?sector=medikal",
        "?q=clusters&year_from=2007",
        # The search and years with facet filters: applied once for every
        # facet's base (facet_counts._common).
        "?q=küme&year_to=2020&province=izmir",
        "?q=küme&sector=medikal&province=ankara&year_to=2012",
        "?q=proje&status=unknown&sector=medikal",
        # A search alone, finding most initiatives or few; and with one
        # filter, whose facet's base is the search alone (facet_sql.py).
        "?q=küme",
        "?q=a",
        "?q=ostim",
        "?q=küme&sector=medikal",
        "?q=a&province=izmir&province=ankara",
    ],
)
def test_each_facet_count_is_what_its_link_would_list(client, seed, query):
    response = client.get(LIST + query)
    active = response.wsgi_request.GET
    checked = 0
    for name in ("sector", "province", "status", "institution"):
        for value, option in facet(response, name).items():
            # The option together with every *other* active filter.
            params = active.copy()
            params.setlist(name, [value])
            assert count(client, "?" + params.urlencode()) == option["count"], (
                name,
                value,
            )
            checked += 1
    assert checked >= 4


def test_facets_show_counts_beside_the_options(client, seed):
    response = client.get(LIST_EN)
    provinces = facet(response, "province")
    assert provinces["izmir"]["count"] == 4
    assert provinces["ankara"]["count"] == 3
    assert facet(response, "sector")["medikal"]["count"] == 3
    assert facet(response, "status")["unknown"]["count"] == 18
    assertContains(
        response,
        '<span aria-hidden="true">4</span>'
        '<span class="visually-hidden">4 initiatives</span>',
    )


def test_facets_count_with_the_other_active_filters(client, seed):
    response = client.get(LIST + "?sector=medikal")
    provinces = facet(response, "province")
    assert {slug: o["count"] for slug, o in provinces.items()} == {
        "izmir": 1,
        "ankara": 1,
        "samsun": 1,
    }
    # The sector facet ignores the sector filter itself, so one can add more.
    assert facet(response, "sector")["medikal"]["selected"]
    assert facet(response, "sector")["mermer"]["count"] == 2


def test_a_selected_option_links_to_the_list_without_it(client, seed):
    response = client.get(LIST + "?province=izmir&sector=medikal&page=1")
    izmir = facet(response, "province")["izmir"]
    assert izmir["selected"]
    assert izmir["url"] == "/initiatives/?sector=medikal"
    assertContains(response, 'href="/initiatives/?sector=medikal"')


def test_an_option_link_adds_it_and_goes_back_to_page_one(client, seed):
    response = client.get(LIST + "?province=izmir&page=1")
    samsun = facet(response, "province")["samsun"]
    assert samsun["url"] == "/initiatives/?province=izmir&province=samsun"


def test_english_facets_show_the_english_sector_names(client, seed):
    response = client.get(LIST_EN)
    assert facet(response, "sector")["medikal"]["label"] == "Medical and health"
    assertContains(response, "Medical and health")


def test_active_filters_each_have_a_link_that_removes_it(client, seed):
    response = client.get(LIST_EN + "?province=izmir&sector=medikal&year_from=2000")
    assert response.context["active_filters"] == [
        ("Medical and health", "/en/initiatives/?province=izmir&year_from=2000"),
        ("İzmir", "/en/initiatives/?sector=medikal&year_from=2000"),
        ("From 2000", "/en/initiatives/?province=izmir&sector=medikal"),
    ]
    assertContains(response, "Clear all filters")


def test_the_empty_state_says_so_and_links_back(client, seed):
    response = client.get(LIST_EN + "?province=izmir&sector=savunma-sanayii")
    assertContains(response, "0 initiatives")
    assertContains(response, "No initiatives match these filters.")
    assertContains(response, '<a href="/en/initiatives/">see all initiatives</a>')


def test_pagination_keeps_the_filters(client, db):
    for n in range(25):
        InitiativeFactory(title=f"Kümelenme {n:02d}", provinces=["izmir"])
    response = client.get(LIST_EN + "?province=izmir&ordering=title")
    assert len(response.context["page_obj"]) == 20
    assertContains(response, "Page 1 of 2")
    assertContains(
        response, 'href="?province=izmir&amp;ordering=title&amp;page=2" rel="next"'
    )
    second = client.get(LIST_EN + "?province=izmir&ordering=title&page=2")
    assert len(second.context["page_obj"]) == 5
    assertContains(second, 'href="?province=izmir&amp;ordering=title&amp;page=1"')


def page_links(response):
    """(visible number, href, current?) of each numbered link of the pages."""
    nav = re.search(
        r'<nav class="pagination".*?</nav>', response.content.decode(), re.S
    )
    return [
        (int(number), href.replace("&amp;", "&"), bool(current))
        for href, current, number in re.findall(
            r'<a (?:class="pagination__current" )?href="([^"]*)"( aria-current="page")?>'
            r'<span class="visually-hidden">[^<]*</span>(\d+)</a>',
            nav[0],
        )
    ]


def test_pages_near_the_current_one_are_numbered_links(client, db):
    InitiativeFactory.create_batch(210, provinces=["izmir"])  # 11 pages
    response = client.get(LIST_EN + "?province=izmir&page=6")
    base = "?province=izmir&page="
    assert page_links(response) == [
        (1, base + "1", False),
        (4, base + "4", False),
        (5, base + "5", False),
        (6, base + "6", True),
        (7, base + "7", False),
        (8, base + "8", False),
        (11, base + "11", False),
    ]
    assertContains(response, '<li class="pagination__gap" aria-hidden="true">…</li>', 2)
    assertContains(response, "Page 6 of 11")
    assertContains(response, '<span class="visually-hidden">Page </span>6</a>')
    turkish = client.get(LIST + "?province=izmir&page=1")
    assert [number for number, _href, _current in page_links(turkish)] == [
        1, 2, 3, 11
    ]  # fmt: skip
    assertContains(turkish, '<span class="visually-hidden">Sayfa </span>1</a>')
    assert [current for _n, _href, current in page_links(turkish)] == [
        True, False, False, False
    ]  # fmt: skip


def test_a_single_page_has_no_page_numbers(client, seed):
    assertNotContains(client.get(LIST_EN), 'class="pagination"')


@pytest.mark.parametrize(
    ("path", "sector_heading", "status_heading"),
    [
        (
            LIST_EN,
            "<summary><span>Sector</span> "
            '<span class="facet__count">13 options</span></summary>',
            "<summary><span>Status</span> "
            '<span class="facet__count">1 option</span></summary>',
        ),
        (
            LIST,
            "<summary><span>Sektör</span> "
            '<span class="facet__count">13 seçenek</span></summary>',
            "<summary><span>Durum</span> "
            '<span class="facet__count">1 seçenek</span></summary>',
        ),
    ],
)
def test_each_filter_heading_says_how_many_options_it_holds(
    client, seed, path, sector_heading, status_heading
):
    response = client.get(path)
    facets_shown = response.context["facets"]
    sector = next(f for f in facets_shown if f["name"] == "sector")
    assert len(sector["options"]) == 13
    assertContains(response, sector_heading, count=1)
    assertContains(response, status_heading, count=1)


def test_the_css_draws_a_marker_that_turns_when_a_filter_opens(client, db):
    from django.conf import settings

    css = (settings.BASE_DIR / "static/css/site.css").read_text()
    # The summary is display: flex, which drops the browser's own marker.
    assert re.search(r"\.facet summary \{[^}]*display: flex", css)
    marker = re.search(r"\.facet summary::before \{([^}]*)\}", css)[1]
    assert 'content: ""' in marker and "border-right" in marker
    assert "rotate(-45deg)" in marker
    assert re.search(r"\.facet\[open\] > summary::before \{[^}]*rotate\(45deg\)", css)


def test_the_export_links_carry_the_filters(client, seed):
    response = client.get(LIST + "?province=izmir&ordering=title&page=1")
    assertContains(response, 'href="/initiatives/export.csv?province=izmir"')
    assertContains(response, 'href="/initiatives/export.json?province=izmir"')


# Bad input: a page that says what was wrong, or a 404; never a 500.

BAD_VALUES = [
    ("year_from=abc", "Start year (from) must be a year between 1990 and"),
    ("year_from=1e999999", "Start year (from) must be a year between 1990 and"),
    ("year_from=" + "9" * 5000, "Start year (from) must be a year between 1990 and"),
    ("year_to=1", "Start year (to) must be a year between 1990 and"),
    ("sector=nope", "Unknown sector: nope"),
    ("province=atlantis", "Unknown province: atlantis"),
    ("institution=nobody", "Unknown institution: nobody"),
    ("status=secret", "Unknown status: secret"),
    ("ordering=password", "Unknown sort order: password"),
]


def notice_text(response):
    """The text of the box of messages above the list ("" without one)."""
    found = re.search(r'<div class="notice".*?</div>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found[0]) if found else ""


@pytest.mark.parametrize(("query", "message"), BAD_VALUES)
def test_a_bad_value_says_what_was_wrong(client, seed, query, message):
    response = client.get(LIST_EN + "?" + query)
    assertContains(response, message, status_code=200)


@pytest.mark.parametrize(
    "query",
    [
        *(query for query, _message in BAD_VALUES),
        "year_from=2030&year_to=2000",
        "&".join(["province=izmir"] * 40),
        "&".join(["year_from=2000"] * 40),
    ],
)
@pytest.mark.parametrize("path", [LIST, LIST_EN])
def test_messages_name_fields_as_the_form_shows_them_never_parameters(
    client, seed, path, query
):
    notice = notice_text(client.get(path + "?" + query))
    assert notice.strip()
    # "province" and "status" are also English words; these are not.
    for parameter in ("year_from", "year_to", "ordering"):
        assert parameter not in notice, (query, notice)


@pytest.mark.parametrize(
    ("path", "notice"),
    [
        (
            LIST_EN,
            "“Start year (from)” was after “Start year (to)”: the years were "
            "swapped, showing 2006 to 2008.",
        ),
        (
            LIST,
            "“Başlangıç yılı (en erken)”, “Başlangıç yılı (en geç)” değerinden "
            "sonraydı: yıllar yer değiştirildi, 2006 ile 2008 arası gösteriliyor.",
        ),
    ],
)
def test_years_the_wrong_way_round_are_swapped_and_the_page_says_so(
    client, seed, path, notice
):
    swapped = client.get(path + "?year_from=2008&year_to=2006")
    meant = client.get(path + "?year_from=2006&year_to=2008")
    assert slugs(swapped) == slugs(meant)
    assert slugs(swapped)
    assert notice in notice_text(swapped)
    assert "2006" in swapped.context["filter"].form["year_from"].value()
    assertContains(swapped, 'rel="canonical" href="http://127.0.0.1:8000')
    assertContains(swapped, "year_from=2006&amp;year_to=2008")
    assertNotContains(swapped, "Please check the filters")


@pytest.mark.parametrize("value", ["İzmir", "izmir", "IZMIR", "Izmir", " İzmir "])
def test_a_province_by_its_name_filters_by_that_province(client, seed, value):
    response = client.get(LIST_EN, {"province": value})
    assert slugs(response) == IZMIR
    assert notice_text(response) == ""
    assertContains(
        response,
        '<link rel="canonical" href="http://127.0.0.1:8000/en/initiatives/'
        '?province=izmir">',
    )
    assertContains(response, 'href="/en/initiatives/export.csv?province=izmir"')


def test_names_of_other_slug_filters_are_read_too(client, seed):
    assert slugs(client.get(LIST_EN, {"province": "Şanlıurfa"})) == slugs(
        client.get(LIST_EN, {"province": "sanliurfa"})
    )
    assert slugs(client.get(LIST_EN, {"institution": "OSTİM"})) == OSTIM


def test_an_unknown_province_name_is_still_unknown(client, seed):
    response = client.get(LIST_EN, {"province": "Atlantis"})
    assertContains(response, "Unknown province: atlantis")


def test_a_bad_value_is_explained_in_turkish_too(client, seed):
    response = client.get(LIST + "?sector=nope&year_to=1")
    assertContains(response, "Bilinmeyen sektör: nope")
    assertContains(response, "Başlangıç yılı (en geç), 1990 ile")


def test_a_bad_value_leaves_the_good_filters_working(client, seed):
    response = client.get(LIST_EN + "?province=izmir&year_from=abc")
    assert slugs(response) == IZMIR
    assertContains(response, "Start year (from) must be a year")


def test_a_bad_sector_is_reflected_escaped(client, seed):
    response = client.get(LIST_EN, {"sector": "<script>alert(1)</script>"})
    assertContains(response, "Unknown sector: &lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, "<script>alert(1)")


@pytest.mark.parametrize("page", ["-1", "0", "99999", "x", "1.5", "%00"])
def test_a_bad_page_is_a_404_page(client, seed, page):
    response = client.get(LIST + "?page=" + page)
    assertContains(response, "Sayfa bulunamadı", status_code=404)


def test_the_last_page_can_be_asked_for_by_name(client, seed):
    assert client.get(LIST + "?page=last").status_code == 200


def test_a_5000_character_search_is_shortened_with_a_message(client, seed):
    response = client.get(LIST_EN, {"q": "izmir " + "x" * 4994})
    assertContains(
        response, "The search was too long and was shortened to its first 200"
    )
    value = re.search(r'name="q" value="([^"]*)"', response.content.decode())[1]
    assert len(value) == Q_MAX_LENGTH


@pytest.mark.parametrize(
    "q",
    [
        "%",
        "_",
        "100%",
        "a_b",
        "'",
        '"',
        "' OR 1=1 --",
        "izmir\x00",
        "\x00",
        "iz\x00mir",
        "\x1b[31m",
        "<script>alert(1)</script>",
    ],
)
def test_awkward_searches_never_fail(client, seed, q):
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    assertNotContains(response, "<script>alert")
    assert "\x00" not in response.content.decode()


def test_a_nul_byte_is_dropped_before_the_search(client, seed):
    assert listed(client, "?q=iz%00mir") == IZMIR


def test_a_nul_byte_in_a_slug_parameter_is_dropped(client, seed):
    assert listed(client, "?province=izmir%00") == IZMIR
    response = client.get(LIST_EN + "?sector=%00nope")
    assertContains(response, "Unknown sector: nope")


def test_percent_and_underscore_are_not_wildcards(client, seed):
    response = client.get(LIST_EN, {"q": "izmir %"})
    assert slugs(response) == IZMIR


def test_hundreds_of_repeated_values_are_cut_with_a_message(client, seed):
    query = "&".join(["province=izmir"] * 200)
    response = client.get(LIST_EN + "?" + query)
    assertContains(response, "Only the first 30 values of “Province” were used.")
    assert slugs(response) == IZMIR


def test_every_ordering_of_the_contract_works(client, seed):
    for ordering in ("title", "-title", "start_year", "-start_year", "-hits", "-added"):
        response = client.get(LIST + "?ordering=" + ordering)
        assert response.status_code == 200
        assert response.context["paginator"].count == 18


def test_start_year_ordering_puts_unknown_years_last_both_ways(client, seed):
    def years(ordering):
        response = client.get(LIST + "?ordering=" + ordering)
        return [i.start_year for i in response.context["page_obj"]]

    assert years("start_year") == [2003, 2006, 2007, 2007, 2008, 2011] + [None] * 12
    assert years("-start_year") == [2011, 2008, 2007, 2007, 2006, 2003] + [None] * 12


def test_most_read_ordering_puts_the_most_read_first(client, seed):
    Initiative.objects.filter(slug="medical-industry-clusters").update(hit_count=90)
    Initiative.objects.filter(slug="inoviz-izmir-for-health").update(hit_count=50)
    response = client.get(LIST + "?ordering=-hits")
    assert [i.slug for i in response.context["page_obj"]][:2] == [
        "medical-industry-clusters",
        "inoviz-izmir-for-health",
    ]


def test_over_a_thousand_parameters_is_a_400_page_not_a_500(client, seed):
    response = client.get(LIST_EN + "?" + "&".join(["province=izmir"] * 2000))
    assertContains(response, "Bad request", status_code=400)


# The facets module: links and the home page's entry points.


def test_a_facet_link_keeps_the_other_parameters_and_drops_the_page():
    params = QueryDict("q=küme&province=izmir&province=ankara&page=3", mutable=True)
    assert facets.link(LIST, params, remove=("province", "izmir")) == (
        "/initiatives/?q=k%C3%BCme&province=ankara"
    )
    assert facets.link(LIST, params, add=("province", "samsun")) == (
        "/initiatives/?q=k%C3%BCme&province=izmir&province=ankara&province=samsun"
    )
    assert facets.link(LIST, params, set_values={"q": None, "province": None}) == LIST
    assert params.getlist("page") == ["3"]  # the caller's parameters stay


@pytest.mark.parametrize("language", ["/", "/en/"])
def test_the_home_entry_points_count_what_the_list_facets_count(client, seed, language):
    home = client.get(language).context
    options = {
        f["name"]: f["options"]
        for f in client.get(language + "initiatives/").context["facets"]
    }
    assert [(s["value"], s["count"]) for s in home["sectors"]] == [
        (o["value"], o["count"]) for o in options["sector"]
    ]
    assert [(p["value"], p["count"]) for p in home["provinces"]] == [
        (o["value"], o["count"]) for o in options["province"]
    ]


@pytest.mark.parametrize("query", ["", "?q=zone", "?kind=oiz&q=organize"])
def test_each_institution_kind_count_is_what_its_link_lists(client, seed, query):
    response = client.get("/en/institutions/" + query)
    assert response.context["kinds"]
    for kind in response.context["kinds"]:
        if kind["selected"]:
            continue  # its link removes it
        listed = client.get(kind["url"]).context["paginator"].count
        assert listed == kind["count"], kind["label"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=k%C3%BCme&province=izmir&province=ankara&page=3",
        "status=active&q=x",
        "province=izmir&q=a+b%26c&sector=makine&ordering=title",
    ],
)
@pytest.mark.parametrize("name", ["province", "status", "sector", "institution"])
def test_an_option_link_built_once_per_facet_is_the_link_of_link(query, name):
    params = QueryDict(query, mutable=True)
    links = facets.OptionLinks(LIST, params, name)
    for value in ["izmir", "samsun", "active", "makine", "çay & şeker=1"]:
        for selected in (True, False):
            if selected:
                expected = facets.link(LIST, params, remove=(name, value))
            elif name in facets.REPEATABLE:
                expected = facets.link(LIST, params, add=(name, value))
            else:
                expected = facets.link(LIST, params, set_values={name: [value]})
            assert links.url(value, selected) == expected


def test_a_selected_option_says_so_and_each_count_is_spoken(client, seed):
    response = client.get(LIST + "?province=izmir")
    assertContains(
        response,
        '<a href="/initiatives/" class="is-selected" aria-current="true">'
        '<span class="facet__label">İzmir</span> <span class="count">'
        '<span aria-hidden="true">4</span>'
        '<span class="visually-hidden">4 girişim</span></span> '
        '<span class="visually-hidden">(seçili; bu süzgeci kaldır)</span></a>',
        count=1,
    )
    assertContains(response, "(seçili; bu süzgeci kaldır)", count=1)
