"""Uploaded bytes to a table of cells: CSV, XLSX or JSON, within the limits.

CSV comes as Excel saves it: UTF-8 with or without BOM, Windows-1254 (Turkish
Excel's "CSV (semicolon delimited)"), UTF-16 ("Unicode text"); comma, semicolon
or tab, taken from the header line; CRLF. A file whose lines are partly UTF-8
and partly Windows-1254 is refused with the line where the encoding changes.
XLSX is read by ``xlsx.py``; an XLSX formula cell is kept as a ``FormulaCell``
so the row reports it, never its cached value.

Whatever a file claims or inflates to, reading it stays within fixed limits
(issue 11): the ``Collector`` takes rows as they are read and stops at
``IMPORT_MAX_ROWS`` rows and ``IMPORT_MAX_COLUMNS`` columns; blank rows are
skipped, not kept. A cell the reader cannot accept (a control character, a
JSON list or object) becomes a ``CellError``, which the planner reports in its
row and column. Anything else (binary junk, empty, only a header, too large,
too many rows, JSON nested too deep) is one ``ImportFileError`` whose message
tells editors what to do.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for editors."""


class FormulaCell(str):
    """An XLSX cell holding a formula: reported as a row error, never imported."""


class CellError:
    """A cell the reader refused; the planner reports ``message`` in its row
    and column."""

    def __init__(self, message):
        self.message = message

    def __repr__(self):
        return f"CellError({self.message!r})"


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


def unreadable(reason):
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
    collector = Collector()
    escaped = True
    if data[:4] == b"PK\x03\x04":
        from .xlsx import read_xlsx

        read_xlsx(data, collector)
    elif data.lstrip()[:1] in (b"[", b"{") and file_name.lower().endswith(".json"):
        _read_json(data, collector)
        escaped = False
    else:
        _read_csv(data, collector)
    if collector.headers is None:
        raise ImportFileError(_("The file is empty."))
    headers = [_header(h) for h in collector.headers]
    if not any(headers):
        raise unreadable(_("it has no column names in its first row."))
    for name in headers:
        if _CONTROL.search(name):
            raise unreadable(
                _("its column names hold a control character (%(code)s).")
                % {"code": _code(name)}
            )
    if not collector.rows:
        raise ImportFileError(_("The file has column names but no rows to import."))
    return Table(headers=headers, rows=collector.rows, escaped=escaped)


# C0 and C1 control characters and DEL; tab, line feed and carriage return
# are text (multi-line cells, Excel's "Unicode text").
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _code(value):
    return f"U+{ord(_CONTROL.search(value)[0]):04X}"


class Collector:
    """The header, then the rows that hold something, within the limits.

    Readers hand over each record as they read it; the collector raises
    ``ImportFileError`` as soon as there are too many rows or columns, so a
    file is never read further than the limits.
    """

    def __init__(self):
        self.max_rows = settings.IMPORT_MAX_ROWS
        self.max_columns = settings.IMPORT_MAX_COLUMNS
        self.headers = None
        self.rows = []  # [(row number in the spreadsheet, [cells])]

    def add(self, number, cells):
        if len(cells) > self.max_columns:
            while cells and not cell_text(cells[-1]):
                cells.pop()
            if len(cells) > self.max_columns:
                raise self.too_many_columns()
        if self.headers is None:
            self.headers = cells
            return
        if not any(cell_text(c) for c in cells):
            return
        if len(self.rows) >= self.max_rows:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s rows; at most %(limit)s are "
                    "imported at once. Split it into smaller files."
                )
                % {"limit": self.max_rows}
            )
        self.rows.append((number, [_checked(c) for c in cells]))

    def too_many_columns(self):
        return ImportFileError(
            _(
                "The file has more than %(limit)s columns. Delete the columns you "
                "added, or start from an export of this registry."
            )
            % {"limit": self.max_columns}
        )


def _checked(value):
    if isinstance(value, str) and _CONTROL.search(value):
        return CellError(
            _(
                "The cell holds a control character (%(code)s), which text may "
                "not contain. Delete it (it often comes with text copied from "
                "another program)."
            )
            % {"code": _code(value)}
        )
    return value


def _header(value):
    return str(value if value is not None else "").strip().lstrip("\ufeff").lower()


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, CellError):
        return value.message
    return str(value).strip()


def _decode(data):
    if data[:3] == b"\xef\xbb\xbf":
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise _mixed(data, first_utf8=1) from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Excel's "Unicode text" is UTF-16 and tab-delimited.
        return data.decode("utf-16")
    if b"\x00" in data:
        raise unreadable(_("it is not a text (CSV) or Excel (XLSX) file."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    error = _mixed(data)
    if error:
        raise error
    try:
        # What Turkish Excel writes for "CSV (semicolon delimited)".
        return data.decode("cp1254")
    except UnicodeDecodeError:
        raise unreadable(_("it is not a text (CSV) or Excel (XLSX) file.")) from None


_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")


def _mixed(data, first_utf8=None):
    """The error for a file whose lines are partly UTF-8 and partly not
    (Windows-1254 lines appended by Turkish Excel), naming the first line
    where the encoding changes; None when no line is UTF-8."""
    line, position = 1, 0
    first_other = None
    for match in _NON_ASCII_LINE.finditer(data):
        line += data.count(b"\n", position, match.start())
        position = match.start()
        try:
            match[0].decode("utf-8")
        except UnicodeDecodeError:
            if first_utf8 is not None:
                return _two_encodings(first_utf8, line, utf8_first=True)
            first_other = first_other or line
        else:
            if first_other is not None:
                return _two_encodings(first_other, line, utf8_first=False)
            first_utf8 = first_utf8 or line
    return None


def _two_encodings(first, line, *, utf8_first):
    if utf8_first:
        reason = _(
            "its lines are in two encodings: line %(first)s is UTF-8, but line "
            "%(line)s is Windows-1254 (Turkish Excel)."
        )
    else:
        reason = _(
            "its lines are in two encodings: line %(first)s is Windows-1254 "
            "(Turkish Excel), but line %(line)s is UTF-8."
        )
    return unreadable(reason % {"first": first, "line": line})


def _read_csv(data, collector):
    try:
        content = _decode(data)
    except UnicodeDecodeError:
        raise unreadable(_("its characters are not UTF-8 or Windows-1254.")) from None
    if sum(1 for ch in content[:4096] if ord(ch) < 32 and ch not in "\r\n\t") > 8:
        raise unreadable(_("it is not a text (CSV) or Excel (XLSX) file."))
    first_line = content.lstrip("\ufeff").split("\n", 1)[0]
    # The column names hold no separators, so the header says which one is used
    # (Turkish Excel writes semicolons, others commas, "Unicode text" tabs).
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        # Rows keep their spreadsheet numbers: the header is row 1.
        for number, record in enumerate(
            csv.reader(io.StringIO(content, newline=""), delimiter=delimiter), 1
        ):
            if record or number == 1:  # a blank line is [], and skipped
                collector.add(number, record)
    except csv.Error as error:
        raise unreadable(str(error) + ".") from None


# A list of objects is two levels deep; a cell that is itself a list or an
# object is a row error, and deeper than this the file is refused unread.
MAX_JSON_DEPTH = 20
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def _json_depth(data):
    depth = deepest = 0
    for byte in _JSON_STRING.sub(b'""', data).translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:
                break
    return deepest


def _json_int(text):
    # int() refuses numbers past 4,300 digits: such a cell is the parsers'
    # "too large", not an unreadable file.
    return int(text) if len(text) <= 30 else Decimal(text)


def _read_json(data, collector):
    if _json_depth(data) > MAX_JSON_DEPTH:
        raise unreadable(
            _("its JSON is nested more than %(limit)s levels deep.")
            % {"limit": MAX_JSON_DEPTH}
        )
    try:
        items = json.loads(data.decode("utf-8-sig"), parse_int=_json_int)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise unreadable(_("it is not valid JSON.")) from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise unreadable(_("the JSON is not a list of objects."))
    headers = {}
    for item in items:
        for key in item:
            if key not in headers:
                headers[key] = None
                if len(headers) > collector.max_columns:
                    raise collector.too_many_columns()
    headers = list(headers)
    collector.add(1, headers)
    structured = _(
        "The cell holds a list or an object; write its value as text or a number."
    )
    for index, item in enumerate(items):
        cells = [item.get(key) for key in headers]
        collector.add(
            index + 1,
            [CellError(structured) if isinstance(c, list | dict) else c for c in cells],
        )
