"""Export any list to an XLSX file: a streaming writer independent of every model.

openpyxl write-only mode: each row is serialised as soon as it is appended, so memory stays flat
for a list of a million rows. Decimal goes out as a number with a format showing its places,
dates as dates, text always as text (a name starting with "=" never becomes a formula). The file
appears atomically: rows go to a temporary file next to the target, renamed over it at the end;
a failure or a cancel leaves the previous file (if any) untouched.
"""
from __future__ import annotations

import os
import uuid
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from store.errors import FiliaError
from store.i18n import _
from store.library_text import os_reason

EXCEL_MAX_ROWS = 1_048_576          # rows per sheet, header included
EXCEL_MAX_TEXT = 32_767             # characters per cell
PROGRESS_EVERY = 1_000              # rows between progress callbacks (and cancel checks)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TIME_FORMAT = "hh:mm:ss"


class ExportCancelled(FiliaError):
    """The user cancelled; nothing was written."""


def decimal_format(places: int) -> str:
    """Number format that shows exactly `places` decimals with thousands grouping."""
    return "#,##0" if places <= 0 else "#,##0." + "0" * places


_RISKY_FIRST = ("=", "#")             # would be read as a formula or an error code


def _clean_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value[:EXCEL_MAX_TEXT])


class _RowBuilder:
    """Turns a tuple of Python values into write-only cells; cells are reused per column and
    kind because write-only mode serialises each row before the next is appended."""

    def __init__(self, sheet, header_font):
        from openpyxl.cell import WriteOnlyCell

        self._sheet = sheet
        self._cell_cls = WriteOnlyCell
        self._cache: dict[tuple, object] = {}
        self.header_font = header_font

    def _cell(self, col: int, kind, number_format: str | None = None):
        key = (col, kind)
        cell = self._cache.get(key)
        if cell is None:
            cell = self._cell_cls(self._sheet)
            if number_format:
                cell.number_format = number_format
            self._cache[key] = cell
        return cell

    def header(self, headers: list[str]) -> list:
        out = []
        for text in headers:
            cell = self._cell_cls(self._sheet, _clean_text(str(text)))
            cell.data_type = "s"
            cell.font = self.header_font
            out.append(cell)
        return out

    def row(self, values: tuple) -> list:
        out = []
        for col, value in enumerate(values):
            if value is None or value == "":
                out.append(None)
                continue
            if isinstance(value, str):
                value = _clean_text(value)
                if value[:1] not in _RISKY_FIRST:
                    out.append(value)           # plain text: openpyxl's own cell is cheapest
                    continue
                cell = self._cell(col, str)
                cell.value = value
                cell.data_type = "s"            # never a formula, never an error code
            elif isinstance(value, (bool, int, float)):
                out.append(value)
                continue
            elif isinstance(value, Decimal):
                if not value.is_finite():
                    out.append(None)
                    continue
                places = max(0, -value.as_tuple().exponent)
                cell = self._cell(col, ("dec", places), decimal_format(places))
                cell.value = value
            elif isinstance(value, datetime):
                cell = self._cell(col, datetime, DATETIME_FORMAT)
                cell.value = value.replace(tzinfo=None)
            elif isinstance(value, date):
                cell = self._cell(col, date, DATE_FORMAT)
                cell.value = value
            elif isinstance(value, time):
                cell = self._cell(col, time, TIME_FORMAT)
                cell.value = value
            else:
                cell = self._cell(col, str)
                cell.value = _clean_text(str(value))
                cell.data_type = "s"
            out.append(cell)
        return out


def _discard(wb) -> None:
    """After a failure or cancel: finish each sheet's stream in order and delete its temp file
    (left to the garbage collector, openpyxl's generators close out of order and complain)."""
    for ws in getattr(wb, "_sheets", []):
        try:
            if not ws.closed:
                ws.close()
        except Exception:  # noqa: BLE001 - best effort on an abandoned file
            pass
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            try:
                writer.cleanup()
            except Exception:  # noqa: BLE001
                pass


def export_rows(path, headers: list[str], rows: Iterable[tuple], *,
                progress: Callable[[int], None] | None = None,
                cancel: Callable[[], bool] | None = None,
                sheet_title: str | None = None, watermark: str | None = None) -> int:
    """Write `headers` and `rows` to the XLSX file `path`; return the number of data rows.

    `progress(n)` is called every PROGRESS_EVERY rows and once at the end; `cancel()` returning
    True stops the export (ExportCancelled, no file written). A list longer than one Excel sheet
    continues on the next sheet, header repeated. `watermark` (e.g. the DEMO mark, chosen by the caller)
    goes into every page's header and footer, the document properties and a last sheet of its own name.
    """
    return export_sheets(path, [(sheet_title or _("Arkusz"), headers, rows)], progress=progress, cancel=cancel,
                         watermark=watermark)[0]


def _watermark(ws, text: str | None) -> None:
    """Printed at the top and bottom of every page of the sheet."""
    if text:
        for part in (ws.oddHeader, ws.evenHeader, ws.oddFooter, ws.evenFooter):
            part.center.text = text


def export_sheets(path, sheets: list[tuple[str, list[str], Iterable[tuple]]], *,
                  progress: Callable[[int], None] | None = None,
                  cancel: Callable[[], bool] | None = None, watermark: str | None = None) -> list[int]:
    """Several lists in one workbook: (sheet title, headers, rows) each, written in order (a later
    sheet's rows may be computed while the earlier ones are written). Returns rows per sheet;
    progress counts the rows of all sheets together."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = Path(path)
    if not target.parent.is_dir():
        raise FiliaError(_("Katalog docelowy nie istnieje: {path}").format(path=target.parent))
    # Not mkstemp: its 0600 mode would survive the rename; a plain new file follows the umask.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    counts: list[int] = []
    total = 0
    wb = Workbook(write_only=True)
    try:
        bold = Font(bold=True)
        for sheet_title, headers, rows in sheets:
            title = sheet_title[:31]
            count, sheet_no, rows_in_sheet = 0, 1, EXCEL_MAX_ROWS
            for values in rows:
                if rows_in_sheet >= EXCEL_MAX_ROWS:    # first sheet of this list, or the previous one is full
                    ws = wb.create_sheet(title if sheet_no == 1 else f"{title[:27]} {sheet_no}")
                    _watermark(ws, watermark)
                    sheet_no += 1
                    ws.freeze_panes = "A2"             # before the first append: write-only writes the view first
                    builder = _RowBuilder(ws, bold)
                    ws.append(builder.header(headers))
                    rows_in_sheet = 1
                ws.append(builder.row(values))
                rows_in_sheet += 1
                count += 1
                total += 1
                if total % PROGRESS_EVERY == 0:
                    if cancel is not None and cancel():
                        raise ExportCancelled(_("Eksport przerwany przez użytkownika; plik nie został zapisany."))
                    if progress is not None:
                        progress(total)
            if sheet_no == 1:                           # an empty list still gets its header
                ws = wb.create_sheet(title)
                _watermark(ws, watermark)
                ws.freeze_panes = "A2"
                ws.append(_RowBuilder(ws, bold).header(headers))
            counts.append(count)
        if watermark:                                   # seen in the sheet tabs and the file's properties
            wb.create_sheet(watermark[:31]).append([watermark])
            wb.properties.title = wb.properties.subject = wb.properties.keywords = watermark
        wb.save(str(tmp))
        os.replace(tmp, target)
    except OSError as exc:
        _discard(wb)
        tmp.unlink(missing_ok=True)
        raise FiliaError(_("Nie można zapisać pliku {path}: {reason}").format(
            path=target, reason=os_reason(exc))) from exc
    except BaseException:
        _discard(wb)
        tmp.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(total)
    return counts
