"""Import and export carry both languages (issue 10, point 5, and its bad input).

The columns of the translated texts (``title``, ``name``...) hold the Turkish;
their English is in the ``_en`` columns at the end of the layout.
"""

import csv
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from initiatives import text
from initiatives.models import Initiative, Institution, Sector
from initiatives.transfer import (
    INITIATIVE_COLUMNS,
    InstitutionResource,
    SectorResource,
    export_file,
    import_file,
)
from tests.factories import InitiativeFactory, InstitutionFactory, SectorFactory

pytestmark = pytest.mark.django_db

ENGLISH_COLUMNS = [
    "title_en",
    "summary_en",
    "description_en",
    "other_regions_en",
    "source_en",
]
MEDICAL = "medical-industry-clusters"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rows_of(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_of(rows, columns=None):
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(
        buffer, fieldnames=columns or list(rows[0]), lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def errors_of(result):
    return [(e.row, e.column) for e in result.row_error_list]


def messages_of(result):
    return " ".join(e.message for e in result.row_error_list)


def texts(slug):
    return Initiative.objects.filter(slug=slug).values(
        "title_tr", "title_en", "summary_tr", "summary_en", "source_en"
    )[0]


def original_title(slug):
    """The original ``title`` column, which modeltranslation's queries do not
    read: the Turkish title, or the English where there is no Turkish."""
    with connection.cursor() as cursor:
        table = Initiative._meta.db_table
        cursor.execute(f"SELECT title FROM {table} WHERE slug = %s", [slug])
        return cursor.fetchone()[0]


def streamed(response):
    return b"".join(response.streaming_content)


# The layout.


def test_the_english_columns_come_after_the_old_layout_which_is_unchanged():
    assert list(INITIATIVE_COLUMNS[:24]) == [
        "slug", "number", "title", "summary", "description", "start_year",
        "end_year", "status", "sectors", "provinces", "other_regions", "partners",
        "links", "budget_amount", "budget_currency", "duration_months",
        "member_firms", "solution_partners", "support_programme", "source",
        "last_verified", "is_published", "date_added", "hit_count",
    ]  # fmt: skip
    # ... and before the record's version at export (issue 13), the last.
    assert list(INITIATIVE_COLUMNS[24:]) == [*ENGLISH_COLUMNS, "version"]
    assert InstitutionResource.columns[-2:] == ("name_en", "version")
    assert SectorResource.columns[:3] == ("slug", "name", "name_en")
    assert SectorResource.columns[-1] == "version"


def test_the_seed_exports_turkish_in_the_old_columns_and_english_at_the_end(seed):
    medical = {row["slug"]: row for row in rows_of(export_file())}[MEDICAL]
    assert medical["title"] == "Medikal Sanayi Kümelenmesi"
    assert medical["title_en"] == "Medical Industry Clusters"
    assert medical["source_en"].startswith("“Clustering in Turkey” page")
    assert medical["source"].startswith("Bir Türk bakanlığının")
    institutions = rows_of(export_file(resource_class=InstitutionResource))
    names = {(row["name"], row["name_en"]) for row in institutions}
    assert ("Konya Sanayi Odası", "Konya Chamber of Industry") in names
    sectors = rows_of(export_file(resource_class=SectorResource))
    assert all(row["name"] and row["name_en"] for row in sectors)


def same_file(data, other):
    """Byte for byte; an XLSX cell for cell (its zip stamps the time)."""
    if not data.startswith(b"PK"):
        return data == other

    def cells(content):
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
        return list(sheet.iter_rows(values_only=True))

    return cells(data) == cells(other)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_the_seed_round_trips_byte_for_byte_in_both_languages(seed, file_format):
    for resource_class in (None, InstitutionResource, SectorResource):
        kwargs = {"resource_class": resource_class} if resource_class else {}
        first = export_file(file_format=file_format, **kwargs)
        before = list(Initiative.objects.values_list("title_en", "summary_tr"))
        result = import_file(data=first, file_name=f"f.{file_format}", **kwargs)
        assert not result.has_errors(), result.report_lines()
        assert result.counts["new"] == result.counts["changed"] == 0
        assert same_file(export_file(file_format=file_format, **kwargs), first)
        assert list(Initiative.objects.values_list("title_en", "summary_tr")) == before


def test_the_public_exports_carry_the_english_columns(client, seed):
    csv_url = reverse("initiatives:initiative_export_csv")
    json_url = reverse("initiatives:initiative_export_json")
    csv_rows = rows_of(streamed(client.get(csv_url)))
    json_rows = json.loads(streamed(client.get(json_url)))["initiatives"]
    for rows in (csv_rows, json_rows):
        medical = next(row for row in rows if row["slug"] == MEDICAL)
        # The open-data JSON puts each record's page URLs after its columns.
        columns = [key for key in medical if key not in ("urls", "version")]
        assert columns[-5:] == ENGLISH_COLUMNS
        assert medical["title_en"] == "Medical Industry Clusters"
        assert medical["title"] == "Medikal Sanayi Kümelenmesi"


# Old files and empty English columns.


def test_a_file_of_the_old_layout_imports_unchanged_and_keeps_the_english(seed):
    rows = rows_of(export_file())
    old_columns = list(INITIATIVE_COLUMNS[:24])
    for row in rows:
        for column in [*ENGLISH_COLUMNS, "version"]:
            del row[column]
    medical = next(row for row in rows if row["slug"] == MEDICAL)
    medical["title"] = "Medikal Sanayi Kümesi"
    before = texts(MEDICAL)

    result = import_file(data=csv_of(rows, old_columns))

    assert not result.has_errors(), result.report_lines()
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 17, "errors": 0}
    assert texts(MEDICAL) == {**before, "title_tr": "Medikal Sanayi Kümesi"}
    assert original_title(MEDICAL) == "Medikal Sanayi Kümesi"
    assert Initiative.objects.exclude(title_en="").count() == 18


def test_english_columns_present_but_empty_clear_the_english(seed):
    rows = [row for row in rows_of(export_file()) if row["slug"] == MEDICAL]
    summary_en = rows[0]["summary_en"]
    rows[0].update(title_en="", summary_en="")
    result = import_file(data=csv_of(rows))
    assert not result.has_errors(), result.report_lines()
    change = result.changes[0]
    assert change.changed_columns == ["title_en", "summary_en"]
    medical = texts(MEDICAL)
    assert (medical["title_en"] or "", medical["summary_en"] or "") == ("", "")
    assert (
        medical["title_tr"] == original_title(MEDICAL) == "Medikal Sanayi Kümelenmesi"
    )
    # The English texts are gone from its search text too.
    search_text = Initiative.objects.get(slug=MEDICAL).search_text
    assert text.search_fold(summary_en)[:40] not in search_text
    assert text.search_fold(rows[0]["summary"])[:40] in search_text


def test_an_english_only_row_gets_its_slug_title_and_search_from_the_english(
    seed,
):
    data = (
        b"title,title_en,summary_en,sectors,partners\r\n"
        b",Drone Cluster,Flying robots,Machinery,"
        b"Ministry of Development (funder)\r\n"
    )
    result = import_file(data=data)
    assert not result.has_errors(), result.report_lines()
    drone = Initiative.objects.get(slug="drone-cluster")
    assert (drone.title_tr or "", drone.title_en) == ("", "Drone Cluster")
    # The original column falls back to the English.
    assert original_title("drone-cluster") == "Drone Cluster"
    # Its search text follows the one rule: both languages of everything.
    assert set(Initiative.objects.search("flying robots")) == {drone}
    assert set(Initiative.objects.search("kalkınma bakanlığı drone")) == {drone}
    assert Initiative.objects.all().refresh_search_text() == 0


def test_english_texts_of_an_import_are_searched(seed):
    rows = [row for row in rows_of(export_file()) if row["slug"] == MEDICAL]
    rows[0]["summary_en"] = "Hospitals and zebrafish makers working together."
    import_file(data=csv_of(rows))
    assert [i.slug for i in Initiative.objects.search("zebrafish")] == [MEDICAL]
    assert Initiative.objects.all().refresh_search_text() == 0


# Cells that name sectors and institutions, in either language.


def test_sectors_and_partners_are_found_by_either_languages_name(seed):
    data = (
        "slug,title,sectors,partners\r\n"
        "yeni-1,Yeni 1,Built-in kitchen appliances,Konya Sanayi Odası (lead) | "
        "Ministry of Development (funder)\r\n"
        "yeni-2,Yeni 2,ankastre mutfak aletleri,konya chamber of industry (lead)\r\n"
    ).encode()
    result = import_file(data=data)
    assert not result.has_errors(), result.report_lines()
    one, two = Initiative.objects.filter(slug__in=["yeni-1", "yeni-2"]).order_by("slug")
    assert one.sectors.get() == two.sectors.get()
    assert [p.institution.name_en for p in one.partnerships.order_by("position")] == [
        "Konya Chamber of Industry",
        "Ministry of Development",
    ]
    assert two.partnerships.get().institution.name_tr == "Konya Sanayi Odası"


# Bad input.


def test_a_title_blank_in_both_languages_is_a_row_error(seed):
    rows = [row for row in rows_of(export_file()) if row["slug"] == MEDICAL]
    rows[0].update(title="", title_en="")
    rows.append({**rows[0], "slug": "", "number": ""})
    before = texts(MEDICAL)
    result = import_file(data=csv_of(rows))
    assert errors_of(result) == [(2, "title"), (3, "title")]
    assert "title in Turkish or in English" in result.row_error_list[0].message
    assert "slug needs a title / title_en" in result.row_error_list[1].message
    assert texts(MEDICAL) == before


def test_a_translation_longer_than_its_field_is_an_error_of_its_column(seed):
    rows = [row for row in rows_of(export_file()) if row["slug"] == MEDICAL]
    rows[0]["title_en"] = "Cluster " * 40
    result = import_file(data=csv_of(rows))
    assert errors_of(result) == [(2, "title_en")]
    assert "at most 300 characters" in messages_of(result)
    names = "slug,name,name_en\r\nyeni,Yeni,{}\r\n".format("x" * 300).encode()
    result = import_file(data=names, resource_class=InstitutionResource)
    assert errors_of(result) == [(2, "name_en")]


@pytest.mark.parametrize(
    "cell",
    ['["Drone", "Cluster"]', '{"en": "Drone"}', "Drone\u0007Cluster"],
)
def test_garbage_in_an_english_column_is_a_row_error_never_a_crash(seed, cell):
    record = {"slug": "drone", "title": "İnsansız", "title_en": json.loads(cell)
              if cell.startswith(("[", "{")) else cell}  # fmt: skip
    data = json.dumps([record]).encode()
    result = import_file(data=data, file_name="f.json")
    assert errors_of(result) == [(1, "title_en")]
    assert not Initiative.objects.filter(slug="drone").exists()


def test_mixed_language_text_is_kept_as_written(seed):
    # Text in the "wrong" language column is the editor's to judge: kept as is.
    data = "slug,title,title_en\r\nkarma,Drone Cluster,İnsansız Hava Aracı Kümesi\r\n"
    result = import_file(data=data.encode())
    assert not result.has_errors()
    karma = Initiative.objects.get(slug="karma")
    assert (karma.title_tr, karma.title_en) == (
        "Drone Cluster",
        "İnsansız Hava Aracı Kümesi",
    )


def test_an_institution_taking_another_ones_name_in_the_other_language_is_refused(
    seed,
):
    data = (
        "slug,name,name_en\r\n"
        "yeni-bakanlik,Ministry of Development,Yeni Bakanlık\r\n"
        "baska,Başka Kurum,Kalkınma Bakanlığı\r\n"
    ).encode()
    before = Institution.objects.count()
    result = import_file(data=data, resource_class=InstitutionResource)
    assert errors_of(result) == [(2, "name"), (3, "name_en")]
    first, second = (str(e) for e in result.row_error_list)
    assert "Ministry of Development" in first
    assert "“ministry-of-development”" in first and "“yeni-bakanlik”" in first
    assert "(English)" in first
    assert "(Turkish)" in second and "“baska”" in second
    assert Institution.objects.count() == before


def test_two_rows_of_one_file_cannot_share_a_name_across_languages(db):
    data = (
        b"slug,name,name_en\r\n"
        b"bir,Birinci Kurum,Second Body\r\n"
        b"iki,Second Body,Ikinci\r\n"
    )
    result = import_file(data=data, resource_class=InstitutionResource)
    assert errors_of(result) == [(2, "name_en"), (3, "name")]
    assert "row 3 of this file (iki)" in str(result.row_error_list[0])
    assert not Institution.objects.exists()


def test_two_institutions_swapping_names_in_one_file_are_told_why(db):
    InstitutionFactory(slug="a", name_tr="Alfa", name_en="Alpha")
    InstitutionFactory(slug="b", name_tr="Beta", name_en="Bravo")
    data = b"slug,name,name_en\r\na,Beta,Bravo\r\nb,Alfa,Alpha\r\n"
    result = import_file(data=data, resource_class=InstitutionResource)
    assert errors_of(result) == [
        (2, "name"),
        (2, "name_en"),
        (3, "name"),
        (3, "name_en"),
    ]
    assert "“Beta” is already the name (Turkish) of “b”" in str(
        result.row_error_list[0]
    )
    assert dict(Institution.objects.values_list("slug", "name_en")) == {
        "a": "Alpha",
        "b": "Bravo",
    }


def test_a_sector_named_in_english_only_is_imported_and_searched(db):
    drone = InitiativeFactory(title="Drone", sectors=[SectorFactory(name="Havacılık")])
    data = b"slug,name,name_en\r\nrobotik,,Robotics\r\nhavacilik,Havacilik,Aviation\r\n"
    result = import_file(data=data, resource_class=SectorResource)
    assert not result.has_errors(), result.report_lines()
    robotics = Sector.objects.get(slug="robotik")
    assert (robotics.name_tr, robotics.name_en) == (None, "Robotics")
    assert list(Sector.objects.search("robotics")) == [robotics]
    # A sector's new English name finds its initiatives at once.
    assert list(Initiative.objects.search("aviation")) == [drone]
    assert Initiative.objects.all().refresh_search_text() == 0


# Within the query budget.


def test_an_institution_file_takes_a_fixed_number_of_queries(
    db, django_assert_max_num_queries
):
    rows = "".join(f"k{n},Kurum {n},Body {n}\r\n" for n in range(300))
    data = ("slug,name,name_en\r\n" + rows).encode()
    with django_assert_max_num_queries(20):
        result = import_file(data=data, resource_class=InstitutionResource)
    assert result.counts["new"] == 300
    assert Institution.objects.filter(name_en="Body 299").exists()


def test_an_initiative_file_with_english_columns_takes_a_fixed_number_of_queries(
    seed, django_assert_max_num_queries
):
    rows = [
        {"slug": f"yeni-{n}", "title": f"Yeni {n}", "title_en": f"New {n}",
         "summary_en": "A cluster.", "partners": "Ministry of Development (funder)"}
        for n in range(200)
    ]  # fmt: skip
    with django_assert_max_num_queries(40):
        result = import_file(data=csv_of(rows))
    assert result.counts["new"] == 200
    assert Initiative.objects.search("new 199").get().title_en == "New 199"


def test_lang_markup_pasted_into_a_translation_is_shown_as_text(client, db):
    data = (
        "slug,title,title_en,is_published\r\n"
        'karisik,,"<span lang=""tr"">Küme</span> Cluster",evet\r\n'
    ).encode()
    result = import_file(data=data)
    assert not result.has_errors(), result.report_lines()
    page = client.get("/initiatives/karisik/")
    # The fallback's own mark-up, around the escaped text.
    assertContains(
        page,
        '<span lang="en">&lt;span lang=&quot;tr&quot;&gt;Küme&lt;/span&gt; Cluster'
        '</span> <span class="lang-note">İngilizce</span>',
        html=False,
    )
