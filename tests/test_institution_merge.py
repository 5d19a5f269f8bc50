"""Institutions without duplicates: editors merge duplicates into one, whose
old names search and imports still find, and an institution's delete page
names its initiatives (issue 13, point 6)."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.institution_merge import merge_institutions
from initiatives.merge_undo import undo_merge
from initiatives.models import Initiative, Institution, InstitutionMerge, Partnership
from initiatives.transfer import InstitutionResource, import_file
from initiatives.versions import fields_of
from tests.factories import InitiativeFactory, InstitutionFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:initiatives_institution_changelist")
LONG_NAME = "Küçük ve Orta Ölçekli İşletmeleri Geliştirme ve Destekleme İdaresi"


@pytest.fixture
def twins():
    """KOSGEB twice: once by acronym, once by its long name, with English,
    a website and partnerships that overlap."""
    keep = InstitutionFactory(name="KOSGEB", acronym="KOSGEB")
    duplicate = InstitutionFactory(
        name=LONG_NAME,
        name_en="Small and Medium Enterprises Development Organization",
        website="https://www.kosgeb.gov.tr/",
        other_names="KOSGEB Başkanlığı",
    )
    both = InitiativeFactory(title="Ortak girişim")
    only_duplicate = InitiativeFactory(title="Yalnız kopyada")
    two_roles = InitiativeFactory(title="İki rollü")
    PartnershipFactory(initiative=both, institution=keep, role="lead")
    PartnershipFactory(initiative=both, institution=duplicate, role="lead")
    PartnershipFactory(initiative=only_duplicate, institution=duplicate, role="funder")
    PartnershipFactory(initiative=two_roles, institution=keep, role="partner")
    PartnershipFactory(initiative=two_roles, institution=duplicate, role="funder")
    return keep, duplicate


def roles(institution):
    return sorted(
        (p.initiative.title, p.role)
        for p in Partnership.objects.filter(institution=institution)
    )


def test_merging_moves_partnerships_and_keeps_one_of_a_repeated_role(twins):
    keep, duplicate = twins
    counts = merge_institutions(keep=keep, duplicates=[duplicate])
    assert (counts["moved"], counts["dropped"]) == (2, 1)
    assert not Institution.objects.filter(pk=duplicate.pk).exists()
    assert roles(keep) == [
        ("Ortak girişim", "lead"),
        ("Yalnız kopyada", "funder"),
        ("İki rollü", "funder"),
        ("İki rollü", "partner"),
    ]


def test_merging_keeps_the_names_and_fills_blank_fields(twins):
    keep, duplicate = twins
    merge_institutions(keep=keep, duplicates=[duplicate])
    keep.refresh_from_db()
    assert keep.other_name_list() == [LONG_NAME, "KOSGEB Başkanlığı"]
    assert keep.name_en == "Small and Medium Enterprises Development Organization"
    assert keep.website == "https://www.kosgeb.gov.tr/"
    assert keep.name == "KOSGEB"


def test_search_still_finds_the_merged_names(client, twins):
    keep, duplicate = twins
    merge_institutions(keep=keep, duplicates=[duplicate])
    assert list(Institution.objects.search("orta olcekli isletmeleri")) == [keep]
    assert list(Institution.objects.search("kosgeb baskanligi")) == [keep]
    response = client.get("/institutions/", {"q": "destekleme idaresi"})
    assert [i.pk for i in response.context["page_obj"]] == [keep.pk]
    # Its initiatives now list it, once.
    page = client.get(Initiative.objects.get(title="Ortak girişim").get_absolute_url())
    assertContains(page, f'href="/institutions/{keep.slug}/"', count=1)


def test_an_import_file_with_a_merged_name_finds_the_kept_one(twins):
    keep, duplicate = twins
    merge_institutions(keep=keep, duplicates=[duplicate])
    data = (
        "slug,title,partners\n"
        f"yeni-kume,Yeni Küme,{LONG_NAME} (partner) | KOSGEB Başkanlığı (funder)\n"
    ).encode()
    result = import_file(data=data)
    assert not result.has_errors(), result.report_lines()
    assert roles(keep).count(("Yeni Küme", "partner")) == 1
    assert roles(keep).count(("Yeni Küme", "funder")) == 1


def test_the_admin_asks_which_to_keep_then_merges_with_history(editor_client, twins):
    keep, duplicate = twins
    selected = {"action": "merge", "_selected_action": [keep.pk, duplicate.pk]}
    form = editor_client.post(CHANGELIST, selected)
    assert form.status_code == 200
    assertContains(form, 'name="keep"', count=2)
    assertContains(form, "Yalnız kopyada (finansör)")
    assert Institution.objects.filter(pk=duplicate.pk).exists()  # nothing yet

    done = editor_client.post(CHANGELIST, {**selected, "keep": keep.pk}, follow=True)
    assertContains(done, "2 ortaklık taşındı")
    assert not Institution.objects.filter(pk=duplicate.pk).exists()
    flags = set(
        LogEntry.objects.filter(content_type__model="institution").values_list(
            "object_id", "action_flag"
        )
    )
    assert {(str(keep.pk), CHANGE), (str(duplicate.pk), DELETION)} <= flags
    assert (str(duplicate.pk), ADDITION) not in flags


def test_merging_one_institution_asks_for_two(editor_client, twins):
    keep, _duplicate = twins
    response = editor_client.post(
        CHANGELIST, {"action": "merge", "_selected_action": [keep.pk]}, follow=True
    )
    assertContains(response, "Birleştirmek için en az iki kurum seçin.")
    assert Institution.objects.count() == 2


def test_the_delete_page_names_the_initiatives_not_each_partnership(
    editor_client, twins
):
    _keep, duplicate = twins
    response = editor_client.get(
        reverse("admin:initiatives_institution_delete", args=[duplicate.pk])
    )
    assertNotContains(response, "Ortaklık:")
    assertContains(response, "Girişim: <a", count=3)
    assertContains(response, "İki rollü</a> (finansör)")
    assertContains(response, "başka bir kurumla birleştirin")


def test_an_english_only_institution_takes_the_duplicates_turkish_name(client):
    keep = InstitutionFactory(name_tr=None, name_en="Ankara Chamber of Industry")
    duplicate = InstitutionFactory(name="Ankara Sanayi Odası", acronym="ASO")
    merge_institutions(keep=keep, duplicates=[duplicate])
    keep.refresh_from_db()
    assert (keep.name_tr, keep.name_en, keep.acronym) == (
        "Ankara Sanayi Odası",
        "Ankara Chamber of Industry",
        "ASO",
    )
    assert keep.name == "Ankara Sanayi Odası"  # the Turkish, as for every record
    assert keep.other_name_list() == []  # nothing it is not already called
    assertContains(client.get(keep.get_absolute_url()), "Ankara Sanayi Odası")


# -- a merge keeps a version, and can be undone (issue 13, point 6) ----------


def institution_state(institution_pk):
    institution = Institution.objects.get(pk=institution_pk)
    return {
        "name_tr": institution.name_tr,
        "name_en": institution.name_en,
        "acronym": institution.acronym,
        "website": institution.website,
        "kind": institution.kind,
        "slug": institution.slug,
        "other_names": institution.other_names,
    }


def partners(initiative_title):
    return list(
        Partnership.objects.filter(initiative__title=initiative_title)
        .order_by("position", "pk")
        .values_list("institution__name", "role", "position")
    )


def everything(twins):
    keep, duplicate = twins
    return {
        "keep": institution_state(keep.pk),
        "duplicate": institution_state(duplicate.pk),
        "partners": {
            title: partners(title)
            for title in ("Ortak girişim", "Yalnız kopyada", "İki rollü")
        },
    }


def undo_url(merge):
    return reverse(
        "admin:initiatives_institution_undo_merge", args=[merge.survivor_id, merge.pk]
    )


def merge_in_admin(client, keep, duplicate):
    selected = {"action": "merge", "_selected_action": [keep.pk, duplicate.pk]}
    return client.post(CHANGELIST, {**selected, "keep": keep.pk}, follow=True)


def test_a_merge_is_one_revision_with_who_how_and_the_merged_institution(
    editor_client, editor, twins
):
    keep, duplicate = twins
    done = merge_in_admin(editor_client, keep, duplicate)
    merge = InstitutionMerge.objects.get()
    assertContains(done, f'href="{undo_url(merge)}"')
    revision = merge.revision
    assert (revision.user, revision.origin.how) == (editor, "merge")
    assert revision.origin.get_how_display() == "kurumların birleştirilmesi"
    kept = {
        (v.content_type.model, v.object_id): fields_of(v)
        for v in revision.version_set.all()
    }
    assert kept["institution", str(duplicate.pk)]["name_tr"] == LONG_NAME
    assert kept["institution", str(duplicate.pk)]["other_names"] == "KOSGEB Başkanlığı"
    assert ("institution", str(keep.pk)) in kept
    assert sorted(k for k in kept if k[0] == "initiative") == sorted(
        ("initiative", str(i.pk))
        for i in Initiative.objects.all()
        if i.title in {"Ortak girişim", "Yalnız kopyada", "İki rollü"}
    )


def test_an_initiatives_history_shows_the_merge_as_a_change_of_partners(
    editor_client, twins
):
    keep, duplicate = twins
    merge_in_admin(editor_client, keep, duplicate)
    initiative = Initiative.objects.get(title="Yalnız kopyada")
    history = editor_client.get(
        reverse("admin:initiatives_initiative_history", args=[initiative.pk])
    )
    assertContains(history, "kurumların birleştirilmesi")
    # The version before the merge, against the record now: old → new.
    assertContains(history, f"{LONG_NAME} (silindi) (finansör)")
    assertContains(history, "KOSGEB (finansör)")


def test_undoing_a_merge_puts_institutions_partnerships_and_names_back(
    editor_client, editor, twins
):
    keep, duplicate = twins
    before = everything(twins)
    merge_in_admin(editor_client, keep, duplicate)
    assert institution_state(keep.pk)["other_names"] != before["keep"]["other_names"]
    merge = InstitutionMerge.objects.get()

    page = editor_client.get(undo_url(merge))
    assertContains(page, "Evet, bu birleştirmeyi geri al")
    assertContains(page, "Yalnız kopyada")
    assert not Institution.objects.filter(pk=duplicate.pk).exists()  # not yet

    done = editor_client.post(undo_url(merge), follow=True)
    assertContains(done, "Birleştirme geri alındı")
    assert everything(twins) == before
    # Found by its own names again, not through the kept one's.
    assert list(Institution.objects.search("kosgeb baskanligi")) == [duplicate]
    merge.refresh_from_db()
    undo = merge.undone_by
    assert (undo.user, undo.origin.how) == (editor, "undo_merge")
    assert undo.version_set.count() == 2 + 3  # both institutions, 3 initiatives


def test_undoing_a_merge_twice_says_so_and_changes_nothing(editor_client, twins):
    keep, duplicate = twins
    merge_in_admin(editor_client, keep, duplicate)
    merge = InstitutionMerge.objects.get()
    editor_client.post(undo_url(merge))
    restored = everything(twins)
    again = editor_client.post(undo_url(merge), follow=True)
    assertContains(again, "Bu birleştirme zaten geri alınmış")
    assert everything(twins) == restored
    assert Institution.objects.count() == 2


def test_undo_after_a_later_edit_of_an_initiative_is_a_conflict_and_does_nothing(
    editor_client, twins
):
    keep, duplicate = twins
    merge_in_admin(editor_client, keep, duplicate)
    merge = InstitutionMerge.objects.get()
    data = (
        "slug,title,partners\n"
        f"{Initiative.objects.get(title='İki rollü').slug},İki rollü,KOSGEB (lead)\n"
    ).encode()
    assert not import_file(data=data).has_errors()
    after_edit = (institution_state(keep.pk), partners("İki rollü"))

    done = editor_client.post(undo_url(merge), follow=True)
    assertContains(done, "Birleştirme geri alınamaz")
    assertContains(done, "İki rollü")
    assert (institution_state(keep.pk), partners("İki rollü")) == after_edit
    assert not Institution.objects.filter(pk=duplicate.pk).exists()
    merge.refresh_from_db()
    assert merge.undone_by is None


def test_undo_after_a_later_edit_of_the_kept_institution_is_a_conflict(twins, editor):
    keep, duplicate = twins
    merge = merge_institutions(keep=keep, duplicates=[duplicate])["merge"]
    data = f"slug,name,acronym\n{keep.slug},KOSGEB,KSGB\n".encode()
    result = import_file(data=data, resource_class=InstitutionResource)
    assert not result.has_errors(), result.report_lines()
    outcome = undo_merge(merge=merge, user=editor)
    assert outcome.status == "conflict"
    assert outcome.changed == ["KOSGEB (KSGB)"]
    assert not Institution.objects.filter(pk=duplicate.pk).exists()


def test_undo_when_a_new_institution_took_the_merged_name_is_a_conflict(twins, editor):
    keep, duplicate = twins
    merge = merge_institutions(keep=keep, duplicates=[duplicate])["merge"]
    InstitutionFactory(name=LONG_NAME)
    outcome = undo_merge(merge=merge, user=editor)
    assert (outcome.status, outcome.taken) == ("conflict", [LONG_NAME])
    assert Partnership.objects.filter(institution=keep).count() == 4


def test_the_kept_institutions_history_offers_to_undo_its_merges(editor_client, twins):
    keep, duplicate = twins
    merge_in_admin(editor_client, keep, duplicate)
    merge = InstitutionMerge.objects.get()
    history_url = reverse("admin:initiatives_institution_history", args=[keep.pk])
    assertContains(editor_client.get(history_url), f'href="{undo_url(merge)}"')
    editor_client.post(undo_url(merge))
    page = editor_client.get(history_url)
    assertNotContains(page, f'href="{undo_url(merge)}"')
    assertContains(page, "geri alındı")


# -- a merged institution's address redirects ---------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_merged_institutions_page_redirects_to_the_kept_one(client, twins, prefix):
    keep, duplicate = twins
    merge = merge_institutions(keep=keep, duplicates=[duplicate])["merge"]
    response = client.get(f"{prefix}/institutions/{duplicate.slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"{prefix}/institutions/{keep.slug}/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get(f"{prefix}/institutions/no-such-one/").status_code == 404

    undo_merge(merge=merge, user=None)
    again = client.get(f"{prefix}/institutions/{duplicate.slug}/")
    assert again.status_code == 200
    assert again.context["institution"].pk == duplicate.pk


def test_an_address_redirects_to_the_last_survivor_of_merges_in_a_row(client):
    first = InstitutionFactory(name="Birinci")
    second = InstitutionFactory(name="İkinci")
    third = InstitutionFactory(name="Üçüncü")
    merge_institutions(keep=second, duplicates=[first])
    merge = merge_institutions(keep=third, duplicates=[second])["merge"]
    response = client.get(f"/institutions/{first.slug}/")
    assert response["Location"] == f"/institutions/{third.slug}/"
    undo_merge(merge=merge, user=None)
    assert client.get(f"/institutions/{first.slug}/")["Location"] == (
        f"/institutions/{second.slug}/"
    )


def test_the_sitemap_lists_only_live_institution_pages(client, twins):
    keep, duplicate = twins
    merge_institutions(keep=keep, duplicates=[duplicate])
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/institutions/{keep.slug}/" in sitemap
    assert f"/institutions/{duplicate.slug}/" not in sitemap


def test_an_unknown_institutions_history_or_undo_is_not_an_error(editor_client):
    history = reverse("admin:initiatives_institution_history", args=["x"])
    assert editor_client.get(history).status_code in (302, 404)
    undo = "/admin/initiatives/institution/x/history/merges/1/undo/"
    assert editor_client.get(undo).status_code == 404
