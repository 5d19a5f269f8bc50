import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from initiatives.transfer import RESOURCES, ImportFileError, import_file
from initiatives.transfer.readers import check_size


class Command(BaseCommand):
    help = (
        "Import a CSV, XLSX or JSON file in the import/export columns, all or "
        "nothing: rows are matched by slug, rows not in the file stay, and any "
        "error in any row means nothing is written. Prints one line per new or "
        "changed row, every error (row, column, why) and the totals. Exit status "
        "0 when the file was valid, 1 when it had errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and print the report; write nothing.",
        )
        parser.add_argument(
            "--model",
            choices=sorted(RESOURCES),
            default="initiatives",
            help="What the file holds (default: initiatives).",
        )

    def handle(self, *args, file, dry_run, model, **options):
        try:
            with open(file, "rb") as handle:
                # A file over the limit is refused by its size, never read whole.
                data = handle.read(settings.IMPORT_MAX_UPLOAD_BYTES + 1)
                size = os.fstat(handle.fileno()).st_size
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            check_size(max(size, len(data)))
        except ImportFileError as error:
            self.stderr.write(str(error))
            raise CommandError(
                "Nothing was written: the file has errors.", returncode=1
            ) from None
        result = import_file(
            data=data, file_name=file, resource_class=RESOURCES[model], dry_run=dry_run
        )
        for line in result.report_lines()[:-1]:
            self.stdout.write(line)
        summary = result.report_lines()[-1]
        if result.has_errors():
            self.stderr.write(summary)
            raise CommandError(
                "Nothing was written: the file has errors.", returncode=1
            )
        if dry_run:
            self.stdout.write(summary + " Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(summary))
