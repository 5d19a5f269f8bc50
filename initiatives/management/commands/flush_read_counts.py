from django.core.management.base import BaseCommand

from initiatives import read_counts


class Command(BaseCommand):
    help = (
        "Copy read counts that could not be copied at once (SQLite, while an "
        "import held the database) into the initiatives' hit_count."
    )

    def handle(self, *args, **options):
        if not read_counts.kept_apart():
            self.stdout.write(
                "Read counts are kept in the main database: nothing to do."
            )
            return
        copied = read_counts.flush()
        self.stdout.write(f"Read counts copied: {copied}")
        if read_counts.is_flush_due():
            self.stderr.write("The database stayed locked; run again later.")
