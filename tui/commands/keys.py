"""`filia keys …`: the key manager on the command line (KEY-256). Reads the company NIP from the database
given with --db (store may be imported here; keys/ may not) and hands it to keys/."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from store.i18n import _


def register(sub) -> None:
    from keys.cli import add_arguments

    p = sub.add_parser("keys", allow_abbrev=False, help=_("menadżer kluczy licencyjnych (moduły, stanowiska, aktywacja)"))
    add_arguments(p)
    p.set_defaults(handler=run_keys)


def keystore_path(args=None) -> Path:
    """--keystore PATH, else FILIA_KEYSTORE (or FILIA_KEY_STORE), else the user data dir (KEY-220)."""
    from keys.store import default_path

    explicit = getattr(args, "keystore", None) if args is not None else None
    return Path(explicit).expanduser() if explicit else default_path()


def company_nip(args) -> str | None:
    """The NIP of the company stamp of the database named by --db / FILIA_DB, if any."""
    if not (getattr(args, "db", None) or os.environ.get("FILIA_DB")):
        return None
    from store import config
    from store.db import open_database, resolve_url

    db = open_database(resolve_url(args.db))
    try:
        comp = config.company()
        return comp.nip if comp else None
    finally:
        db.close()


def open_manager(args=None, *, company_nip_value: str | None = None, operator: str = "", company_db: str = "",
                 key_number: str | None = None, trusted_keys=None):
    """The KeyManager a TUI session uses: the installation key store and the compiled-in vendor keys
    (`trusted_keys` is for tests, never read from the environment, KEY-203)."""
    from keys.manager import KeyManager
    from keys.trust import TRUSTED_KEYS

    return KeyManager(keystore_path(args), TRUSTED_KEYS if trusted_keys is None else trusted_keys,
                      company_nip_value, operator, company_db=company_db, key_number=key_number)


def run_keys(args, *, trusted_keys=None) -> int:
    from keys.cli import run
    from keys.trust import TRUSTED_KEYS

    nip = args.nip or (company_nip(args) if getattr(args, "keys_command", None) not in
                       ("keygen", "issue", "answer", "verify") else None)
    return run(args, trusted_keys=TRUSTED_KEYS if trusted_keys is None else trusted_keys,
               store_path=keystore_path(args), company_nip=nip, stdin=sys.stdin)
