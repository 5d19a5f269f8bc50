import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from initiatives.models import Initiative, Link, Partnership, Province
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    LinkFactory,
    PartnershipFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def errors_of(instance):
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.message_dict


def test_start_year_before_1990_is_rejected_on_start_year():
    errors = errors_of(InitiativeFactory.build(start_year=1800))
    assert "1990" in errors["start_year"][0]


def test_start_year_more_than_five_years_ahead_is_rejected():
    errors = errors_of(InitiativeFactory.build(start_year=timezone.now().year + 6))
    assert "start_year" in errors


def test_start_year_five_years_ahead_is_accepted():
    InitiativeFactory.build(start_year=timezone.now().year + 5, slug="x").full_clean()


def test_end_year_before_start_is_rejected_on_end_year():
    errors = errors_of(InitiativeFactory.build(start_year=2010, end_year=2008))
    assert errors["end_year"] == ["The end year cannot be before the start year."]


def test_end_year_before_start_is_refused_by_the_database_too():
    initiative = InitiativeFactory(start_year=2010)
    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(end_year=2000)


def test_negative_budget_is_rejected_on_budget():
    errors = errors_of(InitiativeFactory.build(budget_amount=-1, budget_currency="EUR"))
    assert "budget_amount" in errors


@pytest.mark.parametrize(
    "field", ["duration_months", "member_firms", "solution_partners"]
)
def test_negative_counts_are_rejected(field):
    errors = errors_of(InitiativeFactory.build(**{field: -5}))
    assert field in errors


def test_budget_without_currency_is_rejected():
    errors = errors_of(InitiativeFactory.build(budget_amount=1000))
    assert "budget_currency" in errors


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,hi"]
)
def test_link_must_be_http_or_https(url):
    link = LinkFactory.build(initiative=InitiativeFactory(), url=url)
    errors = errors_of(link)
    assert errors["url"] == [
        "Enter a web address that starts with http:// or https://."
    ]


def test_https_link_is_accepted():
    LinkFactory.build(
        initiative=InitiativeFactory(), url="https://example.org/"
    ).full_clean()


def test_institution_website_must_be_http_or_https():
    errors = errors_of(InstitutionFactory.build(website="javascript:alert(1)"))
    assert "website" in errors


def test_slugs_are_unique_with_a_numbered_suffix():
    first = InitiativeFactory(title="İzmir Organik Gıda Kümesi")
    second = InitiativeFactory(title="İzmir Organik Gıda Kümesi")
    third = InitiativeFactory(title="İzmir Organik Gıda Kümesi")
    assert [first.slug, second.slug, third.slug] == [
        "izmir-organik-gida-kumesi",
        "izmir-organik-gida-kumesi-2",
        "izmir-organik-gida-kumesi-3",
    ]


def test_sector_slug_is_filled_from_the_turkish_name():
    assert SectorFactory(name="Şanlıurfa İpek Böceği").slug == "sanliurfa-ipek-bocegi"


def test_a_partnership_role_is_unique_per_institution():
    partnership = PartnershipFactory(role=Partnership.Role.LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.create(
            initiative=partnership.initiative,
            institution=partnership.institution,
            role=Partnership.Role.LEAD,
        )


def test_published_is_the_only_public_rule():
    shown = InitiativeFactory(is_published=True)
    InitiativeFactory(is_published=False)
    assert list(Initiative.objects.published()) == [shown]


def test_eighty_one_provinces_ship_with_the_product():
    assert Province.objects.count() == 81
    assert sorted(Province.objects.values_list("plate_code", flat=True)) == list(
        range(1, 82)
    )
    assert Province.objects.get(plate_code=63).slug == "sanliurfa"
    assert Province.objects.get(plate_code=23).name == "Elazığ"
    assert Province.objects.get(plate_code=35).slug == "izmir"
    assert Province.objects.get(plate_code=76).slug == "igdir"


def test_saving_an_initiative_never_overwrites_its_hit_count():
    initiative = InitiativeFactory()
    stale = Initiative.objects.get(pk=initiative.pk)
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=7)
    stale.title = "Yeni başlık"
    stale.save()
    initiative.refresh_from_db()
    assert (initiative.title, initiative.hit_count) == ("Yeni başlık", 7)


def test_search_text_follows_partners_sectors_and_provinces():
    initiative = InitiativeFactory(provinces=["elazig"])
    PartnershipFactory(
        initiative=initiative,
        institution=InstitutionFactory(name="OSTİM", acronym="OSTİM"),
    )
    initiative.sectors.add(SectorFactory(name="Su ürünleri"))
    initiative.refresh_from_db()
    assert " elazig " in initiative.search_text
    assert " ostim " in initiative.search_text
    assert "su urunleri" in initiative.search_text


def test_links_sort_by_position():
    initiative = InitiativeFactory()
    LinkFactory(initiative=initiative, position=2, title="B")
    LinkFactory(initiative=initiative, position=1, title="A")
    assert [link.title for link in Link.objects.filter(initiative=initiative)] == [
        "A",
        "B",
    ]


def test_absolute_url_is_the_public_page_in_the_active_language():
    initiative = InitiativeFactory(title="Bartın")
    assert initiative.get_absolute_url() == "/en/initiatives/bartin/"
    with translation.override("tr"):
        assert initiative.get_absolute_url() == "/initiatives/bartin/"
