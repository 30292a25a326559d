"""Sub-commands of `filia`. Each module exposes register(subparsers) and sets `handler`."""
from __future__ import annotations

import importlib

# Order is the order of `filia --help`.
COMMAND_MODULES = ["run", "init", "demo", "keys"]


def register_all(sub) -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"tui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"tui.commands.{name}":
                continue  # not built yet
            raise
        module.register(sub)
