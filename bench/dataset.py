"""Fill the configured database with N synthetic initiatives, fast.

    DATABASE_URL=... DJANGO_SECRET_KEY=... python bench/dataset.py 10000
    ... python bench/dataset.py 10000 --turkish-only

Titles, summaries, descriptions and institutions' names are in Turkish and
English; ``--turkish-only`` leaves the English empty (the registry before
issue 10, for comparing search over one language and two).

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

from initiatives import search, text  # noqa: E402
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
# Turkish words of titles and descriptions, and their English.
WORDS = {
    "Kümelenme": "Clustering",
    "Rekabetçilik": "Competitiveness",
    "Gelişim": "Development",
    "Projesi": "Project",
    "İşbirliği": "Cooperation",
    "Ağı": "Network",
    "İhracat": "Export",
    "Yenilik": "Innovation",
    "Üretim": "Production",
    **{place: place for place in (
        "Çorlu Şanlıurfa İzmir Elazığ Gaziantep Bursa Kocaeli Denizli Konya Kayseri"
    ).split()},
}  # fmt: skip
BATCH = 2000


def words(rng, count):
    """``count`` random words: (Turkish, English)."""
    turkish = [rng.choice(list(WORDS)) for _ in range(count)]
    return " ".join(turkish), " ".join(WORDS[w] for w in turkish)


def generate(n, seed=2013, english=True):
    rng = random.Random(seed)
    started = time.perf_counter()

    def in_english(value):
        return value if english else ""

    with transaction.atomic():
        Partnership.objects.all().delete()
        Initiative.objects.all().delete()
        sectors = []
        for name, name_en in SECTORS:
            sector, _ = Sector.objects.get_or_create(
                name_tr=name, defaults={"name_en": name_en}
            )
            sectors.append(sector)
        institutions = list(Institution.objects.all())
        for i in range(max(0, 300 - len(institutions))):
            name, name_en = words(rng, 2)
            institutions.append(
                Institution.objects.create(
                    name_tr=f"{name} Kurumu {i}",
                    name_en=in_english(f"{name_en} Body {i}") or None,
                    kind=Institution.Kind.ASSOCIATION,
                )
            )
        provinces = list(Province.objects.all())
        through_sector = Initiative.sectors.through
        through_province = Initiative.provinces.through
        for start in range(0, n, BATCH):
            rows, links = [], []
            for i in range(start, min(n, start + BATCH)):
                title, title_en = words(rng, 4)
                title, title_en = f"{title} {i}", f"{title_en} {i}"
                description, description_en = words(rng, 40)
                its_sectors = rng.sample(sectors, rng.randint(1, 2))
                its_provinces = rng.sample(provinces, rng.randint(1, 2))
                its_partners = rng.sample(institutions, 2)
                year = rng.randint(1995, 2025)
                texts = {
                    "title_tr": title,
                    "title_en": in_english(title_en),
                    "summary_tr": "Sentetik küme girişimi.",
                    "summary_en": in_english("Synthetic cluster initiative."),
                    "description_tr": description,
                    "description_en": in_english(description_en),
                }
                slug = f"{text.turkish_slugify(title)}-{i}"
                initiative = Initiative(
                    **texts,
                    title=title,
                    slug=slug,
                    start_year=year,
                    end_year=year + rng.randint(0, 5),
                    status=rng.choice(Initiative.Status.values),
                    is_published=True,
                    hit_count=rng.randint(0, 5000),
                )
                # The one rule of search.py, as every writer of the registry.
                initiative.search_text = search.initiative_search_text(
                    **texts,
                    slug=slug,
                    sectors=[(s.name_tr, s.name_en, s.keywords) for s in its_sectors],
                    provinces=[p.name for p in its_provinces],
                    institutions=[
                        (p.name_tr, p.name_en, p.acronym) for p in its_partners
                    ],
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


def analyze():
    """Give PostgreSQL's planner the statistics of the new rows, and set their
    visibility, as autovacuum does within a minute of a bulk load: measured
    before that, every plan is made for an empty table."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Longer than the app's DJANGO_PG_STATEMENT_TIMEOUT_MS.
            cursor.execute("SET statement_timeout = 0")
            cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(arguments[0]) if arguments else 1000
    english = "--turkish-only" not in sys.argv
    seconds = generate(count, english=english)
    analyze()
    languages = "Turkish and English" if english else "Turkish only"
    print(f"generated {count} initiatives ({languages}) in {seconds:.1f} s")
