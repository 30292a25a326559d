"""Contractors through whole cycles (§6 scenarios 1–3 with a contractor in place of a document; §7 scenarios
1–4) and HQ's rule for reading an OD (issue 13 §7)."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest

from store.exchange.models import HqBranch
from sync import branch, hq
from sync.xlo import XloRefused
from sync.xlo.reader import read_xlo
from tests.sync import sides


def od_codes(pair) -> list[str]:
    with read_xlo(pair.folder / "OD_KRAK.XLO") as x:
        return [r.attrs["code"] for r in x.records() if r.tag == "contractor"]


def cycle(pair):
    with pair.hq_side():
        hq.process_branch("KRAK")
    with pair.branch_side():
        branch.synchronise()


@pytest.mark.rule("GID-2", "GID-3", "CONF-14", "CONF-22")
def test_a_new_card_is_sent_until_hq_confirms_it_then_carries_the_gid(pair):
    """§6 1–2: sent in OD n (no GID), sent again while unconfirmed, confirmed by the next DLA, then not sent."""
    with pair.branch_side():
        sides.add_contractor("NOWAK", nip="5260250274", city="Warszawa")
        (pair.folder / "DLA_KRAK.XLO").touch()
        branch.synchronise()                      # partial re-read: OD rewritten, NOWAK in it
        assert od_codes(pair) == ["NOWAK"]
        branch.synchronise()                      # still unconfirmed: in it again
        assert od_codes(pair) == ["NOWAK"]
    with pair.hq_side():
        hq.process_branch("KRAK")
        hq_gid = sides.contractors()["NOWAK"]["guid"]
        from store.parties.models import Contractor
        gid = Contractor.get(Contractor.code == "NOWAK").id
    with pair.branch_side():
        branch.synchronise()
        assert sides.contractors()["NOWAK"]["gid"] == gid
        assert sides.contractors()["NOWAK"]["guid"] == hq_gid
        assert od_codes(pair) == []               # acknowledged and confirmed: not sent again


@pytest.mark.rule("GID-5")
def test_hq_stores_a_card_sent_twice_once(pair):
    """§6 3: the same card (guid) in two ODs: one HQ card, the same GID confirmed."""
    with pair.branch_side():
        sides.add_contractor("DWA", nip="7740001454", city="Płock")
        branch.synchronise()
    copy = pair.folder / "od-copy.XLO"
    shutil.copy(pair.folder / "OD_KRAK.XLO", copy)
    with pair.hq_side():
        hq.process_branch("KRAK")
    with pair.branch_side():
        branch.synchronise()
        # the branch re-sends it once more before the confirmation is acknowledged
    with pair.hq_side():
        hq.process_branch("KRAK")
        assert list(sides.contractors()).count("DWA") == 1
        from store.parties.models import Contractor
        assert Contractor.select().where(Contractor.name == "Kontrahent DWA").count() == 1


@pytest.mark.rule("CONF-15")
def test_a_duplicate_code_gets_a_number_and_the_branch_adopts_it(pair):
    """§7 1."""
    with pair.hq_side():
        sides.add_contractor("KOD", nip="5260250274", city="Gdańsk")
    with pair.branch_side():
        sides.add_contractor("KOD", nip="7740001454", city="Płock")
        branch.synchronise()                      # partial (no new DLA): KOD goes out
    cycle(pair)
    with pair.hq_side():
        cards = sides.contractors()
        assert cards["KOD"]["nip"] == "5260250274" and cards["KOD(1)"]["nip"] == "7740001454"
    with pair.branch_side():
        cards = sides.contractors()
        assert cards["KOD(1)"]["nip"] == "7740001454" and cards["KOD(1)"]["gid"] is not None


@pytest.mark.rule("CONF-16", "CONF-17")
def test_the_same_contractor_created_on_both_sides_is_merged_on_nip_and_city(pair):
    """§7 2."""
    with pair.hq_side():
        kowal = sides.add_contractor("KOWAL", nip="1234563218", city="Kraków")
        from store.db import run_write
        from store.parties.models import Contractor
        run_write(lambda: Contractor.delete().where(Contractor.code == "ABC").execute())   # the other 1234563218
    with pair.branch_side():
        from store.db import run_write
        from store.parties.models import Contractor
        run_write(lambda: Contractor.delete().where(Contractor.code == "ABC").execute())
        sides.add_contractor("KOWALSKI", nip="123-456-32-18", city=" kraków")
        local_id = Contractor.get(Contractor.code == "KOWALSKI").id
        branch.synchronise()
    cycle(pair)
    with pair.hq_side():
        assert [c for c in sides.contractors() if c.startswith("KOWAL")] == ["KOWAL"]
    with pair.branch_side():
        card = Contractor.get_by_id(local_id)
        assert (card.gid, card.code) == (kowal, "KOWAL")


@pytest.mark.rule("CONF-18", "CONF-19")
def test_a_minus_one_card_is_never_merged(pair):
    """§7 3."""
    with pair.branch_side():
        sides.add_contractor("ABC-2", nip="1234563218", city="Kraków", gid=-1)
        branch.synchronise()
    cycle(pair)
    with pair.hq_side():
        cards = sides.contractors()
        assert cards["ABC-2"]["gid"] is None and "ABC" in cards
        from store.parties.models import Contractor
        assert Contractor.select().where(Contractor.nip == "1234563218").count() == 2
    with pair.branch_side():
        assert sides.contractors()["ABC-2"]["gid"] > 0


@pytest.mark.rule("CONF-20")
def test_the_later_change_wins_both_ways(pair):
    """§7 4: branch later (10:05) keeps its street and HQ takes it; then HQ later wins at the branch."""
    t = datetime(2030, 1, 1, 10, 0)
    with pair.hq_side():
        sides.edit_contractor("ABC", street="Stara", at=t)
    with pair.branch_side():
        sides.edit_contractor("ABC", street="Nowa", at=t + timedelta(minutes=5))
        branch.synchronise()
    with pair.hq_side():
        hq.process_branch("KRAK")
        assert sides.contractors()["ABC"]["street"] == "Nowa"
    with pair.branch_side():
        branch.synchronise()
        assert sides.contractors()["ABC"]["street"] == "Nowa"
    with pair.hq_side():
        sides.edit_contractor("ABC", street="Centralna", at=t + timedelta(minutes=10))
        hq.process_branch("KRAK")
    with pair.branch_side():
        branch.synchronise()
        assert sides.contractors()["ABC"]["street"] == "Centralna"


@pytest.mark.rule("CONF-20")
def test_equal_times_hq_wins(pair):
    t = datetime(2030, 2, 1, 12, 0)
    with pair.branch_side():
        sides.edit_contractor("ABC", street="Oddział", at=t)
        branch.synchronise()
    with pair.hq_side():
        sides.edit_contractor("ABC", street="Centrala", at=t)
        hq.process_branch("KRAK")
        assert sides.contractors()["ABC"]["street"] == "Centrala"
    with pair.branch_side():
        branch.synchronise()
        assert sides.contractors()["ABC"]["street"] == "Centrala"


# --- HQ's rule for an OD ------------------------------------------------------------------------------------

def _rewritten_od(pair, *, new_card: str | None = None):
    """HQ reads OD n and writes DLA n+1; the branch, not seeing it (its old DLA put back), rewrites OD n."""
    old = pair.folder / "old-dla.XLO"
    shutil.copy(pair.folder / "DLA_KRAK.XLO", old)
    with pair.hq_side():
        first = hq.process_branch("KRAK")
    shutil.copy(pair.folder / "DLA_KRAK.XLO", pair.folder / "new-dla.XLO")
    shutil.copy(old, pair.folder / "DLA_KRAK.XLO")
    with pair.branch_side():
        if new_card:
            sides.add_contractor(new_card, nip="7740001454", city="Płock")
        report = branch.synchronise()
        assert (report.mode, report.seq_written) == ("partial", first.seq_read)
    return first


@pytest.mark.rule("SYNC-14", "SYNC-18")
def test_hq_reapplies_a_rewritten_od_keeps_the_token_and_rewrites_its_dla(pair):
    first = _rewritten_od(pair, new_card="PÓŹNY")
    with pair.hq_side():
        again = hq.process_branch("KRAK")
        card = HqBranch.get(HqBranch.symbol == "KRAK")
        assert (again.mode, again.seq_written) == ("partial", first.seq_written)
        assert (card.last_seq_read, card.last_seq_written) == (first.seq_read, first.seq_written)
        assert "PÓŹNY" in sides.contractors()
    with read_xlo(pair.folder / "DLA_KRAK.XLO") as x:
        assert int(x.header["seq"]) == first.seq_written
        confirmed = [r.attrs["code"] for r in x.records() if r.tag == "confirm"]
    assert confirmed == ["PÓŹNY"]
    with pair.branch_side():
        report = branch.synchronise()
        assert (report.mode, report.seq_read) == ("full", first.seq_written)
        assert sides.contractors()["PÓŹNY"]["gid"] is not None


@pytest.mark.rule("SYNC-18")
def test_hq_skips_a_known_file_and_refuses_another_number(pair):
    _rewritten_od(pair)
    saved = pair.folder / "saved-od.XLO"
    shutil.copy(pair.folder / "OD_KRAK.XLO", saved)
    with pair.hq_side():
        assert hq.process_branch("KRAK").mode == "partial"     # same seq as read last, new file id
        shutil.copy(saved, pair.folder / "OD_KRAK.XLO")
        assert hq.process_branch("KRAK").mode == "skipped"     # that file id again
        card = HqBranch.get(HqBranch.symbol == "KRAK")
        assert not (pair.folder / "OD_KRAK.XLO").exists()
        from tests.sync import crafted
        crafted.dla(pair.folder / "OD_KRAK.XLO", direction="OD", seq=card.last_seq_written + 5,
                    created_at=datetime(2031, 1, 1), branch_id=card.branch_id)
        with pytest.raises(XloRefused) as info:
            hq.process_branch("KRAK")
        assert info.value.code == "token_hq"
        assert HqBranch.get(HqBranch.symbol == "KRAK").last_seq_written == card.last_seq_written


def test_a_licensed_hq_refuses_a_demo_file(pair):
    """KEY-262 (keys spec): a file with the test flag is not read by a licensed HQ."""
    with pair.branch_side():
        branch.synchronise(test=True)
    with pair.hq_side():
        with pytest.raises(XloRefused) as info:
            hq.process_branch("KRAK", licensed=True)
        assert info.value.code == "test_file"
        assert list((pair.folder / "rejected").glob("*.reason.txt"))


@pytest.mark.rule("SYNC-2", "SYNC-15")
@pytest.mark.parametrize("case", ["garbage", "honest_bomb", "xxe", "dotdot", "xsd_invalid", "wrong_branch"])
def test_a_hostile_od_changes_nothing_at_hq_but_one_history_row(pair, case):
    from store.exchange.models import ExchangeHistory
    from tests.dbdump import assert_same, dump
    from tests.sync.xlo_files import CASES, hostile

    (pair.folder / "OD_KRAK.XLO").unlink()
    with pair.hq_side():
        card = HqBranch.get(HqBranch.symbol == "KRAK")
        if case == "wrong_branch":
            from tests.sync import crafted
            crafted.dla(pair.folder / "OD_KRAK.XLO", direction="OD", seq=card.last_seq_written + 1,
                        created_at=datetime(2031, 1, 1), branch_id=str(__import__("uuid").uuid4()))
        else:
            hostile(pair.folder, case, name="OD_KRAK.XLO")
        dla_before = (pair.folder / "DLA_KRAK.XLO").read_bytes()
        before, rows = dump(exclude={"exchange_history"}), ExchangeHistory.select().count()
        with pytest.raises(XloRefused) as info:
            hq.process_branch("KRAK")
        assert info.value.code == ("addressee" if case == "wrong_branch" else CASES[case])
        assert_same(before, dump(exclude={"exchange_history"}))
        assert ExchangeHistory.select().count() == rows + 1
        assert (pair.folder / "DLA_KRAK.XLO").read_bytes() == dla_before and not list(pair.folder.glob("*.tmp"))
        assert len(list((pair.folder / "rejected").glob("OD_KRAK.XLO.*.reason.txt"))) == 1
