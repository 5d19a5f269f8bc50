"""Hostile import files, built in memory (issue 11): nothing large is committed.

Each builder returns ``(file_name, data)``. The XLSX ones are written by a
small zip writer of our own, so that a member can carry any declared size and
any deflate stream: a sheet whose ``<dimension>`` claims the whole grid, a
shared string that inflates to 1.5 GB from 1.5 MB, a member that says it is
small and is not, XML with entity expansion. tests/test_hostile_files.py
checks what the import answers to each; bench/import_memory.py measures the
memory it takes.
"""

import json
import struct
import zlib

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml."

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_CT}worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    f'ContentType="{_CT}sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_TYPE}officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
    f'xmlns:r="{REL_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_TYPE}worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_TYPE}sharedStrings" '
    'Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{_TYPE}styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0 is General, style 1 a date (numFmtId 14): what Excel writes.
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)
EMPTY_STRINGS = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="0" '
    'uniqueCount="0"></sst>'
)


class Member:
    """A zip member: its raw deflate stream, and the sizes and CRC it declares."""

    def __init__(self, name, content=b"", *, raw=None, size=None, crc=None):
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.name = name.encode("utf-8")
        if raw is None:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            raw = compressor.compress(content) + compressor.flush()
        self.raw = raw
        self.size = len(content) if size is None else size
        self.crc = zlib.crc32(content) if crc is None else crc


def zip_bytes(members):
    """A zip archive of ``members``, every size and CRC as they declare."""
    out, central = bytearray(), bytearray()
    for m in members:
        offset = len(out)
        fields = (20, 0, 8, 0, 0, m.crc, len(m.raw), m.size, len(m.name), 0)
        out += struct.pack("<4s5HL2L2H", b"PK\x03\x04", *fields) + m.name + m.raw
        central += (
            struct.pack("<4s6HL2L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset)
            + m.name
        )
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central),
        len(out), 0,
    )  # fmt: skip
    return bytes(out + central + end)


def repeated_deflate(prefix, unit, times, suffix):
    """A deflate stream of ``prefix + unit * times + suffix``, built without
    ever holding (or compressing) the inflated text: after a full flush a
    compressor starts afresh, so the block for ``unit`` is the same every time."""

    def block(data, mode):
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush(mode)

    return (
        block(prefix, zlib.Z_FULL_FLUSH)
        + block(unit, zlib.Z_FULL_FLUSH) * times
        + block(suffix, zlib.Z_FINISH)
    )


def sheet_xml(rows, *, dimension=None, doctype=""):
    """Sheet XML for ``rows``: lists of cell XML fragments, or whole row XML."""
    body = []
    for number, cells in enumerate(rows, start=1):
        if isinstance(cells, str):
            body.append(cells)
            continue
        body.append(f'<row r="{number}">{"".join(cells)}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN_NS}">'
        f"{dim}<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


def text_cell(ref, value):
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def header_cells(names):
    return [text_cell(f"{_letter(i)}1", name) for i, name in enumerate(names)]


def _letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx(sheet, *, strings=EMPTY_STRINGS, styles=STYLES, extra=()):
    """A workbook with one sheet; ``sheet``/``strings`` are XML or ``Member``s."""

    def member(name, content):
        return content if isinstance(content, Member) else Member(name, content)

    return zip_bytes(
        [
            Member("[Content_Types].xml", CONTENT_TYPES),
            Member("_rels/.rels", ROOT_RELS),
            Member("xl/workbook.xml", WORKBOOK),
            Member("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            Member("xl/styles.xml", styles),
            member("xl/sharedStrings.xml", strings),
            member("xl/worksheets/sheet1.xml", sheet),
            *extra,
        ]
    )


def simple_xlsx(header, *rows):
    """Rows of (cell XML fragments) under a header of inline strings."""
    return xlsx(sheet_xml([header_cells(header), *rows]))


# -- the hostile files ---------------------------------------------------------


def xlsx_whole_grid_dimension():
    """3 KB whose <dimension> claims A1:XFD1048576 and whose last row is the
    grid's last, with a formatted empty cell in its last column, as Excel
    writes a sheet formatted to the end (issue 11: 1.9 GB and counting)."""
    rows = [
        [text_cell(f"A{n}", f"kume-{n}"), text_cell(f"B{n}", f"Küme {n}")]
        for n in range(2, 40)
    ]
    last = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    return "grid.xlsx", xlsx(
        sheet_xml(
            [header_cells(["slug", "title"]), *rows, last], dimension="A1:XFD1048576"
        )
    )


def xlsx_shared_string_bomb(megabytes=1500):
    """A 1.5 MB workbook whose one shared string inflates to 1.5 GB."""
    unit = b"A" * (1 << 20)
    prefix = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}"><si><t>'.encode()
    suffix = b"</t></si></sst>"
    strings = Member(
        "xl/sharedStrings.xml",
        raw=repeated_deflate(prefix, unit, megabytes, suffix),
        size=len(prefix) + len(unit) * megabytes + len(suffix),
        crc=0,
    )
    sheet = sheet_xml(
        [header_cells(["slug", "title"]), ['<c r="A2" t="s"><v>0</v></c>']]
    )
    return "strings.xlsx", xlsx(sheet, strings=strings)


def xlsx_member_that_lies(megabytes=200):
    """The shared strings declare 2 KB and inflate to 200 MB."""
    unit = b"A" * (1 << 20)
    prefix = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}"><si><t>'.encode()
    strings = Member(
        "xl/sharedStrings.xml",
        raw=repeated_deflate(prefix, unit, megabytes, b"</t></si></sst>"),
        size=2048,
        crc=0,
    )
    sheet = sheet_xml(
        [header_cells(["slug", "title"]), ['<c r="A2" t="s"><v>0</v></c>']]
    )
    return "lies.xlsx", xlsx(sheet, strings=strings)


def xlsx_many_shared_strings(count=2_000_000):
    """Two million distinct-looking tiny shared strings (a few hundred KB)."""
    unit = b"<si><t>ab</t></si>" * 1000
    prefix = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}">'.encode()
    strings = Member(
        "xl/sharedStrings.xml",
        raw=repeated_deflate(prefix, unit, count // 1000, b"</sst>"),
        size=len(prefix) + len(unit) * (count // 1000) + len(b"</sst>"),
        crc=0,
    )
    sheet = sheet_xml([header_cells(["slug", "title"])])
    return "many-strings.xlsx", xlsx(sheet, strings=strings)


def xlsx_shared_string_reused(rows=20_000, length=30_000):
    """One long shared string that every row's description repeats: small on
    disk, and as many characters as 600 MB of CSV once the cells are read."""
    strings = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}"><si><t>'
        + "Kümelenme " * (length // 10)
        + "</t></si></sst>"
    )
    body = [
        f'<row r="{n}">'
        f'<c r="A{n}" t="inlineStr"><is><t>kume-{n}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>Küme {n}</t></is></c>'
        f'<c r="C{n}" t="s"><v>0</v></c></row>'
        for n in range(2, rows + 2)
    ]
    sheet = sheet_xml([header_cells(["slug", "title", "description"]), *body])
    return "reused.xlsx", xlsx(sheet, strings=strings)


def xlsx_rows_then_garbage(rows=30_000):
    """More rows than the limit, then broken XML: reading must stop at the limit."""
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>kume-{n}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>Küme {n}</t></is></c></row>'
        for n in range(2, rows + 2)
    )
    sheet = sheet_xml([header_cells(["slug", "title"]), body])
    sheet = sheet.replace("</sheetData>", "<row><c><<<</sheetData>")
    return "rows.xlsx", xlsx(sheet)


def xlsx_far_column():
    """A value in column XFD (16,384): every row would be padded to it."""
    rows = [
        header_cells(["slug", "title"]) + [text_cell("XFD1", "x")],
        [text_cell("A2", "kume-2"), text_cell("B2", "Küme 2")],
    ]
    return "wide.xlsx", xlsx(sheet_xml(rows))


def xlsx_huge_declared_member():
    """A member (unread by the import) that declares 4 GB once inflated."""
    big = Member("xl/media/image1.png", raw=b"\x03\x00", size=0xFFFFFFF0, crc=0)
    rows = [header_cells(["slug", "title"]), [text_cell("A2", "kume-2")]]
    return "big-member.xlsx", xlsx(sheet_xml(rows), extra=[big])


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def xlsx_billion_laughs():
    rows = [
        header_cells(["slug", "title"]),
        ['<c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c>'],
    ]
    return "laughs.xlsx", xlsx(sheet_xml(rows, doctype=BILLION_LAUGHS))


def xlsx_external_entity():
    doctype = '<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
    rows = [
        header_cells(["slug", "title"]),
        ['<c r="A2" t="inlineStr"><is><t>&ext;</t></is></c>'],
    ]
    return "external.xlsx", xlsx(sheet_xml(rows, doctype=doctype))


def xlsx_malformed_sheet():
    sheet = sheet_xml([header_cells(["slug", "title"])])
    return "broken.xlsx", xlsx(sheet.replace("</sheetData>", "<row><c r='A2'>"))


def xlsx_numeric_dates():
    """Dates as Excel serial numbers without a date format, plausible or not."""
    return "dates.xlsx", simple_xlsx(
        ["slug", "title", "last_verified"],
        [
            text_cell("A2", "tarihli-kume"),
            text_cell("B2", "Tarihli küme"),
            '<c r="C2"><v>41420</v></c>',  # 2013-05-26
        ],
        [
            text_cell("A3", "yilli-kume"),
            text_cell("B3", "Yıllı küme"),
            '<c r="C3"><v>2013</v></c>',  # a year, not a date: 1905-07-05
        ],
    )


def xlsx_wrong_types():
    """A formula, a number and a boolean where text is expected, and a
    boolean where a date and a number are expected."""
    return "types.xlsx", simple_xlsx(
        ["slug", "title", "summary", "last_verified", "member_firms"],
        [
            text_cell("A2", "formullu"),
            '<c r="B2"><f>1+1</f><v>2</v></c>',
            '<c r="C2"><v>2013</v></c>',
            '<c r="D2" t="b"><v>1</v></c>',
            '<c r="E2" t="b"><v>0</v></c>',
        ],
        [
            text_cell("A3", "mantikli"),
            '<c r="B3" t="b"><v>1</v></c>',
        ],
    )


def xlsx_control_character():
    """U+0085 and U+007F are legal XML, and control characters all the same."""
    return "control.xlsx", simple_xlsx(
        ["slug", "title", "summary"],
        [text_cell("A2", "kontrol"), text_cell("B2", "Kontrol"), text_cell("C2", "a\x7fb")],
        [text_cell("A3", "kontrol-2"), text_cell("B3", "Kontrol\x85 2")],
    )  # fmt: skip


def csv_huge_number():
    digits = "9" * 5000
    return "digits.csv", f"slug,title,member_firms\r\nbuyuk,Büyük,{digits}\r\n".encode()


def csv_budget_1e30():
    return "budget.csv", (
        "slug,title,budget_amount,budget_currency\r\n"
        "trilyon,Trilyon,1e30,EUR\r\n"
        "kesir,Kesir,1e-999999999,EUR\r\n"
        "cok-basamak,Çok basamak,12345678901234,EUR\r\n"
    ).encode()


def csv_mixed_encodings():
    """UTF-8 lines, then a line that Turkish Excel appended in Windows-1254."""
    head = "slug;title\r\nizmir-kumesi;İzmir Kümesi\r\n".encode()
    tail = "sanliurfa-kumesi;Şanlıurfa Kümesi\r\n".encode("cp1254")
    return "mixed.csv", head + tail


def csv_utf16_nul():
    text = "slug\ttitle\tsummary\r\nnul-kume\tNUL küme\ta\x00b\r\n"
    return "unicode.txt", text.encode("utf-16")


def csv_blank_lines(megabytes=4):
    """A header, a row, and four million empty lines (each a row to skip)."""
    return "blank.csv", b"slug,title\r\nbos,Bos\r\n" + b"\n" * (megabytes << 20)


def csv_wide_row(cells=1_000_000):
    return "wide.csv", b"slug,title\r\nx,X" + b",y" * cells + b"\r\n"


def csv_too_many_rows(rows=25_000):
    body = "".join(f"k-{n},K {n}\r\n" for n in range(rows))
    return "rows.csv", ("slug,title\r\n" + body).encode()


def csv_every_cell_wrong(rows=20_000):
    """Every importable cell of every row wrong: as many errors as can be."""
    header = (
        "slug,number,title,start_year,end_year,status,sectors,provinces,partners,"
        "links,budget_amount,budget_currency,duration_months,member_firms,"
        "solution_partners,last_verified,is_published,date_added"
    )
    body = "".join(
        f"k-{n},x{n},,y{n},z{n},s{n},S{n},P{n},I{n},L {n},b{n},c{n},d{n},m{n},"
        f"p{n},v{n},q{n},t{n}\r\n"
        for n in range(rows)
    )
    return "wrong.csv", (header + "\r\n" + body).encode()


def json_deep(depth=100_000):
    return "deep.json", b"[" * depth + b"]" * depth


def json_deep_in_a_cell(depth=100_000):
    return "deep-cell.json", (
        b'[{"slug": "derin", "title": "Derin", "summary": '
        + b"[" * depth
        + b"]" * depth
        + b"}]"
    )


def json_structured_cells():
    items = [
        {"slug": "liste", "title": ["a", "b"], "sectors": {"name": "Makine"}},
        {"slug": "sayi", "title": "Sayı", "start_year": [2010], "is_published": {}},
    ]
    return "cells.json", json.dumps(items).encode()


def json_nul():
    items = [{"slug": "nul", "title": "NUL\u0000 küme", "summary": "a\u0001b"}]
    return "nul.json", json.dumps(items).encode()


def json_many_keys(objects=10_000):
    """Every object its own key: as many columns as objects."""
    items = [{"slug": f"k-{n}", f"key{n}": n} for n in range(objects)]
    return "keys.json", json.dumps(items).encode()


def json_huge_numbers():
    digits = "9" * 5000
    return "numbers.json", (
        f'[{{"slug": "buyuk", "title": "Büyük", "member_firms": {digits}, '
        f'"budget_amount": 1e30, "budget_currency": "EUR", "duration_months": 1e400}}]'
    ).encode()


HOSTILE_FILES = {
    "xlsx_whole_grid_dimension": xlsx_whole_grid_dimension,
    "xlsx_shared_string_bomb": xlsx_shared_string_bomb,
    "xlsx_member_that_lies": xlsx_member_that_lies,
    "xlsx_many_shared_strings": xlsx_many_shared_strings,
    "xlsx_shared_string_reused": xlsx_shared_string_reused,
    "xlsx_rows_then_garbage": xlsx_rows_then_garbage,
    "xlsx_far_column": xlsx_far_column,
    "xlsx_huge_declared_member": xlsx_huge_declared_member,
    "xlsx_billion_laughs": xlsx_billion_laughs,
    "xlsx_external_entity": xlsx_external_entity,
    "xlsx_malformed_sheet": xlsx_malformed_sheet,
    "xlsx_numeric_dates": xlsx_numeric_dates,
    "xlsx_wrong_types": xlsx_wrong_types,
    "xlsx_control_character": xlsx_control_character,
    "csv_huge_number": csv_huge_number,
    "csv_budget_1e30": csv_budget_1e30,
    "csv_mixed_encodings": csv_mixed_encodings,
    "csv_utf16_nul": csv_utf16_nul,
    "csv_blank_lines": csv_blank_lines,
    "csv_wide_row": csv_wide_row,
    "csv_too_many_rows": csv_too_many_rows,
    "csv_every_cell_wrong": csv_every_cell_wrong,
    "json_deep": json_deep,
    "json_deep_in_a_cell": json_deep_in_a_cell,
    "json_structured_cells": json_structured_cells,
    "json_nul": json_nul,
    "json_many_keys": json_many_keys,
    "json_huge_numbers": json_huge_numbers,
}
