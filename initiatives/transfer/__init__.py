"""Import and export of the registry: one column layout for CSV, XLSX and JSON.

Editors export, edit in (Turkish) Excel and import back, with a preview first;
operators do the same from the command line (``import_initiatives``,
``export_initiatives``); visitors download the same columns
(``/initiatives/export.csv``, ``.xlsx`` and ``.json``, see
``initiatives/downloads.py``). The columns, the cell formats and
the rules are in docs/CONTRACT.md.

What django-import-export gives us, and we use as designed: the admin's Import
and Export buttons and their URLs (``ImportExportModelAdmin``), the permission
codes behind them (``IMPORT_EXPORT_IMPORT_PERMISSION_CODE``/``_EXPORT_``), the
base class of the storage that keeps a file between preview and confirm
(``IMPORT_EXPORT_TMP_STORAGE_CLASS``, ours keeps it in the database), and the
export form (format choice, the list of columns).

What is ours, and why: the row work. The library validates nothing unless
asked, drops unknown many-to-many values silently, keeps going after a
validation error and queries row by row (issue 4). Here:

* a query budget: lookups are loaded once per file, rows are matched a chunk
  at a time and written in batches, so 10,000 rows take a few dozen queries;
* strict many-to-many: an unknown sector, province or institution is a row
  error, never a new record;
* errors by row and column, in the editors' words, for every row at once;
* all or nothing: any error anywhere means nothing is written;
* files as Excel saves them: UTF-8 with or without BOM, Windows-1254, UTF-16,
  comma, semicolon or tab, XLSX formula cells refused, formula escaping both
  ways;
* hostile files (issue 11): every file is read within fixed limits of rows,
  columns, unpacked bytes and characters, whatever it claims or inflates to,
  and every cell ends in a value or a row error.

The modules, in the order a file goes through them:

* ``readers``: bytes to a table (encodings, delimiters, JSON, limits), and
  ``xlsx``: a workbook's first sheet, streamed within the same limits;
  ``xlsx_sheet``: the sheet's XML to rows, a row at a time;
* ``cells``: one cell (Turkish numbers, dates, yes/no, choices, formulas);
* ``lookups`` and ``relations``: names of sectors, provinces and institutions,
  and the many-valued cells (partners, links);
* ``planner``: match, parse, diff and validate every row (``RegistryResource``);
  ``report``: what an import found (``ImportResult``);
* ``initiatives`` and ``names``: the resources, one per file kind;
* ``sql``: the batch writes;
* ``writers``: rows to CSV, XLSX and JSON; ``files``: the entry points;
* ``admin``: the admin's buttons, forms, views and pending-file storage.
"""

from .cells import escape_cell, unescape_cell
from .files import RESOURCES, export_file, export_items, export_stream, import_file
from .initiatives import INITIATIVE_COLUMNS, InitiativeResource
from .names import InstitutionResource, SectorResource
from .readers import ImportFileError, read_table
from .report import ImportResult
from .writers import export_filename

__all__ = [
    "INITIATIVE_COLUMNS",
    "RESOURCES",
    "ImportFileError",
    "ImportResult",
    "InitiativeResource",
    "InstitutionResource",
    "SectorResource",
    "escape_cell",
    "export_file",
    "export_filename",
    "export_items",
    "export_stream",
    "import_file",
    "read_table",
    "unescape_cell",
]
