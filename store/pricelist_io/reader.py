"""Reading a spreadsheet someone sent us: XLSX only, checked before python-calamine sees it.

calamine reads a whole sheet into memory, so every check that protects memory runs first on the
raw file, streaming: the file must be a ZIP with an XLSX workbook (not an encrypted/old-format
OLE file, not another ZIP), compressed parts may not expand beyond sane sizes, and the chosen sheet
may not have more rows than the cap nor need more memory than the budget (sheet_scan: counted while
decompressing, never materialised). Formula cells without a cached value (calamine shows them as
empty) are found too. Every refusal is an XlsxRefused with a Polish message that says what to do;
`cancel()` turning true stops the check (CheckCancelled).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterator

from store.errors import Refused
from store.i18n import _
from store.pricelist_io.sheet_scan import (CHUNK, CheckCancelled, check_cancel, column_index, column_letters,
                                           scan_sheet)

__all__ = ["DEFAULT_MAX_ROWS", "CheckCancelled", "Rows", "Sheet", "XlsxRefused", "column_index", "column_letters",
           "open_sheet"]
from store.library_text import damage_reason, os_reason

DEFAULT_MAX_ROWS = 250_000
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
MAX_STYLES_BYTES = 32 * 1024 * 1024          # calamine reads styles.xml whole; real ones are well under 1 MB

ZIP_MAGIC = (b"PK\x03\x04",)
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_CELL_REF_RE = re.compile(r"^([A-Z]{1,3})(\d+)$")


class XlsxRefused(Refused):
    """The file cannot be imported at all (nothing was read into the database)."""


class Rows:
    """The rows of a sheet as (spreadsheet row number, values); `rest()` takes all that are left
    at once (a list built in C instead of 100,000 steps of a generator)."""

    def __init__(self, values: Iterator[list], first_number: int) -> None:
        self._values, self.next_number = values, first_number

    def __iter__(self) -> "Rows":
        return self

    def __next__(self) -> tuple[int, list]:
        row = next(self._values)
        number, self.next_number = self.next_number, self.next_number + 1
        return number, row

    def rest(self) -> tuple[int, list[list]]:
        """(number of the first row, the remaining rows)."""
        rows = list(self._values)
        start, self.next_number = self.next_number, self.next_number + len(rows)
        return start, rows


@dataclass
class Sheet:
    """An opened sheet: rows come from `rows()` as lists of python values ('' = empty)."""

    name: str
    start_row: int                      # 1-based spreadsheet row of the first yielded row
    start_col: int                      # 0-based column index of the first value in a row
    row_count: int                      # rows counted in the file (header included)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)   # (row 1-based, col 0-based) w/o value
    _book: object = None
    _sheet: object = None

    _end: tuple[int, int] | None = None

    def rows(self) -> "Rows":
        """(spreadsheet row number, values) for every row, empty ones included.

        python-calamine 0.9 yields rows from the top of the sheet but columns from the first used
        one; an older/newer build may count rows from the first used one instead. The first
        yielded row tells which: if data starts below row 1, only the absolute numbering yields
        an empty first row. Columns are checked the same way (row length)."""
        if self._sheet is None:
            return Rows(iter(()), 1)
        iterator = iter(self._sheet.iter_rows())
        first = next(iterator, None)
        if first is None:
            return Rows(iter(()), 1)
        number = self.start_row
        if self.start_row > 1 and not any(v != "" for v in first):
            number = 1
        if self.start_col > 0 and self._end is not None and len(first) == self._end[1] + 1:
            self.start_col = 0
        return Rows(chain((first,), iterator), number)

    def close(self) -> None:
        if self._book is not None:
            try:
                self._book.close()
            except Exception:  # noqa: BLE001 - already closed
                pass
            self._book = self._sheet = None

    def __enter__(self) -> "Sheet":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _refuse(message: str) -> XlsxRefused:
    return XlsxRefused(message)


def _sniff(path: Path) -> None:
    name = path.name
    if not path.exists():
        raise _refuse(_("Nie znaleziono pliku {path}.").format(path=path))
    if not path.is_file():
        raise _refuse(_("{path} nie jest plikiem.").format(path=path))
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _refuse(_("Nie można odczytać pliku {name}: {reason}").format(name=name, reason=os_reason(exc))) from exc
    if not head:
        raise _refuse(_("Plik {name} jest pusty.").format(name=name))
    if head == OLE_MAGIC:
        if _ole_is_encrypted(path):
            raise _refuse(_("Plik {name} jest zabezpieczony hasłem. Otwórz go w arkuszu kalkulacyjnym, usuń hasło "
                            "i zapisz jako skoroszyt XLSX, a potem zaimportuj ponownie.").format(name=name))
        raise _refuse(_("Plik {name} jest w starym formacie XLS. Zapisz go w arkuszu kalkulacyjnym jako skoroszyt "
                        "XLSX i zaimportuj ponownie.").format(name=name))
    if head[:4] == EMPTY_ZIP_MAGIC or head[:4] not in ZIP_MAGIC:
        raise _refuse(_("Plik {name} nie jest skoroszytem XLSX. Zapisz cennik w arkuszu kalkulacyjnym jako "
                        "„Skoroszyt programu Excel (*.xlsx)” i zaimportuj ponownie.").format(name=name))


def _ole_is_encrypted(path: Path) -> bool:
    """An Office file encrypted with a password is an OLE compound file with these streams."""
    import struct

    markers = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
    try:
        with open(path, "rb") as fh:
            header = fh.read(512)
            sector_size = 1 << struct.unpack_from("<H", header, 30)[0]
            first_dir = struct.unpack_from("<I", header, 48)[0]
            if sector_size not in (512, 4096) or first_dir >= 0xFFFFFFFA:
                return False
            fh.seek((first_dir + 1) * sector_size)
            directory = fh.read(sector_size)
    except (OSError, struct.error):
        return False
    return any(m in directory for m in markers)


def _xml(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    return etree.fromstring(data, parser)


def _read_part(zf: zipfile.ZipFile, name: str, limit: int = 16 * 1024 * 1024) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise _refuse(_("Część „{part}” pliku jest podejrzanie duża; plik nie wygląda na zwykły cennik.").format(
            part=name))
    with zf.open(info) as fh:
        return fh.read(limit + 1)[:limit]


def _choose_sheet(zf: zipfile.ZipFile, name: str, preferred: tuple[str, ...],
                  only_preferred: bool = False) -> tuple[str, str] | None:
    """(sheet name, path of its XML part) — the preferred sheet name, else the first sheet
    (else None with only_preferred)."""
    try:
        book = _xml(_read_part(zf, "xl/workbook.xml"))
        rels = _xml(_read_part(zf, "xl/_rels/workbook.xml.rels"))
    except KeyError:
        raise _refuse(_("Plik {name} jest uszkodzony: brak opisu arkuszy skoroszytu.").format(name=name)) from None
    except Exception as exc:  # noqa: BLE001 - lxml syntax errors, bad zip entries
        raise _refuse(_("Plik {name} jest uszkodzony: {reason}").format(name=name, reason=damage_reason(exc))) from exc
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
    sheets = [(s.get("name", ""), targets.get(s.get(f"{{{NS_REL}}}id"), ""))
              for s in book.iter(f"{{{NS_MAIN}}}sheet")]
    sheets = [(n, t) for n, t in sheets if t]
    if not sheets:
        raise _refuse(_("Skoroszyt {name} nie zawiera żadnego arkusza.").format(name=name))
    wanted = {p.casefold() for p in preferred}
    found = next(((n, t) for n, t in sheets if n.casefold() in wanted), None)
    if found is None and only_preferred:
        return None
    sheet_name, target = found or sheets[0]
    raw = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    stack: list[str] = []
    for piece in raw.split("/"):                      # resolve "xl/../x" forms
        if piece == "..":
            if stack:
                stack.pop()
        elif piece not in ("", "."):
            stack.append(piece)
    part = "/".join(stack)
    if part not in zf.namelist():
        raise _refuse(_("Plik {name} jest uszkodzony: brak danych arkusza „{sheet}”.").format(
            name=name, sheet=sheet_name))
    return sheet_name, part


def _within(zf: zipfile.ZipFile, part: str, limit: int) -> bool:
    """The part really expands to at most `limit` bytes (streamed; zipfile checks size and CRC, so a
    part whose header lies about its size fails here instead of inside the reader)."""
    info = zf.getinfo(part)
    if info.file_size > limit:
        return False
    with zf.open(info) as fh:
        while fh.read(CHUNK):
            pass
    return True


def _formula_cells_without_value(zf: zipfile.ZipFile, part: str,
                                 cancel: Callable[[], bool] | None = None) -> set[tuple[int, int]]:
    """Cells that hold a formula but no cached value (a file written by a program, never opened)."""
    from lxml import etree

    found: set[tuple[int, int]] = set()
    tag_c, tag_f, tag_v = f"{{{NS_MAIN}}}c", f"{{{NS_MAIN}}}f", f"{{{NS_MAIN}}}v"
    with zf.open(part) as fh:
        for n, (_event, el) in enumerate(etree.iterparse(fh, events=("end",), tag=tag_c, resolve_entities=False,
                                                         no_network=True, load_dtd=False)):
            if n % 50000 == 0:
                check_cancel(cancel)
            if el.find(tag_f) is not None:
                v = el.find(tag_v)
                if v is None or not (v.text or "").strip():
                    m = _CELL_REF_RE.match(el.get("r", ""))
                    if m:
                        found.add((int(m.group(2)), column_index(m.group(1))))
                        if len(found) > 100_000:
                            break
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    return found


def open_sheet(path, *, preferred: tuple[str, ...] = (), max_rows: int = DEFAULT_MAX_ROWS,
               only_preferred: bool = False, cancel: Callable[[], bool] | None = None) -> Sheet | None:
    """Check the file and open one sheet with python-calamine. Raises XlsxRefused.

    The sheet is the first one named in `preferred` (case-insensitive), else the first sheet of
    the workbook — or None when `only_preferred` and no such sheet exists."""
    import python_calamine

    path = Path(path)
    name = path.name
    _sniff(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(_("Plik {name} jest uszkodzony (nie da się go rozpakować). Zapisz go ponownie jako XLSX.").format(
            name=name)) from exc
    with zf:
        names = set(zf.namelist())
        if any(info.flag_bits & 0x1 for info in zf.infolist()):
            raise _refuse(_("Plik {name} jest zabezpieczony hasłem. Usuń hasło w arkuszu kalkulacyjnym i zapisz go "
                            "jako skoroszyt XLSX.").format(name=name))
        if "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise _refuse(_("Plik {name} jest skoroszytem binarnym (XLSB). Zapisz go jako skoroszyt XLSX "
                                "i zaimportuj ponownie.").format(name=name))
            raise _refuse(_("Plik {name} jest archiwum ZIP, ale nie skoroszytem XLSX. Wskaż plik cennika "
                            "zapisany jako „Skoroszyt programu Excel (*.xlsx)”.").format(name=name))
        chosen = _choose_sheet(zf, name, preferred, only_preferred)
        if chosen is None:
            return None
        sheet_name, part = chosen
        try:
            for extra, limit in (("xl/sharedStrings.xml", MAX_SHARED_STRINGS_BYTES), ("xl/styles.xml", MAX_STYLES_BYTES)):
                if extra in names and not _within(zf, extra, limit):    # the other parts calamine reads whole
                    raise _refuse(_("Plik {name} zawiera zbyt dużo tekstu, by go bezpiecznie wczytać. Podziel cennik "
                                    "na mniejsze pliki.").format(name=name))
            shared = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None
            cost = scan_sheet(zf, part, name, sheet_name, max_rows, shared, cancel)
            row_count = cost.rows
            formula_cells = _formula_cells_without_value(zf, part, cancel) if cost.has_formula else set()
        except (XlsxRefused, CheckCancelled):
            raise
        except Exception as exc:  # noqa: BLE001 - zlib/CRC/XML errors of a damaged file
            raise _refuse(_("Plik {name} jest uszkodzony: {reason}").format(
                name=name, reason=damage_reason(exc))) from exc
    check_cancel(cancel)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_name(sheet_name)
    except python_calamine.PasswordError as exc:
        raise _refuse(_("Plik {name} jest zabezpieczony hasłem. Usuń hasło w arkuszu kalkulacyjnym i zapisz go "
                        "jako skoroszyt XLSX.").format(name=name)) from exc
    except Exception as exc:  # noqa: BLE001 - calamine raises several error kinds for damaged files
        raise _refuse(_("Nie można odczytać pliku {name}: {reason}").format(name=name, reason=damage_reason(exc))) \
            from exc
    start = sheet.start
    if start is None:
        return Sheet(sheet_name, 1, 0, 0, formula_cells, book, None)
    return Sheet(sheet_name, start[0] + 1, start[1], row_count, formula_cells, book, sheet, sheet.end)
