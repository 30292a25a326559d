"""SIGKILL at named fault points of a branch run (issue 13, SYNC-7, SYNC-14): the run is a child process
killed with FILIA_FAULT_AT; afterwards the SQLite file is sound, the token and the export marks agree with
the files, the next run completes and HQ holds each contractor once. Used by tests/sync/test_kill.py (a few
points) and bench/sync_kill.py (all 40)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOODS = 6000          # the apply takes > 2 s on the 2-core box
NEW_CARDS = 40


def points() -> list[str]:
    """20 in the apply after its first write (the first batch ends at record ~1,030), 10 writing the OD, 10
    between commit and rename."""
    apply = [f"apply:{1100 + i * 240}" for i in range(20)]
    od = [f"od:{1 + i * 4}" for i in range(10)]
    return apply + od + ["after_commit"] * 10


def prepare(base: Path) -> Path:
    from sync import hq
    from tests.sync import sides
    from tests.sync.conftest import build_pair

    pair = build_pair(base)
    with pair.hq_side():
        sides.add_goods(GOODS, start=100)
        hq.process_branch("KRAK")
    with pair.branch_side():
        for i in range(NEW_CARDS):
            sides.add_contractor(f"K{i:03d}", city="Łódź")
    return base


def run_branch(db: Path, folder: Path, fault: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, FILIA_LANG="pl", PYTHONPATH=str(ROOT))
    env.pop("FILIA_FAULT_AT", None)
    if fault:
        env["FILIA_FAULT_AT"] = fault
    return subprocess.run([sys.executable, "-m", "sync.cli", "--db", f"sqlite:///{db}", "--folder", str(folder)],
                          env=env, capture_output=True, text=True, timeout=300)


def _od_header(path: Path) -> dict | None:
    from sync.xlo.reader import read_xlo

    if not path.exists():
        return None
    with read_xlo(path) as x:
        return x.header


def kill_and_recover(template: Path, work: Path, fault: str) -> dict:
    """One kill; returns what was seen. Raises AssertionError on any broken promise."""
    from store.exchange.models import BranchLink, ContractorSent
    from store.parties.models import Contractor
    from sync import hq
    from sync.xlo.reader import read_xlo
    from tests.dbdump import assert_same, dump
    from tests.sync import sides

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work)
    db, folder = work / "krak.db", work / "wymiana"
    hq_url, br_url = f"sqlite:///{work / 'hq.db'}", f"sqlite:///{db}"
    with sides.opened(hq_url):
        from store.db import run_write
        from store.exchange.models import HqBranch
        run_write(lambda: HqBranch.update(folder=str(folder)).execute())
    with sides.opened(br_url):
        before = dump(exclude={"exchange_history"})
        old = BranchLink.get()
    od_path = folder / "OD_KRAK.XLO"
    od_before = od_path.read_bytes() if od_path.exists() else None

    killed = run_branch(db, folder, fault)
    assert killed.returncode == -9, (fault, killed.returncode, killed.stderr[-500:])
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    with sides.opened(br_url):
        link = BranchLink.get()
        committed = link.last_od_file_id != old.last_od_file_id
        if not committed:                                    # killed inside the transaction: nothing moved
            assert_same(before, dump(exclude={"exchange_history"}))
            assert (od_path.read_bytes() if od_path.exists() else None) == od_before
        else:                                                # between commit and rename: the .tmp is the OD
            assert fault == "after_commit"
            assert _od_header(folder / "OD_KRAK.XLO.tmp")["file_id"] == link.last_od_file_id
            marked = ContractorSent.select().where(ContractorSent.sent_file_id == link.last_od_file_id).count()
            assert marked >= NEW_CARDS

    done = run_branch(db, folder)
    assert done.returncode == 0, done.stderr[-800:]
    with sides.opened(br_url):
        link = BranchLink.get()
        header = _od_header(folder / "OD_KRAK.XLO")
        assert (int(header["seq"]), header["file_id"]) == (link.last_seq_written, link.last_od_file_id)
        unacked = {c for (c,) in Contractor.select(Contractor.code).join(
            ContractorSent, on=(ContractorSent.contractor_id == Contractor.id))
            .where(ContractorSent.acked == False).tuples()}  # noqa: E712
        with read_xlo(folder / "OD_KRAK.XLO") as x:
            sent = [r.attrs["code"] for r in x.records()]
        assert unacked <= set(sent) and {f"K{i:03d}" for i in range(NEW_CARDS)} <= set(sent)
        assert not (folder / "OD_KRAK.XLO.tmp").exists()
    with sides.opened(hq_url):
        hq.process_branch("KRAK")
        names = [n for (n,) in Contractor.select(Contractor.name).tuples()]
        assert all(names.count(f"Kontrahent K{i:03d}") == 1 for i in range(NEW_CARDS))
    return {"fault": fault, "committed": committed}
