"""Institutions without duplicates: editors merge duplicates into one, whose
old names search and imports still find, and an institution's delete page
names its initiatives (issue 13, point 6)."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.institution_merge import merge_institutions
from initiatives.models import Initiative, Institution, Partnership
from initiatives.transfer import import_file
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
    assert counts == {"moved": 2, "dropped": 1}
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
