"""Plain-text printouts of lists: fixed-width lines, a header on every page, page numbers."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Iterable

from store.errors import FiliaError
from store.i18n import _
from store.library_text import os_reason

LINES_PER_PAGE = 60


def write_list_printout(path: Path, title: str, header: str, lines: Iterable[str], *,
                        watermark: str | None = None) -> int:
    """Write the printout atomically (temporary file, then rename); return the number of rows.
    `watermark` (e.g. the DEMO mark, chosen by the caller) heads every page and ends the printout."""
    target = Path(path)
    if not target.parent.is_dir():
        raise FiliaError(_("Katalog docelowy nie istnieje: {path}").format(path=target.parent))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    count, page = 0, 0
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            for line in lines:
                if count % LINES_PER_PAGE == 0:
                    page += 1
                    if page > 1:
                        out.write("\f")
                    if watermark:
                        out.write(f"*** {watermark} ***\n")
                    out.write(f"{title}    {stamp}    {_('strona')} {page}\n{header}\n{'-' * len(header)}\n")
                out.write(line.rstrip() + "\n")
                count += 1
            out.write(_("Razem wierszy: {n}").format(n=count) + "\n")
            if watermark:
                out.write(f"*** {watermark} ***\n")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FiliaError(_("Nie można zapisać wydruku {path}: {reason}").format(path=target, reason=os_reason(exc))) \
            from exc
    return count
