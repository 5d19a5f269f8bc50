"""An XLSX workbook's first sheet, read as a stream within fixed limits (issue 11).

openpyxl trusts a workbook: its read-only mode pads every row to the sheet's
``<dimension>`` (4.7 KB that claim ``A1:XFD1048576`` took 1.9 GB), reads the
whole sheet before anyone can count rows, and holds every shared string, so a
1.5 MB file whose string inflates to 1.5 GB took 3 GB. Here the parts an
import needs (workbook, relationships, styles, shared strings, the first
sheet) are parsed with expat as they are inflated, and nothing is believed:

* the zip's directory is checked first: how many members, each one's declared
  inflated size and their total (``IMPORT_MAX_UNZIPPED_BYTES``); a member is
  then read a chunk at a time and refused past the cap whatever it declared;
* the XML may have no document type declaration at all, so no entity can be
  declared, expanded or fetched (what defusedxml's ``forbid_dtd`` does);
* shared strings are capped in number and in characters, and the cells' text
  (a shared string counts each time a cell uses it) in characters
  (``IMPORT_MAX_TEXT_CHARS``), so no cell can multiply one string;
* rows and columns go to ``readers.Collector``, which stops at the row and
  column limits while the sheet is still being read.

Cell values are what openpyxl gives (numbers, text, booleans, dates for
date-formatted numbers, ISO dates), and a formula is a ``FormulaCell``.
"""

import io
import posixpath
import re
import struct
import zipfile
import zlib
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import (
    builtin_format_code,
    is_date_format,
    is_timedelta_format,
)
from openpyxl.utils.datetime import (
    MAC_EPOCH,
    WINDOWS_EPOCH,
)

from .readers import ImportFileError, unreadable
from .xlsx_sheet import MalformedXML, Sheet, local_name, too_much_text

CHUNK = 64 * 1024
# An Excel workbook has a few dozen members and at most 64,000 cell styles.
MAX_MEMBERS = 2000
MAX_STYLES = 65_000
# Distinct texts: a generous 50 per row (an export has 24 columns).
STRINGS_PER_ROW = 50
_CELL_REF = re.compile(r"([A-Za-z]{1,3})[0-9]*")
_TYPE = "/relationships/"
# What zipfile raises for a damaged archive: a bad CRC (a member that is not
# what it declares), offsets that point nowhere, an unknown compression
# method, encryption.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    OverflowError,
    ValueError,
)


def read_xlsx(data, collector):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        raise _damaged() from None
    with archive:
        try:
            _Workbook(archive).read(collector)
        except (expat.ExpatError, MalformedXML):
            raise unreadable(
                _("its sheet is damaged (the XML is not what Excel writes).")
            ) from None
        except _ZIP_ERRORS:
            raise _damaged() from None


def _damaged():
    return unreadable(_("it is damaged or not an Excel (XLSX) workbook."))


def _too_big(limit):
    return ImportFileError(
        _(
            "Once unpacked, this workbook would be more than %(limit)s MB; an "
            "export of the registry is far smaller. Save the sheet again, or "
            "split it into smaller files."
        )
        % {"limit": f"{limit / 1024 / 1024:.0f}"}
    )


def _refuse_doctype(*args):
    raise unreadable(
        _("it declares a document type (DTD), which an Excel workbook never does.")
    )


class _Workbook:
    def __init__(self, archive):
        self.archive = archive
        self.limit = settings.IMPORT_MAX_UNZIPPED_BYTES
        self.text_limit = settings.IMPORT_MAX_TEXT_CHARS
        self.unpacked = 0
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _damaged()
        if any(i.file_size > self.limit for i in infos) or (
            sum(i.file_size for i in infos) > self.limit
        ):
            raise _too_big(self.limit)
        self.members = {i.filename: i for i in infos}

    # -- members and their XML ------------------------------------------------

    def chunks(self, name):
        info = self.members.get(name)
        if info is None:
            return
        with self.archive.open(info) as member:
            while chunk := member.read(CHUNK):
                self.unpacked += len(chunk)
                if self.unpacked > self.limit:
                    raise _too_big(self.limit)
                yield chunk

    def parse(self, name, start=None, end=None, text=None):
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.buffer_text = True
        if start:
            parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        found = False
        for chunk in self.chunks(name):
            found = True
            parser.Parse(chunk, False)
        if found:
            parser.Parse(b"", True)
        return found

    def relationships(self, part):
        """{id: (type, member name)} of the part's relationships."""
        folder, base = posixpath.split(part)
        rels = {}

        def start(name, attrs):
            if local_name(name) == "Relationship" and "Target" in attrs:
                target = attrs["Target"]
                if target.startswith("/"):
                    path = target.lstrip("/")
                else:
                    path = posixpath.normpath(posixpath.join(folder, target))
                rels[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

        self.parse(posixpath.join(folder, "_rels", base + ".rels"), start=start)
        return rels

    # -- the parts ----------------------------------------------------------

    def read(self, collector):
        workbook = "xl/workbook.xml"
        for kind, path in self.relationships("").values():
            if kind.endswith("/officeDocument"):
                workbook = path
        sheets, epoch = [], WINDOWS_EPOCH

        def start(name, attrs):
            nonlocal epoch
            local = local_name(name)
            if local == "sheet":
                sheets.append(
                    next((v for k, v in attrs.items() if local_name(k) == "id"), "")
                )
            elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                epoch = MAC_EPOCH

        if not self.parse(workbook, start=start):
            raise _damaged()
        rels = self.relationships(workbook)
        worksheets = [
            rels[rid][1]
            for rid in sheets
            if rid in rels and rels[rid][0].endswith(_TYPE + "worksheet")
        ]
        if not worksheets:
            raise _damaged()
        by_type = {kind.rpartition("/")[2]: path for kind, path in rels.values()}
        date_styles, delta_styles = self.styles(by_type.get("styles"))
        strings = self.shared_strings(by_type.get("sharedStrings"))
        Sheet(self, collector, strings, date_styles, delta_styles, epoch).read(
            worksheets[0]
        )

    def styles(self, path):
        """The cell styles that show numbers as dates, and as durations."""
        dates, deltas = set(), set()
        if not path:
            return dates, deltas
        custom, state = {}, {"xfs": False, "count": 0}

        def start(name, attrs):
            local = local_name(name)
            if local == "numFmt":
                try:
                    custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
                except ValueError:
                    raise MalformedXML from None
                if len(custom) > MAX_STYLES:
                    raise MalformedXML
            elif local == "cellXfs":
                state["xfs"] = True
            elif local == "xf" and state["xfs"]:
                index = state["count"]
                state["count"] += 1
                if index >= MAX_STYLES:
                    raise MalformedXML
                try:
                    number_format = int(attrs.get("numFmtId", 0))
                except ValueError:
                    raise MalformedXML from None
                code = custom.get(number_format) or builtin_format_code(number_format)
                if code and is_date_format(code):
                    dates.add(index)
                    if is_timedelta_format(code):
                        deltas.add(index)

        def end(name):
            if local_name(name) == "cellXfs":
                state["xfs"] = False

        self.parse(path, start=start, end=end)
        return dates, deltas

    def shared_strings(self, path):
        strings = []
        if not path:
            return strings
        state = {"si": False, "rph": 0, "t": False, "chars": 0}
        limit = (settings.IMPORT_MAX_ROWS + 1) * STRINGS_PER_ROW
        parts = []

        def start(name, attrs):
            local = local_name(name)
            if local == "si":
                state["si"] = True
                parts.clear()
            elif local == "rPh":
                state["rph"] += 1
            elif local == "t" and state["si"] and not state["rph"]:
                state["t"] = True

        def end(name):
            local = local_name(name)
            if local == "si":
                state["si"] = False
                if len(strings) >= limit:
                    raise _too_many_strings(limit)
                # As openpyxl reads them (an escaped "_x005F_" loses its x005F_).
                strings.append("".join(parts).replace("x005F_", ""))
            elif local == "rPh":
                state["rph"] -= 1
            elif local == "t":
                state["t"] = False

        def text(data):
            if state["t"]:
                state["chars"] += len(data)
                if state["chars"] > self.text_limit:
                    raise too_much_text(self.text_limit)
                parts.append(data)

        self.parse(path, start=start, end=end, text=text)
        return strings


def _too_many_strings(limit):
    return ImportFileError(
        _(
            "This workbook holds more than %(limit)s different texts; an export "
            "of the registry holds far fewer. Split it into smaller files."
        )
        % {"limit": f"{limit:,}"}
    )
