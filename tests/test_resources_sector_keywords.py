"""Sectors' other names (``keywords``) in the sector file (issue 10, point 4).

The column comes after the sector's names and before its version; a file of
the old layout leaves them as they are.
"""

import csv
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from initiatives.models import Initiative, PendingImport, Sector
from initiatives.transfer import SectorResource, export_file, import_file
from tests.factories import InitiativeFactory, SectorFactory

pytestmark = pytest.mark.django_db

CLOTHING = "hazir-giyim"


def rows_of(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def keywords():
    return dict(Sector.objects.values_list("slug", "keywords"))


def test_the_sector_layout_ends_with_keywords_then_version():
    assert SectorResource.columns == ("slug", "name", "name_en", "keywords", "version")


def table_of(data, file_format):
    """The file's column names and its rows as dicts."""
    if file_format == "json":
        rows = json.loads(data)
        return list(rows[0]), rows
    if file_format == "csv":
        rows = rows_of(data)
        return list(rows[0]), rows
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    header, *values = sheet.iter_rows(values_only=True)
    # A row's empty cells at its end (a blank version) are not in the sheet.
    return list(header), [dict(zip(header, row, strict=False)) for row in values]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_the_seed_sectors_export_their_other_names(seed, file_format):
    data = export_file(resource_class=SectorResource, file_format=file_format)
    columns, rows = table_of(data, file_format)
    assert columns == ["slug", "name", "name_en", "keywords", "version"]
    clothing = next(row for row in rows if row["slug"] == CLOTHING)
    assert clothing["keywords"] == "tekstil, konfeksiyon, textile"


def test_an_imported_keyword_finds_the_sectors_initiatives_at_once(db):
    sector = SectorFactory(name="Makine", name_en="Machinery")
    lathe = InitiativeFactory(title="Torna Kümesi", sectors=[sector])
    data = f"slug,name,name_en,keywords\r\n{sector.slug},Makine,Machinery,"
    data += '"imalat, manufacturing"\r\n'
    result = import_file(data=data.encode(), resource_class=SectorResource)
    assert not result.has_errors(), result.report_lines()
    assert result.changes[0].changed_columns == ["keywords"]
    assert list(Initiative.objects.search("imalat")) == [lathe]
    assert list(Initiative.objects.search("manufacturing")) == [lathe]
    assert list(Sector.objects.search("imalat")) == [sector]
    assert Initiative.objects.all().refresh_search_text() == 0


def test_an_old_layout_sector_file_imports_unchanged_and_keeps_the_keywords(seed):
    before = keywords()
    rows = rows_of(export_file(resource_class=SectorResource))
    old = io.StringIO(newline="")
    writer = csv.writer(old, lineterminator="\r\n")
    writer.writerow(["slug", "name", "name_en", "version"])
    for row in rows:
        if row["slug"] == CLOTHING:
            row["name_en"] = "Clothing"
        writer.writerow([row["slug"], row["name"], row["name_en"], row["version"]])
    result = import_file(data=old.getvalue().encode(), resource_class=SectorResource)
    assert not result.has_errors(), result.report_lines()
    assert (result.counts["changed"], result.counts["new"]) == (1, 0)
    assert keywords() == before
    assert before[CLOTHING] == "tekstil, konfeksiyon, textile"
    assert Sector.objects.get(slug=CLOTHING).name_en == "Clothing"
    # Search by the kept other names still finds the sector's initiatives.
    assert Initiative.objects.search("konfeksiyon").exists()


def test_an_empty_keywords_cell_clears_them(seed):
    data = f"slug,keywords\r\n{CLOTHING},\r\n".encode()
    result = import_file(data=data, resource_class=SectorResource)
    assert not result.has_errors(), result.report_lines()
    assert keywords()[CLOTHING] == ""
    assert not Initiative.objects.search("konfeksiyon").exists()


def test_keywords_longer_than_the_field_are_a_row_error_and_nothing_is_written(
    seed,
):
    before = keywords()
    data = (
        "slug,name,keywords\r\n"
        "yeni-sektor,Yeni Sektör,kısa\r\n"
        f"{CLOTHING},Hazır giyim,{'konfeksiyon ' * 50}\r\n"
    ).encode()
    result = import_file(data=data, resource_class=SectorResource)
    assert [(e.row, e.column) for e in result.row_error_list] == [(3, "keywords")]
    assert "500" in result.row_error_list[0].message
    assert keywords() == before
    assert not Sector.objects.filter(slug="yeni-sektor").exists()


def test_keywords_with_a_control_character_are_a_row_error(seed):
    data = f"slug,keywords\r\n{CLOTHING},teks\x07til\r\n".encode()
    result = import_file(data=data, resource_class=SectorResource)
    assert [(e.row, e.column) for e in result.row_error_list] == [(2, "keywords")]
    assert keywords()[CLOTHING] == "tekstil, konfeksiyon, textile"


def test_the_admin_previews_and_imports_sector_keywords(editor_client, seed):
    data = f"slug;name;keywords\r\n{CLOTHING};Hazır giyim;konfeksiyon, giyim\r\n"
    response = editor_client.post(
        reverse("admin:initiatives_sector_import"),
        {"import_file": SimpleUploadedFile("sektorler.csv", data.encode("cp1254"))},
    )
    # The preview (the editor's language is Turkish) names the column.
    assertContains(response, "0 yeni, 1 değişen, 0 değişmeyen.")
    assertContains(response, "<dt>Diğer adlar <code>keywords</code></dt>")
    key = PendingImport.objects.get().key
    editor_client.post(
        reverse("admin:initiatives_sector_process_import"), {"import_file_name": key}
    )
    assert keywords()[CLOTHING] == "konfeksiyon, giyim"


def test_the_commands_export_and_import_sector_keywords(seed, tmp_path):
    path = tmp_path / "sectors.csv"
    call_command("export_initiatives", "--model", "sectors", "--output", str(path))
    rows = rows_of(path.read_bytes())
    assert {row["slug"]: row["keywords"] for row in rows}[CLOTHING] == (
        "tekstil, konfeksiyon, textile"
    )
    text = path.read_bytes().decode("utf-8-sig").replace("konfeksiyon,", "giyim,")
    path.write_text(text, encoding="utf-8")
    call_command(
        "import_initiatives", "--model", "sectors", str(path), stdout=io.StringIO()
    )
    assert keywords()[CLOTHING] == "tekstil, giyim, textile"
