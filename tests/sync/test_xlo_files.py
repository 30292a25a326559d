"""The XLO reader and writer (issue 13 §1–2): round trip, plain XML = zipped XML, every hostile file refused
by name before it can cost time, memory or a read of anything outside it."""
from __future__ import annotations

import resource
import time
import uuid
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from lxml import etree

from sync.xlo import XloRefused
from sync.xlo.reader import read_xlo, schema
from sync.xlo.safe import Limits
from sync.xlo.writer import XloWriter
from tests.sync.xlo_files import CASES, hostile


def _header(**over):
    h = dict(direction="DLA", branch_symbol="KRAK", branch_id=str(uuid.uuid4()), seq=8,
             created_at=datetime(2026, 1, 2, 3, 4, 5), file_id=str(uuid.uuid4()), program="filia test")
    h.update(over)
    return h


def _write(path, n=5):
    with XloWriter(path, _header()) as w:
        w.single("stamp", {"name": "Firma „Łódź” & syn <x>"})
        w.block("catalogue")
        for i in range(1, n + 1):
            w.record("goods", {"gid": i, "code": f"T{i}", "name": f"Towar {i}", "vat": "23", "active": i % 2 == 0,
                               "modified_at": datetime(2026, 1, 1) + timedelta(seconds=i)},
                     [("price", {"type": "Detaliczna", "net": Decimal("10.00"), "gross": Decimal("12.30")})])
    return path


def _read(path, **kw):
    with read_xlo(path, **kw) as x:
        return x.header, [(r.block, r.tag, r.attrs, r.children) for r in x.records()]


@pytest.mark.rule("SYNC-2")
def test_written_file_is_one_data_xml_member_valid_against_the_xsd(tmp_path):
    path = _write(tmp_path / "DLA_KRAK.XLO.tmp")
    assert path.read_bytes()[:4] == b"PK\x03\x04"
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["data.xml"]
        doc = etree.fromstring(zf.read("data.xml"))
    assert schema().validate(etree.ElementTree(doc)), schema().error_log
    header, records = _read(path)
    assert header["seq"] == "8" and header["created_at"] == "2026-01-02T03:04:05.000000Z"
    assert records[0] == ("xlo", "stamp", {"name": "Firma „Łódź” & syn <x>"}, [])
    assert [r[2]["code"] for r in records[1:]] == ["T1", "T2", "T3", "T4", "T5"]
    assert records[1][3] == [("price", {"type": "Detaliczna", "net": "10.00", "gross": "12.30"})]


@pytest.mark.rule("SYNC-2")
def test_plain_xml_reads_exactly_as_the_zipped_form(tmp_path):
    zipped = _write(tmp_path / "a.XLO")
    with zipfile.ZipFile(zipped) as zf:
        (tmp_path / "b.XLO").write_bytes(zf.read("data.xml"))
    bom = tmp_path / "c.XLO"
    bom.write_bytes(b"\xef\xbb\xbf" + (tmp_path / "b.XLO").read_bytes())
    assert _read(zipped) == _read(tmp_path / "b.XLO") == _read(bom)


def test_a_failed_write_leaves_no_file(tmp_path):
    path = tmp_path / "OD_KRAK.XLO.tmp"
    with pytest.raises(RuntimeError):
        with XloWriter(path, _header()) as w:
            w.block("catalogue")
            raise RuntimeError("boom")
    assert not path.exists()


def test_records_stream_in_flat_memory(tmp_path):
    """The reader keeps no record it has handed out (the siblings are deleted as it goes)."""
    path = _write(tmp_path / "big.XLO", n=20_000)
    with read_xlo(path) as x:
        it = x.records()
        for _ in range(10_000):
            rec = next(it)
        root = x.root
        assert len(root) <= 3           # header, stamp and the catalogue block
        assert len(root[-1]) < 500      # the records parsed ahead of the consumer, not the 10,000 handed out
        assert sum(1 for _ in it) == 20_001 - 10_000


@pytest.mark.rule("SYNC-2")
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_by_name(tmp_path, case):
    path = hostile(tmp_path, case)
    limits = Limits(max_bytes=64 * 1024) if case == "over_cap" else Limits()
    started = time.monotonic()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(XloRefused) as info:
        _read(path, limits=limits)
    assert info.value.code == CASES[case], str(info.value)
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 64 * 1024   # KiB
    assert "root:" not in str(info.value)      # nothing of /etc/passwd reached the message


def test_depth_is_capped_by_the_parser_without_the_schema_too(tmp_path):
    path = hostile(tmp_path, "deep")
    with pytest.raises(XloRefused) as info:
        _read(path, validate=False)
    assert info.value.code == "nesting"


def test_inflated_bytes_are_counted_against_the_cap_while_streaming(tmp_path):
    """A member within the declared cap but the stream counted: the cap is the smaller of both."""
    path = _write(tmp_path / "a.XLO", n=3000)
    with zipfile.ZipFile(path) as zf:
        size = zf.infolist()[0].file_size
    with pytest.raises(XloRefused) as info:
        _read(path, limits=Limits(max_bytes=size - 1))
    assert info.value.code == "too_big"
    assert _read(path, limits=Limits(max_bytes=size))[0]["seq"] == "8"


def test_an_invalid_record_is_refused_before_it_is_handed_out(tmp_path):
    """libxml2 raises a streaming schema error only at the end of the document; the reader looks at the
    parser's log after every record, so the bad record never reaches the apply."""
    from tests.sync.xlo_files import goods_xml, xml_doc

    body = goods_xml(3).replace('<goods gid="3"', '<goods gid="x"')
    path = tmp_path / "a.XLO"
    path.write_bytes(xml_doc(body))
    seen = []
    with pytest.raises(XloRefused) as info:
        with read_xlo(path) as x:
            for rec in x.records():
                seen.append(rec.attrs["gid"])
    assert info.value.code == "schema" and "x" not in seen
