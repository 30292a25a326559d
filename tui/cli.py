"""The `filia` command: run the TUI, create a database, build a demo, manage license keys.

No traceback reaches the user: a FiliaError prints its Polish message; anything unexpected
is written to the log file and the message says where.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from store.errors import FiliaError
from store.i18n import _

EXIT_REFUSED = 2
EXIT_CRASH = 3


def log_path() -> Path:
    import platformdirs

    path = Path(os.environ.get("FILIA_LOG") or Path(platformdirs.user_log_dir("filia", appauthor=False)) / "filia.log")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="filia", description=_("Filia – terminalowy ERP dla oddziałów firmy."))
    parser.add_argument("--db", help=_("ścieżka pliku bazy lub adres sqlite:///… / postgresql://…"))
    sub = parser.add_subparsers(dest="command")
    from tui.commands import register_all

    register_all(sub, argv)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    target = args.db or os.environ.get("FILIA_DB") or ""
    if not target.startswith(("postgresql:", "postgres:")):
        # A SQLite session never needs the PostgreSQL driver, which peewee would import at start-up
        # (~30 ms of the cold start).
        sys.modules.setdefault("psycopg2", None)
    handler = getattr(args, "handler", None)
    if handler is None:
        from tui.commands.run import run_app as handler
    try:
        return int(handler(args) or 0)
    except FiliaError as exc:
        print(_("Błąd: {msg}").format(msg=exc), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(_("Przerwano."), file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - the user never sees a traceback
        from store.db import mask_secrets

        path = log_path()
        logging.basicConfig(filename=path, level=logging.ERROR)
        # a database address in an exception text must not leave its password in the log
        logging.getLogger("filia").error("unexpected error\n%s", mask_secrets(traceback.format_exc()))
        print(_("Wystąpił nieoczekiwany błąd. Szczegóły zapisano w pliku: {path}").format(path=path), file=sys.stderr)
        return EXIT_CRASH


if __name__ == "__main__":
    sys.exit(main())
