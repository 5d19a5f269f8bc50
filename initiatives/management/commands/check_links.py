from django.core.management.base import BaseCommand

from initiatives.link_health import records


class Command(BaseCommand):
    help = (
        "Check every initiative link and institution website over HTTP and "
        "keep each answer (status or network error, final address, broken "
        "since). Meant to run once a day; limits are the LINK_CHECK_* "
        "settings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "urls",
            nargs="*",
            help="Check only these addresses (default: every address in use).",
        )

    def handle(self, *args, urls, **options):
        summary = records.check_links(urls=urls or None)
        self.stdout.write(
            "Checked {checked} of {addresses} addresses in {seconds:.1f} s: "
            "{broken} broken, {not_reached} not reached within the time limit "
            "(left for the next run); {marked} marked on public pages "
            "({marks_changed} marks changed).".format(**summary)
        )
        if summary["broken"] and options["verbosity"] > 1:
            for check in records.broken().filter(checked_at__isnull=False):
                reason = check.error or f"HTTP {check.status}"
                self.stdout.write(
                    f"  {check.url}: {reason} since {check.broken_since:%Y-%m-%d}"
                )
