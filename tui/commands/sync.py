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
    from tui.commands.keys import company_nip, open_manager

    # DEMO or licensed as the signed key store says (a DEMO installation's files carry the test flag; a licensed
    # HQ refuses them): sync never imports keys, so the caller decides here.
    km = open_manager(args, company_nip_value=company_nip(args))
    try:
        args.test = km.demo_mode
    finally:
        km.close()
    args.licensed = not args.test
    return run(args, resolve_url(args.db))
