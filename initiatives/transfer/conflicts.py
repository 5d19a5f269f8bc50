"""Imports that cannot undo newer edits (issue 13, point 3).

Every export carries, in the ``version`` column, the id of each record's latest
version at export time (empty when it had none). On import, a row that would
change a record whose latest version is no longer that one is a conflict: the
record changed in the registry since the file was exported (or the column was
edited by hand: a value that is not this record's latest version is never
trusted). A row with a version whose slug no longer exists is a conflict too
(renamed or deleted since). A file without the column imports as before.

Conflicts are shown with, per changed field, the file's value, the value at
export (from that version) and the current value, and who changed the record
last and when. What happens to them is the caller's choice (``on_conflict``):

- ``SKIP`` (the admin's confirm without "overwrite newer changes"): the
  conflicting rows are left untouched, the others are written;
- ``OVERWRITE``: written like any other row (the old values stay in history);
- ``REFUSE`` (the command without ``--overwrite-newer``): nothing is written.

Loading costs two queries per 900 conflicting rows, none per row.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils.translation import gettext as _
from reversion.models import Version

from ..models import Initiative
from ..versions import fields_of, latest_version_ids
from .relations import RELATIONS, render_relation
from .report import NEW
from .sql import CHUNK

COLUMN = "version"
SKIP, OVERWRITE, REFUSE = "skip", "overwrite", "refuse"
_NOT_A_VERSION = -1


@dataclass
class Conflict:
    row: int
    slug: str
    title: str
    reason: str
    fields: list = field(default_factory=list)  # [(column, file, at export, now)]
    changed_by: object = None
    changed_at: object = None
    changed_how: str = ""


def file_version(cell):
    """The version id a cell holds, None when blank, or _NOT_A_VERSION."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    try:
        value = int(str(cell).strip())
    except ValueError:
        return _NOT_A_VERSION
    # Version ids are positive 32-bit integers (reversion's AutoField).
    return value if 0 < value < 2**31 else _NOT_A_VERSION


def _versions(ids, related=False):
    qs = Version.objects.all()
    if related:
        qs = qs.select_related("revision__user", "revision__origin")
    found = {}
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        found.update(qs.in_bulk(ids[start : start + CHUNK]))
    return found


def _export_canonical(resource, version, context):
    """A version's values as the file's columns hold them (canonical)."""
    from .columns import translated_attribute

    fields = fields_of(version)
    model = resource.model
    canonical = {}
    for column in resource.column_names():
        if column in RELATIONS or column == COLUMN:
            continue
        value = fields.get(translated_attribute(model, column))
        canonical[column] = "" if value is None and column != "number" else value
    if model is not Initiative:
        return canonical, context
    canonical["sectors"] = tuple(fields.get("sectors", []))
    canonical["provinces"] = tuple(fields.get("provinces", []))
    canonical["partners"] = tuple((p[0], p[1]) for p in fields.get("_partners", []))
    canonical["links"] = tuple(tuple(link[:3]) for link in fields.get("_links", []))
    names = SimpleNamespace(
        sector_names={**dict(fields.get("_sector_names", [])), **context.sector_names},
        province_names=context.province_names,
        institution_names={
            **{p[0]: p[3] for p in fields.get("_partners", [])},
            **context.institution_names,
        },
    )
    return canonical, names


def _render(resource, column, value, context):
    if value is None or column not in RELATIONS:
        return resource.render(column, value, context)
    return render_relation(column, value, context)


def find_conflicts(*, resource, table, plan, result):
    """The plan's rows whose record changed since the file's version."""
    if COLUMN not in resource.column_names() or COLUMN not in table.headers:
        return []
    index = table.headers.index(COLUMN)
    cells = {
        number: row[index] if index < len(row) else None for number, row in table.rows
    }
    candidates = []
    for instance, canonical, change in plan["new"] + plan["changed"]:
        given = file_version(cells.get(change.row))
        current = canonical.get(COLUMN)
        if change.import_type == NEW:
            if given is not None:
                candidates.append((change, instance, given, None))
        elif given != current:
            candidates.append((change, instance, given, current))
    if not candidates:
        return []
    context = plan["context"]
    # A file exported before a record had any version was exported at its
    # baseline: the state kept before its first change.
    baselines = latest_version_ids(
        resource.model,
        [i.pk for _c, i, g, cur in candidates if g is None and cur],
        first=True,
    )
    for n, (change, instance, given, current) in enumerate(candidates):
        if given is None and instance.pk in baselines:
            candidates[n] = (change, instance, baselines[instance.pk], current)
    at_export = _versions({g for _c, _n, g, _cur in candidates if g and g > 0})
    latest = _versions({cur for _c, _n, _g, cur in candidates if cur}, related=True)
    conflicts = []
    for change, instance, given, current in candidates:
        conflict = Conflict(row=change.row, slug=change.slug, title=change.title,
                            reason="")  # fmt: skip
        if current is None:
            conflict.reason = _(
                "No record has this slug now, but the file was exported from "
                "one: it was renamed or deleted since."
            )
        else:
            last = latest[current]
            conflict.changed_by = last.revision.user
            conflict.changed_at = last.revision.date_created
            origin = getattr(last.revision, "origin", None)
            conflict.changed_how = str(origin) if origin else ""
            exported = at_export.get(given)
            if exported is None or exported.object_id != str(instance.pk):
                exported = None
                conflict.reason = _(
                    "The file's version column does not name a version of this "
                    "record (edited by hand?); it is not trusted."
                )
            else:
                conflict.reason = _(
                    "Changed in the registry since the file was exported."
                )
            old, names = (
                _export_canonical(resource, exported, context)
                if exported
                else ({}, context)
            )
            conflict.fields = [
                (
                    column,
                    new,
                    _render(resource, column, old[column], names) if old else "?",
                    now,
                )
                for column, now, new in change.changes
            ]
        conflicts.append(conflict)
    return conflicts


def settle(*, resource, table, plan, result, on_conflict):
    """Find the conflicts, record them on ``result``, and take the conflicting
    rows out of ``plan`` unless overwriting. False: write nothing (REFUSE)."""
    conflicts = find_conflicts(resource=resource, table=table, plan=plan, result=result)
    result.conflicts = conflicts
    if not conflicts:
        return True
    if on_conflict == REFUSE:
        return False
    if on_conflict == OVERWRITE:
        return True
    rows = {c.row for c in conflicts}
    for key in ("new", "changed"):
        plan[key] = [item for item in plan[key] if item[2].row not in rows]
    result.changes = [c for c in result.changes if c.row not in rows]
    return True
