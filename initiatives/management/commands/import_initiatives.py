import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from initiatives.transfer import RESOURCES, ImportFileError, import_file
from initiatives.transfer.conflicts import OVERWRITE, REFUSE
from initiatives.transfer.readers import check_size


class Command(BaseCommand):
    help = (
        "Import a CSV, XLSX or JSON file in the import/export columns, all or "
        "nothing: rows are matched by slug, rows not in the file stay, and any "
        "error in any row means nothing is written; so does a row whose record "
        "changed since the file was exported, unless --overwrite-newer. Prints "
        "one line per new or changed row, every error (row, column, why), every "
        "conflict and the totals. Exit status 0 when the file was written (or "
        "would be), 1 when it had errors or conflicts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and print the report; write nothing.",
        )
        parser.add_argument(
            "--overwrite-newer",
            action="store_true",
            help=(
                "Write rows whose record changed in the registry since the file "
                "was exported (its version column); without it such conflicts "
                "are listed, nothing is written and the exit status is 1."
            ),
        )
        parser.add_argument(
            "--model",
            choices=sorted(RESOURCES),
            default="initiatives",
            help="What the file holds (default: initiatives).",
        )

    def handle(self, *args, file, dry_run, model, overwrite_newer, **options):
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
            data=data,
            file_name=file,
            resource_class=RESOURCES[model],
            dry_run=dry_run,
            on_conflict=OVERWRITE if overwrite_newer else REFUSE,
        )
        for line in result.report_lines()[:-1]:
            self.stdout.write(line)
        summary = result.report_lines()[-1]
        if result.has_errors():
            self.stderr.write(summary)
            raise CommandError(
                "Nothing was written: the file has errors.", returncode=1
            )
        if result.conflicts and not overwrite_newer:
            self.stderr.write(summary)
            raise CommandError(
                "Nothing was written: rows changed in the registry since the file "
                "was exported. Export again, or import with --overwrite-newer.",
                returncode=1,
            )
        if dry_run:
            self.stdout.write(summary + " Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(summary))
