"""The map of the 81 provinces: geometry, shading, legend and links.

Counts come from where the page already has them, so the map adds no query:
the list's province facet (facets.py: the published initiatives under every
other filter, the same number its link leads to) or the home page's
provinces with counts. The geometry is ``data/provinces.json``, made by
``tools/simplify_provinces.py`` (README, "Map data") and read once per
process. Shading is one of ``BUCKETS`` classes by the share of the largest
count, so the page's CSS holds every colour (no inline style under the CSP).
"""

import functools
import json
import math
from pathlib import Path

from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from . import facets

GEOMETRY = Path(__file__).resolve().parent / "data" / "provinces.json"
BUCKETS = 4


@functools.cache
def geometry():
    """{"viewbox": [x, y, width, height], "provinces": [{plate_code, slug,
    name, d}]} in plate-code order."""
    return json.loads(GEOMETRY.read_text(encoding="utf-8"))


def bucket(count, largest):
    """0 for none, else 1 … BUCKETS by the share of the largest count."""
    if count <= 0 or largest <= 0:
        return 0
    return min(BUCKETS, math.ceil(BUCKETS * count / largest))


def legend(largest):
    """[(bucket, label)]: "0", then the count range of each bucket in use."""
    entries = [(0, number_format(0))]
    for k in range(1, BUCKETS + 1):
        low = math.floor((k - 1) * largest / BUCKETS) + 1
        high = math.floor(k * largest / BUCKETS)
        if low > high:
            continue
        label = number_format(low, force_grouping=True)
        if high > low:
            label += "–" + number_format(high, force_grouping=True)
        entries.append((k, label))
    return entries


def province_label(name, count):
    return ngettext(
        "%(province)s: %(count)s initiative",
        "%(province)s: %(count)s initiatives",
        count,
    ) % {"province": name, "count": number_format(count, force_grouping=True)}


def province_map(counts, urls, selected=frozenset()):
    """The template's map: ``counts`` and ``urls`` by province slug; a
    province with initiatives and a url is a link."""
    largest = max(counts.values(), default=0)
    areas = []
    for province in geometry()["provinces"]:
        slug = province["slug"]
        count = counts.get(slug, 0)
        label = province_label(province["name"], count)
        if slug in selected:
            label = gettext("%(province)s (selected)") % {"province": label}
        areas.append(
            {
                "slug": slug,
                "d": province["d"],
                "count": count,
                "bucket": bucket(count, largest),
                "label": label,
                "url": urls.get(slug) if count else None,
                "selected": slug in selected,
            }
        )
    return {
        "viewbox": " ".join(map(str, geometry()["viewbox"])),
        "areas": areas,
        "legend": legend(largest),
    }


def from_facets(facet_list):
    """The list page's map, from its province facet: the same counts, and
    the same links (adding the province, or removing it when selected)."""
    options = next(f["options"] for f in facet_list if f["name"] == "province")
    return province_map(
        {o["value"]: o["count"] for o in options},
        {o["value"]: o["url"] for o in options},
        frozenset(o["value"] for o in options if o["selected"]),
    )


def from_options(options, list_path):
    """The home page's map, from the unfiltered list's province options
    (value, count); each links to the list filtered by that province."""
    return province_map(
        {o["value"]: o["count"] for o in options},
        {
            o["value"]: facets.link(
                list_path, QueryDict(), add=("province", o["value"])
            )
            for o in options
        },
    )
