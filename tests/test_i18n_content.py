"""Content in Turkish and English: the seed, the fallbacks, search in both."""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives import text
from initiatives.management.commands.load_seed import OLD_SOURCE
from initiatives.models import Initiative, Institution, Province, Sector
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    PartnershipFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ("title", "summary", "description", "other_regions")


def seed_records(model):
    path = Path(settings.BASE_DIR) / "fixtures" / "seed.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    return [r["fields"] for r in records if r["model"] == f"initiatives.{model}"]


SEED_INITIATIVES = seed_records("initiative")


def texts(fields, language):
    return " ".join(fields[f"{name}_{language}"] for name in TEXT_FIELDS)


def numbers(value):
    """Every number, its grouping taken out: "1.080.630" and "1,080,630" alike."""
    return sorted(
        re.sub(r"[.,]", "", n) for n in re.findall(r"\d+(?:[.,]\d{3})*", value)
    )


# The seed in both languages.


@pytest.mark.parametrize("fields", SEED_INITIATIVES, ids=lambda f: f["slug"])
def test_the_turkish_of_each_seed_initiative_states_the_same_numbers(fields):
    # Years, counts, budget, duration, dates: the same digits in both.
    assert numbers(texts(fields, "tr")) == numbers(texts(fields, "en"))


@pytest.mark.parametrize("fields", SEED_INITIATIVES, ids=lambda f: f["slug"])
def test_the_turkish_of_each_seed_initiative_names_the_same_places(fields):
    provinces = [text.fold(p.name) for p in Province.objects.all()]

    def places(value):
        words = set(text.fold(value).split())
        return sorted(p for p in provinces if p in words)

    assert places(texts(fields, "tr")) == places(texts(fields, "en"))


@pytest.mark.parametrize("fields", SEED_INITIATIVES, ids=lambda f: f["slug"])
def test_the_turkish_of_each_seed_initiative_keeps_its_acronyms(fields):
    def acronyms(value):
        return sorted(text.fold(a) for a in re.findall(r"\(([^()\s]+)\)", value))

    assert acronyms(texts(fields, "tr")) == acronyms(texts(fields, "en"))


def test_every_seed_record_has_both_languages_and_says_which_is_the_source():
    for fields in SEED_INITIATIVES:
        for name in ("title", "summary", "description"):
            assert fields[f"{name}_tr"] and fields[f"{name}_en"], fields["slug"]
        assert "the English text is the page's own" in fields["source_en"]
        assert "Türkçe metin kayıt sisteminin çevirisidir" in fields["source_tr"]
    for model in ("institution", "sector"):
        for fields in seed_records(model):
            assert fields["name_tr"] and fields["name_en"], fields["slug"]


def test_the_seed_has_the_official_turkish_names(seed):
    names = dict(Institution.objects.values_list("slug", "name_tr"))
    assert names["ministry-of-development"] == "Kalkınma Bakanlığı"
    assert names["kosgeb"] == (
        "Küçük ve Orta Ölçekli İşletmeleri Geliştirme ve Destekleme İdaresi Başkanlığı"
    )
    assert names["urak"] == "Uluslararası Rekabet Araştırmaları Kurumu"
    assert names["elazig-governorship"] == "Elazığ Valiliği"
    assert names["konya-chamber-of-industry"] == "Konya Sanayi Odası"
    assert names["undp"] == "Birleşmiş Milletler Kalkınma Programı"


# load_seed on a registry from before the translations.


def as_before_the_translations():
    """What migration 0010 leaves of a seeded registry: English only, and
    the original columns holding the English."""
    names = (*TEXT_FIELDS, "source")
    Initiative.objects.rewrite(False).update(
        **{f"{name}_tr": None for name in names},
        **{name: F(f"{name}_en") for name in names if name != "source"},
        source=OLD_SOURCE,
        source_en=OLD_SOURCE,
    )
    Institution.objects.rewrite(False).update(name_tr=None, name=F("name_en"))


def test_load_seed_fills_the_empty_turkish_texts_of_a_seeded_registry(seed):
    as_before_the_translations()
    bartin = Initiative.objects.get(number=1)
    bartin.title_tr = "Bartın projesi (editörün başlığı)"
    bartin.source_en = "Checked with the agency, 2024."
    bartin.save()
    Initiative.objects.filter(number=1).update(hit_count=42)
    Initiative.objects.filter(number=7).update(hit_count=7)
    Institution.objects.filter(slug="ostim").update(name_tr="OSTİM OSB")

    out = io.StringIO()
    call_command("load_seed", stdout=out)

    assert "already" in out.getvalue()
    bartin.refresh_from_db()
    assert bartin.title_tr == "Bartın projesi (editörün başlığı)"  # kept
    assert bartin.summary_tr.startswith("Kalkınma Bakanlığının gözetiminde")
    assert bartin.source_en == "Checked with the agency, 2024."  # kept
    assert bartin.hit_count == 42
    elazig = Initiative.objects.get(number=7)
    assert elazig.hit_count == 7
    assert elazig.title_tr.startswith("Kümelenme Temelli Stratejik")
    assert elazig.source_en.endswith("the Turkish is the registry's translation.")
    assert Institution.objects.get(slug="ostim").name_tr == "OSTİM OSB"  # kept
    assert Institution.objects.get(slug="elazig-governorship").name_tr == (
        "Elazığ Valiliği"
    )
    # The search text is made again with the Turkish.
    assert set(Initiative.objects.search("valilik").values_list("number", flat=True))
    assert elazig in Initiative.objects.search("valiliği")

    before = list(Initiative.objects.values_list("title_tr", "updated_at"))
    call_command("load_seed", stdout=io.StringIO())
    assert list(Initiative.objects.values_list("title_tr", "updated_at")) == before


def test_load_seed_leaves_a_name_another_record_already_has(seed):
    as_before_the_translations()
    InstitutionFactory(name_tr="Kalkınma Bakanlığı", name_en="Editors' ministry")
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    assert "Kalkınma Bakanlığı" in out.getvalue()
    assert Institution.objects.get(slug="ministry-of-development").name_tr is None


# A text missing in the page's language shows the other's, marked.

ENGLISH_ONLY = '<span lang="en">{}</span> <span class="lang-note">İngilizce</span>'
TURKISH_ONLY = '<span lang="tr">{}</span> <span class="lang-note">in Turkish</span>'


@pytest.fixture
def half_translated(db):
    sector = SectorFactory(name_tr=None, name_en="Robotics")
    agency = InstitutionFactory(name_tr=None, name_en="Robotics Agency")
    english = InitiativeFactory(
        title_tr=None,
        title_en="Robot Cluster",
        summary_tr=None,
        summary_en="Robot makers working together.",
        description_tr=None,
        description_en="First line.\n\nSecond line.",
        sectors=[sector],
    )
    PartnershipFactory(initiative=english, institution=agency, role="lead")
    turkish = InitiativeFactory(
        title_tr="Yalnız Türkçe Küme",
        title_en=None,
        summary_tr="Türkçe özet.",
        sectors=[sector],
    )
    return english, turkish, agency


def test_the_turkish_pages_show_english_only_texts_marked(client, half_translated):
    english, _turkish, agency = half_translated
    title = ENGLISH_ONLY.format("Robot Cluster")
    for path in ("/", "/initiatives/", "/initiatives/?q=robot"):
        response = client.get(path)
        assertContains(response, title, html=False)
        assertContains(response, '<html lang="tr">', html=False)
    listing = client.get("/initiatives/")
    assertContains(listing, ENGLISH_ONLY.format("Robotics"), html=False)  # facet
    assertContains(listing, ENGLISH_ONLY.format("Robotics Agency"), html=False)
    assertContains(
        client.get("/initiatives/?sector=robotics"),
        ENGLISH_ONLY.format("Robotics"),
        html=False,
    )  # the active filter

    page = client.get(english.get_absolute_url())
    assertContains(page, f"<h1>{title}</h1>", html=False)
    assertContains(page, ENGLISH_ONLY.format("Robot makers working together."))
    assertContains(
        page,
        '<p class="lang-note">İngilizce</p><div lang="en"><p>First line.</p>',
        html=False,
    )
    assertContains(page, "<title>Robot Cluster · Türkiye'de Kümelenme</title>")
    assertContains(
        page, '<meta name="description" content="Robot makers working together.">'
    )

    institutions = client.get("/institutions/")
    assertContains(institutions, ENGLISH_ONLY.format("Robotics Agency"), html=False)
    institution = client.get(agency.get_absolute_url())
    assertContains(institution, f"<h1>{ENGLISH_ONLY.format('Robotics Agency')}")
    assertContains(institution, "<title>Robotics Agency · Türkiye'de Kümelenme</title>")
    assertContains(institution, title, html=False)


def test_the_english_pages_show_turkish_only_texts_marked(client, half_translated):
    english, turkish, _agency = half_translated
    title = TURKISH_ONLY.format("Yalnız Türkçe Küme")
    for path in ("/en/", "/en/initiatives/"):
        response = client.get(path)
        assertContains(response, title, html=False)
        assertContains(response, '<html lang="en">', html=False)
        # Texts in the page's language are not marked.
        assertContains(response, ">Robot Cluster</a>", html=False)
    page = client.get(f"/en/initiatives/{turkish.slug}/")
    assertContains(page, f"<h1>{title}</h1>", html=False)
    assertContains(page, "<title>Yalnız Türkçe Küme · Clustering in Türkiye</title>")
    own = client.get(f"/en/initiatives/{english.slug}/")
    assertContains(own, "<h1>Robot Cluster</h1>", html=False)
    assertContains(own, '<p class="lead">Robot makers working together.</p>')
    # ... and the related Turkish-only initiative is marked.
    assertContains(own, title, html=False)


def test_a_translated_seed_page_is_in_the_page_language(client, seed):
    medical = "/initiatives/medical-industry-clusters/"
    assertContains(client.get(medical), "<h1>Medikal Sanayi Kümelenmesi</h1>")
    assertContains(client.get("/en" + medical), "<h1>Medical Industry Clusters</h1>")
    assertNotContains(client.get(medical), "lang-note")
    assertContains(client.get("/institutions/"), "Konya Sanayi Odası")
    assertContains(client.get("/en/institutions/"), "Konya Chamber of Industry")


# Search in both languages, on both language paths (issue 10, point 4).

BARTIN = "bartin-clusters-based-regional-development-project"
ELAZIG = "clusters-based-strategic-economic-development-project-elazig"
TEKIRDAG = "clusters-based-strategic-economic-development-project-tekirdag"
KONYA = "clusters-activities-for-konya-chamber-of-industry"
OSTIM_DEFENCE = {
    "competitiveness-and-clusters-analysis",
    "clusters-analysis-and-ostim-aerospace-and-defense-clusters-in-defense-industry-sector-dis",
}


def found(client, path, q):
    response = client.get(path, {"q": q})
    assert response.status_code == 200
    return {obj.slug for obj in response.context["page_obj"]}


@pytest.mark.parametrize("path", ["/initiatives/", "/en/initiatives/"])
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kalkınma", {BARTIN, ELAZIG, TEKIRDAG}),
        ("valilik", {ELAZIG, TEKIRDAG}),
        ("governorship", {ELAZIG, TEKIRDAG}),
        ("savunma", OSTIM_DEFENCE),
        ("defence", OSTIM_DEFENCE),
        ("sanayi odası", {KONYA, ELAZIG, TEKIRDAG}),
        ("bakanlık", {BARTIN}),
        ("tekstil", {"gap-southeastern-anatolia-project-regional-clusters-activities"}),
    ],
)
def test_the_list_finds_either_language_on_either_path(client, seed, path, q, expected):
    assert expected <= found(client, path, q)
    if q in {"valilik", "governorship", "savunma", "defence", "bakanlık"}:
        assert found(client, path, q) == expected


@pytest.mark.parametrize("path", ["/initiatives/", "/en/initiatives/"])
def test_kumelenme_in_any_spelling_finds_the_clusters(client, seed, path):
    clusters = found(client, path, "kümelenme")
    assert len(clusters) == 17
    assert found(client, path, "kumelenme") == found(client, path, "KÜMELENME")
    assert found(client, path, "kumelenme") == clusters


@pytest.mark.parametrize("path", ["/institutions/", "/en/institutions/"])
def test_the_institution_list_finds_turkish_names(client, seed, path):
    assert "konya-chamber-of-industry" in found(client, path, "sanayi")
    assert "ostim" in found(client, path, "sanayi")
    assert found(client, path, "bakanlık") == {
        "ministry-of-development",
        "ministry-of-science-industry-and-technology",
    }
    assert found(client, path, "sanayi odası") == found(client, path, "chamber")


def test_a_sectors_other_names_find_its_initiatives(client, seed):
    machinery = Sector.objects.get(slug="makine")
    assert found(client, "/initiatives/", "imalat") == set()
    machinery.keywords = "imalat, manufacturing"
    machinery.save()
    found_ = found(client, "/en/initiatives/", "manufacturing")
    assert found_ == set(machinery.initiatives.values_list("slug", flat=True))
    assert found_


def test_the_admin_search_box_finds_either_language(seed, editor_client):
    url = reverse("admin:initiatives_initiative_changelist")
    response = editor_client.get(url, {"q": "valilik"})
    assert {o.slug for o in response.context["cl"].result_list} == {ELAZIG, TEKIRDAG}
    institutions = editor_client.get(
        reverse("admin:initiatives_institution_changelist"), {"q": "bakanlık"}
    )
    assert len(institutions.context["cl"].result_list) == 2
    sectors = editor_client.get(
        reverse("admin:initiatives_sector_changelist"), {"q": "defence"}
    )
    assert [s.slug for s in sectors.context["cl"].result_list] == ["savunma-sanayii"]


def test_the_partner_autocomplete_finds_sanayi_odasi(seed, editor_client):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "sanayi odası",
            "app_label": "initiatives",
            "model_name": "partnership",
            "field_name": "institution",
        },
    )
    names = [result["text"] for result in response.json()["results"]]
    assert "Konya Sanayi Odası" in names
    assert len(names) == 6


# The admin: both languages, and what lacks a translation.


def test_the_admin_form_has_both_languages_and_refuses_no_title(editor_client):
    url = reverse("admin:initiatives_initiative_add")
    form = editor_client.get(url).context["adminform"].form
    for name in ("title", "summary", "description", "other_regions", "source"):
        assert {f"{name}_tr", f"{name}_en"} <= set(form.fields)
        assert name not in form.fields
    response = editor_client.post(url, {"title_tr": "", "title_en": ""})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "title_tr" in errors
    assert not Initiative.objects.exists()


def test_an_english_only_initiative_can_be_added(editor_client):
    url = reverse("admin:initiatives_initiative_add")
    response = editor_client.post(
        url,
        {
            "title_en": "Drone Cluster",
            "status": "unknown",
            "date_added": "2024-01-15",
            "is_published": "on",
            **{
                f"{prefix}-{key}": value
                for prefix in ("partnerships", "links")
                for key, value in {
                    "TOTAL_FORMS": "0",
                    "INITIAL_FORMS": "0",
                    "MIN_NUM_FORMS": "0",
                    "MAX_NUM_FORMS": "1000",
                }.items()
            },
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    drone = Initiative.objects.get()
    assert (drone.slug, drone.title_tr or "", drone.title_en) == (
        "drone-cluster",
        "",
        "Drone Cluster",
    )
    assert LogEntry.objects.exists()


def test_an_institution_cannot_take_another_ones_name_in_the_other_language(
    editor_client,
):
    InstitutionFactory(name_tr="Kalkınma Bakanlığı", name_en="Ministry of Development")
    response = editor_client.post(
        reverse("admin:initiatives_institution_add"),
        {"name_tr": "Ministry of Development", "kind": "ministry"},
    )
    assert response.status_code == 200
    assert Institution.objects.count() == 1


@pytest.mark.parametrize("model", ["initiative", "institution", "sector"])
def test_the_admin_lists_what_misses_turkish_or_english(
    editor_client, half_translated, model
):
    changelist = reverse(f"admin:initiatives_{model}_changelist")
    missing_turkish = editor_client.get(changelist, {"missing": "tr"})
    shown = {str(o) for o in missing_turkish.context["cl"].result_list}
    assert (
        shown
        == {
            "initiative": {"Robot Cluster"},
            "institution": {"Robotics Agency"},
            "sector": {"Robotics"},
        }[model]
    )
    missing_english = editor_client.get(changelist, {"missing": "en"})
    english = {str(o) for o in missing_english.context["cl"].result_list}
    assert english == ({"Yalnız Türkçe Küme"} if model == "initiative" else set())


def test_the_admin_index_counts_what_misses_a_translation(
    editor_client, half_translated
):
    response = editor_client.get(reverse("admin:index"))
    assertContains(response, 'id="missing-translations"')
    assertContains(response, 'href="/admin/initiatives/initiative/?missing=tr"')
    assertContains(response, 'href="/admin/initiatives/initiative/?missing=en"')
    assertContains(response, 'href="/admin/initiatives/institution/?missing=tr"')
    assertContains(response, 'href="/admin/initiatives/sector/?missing=tr"')
    assertNotContains(response, "/admin/initiatives/sector/?missing=en")


def test_the_admin_index_says_when_nothing_misses_a_translation(editor_client, seed):
    response = editor_client.get(reverse("admin:index"))
    assertContains(response, 'id="missing-translations"')
    assertNotContains(response, "?missing=")
