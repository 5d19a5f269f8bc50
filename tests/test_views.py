"""The public pages as a visitor sees them, in Turkish and English."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from initiatives import hits, text, views
from initiatives.models import (
    DailyHit,
    HitDedupe,
    Initiative,
    Institution,
    Link,
    Partnership,
    Province,
    Sector,
)
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    LinkFactory,
    PartnershipFactory,
    SectorFactory,
    UserFactory,
)

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
AGRICULTURE = "/initiatives/clustering-project-for-agricultural-and-food-sector/"
MEDICAL = "/initiatives/medical-industry-clusters/"


def titles(response):
    return [initiative.title for initiative in response.context["page_obj"]]


# Home.


def test_home_introduces_the_registry_with_key_figures(client, seed):
    Initiative.objects.filter(slug="medical-industry-clusters").update(hit_count=1200)
    Initiative.objects.filter(slug="inoviz-izmir-for-health").update(hit_count=30)
    response = client.get("/en/")
    figures = response.context["figures"]
    assert figures == {
        "initiatives": 18,
        "provinces": Province.objects.filter(initiatives__isnull=False)
        .distinct()
        .count(),
        "sectors": 13,
        "institutions": 22,
        "reads": 1230,
    }
    assertContains(response, "Clustering in Türkiye")
    assertContains(response, '<span class="figures__number">1,230</span>', html=False)
    assertContains(response, "Since 2003 Türkiye has run cluster-based")


def test_home_lists_the_most_read_and_the_latest_added(client, seed):
    Initiative.objects.filter(slug="medical-industry-clusters").update(hit_count=1200)
    Initiative.objects.filter(slug="inoviz-izmir-for-health").update(hit_count=30)
    newest = InitiativeFactory(title="Yeni eklenen küme")
    response = client.get("/")
    assert [i.slug for i in response.context["most_read"]] == [
        "medical-industry-clusters",
        "inoviz-izmir-for-health",
    ]
    assert response.context["latest"][0] == newest
    assertContains(response, "1.200 kez okundu")
    assertContains(response, "Yeni eklenen küme")


def test_home_has_entry_points_by_sector_and_province_with_counts(client, seed):
    response = client.get("/")
    assertContains(response, 'href="/initiatives/?province=izmir"')
    assertContains(response, 'href="/initiatives/?sector=medikal"')
    provinces = {p["value"]: p["count"] for p in response.context["provinces"]}
    assert provinces["izmir"] == 4 and provinces["ankara"] == 3
    sectors = {s["value"]: s["count"] for s in response.context["sectors"]}
    assert sectors["medikal"] == 3
    assert [p["label"] for p in response.context["provinces"]][:3] == [
        "Adıyaman",
        "Amasya",
        "Ankara",
    ]


def test_home_in_english_shows_english_sector_names(client, seed):
    response = client.get("/en/")
    assertContains(response, "Medical and health")
    assertContains(response, 'href="/en/initiatives/?sector=medikal"')


# Unpublished initiatives do not exist for the public.


@pytest.fixture
def inoviz_unpublished(seed):
    Initiative.objects.filter(slug="inoviz-izmir-for-health").update(
        is_published=False, hit_count=500
    )


def test_an_unpublished_initiative_is_a_404_and_counts_nothing(
    client, inoviz_unpublished
):
    response = client.get(
        "/initiatives/inoviz-izmir-for-health/", HTTP_USER_AGENT=BROWSER
    )
    assertContains(response, "Sayfa bulunamadı", status_code=404)
    response = client.get(
        "/en/initiatives/inoviz-izmir-for-health/", HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 404
    assert Initiative.objects.get(slug="inoviz-izmir-for-health").hit_count == 500
    assert not DailyHit.objects.exists() and not HitDedupe.objects.exists()


def test_an_unpublished_initiative_is_absent_from_the_list_and_facets(
    client, inoviz_unpublished
):
    response = client.get("/initiatives/")
    assert response.context["paginator"].count == 17
    assertNotContains(response, "INOVİZ")
    facets = {f["name"]: f["options"] for f in response.context["facets"]}
    izmir = next(o for o in facets["province"] if o["value"] == "izmir")
    medical = next(o for o in facets["sector"] if o["value"] == "medikal")
    assert (izmir["count"], medical["count"]) == (3, 2)
    # Nor does the search find it.
    for q, expected in (
        (
            "izmir",
            {
                "iaosb-metal-casting-clusters",
                "izmir-organic-food-clusters",
                "izmir-processed-fruit-and-vegetable-clusters",
            },
        ),
        ("inoviz", set()),
    ):
        response = client.get("/initiatives/", {"q": q})
        assert response.status_code == 200
        assert {i.slug for i in response.context["page_obj"]} == expected


def test_an_unpublished_initiative_is_absent_from_the_home_figures(
    client, inoviz_unpublished
):
    response = client.get("/")
    assert response.context["figures"]["initiatives"] == 17
    assert response.context["figures"]["reads"] == 0
    assert {s["value"]: s["count"] for s in response.context["sectors"]}["medikal"] == 2
    assertNotContains(response, "INOVİZ")


def test_an_unpublished_initiative_is_absent_from_institution_pages_and_related(
    client, inoviz_unpublished
):
    institution = InstitutionFactory(name="İzmir Kalkınma Ajansı")
    PartnershipFactory(
        initiative=Initiative.objects.get(slug="inoviz-izmir-for-health"),
        institution=institution,
    )
    response = client.get(f"/institutions/{institution.slug}/")
    assertNotContains(response, "INOVİZ")
    assertContains(response, "yayımlanmış hiçbir girişimde yer almıyor")
    listed = client.get("/institutions/?q=izmir kalkinma").context["page_obj"]
    assert [i.initiative_count for i in listed] == [0]
    related = client.get("/initiatives/izmir-organic-food-clusters/")
    assert "inoviz-izmir-for-health" not in {i.slug for i in related.context["related"]}


# The list.


def test_each_row_shows_title_years_sectors_provinces_lead_and_reads(client, seed):
    Initiative.objects.filter(slug="iaosb-metal-casting-clusters").update(
        hit_count=1234, start_year=2010, end_year=2014
    )
    response = client.get("/en/initiatives/?province=izmir&ordering=title")
    row = re.search(
        r'<li class="result">.*?IAOSB Metal Casting Clusters.*?</li>',
        response.content.decode(),
        re.S,
    )[0]
    for expected in (
        "2010–2014",
        "Machinery, Metal casting",
        "İzmir",
        "İzmir Atatürk Organized Industrial Zone (IAOSB)",
        "1,234 times",
    ):
        assert expected in row, expected


def test_the_list_gives_the_number_of_results(client, seed):
    assertContains(client.get("/initiatives/?province=izmir"), "4 girişim")
    assertContains(client.get("/en/initiatives/?province=izmir"), "4 initiatives")
    assertContains(client.get("/en/initiatives/?q=inoviz"), "1 initiative\n")


TURKISH_ORDER = [
    "Cizre",
    "Çorlu",
    "Diyarbakır",
    "Isparta",
    "İzmir",
    "Sakarya",
    "Şırnak",
]


@pytest.fixture
def towns(db):
    # Created in a scrambled order; names share the word "kümesi".
    for town in [
        "Şırnak",
        "İzmir",
        "Çorlu",
        "Sakarya",
        "Isparta",
        "Diyarbakır",
        "Cizre",
    ]:
        InitiativeFactory(title=f"{town} kümesi")
        InstitutionFactory(name=f"{town} Ticaret Odası", kind="chamber")


def test_title_ordering_is_turkish_alphabetical(client, towns):
    response = client.get("/initiatives/?q=kumesi&ordering=title")
    assert titles(response) == [f"{town} kümesi" for town in TURKISH_ORDER]
    response = client.get("/initiatives/?q=kumesi&ordering=-title")
    assert titles(response) == [f"{town} kümesi" for town in reversed(TURKISH_ORDER)]


def test_the_institution_list_is_in_turkish_alphabetical_order(client, towns):
    response = client.get("/institutions/?q=ticaret+odasi")
    names = [i.name for i in response.context["page_obj"]]
    assert names == [f"{town} Ticaret Odası" for town in TURKISH_ORDER]
    # The database orders the sort keys the same way (SQLite and PostgreSQL).
    ordered = Institution.objects.filter(kind="chamber").order_by("sort_key")
    assert [i.name.split()[0] for i in ordered] == TURKISH_ORDER


# The initiative page.


def test_the_initiative_page_shows_everything_the_record_holds(client, seed):
    initiative = Initiative.objects.get(
        slug="clustering-project-for-agricultural-and-food-sector"
    )
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=11130)
    LinkFactory(
        initiative=initiative,
        url="https://example.org/food",
        title="Food Innovation Network",
        kind=Link.Kind.MORE_INFORMATION,
    )
    response = client.get(AGRICULTURE, HTTP_USER_AGENT="Googlebot/2.1")
    content = response.content.decode()
    for expected in (
        "<h1>Tarım ve Gıda Sektörüne Yönelik Kümelenme Projesi</h1>",
        "Resmî listede 9 numara",
        "1.080.630 €",
        "36 ay",
        "Emilia-Romagna, İtalya; Murcia, İspanya",
        "26.05.2013",
        "11.130 kez okundu",
        "Bilinmiyor",
        'href="/initiatives/?sector=tarim-ve-gida">Tarım ve gıda</a>',
        'href="/initiatives/?province=mersin">Mersin</a>',
        "Eylül 2008",
        "Finansör",
        'href="/institutions/eu/">Avrupa Birliği (EU)</a>',
        '<a href="https://example.org/food" rel="noopener noreferrer external">'
        "Food Innovation Network</a>",
        "daha fazla bilgi",
    ):
        assert expected in content, expected


def test_the_initiative_page_in_english_formats_for_english(client, seed):
    Initiative.objects.filter(pk=9).update(hit_count=11130)
    response = client.get("/en" + AGRICULTURE, HTTP_USER_AGENT="Googlebot/2.1")
    for expected in (
        "€1,080,630",
        "36 months",
        "26 May 2013",
        "Read 11,130 times",
        "Agriculture and food",
        'href="/en/initiatives/?province=mersin"',
        "No. 9 in the official list",
    ):
        assertContains(response, expected)


def test_partners_are_grouped_by_role_with_links_to_their_pages(client, seed):
    response = client.get(
        "/en/initiatives/bartin-clusters-based-regional-development-project/"
    )
    groups = [
        (str(role), [str(p.institution) for p in partnerships])
        for role, partnerships in response.context["partners_by_role"]
    ]
    assert groups[0] == ("supervisor", ["Ministry of Development"])
    assert groups[1][0] == "partner" and len(groups[1][1]) == 4
    assertContains(response, "<dt>Supervisor</dt>", html=False)
    assertContains(response, 'href="/en/institutions/kosgeb/"')


def test_member_firms_and_solution_partners_are_shown(client, seed):
    Initiative.objects.filter(slug="medical-industry-clusters").update(
        solution_partners=16
    )
    response = client.get("/en" + MEDICAL)
    assertContains(response, "<dt>Member firms</dt><dd>54</dd>", html=False)
    assertContains(response, "<dt>Solution partners</dt><dd>16</dd>", html=False)


def test_related_initiatives_share_a_sector_or_province(client, seed):
    Initiative.objects.filter(slug="inoviz-izmir-for-health").update(hit_count=7)
    response = client.get(MEDICAL)
    related = [i.slug for i in response.context["related"]]
    # Each shares one thing (the medical sector or Ankara): most read first,
    # then in (Turkish) title order: MEDİKÜM, Rekabet, Savunma.
    assert related == [
        "inoviz-izmir-for-health",
        "medikum-samsun-medical-industry-clusters",
        "competitiveness-and-clusters-analysis",
        "clusters-analysis-and-ostim-aerospace-and-defense-clusters-in-defense-industry-sector-dis",
    ]
    assertContains(response, "İlgili girişimler")


def test_related_initiatives_sharing_more_come_first(client, seed):
    samsun = Initiative.objects.get(slug="medikum-samsun-medical-industry-clusters")
    samsun.provinces.add(Province.objects.get(slug="ankara"))
    response = client.get(MEDICAL)
    assert response.context["related"][0] == samsun


def test_related_initiatives_fill_up_from_those_sharing_less(client, db):
    makine, gida = SectorFactory(name="Makine"), SectorFactory(name="Gıda")
    InitiativeFactory(
        title="Ana küme", slug="ana-kume", sectors=[makine, gida], provinces=["ankara"]
    )

    def sharing(title, hit_count, sectors, provinces=(), **fields):
        return InitiativeFactory(
            title=title,
            hit_count=hit_count,
            sectors=sectors,
            provinces=provinces,
            **fields,
        ).slug

    all_three = sharing("Üçü de", 0, [makine, gida], ["ankara"])
    sharing("Taslak", 50, [makine, gida], ["ankara"], is_published=False)
    zeytin = sharing("Zeytin", 5, [makine], ["ankara"])
    armut = sharing("Armut", 5, [gida], ["ankara"])
    cam = sharing("Cam", 9, [makine])
    cay = sharing("Çay", 9, [gida])
    sharing("Bal", 1, [], ["ankara"])
    response = client.get("/initiatives/ana-kume/")
    # Most shared first, then most read, then in Turkish title order (C before
    # Ç); the draft is left out, and five is the most shown.
    assert [i.slug for i in response.context["related"]] == [
        all_three,
        armut,
        zeytin,
        cam,
        cay,
    ]


def test_an_initiative_without_sector_or_province_has_no_related(client, db):
    InitiativeFactory(title="Yalnız küme")
    response = client.get("/initiatives/yalniz-kume/")
    assert response.context["related"] == []
    assertNotContains(response, "İlgili girişimler")


def test_only_staff_see_the_edit_link(editor_client, seed):
    initiative = Initiative.objects.get(slug="medical-industry-clusters")
    edit = f'href="/admin/initiatives/initiative/{initiative.pk}/change/"'
    assertNotContains(Client().get(MEDICAL), edit)
    reader = Client()
    reader.force_login(UserFactory(username="reader"))
    assertNotContains(reader.get(MEDICAL), edit)
    assertContains(editor_client.get(MEDICAL), edit)


def test_the_initiative_page_has_its_own_title_and_description(client, seed):
    response = client.get(MEDICAL)
    assertContains(
        response, "<title>Medikal Sanayi Kümelenmesi · Türkiye'de Kümelenme</title>"
    )
    english = client.get("/en" + MEDICAL)
    assertContains(
        english, "<title>Medical Industry Clusters · Clustering in Türkiye</title>"
    )
    assert re.search(
        r'<meta name="description" content="[^"]{20,}">', response.content.decode()
    )


# Institutions.


def test_the_institution_list_shows_each_with_its_published_initiatives(client, seed):
    response = client.get("/en/institutions/")
    counts = {i.slug: i.initiative_count for i in response.context["page_obj"]}
    assert counts["ostim"] == 3 and counts["kosgeb"] == 2 and counts["eu"] == 1
    assertContains(response, "22 institutions")
    assertContains(response, "3 initiatives")


def test_the_institution_list_filters_by_kind(client, seed):
    response = client.get("/en/institutions/?kind=oiz")
    assert {i.slug for i in response.context["page_obj"]} == {
        "ostim",
        "merzifon-organized-industrial-zone",
        "iaosb",
    }
    assertContains(response, "Organized industrial zone")
    kinds = {k["label"]: k for k in response.context["kinds"]}
    assert kinds["organized industrial zone"]["selected"]
    assert kinds["chamber"]["count"] == 6


@pytest.mark.parametrize("query", ["?kind=castle", "?kind=%00castle", "?kind=<b>x</b>"])
def test_a_bad_kind_says_so(client, seed, query):
    response = client.get("/en/institutions/" + query)
    assert response.status_code == 200
    assertContains(response, "Unknown kind")
    assertNotContains(response, "<b>x</b>")
    assert response.context["paginator"].count == 22


@pytest.mark.parametrize("query", ["?page=-1", "?page=99", "?page=x"])
def test_a_bad_institution_page_is_a_404(client, seed, query):
    assert client.get("/institutions/" + query).status_code == 404


def test_the_institution_page_groups_initiatives_by_role(client, seed):
    response = client.get("/en/institutions/ostim/")
    groups = [
        (str(role), [i.slug for i in initiatives])
        for role, initiatives in response.context["initiatives_by_role"]
    ]
    assert groups == [
        (
            "lead",
            [
                "clusters-analysis-and-ostim-aerospace-and-defense-clusters-in-defense-industry-sector-dis",
                "competitiveness-and-clusters-analysis",
            ],
        ),
        ("partner", ["medical-industry-clusters"]),
    ]
    assertContains(response, '<h3 id="role-1">Lead</h3>', html=False)
    assertContains(response, 'href="/en/initiatives/?institution=ostim"')
    assertContains(response, "3 initiatives")


def test_an_unknown_institution_is_a_404(client, db):
    assert client.get("/institutions/nobody/").status_code == 404


# Pages people expect: language, cookies, errors, accessibility.

PUBLIC_PAGES = [
    "/",
    "/initiatives/",
    "/initiatives/?province=izmir&q=küme",
    MEDICAL,
    "/institutions/",
    "/institutions/ostim/",
    "/en/",
    "/en/initiatives/",
    "/en" + MEDICAL,
    "/initiatives/does-not-exist/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_an_anonymous_visit_sets_no_cookie(client, seed, path):
    response = client.get(path, HTTP_USER_AGENT=BROWSER)
    assert response.status_code in (200, 404)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_have_no_inline_script_or_style(client, seed, path):
    content = client.get(path).content.decode()
    # The only script elements: JSON-LD data blocks, which no browser runs.
    content, data_blocks = re.subn(
        r'<script type="application/ld\+json">[^<]*</script>', "", content
    )
    assert data_blocks <= 1
    assert "<script" not in content
    assert "style=" not in content
    assert "<style" not in content
    assert 'href="/static/css/site.css"' in content


def test_pages_state_their_language_and_link_to_the_other(client, seed):
    turkish = client.get("/initiatives/?province=izmir")
    assertContains(turkish, '<html lang="tr">')
    assertContains(
        turkish,
        '<a href="/en/initiatives/?province=izmir" hreflang="en" lang="en">English</a>',
    )
    assertContains(
        turkish,
        '<link rel="alternate" hreflang="en" href="http://127.0.0.1:8000/en/initiatives/?province=izmir">',
    )
    assertContains(
        turkish,
        '<link rel="alternate" hreflang="tr" href="http://127.0.0.1:8000/initiatives/?province=izmir">',
    )
    english = client.get("/en" + MEDICAL)
    assertContains(english, '<html lang="en">')
    assertContains(english, f'<a href="{MEDICAL}" hreflang="tr" lang="tr">Türkçe</a>')


def test_a_404_page_offers_the_other_language_home(client, db):
    response = client.get("/en/nowhere/")
    assertContains(response, "Page not found", status_code=404)
    assertContains(
        response, '<a href="/" hreflang="tr" lang="tr">Türkçe</a>', status_code=404
    )


def test_the_page_has_a_skip_link_navigation_and_footer(client, seed):
    response = client.get("/en/initiatives/")
    for expected in (
        '<a class="skip-link" href="#main">Skip to content</a>',
        '<main id="main" tabindex="-1">',
        '<a href="/en/initiatives/" aria-current="page">Initiatives</a>',
        '<a href="/en/institutions/">Institutions</a>',
        "“Clustering in Turkey”",
        'href="/en/initiatives/export.xlsx">Excel (XLSX)</a>',
        'href="/en/initiatives/export.csv">CSV</a>',
        'href="/en/initiatives/export.json">JSON</a>',
        '<meta name="viewport"',
    ):
        assertContains(response, expected)


def test_the_stylesheet_is_a_local_static_file(client):
    path = finders.find("css/site.css")
    assert path
    css = Path(path).read_text()
    assert ":focus-visible" in css and "min-height: 44px" in css
    assert "http://" not in css and "https://" not in css and "@import" not in css


def test_the_500_page_needs_no_database_and_no_request_context():
    # No db fixture: any query here would raise.
    with translation.override("tr"):
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Bizim tarafımızda bir sorun oluştu" in response.content.decode()
    assert '<link rel="stylesheet"' in response.content.decode()


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


# Query counts stay the same with 18 and with 500 initiatives.


def add_initiatives(total):
    """Bulk-create published initiatives up to ``total``, each sharing a
    sector and a province with the seed's medical cluster and partnered with
    OSTİM, so every page has more to show."""
    medical = Sector.objects.get(slug="medikal")
    ankara = Province.objects.get(slug="ankara")
    izmir = Province.objects.get(slug="izmir")
    ostim = Institution.objects.get(slug="ostim")
    count = total - Initiative.objects.count()
    initiatives = []
    for n in range(count):
        title = f"Toplu kümelenme girişimi {n:03d}"
        initiative = Initiative(
            title=title,
            slug=f"toplu-{n:03d}",
            # "clusters": the searched word of the filtered list below.
            summary="Çok sayıda girişimle sorgu sayısı denemesi (clusters).",
            start_year=2000 + n % 20,
            is_published=True,
            hit_count=n,
            title_sort_key=text.sort_key(title),
        )
        initiatives.append(initiative)
    initiatives = Initiative.objects.bulk_create(initiatives)
    Initiative.sectors.through.objects.bulk_create(
        [Initiative.sectors.through(initiative=i, sector=medical) for i in initiatives]
    )
    Initiative.provinces.through.objects.bulk_create(
        [
            Initiative.provinces.through(initiative=i, province=p)
            for i in initiatives
            for p in (ankara, izmir)
        ]
    )
    Partnership.objects.bulk_create(
        [Partnership(initiative=i, institution=ostim, role="lead") for i in initiatives]
    )
    assert Initiative.objects.published().count() == total


QUERY_COUNTED_PAGES = [
    # Every page first reads the content version its cached copy is keyed by.
    # version, reads, most read, latest, the facets (sector, province,
    # status, institution in one statement: the figures and entry points are
    # the unfiltered list's)
    ("/", 5),
    # version, page, sectors, provinces, partners, the facets (one statement
    # for all four, each base computed once; the status counts give the
    # total: no count query)
    ("/initiatives/", 6),
    # the same + checking the sector, province and institution slugs
    (
        "/initiatives/?q=clusters&sector=medikal&province=ankara&province=izmir"
        "&institution=ostim&year_from=2000&status=unknown&ordering=title",
        10,
    ),
    # With a search: a sample of the initiatives tells whether it finds most
    # of them, and so how the facets count it (facet_sql.py)
    ("/initiatives/?q=clusters", 7),
    ("/en/initiatives/?ordering=-hits&page=1", 6),
    # version, initiative, sectors, provinces, partners, links, related,
    # 4 for the hit (visitor, readers behind the address, count, day), its
    # reads over the last twelve months; on SQLite those 5 in the hits
    # database, and 3 to copy the count into hit_count (busy timeout down,
    # the copy, busy timeout back)
    (MEDICAL, {"sqlite": (7 + 3, 5), "postgresql": 12}),
    # version, count, page, kinds
    ("/institutions/", 4),
    ("/institutions/?kind=oiz&q=zone", 4),
    # version, institution, its partnerships with their initiatives
    ("/institutions/ostim/", 3),
]


@pytest.mark.parametrize(("path", "queries"), QUERY_COUNTED_PAGES)
def test_pages_use_as_many_queries_with_500_initiatives_as_with_18(
    client, seed, django_assert_num_queries, assert_queries, path, queries
):
    hits.daily_salt()  # the day's first read would also create the salt
    visitor = iter(range(1000))

    def get():
        # A new visitor each time, so the initiative page counts a hit.
        response = client.get(path, HTTP_USER_AGENT=f"{BROWSER} {next(visitor)}")
        assert response.status_code == 200
        return response

    def exactly():
        if isinstance(queries, dict):
            return assert_queries(**queries)
        return django_assert_num_queries(queries)

    with exactly():
        small = get()
    add_initiatives(500)
    with exactly():
        large = get()
    if "initiatives/" in path and path != MEDICAL:
        assert large.context["paginator"].count > small.context["paginator"].count
    assert small.content != large.content


def test_the_turkish_catalogue_translates_every_string():
    po = (Path(settings.BASE_DIR) / "locale/tr/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]  # after the header
    untranslated = [
        entry
        for entry in entries
        if re.search(r'^msgstr(\[\d\])? ""$', entry, re.M)
        and not re.search(r'^msgstr(\[\d\])? ""\n"', entry, re.M)
    ]
    assert untranslated == []
    assert "#, fuzzy" not in po
    mo = Path(settings.BASE_DIR) / "locale/tr/LC_MESSAGES/django.mo"
    assert mo.stat().st_size > 10_000


def test_model_names_and_choices_are_translated(client, seed):
    with translation.override("tr"):
        assert str(Initiative._meta.verbose_name_plural) == "girişimler"
        assert str(Initiative.Status.COMPLETED.label) == "tamamlanan"
        assert str(Partnership.Role.LEAD.label) == "yürütücü"
        assert str(Institution.Kind.ORGANIZED_INDUSTRIAL_ZONE.label) == (
            "organize sanayi bölgesi"
        )
