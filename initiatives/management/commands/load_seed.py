from django.core.management import call_command
from django.core.management.base import BaseCommand

from initiatives.models import Initiative
from initiatives.search import deferred_refresh

SEED_FIXTURES = ["seed"]


class Command(BaseCommand):
    help = (
        "Load the 18 initiatives of the 2013 ministry page (fixtures/seed.json) "
        "into an empty registry. An already seeded registry is left alone, so "
        "editors' changes survive; --force reloads the seed over it (hit counts "
        "are kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload even if seeded."
        )

    def handle(self, *args, force=False, **options):
        if Initiative.objects.exists() and not force:
            self.stdout.write(
                "The registry already has initiatives; seed not reloaded."
            )
            return
        # Each partnership and relation of the fixture would refresh its
        # initiative's search text: refresh each once, at the end.
        with deferred_refresh():
            call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        count = Initiative.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Seed loaded: {count} initiatives."))
