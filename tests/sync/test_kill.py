"""8 of the 40 SIGKILL points (bench/sync_kill.py runs all 40): killed in the apply, writing the OD and between
commit and rename, a branch run leaves a sound database whose token and marks agree with the files; the next
run completes and HQ has each contractor once (SYNC-7, SYNC-14, SYNC-20)."""
from __future__ import annotations

import pytest

from tests.sync import kill_harness

EIGHT = ["apply:1100", "apply:3500", "apply:5660", "od:1", "od:21", "od:37", "after_commit", "after_commit"]


@pytest.fixture(scope="module")
def kill_template(tmp_path_factory):
    return kill_harness.prepare(tmp_path_factory.mktemp("kill-template"))


@pytest.mark.slow
@pytest.mark.rule("SYNC-7", "SYNC-14")
@pytest.mark.parametrize("n", range(len(EIGHT)))
def test_a_killed_branch_run_recovers(kill_template, tmp_path, n):
    seen = kill_harness.kill_and_recover(kill_template, tmp_path / "work", EIGHT[n])
    assert seen["committed"] == (EIGHT[n] == "after_commit")
