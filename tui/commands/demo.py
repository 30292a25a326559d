"""`filia demo`: build a deterministic demo database (with a progress bar) and open it logged in."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from store.i18n import _


def register(sub) -> None:
    p = sub.add_parser("demo", help=_("zbuduj bazę demonstracyjną i otwórz ją"))
    p.add_argument("--contractors", type=int, default=500)
    p.add_argument("--goods", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rebuild", action="store_true", help=_("zbuduj od nowa, nawet jeśli baza istnieje"))
    p.add_argument("--build-only", action="store_true", help=_("tylko zbuduj, nie otwieraj"))
    p.set_defaults(handler=run_demo)


def demo_path(args) -> Path:
    import os

    import platformdirs

    if args.db:
        return Path(args.db).expanduser().absolute()
    if os.environ.get("FILIA_DB"):
        return Path(os.environ["FILIA_DB"]).expanduser().absolute()
    return Path(platformdirs.user_data_dir("filia", appauthor=False)) / "demo.db"


class TextProgress:
    """A one-line progress bar on stderr (the TUI is not up yet while the demo is built)."""

    def __init__(self) -> None:
        self.stage, self.last = None, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.last < 0.2:
            return
        self.stage, self.last = stage, now
        width = 30
        filled = int(width * done / max(total, 1))
        label = {"contractors": _("kontrahenci"), "goods": _("towary"), "indexes": _("indeksy")}.get(stage, stage)
        sys.stderr.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:>9}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def run_demo(args) -> int:
    from store import config
    from store.db import open_database
    from store.demo import build_demo

    path = demo_path(args)
    path.parent.mkdir(parents=True, exist_ok=True)
    params = f"{args.contractors}/{args.goods}/{args.seed}"
    if path.exists() and not args.rebuild:
        db = open_database(f"sqlite:///{path}")
        if config.get_setting("demo_params") == params:
            db.close()
            return _open(args, path)
        db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.monotonic()
    print(_("Buduję bazę demonstracyjną {path} ...").format(path=path), file=sys.stderr)
    db = open_database(f"sqlite:///{path}", create=True)
    build_demo(contractors=args.contractors, goods=args.goods, seed=args.seed, progress=TextProgress())
    config.set_setting("demo_params", params)
    db.close()
    print(_("Gotowe w {s:.1f} s.").format(s=time.monotonic() - started), file=sys.stderr)
    return _open(args, path)


def _open(args, path: Path) -> int:
    if args.build_only:
        return 0
    from tui.commands.run import run_app

    args.db = str(path)
    return run_app(args, operator_login="ADMIN")
