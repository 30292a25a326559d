"""Spreadsheet files for the price-list import tests, built from scratch (raw XML inside a zip, an
OLE compound file) so that each hostile case is exactly what it claims to be."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Cennik" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def _col(n: int) -> str:
    from store.pricelist_io.reader import column_letters       # tested against openpyxl's

    return column_letters(n)


def cell_xml(ref: str, value) -> str:
    """A cell: str -> inline string, bool -> boolean, int/float -> number, ("=", formula, cached or None) -> formula."""
    if isinstance(value, tuple) and value and value[0] == "=":
        cached = "" if value[2] is None else f"<v>{value[2]}</v>"
        return f'<c r="{ref}"><f>{escape(value[1])}</f>{cached}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def write_xlsx(path: Path, rows: list[list]) -> Path:
    """A minimal, valid XLSX with one sheet „Cennik” holding `rows` (see cell_xml for values)."""
    body = []
    for r, row in enumerate(rows, 1):
        cells = "".join(cell_xml(f"{_col(c)}{r}", v) for c, v in enumerate(row) if v is not None)
        body.append(f'<row r="{r}">{cells}</row>')
    _write_parts(path, SHEET_HEAD + "".join(body).encode() + SHEET_TAIL)
    return path


def _write_parts(path: Path, sheet: bytes | None, stream=None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if sheet is not None:
            z.writestr("xl/worksheets/sheet1.xml", sheet)
        else:
            with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                stream(fh)


def write_shared_xlsx(path: Path, rows: list[list], *, refs: dict[str, int] | None = None) -> Path:
    """Like write_xlsx, but every text goes to a shared-string table (as Excel writes it); each text is
    stored once however many cells use it."""
    table: dict[str, int] = {}
    body = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{_col(c)}{r}"
            if isinstance(v, str):
                cells.append(f'<c r="{ref}" t="s"><v>{table.setdefault(v, len(table))}</v></c>')
            elif v is not None:
                cells.append(cell_xml(ref, v))
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           f'uniqueCount="{len(table)}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in table) + "</sst>")
    types = CONTENT_TYPES.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                              'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                                              "</Types>")
    rels = WORKBOOK_RELS.replace("</Relationships>", '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                                                     'officeDocument/2006/relationships/sharedStrings" '
                                                     'Target="sharedStrings.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD + "".join(body).encode() + SHEET_TAIL)
        z.writestr("xl/sharedStrings.xml", sst)
    return path


def write_huge_xlsx(path: Path, data_rows: int) -> Path:
    """A price list of `data_rows` rows written as raw sheet XML (no <dimension>, so only counting
    the rows reveals the size): a million rows in a couple of seconds, ~20 MB on disk."""
    def stream(fh):
        fh.write(SHEET_HEAD)
        fh.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Kod</t></is></c>'
                 b'<c r="B1" t="inlineStr"><is><t>Nazwa</t></is></c>'
                 b'<c r="C1" t="inlineStr"><is><t>Cena detaliczna brutto</t></is></c></row>')
        buf = []
        for i in range(2, data_rows + 2):
            buf.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>K%d</t></is></c>'
                       b'<c r="B%d" t="inlineStr"><is><t>Towar %d</t></is></c><c r="C%d"><v>%d.5</v></c></row>'
                       % (i, i, i, i, i, i, i))
            if len(buf) == 20000:
                fh.write(b"".join(buf))
                buf.clear()
        fh.write(b"".join(buf))
        fh.write(SHEET_TAIL)

    _write_parts(path, None, stream)
    return path


def write_ole(path: Path, stream_names: list[str]) -> Path:
    """A minimal OLE compound file (the container of .xls files and of password-protected Office
    files) whose directory holds streams with the given names (each 4096 bytes of zeros)."""
    sector = 512
    n_streams = len(stream_names)
    data_sectors = 8 * n_streams                  # 4096 bytes per stream
    dir_sectors = (1 + n_streams + 3) // 4
    fat_entries = 1 + dir_sectors + data_sectors  # FAT sector itself + directory + data
    assert fat_entries <= 128
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)                 # number of FAT sectors
    struct.pack_into("<I", header, 48, 1)                 # first directory sector
    struct.pack_into("<I", header, 56, 4096)              # mini stream cutoff
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)        # no mini FAT
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)        # no DIFAT sectors
    struct.pack_into("<I", header, 76, 0)                 # DIFAT[0] = FAT in sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, 0xFFFFFFFF)
    fat = [0xFFFFFFFD]                                    # sector 0: FAT
    for i in range(dir_sectors):
        fat.append(2 + i if i < dir_sectors - 1 else 0xFFFFFFFE)
    first_data = 1 + dir_sectors
    for s in range(n_streams):
        start = first_data + 8 * s
        fat += [start + k + 1 for k in range(7)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    fat_sector = struct.pack("<128I", *fat)

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        raw[0:len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, 0xFFFFFFFF, right, child)
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1 if n_streams else 0xFFFFFFFF)]
    for s, name in enumerate(stream_names):
        right = s + 2 if s + 1 < n_streams else 0xFFFFFFFF
        entries.append(entry(name, 2, first_data + 8 * s, 4096, right=right))
    directory = b"".join(entries).ljust(dir_sectors * sector, b"\x00")
    path.write_bytes(bytes(header) + fat_sector + directory + b"\x00" * (4096 * n_streams))
    return path


def snapshot(db) -> dict:
    """Every row of every table (ordered), to prove that nothing was written."""
    out = {}
    for table in sorted(db.get_tables()):
        if table == "schema_migration":
            continue
        cursor = db.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1')
        out[table] = [tuple(r) for r in cursor.fetchall()]
    return out


# --- sheets that would make a reader allocate far more than the file's size (issue 10 §4) -------------

def _rows_of(fh, header: list[str], rows) -> None:
    fh.write(SHEET_HEAD + ('<row r="1">' + "".join(cell_xml(f"{_col(c)}1", h) for c, h in enumerate(header))
                           + "</row>").encode())
    buf = []
    for r, row in enumerate(rows, 2):
        buf.append((f'<row r="{r}">' + "".join(cell_xml(f"{_col(c)}{r}", v) for c, v in enumerate(row))
                    + "</row>").encode())
        if len(buf) == 5000:
            fh.write(b"".join(buf))
            buf.clear()
    fh.write(b"".join(buf))


def write_padded_xlsx(path: Path, pad_mb: int) -> Path:
    """Two real rows, then `pad_mb` MB of blanks inside sheetData: a small file, a huge text node."""
    def stream(fh):
        _rows_of(fh, ["Kod", "Nazwa"], [["K1", "Młotek"]])
        blank = b" " * (1 << 20)
        for _ in range(pad_mb):
            fh.write(blank)
        fh.write(SHEET_TAIL)

    _write_parts(path, None, stream)
    return path


def write_long_text_xlsx(path: Path, rows: int, text_bytes: int) -> Path:
    """`rows` goods, each with a description of `text_bytes` bytes (inline strings)."""
    def stream(fh):
        text = "opis " * (text_bytes // 5)
        _rows_of(fh, ["Kod", "Nazwa", "Opis"], ([f"K{i}", f"Towar {i}", f"{i} {text}"] for i in range(rows)))
        fh.write(SHEET_TAIL)

    _write_parts(path, None, stream)
    return path


def write_shared_bomb_xlsx(path: Path, string_bytes: int, cells: int) -> Path:
    """One shared string of `string_bytes` used by `cells` cells: the reader clones it into each cell."""
    text = "x" * string_bytes                       # one object: hashed once, stored once
    rows = [["Kod", "Nazwa"]] + [[f"K{i}", text] for i in range(cells)]
    return write_shared_xlsx(path, rows)


def write_far_cell_xlsx(path: Path, ref: str, *, value: bool = True, dimension: str | None = None) -> Path:
    """Two real rows and one cell at `ref` (with a value, or only formatted: <c … s="1"/>)."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    far = cell_xml(ref, "x") if value else f'<c r="{ref}" s="1"/>'
    head = SHEET_HEAD if dimension is None else SHEET_HEAD.replace(
        b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode())
    body = ('<row r="1">' + cell_xml("A1", "Kod") + cell_xml("B1", "Nazwa") + '</row><row r="2">'
            + cell_xml("A2", "K1") + cell_xml("B2", "Młotek") + f'</row><row r="{row}">{far}</row>')
    _write_parts(path, head + body.encode() + SHEET_TAIL)
    return path
