"""Fill the configured database with N synthetic initiatives, fast.

    DATABASE_URL=... DJANGO_SECRET_KEY=... python bench/dataset.py 10000

Sectors, the shipped provinces, institutions and partnerships are included, and
the derived columns (slugs, sort keys, search text) are filled exactly as the
models fill them, so pages behave as with real data. Existing initiatives are
deleted first: run it against a benchmark database only.
"""

import os
import random
import sys
import time
from pathlib import Path

# Run as a script, this folder would come first on sys.path, and
# bench/import_export.py would shadow the django-import-export package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusters_site.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from initiatives import text  # noqa: E402
from initiatives.models import (  # noqa: E402
    Initiative,
    Institution,
    Partnership,
    Province,
    Sector,
)

SECTORS = [
    ("Savunma sanayii", "Defence industry"),
    ("Havacılık ve uzay", "Aviation and space"),
    ("Organik tarım ve gıda", "Organic agriculture and food"),
    ("Mermer", "Marble"),
    ("Hazır giyim", "Ready-made clothing"),
    ("Su ürünleri", "Fisheries"),
    ("Medikal ve sağlık", "Medical and health"),
    ("Seramik", "Ceramics"),
    ("Metal döküm", "Metal casting"),
    ("Makine", "Machinery"),
    ("Otomotiv yan sanayi", "Automotive supply"),
    ("Mobilya", "Furniture"),
    ("Tekstil", "Textiles"),
    ("Yazılım", "Software"),
    ("Yenilenebilir enerji", "Renewable energy"),
    ("Turizm", "Tourism"),
]
WORDS = (
    "Kümelenme Rekabetçilik Gelişim Projesi İşbirliği Ağı İhracat Yenilik Üretim "
    "Çorlu Şanlıurfa İzmir Elazığ Gaziantep Bursa Kocaeli Denizli Konya Kayseri"
).split()
BATCH = 2000


def generate(n, seed=2013):
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        Partnership.objects.all().delete()
        Initiative.objects.all().delete()
        sectors = []
        for name, name_en in SECTORS:
            sector, _ = Sector.objects.get_or_create(
                name=name, defaults={"name_en": name_en}
            )
            sectors.append(sector)
        institutions = list(Institution.objects.all())
        for i in range(max(0, 300 - len(institutions))):
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} Kurumu {i}"
            institutions.append(
                Institution.objects.create(name=name, kind=Institution.Kind.ASSOCIATION)
            )
        provinces = list(Province.objects.all())
        through_sector = Initiative.sectors.through
        through_province = Initiative.provinces.through
        for start in range(0, n, BATCH):
            rows, links = [], []
            for i in range(start, min(n, start + BATCH)):
                title = " ".join(rng.choice(WORDS) for _ in range(4)) + f" {i}"
                its_sectors = rng.sample(sectors, rng.randint(1, 2))
                its_provinces = rng.sample(provinces, rng.randint(1, 2))
                its_partners = rng.sample(institutions, 2)
                year = rng.randint(1995, 2025)
                initiative = Initiative(
                    title=title,
                    slug=f"{text.turkish_slugify(title)}-{i}",
                    summary="Sentetik küme girişimi.",
                    description=" ".join(rng.choice(WORDS) for _ in range(40)),
                    start_year=year,
                    end_year=year + rng.randint(0, 5),
                    status=rng.choice(Initiative.Status.values),
                    is_published=True,
                    hit_count=rng.randint(0, 5000),
                    title_sort_key=text.sort_key(title),
                )
                initiative.search_text = (
                    " "
                    + text.fold(
                        " ".join(
                            [title, initiative.summary, initiative.description]
                            + [s.name for s in its_sectors]
                            + [s.name_en for s in its_sectors]
                            + [p.name for p in its_provinces]
                            + [f"{p.name} {p.acronym}" for p in its_partners]
                        )
                    )
                    + " "
                )
                rows.append(initiative)
                links.append((its_sectors, its_provinces, its_partners))
            Initiative.objects.bulk_create(rows, batch_size=500)
            sector_rows, province_rows, partner_rows = [], [], []
            for initiative, (its_sectors, its_provinces, its_partners) in zip(
                rows, links, strict=True
            ):
                sector_rows += [
                    through_sector(initiative_id=initiative.pk, sector_id=s.pk)
                    for s in its_sectors
                ]
                province_rows += [
                    through_province(initiative_id=initiative.pk, province_id=p.pk)
                    for p in its_provinces
                ]
                partner_rows += [
                    Partnership(
                        initiative_id=initiative.pk,
                        institution_id=institution.pk,
                        role=Partnership.Role.LEAD
                        if k == 0
                        else Partnership.Role.PARTNER,
                        position=k,
                    )
                    for k, institution in enumerate(its_partners)
                ]
            through_sector.objects.bulk_create(sector_rows, batch_size=1000)
            through_province.objects.bulk_create(province_rows, batch_size=1000)
            Partnership.objects.bulk_create(partner_rows, batch_size=1000)
    return time.perf_counter() - started


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seconds = generate(count)
    print(f"generated {count} initiatives in {seconds:.1f} s")
