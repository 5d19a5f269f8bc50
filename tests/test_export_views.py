"""/initiatives/export.csv and .json: what the list shows, as open data."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative, Institution, Partnership, Province, Sector
from initiatives.transfer import INITIATIVE_COLUMNS

LIST_URL = reverse("initiatives:initiative_list")
CSV_URL = reverse("initiatives:initiative_export_csv")
JSON_URL = reverse("initiatives:initiative_export_json")


@pytest.fixture
def registry(seed):
    """The seed, with one initiative unpublished and a formula in a summary."""
    hidden = Initiative.objects.order_by("pk").first()
    hidden.is_published = False
    hidden.save()
    shown = Initiative.objects.published().order_by("pk").first()
    Initiative.objects.filter(pk=shown.pk).update(summary='=HYPERLINK("http://evil")')
    return hidden


def csv_slugs(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row["slug"] for row in csv.DictReader(io.StringIO(content))]


def json_slugs(response):
    return [item["slug"] for item in json.loads(b"".join(response.streaming_content))]


def list_slugs(client, params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return [i.slug for i in response.context["paginator"].object_list]


def filter_cases():
    sector = Sector.objects.filter(initiatives__is_published=True).first()
    province = Province.objects.filter(initiatives__is_published=True).first()
    institution = Institution.objects.filter(partnerships__isnull=False).first()
    years = sorted(
        Initiative.objects.published()
        .exclude(start_year=None)
        .values_list("start_year", flat=True)
    )
    return [
        {},
        {"q": "kalkinma"},
        {"q": "İZMİR"},
        {"sector": sector.slug},
        {"sector": [s.slug for s in Sector.objects.all()[:3]]},
        {"province": province.slug},
        {"province": [p.slug for p in Province.objects.all()[:40]]},
        {"year_from": years[len(years) // 2]},
        {"year_to": years[len(years) // 2]},
        {"year_from": years[0], "year_to": years[-1]},
        {"institution": institution.slug},
        {"status": "unknown"},
        {"ordering": "-start_year"},
        {"sector": sector.slug, "q": "küme", "utm_source": "newsletter"},
    ]


@pytest.mark.django_db
def test_every_filter_gives_what_the_list_shows_and_never_unpublished(client, registry):
    non_empty = 0
    cases = filter_cases()
    for params in cases:
        expected = list_slugs(client, params)
        non_empty += bool(expected)
        csv_response = client.get(CSV_URL, params)
        json_response = client.get(JSON_URL, params)
        assert csv_response.status_code == json_response.status_code == 200
        exported = csv_slugs(csv_response)
        assert sorted(exported) == sorted(expected), params
        assert sorted(json_slugs(json_response)) == sorted(expected), params
        assert registry.slug not in exported
    assert non_empty >= len(cases) - 2  # the cases do select something


@pytest.mark.django_db
def test_export_streams_the_import_columns_with_a_dated_file_name(client, registry):
    response = client.get(CSV_URL)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert f'filename="initiatives-{today}.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == list(INITIATIVE_COLUMNS)
    assert len(rows) == 17
    assert '\'=HYPERLINK("http://evil")' in [row["summary"] for row in rows]
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_json_export_has_the_same_keys(client, registry):
    response = client.get(JSON_URL, {"status": "unknown"})
    assert response["Content-Type"] == "application/json"
    assert "initiatives-" in response["Content-Disposition"]
    items = json.loads(b"".join(response.streaming_content))
    assert items and all(list(item) == list(INITIATIVE_COLUMNS) for item in items)
    # Open data, not a spreadsheet: no formula escape in JSON.
    assert '=HYPERLINK("http://evil")' in [item["summary"] for item in items]
    partnered = next(i for i in items if i["partners"])
    assert "(" in partnered["partners"]
    assert Partnership.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"sector": "no-such-sector"},
        {"year_from": "abc"},
        {"institution": "atlantis"},
        {"status": "secret"},
    ],
)
def test_bad_parameters_say_what_was_wrong(client, registry, params):
    for url in (CSV_URL, JSON_URL):
        response = client.get(url, params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert response.content.strip()


@pytest.mark.django_db
def test_the_list_links_to_the_exports_with_its_filters(client, registry):
    sector = Sector.objects.filter(initiatives__is_published=True).first()
    response = client.get(LIST_URL, {"sector": sector.slug, "page": "1"})
    content = response.content.decode()
    assert f"{CSV_URL}?sector={sector.slug}" in content
    assert f"{JSON_URL}?sector={sector.slug}" in content
