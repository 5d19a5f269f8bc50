"""Every search example of issue 10 (point 4) finds the same initiatives on
the list and its CSV and JSON exports, on both language paths, and in the
admin's search box: one rule of search for all of them. Run on SQLite and on
PostgreSQL (where long words go through the trigram index, migration 0021).
"""

import pytest
from django.urls import reverse

from tests.test_i18n_content import (
    BARTIN,
    ELAZIG,
    KONYA,
    OSTIM_DEFENCE,
    TEKIRDAG,
)
from tests.test_i18n_examples import GAP, exported, exported_json

pytestmark = pytest.mark.django_db

EXAMPLES = [
    # (query, initiatives it must find, whether those are all it finds)
    ("kümelenme", None, None),  # 17 of the 18, checked below
    ("kumelenme", None, None),
    ("kalkınma", {BARTIN, ELAZIG, TEKIRDAG}, False),
    ("valilik", {ELAZIG, TEKIRDAG}, True),
    ("governorship", {ELAZIG, TEKIRDAG}, True),
    ("savunma", OSTIM_DEFENCE, True),
    ("defence", OSTIM_DEFENCE, True),
    ("sanayi odası", {KONYA, ELAZIG, TEKIRDAG}, False),
    ("bakanlık", {BARTIN}, True),
    ("tekstil", {GAP}, True),
    ("konfeksiyon", {GAP}, True),
    ("textile", {GAP}, True),
]


def listed(client, path, q):
    response = client.get(path + "initiatives/", {"q": q})
    assert response.status_code == 200
    return {obj.slug for obj in response.context["page_obj"]}


def admin_found(editor_client, q):
    url = reverse("admin:initiatives_initiative_changelist")
    response = editor_client.get(url, {"q": q})
    return {obj.slug for obj in response.context["cl"].result_list}


@pytest.mark.parametrize(("q", "expected", "exact"), EXAMPLES)
def test_each_example_finds_the_same_on_the_list_the_exports_and_the_admin(
    client, editor_client, seed, q, expected, exact
):
    found = admin_found(editor_client, q)
    for path in ("/", "/en/"):
        assert listed(client, path, q) == found, path
        assert exported(client, path, q) == found, path
        assert exported_json(client, path, q) == found, path
    if expected is None:
        assert len(found) == 17
        assert found == admin_found(editor_client, "KÜMELENME")
    elif exact:
        assert found == expected
    else:
        assert expected <= found
