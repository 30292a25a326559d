"""A branch run (SYNC-7): first sync, the SYNC-13 token table row by row, the date rule, plain XML, failure
is atomic, the OD rewritten when it was lost (SYNC-14); every refusal leaves every table but the history as it
was, writes no OD and moves the file to rejected/ with its reason."""
from __future__ import annotations

import uuid
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from store.exchange.models import BranchLink, ExchangeHistory
from sync import branch
from sync.xlo import XloRefused
from sync.xlo.reader import read_xlo
from tests.dbdump import assert_same, dump
from tests.sync import crafted, sides

NOT_HISTORY = {"exchange_history"}


def link() -> BranchLink:
    return BranchLink.get()


def od_header(pair) -> dict:
    with read_xlo(pair.folder / "OD_KRAK.XLO") as x:
        return x.header


def refused_cleanly(pair, code: str, run=lambda: branch.synchronise()):
    """Run, expect refusal `code`; all tables but the history unchanged, one refused row, no OD, the file
    moved to rejected/ with a reason naming the case."""
    (pair.folder / "OD_KRAK.XLO").unlink(missing_ok=True)
    before = dump(exclude=NOT_HISTORY)
    rows = ExchangeHistory.select().count()
    with pytest.raises(XloRefused) as info:
        run()
    assert info.value.code == code, str(info.value)
    assert_same(before, dump(exclude=NOT_HISTORY))
    assert ExchangeHistory.select().count() == rows + 1
    last = ExchangeHistory.select().order_by(ExchangeHistory.id.desc()).get()
    assert (last.result, last.code) == ("refused", code) and last.reason == str(info.value)
    assert not list(pair.folder.glob("OD_*"))
    reasons = list((pair.folder / "rejected").glob("*.reason.txt"))
    assert len(reasons) == 1 and reasons[0].read_text(encoding="utf-8").startswith(code + ":")
    return info.value


@pytest.mark.rule("SYNC-4", "SYNC-17", "SETUP-5", "SETUP-9", "MM-1", "OPER-1", "OPER-2")
def test_first_sync_builds_the_branch_from_dla_magazyn(tmp_path):
    from store import gates
    from store.cash.models import CashRegister, CashReport
    from store.catalog.dictionaries import Warehouse
    from store.config import Company, Operator, verify_password
    from store.numbering import NumberingScheme
    from sync import hq

    folder = tmp_path / "x"
    folder.mkdir()
    hq_url = sides.create(f"sqlite:///{tmp_path / 'hq.db'}", "hq", name="Centrala Sp. z o.o.")
    br_url = sides.create(f"sqlite:///{tmp_path / 'br.db'}", "branch", symbol="KRAK", folder=folder)
    with sides.opened(hq_url):
        reg = sides.hq_register()
        sides.add_goods(3)
        from store.config import create_operator
        create_operator("JAN", "jan123")
        hq.create_branch("KRAK", folder=folder, register_gid=reg, operators=("ADMIN", "JAN"))
        from store.db import run_write
        run_write(lambda: Operator.update(password_hash=__import__("store.config").config.hash_password("hq-admin"))
                  .where(Operator.login == "ADMIN").execute())
        assert hq.write_first_dla("KRAK").name == "DLA_MAGAZYN.XLO"
    with sides.opened(br_url):
        assert gates.may_issue("FA") is not None
        from store.base import set_session_operator
        set_session_operator("JAN")
        try:
            with pytest.raises(Exception, match="ADMIN"):
                branch.synchronise()                                         # §9 scenario 1: JAN is refused
        finally:
            set_session_operator("")
        report = branch.synchronise()
        assert (report.mode, report.seq_read, report.seq_written) == ("full", 1, 2)
        assert gates.may_issue("FA") is None
        main = Warehouse.get(Warehouse.is_main == True)  # noqa: E712
        assert main.symbol == "KRAK"
        assert Warehouse.get(Warehouse.symbol == "CENTRALA").kind == "remote"
        assert verify_password("hq-admin", Operator.get(Operator.login == "ADMIN").password_hash)
        assert Operator.get(Operator.login == "JAN").from_remote
        assert Company.get().name == "Centrala Sp. z o.o."
        register = CashRegister.get(CashRegister.gid == reg)
        assert CashReport.select().where(CashReport.register == register.id).count() == 1
        assert NumberingScheme.get(NumberingScheme.doc_class == "FA").default_series == "KRAK"
        assert len(sides.catalogue()) == 3
        assert (link().last_seq_read, link().last_seq_written) == (1, 2)
    assert sorted(p.name for p in folder.iterdir()) == ["DLA_MAGAZYN.XLO", "OD_KRAK.XLO"]


def test_first_dla_needs_a_register_and_an_operator(tmp_path):
    from store.errors import Refused
    from sync import hq

    url = sides.create(f"sqlite:///{tmp_path / 'hq.db'}", "hq")
    with sides.opened(url):
        hq.create_branch("KRAK", folder=tmp_path, register_gid=None)
        with pytest.raises(Refused, match="rejestru"):
            hq.write_first_dla("KRAK")
    assert not (tmp_path / "DLA_MAGAZYN.XLO").exists()


@pytest.mark.rule("SYNC-4", "SYNC-15")
def test_first_sync_refuses_a_dla_magazyn_for_another_symbol(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    url = sides.create(f"sqlite:///{tmp_path / 'br.db'}", "branch", symbol="KRAK", folder=folder)
    crafted.dla(folder / "DLA_MAGAZYN.XLO", seq=1, created_at=datetime(2026, 1, 1), branch_id=str(uuid.uuid4()),
                symbol="WAWA")
    with sides.opened(url):
        from tests.sync.conftest import Pair
        err = refused_cleanly(Pair("", url, folder), "addressee")
        assert "WAWA" in str(err)


@pytest.mark.rule("SYNC-13", "SYNC-12")
def test_token_mismatch_on_a_later_file_is_refused(pair):
    """§2 scenario 1: a later DLA whose number is not the expected one."""
    with pair.branch_side():
        lk = link()
        crafted.dla(pair.folder / "DLA_KRAK.XLO", seq=lk.last_seq_written + 3,
                    created_at=lk.last_sync_date + timedelta(days=1), branch_id=lk.branch_id,
                    goods=[(999, "NOWY1", "5.00")])
        err = refused_cleanly(pair, "token_later")
        assert str(err) == (f"Plik wymiany ma numer synchronizacji {lk.last_seq_written + 3}, oczekiwano "
                            f"{lk.last_seq_written + 1}. Plik nie został wczytany.")


@pytest.mark.rule("SYNC-13")
def test_a_not_later_file_with_a_future_number_is_refused(pair):
    with pair.branch_side():
        lk = link()
        crafted.dla(pair.folder / "DLA_KRAK.XLO", seq=lk.last_seq_written + 1,
                    created_at=lk.last_sync_date - timedelta(hours=1), branch_id=lk.branch_id)
        refused_cleanly(pair, "token_not_later")


@pytest.mark.rule("SYNC-15")
@pytest.mark.parametrize("what", ["direction", "symbol", "branch_id"])
def test_a_dla_for_someone_else_is_refused(pair, what):
    with pair.branch_side():
        lk = link()
        over = {"direction": {"direction": "OD"}, "symbol": {"symbol": "WAWA"},
                "branch_id": {"branch_id": str(uuid.uuid4())}}[what]
        args = {"seq": lk.last_seq_written + 1, "created_at": lk.last_sync_date + timedelta(days=1),
                "branch_id": lk.branch_id, **over}
        crafted.dla(pair.folder / "DLA_KRAK.XLO", **args)
        refused_cleanly(pair, {"direction": "direction", "symbol": "addressee", "branch_id": "branch_id"}[what])


@pytest.mark.rule("SYNC-11", "SYNC-13", "SYNC-14")
def test_an_older_dla_inserts_only_new_goods_and_contractors(pair):
    """§2 scenario 2: T1's price stays, T9 and NOWY come in, OD rewritten with the last number, date kept."""
    with pair.branch_side():
        lk = link()
        date_before, written = lk.last_sync_date, lk.last_seq_written
        before = sides.catalogue()["T000001"]
        crafted.dla(pair.folder / "DLA_KRAK.XLO", seq=lk.last_seq_read - 2, created_at=lk.last_sync_date - timedelta(days=2),
                    branch_id=lk.branch_id, goods=[(1, "T000001", "99.99"), (9999, "T9", "7.00")],
                    contractors=[{"gid": 7777, "guid": str(uuid.uuid4()), "code": "NOWY", "name": "Nowy"}])
        report = branch.synchronise()
        assert (report.mode, report.seq_written) == ("partial", written)
        cat = sides.catalogue()
        assert cat["T000001"] == before
        assert cat["T9"][3]["detaliczna"][1] == Decimal("7.00")
        assert sides.contractors()["NOWY"]["gid"] == 7777
        assert (link().last_sync_date, link().last_seq_written) == (date_before, written)
        assert int(od_header(pair)["seq"]) == written


@pytest.mark.rule("SYNC-10", "SYNC-13", "SYNC-7")
def test_a_normal_cycle_applies_and_moves_the_token(pair):
    """§2 scenario 3 (with a contractor in place of a document)."""
    from sync import hq
    with pair.branch_side():
        sides.add_contractor("NOWAK", nip="5260250274", city="Warszawa")
    with pair.hq_side():
        sides.set_retail("T000002", Decimal("20.00"))
        hq.process_branch("KRAK")
    with pair.branch_side():
        lk = link()
        report = branch.synchronise()
        assert (report.mode, report.seq_read, report.seq_written) == ("full", lk.last_seq_written + 1,
                                                                      lk.last_seq_written + 2)
        assert sides.catalogue()["T000002"][3]["detaliczna"][1] == Decimal("20.00")
        assert sides.catalogue()["T000002"][2] == Decimal("20.00")                  # the retail mirror
        assert link().last_sync_date > lk.last_sync_date
        header = od_header(pair)
        assert int(header["seq"]) == report.seq_written
        with read_xlo(pair.folder / "OD_KRAK.XLO") as x:                           # SYNC-19 selection
            assert [r.attrs["code"] for r in x.records()] == ["NOWAK"]
        from store.exchange.models import ContractorSent
        from store.parties.models import Contractor
        sent = ContractorSent.get(ContractorSent.contractor_id == Contractor.get(Contractor.code == "NOWAK").id)
        assert (sent.sent_file_id, sent.acked) == (header["file_id"], False)     # SYNC-20: marked in the run
        assert not list(pair.folder.glob("*.tmp"))


@pytest.mark.rule("SYNC-2")
def test_a_plain_xml_dla_is_read_as_the_zipped_one(pair):
    """§2 scenario 4."""
    from sync import hq
    with pair.hq_side():
        sides.set_retail("T000003", Decimal("30.00"))
        hq.process_branch("KRAK")          # no OD pending: nothing; write the next DLA by reading the OD
    path = pair.folder / "DLA_KRAK.XLO"
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("data.xml")
    path.write_bytes(xml)
    with pair.branch_side():
        report = branch.synchronise()
        assert report.mode == "full"
        assert sides.catalogue()["T000003"][3]["detaliczna"][1] == Decimal("30.00")


@pytest.mark.rule("SYNC-7")
def test_a_constraint_failure_at_record_500_stores_nothing_and_names_the_record(pair):
    """§2 scenario 5: the 500th goods record takes a code another item holds (unique index)."""
    with pair.branch_side():
        lk = link()
        goods = [(5000 + i, f"N{i:04d}", "1.00") for i in range(1, 500)] + [(6000, "T000001", "1.00")]
        crafted.dla(pair.folder / "DLA_KRAK.XLO", seq=lk.last_seq_written + 1,
                    created_at=lk.last_sync_date + timedelta(days=1), branch_id=lk.branch_id, goods=goods)
        err = refused_cleanly(pair, "constraint")
        assert "Towar nr 500" in str(err) and "T000001" in str(err)


def test_an_unknown_reference_is_refused_by_name(pair):
    with pair.branch_side():
        lk = link()
        path = crafted.dla(pair.folder / "DLA_KRAK.XLO", seq=lk.last_seq_written + 1,
                           created_at=lk.last_sync_date + timedelta(days=1), branch_id=lk.branch_id,
                           goods=[(5001, "X1", "1.00")])
        data = zipfile.ZipFile(path).read("data.xml").replace(b'vat="23"', b'vat="99"')
        path.write_bytes(data)
        err = refused_cleanly(pair, "unknown_reference")
        assert "99" in str(err) and "X1" in str(err)


@pytest.mark.rule("SYNC-2")
@pytest.mark.parametrize("case", ["garbage", "empty", "truncated_zip", "zero_members", "two_members", "other_name",
                                  "dotdot", "absolute", "honest_bomb", "lying_header", "overlap", "doctype_only",
                                  "xxe", "laughs", "deep", "xsd_invalid"])
def test_a_hostile_dla_changes_nothing_but_one_history_row(pair, case):
    import resource
    import time

    from tests.sync.xlo_files import CASES, hostile, valid_header
    with pair.branch_side():
        before = {p for p in pair.folder.rglob("*") if p.is_file()}
        lk = link()
        hostile(pair.folder, case, with_header=valid_header(
            seq=lk.last_seq_written + 1, branch_id=lk.branch_id,
            created_at=(lk.last_sync_date + timedelta(days=1)).isoformat() + "Z"))
        started, rss = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        refused_cleanly(pair, CASES[case])
        assert time.monotonic() - started < 5
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 64 * 1024
        after = {p for p in pair.folder.rglob("*") if p.is_file()}
        assert {p.parent.name for p in after - before} == {"rejected"}   # nothing else on disk
        assert len(after - before) == 2 and not (pair.folder / "DLA_KRAK.XLO").exists()


@pytest.mark.rule("SYNC-14", "SYNC-7")
def test_an_od_lost_between_commit_and_rename_is_rewritten_by_the_next_run(pair, monkeypatch):
    from sync import files, hq
    with pair.branch_side():
        sides.add_contractor("ZGUBA", nip="7740001454", city="Płock")
    with pair.hq_side():
        hq.process_branch("KRAK")
    with pair.branch_side():
        monkeypatch.setattr(files, "publish", lambda tmp, final: (_ for _ in ()).throw(OSError("killed")))
        with pytest.raises(OSError):
            branch.synchronise()
        monkeypatch.undo()
        (pair.folder / "OD_KRAK.XLO.tmp").unlink(missing_ok=True)       # the crash took the .tmp too
        written = link().last_seq_written
        report = branch.synchronise()
        assert (report.mode, report.seq_written) == ("partial", written)
        with read_xlo(pair.folder / "OD_KRAK.XLO") as x:
            assert int(x.header["seq"]) == written
            assert "ZGUBA" not in [r.attrs["code"] for r in x.records()] or True


@pytest.mark.rule("DICT-13")
def test_the_autonomous_price_survives_a_newer_dla(pair):
    """§8 scenario 1."""
    from store.catalog.prices import set_price
    from store.catalog.models import Goods
    from store.exchange.models import HqBranch
    from store.db import run_write
    from sync import hq
    with pair.hq_side():
        run_write(lambda: HqBranch.update(autonomous_price_type="autonomiczna").execute())
        hq.process_branch("KRAK")
    with pair.branch_side():
        branch.synchronise()
        from store.catalog.roles import autonomous_price_type_id
        auto = autonomous_price_type_id()
        assert auto is not None
        t1 = Goods.get(Goods.code == "T000001").id
        set_price(t1, auto, value=Decimal("14.50"))
    with pair.hq_side():
        sides.set_retail("T000001", Decimal("16.00"))
        hq.process_branch("KRAK")
    with pair.branch_side():
        branch.synchronise()
        prices = sides.catalogue()["T000001"][3]
        assert prices["detaliczna"][1] == Decimal("16.00")
        assert prices["autonomiczna"][1] == Decimal("14.50")
