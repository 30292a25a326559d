"""The safety scan of a sheet before python-calamine reads it (issue 10 §4).

calamine reads a whole sheet into memory: a dense rectangle of cells from A1 to the farthest cell
with a value, every text as a Rust string (a shared string cloned into each cell that uses it), and
our rows then hold every value again as a Python object. One pass over the compressed sheet XML, in
1 MB pieces, counts what that will cost; a sheet whose estimate exceeds the memory budget is refused
before calamine allocates anything, with a message saying why (too many rows, a cell far outside
the price list, too much text). A text or tag longer than any spreadsheet writes (padding) is
refused as soon as the scan meets it.

The estimate (bytes above the program itself, measured with bench/price_import_memory.py):
    40 × grid cells (rows × columns up to the farthest value: calamine's 32-byte cell + a list slot)
  + 90 × grid rows (a Python list each)
  + 120 × cells written (a value object and its checked copy in the import plan)
  + 3 × text bytes (Rust string + Python str of ≤ 2 bytes a character; 5 × with characters outside
        the Basic Multilingual Plane, which Python stores in 4 bytes each)
  + shared-string table bytes (held once by calamine)
"""
from __future__ import annotations

import re
import zipfile
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator

from store.errors import FiliaError, Refused
from store.i18n import _

MEMORY_BUDGET_MB = 240          # what reading and checking one sheet may add: the whole import stays < 300 MB
BYTES_PER_GRID_CELL = 40
BYTES_PER_GRID_ROW = 90
BYTES_PER_CELL = 120
TEXT_FACTOR, TEXT_FACTOR_ASTRAL = 3, 5
MAX_SHEET_BYTES = 2 * 1024 * 1024 * 1024
RUN_WINDOW = 256 * 1024         # no cell text (≤ 32,767 characters, escaped) nor tag is this long
CHUNK = 1 << 20
MB = 1024 * 1024

_ROW_NUMBER_RE = re.compile(rb'<row r="([0-9]{1,9})"')
_ANY_ROW_NUMBER_RE = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="([0-9]{1,9})"')
_PREFIXED_ROW_RE = re.compile(rb"<[\w.-]+:row[\s>/]")
_WIDE_COLUMN_RE = re.compile(rb'r="([A-Z]{2,3})[0-9]')           # columns beyond Z: rare, so cheap to list
_PLAIN_TEXT_RE = re.compile(rb"<t>([^<]*)")                        # a literal prefix: scanned ~5x faster
_INLINE_TEXT_RE = re.compile(rb"<(?:\w+:)?t\s[^>]*>([^<]*)|<\w+:t>([^<]*)")
_ASTRAL_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")         # UTF-8 lead bytes of 4-byte characters
_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SHARED_REF_RE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*([0-9]{1,9})\s*<')
_VALUED_CELL_RE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')


class CheckCancelled(FiliaError):
    """The user left while the file was being checked (nothing was written)."""

    def __init__(self) -> None:
        super().__init__(_("Przerwano sprawdzanie pliku – nic nie zapisano."))


def check_cancel(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise CheckCancelled()


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (the inverse of column_index; saves importing openpyxl)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class SheetCost:
    rows: int = 0                 # <row> elements
    cells: int = 0                # <c> elements
    max_row: int = 0              # highest row number seen (rough: rows without values count too)
    width: int = 1                # columns up to the widest cell reference seen
    text: int = 0                 # bytes of inline text
    astral: bool = False
    shared_refs: int = 0          # cells holding a shared string
    shared_text: int = 0          # bytes of text those cells clone from the shared-string table
    table_text: int = 0           # bytes of the shared-string table itself
    has_formula: bool = False

    def estimate(self, grid_rows: int, width: int) -> int:
        factor = TEXT_FACTOR_ASTRAL if self.astral else TEXT_FACTOR
        return (BYTES_PER_GRID_CELL * grid_rows * width + BYTES_PER_GRID_ROW * grid_rows
                + BYTES_PER_CELL * self.cells + factor * (self.text + self.shared_text) + self.table_text)


def _refuse(message: str) -> Refused:
    from store.pricelist_io.reader import XlsxRefused

    return XlsxRefused(message)


def too_many_rows(name: str, max_rows: int) -> Refused:
    return _refuse(_("Plik {name} ma więcej niż {limit} wierszy danych. Podziel cennik na mniejsze pliki "
                     "(najwyżej {limit} wierszy w jednym) i importuj je po kolei.").format(
        name=name, limit=f"{max_rows:,}".replace(",", " ")))


def _padding(name: str) -> Refused:
    return _refuse(_("Plik {name} zawiera tekst lub znacznik dłuższy, niż zapisuje arkusz kalkulacyjny (albo "
                     "wypełnienie bez danych); nie wygląda na zwykły cennik. Zapisz cennik ponownie w arkuszu "
                     "kalkulacyjnym jako skoroszyt XLSX.").format(name=name))


def _windows_ok(chunk: bytes) -> bool:
    """Every aligned RUN_WINDOW of the stream holds a '<' and a '>': a text or tag of 2 × RUN_WINDOW
    always covers a whole window and is caught; nothing shorter than RUN_WINDOW ever is."""
    for at in range(0, len(chunk) - RUN_WINDOW + 1, RUN_WINDOW):
        window = chunk[at:at + RUN_WINDOW]
        if b"<" not in window or b">" not in window:
            return False
    return True


def _pieces(zf: zipfile.ZipFile, part: str, cancel: Callable[[], bool] | None,
            cut_at: bytes = b"<") -> Iterator[tuple[bytes, bytes]]:
    """(raw 1 MB chunk, body) of a part, streamed; a body ends before the last `cut_at` of what was read,
    so no tag is split between two bodies (the last body has an empty chunk)."""
    tail = b""
    with zf.open(part) as fh:
        while True:
            check_cancel(cancel)
            chunk = fh.read(CHUNK)
            data = tail + chunk
            cut = data.rfind(cut_at) if chunk else len(data)
            if cut <= 0:
                cut = len(data)
            body, tail = data[:cut], data[cut:]
            yield chunk, body
            if not chunk:
                return


def scan_sheet(zf: zipfile.ZipFile, part: str, name: str, sheet: str, max_rows: int,
               shared_strings: str | None, cancel: Callable[[], bool] | None = None) -> SheetCost:
    """Stream the sheet XML once: count rows (stopping past the cap), cells and text, note formulas,
    and refuse it when reading it would need more memory than MEMORY_BUDGET_MB."""
    info = zf.getinfo(part)
    if info.file_size > MAX_SHEET_BYTES:
        raise _padding(name)
    cost = SheetCost()
    max_col = b"A"
    letter = 0                                            # widest single-letter column seen (A = 0)
    limit = max_rows + 1                                  # header row + data rows
    budget = MEMORY_BUDGET_MB * MB
    for chunk, body in _pieces(zf, part, cancel):
        if not _windows_ok(chunk):
            raise _padding(name)
        # Over-counting is harmless (the limits are generous); ":row"/":c" cover prefixed tags,
        # which a piece without any colon cannot hold (one cheap pass saves three).
        prefixed = b":" in body
        row_tags = body.count(b"<row")
        if prefixed and b":row" in body:          # opening tags only: "</x:row>" holds ":row" too
            row_tags += len(_PREFIXED_ROW_RE.findall(body))
        cost.rows += row_tags
        cost.cells += body.count(b"<c") + (body.count(b":c") if prefixed else 0)
        if not cost.has_formula and (b"<f" in body or (prefixed and b":f" in body)):
            cost.has_formula = True
        if cost.rows > limit:
            raise too_many_rows(name, max_rows)
        if b"<t" in body or (prefixed and b":t" in body):
            cost.text += sum(map(len, _PLAIN_TEXT_RE.findall(body)))
            if b"<t " in body or prefixed:
                cost.text += sum(len(a) + len(b) for a, b in _INLINE_TEXT_RE.findall(body))
            if not cost.astral:
                cost.astral = any(lead in body for lead in _ASTRAL_LEADS)
        if shared_strings is not None:
            cost.shared_refs += body.count(b't="s"')
        numbers = _ROW_NUMBER_RE.findall(body)
        if len(numbers) != row_tags:                       # r not first, absent or prefixed: the slow way
            numbers = _ANY_ROW_NUMBER_RE.findall(body)
        if numbers:
            cost.max_row = max(cost.max_row, max(map(int, numbers)))
        for letters in set(_WIDE_COLUMN_RE.findall(body)):
            if (len(letters), letters) > (len(max_col), max_col):
                max_col = letters
        while letter < 25:
            found = re.search(rb'r="[%s-Z][0-9]' % _LETTERS[letter + 1:letter + 2], body)
            if found is None:
                break
            letter = found.group()[3] - 65
        if BYTES_PER_CELL * cost.cells + TEXT_FACTOR * cost.text > budget:
            raise _too_much(name, sheet, cost, cost.rows, 1, partial=True)   # too much, however it ends
    cost.width = max(column_index(max_col.decode()), letter) + 1
    if shared_strings is not None and cost.shared_refs:
        _shared_text(zf, part, shared_strings, cost, budget, cancel)
    grid_rows = max(cost.max_row, cost.rows)
    if cost.estimate(grid_rows, cost.width) > budget:
        # The rough extent counts rows and references without values too: measure the real one.
        grid_rows, width, far = _valued_extent(zf, part, cancel)
        grid_rows = max(grid_rows, 1)
        if cost.estimate(grid_rows, width) > budget:
            if BYTES_PER_GRID_CELL * grid_rows * width > budget / 2 and far:
                raise _too_large_area(name, sheet, grid_rows, width, far, cost.rows)
            raise _too_much(name, sheet, cost, grid_rows, width)
    return cost


def _shared_text(zf: zipfile.ZipFile, part: str, table: str, cost: SheetCost, budget: int,
                 cancel: Callable[[], bool] | None) -> None:
    """Bytes calamine clones from the shared-string table into the sheet's cells: a bound (cells ×
    longest string) when that is small, else each cell's string counted."""
    lengths = shared_string_lengths(zf, table, cancel)
    cost.table_text = sum(lengths)
    if not lengths:
        return
    cost.shared_text = cost.shared_refs * max(lengths)
    if cost.estimate(max(cost.max_row, cost.rows), cost.width) <= budget:
        return
    counts: Counter = Counter()
    for _chunk, body in _pieces(zf, part, cancel, cut_at=b"<c"):     # a cell and its value stay together
        counts.update(_SHARED_REF_RE.findall(body))
    n = len(lengths)
    cost.shared_text = sum(lengths[int(i)] * k for i, k in counts.items() if int(i) < n)


def shared_string_lengths(zf: zipfile.ZipFile, table: str, cancel: Callable[[], bool] | None = None) -> array:
    """UTF-8 length of each entry of the shared-string table (rich-text runs summed), streamed."""
    from lxml import etree

    tag_si = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}si"
    tag_t = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t"
    lengths = array("q")
    with zf.open(table) as fh:
        for n, (_event, el) in enumerate(etree.iterparse(fh, events=("end",), tag=tag_si, resolve_entities=False,
                                                         no_network=True, load_dtd=False, huge_tree=False)):
            if n % 10000 == 0:
                check_cancel(cancel)
            lengths.append(sum(len((t.text or "").encode()) for t in el.iter(tag_t)))
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    return lengths


def _valued_extent(zf: zipfile.ZipFile, part: str, cancel: Callable[[], bool] | None) -> tuple[int, int, str]:
    """(rows, columns, reference of the farthest cell) of the rectangle calamine allocates: up to the
    farthest cell holding a value (a formatted empty cell <c …/> does not count)."""
    max_row = max_col = 0
    far = ""
    for _chunk, body in _pieces(zf, part, cancel):
        for letters, number in _VALUED_CELL_RE.findall(body):
            row, col = int(number), column_index(letters.decode())
            if row > max_row or col > max_col:
                max_row, max_col = max(row, max_row), max(col, max_col)
                far = f"{letters.decode()}{number.decode()}"
    return max_row, max_col + 1, far


def _too_large_area(name: str, sheet: str, rows: int, cols: int, far: str, data_rows: int) -> Refused:
    return _refuse(_("Arkusz „{s}” w pliku {name} obejmuje zbyt duży obszar ({rows} wierszy × {cols} kolumn): "
                     "sięga komórki {cell}, choć wierszy w arkuszu jest {n}. Usuń zawartość komórek leżących poza "
                     "cennikiem (albo zbędne kolumny) i zapisz plik ponownie.").format(
        s=sheet, name=name, rows=rows, cols=cols, cell=far, n=data_rows))


def _too_much(name: str, sheet: str, cost: SheetCost, rows: int, cols: int, *, partial: bool = False) -> Refused:
    """`partial`: the scan stopped early, so the need is only known to be above the budget."""
    needed = _("ponad {mb}").format(mb=MEMORY_BUDGET_MB) if partial else _("ok. {mb}").format(
        mb=cost.estimate(rows, cols) // MB)
    why = _("bardzo dużo tekstu w komórkach") if TEXT_FACTOR * (cost.text + cost.shared_text) > BYTES_PER_CELL \
        * cost.cells else _("bardzo dużo wypełnionych komórek")
    return _refuse(_("Plik {name} jest zbyt duży, by go bezpiecznie sprawdzić: arkusz „{s}” potrzebowałby {mb} MB "
                     "pamięci (dopuszczalne {cap} MB) – {why}. Podziel cennik na mniejsze pliki albo usuń zbędne "
                     "kolumny (np. długie opisy) i importuj je po kolei.").format(
        name=name, s=sheet, mb=needed, cap=MEMORY_BUDGET_MB, why=why))
