"""Issue 10's examples where test_i18n_content.py does not reach: search in both
languages on the exports and every admin autocomplete, and the roles that the
seed's two languages state. Run on SQLite and on PostgreSQL by `make test`."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from initiatives import text
from initiatives.models import Initiative
from initiatives.transfer import import_file
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    PartnershipFactory,
)
from tests.test_i18n_content import ELAZIG, SEED_INITIATIVES, TEKIRDAG, texts

pytestmark = pytest.mark.django_db

GAP = "gap-southeastern-anatolia-project-regional-clusters-activities"


def exported(client, path, q):
    url = path + "initiatives/export.csv"
    body = b"".join(client.get(url, {"q": q}).streaming_content)
    return {
        row["slug"] for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    }


def exported_json(client, path, q):
    url = path + "initiatives/export.json"
    body = b"".join(client.get(url, {"q": q}).streaming_content)
    return {row["slug"] for row in json.loads(body)["initiatives"]}


@pytest.mark.parametrize("path", ["/", "/en/"])
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("valilik", {ELAZIG, TEKIRDAG}),
        ("governorship", {ELAZIG, TEKIRDAG}),
        ("tekstil", {GAP}),
        ("textile", {GAP}),
    ],
)
def test_the_exports_find_either_language_on_either_path(
    client, seed, path, q, expected
):
    assert exported(client, path, q) == expected
    assert exported_json(client, path, q) == expected


def autocomplete(client, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": term,
            "app_label": "initiatives",
            "model_name": model_name,
            "field_name": field_name,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("tekstil", ["Hazır giyim"]),
        ("konfeksiyon", ["Hazır giyim"]),
        ("textile", ["Hazır giyim"]),
        ("savunma", ["Savunma sanayii"]),
        ("defence", ["Savunma sanayii"]),
    ],
)
def test_the_sector_autocomplete_finds_either_language_and_other_names(
    seed, editor_client, term, expected
):
    assert autocomplete(editor_client, "initiative", "sectors", term) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("valilik", ["Elazığ Valiliği", "Tekirdağ Valiliği"]),
        ("governorship", ["Elazığ Valiliği", "Tekirdağ Valiliği"]),
        ("kalkınma bakanlığı", ["Kalkınma Bakanlığı"]),
        ("ministry of development", ["Kalkınma Bakanlığı"]),
    ],
)
def test_the_partner_autocomplete_finds_either_language(
    seed, editor_client, term, expected
):
    names = autocomplete(editor_client, "partnership", "institution", term)
    assert sorted(name.split(" (")[0] for name in names) == expected


# The seed's roles: who supervises, coordinates or funds is said in both.

ROLES = {
    # English stem: the Turkish stems that say the same.
    "supervis": ("gözetim",),
    "coordinat": ("koordin",),
    "fund": ("fon", "finans"),
}


@pytest.mark.parametrize("fields", SEED_INITIATIVES, ids=lambda f: f["slug"])
def test_the_turkish_of_each_seed_initiative_states_the_same_roles(fields):
    english, turkish = texts(fields, "en").lower(), texts(fields, "tr").lower()
    for stem, turkish_stems in ROLES.items():
        in_english = bool(re.search(rf"\b{stem}", english))
        in_turkish = any(t in turkish for t in turkish_stems)
        assert in_english <= in_turkish, (stem, fields["slug"])


# Alphabetical order in the page's language.


def listed(client, path, ordering):
    response = client.get(path, {"ordering": ordering})
    return [str(obj.title) for obj in response.context["page_obj"]]


def shown_titles(language):
    with translation.override(language):
        return [str(i.title) for i in Initiative.objects.published()]


@pytest.mark.parametrize(
    ("path", "language"), [("/initiatives/", "tr"), ("/en/initiatives/", "en")]
)
def test_the_list_sorts_by_the_titles_of_the_page_language(
    client, seed, path, language
):
    expected = sorted(shown_titles(language), key=text.sort_key)
    assert listed(client, path, "title") == expected
    assert listed(client, path, "-title") == expected[::-1]


def test_a_title_missing_in_english_sorts_by_the_turkish_on_the_english_list(
    client, db
):
    InitiativeFactory(title_tr="Zeytin Kümesi", title_en="Olive Cluster")
    InitiativeFactory(title_tr="Bal Kümesi", title_en=None)
    InitiativeFactory(title_tr="Ayva Kümesi", title_en="Quince Cluster")
    assert listed(client, "/en/initiatives/", "title") == [
        "Bal Kümesi",
        "Olive Cluster",
        "Quince Cluster",
    ]
    assert listed(client, "/initiatives/", "title") == [
        "Ayva Kümesi",
        "Bal Kümesi",
        "Zeytin Kümesi",
    ]


def english_keys():
    return dict(Initiative.objects.values_list("slug", "title_sort_key_en"))


def test_every_writer_keeps_the_english_sort_key(db):
    initiative = InitiativeFactory(slug="k", title_tr="Küme", title_en="Beta")
    assert english_keys() == {"k": text.sort_key("Beta")}
    Initiative.objects.filter(slug="k").update(title_en="Gamma")
    assert english_keys() == {"k": text.sort_key("Gamma")}
    Initiative.objects.filter(slug="k").update(title_en=None)
    assert english_keys() == {"k": text.sort_key("Küme")}  # the Turkish, shown
    initiative.refresh_from_db()
    initiative.title_en = "Delta"
    Initiative.objects.bulk_update([initiative], ["title_en"])
    assert english_keys() == {"k": text.sort_key("Delta")}
    initiative.title_en = "Epsilon"
    initiative.save()
    assert english_keys() == {"k": text.sort_key("Epsilon")}
    Initiative.objects.bulk_create(
        [Initiative(slug="n", title_tr="Yeni", title_en="New")]
    )
    assert english_keys()["n"] == text.sort_key("New")
    import_file(data=b"slug,title_en\r\nk,Zeta\r\ni,Imported\r\n")
    assert english_keys() == {
        "k": text.sort_key("Zeta"),
        "n": text.sort_key("New"),
        "i": text.sort_key("Imported"),
    }


def test_an_institutions_page_lists_its_initiatives_by_the_titles_it_shows(client, db):
    institution = InstitutionFactory(name="Sıralı Kurum")
    for title_tr, title_en, role in [
        ("Zeytin Kümesi", "Olive Cluster", "partner"),
        ("Bal Kümesi", None, "partner"),
        ("Çay Kümesi", "Tea Cluster", "partner"),
        ("Ayva Kümesi", "Quince Cluster", "partner"),
        ("Cam Kümesi", "Glass Cluster", "lead"),
    ]:
        initiative = InitiativeFactory(title_tr=title_tr, title_en=title_en)
        PartnershipFactory(initiative=initiative, institution=institution, role=role)
    InitiativeFactory(title_tr="Gizli Kümesi", is_published=False)

    def shown(path):
        groups = client.get(path).context["initiatives_by_role"]
        return [[str(i.title) for i in group] for _role, group in groups]

    path = institution.get_absolute_url()
    assert shown(path) == [
        ["Cam Kümesi"],
        ["Ayva Kümesi", "Bal Kümesi", "Çay Kümesi", "Zeytin Kümesi"],
    ]
    assert shown("/en" + path) == [
        ["Glass Cluster"],
        ["Bal Kümesi", "Olive Cluster", "Quince Cluster", "Tea Cluster"],
    ]
