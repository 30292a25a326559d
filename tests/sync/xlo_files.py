"""Exchange files for the tests: good ones from the writer, and every hostile shape the reader must refuse."""
from __future__ import annotations

import struct
import uuid
import zipfile
from pathlib import Path

from sync.xlo import NS

HEADER = ('<header direction="DLA" branch_symbol="KRAK" branch_id="{bid}" seq="1" created_at="2026-01-02T03:04:05Z" '
          'file_id="{fid}" program="test"/>')


_header_override: list[str] = []


def header() -> str:
    if _header_override:
        return _header_override[-1]
    return HEADER.format(bid=uuid.uuid4(), fid=uuid.uuid4())


def valid_header(*, seq: int, created_at: str, branch_id: str, symbol: str = "KRAK") -> str:
    return (f'<header direction="DLA" branch_symbol="{symbol}" branch_id="{branch_id}" seq="{seq}" '
            f'created_at="{created_at}" file_id="{uuid.uuid4()}" program="test"/>')


def xml_doc(body: str = "", *, prologue: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prologue}<xlo xmlns="{NS}" format="1">{header()}{body}</xlo>'
            ).encode()


def goods_xml(n: int) -> str:
    return "<catalogue>" + "".join(
        f'<goods gid="{i}" code="T{i}" name="Towar {i}" vat="23" modified_at="2026-01-01T00:00:00Z"/>'
        for i in range(1, n + 1)) + "</catalogue>"


def zipped(path: Path, members: dict[str, bytes], *, level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data,
                        compress_type=zipfile.ZIP_DEFLATED)
    return path


def _eocd(data: bytes) -> int:
    return data.rindex(b"PK\x05\x06")


def lying_header(path: Path, payload: bytes, declared: int) -> Path:
    """One member whose headers claim `declared` bytes but which inflates to len(payload)."""
    zipped(path, {"data.xml": payload})
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 22, declared)                  # local header: uncompressed size
    cd = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, declared)             # central directory: uncompressed size
    path.write_bytes(bytes(data))
    return path


def overlapping(path: Path, payload: bytes) -> Path:
    """Two central directory entries that share one local entry (the 'quoted overlap' construction)."""
    zipped(path, {"data.xml": payload})
    data = path.read_bytes()
    cd = data.index(b"PK\x01\x02")
    end = _eocd(data)
    entry = data[cd:end]
    eocd = bytearray(data[end:])
    struct.pack_into("<HHII", eocd, 8, 2, 2, len(entry) * 2, cd)
    path.write_bytes(data[:cd] + entry + entry + bytes(eocd))
    return path


def truncated(path: Path, payload: bytes) -> Path:
    zipped(path, {"data.xml": payload})
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return path


def honest_bomb(path: Path, size: int = 50 * 1024 * 1024) -> Path:
    """A member of `size` bytes that deflates ~1000x (declared truthfully)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        info = zipfile.ZipInfo("data.xml", date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0"?><xlo xmlns="' + NS.encode() + b'" format="1"><!--')
            chunk = b" " * (1024 * 1024)
            for _ in range(size // len(chunk)):
                out.write(chunk)
            out.write(b"--></xlo>")
    return path


XXE = '<!DOCTYPE xlo [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = ('<!DOCTYPE xlo [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n')


def hostile(folder: Path, case: str, name: str = "DLA_KRAK.XLO", *, with_header: str | None = None) -> Path:
    """The file for one named bad-input case of issue 13 (the I/O half of the list); `with_header`: the
    header the run would accept, so that what is refused is the hostile part."""
    if with_header:
        _header_override.append(with_header)
    try:
        return _hostile(folder / name, case)
    finally:
        if with_header:
            _header_override.pop()


def _hostile(path: Path, case: str) -> Path:
    good = xml_doc(goods_xml(3))
    if case == "garbage":
        path.write_bytes(b"\x00\x01this is not an exchange file" * 10)
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "truncated_zip":
        truncated(path, good * 50)
    elif case == "zero_members":
        zipped(path, {})
    elif case == "two_members":
        zipped(path, {"data.xml": good, "more.xml": good})
    elif case == "other_name":
        zipped(path, {"payload.xml": good})
    elif case == "dotdot":
        zipped(path, {"../data.xml": good})
    elif case == "absolute":
        zipped(path, {"/tmp/data.xml": good})
    elif case == "over_cap":     # needs Limits(max_bytes=...) below the size, see the tests
        zipped(path, {"data.xml": xml_doc(goods_xml(2000))})
    elif case == "honest_bomb":
        honest_bomb(path)
    elif case == "lying_header":
        lying_header(path, xml_doc(goods_xml(2000)), 1000)
    elif case == "overlap":
        overlapping(path, good)
    elif case == "doctype_only":
        path.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE xlo>\n')
    elif case == "xxe":
        path.write_bytes(xml_doc('<stamp name="&x;"/>', prologue=XXE))
    elif case == "laughs":
        zipped(path, {"data.xml": xml_doc('<stamp name="&d;"/>', prologue=LAUGHS)})
    elif case == "deep":
        path.write_bytes(xml_doc("<catalogue>" + "<goods>" * 300_000 + "</goods>" * 300_000 + "</catalogue>"))
    elif case == "xsd_invalid":
        path.write_bytes(xml_doc('<catalogue><goods gid="x" code="" name="a" vat="23" '
                                 'modified_at="2026-01-01T00:00:00Z"/></catalogue>'))
    else:
        raise ValueError(case)
    return path


CASES = {   # case -> refusal code
    "garbage": "garbage", "empty": "empty", "truncated_zip": "zip_damaged", "zero_members": "zip_members",
    "two_members": "zip_members", "other_name": "zip_name", "dotdot": "zip_path", "absolute": "zip_path",
    "over_cap": "too_big", "honest_bomb": "zip_ratio", "lying_header": "zip_crc", "overlap": "zip_overlap",
    "doctype_only": "doctype", "xxe": "xxe", "laughs": "entities", "deep": "schema", "xsd_invalid": "schema",
}
