"""Issue 10's examples where test_i18n_content.py does not reach: search in both
languages on the exports and every admin autocomplete, and the roles that the
seed's two languages state. Run on SQLite and on PostgreSQL by `make test`."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

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
    return {row["slug"] for row in json.loads(body)}


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
