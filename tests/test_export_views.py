"""The list's downloads (CSV, CSV for Turkish Excel, XLSX, JSON): what the
list shows, as open data, with their licence and time of generation."""

import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date
from openpyxl.utils import get_column_letter

from initiatives.models import (
    Initiative,
    Institution,
    Link,
    Partnership,
    Province,
    Sector,
)
from initiatives.transfer import INITIATIVE_COLUMNS, import_file
from initiatives.transfer.cells import format_decimal

LIST_URL = reverse("initiatives:initiative_list")
CSV_URL = reverse("initiatives:initiative_export_csv")
EXCEL_CSV_URL = reverse("initiatives:initiative_export_excel_csv")
XLSX_URL = reverse("initiatives:initiative_export_xlsx")
JSON_URL = reverse("initiatives:initiative_export_json")
DOWNLOAD_URLS = (CSV_URL, EXCEL_CSV_URL, XLSX_URL, JSON_URL)


@pytest.fixture
def registry(seed):
    """The seed, with one initiative unpublished and a formula in a summary."""
    hidden = Initiative.objects.order_by("pk").first()
    hidden.is_published = False
    hidden.save()
    shown = Initiative.objects.published().order_by("pk").first()
    Initiative.objects.filter(pk=shown.pk).update(summary='=HYPERLINK("http://evil")')
    return hidden


def csv_rows(response, delimiter=","):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content), delimiter=delimiter))


def csv_slugs(response):
    return [row["slug"] for row in csv_rows(response)]


def json_items(response):
    return json.loads(b"".join(response.streaming_content))["initiatives"]


def json_slugs(response):
    return [item["slug"] for item in json_items(response)]


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


def xlsx_rows(response):
    rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def as_csv_text(value):
    """An XLSX cell as the comma CSV writes the same value."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float):
        return format_decimal(Decimal(str(value)))
    return str(value)


def list_slugs(client, params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return [i.slug for i in response.context["paginator"].object_list]


def filter_cases():
    sector = Sector.objects.filter(initiatives__is_published=True).first()
    province = Province.objects.filter(initiatives__is_published=True).first()
    institution = Institution.objects.filter(partnerships__isnull=False).first()
    years = sorted(
        Initiative.objects.published()
        .exclude(start_year=None)
        .values_list("start_year", flat=True)
    )
    return [
        {},
        {"q": "kalkinma"},
        {"q": "İZMİR"},
        {"sector": sector.slug},
        {"sector": [s.slug for s in Sector.objects.all()[:3]]},
        {"province": province.slug},
        {"province": [p.slug for p in Province.objects.all()[:40]]},
        {"year_from": years[len(years) // 2]},
        {"year_to": years[len(years) // 2]},
        {"year_from": years[0], "year_to": years[-1]},
        {"institution": institution.slug},
        {"status": "unknown"},
        {"ordering": "-start_year"},
        {"sector": sector.slug, "q": "küme", "utm_source": "newsletter"},
    ]


@pytest.mark.django_db
def test_every_filter_gives_what_the_list_shows_and_never_unpublished(client, registry):
    non_empty = 0
    cases = filter_cases()
    for params in cases:
        expected = list_slugs(client, params)
        non_empty += bool(expected)
        responses = {url: client.get(url, params) for url in DOWNLOAD_URLS}
        assert {r.status_code for r in responses.values()} == {200}, params
        exported = csv_slugs(responses[CSV_URL])
        assert sorted(exported) == sorted(expected), params
        excel_rows = csv_rows(responses[EXCEL_CSV_URL], delimiter=";")
        assert [row["slug"] for row in excel_rows] == exported, params
        xlsx_slugs = [row["slug"] for row in xlsx_rows(responses[XLSX_URL])]
        assert xlsx_slugs == exported, params
        assert json_slugs(responses[JSON_URL]) == exported, params
        assert registry.slug not in exported
    assert non_empty >= len(cases) - 2  # the cases do select something


@pytest.mark.django_db
def test_export_streams_the_import_columns_with_a_dated_file_name(client, registry):
    response = client.get(CSV_URL)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert f'filename="initiatives-{today}.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == list(INITIATIVE_COLUMNS)
    assert len(rows) == 17
    assert '\'=HYPERLINK("http://evil")' in [row["summary"] for row in rows]
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_json_export_has_the_columns_as_keys_lists_as_arrays_and_page_urls(
    client, registry, settings
):
    settings.SITE_URL = "https://kumeler.example.org"
    Link.objects.create(
        initiative=Initiative.objects.published().first(),
        url="https://example.org/report.pdf",
        title="Rapor",
        kind=Link.Kind.REPORT,
    )
    response = client.get(JSON_URL)
    assert response["Content-Type"] == "application/json"
    assert "initiatives-" in response["Content-Disposition"]
    items = json_items(response)
    assert items
    assert all(list(item) == [*INITIATIVE_COLUMNS, "urls"] for item in items)
    # Open data, not a spreadsheet: no formula escape in JSON.
    assert '=HYPERLINK("http://evil")' in [item["summary"] for item in items]
    initiative = Initiative.objects.get(slug=items[0]["slug"])
    assert items[0]["urls"] == {
        "tr": f"https://kumeler.example.org/initiatives/{initiative.slug}/",
        "en": f"https://kumeler.example.org/en/initiatives/{initiative.slug}/",
    }
    assert sorted(items[0]["provinces"]) == sorted(
        p.name for p in initiative.provinces.all()
    )
    assert all(isinstance(item["sectors"], list) for item in items)
    partnered = next(i for i in items if i["partners"])
    partnership = Partnership.objects.filter(
        initiative__slug=partnered["slug"]
    ).order_by("position", "id")[0]
    assert partnered["partners"][0] == {
        "name": partnership.institution.name,
        "role": partnership.role,
    }
    linked = next(i for i in items if i["links"])
    assert linked["links"] == [
        {"title": "Rapor", "url": "https://example.org/report.pdf", "kind": "report"}
    ]


@pytest.mark.django_db
def test_json_metadata_states_licence_time_and_source(client, registry, settings):
    settings.SITE_URL = "https://kumeler.example.org"
    before = timezone.now().replace(microsecond=0)
    response = client.get("/en" + JSON_URL, {"province": "izmir", "utm_source": "x"})
    metadata = json.loads(b"".join(response.streaming_content))["metadata"]
    assert metadata["licence"] == "CC BY 4.0"
    assert metadata["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    generated = datetime.datetime.fromisoformat(metadata["generated"])
    assert before <= generated <= timezone.now()
    assert metadata["source"] == (
        "https://kumeler.example.org/en/initiatives/?province=izmir"
    )
    assert metadata["language"] == "en"
    assert metadata["title"] == "Cluster initiatives · Clustering in Türkiye"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "file_name"),
    [
        (CSV_URL, "initiatives-{today}.csv"),
        (EXCEL_CSV_URL, "initiatives-{today}-excel.csv"),
        (XLSX_URL, "initiatives-{today}.xlsx"),
        (JSON_URL, "initiatives-{today}.json"),
    ],
)
def test_every_download_names_its_licence_date_and_time(
    client, registry, url, file_name
):
    before = timezone.now().replace(microsecond=0)
    response = client.get(url)
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="{file_name.format(today=today)}"'
    )
    assert response["Link"] == (
        '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    )
    modified = parse_http_date(response["Last-Modified"])
    assert before.timestamp() <= modified <= timezone.now().timestamp()
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_xlsx_has_a_frozen_header_readable_widths_and_the_csv_rows(client, registry):
    Initiative.objects.filter(pk=Initiative.objects.published().first().pk).update(
        budget_amount=Decimal("1234.50")
    )
    response = client.get(XLSX_URL)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = xlsx_sheet(response)
    assert sheet.freeze_panes == "A2"
    widths = {
        sheet.cell(row=1, column=n).value: sheet.column_dimensions[
            get_column_letter(n)
        ].width
        for n in range(1, sheet.max_column + 1)
    }
    assert all(8 <= width <= 60 for width in widths.values())
    assert widths["description"] == 60 > widths["status"] >= len("status")
    csv_table = csv_rows(client.get(CSV_URL))
    xlsx_table = xlsx_rows(response)
    assert list(xlsx_table[0]) == list(INITIATIVE_COLUMNS)
    assert [
        {column: as_csv_text(value) for column, value in row.items()}
        for row in xlsx_table
    ] == csv_table


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "date_format", "sheet_title"),
    [("", "dd.mm.yyyy", "Lisans"), ("/en", "yyyy-mm-dd", "Licence")],
)
def test_xlsx_numbers_and_dates_in_the_page_languages_formats(
    client, registry, prefix, date_format, sheet_title
):
    Initiative.objects.filter(pk=Initiative.objects.published().first().pk).update(
        budget_amount=Decimal("1234.50")
    )
    book = openpyxl.load_workbook(io.BytesIO(client.get(prefix + XLSX_URL).content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = {name: n for n, name in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=2))
    dated = next(r for r in rows if r[column["date_added"]].value)
    assert dated[column["date_added"]].is_date
    assert dated[column["date_added"]].number_format == date_format
    assert dated[column["start_year"]].number_format == "0"
    assert dated[column["hit_count"]].number_format == "#,##0"
    budgeted = next(r for r in rows if r[column["budget_amount"]].value == 1234.5)
    assert budgeted[column["budget_amount"]].number_format == "#,##0.00"
    assert book.sheetnames[1] == sheet_title
    notes = " ".join(str(c.value) for row in book.worksheets[1].rows for c in row)
    assert "CC BY 4.0" in notes
    assert "https://creativecommons.org/licenses/by/4.0/" in notes
    assert "https://creativecommons.org/licenses/by/4.0/" in book.properties.description


@pytest.mark.django_db
def test_csv_for_turkish_excel_has_bom_semicolons_and_decimal_commas(client, registry):
    budgeted = Initiative.objects.published().first()
    Initiative.objects.filter(pk=budgeted.pk).update(budget_amount=Decimal("1234.50"))
    response = client.get(EXCEL_CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").split("\r\n")[0] == ";".join(INITIATIVE_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    plain = csv_rows(client.get(CSV_URL))
    assert [row["slug"] for row in rows] == [row["slug"] for row in plain]
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug[budgeted.slug]["budget_amount"] == "1234,5"
    assert by_slug[budgeted.slug]["date_added"] == budgeted.date_added.strftime(
        "%d.%m.%Y"
    )
    assert by_slug[budgeted.slug]["title"] == budgeted.title
    # Formulas stay escaped, as in every spreadsheet file.
    assert '\'=HYPERLINK("http://evil")' in [row["summary"] for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"sector": "no-such-sector"},
        {"year_from": "abc"},
        {"institution": "atlantis"},
        {"status": "secret"},
    ],
)
def test_bad_parameters_say_what_was_wrong(client, registry, params):
    for url in DOWNLOAD_URLS:
        response = client.get(url, params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert response.content.strip()


@pytest.mark.django_db
def test_the_list_links_to_the_exports_with_its_filters(client, registry):
    sector = Sector.objects.filter(initiatives__is_published=True).first()
    response = client.get(LIST_URL, {"sector": sector.slug, "page": "1"})
    content = response.content.decode()
    for url in DOWNLOAD_URLS:
        assert f"{url}?sector={sector.slug}" in content
    assert "CSV for Turkish Excel (semicolons)" not in content  # Turkish page
    assert ">Türkçe Excel için CSV (noktalı virgüllü)</a>" in content
    assert (
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">'
        "CC BY 4.0</a>" in content
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", [EXCEL_CSV_URL, XLSX_URL])
def test_the_spreadsheet_downloads_import_back_without_a_change(client, registry, url):
    Initiative.objects.filter(pk=Initiative.objects.published().first().pk).update(
        budget_amount=Decimal("1234.50")
    )
    response = client.get(url)
    data = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    result = import_file(data=data, file_name=url.rsplit("/", 1)[1], dry_run=True)
    assert not result.has_errors(), result.report_lines()
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 17, "errors": 0}
