"""`filia sync` (issue 13 §10): exit 0 done, 1 a file refused or a run failed (reason printed and in the
history), 2 wrong use or set-up (wrong role, unknown branch)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def filia(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, FILIA_LANG="pl", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_exit_codes(pair):
    from store.exchange.models import ExchangeHistory
    from tests.sync import sides

    wrong = filia("--db", pair.branch, "sync", "--branch", "KRAK")           # --branch without --hq
    assert wrong.returncode == 2 and "Użycie" in wrong.stderr
    role = filia("--db", pair.branch, "sync", "--hq", "--branch", "KRAK")    # a branch is not HQ
    assert role.returncode == 2 and "rolę" in role.stderr
    unknown = filia("--db", pair.hq, "sync", "--hq", "--branch", "XYZ")
    assert unknown.returncode == 2 and "XYZ" in unknown.stderr
    ok = filia("--db", pair.branch, "sync")
    assert ok.returncode == 0, ok.stderr
    (pair.folder / "DLA_KRAK.XLO").write_bytes(b"garbage, not an exchange file")
    refused = filia("--db", pair.branch, "sync")
    assert refused.returncode == 1 and "nie jest plikiem wymiany" in refused.stderr
    with sides.opened(pair.branch):
        last = ExchangeHistory.select().order_by(ExchangeHistory.id.desc()).get()
        assert (last.result, last.code) == ("refused", "garbage")
    hq = filia("--db", pair.hq, "sync", "--hq", "--branch", "krak")
    assert hq.returncode == 0 and "KRAK" in hq.stdout


def test_the_key_store_not_the_typist_says_whether_a_file_comes_from_a_demo(pair):
    """No license in the key store: the branch's file carries the test flag (a licensed HQ refuses it); the
    command has no switch to say otherwise."""
    from sync.xlo.reader import flag, read_xlo

    before = {f.name: f.read_bytes() for f in pair.folder.iterdir() if f.is_file()}
    forged = filia("--db", pair.branch, "sync", "--licensed")
    assert forged.returncode == 2 and "--licensed" in forged.stderr
    assert {f.name: f.read_bytes() for f in pair.folder.iterdir() if f.is_file()} == before
    ok = filia("--db", pair.branch, "sync")
    assert ok.returncode == 0, ok.stderr
    od = pair.folder / "OD_KRAK.XLO"
    assert od.read_bytes() != before.get("OD_KRAK.XLO")
    with read_xlo(od) as reader:
        assert flag(reader.header, "test") is True
