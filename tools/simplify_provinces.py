"""Turn a GeoJSON of Türkiye's 81 provinces into the map's committed data.

    python tools/simplify_provinces.py SOURCE.geojson > initiatives/data/provinces.json

The source used (README, "Map data"): ``geo/tr-cities-utf8.json`` of the public
repository cihadturhan/tr-geojson, boundaries © OpenStreetMap contributors,
Open Database License 1.0; the output is a derived database under the same
licence. Each province is matched to our Province rows (migration 0002) by its
folded name, projected (equirectangular, scaled by the cosine of the middle
latitude), simplified (Douglas-Peucker, TOLERANCE map units) and written as
an SVG path in integer map units, so pages only read a small JSON file.
"""

import importlib
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from initiatives import text

WIDTH = 1000  # map units across; the height follows from the bounds
TOLERANCE = 0.9  # map units a simplified line may stray (1 unit ~ 1.6 km)
MIN_RING_AREA = 4  # square map units: smaller islands are dropped
# Names in the source that differ from the official one.
ALIASES = {"afyon": "afyonkarahisar"}


def rings(geometry):
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def simplify(points, tolerance):
    """Douglas-Peucker, iterative; keeps the first and last point."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = -1.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            else:
                distance = math.hypot(x - x1, y - y1)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def area(points):
    return abs(
        sum(
            x1 * y2 - x2 * y1
            for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True)
        )
        / 2
    )


def path_data(ring_points):
    """Absolute first point, then relative moves: short and exact in integers."""
    parts = []
    for points in ring_points:
        x0, y0 = points[0]
        moves = [f"M{x0} {y0}"]
        for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
            moves.append(f"{xb - xa} {yb - ya}")
        parts.append(moves[0] + "l" + " ".join(moves[1:]) + "z")
    return "".join(parts)


def main(source):
    features = json.loads(Path(source).read_text(encoding="utf-8"))["features"]
    shipped = importlib.import_module("initiatives.migrations.0002_provinces")
    provinces = {text.fold(name): (code, name) for code, name in shipped.PROVINCES}
    coordinates = [c for f in features for r in rings(f["geometry"]) for c in r]
    west = min(c[0] for c in coordinates)
    east = max(c[0] for c in coordinates)
    south = min(c[1] for c in coordinates)
    north = max(c[1] for c in coordinates)
    x_scale = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * x_scale)
    height = math.ceil((north - south) * scale)

    def project(lon, lat):
        return ((lon - west) * x_scale * scale, (north - lat) * scale)

    out = []
    for feature in features:
        folded = text.fold(feature["properties"]["name"])
        code, name = provinces[ALIASES.get(folded, folded)]
        kept = []
        for ring in rings(feature["geometry"]):
            points = simplify([project(*c[:2]) for c in ring], TOLERANCE)
            points = [(round(x), round(y)) for x, y in points]
            points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if len(points) >= 4 and area(points) >= MIN_RING_AREA:
                kept.append(points[:-1] if points[0] == points[-1] else points)
        out.append(
            {
                "plate_code": code,
                "slug": text.turkish_slugify(name),
                "name": name,
                "d": path_data(kept),
            }
        )
    if len(out) != 81 or len({p["plate_code"] for p in out}) != 81:
        raise SystemExit("expected the 81 provinces once each")
    out.sort(key=lambda p: p["plate_code"])
    document = {
        "source": "cihadturhan/tr-geojson geo/tr-cities-utf8.json, "
        "© OpenStreetMap contributors, ODbL 1.0",
        "viewbox": [0, 0, WIDTH, height],
        "provinces": out,
    }
    json.dump(document, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
