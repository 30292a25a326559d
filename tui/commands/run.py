"""`filia [--db PATH]`: open the TUI on an existing database (login screen)."""
from __future__ import annotations

from store.errors import DatabaseProblem
from store.i18n import _


def register(sub) -> None:
    p = sub.add_parser("run", help=_("uruchom Filię (domyślne polecenie)"))
    p.set_defaults(handler=run_app)


def open_existing(args):
    from store import config
    from store.db import display_url, open_database, resolve_url

    url = resolve_url(args.db)
    db = open_database(url)
    if not config.is_initialised():
        db.close()
        raise DatabaseProblem(_("Baza {url} nie została jeszcze utworzona. Uruchom „filia init”.").format(
            url=display_url(url)))
    return url, db


def follow_terminal_size() -> None:
    """Drop COLUMNS and LINES when a real terminal answers: Python's get_terminal_size (so Textual, on every
    resize) prefers them to the terminal, and a screen started with them exported never follows a resize."""
    import os
    import sys

    try:
        os.get_terminal_size(sys.__stderr__.fileno())
    except (OSError, ValueError, AttributeError):
        return                                  # no terminal (headless, piped): the variables are all there is
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)


def run_app(args, *, operator_login: str | None = None, seats_factory=None) -> int:
    """`seats_factory(args, url)` builds the session's seats; the shipped program always uses the installation
    key store with the compiled-in vendor keys (tests pass their own factory, e.g. with a test vendor key)."""
    from tui.app import FiliaApp
    from tui.crash import run_guarded
    from tui.seats import app_seats

    url, db = open_existing(args)
    follow_terminal_size()
    factory = seats_factory or app_seats
    app = FiliaApp(url, operator_login=operator_login, seats_factory=lambda: factory(args, url))
    try:
        return run_guarded(app)
    finally:
        if app.seats is not None:
            app.seats.close()
        db.close()
