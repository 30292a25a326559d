"""All 40 SIGKILL points of a branch run (issue 13): 20 in the apply after its first write, 10 writing the OD,
10 between commit and rename; each followed by integrity_check, the token/marks vs files check, a completing
run and HQ's one-card-each check (tests/sync/kill_harness.py; tests/sync/test_kill.py runs 8 of them).

Last line: `sync_kill points=<n> ok=<n> apply_s=<seconds of an unkilled apply>`."""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sync import kill_harness  # noqa: E402


def main() -> int:
    base = Path(tempfile.mkdtemp(prefix="sync_kill_"))
    try:
        template = kill_harness.prepare(base / "template")
        probe = base / "probe"
        shutil.copytree(template, probe)
        started = time.monotonic()
        done = kill_harness.run_branch(probe / "krak.db", probe / "wymiana")
        apply_s = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        ok = 0
        points = kill_harness.points()
        for n, fault in enumerate(points, 1):
            kill_harness.kill_and_recover(template, base / "work", fault)
            ok += 1
            print(f"{n:2d}/{len(points)} {fault} ok", file=sys.stderr)
        print(f"sync_kill points={len(points)} ok={ok} apply_s={apply_s:.2f}")
        return 0 if ok == len(points) else 1
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
