"""/statistics/: tables, charts and CSV files under the list's filters."""

import datetime
import re
from collections import Counter

import pytest
from django.db.models import Sum
from django.utils.text import capfirst
from pytest_django.asserts import assertContains

from initiatives import charts as charts_module
from initiatives.models import DailyHit, Initiative, Partnership
from initiatives.statistics import TABLES
from tests.factories import InitiativeFactory, SectorFactory
from tests.test_views import add_initiatives

FILTERED = "?sector=medikal&province=izmir&status=unknown"


def section(response, name):
    return re.search(
        rf'<section class="statistic" id="{name}".*?</section>',
        response.content.decode(),
        re.S,
    ).group(0)


def table_rows(response, name):
    """{label: count} of one table as the page shows it."""
    rows = re.findall(
        r'<tr><th scope="row">(.*?)</th><td class="number">([\d.,]+)</td></tr>',
        section(response, name),
    )
    return {re.sub(r"<[^>]+>", "", label): count for label, count in rows}


def chart_numbers(response, name):
    return re.findall(
        r'<text class="chart__number"[^>]*>([^<]*)</text>', section(response, name)
    )


@pytest.mark.parametrize("query", ["", FILTERED, "?q=izmir&year_from=2005"])
def test_sector_province_and_status_tables_equal_the_lists_facet_counts(
    client, seed, query
):
    listed = client.get("/en/initiatives/" + query)
    statistics = client.get("/en/statistics/" + query)
    for facet in listed.context["facets"]:
        name = {"sector": "sectors", "province": "provinces", "status": "statuses"}.get(
            facet["name"]
        )
        if name is None:
            continue
        expected = {str(o["label"]): str(o["count"]) for o in facet["options"]}
        assert table_rows(statistics, name) == expected
        # The chart is drawn from the same rows, in the same order.
        assert chart_numbers(statistics, name) == list(expected.values())
    assert statistics.context["total"] == listed.context["paginator"].count


def test_start_years_count_the_initiatives_the_list_shows_for_each_year(client, seed):
    statistics = client.get("/en/statistics/?sector=medikal")
    rows = table_rows(statistics, "start-years")
    for year, count in rows.items():
        if year.isdigit():
            listed = client.get(
                f"/en/initiatives/?sector=medikal&year_from={year}&year_to={year}"
            )
            assert listed.context["paginator"].count == int(count), year
    without = Initiative.objects.published().filter(
        sectors__slug="medikal", start_year=None
    )
    assert rows.get("No start year", "0") == str(without.count())


def test_institutions_by_kind_and_role_count_each_institution_once(client, seed):
    response = client.get("/en/statistics/")
    partnerships = Partnership.objects.filter(
        initiative__in=Initiative.objects.published()
    ).select_related("institution")
    kinds = Counter(
        capfirst(p.institution.get_kind_display())
        for p in {p.institution_id: p for p in partnerships}.values()
    )
    roles = Counter(
        capfirst(p.get_role_display())
        for p in {(p.role, p.institution_id): p for p in partnerships}.values()
    )
    assert table_rows(response, "institution-kinds") == {
        kind: str(n) for kind, n in kinds.items()
    }
    assert table_rows(response, "roles") == {role: str(n) for role, n in roles.items()}
    assert sum(kinds.values()) == len({p.institution_id for p in partnerships})


def add_reads(initiative, *days_and_counts):
    DailyHit.objects.bulk_create(
        DailyHit(initiative=initiative, day=day, count=count)
        for day, count in days_and_counts
    )


def test_reads_per_month_are_the_sums_of_the_daily_counts_with_empty_months(
    client, seed
):
    medical = Initiative.objects.get(slug="medical-industry-clusters")
    other = Initiative.objects.get(slug="inoviz-izmir-for-health")
    add_reads(
        medical,
        (datetime.date(2026, 1, 5), 1200),
        (datetime.date(2026, 1, 31), 34),
        (datetime.date(2026, 4, 1), 7),
    )
    add_reads(other, (datetime.date(2026, 1, 6), 3))
    rows = table_rows(client.get("/en/statistics/"), "reads")
    assert rows == {
        "January 2026": "1,237",
        "February 2026": "0",
        "March 2026": "0",
        "April 2026": "7",
    }
    total = DailyHit.objects.aggregate(total=Sum("count"))["total"]
    assert sum(int(c.replace(",", "")) for c in rows.values()) == total
    # In Turkish, Turkish month names and number format; filtered to İzmir.
    rows = table_rows(client.get("/statistics/?province=izmir"), "reads")
    assert rows == {"Ocak 2026": "3"}


def test_reads_per_month_leave_out_hidden_and_deleted_initiatives_and_unmatched_filters(
    client, seed
):
    shown = Initiative.objects.get(slug="medical-industry-clusters")
    hidden = Initiative.objects.get(slug="inoviz-izmir-for-health")
    add_reads(shown, (datetime.date(2026, 2, 3), 5))
    add_reads(hidden, (datetime.date(2026, 2, 4), 40))
    Initiative.objects.filter(pk=hidden.pk).update(is_published=False)
    deleted = Initiative.objects.published().exclude(pk=shown.pk).first()
    add_reads(deleted, (datetime.date(2026, 3, 9), 60))
    deleted.delete()
    rows = table_rows(client.get("/en/statistics/"), "reads")
    assert rows == {"February 2026": "5"}
    # A filter that matches no initiative: no reads, no error.
    rows = table_rows(client.get("/en/statistics/?q=zzzznothing"), "reads")
    assert rows == {}


def test_the_csv_of_a_table_has_its_rows_in_the_page_language(client, seed):
    response = client.get("/en/statistics/provinces.csv?sector=medikal")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="statistics-provinces-\d{4}-\d\d-\d\d\.csv"',
        response["Content-Disposition"],
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffkey,label,count\r\n")
    lines = text[1:].splitlines()[1:]
    page = table_rows(client.get("/en/statistics/?sector=medikal"), "provinces")
    assert [line.split(",")[1:] for line in lines] == [
        [label, count] for label, count in page.items()
    ]
    assert "izmir,İzmir,1" in lines


def test_a_csv_escapes_labels_a_spreadsheet_would_run(client, seed):
    sector = SectorFactory(name="=HYPERLINK(1)", slug="formula")
    InitiativeFactory(slug="with-formula", sectors=[sector])
    text = client.get("/statistics/sectors.csv").content.decode()
    assert "formula,'=HYPERLINK(1),1\r\n" in text


def test_a_bad_parameter_gives_400_and_an_unknown_table_404(client, seed):
    response = client.get("/statistics/sectors.csv?sector=nope")
    assert response.status_code == 400
    assert "nope" in response.content.decode()
    assert client.get("/statistics/nothing.csv").status_code == 404
    page = client.get("/en/statistics/?sector=nope")
    assertContains(page, "Unknown sector: nope")


def test_chart_coordinates_are_plain_numbers_on_a_turkish_page(client, seed):
    for n in range(30):
        InitiativeFactory(slug=f"year-{n}", start_year=1990 + n)
    page = client.get("/statistics/").content.decode()
    charts = re.findall(r'<svg class="chart.*?</svg>', page, re.S)
    assert len(charts) == 6  # every table but reads, which has none yet
    values = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', "".join(charts))
    assert values and all(re.fullmatch(r"\d+(\.\d)?", v) for v in values), values
    assert charts_module.bars([("a", 1, "1")] * 30)["bars"][29]["label_y"] == "1174"


def test_numbers_are_in_the_page_language(client, seed):
    add_initiatives(1500)
    turkish = table_rows(client.get("/statistics/"), "sectors")
    english = table_rows(client.get("/en/statistics/"), "sectors")
    assert turkish["Medikal ve sağlık"] == "1.485"
    assert english["Medical and health"] == "1,485"


def test_the_page_is_in_the_header_and_cached(
    client, seed, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 60
    response = client.get("/en/statistics/")
    assertContains(response, '<a href="/en/statistics/" aria-current="page">')
    with django_assert_num_queries(1):  # the content version only
        client.get("/en/statistics/")


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # version, the facet counts (total and the four facets, one statement
        # with no filter; the total is theirs, no count of its own), years,
        # kinds, roles, reads
        ("/statistics/", 6),
        # the same (the facets with their own bases, still one statement, and
        # a sample telling how to count the search: facet_sql.py), and
        # checking the sector, province and institution slugs
        (
            "/en/statistics/?q=clusters&sector=medikal&province=ankara"
            "&institution=ostim&year_from=2000&status=unknown",
            10,
        ),
    ],
)
def test_statistics_use_as_many_queries_with_500_initiatives_as_with_18(
    client, seed, django_assert_num_queries, path, queries
):
    medical = Initiative.objects.get(slug="medical-industry-clusters")
    add_reads(medical, (datetime.date(2026, 3, 1), 5))
    with django_assert_num_queries(queries):
        small = client.get(path)
    add_initiatives(500)
    DailyHit.objects.bulk_create(
        DailyHit(initiative=i, day=datetime.date(2025, 1 + i.pk % 12, 1), count=2)
        for i in Initiative.objects.filter(slug__startswith="toplu-")
    )
    with django_assert_num_queries(queries):
        large = client.get(path)
    assert small.content != large.content


def test_the_canonical_link_keeps_the_filters_and_drops_order_and_junk(
    client, seed, settings
):
    settings.SITE_URL = "https://kumeler.example.org"
    response = client.get(
        "/en/statistics/?utm_source=x&province=izmir&sector=medikal&ordering=title"
    )
    assertContains(
        response,
        '<link rel="canonical" href="https://kumeler.example.org/en/statistics/'
        '?sector=medikal&amp;province=izmir">',
    )


def test_no_match_says_there_is_nothing_to_count_and_the_csv_is_a_header(client, seed):
    response = client.get("/en/statistics/?q=zzzz-nothing-matches")
    assertContains(response, "Nothing to count here yet.", count=len(TABLES))
    assert response.context["total"] == 0
    text = client.get("/statistics/roles.csv?q=zzzz-nothing-matches").content
    assert text.decode() == "\ufeffkey,label,count\r\n"


def test_a_name_with_markup_is_text_in_the_chart_and_the_table(client, seed):
    sector = SectorFactory(name="<b>Kalın</b> & co", slug="kalin")
    InitiativeFactory(slug="kalin-kume", sectors=[sector])
    page = client.get("/statistics/").content.decode()
    assert "<b>Kalın</b>" not in page
    assert page.count("&lt;b&gt;Kalın&lt;/b&gt; &amp; co") == 2  # chart, table


@pytest.mark.parametrize("query", ["", "?province=izmir&sector=medikal"])
def test_statistics_reuse_the_lists_facet_counts(
    client, seed, django_assert_num_queries, query
):
    listed = client.get("/initiatives/" + query)
    # version, slugs checked (filtered), years, kinds, roles, reads: the
    # sector, province and status tables and the total come from the
    # counts the list has just kept for this content version and filter set.
    with django_assert_num_queries(5 + (2 if query else 0)):
        response = client.get("/statistics/" + query)
    tables = {table["name"]: table for table in response.context["tables"]}
    for name, facet in (("sectors", "sector"), ("provinces", "province")):
        shown = {row["key"]: row["count"] for row in tables[name]["rows"]}
        assert shown == {
            option["value"]: option["count"]
            for option in next(
                f for f in listed.context["facets"] if f["name"] == facet
            )["options"]
        }
    assert response.context["total"] == listed.context["paginator"].count
