"""End to end (issue 13 "Tests. E2E"): HQ on PostgreSQL (never skipped), two SQLite branches, a fixed seed,
12 cycles by folder. Every cycle: HQ price changes and a deactivation; duplicate codes, a NIP+city merge, a -1
card, a later change on each side and equal times; some cycles read an older DLA, some kill the branch (SIGKILL)
between commit and rename. At the end HQ's codes are unique, each card is once at HQ with the same fields on
every side, the catalogues equal HQ's, and one more round changes no business table anywhere."""
from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.sync import sides

CYCLES = 12
SYMBOLS = ("KRAK", "WAWA")
EXCHANGE_TABLES = {"exchange_history", "branch_link", "hq_branch", "contractor_sent", "contractor_origin"}
NIPS = ["5260250274", "7740001454", "1234563218", "5213017228", "9512370578", "7251801126", "6462933516",
        "8992736629", "1132191233", "6770065406", "5270103391", "9570000066"]


@pytest.fixture
def hq_pg(pg_reason):
    if pg_reason:
        pytest.fail(f"the E2E test runs HQ on PostgreSQL and is never skipped: {pg_reason}")
    from tests.conftest import _pg_schema
    with _pg_schema(pg_reason) as url:
        yield url


def _set_folder_and_run_first(hq_url, branches, base):
    from sync import branch, hq
    with sides.opened(hq_url):
        from store.config import create_operator
        create_operator("JAN", "jan123")
        for sym in SYMBOLS:
            reg = sides.hq_register(f"{sym}KASA")
            hq.create_branch(sym, folder=base / sym, register_gid=reg, operators=("ADMIN", "JAN"))
            hq.write_first_dla(sym)
    for sym in SYMBOLS:
        with sides.opened(branches[sym]):
            branch.synchronise()


def _deactivate(code: str) -> None:
    from store.catalog.models import Goods
    from store.db import run_write
    run_write(lambda: Goods.update({Goods.active: False, **Goods.stamp()}).where(Goods.code == code).execute())


def _run_branch(url: str, folder: Path, *, kill: bool):
    if not kill:
        from sync import branch
        with sides.opened(url):
            return branch.synchronise()
    from tests.sync.kill_harness import run_branch
    db = Path(url[len("sqlite:///"):])
    done = run_branch(db, folder, "after_commit")
    assert done.returncode == -9, done.stderr
    return None


@pytest.mark.slow
@pytest.mark.rule("SYNC-3", "SYNC-5", "SYNC-10", "SYNC-11", "SYNC-14", "SYNC-18", "CONF-15", "CONF-16", "CONF-18",
                  "CONF-20", "DICT-2", "GID-6")
def test_twelve_cycles_hq_on_postgresql_two_branches(hq_pg, tmp_path):
    from sync import hq
    rnd = random.Random(13)
    base = tmp_path
    for sym in SYMBOLS:
        (base / sym).mkdir()
    hq_url = sides.create(hq_pg, "hq", name="Centrala")
    branches = {sym: sides.create(f"sqlite:///{base / (sym.lower() + '.db')}", "branch", symbol=sym, folder=base / sym)
                for sym in SYMBOLS}
    with sides.opened(hq_url):
        sides.add_goods(200)
        for name in ("L1", "L2", "L3"):                        # the cards both sides change
            sides.add_contractor(name, nip="", city="Poznań")
    _set_folder_and_run_first(hq_url, branches, base)
    t0 = datetime(2031, 1, 1, 8, 0)
    counts = {k: 0 for k in ("dup", "merge", "minus1", "later_branch", "later_hq", "equal", "price", "deactivate",
                             "older_dla", "kill")}
    saved_dla: dict[str, Path] = {}
    for c in range(CYCLES):
        t = t0 + timedelta(hours=c)
        sym_m = SYMBOLS[c % 2]                                 # the branch that merges / edits this cycle
        with sides.opened(hq_url):
            for code in rnd.sample(range(1, 201), 3):
                sides.set_retail(f"T{code:06d}", Decimal(rnd.randint(100, 9999)) / 100)
                counts["price"] += 1
            _deactivate(f"T{rnd.randint(1, 200):06d}")
            counts["deactivate"] += 1
            sides.edit_contractor("L1", street=f"HQ {c}", at=t)                    # branch later
            sides.edit_contractor("L2", street=f"HQ {c}", at=t + timedelta(minutes=5))   # HQ later
            sides.edit_contractor("L3", street=f"HQ {c}", at=t)                    # equal
            for sym in SYMBOLS:
                hq.process_branch(sym)
            sides.add_contractor(f"DUP{c}", nip=NIPS[c], city="Gdańsk")           # after the DLA: collides
            sides.add_contractor(f"M{c}", nip=NIPS[(c + 5) % len(NIPS)], city="Sopot")
        for sym in SYMBOLS:
            url, folder = branches[sym], base / sym
            with sides.opened(url):
                sides.add_contractor(f"DUP{c}", nip="", city=f"{sym} {c}")          # CONF-15 at HQ
                counts["dup"] += 1
                if sym == sym_m:
                    nip = NIPS[(c + 5) % len(NIPS)]
                    sides.add_contractor(f"MB{c}", nip=f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}", city=" sopot")
                    counts["merge"] += 1
                    sides.add_contractor(f"MIN{c}", nip="1234563218", city="Kraków", gid=-1)
                    counts["minus1"] += 1
                    sides.edit_contractor("L1", street=f"{sym} {c}", at=t + timedelta(minutes=5))
                    sides.edit_contractor("L2", street=f"{sym} {c}", at=t)
                    sides.edit_contractor("L3", street=f"{sym} {c}", at=t)
                    counts["later_branch"] += 1
                    counts["later_hq"] += 1
                    counts["equal"] += 1
            dla = folder / f"DLA_{sym}.XLO"
            older = sym == "KRAK" and c % 2 == 0 and c > 0 and sym in saved_dla
            if older:                                            # an older DLA left in the folder (SYNC-11)
                current = folder / "current.XLO"
                shutil.copy(dla, current)
                shutil.copy(saved_dla[sym], dla)
                counts["older_dla"] += 1
            else:
                saved_dla[sym] = base / f"{sym}-{c}.XLO"
                shutil.copy(dla, saved_dla[sym])
            kill = sym == "WAWA" and c % 2 == 1
            report = _run_branch(url, folder, kill=kill)
            counts["kill"] += int(kill)
            if older:
                assert report.mode == "partial"
                shutil.copy(current, dla)
                current.unlink()
    assert all(v >= 5 for v in counts.values()), counts

    for _round in range(2):                                      # settle what the last cycle sent
        with sides.opened(hq_url):
            for sym in SYMBOLS:
                hq.process_branch(sym)
        for sym in SYMBOLS:
            _run_branch(branches[sym], base / sym, kill=False)
    with sides.opened(hq_url):
        for sym in SYMBOLS:
            hq.process_branch(sym)
        hq_cards = sides.contractors()
        hq_catalogue = sides.catalogue()
        from store.parties.models import Contractor
        codes = [c for (c,) in Contractor.select(Contractor.code).tuples()]
        assert len(codes) == len(set(codes))
        by_id = {c.id: c for c in Contractor.select()}
    for sym in SYMBOLS:
        with sides.opened(branches[sym]):
            from tests.sync.sides import _fields
            from sync import branch
            branch.synchronise()
            assert sides.catalogue() == hq_catalogue, sym
            from store.parties.models import Contractor
            mine = {c.gid: c for c in Contractor.select().where(Contractor.gid > 0)}
            assert set(mine) == {i for i, c in by_id.items() if not c.code.startswith("!")}, sym
            for gid, card in mine.items():
                assert _fields(card) == _fields(by_id[gid]), (sym, card.code)
            unsent = Contractor.select().where(Contractor.gid.is_null() & Contractor.main.is_null()
                                               & ~Contractor.code.startswith("!")).count()
            assert unsent == 0, sym
    with sides.opened(hq_url):
        names = [c.name for c in by_id.values()]
        for c in range(CYCLES):
            assert f"Kontrahent MB{c}" not in names                # merged into M{c}, never stored twice
            assert names.count(f"Kontrahent MIN{c}") == 1          # -1: its own card
            assert names.count(f"Kontrahent DUP{c}") == 3          # HQ's and one per branch: DUP{c}(1), (2)

    # one more round changes no business table on any side
    from tests.dbdump import assert_same, dump
    def business_dump():
        return dump(exclude=EXCHANGE_TABLES)
    dumps = {}
    with sides.opened(hq_url):
        dumps["hq"] = business_dump()
    for sym in SYMBOLS:
        with sides.opened(branches[sym]):
            dumps[sym] = business_dump()
    with sides.opened(hq_url):
        for sym in SYMBOLS:
            hq.process_branch(sym)
    for sym in SYMBOLS:
        _run_branch(branches[sym], base / sym, kill=False)
    with sides.opened(hq_url):
        for sym in SYMBOLS:
            hq.process_branch(sym)
        assert_same(dumps["hq"], business_dump())
    for sym in SYMBOLS:
        with sides.opened(branches[sym]):
            assert_same(dumps[sym], business_dump())
