"""The package's entry points: a whole file in (``import_file``) and out.

The management commands, the admin, the public export views and the benchmark
go through these; ``RESOURCES`` names what a file holds for the commands.
"""

import itertools

from .conflicts import SKIP
from .initiatives import InitiativeResource
from .names import InstitutionResource, SectorResource
from .readers import ImportFileError, read_table
from .report import ImportResult
from .writers import csv_bytes, csv_lines, json_chunks, json_records, xlsx_bytes

RESOURCES = {
    "initiatives": InitiativeResource,
    "institutions": InstitutionResource,
    "sectors": SectorResource,
}


def export_file(*, resource_class=InitiativeResource, queryset=None, file_format="csv"):
    """The whole export as bytes: ``csv``, ``xlsx`` or ``json``."""
    resource = resource_class()
    headers = resource.column_names()
    if file_format == "csv":
        return csv_bytes(
            headers=headers, records=resource.export_records(queryset=queryset)
        )
    if file_format == "xlsx":
        return xlsx_bytes(
            headers=headers,
            records=resource.export_records(queryset=queryset, native=True),
        )
    if file_format == "json":
        return "".join(
            json_chunks(
                headers=headers,
                records=json_records(resource=resource, queryset=queryset),
            )
        ).encode("utf-8")
    raise ValueError(f"unknown format {file_format!r}")


def import_file(
    *,
    data,
    file_name="",
    resource_class=InitiativeResource,
    dry_run=False,
    user=None,
    on_conflict=SKIP,
):
    """Read ``data`` (bytes of CSV, XLSX or JSON) and import it, all or nothing."""
    resource = resource_class()
    try:
        table = read_table(data=data, file_name=file_name)
    except ImportFileError as error:
        result = ImportResult()
        result.fail_file(str(error))
        return result
    return resource.import_table(
        table=table,
        dry_run=dry_run,
        user=user,
        file_name=file_name,
        on_conflict=on_conflict,
    )


def export_stream(*, queryset, file_format):
    """The export of ``queryset`` as text chunks, for a streaming response.

    The first rows are read before this returns, so a database that is down
    raises here, while the view can still answer 503, and never cuts a 200's
    body after its first bytes.
    """
    resource = InitiativeResource()
    headers = resource.column_names()
    if file_format == "csv":
        return csv_lines(
            headers=headers,
            records=_started(resource.export_records(queryset=queryset)),
        )
    if file_format == "json":
        return json_chunks(
            headers=headers,
            records=_started(json_records(resource=resource, queryset=queryset)),
        )
    raise ValueError(f"unknown format {file_format!r}")


def _started(records):
    """``records`` with its first item read now (its queries run now)."""
    first = next(records, _END)
    return iter(()) if first is _END else itertools.chain([first], records)


_END = object()
