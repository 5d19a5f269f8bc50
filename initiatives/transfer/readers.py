"""Uploaded bytes to a table of cells: CSV, XLSX or JSON, within the limits.

CSV comes as Excel saves it: UTF-8 with or without BOM, Windows-1254 (Turkish
Excel's "CSV (semicolon delimited)"), UTF-16 ("Unicode text"); comma, semicolon
or tab, taken from the header line; CRLF. An XLSX formula cell is kept as a
``FormulaCell`` so the row reports it, never its cached value. Anything else
(binary junk, empty, only a header, too large, too many rows) is one
``ImportFileError`` whose message tells editors what to do.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for editors."""


class FormulaCell(str):
    """An XLSX cell holding a formula: reported as a row error, never imported."""


@dataclass
class Table:
    headers: list
    rows: list  # [(row number in the spreadsheet, [cells])]
    escaped: bool = True  # spreadsheet formats carry the formula escape


def check_size(size):
    """Refuse a file of ``size`` bytes over ``IMPORT_MAX_UPLOAD_BYTES``.

    The admin's upload form checks the size before reading the file; the
    import checks the bytes again (command line, confirm step): one message.
    """
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportFileError(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. Split it "
                "into smaller files and import them one after the other."
            )
            % {
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": f"{limit / 1024 / 1024:.1f}",
            }
        )


def _unreadable(reason):
    return ImportFileError(
        _(
            "This file could not be read: %(reason)s Save it from Excel as "
            '"CSV UTF-8", "CSV (semicolon delimited)" or "Excel Workbook '
            '(.xlsx)", or start from an export of this registry.'
        )
        % {"reason": reason}
    )


def read_table(*, data, file_name=""):
    """The header and rows of an uploaded CSV, XLSX or JSON file.

    Raises ``ImportFileError`` with one clear message for anything that is
    not such a file (binary junk, empty, only a header, too large).
    """
    check_size(len(data))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data)
    elif data.lstrip()[:1] in (b"[", b"{") and file_name.lower().endswith(".json"):
        table = _read_json(data)
    else:
        table = _read_csv(data)
    headers = [_header(h) for h in table.headers]
    if not any(headers):
        raise _unreadable(_("it has no column names in its first row."))
    table.headers = headers
    rows = [
        (number, cells)
        for number, cells in table.rows
        if any(cell_text(c) for c in cells)
    ]
    if not rows:
        raise ImportFileError(_("The file has column names but no rows to import."))
    if len(rows) > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            _(
                "The file has %(count)s rows; at most %(limit)s are imported at "
                "once. Split it into smaller files."
            )
            % {"count": len(rows), "limit": settings.IMPORT_MAX_ROWS}
        )
    table.rows = rows
    return table


def _header(value):
    return str(value if value is not None else "").strip().lstrip("\ufeff").lower()


def cell_text(value):
    if value is None:
        return ""
    return str(value).strip()


def _decode(data):
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Excel's "Unicode text" is UTF-16 and tab-delimited.
        return data.decode("utf-16")
    if b"\x00" in data:
        raise _unreadable(_("it is not a text (CSV) or Excel (XLSX) file."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # What Turkish Excel writes for "CSV (semicolon delimited)".
        return data.decode("cp1254")
    except UnicodeDecodeError:
        raise _unreadable(_("it is not a text (CSV) or Excel (XLSX) file.")) from None


def _read_csv(data):
    try:
        content = _decode(data)
    except UnicodeDecodeError:
        raise _unreadable(_("its characters are not UTF-8 or Windows-1254.")) from None
    if sum(1 for ch in content[:4096] if ord(ch) < 32 and ch not in "\r\n\t") > 8:
        raise _unreadable(_("it is not a text (CSV) or Excel (XLSX) file."))
    first_line = content.lstrip("\ufeff").split("\n", 1)[0]
    # The column names hold no separators, so the header says which one is used
    # (Turkish Excel writes semicolons, others commas, "Unicode text" tabs).
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        records = list(
            csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        )
    except csv.Error as error:
        raise _unreadable(str(error) + ".") from None
    return _table(records)


def _table(records):
    """The first record is the header; rows keep their spreadsheet numbers."""
    if not records:
        raise ImportFileError(_("The file is empty."))
    rows = [(index + 2, record) for index, record in enumerate(records[1:])]
    return Table(headers=records[0], rows=rows)


def _read_xlsx(data):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _unreadable(_("it is damaged or not an Excel (XLSX) workbook.")) from None
    try:
        sheet = book.worksheets[0]
        records = []
        for record in sheet.iter_rows():
            cells = []
            for cell in record:
                value = cell.value
                if getattr(cell, "data_type", None) == "f":
                    value = FormulaCell(str(value))
                cells.append(value)
            records.append(cells)
    finally:
        book.close()
    return _table(records)


def _read_json(data):
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise _unreadable(_("it is not valid JSON.")) from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _unreadable(_("the JSON is not a list of objects."))
    headers = list(dict.fromkeys(key for item in items for key in item))
    rows = [
        (index + 1, [item.get(key) for key in headers])
        for index, item in enumerate(items)
    ]
    return Table(headers=headers, rows=rows, escaped=False)
