"""Import and export of the registry: one column layout for CSV, XLSX and JSON.

Editors export, edit in (Turkish) Excel and import back; operators do the same
from the command line; visitors download the same columns. Everything that
reads or writes many rows lives here:

* ``read_table()`` turns uploaded bytes into rows: UTF-8 with or without BOM,
  Windows-1254, UTF-16, comma/semicolon/tab (taken from the header line), CRLF,
  XLSX (formula cells are a row error, never their cached value).
* The resources (``InitiativeResource``, ``InstitutionResource``,
  ``SectorResource``) parse every row, validate it with the models' own rules
  (``full_clean``), compare it with the database and write the whole file in
  one transaction, or nothing. Lookups are cached for the whole file and the
  writes are bulk, so 10,000 rows need a few dozen queries, not 10,000s.
* ``escape_cell()``/``unescape_cell()``: a text cell that a spreadsheet would
  run as a formula gets a leading ``'``, which import removes again, so the
  round trip is exact.

django-import-export's defaults are not used for the row work: they validate
nothing unless asked, drop unknown many-to-many values silently, keep going
after a validation error and query row by row (see issue 4).
"""

import csv
import datetime
import io
import json
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult
from import_export.tmp_storages import BaseStorage

from . import text
from .models import (
    Initiative,
    Institution,
    Link,
    Partnership,
    PendingImport,
    Province,
    Sector,
    in_default_language,
)
from .signals import deferred_search_refresh, refresh_initiatives
from .translation import translated_fields

SEPARATOR = " | "
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_UNESCAPE_AFTER = (*FORMULA_TRIGGERS, "'")
CHUNK = 900  # ids per query: below SQLite's old 999-variable limit
BATCH = 500

# Accepted in a file but never imported (like hit_count): records' own
# bookkeeping that other tools may add.
IGNORED_COLUMNS = frozenset({"id", "created_at", "updated_at"})
TRUE_WORDS = {"1", "yes", "true", "evet", "dogru", "x", "y", "e"}
FALSE_WORDS = {"0", "no", "false", "hayir", "yanlis", "n", "h"}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for editors."""


class PendingImportMissing(Exception):
    """The file kept between preview and confirm is gone (expired or used)."""


# ---------------------------------------------------------------------------
# Formula escaping


def escape_cell(value):
    """Prefix ``'`` to a text cell a spreadsheet would run as a formula.

    A cell that already starts with ``'`` followed by such a character (or by
    another ``'``) is prefixed too, so ``unescape_cell`` gives back exactly
    what was exported.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_TRIGGERS or (
        value[0] == "'" and value[1:2] in _UNESCAPE_AFTER
    ):
        return "'" + value
    return value


def unescape_cell(value):
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in _UNESCAPE_AFTER:
        return value[1:]
    return value


# ---------------------------------------------------------------------------
# Reading files


class FormulaCell(str):
    """An XLSX cell holding a formula: reported as a row error, never imported."""


@dataclass
class Table:
    headers: list
    rows: list  # [(row number in the spreadsheet, [cells])]
    escaped: bool = True  # spreadsheet formats carry the formula escape


def _max_bytes():
    return getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)


def _max_rows():
    return getattr(settings, "IMPORT_MAX_ROWS", 20_000)


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
    if len(data) > _max_bytes():
        raise ImportFileError(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. Split it "
                "into smaller files and import them one after the other."
            )
            % {
                "size": f"{len(data) / 1024 / 1024:.1f}",
                "limit": f"{_max_bytes() / 1024 / 1024:.1f}",
            }
        )
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
        if any(_cell_text(c) for c in cells)
    ]
    if not rows:
        raise ImportFileError(_("The file has column names but no rows to import."))
    if len(rows) > _max_rows():
        raise ImportFileError(
            _(
                "The file has %(count)s rows; at most %(limit)s are imported at "
                "once. Split it into smaller files."
            )
            % {"count": len(rows), "limit": _max_rows()}
        )
    table.rows = rows
    return table


def _header(value):
    return str(value if value is not None else "").strip().lstrip("\ufeff").lower()


def _cell_text(value):
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


def table_from_dataset(dataset):
    """A django-import-export ``Dataset`` as a ``Table`` (data rows from row 2)."""
    rows = [(index + 2, list(record)) for index, record in enumerate(dataset)]
    return Table(headers=[_header(h) for h in dataset.headers or []], rows=rows)


# ---------------------------------------------------------------------------
# Cell values


def _split(value, *, semicolons=False):
    """The items of a multi-value cell: " | " (or "|"); names also take ";"."""
    separators = r"[|;]" if semicolons else r"\|"
    return [item.strip() for item in re.split(separators, value) if item.strip()]


def _parse_text(raw):
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def _parse_int(raw):
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a whole number."))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise ValidationError(_("Enter a whole number."))
    value = raw.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", value):  # "1.080" written the Turkish way
        value = value.replace(".", "")
    if re.fullmatch(r"\d+[.,]0+", value):  # "2010.0" from a spreadsheet
        value = re.split(r"[.,]", value)[0]
    if not re.fullmatch(r"\d+", value):
        raise ValidationError(
            _("“%(value)s” is not a whole number."), params={"value": raw}
        )
    return int(value)


def _parse_decimal(raw):
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a number."))
    if isinstance(raw, int | float | Decimal):
        return Decimal(str(raw))
    value = raw.replace(" ", "").replace("\u00a0", "")
    for symbol in ("€", "$", "₺", "TL", "TRY", "EUR", "USD"):
        value = value.replace(symbol, "")
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
    elif value.count(",") == 1 and not re.fullmatch(r"\d{1,3},\d{3}", value):
        decimal_mark = ","
    elif value.count(".") == 1:
        decimal_mark = "."
    else:
        decimal_mark = None
    thousands = {",": ".", ".": ","}.get(decimal_mark, ".,")
    for mark in thousands:
        value = value.replace(mark, "")
    if decimal_mark:
        value = value.replace(decimal_mark, ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number."), params={"value": raw}
        ) from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number."), params={"value": raw})
    return number


def _format_decimal(value):
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _parse_date(raw):
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    value = raw.strip()
    for pattern in (
        "%Y-%m-%d",
        "%d.%m.%Y",
        "%d/%m/%Y",
        "%d-%m-%Y",
        "%Y-%m-%d %H:%M:%S",
    ):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date; write 2013-05-26 or 26.05.2013."),
        params={"value": raw},
    )


def _parse_bool(raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return bool(raw)
    value = text.fold(raw)
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValidationError(_("“%(value)s” is not yes or no."), params={"value": raw})


def _choice_parser(choices):
    """Accept a choice's value or its label in any of the site's languages."""
    keys = {}

    def load():
        from django.utils import translation

        for value, label in choices.choices:
            keys[text.fold(value)] = value
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    keys.setdefault(text.fold(str(label)), value)

    def parse(raw):
        if not keys:
            load()
        key = text.fold(str(raw))
        if key in keys:
            return keys[key]
        raise ValidationError(
            _("“%(value)s” is not one of: %(choices)s."),
            params={"value": raw, "choices": ", ".join(choices.values)},
        )

    return parse


def _messages(error):
    if hasattr(error, "error_dict"):
        return {
            key: [str(m) for m in value] for key, value in error.message_dict.items()
        }
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


# ---------------------------------------------------------------------------
# Results


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {
            "row": self.row,
            "message": self.message,
        }


@dataclass
class RowChange:
    row: int
    import_type: str  # RowResult.IMPORT_TYPE_NEW / _UPDATE / _SKIP
    slug: str
    title: str
    changes: list = field(default_factory=list)  # [(column, old, new)]

    @property
    def changed_columns(self):
        return [column for column, _old, _new in self.changes]


class ImportResult(Result):
    """django-import-export's ``Result`` plus what editors read in the preview."""

    def __init__(self, *, model, dry_run):
        super().__init__()
        self.model = model
        self.dry_run = dry_run
        self.file_error = None
        self.row_error_list = []
        self.changes = []
        self.written = False

    def fail_file(self, message):
        self.file_error = str(message)
        self.append_base_error(Error(ImportFileError(self.file_error)))

    def has_errors(self):
        return bool(self.file_error or self.row_error_list or super().has_errors())

    @property
    def counts(self):
        totals = Counter(change.import_type for change in self.changes)
        return {
            "new": totals[RowResult.IMPORT_TYPE_NEW],
            "changed": totals[RowResult.IMPORT_TYPE_UPDATE],
            "unchanged": totals[RowResult.IMPORT_TYPE_SKIP],
            "errors": len({error.row for error in self.row_error_list}),
        }

    def new_and_changed(self):
        return [c for c in self.changes if c.import_type != RowResult.IMPORT_TYPE_SKIP]

    def unchanged(self):
        return [c for c in self.changes if c.import_type == RowResult.IMPORT_TYPE_SKIP]

    def report_lines(self):
        """The plain-text report of the command line (and of the tests)."""
        lines = []
        if self.file_error:
            return [self.file_error]
        for change in self.new_and_changed():
            label = (
                _("new")
                if change.import_type == RowResult.IMPORT_TYPE_NEW
                else _("changed")
            )
            detail = ""
            if change.import_type == RowResult.IMPORT_TYPE_UPDATE:
                detail = " (" + ", ".join(change.changed_columns) + ")"
            lines.append(f"{_('Row')} {change.row}: {label} {change.slug}{detail}")
        lines.extend(str(error) for error in self.row_error_list)
        counts = self.counts
        lines.append(
            _(
                "%(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
                "%(errors)s with errors."
            )
            % counts
        )
        return lines


# ---------------------------------------------------------------------------
# Resources


class RegistryResource(resources.ModelResource):
    """One column layout, checked and written in bulk, all or nothing.

    Subclasses declare ``Meta.fields`` in column order, which columns are not
    imported (``export_only``), and how to load, compare and write rows.
    """

    export_only = ()
    memo_columns = frozenset()

    @classmethod
    def column_names(cls):
        return list(cls._meta.fields)

    def get_user_visible_fields(self):
        return [self.fields[name] for name in self.column_names()]

    def load_existing(self, *, slugs, context):
        """``load_canonical`` of the rows with these slugs, a chunk at a time."""
        existing = {}
        for start in range(0, len(slugs), CHUNK):
            existing.update(
                self.load_canonical(slugs=slugs[start : start + CHUNK], context=context)
            )
        return existing

    # -- export -----------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        dataset = tablib.Dataset(headers=self.column_names())
        for record in self.export_records(queryset=queryset, escape=True):
            dataset.append(record)
        return dataset

    def export_records(self, *, queryset=None, escape=True, native=False):
        """Export rows as lists in column order; ``native`` keeps numbers/dates."""
        if queryset is None:
            queryset = self.get_queryset()
        pks = list(queryset.values_list("pk", flat=True))
        context = self.export_context()
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            objects = self.load_canonical(pks=chunk, context=context)
            by_pk = {obj.pk: canonical for obj, canonical in objects.values()}
            for pk in chunk:
                canonical = by_pk[pk]
                record = [
                    self.render(column, canonical[column], context, native=native)
                    for column in self.column_names()
                ]
                if escape:
                    record = [escape_cell(value) for value in record]
                yield record

    def export_context(self):
        return self.lookup_context()

    # -- the library's entry point ------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=True,
        collect_failed_rows=False,
        rollback_on_validation_errors=True,
        **kwargs,
    ):
        """All-or-nothing import of a tablib ``Dataset`` (what the library passes).

        The library's defaults keep the valid rows of a file with invalid ones
        (``rollback_on_validation_errors=False``) and its admin's confirm step
        does not pass the flag. Here every import, preview or real, is one
        transaction that writes the whole file or nothing.
        """
        if not (use_transactions and rollback_on_validation_errors):
            raise ValueError("Registry imports are all or nothing.")
        if isinstance(dataset, Table):
            table = dataset
        else:
            table = table_from_dataset(dataset)
        return self.import_table(table=table, dry_run=dry_run, user=kwargs.get("user"))

    # -- import -------------------------------------------------------------

    def import_table(self, *, table, dry_run, user=None):
        result = ImportResult(model=self._meta.model, dry_run=dry_run)
        result.diff_headers = self.column_names()
        problem = self.check_headers(table.headers)
        if problem:
            result.fail_file(problem)
            return result
        if dry_run:
            self.plan(table=table, result=result)
            return result
        try:
            with transaction.atomic(), deferred_search_refresh():
                plan = self.plan(table=table, result=result)
                if result.has_errors():
                    return result
                self.write(plan=plan)
                if user is not None and getattr(user, "pk", None):
                    self.log_changes(plan=plan, user=user)
                result.written = True
        except IntegrityError:
            result.written = False
            result.fail_file(
                _(
                    "Someone changed the registry while this file was imported; "
                    "nothing was written. Import the file again."
                )
            )
        return result

    def check_headers(self, headers):
        known = set(self.column_names()) | IGNORED_COLUMNS
        named = [h for h in headers if h]
        unknown = [h for h in named if h not in known]
        if unknown:
            return _("Unknown columns: %(unknown)s. The columns are: %(columns)s.") % {
                "unknown": ", ".join(unknown),
                "columns": ", ".join(self.column_names()),
            }
        repeated = [h for h, n in Counter(named).items() if n > 1]
        if repeated:
            return _("These columns appear more than once: %(columns)s.") % {
                "columns": ", ".join(repeated)
            }
        if not set(named) & {"slug", self.title_column}:
            return _(
                "The file has neither a %(slug)s nor a %(title)s column. The "
                "columns are: %(columns)s."
            ) % {
                "slug": "slug",
                "title": self.title_column,
                "columns": ", ".join(self.column_names()),
            }
        return None

    def plan(self, *, table, result):
        """Parse, validate and compare every row; nothing is written here."""
        context = self.lookup_context()
        columns = list(table.headers)
        present = {h for h in columns if h}
        importable = [
            c for c in self.column_names() if c in present and c not in self.export_only
        ]
        parsed = []
        seen_slugs = {}
        memo = {}
        for number, cells in table.rows:
            errors = defaultdict(list)
            raw = {}
            for index, column in enumerate(columns):
                value = cells[index] if index < len(cells) else None
                if not column:
                    if _cell_text(value):
                        errors[NON_FIELD_ERRORS].append(
                            _("A cell has a value but its column has no name.")
                        )
                    continue
                if isinstance(value, FormulaCell):
                    errors[column].append(
                        _(
                            "The cell holds a formula (%(formula)s); formulas are "
                            "not imported. Paste the value instead."
                        )
                        % {"formula": value[:60]}
                    )
                    continue
                if isinstance(value, str):
                    value = value.strip()
                    if table.escaped:
                        value = unescape_cell(value)
                raw[column] = value
            if len(cells) > len(columns) and any(
                _cell_text(c) for c in cells[len(columns) :]
            ):
                errors[NON_FIELD_ERRORS].append(
                    _("The row has more cells than the file has columns.")
                )
            values = {}
            for column in importable:
                value = raw.get(column)
                if value is None or (isinstance(value, str) and value == ""):
                    values[column] = self.blank(column)
                    continue
                # Cells repeat (sectors, partners, statuses...): parse each
                # distinct one once per file.
                key = (column, value) if column in self.memo_columns else None
                if key is not None and key in memo:
                    parsed_value, messages = memo[key]
                else:
                    try:
                        parsed_value = self.parse(column, value, context)
                        messages = None
                    except ValidationError as error:
                        parsed_value, messages = None, error.messages
                    if key is not None:
                        memo[key] = (parsed_value, messages)
                if messages:
                    errors[column].extend(messages)
                else:
                    values[column] = parsed_value
            slug = values.get("slug") or ""
            if not slug and not errors.get(self.title_column):
                title = values.get(self.title_column)
                if title:
                    slug = text.unique_slug(
                        title, lambda s: False, max_length=self.slug_max_length()
                    )
                else:
                    errors[self.title_column].append(
                        _("A row without a slug needs a %(column)s.")
                        % {"column": self.title_column}
                    )
            if slug:
                if slug in seen_slugs:
                    errors["slug"].append(
                        _(
                            "The slug “%(slug)s” is already used in row %(row)s of this file."
                        )
                        % {"slug": slug, "row": seen_slugs[slug]}
                    )
                else:
                    seen_slugs[slug] = number
            parsed.append((number, slug, values, errors))

        existing = self.load_existing(
            slugs=[slug for _n, slug, _v, errors in parsed if slug], context=context
        )
        plan = {"new": [], "changed": [], "context": context}
        self.check_unique(parsed=parsed, existing=existing)
        for number, slug, values, errors in parsed:
            current = existing.get(slug)
            instance = change = None
            if not errors:
                instance, canonical_new = self.build(
                    slug=slug, values=values, current=current, context=context
                )
                change = self.compare(
                    number=number,
                    slug=slug,
                    current=current,
                    canonical_new=canonical_new,
                    columns=importable,
                    context=context,
                )
            if change is not None and change.import_type != RowResult.IMPORT_TYPE_SKIP:
                # Rows that change nothing are not written, so not validated.
                try:
                    instance.full_clean(
                        exclude=self.clean_exclude(),
                        validate_unique=False,
                        validate_constraints=False,
                    )
                except ValidationError as error:
                    for key, messages in _messages(error).items():
                        errors[key].extend(messages)
            if errors:
                for column, messages in errors.items():
                    for message in messages:
                        result.row_error_list.append(
                            RowError(
                                row=number,
                                column="" if column == NON_FIELD_ERRORS else column,
                                message=message,
                            )
                        )
                validation = ValidationError(
                    {column: list(messages) for column, messages in errors.items()}
                )
                result.append_invalid_row(number, raw, validation)
                result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
                continue
            if change.import_type == RowResult.IMPORT_TYPE_NEW:
                plan["new"].append((instance, canonical_new, change))
            elif change.import_type == RowResult.IMPORT_TYPE_UPDATE:
                plan["changed"].append((instance, canonical_new, change))
            result.changes.append(change)
            row_result = RowResult()
            row_result.import_type = change.import_type
            row_result.add_instance_info(instance)
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
        result.row_error_list.sort(key=lambda e: e.row)
        result.total_rows = len(table.rows)
        return plan

    def compare(self, *, number, slug, current, canonical_new, columns, context):
        """The row's RowChange: new, changed (with old and new cells) or unchanged."""
        title = self.title_of(canonical_new)
        if current is None:
            cells = [(c, self.render(c, canonical_new[c], context)) for c in columns]
            changes = [(c, "", cell) for c, cell in cells if cell != ""]
            return RowChange(number, RowResult.IMPORT_TYPE_NEW, slug, title, changes)
        _old_instance, canonical_old = current
        changes = [
            (
                column,
                self.render(column, canonical_old[column], context),
                self.render(column, canonical_new[column], context),
            )
            for column in columns
            if column != "slug"
            and self.comparable(column, canonical_old[column])
            != self.comparable(column, canonical_new[column])
        ]
        kind = RowResult.IMPORT_TYPE_UPDATE if changes else RowResult.IMPORT_TYPE_SKIP
        return RowChange(number, kind, slug, title, changes)

    def comparable(self, column, value):
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("\r", "\n")
        return value

    def blank(self, column):
        return None

    def slug_max_length(self):
        return self._meta.model._meta.get_field("slug").max_length

    def clean_exclude(self):
        return []

    def log_changes(self, *, plan, user):
        content_type = ContentType.objects.get_for_model(self._meta.model)
        now = timezone.now()
        entries = []
        for action, items in ((ADDITION, plan["new"]), (CHANGE, plan["changed"])):
            for instance, _canonical, change in items:
                if action == ADDITION:
                    message = [{"added": {}}]
                else:
                    message = [
                        {
                            "changed": {
                                "fields": [
                                    self.column_label(c) for c in change.changed_columns
                                ]
                            }
                        }
                    ]
                entries.append(
                    LogEntry(
                        action_time=now,
                        user_id=user.pk,
                        content_type=content_type,
                        object_id=str(instance.pk),
                        object_repr=str(instance)[:200],
                        action_flag=action,
                        change_message=json.dumps(message),
                    )
                )
        LogEntry.objects.bulk_create(entries, batch_size=BATCH)

    def column_label(self, column):
        """The column's name as the admin form labels it ("Title", "Sectors")."""
        related = {"partners": Partnership, "links": Link}
        if column in related:
            return str(related[column]._meta.verbose_name_plural).capitalize()
        field = self._meta.model._meta.get_field(column)
        return str(field.verbose_name).capitalize()


class _NameSlugResource(RegistryResource):
    title_column = "name"

    def title_of(self, canonical):
        return canonical["name"]

    def render(self, column, value, context, native=False):
        if value is None:
            return None if native else ""
        return value

    def parse(self, column, value, context):
        return _parse_text(str(value))

    def blank(self, column):
        return ""

    def lookup_context(self):
        return {}

    def load_canonical(self, *, pks=None, slugs=None, context):
        qs = self._meta.model._default_manager.all()
        qs = qs.filter(pk__in=pks) if pks is not None else qs.filter(slug__in=slugs)
        out = {}
        model = self._meta.model
        for obj in qs:
            out[obj.slug] = (
                obj,
                {
                    c: getattr(obj, _attribute(model, c)) or ""
                    for c in self.column_names()
                },
            )
        return out

    def check_unique(self, *, parsed, existing):
        model = self._meta.model
        taken = dict(
            model._default_manager.values_list(_attribute(model, "name"), "slug")
        )
        in_file = {}
        for number, slug, values, errors in parsed:
            name = values.get("name")
            if not name or errors:
                continue
            if name in in_file:
                errors["name"].append(
                    _("“%(value)s” is already used in row %(row)s of this file.")
                    % {"value": name, "row": in_file[name]}
                )
            elif taken.get(name, slug) != slug:
                errors["name"].append(
                    _("“%(value)s” is already the name of “%(slug)s”.")
                    % {"value": name, "slug": taken[name]}
                )
            in_file[name] = number

    def build(self, *, slug, values, current, context):
        model = self._meta.model
        if current is None:
            instance = model(slug=slug)
            canonical = {
                c: getattr(instance, _attribute(model, c)) or ""
                for c in self.column_names()
            }
        else:
            old, old_canonical = current
            instance = model(
                **{
                    f.attname: getattr(old, f.attname)
                    for f in model._meta.concrete_fields
                }
            )
            instance._state.adding = False
            canonical = dict(old_canonical)
        for column, value in values.items():
            if column == "slug":
                continue
            if value is None:
                value = ""
            setattr(instance, _attribute(model, column), value)
            canonical[column] = value
        canonical["slug"] = slug
        instance.slug = slug
        return instance, canonical

    def write(self, *, plan):
        with in_default_language():
            self._write(plan=plan)

    def _write(self, *, plan):
        model = self._meta.model
        new = [item[0] for item in plan["new"]]
        changed = [item[0] for item in plan["changed"]]
        for instance in new + changed:
            instance.fill_derived_fields()
        model._default_manager.bulk_create(new, batch_size=BATCH)
        fields = (
            _write_fields(model, [c for c in self.column_names() if c != "slug"])
            + ["sort_key"]
            + self.extra_derived
        )
        model._default_manager.bulk_update(changed, fields, batch_size=BATCH)
        if changed:
            # Names are part of the initiatives' search text.
            refresh_initiatives(
                Initiative.objects.filter(
                    **{f"{self.initiative_relation}__in": [i.pk for i in changed]}
                ).values_list("pk", flat=True)
            )


class SectorResource(_NameSlugResource):
    initiative_relation = "sectors"
    extra_derived = ["search_text"]

    class Meta:
        model = Sector
        fields = ("slug", "name", "name_en")
        import_id_fields = ("slug",)
        name = gettext_lazy("Sectors")


class InstitutionResource(_NameSlugResource):
    initiative_relation = "institutions"
    extra_derived = ["search_text"]
    _kind = staticmethod(_choice_parser(Institution.Kind))

    class Meta:
        model = Institution
        fields = ("slug", "name", "acronym", "kind", "country", "website")
        import_id_fields = ("slug",)
        name = gettext_lazy("Institutions")

    def parse(self, column, value, context):
        if column == "kind":
            return self._kind(value)
        return super().parse(column, value, context)

    def blank(self, column):
        if column == "kind":
            return Institution.Kind.OTHER
        return ""


# -- initiatives ---------------------------------------------------------------

INITIATIVE_COLUMNS = (
    "slug",
    "number",
    "title",
    "summary",
    "description",
    "start_year",
    "end_year",
    "status",
    "sectors",
    "provinces",
    "other_regions",
    "partners",
    "links",
    "budget_amount",
    "budget_currency",
    "duration_months",
    "member_firms",
    "solution_partners",
    "support_programme",
    "source",
    "last_verified",
    "is_published",
    "date_added",
    "hit_count",
)
_TEXT = {
    "slug",
    "title",
    "summary",
    "description",
    "other_regions",
    "support_programme",
    "source",
}
_INT = {
    "number",
    "start_year",
    "end_year",
    "duration_months",
    "member_firms",
    "solution_partners",
}
# Not imported when a cell is blank: the current value (or the default) stays.
_KEEP_WHEN_BLANK = {"status", "is_published", "date_added"}
_LINK_ITEM = re.compile(
    r"^(?P<title>.*?)\s*<(?P<url>[^<>]*)>\s*(?:\((?P<kind>[^()]*)\))?$"
)
_ROLE_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<role>[^()]*)\)$")


@dataclass
class Lookups:
    """Sectors, provinces and institutions of the whole file, loaded once."""

    sectors: dict  # folded key -> {ids}
    provinces: dict
    institutions: dict
    sector_names: dict  # id -> name
    province_names: dict
    institution_names: dict
    sector_rank: dict  # id -> position in Turkish order
    province_rank: dict
    sector_names_en: dict
    institution_acronyms: dict

    @classmethod
    def load(cls):
        sectors, sector_names, sector_rank, sector_names_en = {}, {}, {}, {}
        # Sectors and institutions are found by their name in either language.
        for rank, (pk, name, name_en, slug) in enumerate(
            Sector.objects.order_by("sort_key", "id").values_list(
                "pk", "name_tr", "name_en", "slug"
            )
        ):
            sector_names[pk] = name or name_en
            sector_names_en[pk] = name_en
            sector_rank[pk] = rank
            for key in (text.fold(name), text.fold(name_en), slug):
                if key:
                    sectors.setdefault(key, set()).add(pk)
        provinces, province_names, province_rank = {}, {}, {}
        for rank, (pk, name, slug, _plate) in enumerate(
            Province.objects.order_by("sort_key", "name").values_list(
                "pk", "name", "slug", "plate_code"
            )
        ):
            province_names[pk] = name
            province_rank[pk] = rank
            for key in (text.fold(name), slug):
                provinces.setdefault(key, set()).add(pk)
        institutions, institution_names, institution_acronyms = {}, {}, {}
        by_acronym = {}
        for pk, name, name_en, acronym, slug in Institution.objects.values_list(
            "pk", "name_tr", "name_en", "acronym", "slug"
        ):
            institution_names[pk] = name or name_en
            institution_acronyms[pk] = acronym
            for key in (text.fold(name), text.fold(name_en), slug):
                if key:
                    institutions.setdefault(key, set()).add(pk)
            if acronym:
                by_acronym.setdefault(text.fold(acronym), set()).add(pk)
        for key, pks in by_acronym.items():
            # A name or slug wins over someone else's acronym.
            institutions.setdefault(key, pks)
        return cls(
            sectors, provinces, institutions, sector_names, province_names,
            institution_names, sector_rank, province_rank, sector_names_en,
            institution_acronyms,
        )  # fmt: skip


def _find(mapping, names, value, what):
    pks = mapping.get(value.strip().lower()) or mapping.get(text.fold(value))
    if not pks:
        raise ValidationError(
            _("Unknown %(what)s “%(value)s”."), params={"what": what, "value": value}
        )
    if len(pks) > 1:
        raise ValidationError(
            _("“%(value)s” matches several %(what)s: %(names)s. Write the full name."),
            params={
                "value": value,
                "what": what,
                "names": ", ".join(sorted(names[pk] for pk in pks)),
            },
        )
    return next(iter(pks))


def _search_text(instance, canonical, context):
    """``Initiative.build_search_text()`` from the file's values, without queries."""
    parts = [
        instance.title,
        instance.summary,
        instance.description,
        instance.other_regions,
        instance.support_programme,
        instance.slug,
    ]
    parts += [context.sector_names[pk] for pk in canonical["sectors"]]
    parts += [context.sector_names_en[pk] for pk in canonical["sectors"]]
    parts += [context.province_names[pk] for pk in canonical["provinces"]]
    for pk, _role in canonical["partners"]:
        parts += [context.institution_names[pk], context.institution_acronyms[pk]]
    return " " + text.fold(" ".join(p for p in parts if p)) + " "


def _attribute(model, column):
    """The field a file column reads and writes.

    The columns of translated texts (``title``, ``name``...) are the Turkish
    ones (the default language's), whatever the editor's language: written
    through ``title``, modeltranslation would pick the active language.
    """
    if column in translated_fields(model):
        return f"{column}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
    return column


def _write_fields(model, columns):
    """Fields to write for these columns: a translated column's Turkish field
    and its original column (Turkish, or English when there is no Turkish)."""
    fields = [_attribute(model, c) for c in columns]
    return fields + [c for c in columns if _attribute(model, c) != c]


def _prep(field, value):
    return field.get_db_prep_save(value, connection)


def _rows_per_statement(width):
    # Few statements (each fires the statement triggers once and is one round
    # trip), under SQLite's 32,766 parameters per statement.
    return max(1, min(500, 30_000 // width))


def _placeholder(field):
    if connection.vendor == "postgresql":
        # VALUES lists need their types spelled out on PostgreSQL.
        return f"CAST(%s AS {field.db_type(connection)})"
    return "%s"


def _update_rows(model, instances, fields):
    """UPDATE ... FROM (VALUES ...): a few hundred rows per statement."""
    qn = connection.ops.quote_name
    fields = [model._meta.pk, *(model._meta.get_field(name) for name in fields)]
    table = qn(model._meta.db_table)
    row = "(" + ", ".join(_placeholder(f) for f in fields) + ")"
    assignments = ", ".join(
        f"{qn(f.column)} = v.column{n}" for n, f in enumerate(fields[1:], start=2)
    )
    size = _rows_per_statement(len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(instances), size):
            chunk = instances[start : start + size]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES "
                + ", ".join([row] * len(chunk))
                + f") AS v WHERE {table}.{qn(fields[0].column)} = v.column1",
                [_prep(f, getattr(obj, f.attname)) for obj in chunk for f in fields],
            )


def _insert_rows(model, fields, rows):
    """Multi-row INSERTs, a few hundred rows per statement."""
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in fields]
    head = "INSERT INTO {} ({}) VALUES ".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    )
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = _rows_per_statement(len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                head + ", ".join([row] * len(chunk)),
                [
                    _prep(f, v)
                    for values in chunk
                    for f, v in zip(fields, values, strict=True)
                ],
            )


def _delete_rows(model, initiative_ids):
    """Delete the rows of these initiatives without signals (search text is
    written by the import itself)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(initiative_ids), CHUNK):
            chunk = initiative_ids[start : start + CHUNK]
            cursor.execute(
                "DELETE FROM {} WHERE {} IN ({})".format(
                    qn(model._meta.db_table),
                    qn(model._meta.get_field("initiative").column),
                    ", ".join(["%s"] * len(chunk)),
                ),
                chunk,
            )


def _find_or_none(context, name):
    try:
        return _find(context.institutions, context.institution_names, name, "")
    except ValidationError:
        return None


class InitiativeResource(RegistryResource):
    """Initiatives with their sectors, provinces, partners and links."""

    sectors = Field(attribute="sectors", column_name="sectors")
    provinces = Field(attribute="provinces", column_name="provinces")
    partners = Field(column_name="partners")
    links = Field(column_name="links")
    hit_count = Field(attribute="hit_count", column_name="hit_count", readonly=True)

    export_only = ("hit_count",)
    memo_columns = frozenset(
        {"sectors", "provinces", "partners", "links", "status", "budget_currency",
         "is_published", "date_added", "last_verified", "start_year", "end_year"}
    )  # fmt: skip
    title_column = "title"
    _status = staticmethod(_choice_parser(Initiative.Status))
    _currency = staticmethod(_choice_parser(Initiative.Currency))
    _role = staticmethod(_choice_parser(Partnership.Role))
    _link_kind = staticmethod(_choice_parser(Link.Kind))

    class Meta:
        model = Initiative
        fields = INITIATIVE_COLUMNS
        export_order = INITIATIVE_COLUMNS
        import_id_fields = ("slug",)
        name = gettext_lazy("Initiatives")

    def get_queryset(self):
        # Numbered ones first, then by title the Turkish way: the same order on
        # every database (SQLite and PostgreSQL put NULLs at opposite ends).
        return Initiative.objects.order_by(
            F("number").asc(nulls_last=True), "title_sort_key", "id"
        )

    def title_of(self, canonical):
        return canonical["title"]

    # Readable cells for the library's own per-object export path.
    def dehydrate_sectors(self, obj):
        return SEPARATOR.join(s.name for s in obj.sectors.all())

    def dehydrate_provinces(self, obj):
        return SEPARATOR.join(p.name for p in obj.provinces.all())

    def dehydrate_partners(self, obj):
        return SEPARATOR.join(
            f"{p.institution.name} ({p.role})" for p in obj.partnerships.all()
        )

    def dehydrate_links(self, obj):
        return SEPARATOR.join(
            _link_cell(link.title, link.url, link.kind) for link in obj.links.all()
        )

    # -- canonical values ---------------------------------------------------

    def lookup_context(self):
        return Lookups.load()

    def load_canonical(self, *, pks=None, slugs=None, context):
        """{slug: (instance, {column: canonical value})} in a handful of queries."""
        qs = Initiative.objects.all()
        qs = qs.filter(pk__in=pks) if pks is not None else qs.filter(slug__in=slugs)
        objects = list(qs.defer("search_text"))
        ids = [obj.pk for obj in objects]
        sectors = defaultdict(list)
        for initiative_id, sector_id in Initiative.sectors.through.objects.filter(
            initiative_id__in=ids
        ).values_list("initiative_id", "sector_id"):
            sectors[initiative_id].append(sector_id)
        provinces = defaultdict(list)
        for initiative_id, province_id in Initiative.provinces.through.objects.filter(
            initiative_id__in=ids
        ).values_list("initiative_id", "province_id"):
            provinces[initiative_id].append(province_id)
        partners = defaultdict(list)
        for initiative_id, institution_id, role in (
            Partnership.objects.filter(initiative_id__in=ids)
            .order_by("position", "id")
            .values_list("initiative_id", "institution_id", "role")
        ):
            partners[initiative_id].append((institution_id, role))
        links = defaultdict(list)
        for initiative_id, url, title, kind in (
            Link.objects.filter(initiative_id__in=ids)
            .order_by("position", "id")
            .values_list("initiative_id", "url", "title", "kind")
        ):
            links[initiative_id].append((url, title, kind))
        out = {}
        for obj in objects:
            canonical = {
                name: _column_value(obj, name)
                for name in INITIATIVE_COLUMNS
                if name not in {"sectors", "provinces", "partners", "links"}
            }
            canonical["sectors"] = tuple(
                sorted(sectors[obj.pk], key=context.sector_rank.get)
            )
            canonical["provinces"] = tuple(
                sorted(provinces[obj.pk], key=context.province_rank.get)
            )
            canonical["partners"] = tuple(partners[obj.pk])
            canonical["links"] = tuple(links[obj.pk])
            out[obj.slug] = (obj, canonical)
        return out

    def render(self, column, value, context, native=False):
        if column == "sectors":
            return SEPARATOR.join(context.sector_names[pk] for pk in value)
        if column == "provinces":
            return SEPARATOR.join(context.province_names[pk] for pk in value)
        if column == "partners":
            return SEPARATOR.join(
                f"{context.institution_names[pk]} ({role})" for pk, role in value
            )
        if column == "links":
            return SEPARATOR.join(
                _link_cell(title, url, kind) for url, title, kind in value
            )
        if value is None:
            return None if native else ""
        if column == "budget_amount":
            return Decimal(_format_decimal(value)) if native else _format_decimal(value)
        if column == "is_published":
            return "yes" if value else "no"
        if native:
            return value
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    def comparable(self, column, value):
        if column in {"budget_amount"} and value is not None:
            return Decimal(value)
        return super().comparable(column, value)

    # -- import -------------------------------------------------------------

    def blank(self, column):
        if column in _TEXT or column == "budget_currency":
            return ""
        if column in {"sectors", "provinces", "partners", "links"}:
            return ()
        if column in _KEEP_WHEN_BLANK:
            return _KEEP
        return None

    def parse(self, column, value, context):
        if column in _TEXT:
            return _parse_text(str(value))
        if column in _INT:
            return _parse_int(value)
        if column == "budget_amount":
            return _parse_decimal(value)
        if column == "budget_currency":
            return self._currency(value)
        if column == "status":
            return self._status(value)
        if column in {"last_verified", "date_added"}:
            return _parse_date(value)
        if column == "is_published":
            return _parse_bool(value)
        value = str(value)
        if column == "sectors":
            pks = {
                _find(context.sectors, context.sector_names, v, _("sector"))
                for v in _split(value, semicolons=True)
            }
            return tuple(sorted(pks, key=context.sector_rank.get))
        if column == "provinces":
            pks = {
                _find(context.provinces, context.province_names, v, _("province"))
                for v in _split(value, semicolons=True)
            }
            return tuple(sorted(pks, key=context.province_rank.get))
        if column == "partners":
            return self._parse_partners(value, context)
        if column == "links":
            return self._parse_links(value)
        raise ValidationError(_("This column is not imported."))

    def _parse_partners(self, value, context):
        partners, problems = [], []
        for item in _split(value, semicolons=True):
            name, role = item, Partnership.Role.PARTNER
            match = _ROLE_SUFFIX.match(item)
            if match:
                try:
                    role = self._role(match["role"])
                    name = match["name"]
                except ValidationError:
                    pass  # "(...)" is part of the name
            try:
                pk = _find(
                    context.institutions,
                    context.institution_names,
                    name,
                    _("institution"),
                )
            except ValidationError as error:
                if match and name == item and _find_or_none(context, match["name"]):
                    # "KOSGEB (sponsor)": the institution is known, the role not.
                    problems.append(
                        _(
                            "“%(item)s”: unknown role “%(role)s”; the roles are: %(roles)s."
                        )
                        % {
                            "item": item,
                            "role": match["role"],
                            "roles": ", ".join(Partnership.Role.values),
                        }
                    )
                else:
                    problems.extend(error.messages)
                continue
            if (pk, role) in partners:
                problems.append(_("“%(item)s” is listed twice.") % {"item": item})
            partners.append((pk, role))
        if problems:
            raise ValidationError(problems)
        return tuple(partners)

    def _parse_links(self, value):
        links, problems = [], []
        for item in _split(value):
            match = _LINK_ITEM.match(item)
            if match:
                title, url, kind = match["title"], match["url"].strip(), match["kind"]
            elif " " not in item:
                title, url, kind = "", item, None
            else:
                problems.append(
                    _("“%(item)s”: write a link as Title <https://...> (kind).")
                    % {"item": item}
                )
                continue
            try:
                kind = self._link_kind(kind) if kind else Link.Kind.WEBSITE
                Link(url=url, title=title, kind=kind).clean_fields(
                    exclude=["initiative", "position"]
                )
            except ValidationError as error:
                messages = [m for ms in _messages(error).values() for m in ms]
                problems.extend(f"“{item}”: {m}" for m in messages)
                continue
            links.append((url, title, kind))
        if problems:
            raise ValidationError(problems)
        return tuple(links)

    def check_unique(self, *, parsed, existing):
        taken = dict(
            Initiative.objects.exclude(number=None).values_list("number", "slug")
        )
        # A number that an initiative of the file gives up is free again.
        for _number, slug, values, _errors in parsed:
            if "number" in values:
                for value in [v for v, owner in taken.items() if owner == slug]:
                    if value != values["number"]:
                        del taken[value]
        in_file = {}
        for number, slug, values, errors in parsed:
            value = values.get("number")
            if value is None or errors.get("number"):
                continue
            if value in in_file:
                errors["number"].append(
                    _(
                        "The number %(value)s is already used in row %(row)s of this file."
                    )
                    % {"value": value, "row": in_file[value]}
                )
            elif taken.get(value, slug) != slug:
                errors["number"].append(
                    _("The number %(value)s already belongs to “%(slug)s”.")
                    % {"value": value, "slug": taken[value]}
                )
            in_file[value] = number

    def clean_exclude(self):
        return [
            "hit_count",
            "search_text",
            "title_sort_key",
            "created_at",
            "updated_at",
        ]

    def build(self, *, slug, values, current, context):
        if current is None:
            instance = Initiative(slug=slug, hit_count=0)
            canonical = {
                name: _column_value(instance, name)
                for name in INITIATIVE_COLUMNS
                if name not in {"sectors", "provinces", "partners", "links"}
            }
            canonical.update(sectors=(), provinces=(), partners=(), links=())
        else:
            old, old_canonical = current
            instance = Initiative(
                **{
                    f.attname: getattr(old, f.attname)
                    for f in Initiative._meta.concrete_fields
                    if f.attname != "search_text"
                }
            )
            instance._state.adding = False
            canonical = dict(old_canonical)
        for column, value in values.items():
            if column in {"slug", "hit_count"} or value is _KEEP:
                continue
            canonical[column] = value
            if column not in {"sectors", "provinces", "partners", "links"}:
                setattr(instance, _attribute(Initiative, column), value)
        instance.slug = canonical["slug"] = slug
        return instance, canonical

    def write(self, *, plan):
        with in_default_language():
            self._write(plan=plan)

    def _write(self, *, plan):
        context = plan["context"]
        now = timezone.now()
        new = [item[0] for item in plan["new"]]
        for instance, canonical, _change in plan["new"]:
            instance.title_sort_key = text.sort_key(instance.title)
            instance.search_text = _search_text(instance, canonical, context)
            instance.hit_count = 0
            instance.created_at = instance.updated_at = now
        changed = plan["changed"]
        # Numbers may move between initiatives of the file: free them first.
        moving = [
            instance
            for instance, _canonical, change in changed
            if "number" in change.changed_columns
        ]
        if moving:
            Initiative.objects.filter(pk__in=[i.pk for i in moving]).update(number=None)
        Initiative.objects.bulk_create(new, batch_size=BATCH)
        groups = defaultdict(list)
        for instance, canonical, change in changed:
            instance.title_sort_key = text.sort_key(instance.title)
            instance.search_text = _search_text(instance, canonical, context)
            instance.updated_at = now
            fields = [c for c in change.changed_columns if c not in _RELATIONS]
            groups[tuple(fields)].append(instance)
        for fields, instances in groups.items():
            # Never hit_count: hits.py is its only writer.
            _update_rows(
                Initiative,
                instances,
                [
                    *_write_fields(Initiative, fields),
                    "title_sort_key",
                    "search_text",
                    "updated_at",
                ],
            )

        def replace(model, column, fields, make):
            changing = [(i, c) for i, c, ch in changed if column in ch.changed_columns]
            _delete_rows(model, [instance.pk for instance, _c in changing])
            items = [(i, c) for i, c, _ch in plan["new"] if c[column]] + changing
            _insert_rows(model, fields, [row for i, c in items for row in make(i, c)])

        replace(
            Initiative.sectors.through,
            "sectors",
            ["initiative", "sector"],
            lambda i, c: [(i.pk, pk) for pk in c["sectors"]],
        )
        replace(
            Initiative.provinces.through,
            "provinces",
            ["initiative", "province"],
            lambda i, c: [(i.pk, pk) for pk in c["provinces"]],
        )
        replace(
            Partnership,
            "partners",
            ["initiative", "institution", "role", "position"],
            lambda i, c: [
                (i.pk, pk, role, n) for n, (pk, role) in enumerate(c["partners"])
            ],
        )
        replace(
            Link,
            "links",
            ["initiative", "url", "title", "kind", "position"],
            lambda i, c: [
                (i.pk, url, title, kind, n)
                for n, (url, title, kind) in enumerate(c["links"])
            ],
        )


_RELATIONS = frozenset({"sectors", "provinces", "partners", "links"})


def _column_value(initiative, column):
    value = getattr(initiative, _attribute(Initiative, column))
    if value is None and _attribute(Initiative, column) != column:
        return ""  # an empty translation
    return value


class _Keep:
    def __repr__(self):
        return "<keep>"


_KEEP = _Keep()


def _link_cell(title, url, kind):
    if title:
        return f"{title} <{url}> ({kind})"
    return f"<{url}> ({kind})"


RESOURCES = {
    "initiatives": InitiativeResource,
    "institutions": InstitutionResource,
    "sectors": SectorResource,
}


# ---------------------------------------------------------------------------
# Writing files


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
    *, data, file_name="", resource_class=InitiativeResource, dry_run=False, user=None
):
    """Read ``data`` (bytes of CSV, XLSX or JSON) and import it, all or nothing."""
    resource = resource_class()
    try:
        table = read_table(data=data, file_name=file_name)
    except ImportFileError as error:
        result = ImportResult(model=resource._meta.model, dry_run=dry_run)
        result.fail_file(str(error))
        return result
    return resource.import_table(table=table, dry_run=dry_run, user=user)


# ---------------------------------------------------------------------------
# Formats for the admin's export and import buttons


class CSVFormat(base_formats.CSV):
    """UTF-8 with BOM and CRLF, formula cells escaped (by the resource)."""

    def export_data(self, dataset, **kwargs):
        return csv_bytes(headers=dataset.headers, records=iter(dataset))

    def is_binary(self):
        return True


class XLSXFormat(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return xlsx_bytes(headers=dataset.headers, records=iter(dataset))


class JSONFormat(base_formats.JSON):
    def export_data(self, dataset, **kwargs):
        headers = dataset.headers
        records = (
            [
                _json_value(c, unescape_cell(v))
                for c, v in zip(headers, record, strict=True)
            ]
            for record in dataset
        )
        return "".join(json_chunks(headers=headers, records=records)).encode("utf-8")

    def is_binary(self):
        return True


EXPORT_FORMATS = [CSVFormat, XLSXFormat, JSONFormat]


# ---------------------------------------------------------------------------
# The pending import between preview and confirm


class DatabaseStorage(BaseStorage):
    """Keeps the uploaded file in the database, which every app server shares.

    ``IMPORT_EXPORT_TMP_STORAGE_CLASS`` points here. A file older than
    ``IMPORT_PENDING_SECONDS`` counts as gone; reading a gone file raises
    ``PendingImportMissing`` so the admin can say "upload the file again".
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self.file_name = kwargs.get("file_name", "")

    def _fresh(self):
        max_age = getattr(settings, "IMPORT_PENDING_SECONDS", 24 * 3600)
        return PendingImport.objects.filter(
            created_at__gte=timezone.now() - datetime.timedelta(seconds=max_age)
        )

    def save(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        max_age = getattr(settings, "IMPORT_PENDING_SECONDS", 24 * 3600)
        PendingImport.objects.filter(
            created_at__lt=timezone.now() - datetime.timedelta(seconds=max_age)
        ).delete()
        pending = PendingImport.objects.create(
            data=data,
            file_name=self.file_name[:255],
            user=self.user if getattr(self.user, "pk", None) else None,
        )
        self.name = pending.key

    def read(self):
        qs = self._fresh().filter(key=self.name)
        if self.user is not None:
            qs = qs.filter(user=self.user)
        data = qs.values_list("data", flat=True).first()
        if data is None:
            raise PendingImportMissing(self.name)
        return bytes(data)

    def remove(self):
        PendingImport.objects.filter(key=self.name).delete()


# ---------------------------------------------------------------------------
# Public open data (/initiatives/export.csv and .json)


def export_filename(*, file_format, name="initiatives"):
    return f"{name}-{timezone.localdate().isoformat()}.{file_format}"


def export_stream(*, queryset, file_format):
    """The export of ``queryset`` as text chunks, for a streaming response."""
    resource = InitiativeResource()
    headers = resource.column_names()
    if file_format == "csv":
        return csv_lines(
            headers=headers, records=resource.export_records(queryset=queryset)
        )
    if file_format == "json":
        return json_chunks(
            headers=headers, records=json_records(resource=resource, queryset=queryset)
        )
    raise ValueError(f"unknown format {file_format!r}")
