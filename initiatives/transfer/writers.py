"""Rows to CSV, XLSX or JSON: what editors open in Excel and visitors download.

CSV is UTF-8 with a BOM (Excel reads UTF-8 only with it) and CRLF, with commas,
or semicolons and decimal commas for Turkish Excel (``excel_csv_records``);
XLSX has a frozen header row, columns as wide as their text, numbers and dates
as numbers and dates in the page language's formats, and leaves out control
characters it cannot hold; JSON is a list of objects with native numbers,
booleans and nulls. CSV and JSON come as chunks, so a download streams.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language

from .cells import format_decimal

# Excel shows a date cell in its number format; the separators of numbers
# follow the reader's own Excel (Turkish: 1.080.630,50).
DATE_FORMATS = {"tr": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
INTEGER_FORMAT, DECIMAL_FORMAT, PLAIN_FORMAT = "#,##0", "#,##0.00", "0"
# Numbers that are names rather than amounts: no thousands separator.
PLAIN_INTEGER_COLUMNS = frozenset({"number", "start_year", "end_year"})
COLUMN_WIDTH = (8, 60)  # narrowest and widest column, in characters


def csv_lines(*, headers, records, delimiter=","):
    """CSV lines (UTF-8, CRLF) one at a time, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
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


def xlsx_bytes(*, headers, records, properties=None, notes=None):
    """A workbook whose first sheet holds the rows; ``properties`` (title,
    description, created …) go into the document properties, ``notes`` (rows
    of text) onto a second sheet. Imports read the first sheet only."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # XLSX cannot hold control characters (pasted from Word, say): they are
    # left out rather than failing the whole export.
    records = [
        [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        for row in records
    ]
    book = openpyxl.Workbook(write_only=True)
    for name, value in (properties or {}).items():
        setattr(book.properties, name, value)
    sheet = book.create_sheet()
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    for index, width in enumerate(_column_widths(headers, records), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, font=bold) for header in headers])
    for record in records:
        sheet.append(
            [
                _cell(sheet, value, number_format=_number_format(column, value))
                if isinstance(value, int | float | Decimal | datetime.date)
                and not isinstance(value, bool)
                else value
                for column, value in zip(headers, record, strict=True)
            ]
        )
    if notes:
        about = book.create_sheet(notes["title"])
        about.column_dimensions["A"].width = COLUMN_WIDTH[1]
        for line in notes["lines"]:
            about.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value, **style):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _number_format(column, value):
    if isinstance(value, datetime.date):
        return DATE_FORMATS.get(get_language(), DATE_FORMATS["en"])
    if isinstance(value, Decimal | float):
        return DECIMAL_FORMAT
    return PLAIN_FORMAT if column in PLAIN_INTEGER_COLUMNS else INTEGER_FORMAT


def _column_widths(headers, records):
    """Each column as wide as its longest line of text, within COLUMN_WIDTH."""
    narrowest, widest = COLUMN_WIDTH
    widths = [len(str(header)) + 2 for header in headers]
    for record in records:
        for index, value in enumerate(record):
            if value is not None:
                longest = max(len(line) for line in str(value).splitlines() or [""])
                widths[index] = max(widths[index], longest + 2)
    return [min(max(width, narrowest), widest) for width in widths]


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


def json_records(*, resource, queryset, structured=False):
    headers = resource.column_names()
    for record in resource.export_records(
        queryset=queryset, escape=False, native=True, structured=structured
    ):
        yield [
            _json_value(
                column,
                value if not isinstance(value, datetime.date | Decimal) else str(value),
            )
            for column, value in zip(headers, record, strict=True)
        ]


def excel_csv_value(value):
    """A native cell as Turkish Excel reads it from a ``;`` CSV: decimal
    comma, dates as 26.05.2013."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_decimal(value).replace(".", ",")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return value


def excel_csv_records(*, resource, queryset):
    for record in resource.export_records(queryset=queryset, native=True):
        yield [excel_csv_value(value) for value in record]


def export_filename(*, file_format, name="initiatives", suffix=""):
    return f"{name}-{timezone.localdate().isoformat()}{suffix}.{file_format}"
