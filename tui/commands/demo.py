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


def demo_url(args) -> str:
    """--db / FILIA_DB (a path, sqlite:///… or postgresql://…), else demo.db in the user data directory."""
    import os

    import platformdirs

    from store.db import resolve_url

    if args.db or os.environ.get("FILIA_DB"):
        return resolve_url(args.db)
    path = Path(platformdirs.user_data_dir("filia", appauthor=False)) / "demo.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


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
        label = {"contractors": _("kontrahenci"), "goods": _("towary"), "prices": _("ceny"),
                 "indexes": _("indeksy")}.get(stage, stage)
        sys.stderr.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:>9}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def run_demo(args) -> int:
    """Reuse the demo database when its parameters match, else build it. Only a database carrying the
    demo marker is reused or rebuilt: any other file or database is refused untouched."""
    from store import config
    from store.create import new_database, probe
    from store.demo import build_demo, demo_params, is_demo
    from store.demo_trade import TRADE_MARKER, prepare_trading
    from store.errors import Refused

    url = demo_url(args)
    target = probe(url)
    if target.state != "absent" and not is_demo(target.settings):
        raise Refused(_("{name} nie jest bazą demonstracyjną Filii – „filia demo” jej nie zmieni ani nie usunie. "
                        "Wskaż inny plik opcją --db lub zmienną FILIA_DB.").format(name=target.label))
    params = demo_params(args.contractors, args.goods, args.seed)
    if target.state == "filia" and target.settings.get("demo_params") == params and not args.rebuild:
        if target.settings.get(TRADE_MARKER) != "1":      # a demo built before it could sell: made ready once
            _prepare_trading(url)
        return _open(args, url)
    started = time.monotonic()
    print(_("Buduję bazę demonstracyjną {path} ...").format(path=target.label), file=sys.stderr)
    with new_database(url, replace=target.state == "filia"):
        build_demo(contractors=args.contractors, goods=args.goods, seed=args.seed, progress=TextProgress())
        prepare_trading()
        config.set_setting("demo_params", params)
    print(_("Gotowe w {s:.1f} s.").format(s=time.monotonic() - started), file=sys.stderr)
    return _open(args, url)


def _prepare_trading(url: str) -> None:
    from store.db import database, open_database
    from store.demo_trade import prepare_trading

    db = open_database(url)
    try:
        prepare_trading()
    finally:
        db.close()
        database.initialize(None)


def _open(args, url: str) -> int:
    if args.build_only:
        return 0
    from tui.commands.run import run_app

    args.db = url
    return run_app(args, operator_login="ADMIN")
