"""Import and export through real files, the way editors and Excel make them."""

import csv
import io
import time

import openpyxl
import pytest
from django.conf import settings
from django.db.models import F
from django.utils import translation

from initiatives.models import (
    Initiative,
    Institution,
    Link,
    Partnership,
    Province,
    Sector,
)
from initiatives.transfer import (
    INITIATIVE_COLUMNS,
    InstitutionResource,
    SectorResource,
    escape_cell,
    export_file,
    import_file,
    unescape_cell,
)
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    LinkFactory,
    PartnershipFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are checked in English; the site's default language is Turkish.
    with translation.override("en"):
        yield


HEADER = ",".join(INITIATIVE_COLUMNS)


def parse_csv(data):
    """Rows (as dicts) of an export, as Excel would show them."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def write_csv(rows, *, delimiter=",", encoding="utf-8", line_end="\n", columns=None):
    buffer = io.StringIO(newline="")
    columns = columns or list(rows[0])
    writer = csv.DictWriter(
        buffer, fieldnames=columns, delimiter=delimiter, lineterminator=line_end
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def database_state():
    """Everything an import could change, to compare before and after."""
    return {
        "initiatives": list(
            Initiative.objects.order_by("pk").values(
                *[f.attname for f in Initiative._meta.concrete_fields]
            )
        ),
        "sectors": sorted(
            Initiative.sectors.through.objects.values_list("initiative_id", "sector_id")
        ),
        "provinces": sorted(
            Initiative.provinces.through.objects.values_list(
                "initiative_id", "province_id"
            )
        ),
        "partners": list(Partnership.objects.order_by("pk").values_list()),
        "links": list(Link.objects.order_by("pk").values_list()),
        "institutions": list(Institution.objects.order_by("pk").values_list()),
        "sector_rows": list(Sector.objects.order_by("pk").values_list()),
    }


def new_row(n, **values):
    row = dict.fromkeys(INITIATIVE_COLUMNS, "")
    row.update(
        slug=f"yeni-kume-{n}",
        title=f"Yeni küme {n}",
        start_year="2015",
        status="active",
    )
    row.update(values)
    return row


def errors_of(result):
    return [(e.row, e.column) for e in result.row_error_list]


@pytest.fixture
def registry(db):
    """A small registry with partners, links, sectors and provinces."""
    sector = SectorFactory(name="Savunma sanayii", name_en="Defence industry")
    SectorFactory(name="Makine", name_en="Machinery")
    kosgeb = InstitutionFactory(
        name="Küçük ve Orta Ölçekli İşletmeleri Geliştirme ve Destekleme İdaresi",
        acronym="KOSGEB",
        kind=Institution.Kind.PUBLIC_AGENCY,
    )
    ostim = InstitutionFactory(name="OSTİM Organize Sanayi Bölgesi", acronym="OSTİM")
    first = InitiativeFactory(
        title="OSTİM Savunma ve Havacılık Kümelenmesi",
        number=1,
        sectors=[sector],
        provinces=["ankara", "izmir"],
        budget_amount="1080630.00",
        budget_currency="EUR",
        description="İlk satır\nİkinci satır",
    )
    PartnershipFactory(initiative=first, institution=ostim, role="lead", position=0)
    PartnershipFactory(initiative=first, institution=kosgeb, role="funder", position=1)
    LinkFactory(
        initiative=first, url="https://www.ostim.org.tr/", title="OSTİM", kind="website"
    )
    second = InitiativeFactory(
        title="Şanlıurfa Organik Tarım Kümesi", provinces=["sanliurfa"]
    )
    InitiativeFactory(title="Taslak girişim", is_published=False)
    return {"first": first, "second": second, "kosgeb": kosgeb}


def test_export_has_the_columns_in_the_documented_order(registry):
    data = export_file()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").split("\r\n")[0] == HEADER


def test_export_writes_readable_cells(registry):
    rows = {row["slug"]: row for row in parse_csv(export_file())}
    first = rows["ostim-savunma-ve-havacilik-kumelenmesi"]
    assert first["sectors"] == "Savunma sanayii"
    assert first["provinces"] == "Ankara | İzmir"
    assert first["partners"] == (
        "OSTİM Organize Sanayi Bölgesi (lead) | Küçük ve Orta Ölçekli İşletmeleri "
        "Geliştirme ve Destekleme İdaresi (funder)"
    )
    assert first["links"] == "OSTİM <https://www.ostim.org.tr/> (website)"
    assert first["budget_amount"] == "1080630"
    assert first["is_published"] == "yes"
    assert rows["taslak-girisim"]["is_published"] == "no"


def test_round_trip_export_import_export_is_byte_identical_and_changes_nothing(
    registry,
):
    first_export = export_file()
    before = database_state()

    result = import_file(data=first_export)

    assert not result.has_errors()
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 3, "errors": 0}
    assert database_state() == before
    assert export_file() == first_export


def test_round_trip_of_the_seed(seed):
    first_export = export_file()
    before = database_state()
    result = import_file(data=first_export)
    assert result.counts["unchanged"] == 18
    assert database_state() == before
    assert export_file() == first_export


def test_excel_edit_in_windows_1254_with_semicolons_changes_exactly_one_initiative(
    registry,
):
    rows = parse_csv(export_file())
    assert rows[1]["slug"] == "sanliurfa-organik-tarim-kumesi"
    rows[1]["title"] = "Şanlıurfa Organik Tarım ve Gıda Kümesi (ŞOT)"
    excel_file = write_csv(rows, delimiter=";", encoding="cp1254", line_end="\r\n")
    assert b";" in excel_file.splitlines()[0] and b"\r\n" in excel_file
    before = database_state()

    preview = import_file(data=excel_file, dry_run=True)

    assert preview.counts == {"new": 0, "changed": 1, "unchanged": 2, "errors": 0}
    (change,) = preview.new_and_changed()
    assert change.slug == "sanliurfa-organik-tarim-kumesi"
    assert change.changes == [
        (
            "title",
            "Şanlıurfa Organik Tarım Kümesi",
            "Şanlıurfa Organik Tarım ve Gıda Kümesi (ŞOT)",
        )
    ]
    assert database_state() == before

    result = import_file(data=excel_file)

    assert result.counts["changed"] == 1
    registry["second"].refresh_from_db()
    assert registry["second"].title == "Şanlıurfa Organik Tarım ve Gıda Kümesi (ŞOT)"
    assert Initiative.objects.search("gida kumesi sot").get() == registry["second"]
    assert Initiative.objects.all().refresh_search_text() == 0
    after = database_state()
    assert after["partners"] == before["partners"]
    assert after["links"] == before["links"]


def test_stale_file_does_not_lose_hits_recorded_since_the_export(registry):
    old_export = export_file()
    Initiative.objects.filter(pk=registry["first"].pk).update(
        hit_count=F("hit_count") + 5
    )
    rows = parse_csv(old_export)
    rows[0]["summary"] = "Yeni özet"
    import_file(data=write_csv(rows))
    registry["first"].refresh_from_db()
    assert registry["first"].hit_count == 5
    assert registry["first"].summary == "Yeni özet"


def test_hit_count_in_the_file_is_never_imported(registry):
    rows = [new_row(1, hit_count="999999")]
    rows.append({**parse_csv(export_file())[0], "hit_count": "12345"})
    result = import_file(data=write_csv(rows))
    assert result.counts == {"new": 1, "changed": 0, "unchanged": 1, "errors": 0}
    assert Initiative.objects.get(slug="yeni-kume-1").hit_count == 0
    registry["first"].refresh_from_db()
    assert registry["first"].hit_count == 0


def test_one_bad_row_among_100_writes_nothing_and_names_its_row_and_column(registry):
    rows = [new_row(n) for n in range(100)]
    rows[56]["start_year"] = "abc"
    before = database_state()

    result = import_file(data=write_csv(rows))

    assert database_state() == before
    # Row 1 is the header: the 57th data row is row 58 of the spreadsheet.
    assert errors_of(result) == [(58, "start_year")]
    assert "Row 58, column start_year" in str(result.row_error_list[0])
    assert "abc" in str(result.row_error_list[0])
    assert result.counts["errors"] == 1


def test_every_bad_row_is_reported_at_once(registry):
    rows = [new_row(n) for n in range(5)]
    rows[0]["provinces"] = "Atlantis"
    rows[2]["links"] = "Tıkla <javascript:alert(1)> (website)"
    rows[3]["end_year"] = "2001"
    rows[4]["start_year"] = "1850"
    result = import_file(data=write_csv(rows))
    assert errors_of(result) == [
        (2, "provinces"),
        (4, "links"),
        (5, "end_year"),
        (6, "start_year"),
    ]
    assert "Atlantis" in result.row_error_list[0].message
    assert "http" in result.row_error_list[1].message
    assert not Initiative.objects.filter(slug__startswith="yeni-kume").exists()


def test_unknown_province_and_sector_are_errors_never_new_records(registry):
    rows = [new_row(1, provinces="Atlantis", sectors="Uzay madenciliği")]
    provinces, sectors = Province.objects.count(), Sector.objects.count()
    result = import_file(data=write_csv(rows))
    assert errors_of(result) == [(2, "sectors"), (2, "provinces")]
    assert (Province.objects.count(), Sector.objects.count()) == (provinces, sectors)


def test_windows_1254_file_with_turkish_province_names(registry):
    rows = [
        new_row(1, provinces="Şanlıurfa | Elazığ | İzmir"),
        new_row(2, provinces="sanliurfa|ELAZIG|izmır"),
    ]
    data = write_csv(rows, delimiter=";", encoding="cp1254", line_end="\r\n")
    result = import_file(data=data)
    assert not result.has_errors(), result.report_lines()
    for slug in ("yeni-kume-1", "yeni-kume-2"):
        initiative = Initiative.objects.get(slug=slug)
        assert sorted(initiative.provinces.values_list("slug", flat=True)) == [
            "elazig",
            "izmir",
            "sanliurfa",
        ]
    assert Initiative.objects.search("elazig").count() == 2


def test_utf8_with_bom_and_sectors_by_slug_name_or_english_name(registry):
    rows = [
        new_row(1, sectors="SAVUNMA SANAYİİ | machinery"),
        new_row(2, sectors="makine"),
    ]
    data = b"\xef\xbb\xbf" + write_csv(rows)
    result = import_file(data=data)
    assert not result.has_errors(), result.report_lines()
    assert list(
        Initiative.objects.get(slug="yeni-kume-1").sectors.values_list(
            "name_tr", flat=True
        )
    ) == ["Makine", "Savunma sanayii"]


def test_partners_matched_by_acronym_name_or_slug_turkish_insensitively(registry):
    rows = [
        new_row(1, partners="kosgeb (funder) | ostim organize sanayi bolgesi (lead)"),
    ]
    result = import_file(data=write_csv(rows))
    assert not result.has_errors(), result.report_lines()
    initiative = Initiative.objects.get(slug="yeni-kume-1")
    assert [(p.institution.acronym, p.role) for p in initiative.partnerships.all()] == [
        ("KOSGEB", "funder"),
        ("OSTİM", "lead"),
    ]
    assert Initiative.objects.search("kosgeb").filter(pk=initiative.pk).exists()


def test_unknown_institution_is_an_error(registry):
    result = import_file(
        data=write_csv([new_row(1, partners="Hayali Vakıf (partner)")])
    )
    assert errors_of(result) == [(2, "partners")]
    assert "Hayali Vakıf" in result.row_error_list[0].message


def test_duplicate_slug_inside_one_file(registry):
    rows = [new_row(1), new_row(2, slug="yeni-kume-1")]
    result = import_file(data=write_csv(rows))
    assert errors_of(result) == [(3, "slug")]
    assert "row 2" in result.row_error_list[0].message
    assert not Initiative.objects.filter(slug="yeni-kume-1").exists()


def test_a_row_without_slug_gets_one_from_its_title_and_reimport_changes_nothing(
    registry,
):
    rows = [new_row(1, slug="", title="Çorlu Tekstil Kümesi")]
    first = import_file(data=write_csv(rows))
    assert first.counts["new"] == 1
    assert Initiative.objects.filter(slug="corlu-tekstil-kumesi").exists()
    again = import_file(data=write_csv(rows))
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 1, "errors": 0}
    assert Initiative.objects.filter(title_tr="Çorlu Tekstil Kümesi").count() == 1


def test_rows_not_in_the_file_are_never_deleted(registry):
    rows = parse_csv(export_file())[:1]
    import_file(data=write_csv(rows))
    assert Initiative.objects.count() == 3


def test_a_file_with_only_some_columns_changes_only_those(registry):
    data = "slug;summary\r\nostim-savunma-ve-havacilik-kumelenmesi;Kısa\r\n".encode()
    before = database_state()
    result = import_file(data=data)
    assert result.new_and_changed()[0].changed_columns == ["summary"]
    after = database_state()
    assert after["partners"] == before["partners"]
    assert after["sectors"] == before["sectors"]
    registry["first"].refresh_from_db()
    assert registry["first"].summary == "Kısa"
    assert registry["first"].budget_amount == 1080630


def test_formula_cells_are_escaped_on_export_and_restored_on_import(registry):
    evil = '=HYPERLINK("http://evil")'
    Initiative.objects.filter(pk=registry["first"].pk).update(
        summary_tr=evil, other_regions_tr="-Emilia", support_programme="@UR-GE"
    )
    data = export_file()
    row = parse_csv(data)[0]
    assert row["summary"] == "'" + evil
    assert row["other_regions"] == "'-Emilia"
    assert row["support_programme"] == "'@UR-GE"
    assert import_file(data=data).counts["changed"] == 0
    registry["first"].refresh_from_db()
    assert registry["first"].summary_tr == evil
    assert export_file() == data


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+90 312", "-", "@x", "\tx", "'=x", "''", "'x", "plain", "", "it's"],
)
def test_escape_is_undone_exactly(value):
    assert unescape_cell(escape_cell(value)) == value


def test_xlsx_round_trip(registry):
    data = export_file(file_format="xlsx")
    before = database_state()
    result = import_file(data=data, file_name="initiatives.xlsx")
    assert result.counts["unchanged"] == 3, result.report_lines()
    assert database_state() == before


def test_xlsx_formula_cell_is_a_row_error(registry, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["slug", "title", "member_firms"])
    sheet.append(["yeni-kume-1", "Yeni küme", "=2*21"])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    result = import_file(data=path.read_bytes(), file_name="formulas.xlsx")
    assert errors_of(result) == [(2, "member_firms")]
    assert "formula" in result.row_error_list[0].message
    assert not Initiative.objects.filter(slug="yeni-kume-1").exists()


def test_json_export_has_the_same_keys_and_imports_back(registry):
    import json

    data = export_file(file_format="json")
    items = json.loads(data)
    assert list(items[0]) == list(INITIATIVE_COLUMNS)
    assert items[0]["is_published"] is True
    result = import_file(data=data, file_name="export.json")
    assert result.counts["unchanged"] == 3, result.report_lines()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\r\n  \r\n", "empty"),
        (HEADER.encode() + b"\r\n", "no rows"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "could not be read",
        ),
        (b"PK\x03\x04 not really a zip", "could not be read"),
        (b"name,age\nAli,3\n", "Unknown columns"),
    ],
)
def test_unreadable_files_get_one_clear_message(registry, data, message):
    before = database_state()
    result = import_file(data=data, file_name="initiatives.csv")
    assert result.has_errors()
    assert message in result.file_error
    assert database_state() == before


def test_a_50000_row_file_is_refused_quickly_without_writing(registry, settings):
    rows = [new_row(n, summary="Bir kümelenme girişimi. " * 3) for n in range(50_000)]
    data = write_csv(rows)
    started = time.monotonic()
    result = import_file(data=data)
    assert time.monotonic() - started < 5
    assert "limit" in result.file_error or "at most" in result.file_error
    assert not Initiative.objects.filter(slug__startswith="yeni-kume").exists()


def test_import_uses_a_fixed_number_of_queries(registry, django_assert_max_num_queries):
    rows = [
        new_row(n, sectors="Makine", provinces="İzmir", partners="KOSGEB (funder)",
                links=f"Site <https://example.org/{n}> (website)")
        for n in range(200)
    ]  # fmt: skip
    with django_assert_max_num_queries(40):
        result = import_file(data=write_csv(rows))
    assert result.counts["new"] == 200
    # The search text written in bulk is the one the model builds itself.
    assert Initiative.objects.all().refresh_search_text() == 0
    assert (
        Partnership.objects.filter(initiative__slug__startswith="yeni-kume").count()
        == 200
    )


def test_new_rows_get_defaults_for_blank_status_published_and_date(registry):
    row = new_row(1, status="", is_published="", date_added="")
    import_file(data=write_csv([row]))
    initiative = Initiative.objects.get(slug="yeni-kume-1")
    assert initiative.status == Initiative.Status.UNKNOWN
    # Like a new initiative in the admin, a draft until it is published.
    assert initiative.is_published is False


def test_turkish_excel_numbers_and_dates_are_read(registry):
    row = new_row(
        1,
        budget_amount="1.080.630,50",
        budget_currency="EUR",
        last_verified="26.05.2013",
        is_published="hayır",
        status="Completed",
    )
    result = import_file(data=write_csv([row], delimiter=";"))
    assert not result.has_errors(), result.report_lines()
    initiative = Initiative.objects.get(slug="yeni-kume-1")
    assert str(initiative.budget_amount) == "1080630.50"
    assert initiative.last_verified.isoformat() == "2013-05-26"
    assert initiative.is_published is False


def test_numbers_may_move_between_initiatives_of_one_file(registry):
    second = registry["second"]
    rows = parse_csv(export_file())
    rows[0]["number"], rows[1]["number"] = "2", "1"
    result = import_file(data=write_csv(rows))
    assert not result.has_errors(), result.report_lines()
    second.refresh_from_db()
    assert second.number == 1


def test_a_number_of_another_initiative_is_an_error(registry):
    result = import_file(data=write_csv([new_row(1, number="1")]))
    assert errors_of(result) == [(2, "number")]


def test_sector_and_institution_resources_round_trip_and_import(registry):
    for resource_class in (SectorResource, InstitutionResource):
        data = export_file(resource_class=resource_class)
        result = import_file(data=data, resource_class=resource_class)
        assert not result.has_errors(), result.report_lines()
        assert result.counts["new"] == result.counts["changed"] == 0
        assert export_file(resource_class=resource_class) == data
    data = "slug;name;name_en\r\n;Tekstil;Textiles\r\nmakine;Makine ve teçhizat;Machinery\r\n"
    result = import_file(data=data.encode("cp1254"), resource_class=SectorResource)
    assert result.counts == {"new": 1, "changed": 1, "unchanged": 0, "errors": 0}
    assert Sector.objects.get(slug="tekstil").name_en == "Textiles"
    assert Sector.objects.get(slug="makine").name_tr == "Makine ve teçhizat"


def test_institution_rename_refreshes_the_search_text(registry):
    rows = parse_csv(export_file(resource_class=InstitutionResource))
    for row in rows:
        if row["acronym"] == "KOSGEB":
            row["acronym"] = "KOBİGEL"
    import_file(data=write_csv(rows), resource_class=InstitutionResource)
    assert Initiative.objects.search("kobigel").get() == registry["first"]


def test_a_valid_row_beside_an_invalid_one_is_not_written(registry):
    data = b"slug,title,start_year\r\nyeni-1,Yeni 1,2012\r\nyeni-2,Yeni 2,abc\r\n"
    result = import_file(data=data, dry_run=False)
    assert result.row_error_list  # a row's validation error, not the file's
    assert not Initiative.objects.filter(slug__startswith="yeni-").exists()


def test_timestamps_and_ids_in_a_file_are_ignored(registry):
    before = database_state()
    data = (
        "id,slug,title,created_at,updated_at,hit_count\r\n"
        "999,ostim-savunma-ve-havacilik-kumelenmesi,"
        "OSTİM Savunma ve Havacılık Kümelenmesi,2001-01-01,2001-01-01,77\r\n"
    ).encode()
    result = import_file(data=data)
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 1, "errors": 0}
    assert database_state() == before


def test_the_example_file_for_editors_imports_into_the_seed(seed):
    data = (settings.BASE_DIR / "fixtures" / "example-initiatives.csv").read_bytes()
    header = data.decode("utf-8-sig").split("\r\n")[0]
    assert header == HEADER
    result = import_file(data=data)
    assert not result.has_errors(), result.report_lines()
    assert result.counts["new"] == 3
    example = Initiative.objects.get(slug="ornek-ankara-medikal-kumesi")
    assert [p.role for p in example.partnerships.all()] == [
        "lead",
        "funder",
        "supervisor",
    ]
    assert not Initiative.objects.published().filter(slug__startswith="ornek").exists()
    assert (
        Initiative.objects.filter(title_tr__endswith="slug'ı boş bırakılan satır")
        .get()
        .summary_tr.startswith("-%20")
    )


def test_excel_unicode_text_utf16_with_tabs(registry):
    rows = [new_row(1, provinces="Şanlıurfa")]
    data = write_csv(rows, delimiter="\t", encoding="utf-16", line_end="\r\n")
    result = import_file(data=data)
    assert result.counts["new"] == 1, result.report_lines()
    assert (
        Initiative.objects.get(slug="yeni-kume-1").provinces.get().slug == "sanliurfa"
    )


def test_new_institutions_get_the_model_defaults_for_missing_columns(db):
    data = b"name;acronym\r\nYeni Ajans;YA\r\n"
    result = import_file(data=data, resource_class=InstitutionResource)
    assert result.counts["new"] == 1, result.report_lines()
    institution = Institution.objects.get(slug="yeni-ajans")
    assert (institution.kind, institution.country) == ("other", "Türkiye")
    assert Institution.objects.filter(search_text__contains="ya").exists()


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_windows_1254_cells_listing_provinces_with_semicolons(registry, delimiter):
    rows = [new_row(1, provinces="Şanlıurfa;Elazığ;İzmir")]
    data = write_csv(rows, delimiter=delimiter, encoding="cp1254", line_end="\r\n")
    assert "Şanlıurfa;Elazığ;İzmir".encode("cp1254") in data
    result = import_file(data=data)
    assert not result.has_errors(), result.report_lines()
    provinces = Initiative.objects.get(slug="yeni-kume-1").provinces
    assert sorted(provinces.values_list("name", flat=True)) == [
        "Elazığ",
        "İzmir",
        "Şanlıurfa",
    ]


def test_xlsx_export_survives_control_characters(registry):
    Initiative.objects.filter(pk=registry["first"].pk).update(
        summary_tr="Word\x0bpaste"
    )
    data = export_file(file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    summaries = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert "Wordpaste" in summaries


def test_a_known_institution_with_an_unknown_role_says_so(registry):
    result = import_file(data=write_csv([new_row(1, partners="KOSGEB (sponsor)")]))
    assert errors_of(result) == [(2, "partners")]
    assert "unknown role “sponsor”" in result.row_error_list[0].message
