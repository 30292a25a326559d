"""The exchange folder (issue 13 §9; notes lesson 3): write `<name>.tmp`, fsync, `os.replace` after the
commit; readers never look at `*.tmp`; HQ moves a read OD to `processed/`; a refused file goes to `rejected/`
with `<name>.reason.txt` naming the case."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from sync.xlo.writer import fsync_dir

MAGAZYN = "DLA_MAGAZYN.XLO"


def dla_name(symbol: str) -> str:
    return f"DLA_{symbol}.XLO"


def od_name(symbol: str) -> str:
    return f"OD_{symbol}.XLO"


def tmp_of(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def publish(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)
    fsync_dir(final.parent)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def move_aside(path: Path, sub: str, reason: str | None = None) -> Path | None:
    """Move `path` into `<folder>/<sub>/` under a name that never overwrites; the reason beside it."""
    if not path.exists():
        return None
    target_dir = path.parent / sub
    target_dir.mkdir(exist_ok=True)
    target = target_dir / f"{path.name}.{_stamp()}"
    os.replace(path, target)
    if reason is not None:
        note = target_dir / f"{target.name}.reason.txt"
        with open(note, "w", encoding="utf-8") as fh:
            fh.write(reason + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    fsync_dir(target_dir)
    fsync_dir(path.parent)
    return target
