"""Deleting a sector or an institution keeps versions: the deleted record and
the initiatives it changes are in the history, and the record can be
recovered with its initiatives' links (issue 13, point 2)."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from initiatives.models import Initiative, Institution, Sector
from initiatives.version_deletes import deleted_versions
from initiatives.version_reads import versions_of
from initiatives.versions import fields_of, latest_version_id
from tests.factories import InitiativeFactory, InstitutionFactory, SectorFactory
from tests.test_versions import history_url, restore_url

pytestmark = pytest.mark.django_db

SECTORS = reverse("admin:initiatives_sector_changelist")
DELETED_SECTORS = reverse("admin:initiatives_sector_deleted")


@pytest.fixture
def furniture():
    """A sector in two initiatives (one with another sector too)."""
    sector = SectorFactory(name="Mobilya", name_en="Furniture", keywords="ahşap")
    wood = SectorFactory(name="Orman ürünleri")
    kayseri = InitiativeFactory(title="Kayseri mobilya kümesi")
    inegol = InitiativeFactory(title="İnegöl mobilya kümesi")
    kayseri.sectors.set([sector, wood])
    inegol.sectors.set([sector])
    return {"sector": sector, "wood": wood, "kayseri": kayseri, "inegol": inegol}


def sector_names(initiative):
    return sorted(
        Initiative.objects.get(pk=initiative.pk).sectors.values_list("name", flat=True)
    )


def delete_on_its_page(client, sector):
    url = reverse("admin:initiatives_sector_delete", args=[sector.pk])
    return client.post(url, {"post": "yes"}, follow=True)


def test_deleting_a_sector_keeps_a_version_of_it_and_of_each_initiative_it_leaves(
    editor_client, editor, furniture
):
    delete_on_its_page(editor_client, furniture["sector"])
    assert not Sector.objects.filter(name="Mobilya").exists()
    version = deleted_versions(Sector).get()
    revision = version.revision
    assert (revision.user, revision.origin.how) == (editor, "delete")
    assert fields_of(version)["keywords"] == "ahşap"
    kayseri, inegol = furniture["kayseri"], furniture["inegol"]
    assert {v.object_id for v in revision.version_set.all()} == {
        str(furniture["sector"].pk),
        str(kayseri.pk),
        str(inegol.pk),
    }
    # Each initiative's history shows the sector it lost (old → new).
    history = editor_client.get(history_url(kayseri))
    assertContains(history, "silme")
    assertContains(history, "Mobilya (silindi), Orman ürünleri")
    assert fields_of(versions_of(kayseri).first())["sectors"] == [furniture["wood"].pk]


def test_the_bulk_delete_action_keeps_versions_too(editor_client, furniture):
    editor_client.post(
        SECTORS,
        {
            "action": "delete_selected",
            "_selected_action": [furniture["sector"].pk, furniture["wood"].pk],
            "post": "yes",
        },
    )
    assert Sector.objects.count() == 0
    assert deleted_versions(Sector).count() == 2
    revision = deleted_versions(Sector).first().revision
    assert revision.version_set.count() == 2 + 2  # both sectors, both initiatives
    assert fields_of(versions_of(furniture["kayseri"]).first())["sectors"] == []


def test_a_deleted_sector_is_recovered_with_its_initiatives_links(
    editor_client, furniture
):
    sector = furniture["sector"]
    delete_on_its_page(editor_client, sector)
    page = editor_client.get(DELETED_SECTORS)
    assertContains(page, "Mobilya")
    assertContains(editor_client.get(SECTORS), f'href="{DELETED_SECTORS}"')
    version = deleted_versions(Sector).get()

    done = editor_client.post(DELETED_SECTORS, {"version": version.pk}, follow=True)
    assertContains(done, "Mobilya geri getirildi, 2 girişime yeniden bağlandı.")
    recovered = Sector.objects.get(pk=sector.pk)
    assert (recovered.slug, recovered.name_en, recovered.keywords) == (
        sector.slug,
        "Furniture",
        "ahşap",
    )
    assert sector_names(furniture["kayseri"]) == ["Mobilya", "Orman ürünleri"]
    assert sector_names(furniture["inegol"]) == ["Mobilya"]
    assert Initiative.objects.search("ahsap").count() == 2
    assert versions_of(recovered).first().revision.origin.how == "recover"
    assert not deleted_versions(Sector).exists()
    # Twice: it is no longer a deleted record, nothing changes.
    again = editor_client.post(DELETED_SECTORS, {"version": version.pk})
    assert again.status_code == 404
    assert Sector.objects.filter(name="Mobilya").count() == 1


def test_a_sector_whose_name_was_taken_since_is_not_recovered(editor_client, furniture):
    delete_on_its_page(editor_client, furniture["sector"])
    SectorFactory(name="Mobilya")
    version = deleted_versions(Sector).get()
    done = editor_client.post(DELETED_SECTORS, {"version": version.pk}, follow=True)
    assertContains(done, "Geri getirilemez")
    assert sector_names(furniture["inegol"]) == []


def test_restoring_an_initiative_version_whose_sector_was_deleted_says_so(
    editor_client, furniture
):
    kayseri = furniture["kayseri"]
    delete_on_its_page(editor_client, furniture["sector"])
    before = versions_of(kayseri).last()  # the state before the deletion
    response = editor_client.post(
        restore_url(kayseri, before), {"seen": latest_version_id(kayseri)}, follow=True
    )
    assertContains(response, "Mobilya")
    assert sector_names(kayseri) == ["Orman ürünleri"]


def test_deleting_an_institution_keeps_its_version_and_it_can_be_recovered(
    editor_client,
):
    institution = InstitutionFactory(
        name="Ankara Sanayi Odası", acronym="ASO", website="https://aso.org.tr/"
    )
    url = reverse("admin:initiatives_institution_delete", args=[institution.pk])
    editor_client.post(url, {"post": "yes"})
    assert not Institution.objects.exists()
    version = deleted_versions(Institution).get()
    assert fields_of(version)["website"] == "https://aso.org.tr/"
    deleted_url = reverse("admin:initiatives_institution_deleted")
    editor_client.post(deleted_url, {"version": version.pk})
    recovered = Institution.objects.get(pk=institution.pk)
    assert (recovered.slug, recovered.acronym) == (institution.slug, "ASO")


@pytest.mark.parametrize("version", ["", "abc", "999999"])
def test_recovering_an_unknown_version_is_a_404_not_an_error(editor_client, version):
    assert editor_client.post(DELETED_SECTORS, {"version": version}).status_code == 404
