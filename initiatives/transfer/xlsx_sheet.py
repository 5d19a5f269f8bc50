"""One sheet of an XLSX workbook, parsed as a stream (see xlsx.py).

``Sheet`` turns the sheet's XML into rows of values, as openpyxl would give
them (numbers, text, booleans, dates for date-formatted numbers, formulas as
``FormulaCell``), and hands each row to ``readers.Collector`` as it ends, so
the row and column limits stop the reading, not the end of the sheet.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel, from_ISO8601

from .readers import CellError, FormulaCell, ImportFileError

_CELL_REF = re.compile(r"([A-Za-z]{1,3})[0-9]*")


class MalformedXML(Exception):
    """The XML is well formed but not what a workbook holds."""


def local_name(name):
    return name.rpartition("}")[2]


def too_much_text(limit):
    return ImportFileError(
        _(
            "The cells of this file hold more than %(limit)s characters in all. "
            "Split it into smaller files."
        )
        % {"limit": f"{limit:,}"}
    )


class Sheet:
    """The rows of one sheet, handed to the collector as they end."""

    def __init__(self, workbook, collector, strings, date_styles, delta_styles, epoch):
        self.workbook = workbook
        self.collector = collector
        self.strings = strings
        self.date_styles = date_styles
        self.delta_styles = delta_styles
        self.epoch = epoch
        self.max_columns = collector.max_columns
        self.text_limit = workbook.text_limit
        self.chars = 0
        self.row_number = 0
        self.row = None  # {column: value} of the row being read
        self.column = 0
        self.cell = None  # the cell being read: its attributes and texts
        self.collect = None  # where character data goes: "v", "f", "t" or None
        self.rph = 0

    def read(self, path):
        self.workbook.parse(path, start=self.start, end=self.end, text=self.text)
        if self.collector.headers is None:
            self.collector.add(1, [])

    def start(self, name, attrs):
        local = local_name(name)
        if local == "c" and self.row is not None:
            self.cell = {"attrs": attrs, "v": [], "f": None, "t": None}
            self.column += 1
            reference = attrs.get("r")
            if reference:
                match = _CELL_REF.fullmatch(reference)
                if not match:
                    raise MalformedXML
                self.column = _column_index(match[1])
        elif local == "row":
            try:
                self.row_number = (
                    int(attrs["r"]) if "r" in attrs else self.row_number + 1
                )
            except ValueError:
                raise MalformedXML from None
            self.row = {}
            self.column = 0
        elif self.cell is None:
            return
        elif local == "v":
            self.collect = "v"
        elif local == "f":
            self.cell["f"] = []
            self.collect = "f"
        elif local == "is":
            self.cell["t"] = []
        elif local == "rPh":
            self.rph += 1
        elif local == "t" and self.cell["t"] is not None and not self.rph:
            self.collect = "t"

    def end(self, name):
        local = local_name(name)
        if local == "c" and self.cell is not None:
            value = self.value(self.cell)
            self.cell = None
            if value is None:
                return
            if self.column > self.max_columns:
                raise self.collector.too_many_columns()
            self.row[self.column] = value
        elif local == "row" and self.row is not None:
            row, self.row = self.row, None
            if self.collector.headers is None and self.row_number != 1:
                self.collector.add(1, [])  # the first row (the header) is empty
            cells = [None] * (max(row) if row else 0)
            for column, value in row.items():
                cells[column - 1] = value
            self.collector.add(self.row_number, cells)
        elif local in ("v", "f", "t"):
            self.collect = None
        elif local == "rPh":
            self.rph -= 1

    def text(self, data):
        if self.collect:
            self.count(len(data))
            self.cell[self.collect].append(data)

    def count(self, chars):
        self.chars += chars
        if self.chars > self.text_limit:
            raise too_much_text(self.text_limit)

    def value(self, cell):
        """The cell's value as openpyxl reads it (``data_only=False``)."""
        attrs = cell["attrs"]
        kind = attrs.get("t", "n")
        if cell["f"] is not None:
            return FormulaCell("=" + "".join(cell["f"]))
        if kind == "inlineStr":
            return None if cell["t"] is None else "".join(cell["t"])
        value = "".join(cell["v"]) or None
        if value is None:
            return None
        try:
            if kind == "n":
                number = _number(value)
                style = int(attrs.get("s", 0) or 0)
                if style in self.date_styles:
                    return self.date(number, style)
                return number
            if kind == "s":
                text = self.strings[int(value)]
                self.count(len(text))
                return text
            if kind == "b":
                return bool(int(value))
            if kind == "d":
                return from_ISO8601(value)
        except (ValueError, IndexError, InvalidOperation):
            raise MalformedXML from None
        return value  # "str" (a formula's text), "e" (#N/A, #DIV/0!...)

    def date(self, number, style):
        try:
            return from_excel(number, self.epoch, timedelta=style in self.delta_styles)
        except (OverflowError, ValueError, TypeError, ArithmeticError):
            return CellError(
                _("The cell is formatted as a date, but %(value)s is not one.")
                % {"value": number}
            )


def _number(value):
    if "." in value or "e" in value or "E" in value:
        return float(value)
    if len(value) > 30:
        # int() refuses past 4,300 digits; the parsers say "too large".
        return Decimal(value)
    return int(value)


def _column_index(letters):
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index
