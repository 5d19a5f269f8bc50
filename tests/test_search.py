"""Search the Turkish way, the same on SQLite and PostgreSQL (docs/CONTRACT.md "Turkish text")."""

import pytest
from pytest_django.asserts import assertContains

from initiatives.models import Initiative, Institution, Sector
from tests.factories import InitiativeFactory, PartnershipFactory

IZMIR = {
    "iaosb-metal-casting-clusters",
    "izmir-organic-food-clusters",
    "inoviz-izmir-for-health",
    "izmir-processed-fruit-and-vegetable-clusters",
}


def found(client, q, path="/initiatives/"):
    response = client.get(path, {"q": q})
    assert response.status_code == 200
    return {obj.slug for obj in response.context["page_obj"]}


def searched(q):
    """What Initiative.objects.search() finds, as slugs."""
    return set(Initiative.objects.search(q).values_list("slug", flat=True))


@pytest.mark.parametrize("q", ["izmir", "IZMIR", "İzmir", "izmır", "Izmir", "İZMİR"])
def test_every_spelling_of_izmir_finds_the_izmir_initiatives(client, seed, q):
    assert found(client, q) == searched(q) == IZMIR


@pytest.mark.parametrize("q", ["elazig", "Elazığ", "ELAZIĞ", "elazığ"])
def test_elazig_finds_elazig(client, seed, q):
    assert (
        found(client, q)
        == searched(q)
        == {"clusters-based-strategic-economic-development-project-elazig"}
    )


@pytest.mark.parametrize("q", ["corlu", "Çorlu", "ÇORLU"])
def test_corlu_finds_the_tekirdag_initiative(client, seed, q):
    assert (
        found(client, q)
        == searched(q)
        == {"clusters-based-strategic-economic-development-project-tekirdag"}
    )


@pytest.mark.parametrize("q", ["ostim", "OSTİM", "Ostim", "OSTIM"])
def test_ostim_finds_the_ostim_initiatives(client, seed, q):
    assert (
        found(client, q)
        == searched(q)
        == {
            "competitiveness-and-clusters-analysis",
            "clusters-analysis-and-ostim-aerospace-and-defense-clusters-in-defense-industry-sector-dis",
            "medical-industry-clusters",
        }
    )


def test_an_acronym_of_a_partner_finds_its_initiatives(client, seed):
    assert found(client, "kosgeb") == {
        "bartin-clusters-based-regional-development-project",
        "clusters-based-strategic-economic-development-project-tekirdag",
    }


def test_a_sector_name_in_turkish_or_english_finds_its_initiatives(client, seed):
    medical = {
        "medikum-samsun-medical-industry-clusters",
        "medical-industry-clusters",
        "inoviz-izmir-for-health",
    }
    assert found(client, "medikal") == medical
    # The Turkish texts say "sağlıklı" (healthy) of one more.
    assert found(client, "sağlık") == found(client, "saglik") >= medical
    assert found(client, "medical and health") == medical


def test_every_word_must_match(client, seed):
    assert found(client, "izmir organic") == {"izmir-organic-food-clusters"}
    assert found(client, "izmir nothinglikethis") == set()


def test_the_search_covers_summary_and_description(client, db):
    InitiativeFactory(
        title="Başlık", summary="Özet", description="Şanlıurfa’da organik pamuk"
    )
    assert found(client, "sanliurfada pamuk") == {"baslik"}


def test_the_search_sees_a_partner_renamed_after_the_initiative_was_saved(client, db):
    partnership = PartnershipFactory()
    institution = partnership.institution
    institution.name = "Gaziantep Sanayi Odası"
    institution.acronym = "GSO"
    institution.save()
    assert found(client, "gso") == {partnership.initiative.slug}
    assert found(client, "gaziantep sanayi odasi") == {partnership.initiative.slug}
    assert list(Initiative.objects.search("gaziantep odasi")) == [
        partnership.initiative
    ]


def test_the_search_sees_sectors_added_later(client, db):
    initiative = InitiativeFactory(title="Yeni küme")
    initiative.sectors.add(Sector.objects.create(name="Döküm", name_en="Casting"))
    assert found(client, "dokum") == found(client, "casting") == {"yeni-kume"}


def test_the_search_is_shown_as_an_active_filter(client, seed):
    response = client.get("/en/initiatives/", {"q": "İzmir"})
    assertContains(response, "Search: “İzmir”")
    assertContains(response, 'value="İzmir"')


@pytest.mark.parametrize("q", ["ostim", "OSTİM", "Ostim", "OSTIM"])
def test_the_institution_list_is_searched_the_turkish_way(client, seed, q):
    assert found(client, q, path="/institutions/") == {"ostim"}


def test_the_institution_list_finds_turkish_names_by_ascii_spelling(client, db):
    Institution.objects.create(name="Çorlu Ticaret ve Sanayi Odası", kind="chamber")
    Institution.objects.create(name="İzmir Ticaret Odası", kind="chamber")
    assert found(client, "corlu odasi", path="/institutions/") == {
        "corlu-ticaret-ve-sanayi-odasi"
    }
    assert found(client, "IZMIR", path="/institutions/") == {"izmir-ticaret-odasi"}
