import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from initiatives.models import Initiative, Institution, Sector, in_default_language
from initiatives.search import deferred_refresh
from initiatives.translation import LANGUAGE_CODES, translated_fields

SEED_FIXTURES = ["seed"]
# The seed's source before it said which language is the page's own.
OLD_SOURCE = (
    "“Clustering in Turkey” page of a Turkish ministry web site, added 26.05.2013"
)


def seed_records(path=None):
    """{model label: {slug: fields}} of fixtures/seed.json."""
    path = path or Path(settings.FIXTURE_DIRS[0]) / f"{SEED_FIXTURES[0]}.json"
    records = {}
    for record in json.loads(Path(path).read_text(encoding="utf-8")):
        fields = record["fields"]
        if "slug" in fields:
            records.setdefault(record["model"], {})[fields["slug"]] = fields
    return records


def _columns(model):
    columns = [
        f"{f}_{code}" for f in translated_fields(model) for code in LANGUAGE_CODES
    ]
    return [*columns, "keywords"] if model is Sector else columns


def _name_taken(obj, value):
    same = Q()
    for code in LANGUAGE_CODES:
        same |= Q(**{f"name_{code}": value})
    return type(obj).objects.filter(same).exclude(pk=obj.pk).exists()


def fill_from_seed(records):
    """Fill the seed records' empty texts (Turkish, mostly) from the seed.

    A text an editor has written is never replaced; only a source that still
    reads as the old seed's is given the new wording. Records are matched by
    slug; hit counts are not written (Initiative.save). Returns
    ({model: records changed}, [names left out because another record has them]).
    """
    changed, skipped = {}, []
    with transaction.atomic(), deferred_refresh():
        for model in (Sector, Institution, Initiative):
            seeded = records.get(model._meta.label_lower, {})
            count = 0
            for obj in model.objects.filter(slug__in=seeded):
                fields = seeded[obj.slug]
                dirty = False
                for column in _columns(model):
                    value, current = fields.get(column), getattr(obj, column)
                    outdated = column.startswith("source_") and current == OLD_SOURCE
                    if not value or (current and not outdated) or current == value:
                        continue
                    if column.startswith("name_") and _name_taken(obj, value):
                        skipped.append(value)
                        continue
                    setattr(obj, column, value)
                    dirty = True
                if dirty:
                    obj.save()
                    count += 1
            changed[model] = count
    return changed, skipped


class Command(BaseCommand):
    help = (
        "Load the 18 initiatives of the 2013 ministry page (fixtures/seed.json) "
        "into an empty registry. In an already seeded registry, fill the texts "
        "that are still empty (the Turkish translations) from the seed, never "
        "replacing editors' text or hit counts; --force reloads the seed over "
        "it (hit counts are kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload even if seeded."
        )

    def handle(self, *args, force=False, **options):
        # Fixtures are written under the default language like every other
        # writer (models.languages.in_default_language).
        with in_default_language():
            if Initiative.objects.exists() and not force:
                self.fill()
                return
            # Each partnership and relation of the fixture would refresh its
            # initiative's search text: refresh each once, at the end.
            with deferred_refresh():
                call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        count = Initiative.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Seed loaded: {count} initiatives."))

    def fill(self):
        changed, skipped = fill_from_seed(seed_records())
        self.stdout.write(
            "The registry already has initiatives; seed not reloaded. Empty "
            "texts filled from the seed: "
            + ", ".join(
                f"{count} {model._meta.model_name}s" for model, count in changed.items()
            )
            + "."
        )
        for name in skipped:
            self.stdout.write(
                self.style.WARNING(f"Not filled, another record has this name: {name}")
            )
