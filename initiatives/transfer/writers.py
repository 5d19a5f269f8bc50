"""Rows to CSV, XLSX or JSON: what editors open in Excel and visitors download.

CSV is UTF-8 with a BOM (Excel reads UTF-8 only with it) and CRLF; XLSX leaves
out control characters it cannot hold; JSON is a list of objects with native
numbers, booleans and nulls. CSV and JSON come as chunks, so a download streams.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.utils import timezone


def csv_lines(*, headers, records):
    """CSV lines (UTF-8, CRLF) one at a time, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff"  # Excel reads UTF-8 only with the BOM
    writer.writerow(headers)
    for record in records:
        writer.writerow(record)
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_bytes(*, headers, records):
    return "".join(csv_lines(headers=headers, records=records)).encode("utf-8")


def xlsx_bytes(*, headers, records):
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for record in records:
        # XLSX cannot hold control characters (pasted from Word, say): they
        # are left out rather than failing the whole export.
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                for v in record
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def json_chunks(*, headers, records):
    """A JSON list of objects with the column names as keys, for streaming."""
    yield "["
    first = True
    for record in records:
        item = json.dumps(
            dict(zip(headers, record, strict=True)), ensure_ascii=False, default=str
        )
        yield ("\n" if first else ",\n") + item
        first = False
    yield "\n]\n"


def _json_value(column, value):
    if column == "is_published":
        return value == "yes"
    if value == "":
        return None
    return value


def json_records(*, resource, queryset):
    headers = resource.column_names()
    for record in resource.export_records(queryset=queryset, escape=False, native=True):
        yield [
            _json_value(
                column,
                value if not isinstance(value, datetime.date | Decimal) else str(value),
            )
            for column, value in zip(headers, record, strict=True)
        ]


def export_filename(*, file_format, name="initiatives"):
    return f"{name}-{timezone.localdate().isoformat()}.{file_format}"
