"""Every user-visible string of keys/ has an English translation with the same placeholders."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]


def msgids(paths):
    out = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                out.add(node.args[0].value)
    return out


def check(paths, po_path, extra=()):
    table = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if e.msgstr}
    wanted = msgids(paths) | set(extra)
    assert sorted(wanted - set(table)) == []
    for msgid in wanted:
        assert set(re.findall(r"\{[^}]*\}", msgid)) == set(re.findall(r"\{[^}]*\}", table[msgid])), msgid


def test_keys_catalogue_is_complete():
    from keys.evaluate import KEY_STATES, KEY_TYPE_LABELS

    check(sorted((ROOT / "keys").glob("*.py")), ROOT / "keys/locale/en/keys.po",
          list(KEY_STATES.values()) + list(KEY_TYPE_LABELS.values()))


def test_key_manager_screen_catalogue_is_complete():
    from tui.screens.key_manager import KIND_LABELS, TYPE_LABELS

    check([ROOT / "tui/screens/key_manager.py", ROOT / "tui/commands/keys.py"], ROOT / "tui/locale/en/key_manager.po",
          list(KIND_LABELS.values()) + list(TYPE_LABELS.values()))
