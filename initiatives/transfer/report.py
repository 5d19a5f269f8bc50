"""What an import found, row by row: the preview, the report and the errors.

The admin's preview, the command line's report and the tests read the same
``ImportResult``: the changes (new, changed with old and new cells, unchanged),
every error by row and column, and the counts.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A row's kind (the admin template styles and labels rows by these values).
NEW = "new"
UPDATE = "update"
SKIP = "skip"


@dataclass
class RowError:
    row: int
    column: str
    message: str
    label: str = ""  # the column's label in the editor's language

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
    import_type: str  # NEW, UPDATE or SKIP
    slug: str
    title: str
    changes: list = field(default_factory=list)  # [(column, old, new)]
    # The columns' labels in the editor's language ("Başlık (İngilizce)").
    labels: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def changed_columns(self):
        return [column for column, _old, _new in self.changes]

    def labelled_changes(self):
        """(label, column, old, new) of each change, for the preview."""
        return [
            (self.labels.get(column, column), column, old, new)
            for column, old, new in self.changes
        ]


class ImportResult:
    # The preview lists this many errors; a file with every cell wrong would
    # otherwise be a page of hundreds of thousands of rows.
    ERRORS_SHOWN = 1000

    def __init__(self):
        self.file_error = None  # the file as a whole is wrong: no rows were read
        self.row_error_list = []  # RowError, in row order
        self.changes = []  # RowChange of every valid row
        self.conflicts = []  # conflicts.Conflict: changed since the export

    def fail_file(self, message):
        self.file_error = str(message)

    def has_errors(self):
        return bool(self.file_error or self.row_error_list)

    @property
    def counts(self):
        totals = Counter(change.import_type for change in self.changes)
        return {
            "new": totals[NEW],
            "changed": totals[UPDATE],
            "unchanged": totals[SKIP],
            "errors": len({error.row for error in self.row_error_list}),
        }

    def shown_errors(self):
        return self.row_error_list[: self.ERRORS_SHOWN]

    def hidden_error_count(self):
        return max(0, len(self.row_error_list) - self.ERRORS_SHOWN)

    def new_and_changed(self):
        return [c for c in self.changes if c.import_type != SKIP]

    def unchanged(self):
        return [c for c in self.changes if c.import_type == SKIP]

    def report_lines(self):
        """The plain-text report of the command line (and of the tests)."""
        lines = []
        if self.file_error:
            return [self.file_error]
        for change in self.new_and_changed():
            label = _("new") if change.import_type == NEW else _("changed")
            detail = ""
            if change.import_type == UPDATE:
                detail = " (" + ", ".join(change.changed_columns) + ")"
            lines.append(f"{_('Row')} {change.row}: {label} {change.slug}{detail}")
        lines.extend(str(error) for error in self.row_error_list)
        for conflict in self.conflicts:
            lines.append(
                _("Row %(row)s: conflict %(slug)s: %(reason)s")
                % {
                    "row": conflict.row,
                    "slug": conflict.slug,
                    "reason": conflict.reason,
                }
            )
            for column, in_file, at_export, now in conflict.fields:
                lines.append(
                    f"  {column}: "
                    + _("file %(file)r, at export %(export)r, now %(now)r")
                    % {"file": in_file, "export": at_export, "now": now}
                )
        counts = self.counts
        lines.append(
            _(
                "%(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
                "%(errors)s with errors."
            )
            % counts
        )
        return lines
