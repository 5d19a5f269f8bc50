"""The editors' admin, driven with real requests as a member of "Editors"."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Initiative, Link, Partnership
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    LinkFactory,
    PartnershipFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def turkish(message):
    """The admin speaks Turkish (the default language): expect the translation."""
    with translation.override("tr"):
        return str(translation.gettext(message))


def initiative_form(**overrides):
    data = {
        "number": "",
        "title_tr": "Kayseri Mobilya Kümesi",
        "title_en": "",
        "slug": "kayseri-mobilya-kumesi",
        "summary_tr": "Mobilya üreticileri.",
        "summary_en": "",
        "description_tr": "",
        "description_en": "",
        "start_year": "2015",
        "end_year": "",
        "status": "active",
        "other_regions_tr": "",
        "other_regions_en": "",
        "budget_amount": "",
        "budget_currency": "",
        "duration_months": "",
        "member_firms": "",
        "solution_partners": "",
        "support_programme": "",
        "source_tr": "",
        "source_en": "",
        "last_verified": "",
        "is_published": "on",
        "date_added": "2024-01-15",
        "partnerships-TOTAL_FORMS": "0",
        "partnerships-INITIAL_FORMS": "0",
        "partnerships-MIN_NUM_FORMS": "0",
        "partnerships-MAX_NUM_FORMS": "1000",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def with_partners(data, *partners):
    data["partnerships-TOTAL_FORMS"] = str(len(partners))
    for n, (institution, role) in enumerate(partners):
        data[f"partnerships-{n}-institution"] = str(institution.pk)
        data[f"partnerships-{n}-role"] = role
        data[f"partnerships-{n}-position"] = str(n)
    return data


def with_link(data, url, title="Web sitesi", kind="website"):
    data["links-TOTAL_FORMS"] = "1"
    data.update(
        {
            "links-0-url": url,
            "links-0-title": title,
            "links-0-kind": kind,
            "links-0-position": "0",
        }
    )
    return data


def test_editor_adds_an_initiative_with_partners_and_a_link(editor_client):
    kosgeb = InstitutionFactory(name="KOSGEB", acronym="KOSGEB")
    oiz = InstitutionFactory(name="Kayseri OSB")
    sector = SectorFactory(name="Mobilya")
    data = with_link(
        with_partners(
            initiative_form(sectors=[sector.pk], provinces=["38"]),
            (oiz, "lead"),
            (kosgeb, "partner"),
        ),
        "https://example.org/kayseri",
    )
    response = editor_client.post(reverse("admin:initiatives_initiative_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    initiative = Initiative.objects.get(slug="kayseri-mobilya-kumesi")
    assert {(p.institution.name, p.role) for p in initiative.partnerships.all()} == {
        ("Kayseri OSB", "lead"),
        ("KOSGEB", "partner"),
    }
    assert initiative.links.get().url == "https://example.org/kayseri"
    assert [p.name for p in initiative.provinces.all()] == ["Kayseri"]
    assert list(Initiative.objects.search("kosgeb kayseri")) == [initiative]
    assert LogEntry.objects.filter(object_id=str(initiative.pk)).exists()


def test_editor_changes_an_initiative_and_its_hit_count_survives(editor_client):
    initiative = InitiativeFactory(title="Eski", slug="eski")
    partnership = PartnershipFactory(initiative=initiative, role="partner")
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=11)
    data = initiative_form(title_tr="Yeni başlık", slug="eski", hit_count="0")
    data.update(
        {
            "partnerships-TOTAL_FORMS": "1",
            "partnerships-INITIAL_FORMS": "1",
            "partnerships-0-id": str(partnership.pk),
            "partnerships-0-initiative": str(initiative.pk),
            "partnerships-0-institution": str(partnership.institution.pk),
            "partnerships-0-role": "funder",
            "partnerships-0-position": "0",
        }
    )
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Yeni başlık"
    assert initiative.hit_count == 11
    assert initiative.partnerships.get().role == Partnership.Role.FUNDER


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_year": "1800"}, "start_year", "1990"),
        (
            {"start_year": "2010", "end_year": "2005"},
            "end_year",
            turkish("The end year cannot be before the start year."),
        ),
        (
            {"budget_amount": "-100", "budget_currency": "EUR"},
            "budget_amount",
            turkish("Ensure this value is greater than or equal to %(limit_value)s.")
            % {"limit_value": 0},
        ),
        ({"member_firms": "-1"}, "member_firms", "0"),
    ],
)
def test_admin_form_rejects_bad_values_on_the_right_field(
    editor_client, overrides, field, message
):
    response = editor_client.post(
        reverse("admin:initiatives_initiative_add"), initiative_form(**overrides)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not Initiative.objects.exists()


def test_admin_form_rejects_a_javascript_link(editor_client):
    data = with_link(initiative_form(), "javascript:alert(1)")
    response = editor_client.post(reverse("admin:initiatives_initiative_add"), data)
    assert response.status_code == 200
    link_errors = response.context["inline_admin_formsets"][1].formset.errors[0]
    message = turkish("Enter a web address that starts with http:// or https://.")
    assert link_errors["url"] == [message]
    assertContains(response, message)
    assert not Initiative.objects.exists() and not Link.objects.exists()


def test_admin_form_rejects_the_same_role_twice(editor_client):
    institution = InstitutionFactory()
    data = with_partners(
        initiative_form(), (institution, "lead"), (institution, "lead")
    )
    response = editor_client.post(reverse("admin:initiatives_initiative_add"), data)
    assert response.status_code == 200
    assert not Initiative.objects.exists()


def test_editor_cannot_open_the_user_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_editor_cannot_add_or_delete_provinces(editor_client):
    assert (
        editor_client.get(reverse("admin:initiatives_province_add")).status_code == 403
    )
    assert (
        editor_client.get(reverse("admin:initiatives_province_changelist")).status_code
        == 200
    )


def test_publish_and_unpublish_actions(editor_client):
    shown = InitiativeFactory(is_published=True)
    hidden = InitiativeFactory(is_published=False)
    url = reverse("admin:initiatives_initiative_changelist")
    editor_client.post(url, {"action": "unpublish", "_selected_action": [shown.pk]})
    editor_client.post(url, {"action": "publish", "_selected_action": [hidden.pk]})
    shown.refresh_from_db()
    hidden.refresh_from_db()
    assert (shown.is_published, hidden.is_published) == (False, True)


def test_hit_count_is_read_only_on_the_change_form(editor_client):
    initiative = InitiativeFactory()
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    response = editor_client.get(url)
    assert "hit_count" not in response.context["adminform"].form.fields
    assertContains(response, 'class="viewsitelink"')


def test_changelist_shows_the_columns_editors_need(seed, editor_client):
    response = editor_client.get(reverse("admin:initiatives_initiative_changelist"))
    for column in ("number", "title", "start_year", "sector_list", "province_list"):
        assertContains(
            response,
            f'class="sortable column-{column}'
            if column in {"number", "title", "start_year"}
            else f'class="column-{column}',
        )
    for column in ("hit_count", "is_published"):
        assertContains(response, f"column-{column}")
    assertContains(response, "Bartın Kümelenme Temelli Bölgesel Kalkınma Projesi")


def test_changelist_search_is_turkish_insensitive(seed, editor_client):
    url = reverse("admin:initiatives_initiative_changelist")
    response = editor_client.get(url, {"q": "corlu"})
    assertContains(response, "(Tekirdağ)")
    assertNotContains(response, "(Elazığ)")


ADMIN_PAGES = ["initiative", "institution", "sector", "province"]


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_every_admin_page_renders_for_an_editor(seed, editor_client, model):
    changelist = reverse(f"admin:initiatives_{model}_changelist")
    response = editor_client.get(changelist)
    assert response.status_code == 200
    assert editor_client.get(changelist, {"q": "izmir"}).status_code == 200
    for spec in response.context["cl"].filter_specs:
        for choice in spec.choices(response.context["cl"]):
            query = choice["query_string"]
            assert editor_client.get(changelist + query).status_code == 200, query
    obj = response.context["cl"].result_list[0]
    change = reverse(f"admin:initiatives_{model}_change", args=[obj.pk])
    assert editor_client.get(change).status_code == 200
    if model != "province":
        assert (
            editor_client.get(reverse(f"admin:initiatives_{model}_add")).status_code
            == 200
        )


@pytest.mark.parametrize("model", ["institution", "sector", "province"])
def test_autocomplete_finds_turkish_names_from_ascii(seed, editor_client, model):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": {"institution": "corlu", "sector": "gida", "province": "sanli"}[
                model
            ],
            "app_label": "initiatives",
            "model_name": "partnership" if model == "institution" else "initiative",
            "field_name": model if model == "institution" else f"{model}s",
        },
    )
    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    expected = {"institution": "Çorlu", "sector": "Gıda", "province": "Şanlıurfa"}[
        model
    ]
    assert any(expected.lower() in t.lower() for t in texts), texts


def test_deleting_an_institution_with_partnerships_is_refused_politely(editor_client):
    partnership = PartnershipFactory()
    url = reverse(
        "admin:initiatives_institution_delete", args=[partnership.institution.pk]
    )
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assertContains(response, 'id="deleted-objects"')
    assert (
        partnership.institution.pk
        and type(partnership.institution)
        .objects.filter(pk=partnership.institution.pk)
        .exists()
    )


def test_editor_can_change_a_link(editor_client):
    link = LinkFactory()
    assert link.initiative.links.count() == 1
