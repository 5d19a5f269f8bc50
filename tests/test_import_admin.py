"""The admin's import and export, driven with real requests as editors do."""

import csv
import io
import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Initiative, PendingImport, Sector
from initiatives.transfer import export_file
from tests.factories import InitiativeFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:initiatives_initiative_import")
CONFIRM_URL = reverse("admin:initiatives_initiative_process_import")
EXPORT_URL = reverse("admin:initiatives_initiative_export")
CHANGELIST_URL = reverse("admin:initiatives_initiative_changelist")


@pytest.fixture(autouse=True)
def _english_admin(settings):
    # The admin has no language prefix: it speaks LANGUAGE_CODE.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def initiatives(db):
    sector = SectorFactory(name="Makine", name_en="Machinery")
    return [
        InitiativeFactory(title="Konya Makine Kümesi", number=1, sectors=[sector]),
        InitiativeFactory(title="İzmir Organik Tarım Kümesi", provinces=["izmir"]),
        InitiativeFactory(title="Taslak küme", is_published=False),
    ]


def excel_file_with_changed_title(slug, title):
    """An export as Turkish Excel saves it: Windows-1254, semicolons, CRLF."""
    rows = list(csv.DictReader(io.StringIO(export_file().decode("utf-8-sig"))))
    for row in rows:
        if row["slug"] == slug:
            row["title"] = title
    out = io.StringIO(newline="")
    writer = csv.DictWriter(
        out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(
        "kümeler.csv", out.getvalue().encode("cp1254"), "text/csv"
    )


def upload(client, file):
    return client.post(IMPORT_URL, {"import_file": file})


def test_editor_sees_import_and_export_buttons(editor_client, initiatives):
    response = editor_client.get(CHANGELIST_URL)
    assertContains(response, IMPORT_URL)
    assertContains(response, EXPORT_URL)


def test_editor_uploads_previews_and_confirms(editor_client, editor, initiatives):
    konya = initiatives[0]
    file = excel_file_with_changed_title(konya.slug, "Konya Tarım Makineleri Kümesi")

    preview = upload(editor_client, file)

    assert preview.status_code == 200
    assertContains(preview, "0 new, 1 changed, 2 unchanged.")
    assertContains(preview, "<del>Konya Makine Kümesi</del>", html=False)
    assertContains(preview, "<ins>Konya Tarım Makineleri Kümesi</ins>", html=False)
    assertContains(preview, 'name="confirm"')
    konya.refresh_from_db()
    assert konya.title == "Konya Makine Kümesi"  # nothing written before confirming
    pending = PendingImport.objects.get()  # kept in the shared database
    assert pending.user == editor

    confirm = editor_client.post(
        CONFIRM_URL,
        {"import_file_name": pending.key, "original_file_name": "kümeler.csv"},
        follow=True,
    )

    assert confirm.redirect_chain[-1][0] == CHANGELIST_URL
    assertContains(confirm, "Import finished: 0 new, 1 changed, 2 unchanged")
    konya.refresh_from_db()
    assert konya.title == "Konya Tarım Makineleri Kümesi"
    assert not PendingImport.objects.exists()
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.action_flag) == (
        editor,
        str(konya.pk),
        CHANGE,
    )
    assert entry.get_change_message() == "Changed Title (Turkish)."
    history = editor_client.get(
        reverse("admin:initiatives_initiative_history", args=[konya.pk])
    )
    # The history page lists the import's version, by its file name.
    assertContains(history, "import: kümeler.csv")


def test_new_rows_are_logged_as_additions(editor_client, editor, initiatives):
    data = "slug;title;start_year\r\nyeni-kume;Yeni Küme;2020\r\n".encode("cp1254")
    upload(editor_client, SimpleUploadedFile("yeni.csv", data))
    pending = PendingImport.objects.get()
    editor_client.post(CONFIRM_URL, {"import_file_name": pending.key})
    new = Initiative.objects.get(slug="yeni-kume")
    entry = LogEntry.objects.get(object_id=str(new.pk))
    assert entry.action_flag == ADDITION


def test_a_file_with_errors_shows_row_column_and_why_and_cannot_be_confirmed(
    editor_client, initiatives
):
    data = (
        "slug,title,start_year,provinces,links\r\n"
        "a,A,2010,İzmir,\r\n"
        "b,B,abc,Atlantis,Site <javascript:alert(1)> (website)\r\n"
    ).encode()
    response = upload(editor_client, SimpleUploadedFile("bad.csv", data))
    assertContains(response, "Nothing was imported")
    assertContains(
        response, "<td>3</td><td>Start year <code>start_year</code></td>", html=False
    )
    assertContains(
        response, "<td>3</td><td>Provinces <code>provinces</code></td>", html=False
    )
    assertContains(response, "Atlantis")
    assertContains(response, "<td>3</td><td>Links <code>links</code></td>", html=False)
    assertNotContains(response, 'name="confirm"')
    assert not PendingImport.objects.exists()
    assert not Initiative.objects.filter(slug="a").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\x00\x01\x02\x03binary\x00\xff\xfe" * 50, "could not be read"),
        (b"slug,title\r\n", "no rows"),
    ],
)
def test_unreadable_uploads_get_a_message_not_a_500(
    editor_client, initiatives, content, message
):
    response = upload(editor_client, SimpleUploadedFile("junk.csv", content))
    assert response.status_code == 200
    assertContains(response, message)


def test_an_upload_over_the_size_limit_is_refused(editor_client, initiatives, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    data = ("slug,title\r\n" + "".join(f"k-{n},K {n}\r\n" for n in range(200))).encode()
    response = upload(editor_client, SimpleUploadedFile("big.csv", data))
    assertContains(response, "the limit is 0.0 MB")
    assert not PendingImport.objects.exists()


def test_a_vanished_pending_file_asks_to_upload_again(editor_client, initiatives):
    file = excel_file_with_changed_title(initiatives[0].slug, "Yeni başlık")
    upload(editor_client, file)
    key = PendingImport.objects.get().key
    PendingImport.objects.all().delete()  # expired, or confirmed in another tab

    response = editor_client.post(CONFIRM_URL, {"import_file_name": key}, follow=True)

    assert response.status_code == 200
    assertContains(response, "Upload the file again")
    initiatives[0].refresh_from_db()
    assert initiatives[0].title == "Konya Makine Kümesi"


def test_an_expired_pending_file_counts_as_gone(editor_client, initiatives, settings):
    upload(editor_client, excel_file_with_changed_title(initiatives[0].slug, "X"))
    settings.IMPORT_PENDING_SECONDS = -1
    key = PendingImport.objects.get().key
    response = editor_client.post(CONFIRM_URL, {"import_file_name": key}, follow=True)
    assertContains(response, "Upload the file again")
    assert Initiative.objects.filter(title="X").count() == 0


def test_another_user_cannot_confirm_someone_elses_file(
    editor_client, client, initiatives
):
    upload(editor_client, excel_file_with_changed_title(initiatives[0].slug, "X"))
    key = PendingImport.objects.get().key
    other = UserFactory(username="other-editor", is_staff=True)
    other.groups.add(
        *UserFactory._meta.model.objects.get(username="editor").groups.all()
    )
    client.force_login(other)
    response = client.post(CONFIRM_URL, {"import_file_name": key}, follow=True)
    assertContains(response, "Upload the file again")
    assert not Initiative.objects.filter(title="X").exists()


def test_confirm_rechecks_the_file_against_the_registry(editor_client, initiatives):
    data = b"slug;title;sectors\r\nyeni-kume;Yeni;Makine\r\n"
    upload(editor_client, SimpleUploadedFile("yeni.csv", data))
    key = PendingImport.objects.get().key
    Sector.objects.filter(slug="makine").delete()  # gone since the preview

    response = editor_client.post(CONFIRM_URL, {"import_file_name": key})

    assertContains(response, "Nothing was imported")
    assertContains(response, "Makine")
    assert not Initiative.objects.filter(slug="yeni-kume").exists()


def test_staff_without_the_permission_cannot_import_or_export(client, initiatives):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_initiative", "change_initiative", "add_initiative"]
        )
    )
    client.force_login(clerk)
    changelist = client.get(CHANGELIST_URL)
    assert changelist.status_code == 200
    assertNotContains(changelist, IMPORT_URL)
    assertNotContains(changelist, EXPORT_URL)
    assert client.get(IMPORT_URL).status_code == 403
    data = b"slug,title\r\nx,X\r\n"
    assert upload(client, SimpleUploadedFile("x.csv", data)).status_code == 403
    assert client.post(CONFIRM_URL, {"import_file_name": "x"}).status_code == 403
    assert client.get(EXPORT_URL).status_code == 403
    assert not Initiative.objects.filter(slug="x").exists()


def test_export_takes_the_changelist_filters_and_search(editor_client, initiatives):
    url = EXPORT_URL + "?is_published__exact=1&q=izmir"
    response = editor_client.post(url, {"format": "0", "resource": "0"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "initiatives-" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["slug"] for row in rows] == ["izmir-organik-tarim-kumesi"]


@pytest.mark.parametrize(("format_index", "marker"), [("1", b"PK"), ("2", b"[")])
def test_export_as_xlsx_and_json(editor_client, initiatives, format_index, marker):
    response = editor_client.post(EXPORT_URL, {"format": format_index, "resource": "0"})
    assert response.status_code == 200
    assert response.content.startswith(marker)
    if format_index == "2":
        assert len(json.loads(response.content)) == 3


def test_exported_xlsx_imports_back_unchanged(editor_client, initiatives):
    response = editor_client.post(EXPORT_URL, {"format": "1", "resource": "0"})
    preview = upload(editor_client, SimpleUploadedFile("export.xlsx", response.content))
    assertContains(preview, "0 new, 0 changed, 3 unchanged.")


def test_sector_import_in_the_admin(editor_client, initiatives):
    data = "name;name_en\r\nTekstil;Textiles\r\n".encode("cp1254")
    response = editor_client.post(
        reverse("admin:initiatives_sector_import"),
        {"import_file": SimpleUploadedFile("sektorler.csv", data)},
    )
    assertContains(response, "1 new, 0 changed, 0 unchanged.")
    key = PendingImport.objects.get().key
    editor_client.post(
        reverse("admin:initiatives_sector_process_import"), {"import_file_name": key}
    )
    assert Sector.objects.get(slug="tekstil").name_en == "Textiles"


def test_the_export_page_offers_csv_xlsx_and_json(editor_client, initiatives):
    response = editor_client.get(EXPORT_URL + "?q=izmir")
    assert response.status_code == 200
    for label in ("csv", "xlsx", "json"):
        assertContains(response, label)


def test_import_changes_are_labelled_like_form_changes(editor_client, initiatives):
    konya = initiatives[0]
    data = f"slug;sectors;partners\r\n{konya.slug};;\r\n".encode()
    upload(editor_client, SimpleUploadedFile("x.csv", data))
    editor_client.post(
        CONFIRM_URL, {"import_file_name": PendingImport.objects.get().key}
    )
    entry = LogEntry.objects.get(object_id=str(konya.pk))
    assert entry.get_change_message() == "Changed Sectors."


def test_editors_hold_the_import_and_export_permissions(db):
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    for model in ("initiative", "institution", "sector"):
        assert {f"import_{model}", f"export_{model}"} <= codenames


def test_a_file_with_thousands_of_errors_lists_the_first_thousand_and_counts_the_rest(
    editor_client,
):
    lines = ["slug,title,start_year"] + [
        f"hatali-{n},Hatalı {n},yıl{n}" for n in range(1200)
    ]
    file = SimpleUploadedFile(
        "hatalar.csv", "\n".join(lines).encode("utf-8"), "text/csv"
    )
    response = upload(editor_client, file)
    assertContains(response, "1200 rows have errors")
    assert response.content.decode().count("<tr><td>") == 1000
    assertContains(response, "… and 200 more problems.")
    assert not Initiative.objects.filter(slug__startswith="hatali-").exists()
