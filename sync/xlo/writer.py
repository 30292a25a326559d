"""Writing an exchange file with constant memory (lxml `xmlfile`, one element serialised per record) straight
into the zip member `data.xml` of `<name>.tmp`; `finish()` fsyncs it. The caller renames it into place
(`os.replace`) only after its transaction committed (SYNC-7, notes lesson 3)."""
from __future__ import annotations

import os
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from sync.xlo import FORMAT, MEMBER, NS, q


def text(value) -> str | None:
    if type(value) is str:
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def attrs_of(values: dict) -> dict:
    return {k: t for k, v in values.items() if (t := text(v)) is not None}


class XloWriter:
    """with XloWriter(tmp_path, header) as w: w.block("catalogue"); w.record("goods", {...}, [("price", {...})])"""

    def __init__(self, path: Path, header: dict, *, compresslevel: int = 6):
        self.path = Path(path)
        self.header = header
        self.compresslevel = compresslevel
        self._block = None
        self.count = 0

    def __enter__(self):
        self._fh = open(self.path, "wb")
        self._zip = zipfile.ZipFile(self._fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel)
        info = zipfile.ZipInfo(MEMBER, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self._member = self._zip.open(info, "w", force_zip64=True)
        self._xf_cm = etree.xmlfile(self._member, encoding="utf-8")
        self._xf = self._xf_cm.__enter__()
        self._xf.write_declaration()
        self._root = self._xf.element(q("xlo"), {"format": str(FORMAT)}, nsmap={None: NS})
        self._root.__enter__()
        self._xf.write(etree.Element(q("header"), attrs_of(self.header)))
        return self

    def block(self, name: str) -> None:
        """Open block `name` (closing the previous one). Blocks must come in the XSD's order."""
        self._close_block()
        self._block = self._xf.element(q(name))
        self._block.__enter__()

    def _close_block(self) -> None:
        if self._block is not None:
            self._block.__exit__(None, None, None)
            self._block = None

    def record(self, tag: str, values: dict, children=()) -> None:
        el = etree.Element(q(tag), attrs_of(values))
        for child_tag, child_values in children:
            etree.SubElement(el, q(child_tag), attrs_of(child_values))
        self._xf.write(el)
        self.count += 1

    def single(self, tag: str, values: dict) -> None:
        """A block that is one element (stamp)."""
        self._close_block()
        self._xf.write(etree.Element(q(tag), attrs_of(values)))

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._close_block()
                self._root.__exit__(None, None, None)
                self._xf_cm.__exit__(None, None, None)
                self._member.close()
                self._zip.close()
                self._fh.flush()
                os.fsync(self._fh.fileno())
            else:
                for closing in (self._member.close, self._zip.close):
                    try:
                        closing()
                    except Exception:  # noqa: BLE001 - the file is removed below anyway
                        pass
        finally:
            self._fh.close()
            if exc_type is not None:
                self.path.unlink(missing_ok=True)
        return False


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
