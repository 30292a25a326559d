"""`filia sync [--hq] [--branch S] [--first S] [--folder F]` (issue 13 §10).

Exit 0: done. 1: a file was refused or the run failed (the reason is printed and in the history). 2: wrong
use or set-up (wrong role, no such branch, no database)."""
from __future__ import annotations

import argparse
import sys

from store.errors import FiliaError
from store.i18n import _

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--hq", action="store_true", help=_("centrala: wczytaj plik oddziału i przygotuj następny"))
    p.add_argument("--branch", metavar="SYMBOL", help=_("symbol oddziału (z --hq)"))
    p.add_argument("--first", metavar="SYMBOL", help=_("centrala: pierwszy plik dla nowego oddziału"))
    p.add_argument("--folder", help=_("katalog pliku wymiany tylko dla tego uruchomienia"))
    # No --test / --licensed: whether this installation runs in DEMO comes from its key store (tui/commands/sync.py
    # sets args.test and args.licensed), never from the person typing the command.


def run(args, url: str) -> int:
    from store.db import open_database
    from sync.xlo import XloRefused

    if args.hq and not (args.branch or args.first) or not args.hq and (args.branch or args.first) \
            or (args.branch and args.first):
        print(_("Użycie: filia sync (oddział) albo filia sync --hq --branch SYMBOL albo filia sync --hq --first "
                "SYMBOL."), file=sys.stderr)
        return EXIT_USAGE
    try:
        db = open_database(url)
    except FiliaError as exc:
        print(_("Błąd: {msg}").format(msg=exc), file=sys.stderr)
        return EXIT_USAGE
    try:
        from store.config import get_setting

        role = get_setting("role")
        if (role != "hq") if args.hq else (role != "branch"):
            print(_("Ta baza ma rolę „{role}” – synchronizacja nie jest tu możliwa w tym trybie.").format(role=role),
                  file=sys.stderr)
            return EXIT_USAGE
        if args.hq:
            from sync import hq
            if args.first:
                path = hq.write_first_dla(args.first.upper(), test=args.test)
                print(_("Zapisano {path}.").format(path=path))
                return EXIT_OK
            report = hq.process_branch(args.branch.upper(), licensed=args.licensed, test=args.test)
            print(_("Oddział {symbol}: {mode}, zapisano plik {seq}.").format(
                symbol=args.branch.upper(), mode=report.mode, seq=report.seq_written))
            return EXIT_OK
        from sync.branch import synchronise
        report = synchronise(args.folder, test=args.test)
        print(_("Synchronizacja: {mode}; wczytano plik {read}, zapisano plik {written}.").format(
            mode=report.mode, read=report.seq_read, written=report.seq_written))
        return EXIT_OK
    except XloRefused as exc:
        print(_("Plik odrzucony: {msg}").format(msg=exc), file=sys.stderr)
        return EXIT_FAILED
    except FiliaError as exc:
        print(_("Błąd: {msg}").format(msg=exc), file=sys.stderr)
        from store.errors import NotFound
        return EXIT_USAGE if isinstance(exc, NotFound) else EXIT_FAILED
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="filia sync")
    p.add_argument("--db", required=True)
    add_arguments(p)
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    # Without the key store's word (`python -m sync.cli`, the kill harness's entry): a DEMO installation's files,
    # and an HQ that does not claim a license. Only `filia sync` (tui/commands/sync.py) reads the key store.
    args.test, args.licensed = True, False
    return run(args, args.db)


if __name__ == "__main__":
    sys.exit(main())
