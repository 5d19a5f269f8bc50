import sys

from django.core.management.base import BaseCommand, CommandError

from initiatives.transfer import RESOURCES, export_file


class Command(BaseCommand):
    help = (
        "Export the whole registry (published or not) in the import/export "
        "columns, to a file or to standard output. The file imports back "
        "unchanged with import_initiatives."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx", "json"],
            default="csv",
            dest="file_format",
        )
        parser.add_argument(
            "-o", "--output", help="File to write (default: standard output)."
        )
        parser.add_argument(
            "--model",
            choices=sorted(RESOURCES),
            default="initiatives",
            help="What to export (default: initiatives).",
        )

    def handle(self, *args, file_format, output, model, **options):
        data = export_file(resource_class=RESOURCES[model], file_format=file_format)
        if output:
            with open(output, "wb") as file:
                file.write(data)
            return
        if file_format == "xlsx" and sys.stdout.isatty():
            raise CommandError("XLSX is binary: write it to a file with -o FILE.")
        stream = getattr(self.stdout._out, "buffer", None)
        if stream is not None:
            stream.write(data)
            stream.flush()
        else:  # a text stream (call_command in tests)
            self.stdout.write(data.decode("utf-8", "replace"), ending="")
