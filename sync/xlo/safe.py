"""Opening an exchange file of unknown origin without trusting a byte of it (SYNC-2; notes lessons 9, 10).

What the file is comes from its content, not its name: `PK\\x03\\x04` is an XLO (zip), `<` or an XML BOM
is plain XML, anything else is refused. A zip must hold exactly one member named `data.xml`; its declared
size and compression ratio are capped before a byte is inflated, the entries may not overlap (CPython
3.11.7 does not check: CVE-2024-0450), and the inflated bytes are counted while streaming (never
extracted). The XML prologue is read before the parser sees it: a DOCTYPE is refused (exchange files have
none), which also stops external entities (XXE) and entity bombs before any parsing.
"""
from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from store.i18n import _
from sync.xlo import MEMBER, XloRefused

ZIP_MAGIC = b"PK\x03\x04"
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
PROLOGUE_SCAN = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = int(os.environ.get("FILIA_XLO_MAX_BYTES", 512 * 1024 * 1024))   # inflated XML
    max_ratio: int = 200        # real packages compress ~26x (notes 2.2)


class CountingReader(io.RawIOBase):
    """A read-only stream over `raw` that refuses to deliver more than `cap` bytes."""

    def __init__(self, raw, cap: int, prefix: bytes = b""):
        self.raw, self.cap, self.prefix, self.count = raw, cap, prefix, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.prefix:
            size = len(self.prefix) if n is None or n < 0 else min(n, len(self.prefix))
            data, self.prefix = self.prefix[:size], self.prefix[size:]
        else:
            try:
                data = self.raw.read(n if n is not None and n >= 0 else 1 << 16)
            except zipfile.BadZipFile as exc:
                raise XloRefused("zip_crc", _("Zawartość archiwum XLO nie zgadza się z jego nagłówkiem (rozmiar lub "
                                             "suma kontrolna) – plik odrzucono.")) from exc
        self.count += len(data)
        if self.count > self.cap:
            raise too_big(self.count, self.cap)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def too_big(size: int, cap: int) -> XloRefused:
    return XloRefused("too_big", _("Plik wymiany jest za duży: co najmniej {size} bajtów danych, dopuszczalne "
                                   "{cap}.").format(size=size, cap=cap))


def sniff(head: bytes) -> str:
    """'zip', 'xml', 'empty' or 'garbage' from the first bytes."""
    if not head:
        return "empty"
    if head.startswith((ZIP_MAGIC, b"PK\x05\x06")):     # an empty archive is only its end record
        return "zip"
    if head.startswith(BOMS) or head.lstrip(b" \t\r\n").startswith(b"<"):
        return "xml"
    return "garbage"


def _check_member_name(name: str) -> None:
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in re.split(r"[/\\]", name):
        raise XloRefused("zip_path", _("Archiwum XLO zawiera niedozwoloną ścieżkę „{member}” – plik odrzucono.")
                         .format(member=name[:200]))
    if name != MEMBER:
        raise XloRefused("zip_name", _("Archiwum XLO zawiera plik o nieoczekiwanej nazwie „{member}” (oczekiwano "
                                       "{expected}).").format(member=name[:200], expected=MEMBER))


def _check_overlap(fh, infos: list[zipfile.ZipInfo], directory_start: int) -> None:
    """Every entry's local header + data must end before the next entry and before the central directory."""
    spans = []
    for info in infos:
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or local[:4] != ZIP_MAGIC:
            raise XloRefused("zip_damaged", _("Archiwum XLO jest uszkodzone lub niekompletne – plik odrzucono."))
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        spans.append((info.header_offset, info.header_offset + 30 + name_len + extra_len + info.compress_size))
    spans.sort()
    for (start, end), nxt in zip(spans, [s for s, _e in spans[1:]] + [directory_start]):
        if end > nxt:
            raise XloRefused("zip_overlap", _("Archiwum XLO ma nakładające się wpisy – plik odrzucono."))


@contextmanager
def open_zip_member(path: Path, limits: Limits):
    with open(path, "rb") as fh:
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise XloRefused("zip_damaged", _("Archiwum XLO jest uszkodzone lub niekompletne – plik odrzucono.")) \
                from exc
        with archive:
            infos = archive.infolist()
            _check_overlap(fh, infos, archive.start_dir)
            if len(infos) != 1:
                raise XloRefused("zip_members", _("Archiwum XLO powinno zawierać dokładnie jeden plik {expected}, "
                                                  "zawiera {n}.").format(expected=MEMBER, n=len(infos)))
            info = infos[0]
            _check_member_name(info.filename)
            if info.file_size > limits.max_bytes:
                raise too_big(info.file_size, limits.max_bytes)
            if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise XloRefused("zip_ratio", _(
                    "Archiwum XLO ma podejrzanie wysoki stopień kompresji ({ratio}:1, dopuszczalne {cap}:1) – "
                    "możliwa „bomba zip”, plik odrzucono.").format(
                    ratio=info.file_size // max(info.compress_size, 1), cap=limits.max_ratio))
            try:
                member = archive.open(info)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as exc:
                raise XloRefused("zip_damaged", _("Archiwum XLO jest uszkodzone lub niekompletne – plik odrzucono.")) \
                    from exc
            with member:
                # the member may not inflate past what its header declared (zipfile stops there and checks
                # the CRC) nor past the cap
                yield CountingReader(member, min(limits.max_bytes, info.file_size))


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def check_prologue(head: bytes) -> None:
    """Refuse a DOCTYPE (and say which danger it carried) before any parsing."""
    text = head
    for bom in BOMS:
        if text.startswith(bom):
            text = text[len(bom):]
            break
    m = _DOCTYPE.search(text)
    if m is None:
        return
    before = text[:m.start()]
    # only a DOCTYPE in the prologue matters: after the root element starts it is a syntax error anyway
    if re.search(rb"<[A-Za-z_]", before):
        return
    body = text[m.start():]
    entity = re.search(rb"<!ENTITY\s+%?\s*[^\s>]+\s+(SYSTEM|PUBLIC)\s+(\"[^\"]*\"|'[^']*')?", body)
    if entity:
        target = (entity.group(2) or b"").strip(b"'\"").decode("utf-8", "replace")[:120]
        raise XloRefused("xxe", _("Plik wymiany odwołuje się do zewnętrznej encji ({target}) – plik odrzucono.")
                         .format(target=target))
    if re.search(rb"<!ENTITY", body):
        raise XloRefused("entities", _("Plik wymiany deklaruje encje XML (możliwa „bomba encji”) – plik "
                                       "odrzucono."))
    raise XloRefused("doctype", _("Plik wymiany zawiera deklarację DOCTYPE, której pliki wymiany nie używają – "
                                  "plik odrzucono."))


@contextmanager
def open_xml_stream(path: Path, limits: Limits = Limits()):
    """The XML bytes of an exchange file as a stream, whatever its packing; refusals are XloRefused."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    kind = sniff(head)
    if kind == "empty":
        raise XloRefused("empty", _("Plik wymiany {name} jest pusty.").format(name=path.name))
    if kind == "garbage":
        raise XloRefused("garbage", _("Plik {name} nie jest plikiem wymiany (ani archiwum XLO, ani XML).").format(
            name=path.name))
    if kind == "zip":
        with open_zip_member(path, limits) as stream:
            prefix = stream.read(PROLOGUE_SCAN)
            check_prologue(prefix)
            stream.prefix, stream.count = prefix, stream.count - len(prefix)
            yield stream
        return
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_big(size, limits.max_bytes)
    with open(path, "rb") as fh:
        stream = CountingReader(fh, limits.max_bytes)
        prefix = stream.read(PROLOGUE_SCAN)
        check_prologue(prefix)
        stream.prefix, stream.count = prefix, stream.count - len(prefix)
        yield stream
