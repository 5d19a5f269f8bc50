"""The package's entry points: a whole file in (``import_file``) and out.

The management commands, the admin, the public export views and the benchmark
go through these; ``RESOURCES`` names what a file holds for the commands.
"""

import itertools

from .. import read_counts
from .conflicts import SKIP
from .initiatives import InitiativeResource
from .names import InstitutionResource, SectorResource
from .readers import ImportFileError, read_table
from .report import ImportResult
from .writers import (
    csv_bytes,
    csv_lines,
    excel_csv_records,
    json_chunks,
    json_records,
    xlsx_bytes,
)

RESOURCES = {
    "initiatives": InitiativeResource,
    "institutions": InstitutionResource,
    "sectors": SectorResource,
}


def export_file(
    *,
    resource_class=InitiativeResource,
    queryset=None,
    file_format="csv",
    properties=None,
    notes=None,
):
    """The whole export as bytes: ``csv``, ``xlsx`` or ``json``; an XLSX may
    carry document ``properties`` and a sheet of ``notes`` (writers.py)."""
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
            properties=properties,
            notes=notes,
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
    result = resource.import_table(
        table=table,
        dry_run=dry_run,
        user=user,
        file_name=file_name,
        on_conflict=on_conflict,
    )
    if not dry_run:
        # The reads counted while the import held the main database's lock
        # are copied into hit_count now that it is free (read_counts.py).
        read_counts.flush()
    return result


def export_stream(*, queryset, file_format):
    """The export of ``queryset`` as text chunks, for a streaming response:
    ``csv``, ``excel_csv`` (``;`` and decimal commas, as Turkish Excel
    opens it) or ``json``.

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
    if file_format == "excel_csv":
        return csv_lines(
            headers=headers,
            records=_started(excel_csv_records(resource=resource, queryset=queryset)),
            delimiter=";",
        )
    if file_format == "json":
        return json_chunks(
            headers=headers,
            records=_started(json_records(resource=resource, queryset=queryset)),
        )
    raise ValueError(f"unknown format {file_format!r}")


def export_items(*, queryset):
    """The export of ``queryset`` as dicts by column, many-valued cells as
    lists (open data), with the first read now like ``export_stream``."""
    resource = InitiativeResource()
    headers = resource.column_names()
    records = json_records(resource=resource, queryset=queryset, structured=True)
    return (dict(zip(headers, record, strict=True)) for record in _started(records))


def _started(records):
    """``records`` with its first item read now (its queries run now)."""
    first = next(records, _END)
    return iter(()) if first is _END else itertools.chain([first], records)


_END = object()
