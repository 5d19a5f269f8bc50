"""The map of the 81 provinces on the home page and above the list."""

import gzip
import html
import re

import pytest
from django.db.models import Count, Q

from initiatives import province_map
from initiatives.models import Initiative, Province
from tests.factories import InitiativeFactory

MAP = re.compile(r'<figure class="province-map".*?</figure>', re.S)
LINK = re.compile(r'<a href="([^"]*)" aria-label="([^"]*)" class="province-map__link')
AREA = re.compile(r'class="province-map__area province-map__area--(\d)"')
UNLINKED = re.compile(r'role="img" aria-label="([^"]*)"')


def the_map(response):
    assert response.status_code == 200
    found = MAP.findall(response.content.decode())
    assert len(found) == 1
    return found[0]


def links(map_html):
    """{accessible name: href} of the provinces that are links."""
    return {
        html.unescape(label): html.unescape(href)
        for href, label in LINK.findall(map_html)
    }


def published_per_province(**filters):
    published = Initiative.objects.published().filter(**filters)
    return {
        p.name: p.count
        for p in Province.objects.annotate(
            count=Count("initiatives", filter=Q(initiatives__in=published))
        )
    }


def test_the_geometry_holds_the_81_shipped_provinces_by_plate_code(db):
    shipped = {(p.plate_code, p.slug, p.name) for p in Province.objects.all()}
    geometry = {
        (p["plate_code"], p["slug"], p["name"])
        for p in province_map.geometry()["provinces"]
    }
    assert len(shipped) == 81
    assert geometry == shipped
    assert all(p["d"].startswith("M") for p in province_map.geometry()["provinces"])


@pytest.mark.parametrize(
    ("path", "izmir"),
    [("/", "İzmir: 4 girişim"), ("/en/", "İzmir: 4 initiatives")],
)
def test_the_home_map_draws_81_provinces_and_links_those_with_initiatives(
    client, seed, path, izmir
):
    map_html = the_map(client.get(path))
    assert len(AREA.findall(map_html)) == 81
    counts = published_per_province()
    linked = links(map_html)
    assert izmir in linked
    assert len(linked) == sum(1 for count in counts.values() if count)
    # A province without initiatives is named but is no link.
    assert len(UNLINKED.findall(map_html)) == 81 - len(linked)
    assert ("Adana: 0 girişim" if path == "/" else "Adana: 0 initiatives") in (map_html)
    # Every link leads to the list with as many initiatives as it says.
    for label, href in linked.items():
        name, number = re.fullmatch(r"(.+): (\d+) \w+", label).groups()
        assert counts[name] == int(number)
        response = client.get(href)
        assert response.context["paginator"].count == int(number), label


def test_the_list_map_agrees_with_the_province_facet_under_filters(client, seed):
    response = client.get("/initiatives/?sector=medikal&province=izmir")
    map_html = the_map(response)
    facet = next(f for f in response.context["facets"] if f["name"] == "province")
    by_label = {
        f"{o['label']}: {o['count']} girişim"
        + (" (seçili)" if o["selected"] else ""): o["url"]
        for o in facet["options"]
    }
    assert links(map_html) == by_label
    counts = published_per_province(sectors__slug="medikal")
    assert {label.split(":")[0]: int(label.split()[1]) for label in by_label} == {
        name: count for name, count in counts.items() if count
    }
    # İzmir is selected: its link removes it; the others add themselves.
    assert by_label["İzmir: 1 girişim (seçili)"] == "/initiatives/?sector=medikal"
    assert by_label["Ankara: 1 girişim"] == (
        "/initiatives/?sector=medikal&province=izmir&province=ankara"
    )


def test_shading_follows_the_largest_count_and_the_legend_names_each_shade(
    client, seed
):
    ankara = Province.objects.get(slug="ankara")
    assert published_per_province()["Ankara"] == 3
    for n in range(6):
        InitiativeFactory(slug=f"ankara-{n}").provinces.add(ankara)
    map_html = the_map(client.get("/en/"))
    shades = dict(
        re.findall(
            r'aria-label="([^":]+): \d+ initiatives?" class="province-map__link[^"]*">'
            r'<title>[^<]*</title><path class="province-map__area province-map__area--(\d)"',
            map_html,
        )
    )
    # Ankara (3 + 6 = 9) is the largest; İzmir (4) is in the second quarter of 9.
    assert shades["Ankara"] == "4"
    assert shades["İzmir"] == "2"
    legend = re.findall(
        r"province-map__area--(\d)\" aria-hidden=\"true\"></span> ([^<]+)<", map_html
    )
    assert legend == [
        ("0", "0"),
        ("1", "1–2"),
        ("2", "3–4"),
        ("3", "5–6"),
        ("4", "7–9"),
    ]


def test_the_legend_skips_empty_ranges_and_groups_thousands():
    assert province_map.legend(1) == [(0, "0"), (4, "1")]
    assert province_map.legend(2) == [(0, "0"), (2, "1"), (4, "2")]
    assert province_map.bucket(0, 5) == 0
    assert province_map.bucket(5, 5) == 4
    assert province_map.bucket(1, 4000) == 1
    assert province_map.legend(4000)[-1] == (4, "3.001–4.000")


def test_the_map_adds_at_most_150_kb_compressed_and_no_inline_style(client, seed):
    map_html = the_map(client.get("/"))
    assert len(gzip.compress(map_html.encode())) < 150_000
    assert "style=" not in map_html
    assert 'viewBox="0 0 1000 ' in map_html
