"""Imports that cannot undo newer edits (issue 13, point 3): every export
carries each record's version; a stale row is a conflict, never a silent undo."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Initiative
from initiatives.transfer import (
    INITIATIVE_COLUMNS,
    SectorResource,
    export_file,
    import_file,
)
from initiatives.transfer.conflicts import OVERWRITE, REFUSE
from initiatives.version_reads import versions_of
from initiatives.versions import fields_of, latest_version_id
from tests.factories import InitiativeFactory, SectorFactory
from tests.test_import_admin import CONFIRM_URL, IMPORT_URL, upload
from tests.test_resources import parse_csv, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are checked in English; the site's default language is Turkish.
    with translation.override("en"):
        yield


KONYA = "clusters-activities-for-konya-chamber-of-industry"
BARTIN = "bartin-clusters-based-regional-development-project"


def with_change(data, target, **values):
    rows = parse_csv(data)
    for row in rows:
        if row["slug"] == target:
            row.update(values)
    return write_csv(rows)


def start_year(slug=KONYA):
    return Initiative.objects.get(slug=slug).start_year


@pytest.fixture
def konya_changed_after_export(seed, editor):
    """The issue's story: a file is exported; then an editor sets Konya's
    start year to 2009 through an import. Returns the stale file."""
    stale = export_file()
    original = start_year()
    result = import_file(
        data=with_change(export_file(), KONYA, start_year="2009"),
        file_name="konya.csv",
        user=editor,
    )
    assert result.counts["changed"] == 1 and not result.conflicts
    assert start_year() == 2009
    return {"stale": stale, "original": original}


def test_every_export_ends_with_the_version_of_each_record(seed, editor):
    assert INITIATIVE_COLUMNS[-1] == "version"
    assert {row["version"] for row in parse_csv(export_file())} == {""}
    import_file(data=with_change(export_file(), KONYA, start_year="2009"), user=editor)
    rows = {row["slug"]: row["version"] for row in parse_csv(export_file())}
    konya = Initiative.objects.get(slug=KONYA)
    assert rows[KONYA] == str(latest_version_id(konya))
    assert {v for slug, v in rows.items() if slug != KONYA} == {""}


def test_the_round_trip_stays_exact_with_versions(seed, editor):
    import_file(data=with_change(export_file(), KONYA, start_year="2009"), user=editor)
    first = export_file()
    result = import_file(data=first, user=editor)
    assert result.counts["changed"] == 0 and not result.conflicts
    assert export_file() == first


def test_konya_stale_file_is_a_conflict_and_nothing_is_overwritten(
    konya_changed_after_export, editor
):
    stale = with_change(konya_changed_after_export["stale"], KONYA, title="Konya")
    result = import_file(data=stale, user=editor)
    [conflict] = result.conflicts
    assert conflict.slug == KONYA
    assert conflict.changed_by == editor
    fields = {column: (f, e, n) for column, f, e, n in conflict.fields}
    # in the file, at export (the baseline kept before the first change), now
    assert fields["start_year"] == ("", "", "2009")
    assert konya_changed_after_export["original"] is None
    assert fields["title"][0] == "Konya"
    assert start_year() == 2009
    assert Initiative.objects.get(slug=KONYA).title != "Konya"


def test_konya_stale_file_with_overwrite_is_written_and_history_keeps_2009(
    konya_changed_after_export, editor
):
    result = import_file(
        data=konya_changed_after_export["stale"], user=editor, on_conflict=OVERWRITE
    )
    assert len(result.conflicts) == 1 and result.counts["changed"] == 1
    assert start_year() == konya_changed_after_export["original"]
    konya = Initiative.objects.get(slug=KONYA)
    history = [fields_of(v)["start_year"] for v in versions_of(konya)]
    original = konya_changed_after_export["original"]
    assert history == [original, 2009, original]  # overwrite, import, baseline


def test_the_command_refuses_a_stale_file_unless_told_to_overwrite(
    konya_changed_after_export, tmp_path, capsys
):
    path = tmp_path / "eski.csv"
    path.write_bytes(konya_changed_after_export["stale"])
    with pytest.raises(CommandError) as refused:
        call_command("import_initiatives", str(path))
    assert refused.value.returncode == 1
    assert start_year() == 2009
    assert KONYA in capsys.readouterr().out
    call_command("import_initiatives", str(path), "--overwrite-newer")
    assert start_year() == konya_changed_after_export["original"]


def test_other_rows_of_a_stale_file_are_written(konya_changed_after_export, editor):
    stale = with_change(
        konya_changed_after_export["stale"],
        BARTIN,
        start_year="2012",
    )
    result = import_file(data=stale, user=editor)
    assert len(result.conflicts) == 1
    assert start_year(BARTIN) == 2012
    assert start_year() == 2009
    nothing = import_file(data=stale, user=editor, on_conflict=REFUSE)
    assert len(nothing.conflicts) == 1


def test_a_version_edited_by_hand_is_never_trusted(seed, editor):
    other = InitiativeFactory()
    import_file(data=with_change(export_file(), other.slug, title="Başka"), user=editor)
    import_file(data=with_change(export_file(), KONYA, start_year="2009"), user=editor)
    # The file claims Konya is at the other initiative's version, then garbage.
    for claimed in (str(latest_version_id(other)), "abc", "-5", "9" * 30):
        data = with_change(export_file(), KONYA, start_year="2001", version=claimed)
        [conflict] = import_file(data=data, user=editor).conflicts
        assert "not trusted" in conflict.reason
        assert start_year() == 2009


def test_a_file_without_the_version_column_imports_as_before(
    konya_changed_after_export, editor
):
    rows = parse_csv(konya_changed_after_export["stale"])
    for row in rows:
        del row["version"]
    result = import_file(data=write_csv(rows), user=editor)
    assert not result.conflicts
    assert start_year() == konya_changed_after_export["original"]


def test_a_row_whose_slug_is_gone_but_has_a_version_is_a_conflict(seed, editor):
    import_file(data=with_change(export_file(), KONYA, start_year="2009"), user=editor)
    data = with_change(export_file(), KONYA, slug="konya-yeniden", number="")
    result = import_file(data=data, user=editor)
    assert result.row_error_list == []
    assert [c.slug for c in result.conflicts] == ["konya-yeniden"]
    assert not Initiative.objects.filter(slug="konya-yeniden").exists()


def test_admin_preview_shows_the_conflict_and_confirm_leaves_it_or_overwrites(
    konya_changed_after_export, editor_client, settings
):
    settings.LANGUAGE_CODE = "en"

    def preview():
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile("eski.csv", konya_changed_after_export["stale"])
        response = upload(editor_client, file)
        assertContains(response, 'id="import-conflicts"')
        assertContains(response, 'name="overwrite_newer"')
        return response.context["confirm_form"].initial

    initial = preview()
    editor_client.post(CONFIRM_URL, initial)
    assert start_year() == 2009
    initial = preview()
    editor_client.post(CONFIRM_URL, {**initial, "overwrite_newer": "on"})
    assert start_year() == konya_changed_after_export["original"]
    response = editor_client.get(IMPORT_URL)
    assertNotContains(response, 'id="import-conflicts"')
    history = editor_client.get(
        reverse(
            "admin:initiatives_initiative_history",
            args=[Initiative.objects.get(slug=KONYA).pk],
        )
    )
    assertContains(history, "<del>2009</del>", html=False)


def test_sector_files_carry_versions_and_a_stale_one_is_a_conflict(db, editor):
    sector = SectorFactory(name="Mobilya", slug="mobilya")
    stale = export_file(resource_class=SectorResource)
    assert parse_csv(stale)[0]["version"] == ""
    renamed = with_change(stale, "mobilya", name="Mobilya ve ahşap")
    import_file(data=renamed, resource_class=SectorResource, user=editor)
    assert parse_csv(export_file(resource_class=SectorResource))[0]["version"] == str(
        latest_version_id(sector)
    )
    again = with_change(stale, "mobilya", name="Mobilya sanayii")
    result = import_file(data=again, resource_class=SectorResource, user=editor)
    [conflict] = result.conflicts
    # in the file, at export (the baseline), now
    assert conflict.fields == [
        ("name", "Mobilya sanayii", "Mobilya", "Mobilya ve ahşap")
    ]
    sector.refresh_from_db()
    assert sector.name_tr == "Mobilya ve ahşap"
