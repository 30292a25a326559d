"""`filia sync`: one exchange run with HQ from the command line (sync.cli does the work)."""
from __future__ import annotations

from store.i18n import _


def register(sub) -> None:
    from sync.cli import add_arguments

    p = sub.add_parser("sync", help=_("synchronizacja centrala/oddział (pliki wymiany)"))
    add_arguments(p)
    p.set_defaults(handler=run_sync)


def run_sync(args) -> int:
    from store.db import resolve_url
    from sync.cli import run

    return run(args, resolve_url(args.db))
