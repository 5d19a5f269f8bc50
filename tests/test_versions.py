"""Version history: every kind of change keeps a version; the admin shows the
differences and restores any version (issue 13, points 1 and 2)."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains
from reversion.models import Revision, Version

from initiatives.models import (
    Initiative,
    Institution,
    Link,
    Partnership,
    RevisionOrigin,
    Sector,
)
from initiatives.transfer import SectorResource, export_file, import_file
from initiatives.version_reads import versions_of
from initiatives.versions import document, fields_of, latest_version_id
from tests.factories import InitiativeFactory, InstitutionFactory, SectorFactory
from tests.test_admin import initiative_form, turkish, with_link, with_partners
from tests.test_resources import new_row, parse_csv, write_csv

pytestmark = pytest.mark.django_db


def state(initiative):
    """What a restore must bring back, as an editor would compare it."""
    initiative = Initiative.objects.get(pk=initiative.pk)
    return {
        "title_tr": initiative.title_tr,
        "title_en": initiative.title_en,
        "start_year": initiative.start_year,
        "sectors": sorted(initiative.sectors.values_list("name", flat=True)),
        "provinces": sorted(initiative.provinces.values_list("name", flat=True)),
        "partners": list(
            initiative.partnerships.order_by("position").values_list(
                "institution__name", "role"
            )
        ),
        "links": list(
            initiative.links.order_by("position").values_list("url", "title", "kind")
        ),
        "hit_count": initiative.hit_count,
    }


@pytest.fixture
def kayseri(editor_client):
    """An initiative added through the admin form: its first version."""
    oiz = InstitutionFactory(name="Kayseri OSB")
    kosgeb = InstitutionFactory(name="KOSGEB", acronym="KOSGEB")
    sector = SectorFactory(name="Mobilya", name_en="Furniture")
    data = with_link(
        with_partners(
            initiative_form(
                sectors=[sector.pk], provinces=["38"], title_en="Kayseri Furniture"
            ),
            (oiz, "lead"),
            (kosgeb, "funder"),
        ),
        "https://example.org/kayseri",
        title="Küme sitesi",
    )
    response = editor_client.post(reverse("admin:initiatives_initiative_add"), data)
    assert response.status_code == 302
    initiative = Initiative.objects.get(slug="kayseri-mobilya-kumesi")
    return {"initiative": initiative, "oiz": oiz, "kosgeb": kosgeb, "sector": sector}


def change_in_admin(client, initiative, **overrides):
    """The admin form saved with new values and no partners or links."""
    data = initiative_form(**overrides)
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def history_url(initiative):
    return reverse("admin:initiatives_initiative_history", args=[initiative.pk])


def restore_url(initiative, version):
    return reverse(
        "admin:initiatives_initiative_restore", args=[initiative.pk, version.pk]
    )


def test_the_admin_form_keeps_a_version_of_the_whole_record(kayseri, editor):
    initiative = kayseri["initiative"]
    [version] = versions_of(initiative)
    fields = fields_of(version)
    assert fields["title_tr"] == "Kayseri Mobilya Kümesi"
    assert fields["title_en"] == "Kayseri Furniture"
    assert fields["sectors"] == [kayseri["sector"].pk]
    assert [p[:2] for p in fields["_partners"]] == [
        [kayseri["oiz"].pk, "lead"],
        [kayseri["kosgeb"].pk, "funder"],
    ]
    assert fields["_links"] == [
        ["https://example.org/kayseri", "Küme sitesi", "website", 0]
    ]
    assert "hit_count" not in fields
    assert version.revision.user == editor
    assert version.revision.origin.how == RevisionOrigin.How.FORM


def test_sector_and_institution_forms_keep_versions(editor_client):
    sector = SectorFactory(name="Mobilya")
    institution = InstitutionFactory(name="Kayseri OSB")
    for model, obj, data in (
        ("sector", sector, {"name_tr": "Mobilya ve ahşap", "name_en": "", "slug": "mobilya", "keywords": ""}),
        ("institution", institution, {"name_tr": "Kayseri OSB", "name_en": "Kayseri OIZ", "slug": institution.slug, "acronym": "", "kind": "other", "country": "TR", "website": ""}),
    ):  # fmt: skip
        url = reverse(f"admin:initiatives_{model}_change", args=[obj.pk])
        response = editor_client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        # The state before its first change, then the change.
        assert [v.revision.origin.how for v in versions_of(obj)] == [
            "form",
            "baseline",
        ]
    assert fields_of(versions_of(sector).first())["name_tr"] == "Mobilya ve ahşap"
    assert fields_of(versions_of(sector).last())["name_tr"] == "Mobilya"
    assert fields_of(versions_of(institution).first())["name_en"] == "Kayseri OIZ"


def test_publish_action_keeps_one_revision_for_the_selected_initiatives(
    editor_client, editor
):
    drafts = [InitiativeFactory(is_published=False) for _ in range(3)]
    url = reverse("admin:initiatives_initiative_changelist")
    editor_client.post(
        url, {"action": "publish", "_selected_action": [d.pk for d in drafts]}
    )
    baseline, revision = Revision.objects.order_by("pk")
    assert baseline.origin.how == "baseline"
    assert not any(fields_of(v)["is_published"] for v in baseline.version_set.all())
    assert (revision.user, revision.origin.how) == (editor, "action")
    assert revision.version_set.count() == 3
    assert all(fields_of(v)["is_published"] for v in revision.version_set.all())


def test_an_import_is_one_revision_listing_every_row_it_changed(editor):
    InitiativeFactory(slug="yeni-kume-0", title="Eski başlık", start_year=2015)
    InitiativeFactory(slug="yeni-kume-1", title="Yeni küme 1", start_year=2015,
                      status="active")  # fmt: skip
    rows = [new_row(n) for n in range(3)]  # 0 changed, 1 unchanged, 2 new
    columns = ["slug", "title", "start_year", "status"]
    data = write_csv([{c: r[c] for c in columns} for r in rows])
    result = import_file(data=data, file_name="/tmp/duzeltme.csv", user=editor)
    assert result.counts == {"new": 1, "changed": 1, "unchanged": 1, "errors": 0}
    baseline, revision = Revision.objects.order_by("pk")
    [before] = baseline.version_set.all()
    assert fields_of(before)["title_tr"] == "Eski başlık"
    assert (revision.user, revision.origin.how, revision.origin.detail) == (
        editor,
        "import",
        "duzeltme.csv",
    )
    assert sorted(v.object_repr for v in revision.version_set.all()) == [
        "Yeni küme 0",
        "Yeni küme 2",
    ]


def test_a_command_import_keeps_a_revision_without_a_user(tmp_path):
    path = tmp_path / "yeni.csv"
    path.write_bytes(write_csv([new_row(1)]))
    call_command("import_initiatives", str(path))
    revision = Revision.objects.get()
    assert (revision.user, revision.origin.detail) == (None, "yeni.csv")


def test_a_version_written_in_bulk_is_the_document_a_single_save_writes(kayseri):
    """The import builds versions from what it holds; they must read the same
    as the ones reversion writes from the database."""
    initiative = kayseri["initiative"]
    exported = parse_csv(export_file())
    exported[0]["start_year"] = "2009"
    import_file(data=write_csv(exported))
    bulk = versions_of(initiative).first()
    assert bulk.revision.origin.how == "import"
    saved = Initiative.objects.get(pk=initiative.pk)
    assert json.loads(bulk.serialized_data)[0] == json.loads(
        json.dumps(document(saved), default=str)
    )


def test_import_with_history_stays_within_a_fixed_number_of_queries(editor):
    InstitutionFactory(name="KOSGEB", acronym="KOSGEB")
    SectorFactory(name="Makine")

    def history_queries(n, offset):
        rows = [
            new_row(offset + i, sectors="Makine", provinces="İzmir",
                    partners="KOSGEB (funder)",
                    links=f"Site <https://example.org/{i}> (website)")
            for i in range(n)
        ]  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            result = import_file(data=write_csv(rows), user=editor)
        assert result.counts["new"] == n
        return sum(
            "reversion_" in q["sql"] or "revisionorigin" in q["sql"]
            for q in captured.captured_queries
        )

    # The history's own statements (revision, origin, versions) are the same
    # for 20 rows as for 400; the import's were already bounded by batches.
    assert history_queries(20, 0) == history_queries(400, 1000) == 3
    assert Version.objects.count() == 420


def test_history_page_shows_old_and_new_values_in_a_fixed_number_of_queries(
    kayseri, editor_client, editor, django_assert_num_queries
):
    initiative = kayseri["initiative"]
    exported = parse_csv(export_file())
    exported[0].update(start_year="2009", partners="", links="", sectors="")
    import_file(data=write_csv(exported), file_name="yeni.csv", user=editor)
    with django_assert_num_queries(15):
        response = editor_client.get(history_url(initiative))
    assertContains(response, 'class="version"', count=2)
    first = versions_of(initiative).last()
    row = response.content.decode().split(f'id="version-{first.pk}"')[1]
    assert "<del>2015</del> → <ins>2009</ins>" in row
    assert "Kayseri OSB (" in row  # the partners the restore would bring back
    assert "Küme sitesi &lt;https://example.org/kayseri&gt;" in row
    assert "Mobilya" in row
    assert turkish("admin form") in row
    assertContains(response, f"{turkish('import')}: yeni.csv")
    change_in_admin(editor_client, initiative, start_year="2010")
    with django_assert_num_queries(15):
        editor_client.get(history_url(initiative))


def test_restore_brings_back_fields_sectors_partners_and_links(
    kayseri, editor_client, editor
):
    initiative = kayseri["initiative"]
    before = state(initiative)
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=7)
    exported = parse_csv(export_file())
    exported[0].update(title="Başka", start_year="2009", partners="", links="",
                       sectors="")  # fmt: skip
    import_file(data=write_csv(exported), user=editor)
    assert state(initiative)["partners"] == []
    first = versions_of(initiative).last()
    page = editor_client.get(restore_url(initiative, first))
    assertContains(page, "<del>2009</del> → <ins>2015</ins>", html=False)
    response = editor_client.post(
        restore_url(initiative, first), {"seen": page.context["seen"]}
    )
    assert response.status_code == 302
    assert state(initiative) == {**before, "hit_count": 7}
    latest = versions_of(initiative).first()
    assert latest.revision.origin.how == "restore"
    assert latest.revision.origin.detail == str(first.pk)
    assert latest.revision.user == editor
    assert list(Initiative.objects.search("kosgeb kayseri")) == [initiative]


def test_restoring_twice_is_harmless(kayseri, editor_client):
    initiative = kayseri["initiative"]
    change_in_admin(editor_client, initiative, start_year="2009")
    first = versions_of(initiative).last()
    for _ in range(2):
        editor_client.post(
            restore_url(initiative, first), {"seen": latest_version_id(initiative)}
        )
    assert versions_of(initiative).count() == 3  # form, form, one restore
    response = editor_client.get(history_url(initiative))
    assert state(initiative)["start_year"] == 2015
    assert response.status_code == 200


def test_restore_after_another_editor_saved_is_a_conflict(kayseri, editor_client):
    initiative = kayseri["initiative"]
    first = versions_of(initiative).get()
    seen = latest_version_id(initiative)
    change_in_admin(editor_client, initiative, start_year="2011")  # the colleague
    response = editor_client.post(
        restore_url(initiative, first), {"seen": seen}, follow=True
    )
    assertContains(
        response,
        turkish("Someone changed this initiative since you opened its history; "
                "nothing was restored. Their change is listed below: look at it "
                "and restore again if you still want to."),
    )  # fmt: skip
    assert state(initiative)["start_year"] == 2011
    assert versions_of(initiative).count() == 2


def test_restore_says_which_deleted_sector_and_institution_it_could_not_bring_back(
    kayseri, editor_client
):
    initiative = kayseri["initiative"]
    change_in_admin(editor_client, initiative, start_year="2009")
    kayseri["sector"].delete()
    Partnership.objects.filter(institution=kayseri["oiz"]).delete()
    Institution.objects.filter(pk=kayseri["oiz"].pk).delete()
    first = versions_of(initiative).last()
    history = editor_client.get(history_url(initiative))
    assertContains(history, turkish("%(name)s (deleted)") % {"name": "Mobilya"})
    response = editor_client.post(
        restore_url(initiative, first),
        {"seen": latest_version_id(initiative)},
        follow=True,
    )
    message = turkish("Deleted since that version, so not restored: %(names)s.")
    with translation.override("tr"):
        lead = str(Partnership.Role("lead").label)
    assertContains(
        response, message % {"names": f"Mobilya; Kayseri OSB ({lead})"}, html=False
    )
    now = state(initiative)
    assert now["start_year"] == 2015
    assert now["sectors"] == []
    assert now["partners"] == [("KOSGEB", "funder")]
    assert Sector.objects.count() == 0
    assert Link.objects.filter(initiative=initiative).count() == 1


def test_a_version_of_another_initiative_cannot_be_restored_here(
    kayseri, editor_client
):
    other = InitiativeFactory()
    version = versions_of(kayseri["initiative"]).get()
    response = editor_client.post(restore_url(other, version), {"seen": ""})
    assert response.status_code == 404


def test_sector_and_institution_imports_keep_versions(editor):
    sector = SectorFactory(name="Mobilya", slug="mobilya")
    data = write_csv(
        [
            {"slug": "mobilya", "name": "Mobilya ve ahşap", "name_en": ""},
            {"slug": "makine", "name": "Makine", "name_en": "Machinery"},
        ]
    )
    result = import_file(data=data, resource_class=SectorResource, user=editor)
    assert result.counts["new"] == 1 and result.counts["changed"] == 1
    assert [fields_of(v)["name_tr"] for v in versions_of(sector)] == [
        "Mobilya ve ahşap",
        "Mobilya",  # the baseline: before its first change
    ]
    makine = Sector.objects.get(slug="makine")
    assert fields_of(versions_of(makine).get())["name_en"] == "Machinery"


def test_restore_confirmation_page_reads_a_fixed_number_of_queries(
    kayseri, editor_client, django_assert_num_queries
):
    initiative = kayseri["initiative"]
    change_in_admin(editor_client, initiative, start_year="2009")
    first = versions_of(initiative).last()
    with django_assert_num_queries(16):
        response = editor_client.get(restore_url(initiative, first))
    assertContains(response, "<del>2009</del> → <ins>2015</ins>", html=False)
    assertContains(response, 'name="seen"')


def test_a_version_whose_slug_is_taken_now_is_not_restored_and_says_why(
    kayseri, editor_client
):
    initiative = kayseri["initiative"]
    change_in_admin(editor_client, initiative, slug="kayseri-yeni")
    InitiativeFactory(slug="kayseri-mobilya-kumesi")
    first = versions_of(initiative).last()
    response = editor_client.post(
        restore_url(initiative, first),
        {"seen": latest_version_id(initiative)},
        follow=True,
    )
    assert response.status_code == 200
    refused = turkish("That version cannot be restored now: %(problems)s")
    assert any(
        str(m).startswith(refused.split("%")[0]) for m in response.context["messages"]
    )
    assert Initiative.objects.get(pk=initiative.pk).slug == "kayseri-yeni"
    assert versions_of(initiative).count() == 2
