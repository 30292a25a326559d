"""The app's link to keys/: the session's seat manager (module checkout, status line, DEMO)."""
from __future__ import annotations

import os


def app_seats(args, db_url: str = ""):
    """A SessionSeats for this session (DEMO mode when no license is installed).

    FILIA_NO_LICENSING=1 turns licensing off (tests of other features run without a key store).
    """
    if os.environ.get("FILIA_NO_LICENSING") == "1":
        return None
    from keys.manager import SessionSeats
    from store import config
    from store.db import display_url
    from tui.commands.keys import open_manager

    comp = config.company()
    # the key store keeps it in seat rows and shows it: never a database password
    manager = open_manager(args, company_nip_value=comp.nip if comp else None, company_db=display_url(db_url))
    manager.install_signal_handlers()  # SIGTERM/SIGHUP give the seats back at once
    return SessionSeats(manager)
