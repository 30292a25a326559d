"""Sub-commands of `filia`. Each module exposes register(subparsers) and sets `handler`.

Only the command being run is imported and given its full arguments: `filia` alone must not pay
for importing the key manager's cryptography or the demo builder before the first frame.
"""
from __future__ import annotations

import importlib

from store.i18n import _

# Order is the order of `filia --help`; the help text is here so --help needs no imports.
COMMANDS = {
    "run": "uruchom Filię (domyślne polecenie)",
    "init": "utwórz nową bazę firmy (kreator pierwszego uruchomienia)",
    "demo": "zbuduj bazę demonstracyjną i otwórz ją",
    "keys": "menadżer kluczy licencyjnych (moduły, stanowiska, aktywacja)",
    "sync": "synchronizacja centrala/oddział (pliki wymiany)",
}


def register_all(sub, argv: list[str] | None = None) -> None:
    chosen = next((a for a in (argv or []) if a in COMMANDS), None)
    for name, help_text in COMMANDS.items():
        if name == chosen:
            importlib.import_module(f"tui.commands.{name}").register(sub)
        else:
            sub.add_parser(name, help=_(help_text))
