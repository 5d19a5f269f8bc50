"""The import engine every resource shares: match, parse, diff, validate, write.

A resource (``initiatives.py``, ``names.py``) says what its columns are and how
to load, parse, render, build and write its rows; ``RegistryResource`` does the
rest, the same way for every file:

1. the header is checked (unknown, repeated or missing key columns);
2. every row is parsed cell by cell, each distinct cell once per file (the
   memo), lookups come from one ``lookup_context()`` loaded once;
3. the rows are matched by slug against the database, a chunk of slugs per
   query, and compared column by column (new, changed, unchanged);
4. new and changed rows are validated with the models' own ``full_clean``;
5. with no error anywhere, the resource writes the whole file in one
   transaction, and the admin log gets one entry per row; otherwise nothing.

So 10,000 rows take a few dozen queries, and a file is imported whole or not at
all.
"""

import functools
from collections import Counter, defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from import_export.fields import Field

from .. import text
from ..models import in_default_language
from ..search import deferred_refresh
from . import conflicts
from .cells import error_messages, escape_cell, unescape_cell
from .columns import column_label, column_of
from .history import log_changes, record_import
from .readers import CellError, FormulaCell, cell_text
from .report import NEW, SKIP, UPDATE, ImportResult, RowChange, RowError
from .sql import CHUNK

# Accepted in a file but never imported (like hit_count): records' own
# bookkeeping that other tools may add.
IGNORED_COLUMNS = frozenset({"id", "created_at", "updated_at"})


class RegistryResource:
    """One column layout, checked and written in bulk, all or nothing.

    Subclasses declare their ``model``, their ``columns`` in file order, which
    columns are not imported (``export_only``), and how to load, parse, render,
    build and write rows.
    """

    model = None
    columns = ()
    verbose_name = ""
    export_only = ()
    memo_columns = frozenset()
    title_columns = ()  # the title in each language, the first the default

    @classmethod
    def column_names(cls):
        return list(cls.columns)

    # The two things django-import-export's export form asks of a resource:
    # its name (a choice when an admin has several) and its columns (listed
    # above the format choice).
    @classmethod
    def get_display_name(cls):
        return cls.verbose_name

    def get_user_visible_fields(self):
        return [Field(column_name=name) for name in self.column_names()]

    def get_queryset(self):
        return self.model._default_manager.all()

    def load_existing(self, *, slugs, context):
        """``load_canonical`` of the rows with these slugs, a chunk at a time."""
        existing = {}
        for start in range(0, len(slugs), CHUNK):
            existing.update(
                self.load_canonical(slugs=slugs[start : start + CHUNK], context=context)
            )
        return existing

    # -- export -----------------------------------------------------------

    def export_records(
        self, *, queryset=None, escape=True, native=False, structured=False
    ):
        """Export rows as lists in column order; ``native`` keeps numbers/dates,
        ``structured`` gives many-valued cells as lists (``render``)."""
        if queryset is None:
            queryset = self.get_queryset()
        pks = list(queryset.values_list("pk", flat=True))
        context = self.lookup_context()
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            objects = self.load_canonical(pks=chunk, context=context)
            by_pk = {obj.pk: canonical for obj, canonical in objects.values()}
            for pk in chunk:
                canonical = by_pk[pk]
                record = [
                    self.render(
                        column,
                        canonical[column],
                        context,
                        native=native,
                        structured=structured,
                    )
                    for column in self.column_names()
                ]
                if escape:
                    record = [escape_cell(value) for value in record]
                yield record

    # -- import -------------------------------------------------------------

    def import_table(
        self, *, table, dry_run, user=None, file_name="", on_conflict=conflicts.SKIP
    ):
        result = ImportResult()
        problem = self.check_headers(table.headers)
        if problem:
            result.fail_file(problem)
            return result
        settle = functools.partial(
            conflicts.settle, resource=self, table=table, on_conflict=on_conflict
        )  # rows changed in the registry since the export (conflicts.py)
        if dry_run:
            plan = self.plan(table=table, result=result)
            if not result.has_errors():
                settle(plan=plan, result=result)
            return result
        try:
            with transaction.atomic(), deferred_refresh():
                plan = self.plan(table=table, result=result)
                if result.has_errors() or not settle(plan=plan, result=result):
                    return result
                self.write(plan=plan)
                # Version history (issue 13): one revision for the file.
                record_import(resource=self, plan=plan, user=user, file_name=file_name)
                if user is not None and getattr(user, "pk", None):
                    log_changes(self, plan=plan, user=user)
        except IntegrityError:
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
        if not set(named) & {"slug", *self.title_columns}:
            return _(
                "The file has neither a %(slug)s nor a %(title)s column. The "
                "columns are: %(columns)s."
            ) % {
                "slug": "slug",
                "title": " / ".join(self.title_columns),
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
                    unnamed = _("A cell has a value but its column has no name.")
                    if cell_text(value) and unnamed not in errors[NON_FIELD_ERRORS]:
                        errors[NON_FIELD_ERRORS].append(unnamed)
                    continue
                if isinstance(value, CellError):
                    errors[column].append(value.message)
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
                cell_text(c) for c in cells[len(columns) :]
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
            if not slug and not any(errors.get(c) for c in self.title_columns):
                # The title in the first language the row has one in.
                title = next(filter(None, map(values.get, self.title_columns)), "")
                if title:
                    slug = text.unique_slug(
                        title, lambda s: False, max_length=self.slug_max_length()
                    )
                else:
                    errors[self.title_columns[0]].append(
                        _("A row without a slug needs a %(column)s.")
                        % {"column": " / ".join(self.title_columns)}
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
        # "existing": the records before the import (their history's baseline).
        plan = {"new": [], "changed": [], "context": context, "existing": existing}
        self.labels = {c: self.column_label(c) for c in importable}
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
            if change is not None and change.import_type != SKIP:
                # Rows that change nothing are not written, so not validated.
                try:
                    self.validate(instance)
                except ValidationError as error:
                    for key, messages in error_messages(error).items():
                        errors[column_of(self.model, key)].extend(messages)
            if errors:
                for column, messages in errors.items():
                    for message in messages:
                        result.row_error_list.append(
                            RowError(
                                row=number,
                                column="" if column == NON_FIELD_ERRORS else column,
                                message=message,
                                label=self.labels.get(column, ""),
                            )
                        )
                continue
            if change.import_type == NEW:
                plan["new"].append((instance, canonical_new, change))
            elif change.import_type == UPDATE:
                plan["changed"].append((instance, canonical_new, change))
            result.changes.append(change)
        result.row_error_list.sort(key=lambda e: e.row)
        return plan

    def compare(self, *, number, slug, current, canonical_new, columns, context):
        """The row's RowChange: new, changed (with old and new cells) or unchanged."""
        title = self.title_of(canonical_new)
        if current is None:
            cells = [(c, self.render(c, canonical_new[c], context)) for c in columns]
            changes = [(c, "", cell) for c, cell in cells if cell != ""]
            return RowChange(number, NEW, slug, title, changes, self.labels)
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
        kind = UPDATE if changes else SKIP
        return RowChange(number, kind, slug, title, changes, self.labels)

    def comparable(self, column, value):
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("\r", "\n")
        return value

    def blank(self, column):
        return None

    def validate(self, instance):
        """The model's own rules (``check_unique`` did the uniqueness), read
        in the default language whatever the editor's."""
        with in_default_language():
            instance.full_clean(
                exclude=self.clean_exclude(),
                validate_unique=False,
                validate_constraints=False,
            )

    def clean_exclude(self):
        """Fields not validated: the original columns of translated texts,
        whose languages' fields are (``title`` beside ``title_tr``...)."""
        from ..translation import translated_fields

        return list(translated_fields(self.model))

    def slug_max_length(self):
        return self.model._meta.get_field("slug").max_length

    def column_label(self, column):
        return column_label(self.model, column)
