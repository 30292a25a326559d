"""Every user-visible string of the cash core (store.cash, store.numbering, store.gates, the Kasa/Bank screens) has an
English translation with the same placeholders, and English reaches the user."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

from tests.test_i18n_core import collect, english

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "store" / "cash").glob("*.py")) + [
    "store/numbering.py", "store/gates.py", "tui/screens/cash.py", "tui/screens/cash_cards.py"]
# Tables whose Polish texts reach _() through a variable: name -> positions of the texts in each tuple ("values" =
# the values of a dict).
TABLES = {"OPTIONS": "values", "PAYMENT_DIRECTION_LABELS": "values", "STATE_LABELS": "values", "KIND_LABELS": "values", "PAYMENT_STATUS_LABELS": "values",
          "REGISTER_KINDS": (0,), "ENTRY_KINDS": (0,), "MENU": (0, 1), "_BRANCH_REASONS": "values"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _table_texts(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
            continue
        how = TABLES.get(node.targets[0].id)
        if how is None:
            continue
        if how == "values" and isinstance(node.value, ast.Dict):
            values = node.value.values
            out |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
            out |= {e.value for v in values if isinstance(v, ast.Tuple) for e in v.elts[2:3]
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)}
        elif isinstance(node.value, (ast.List, ast.Tuple)):
            for elt in node.value.elts:
                if isinstance(elt, ast.Tuple):
                    out |= {elt.elts[i].value for i in how if i < len(elt.elts)
                            and isinstance(elt.elts[i], ast.Constant) and isinstance(elt.elts[i].value, str)}
    return out


def msgids() -> set[str]:
    found = set()
    for f in FILES + ["store/catalog/roles.py"]:
        found |= collect(ROOT / f) | _table_texts(ROOT / f)
    return found


def test_every_cash_message_has_an_english_translation():
    table = english()
    missing = sorted(m for m in msgids() if not table.get(m))
    assert missing == []
    for path in (ROOT / "store" / "locale" / "en" / "cash.po", ROOT / "tui" / "locale" / "en" / "cash.po"):
        for entry in polib.pofile(str(path)):
            assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


def test_english_refusal_reaches_the_user(monkeypatch, db):
    from datetime import date

    from store import cash, i18n
    from tests.store.cash_helpers import initialise

    initialise("branch")
    monkeypatch.setenv("FILIA_LANG", "en")
    i18n.reset()
    try:
        try:
            cash.save_register(None, None, symbol="KASA2")
        except Exception as exc:  # noqa: BLE001
            assert str(exc) == "Cash and bank registers are defined by HQ."
        else:
            raise AssertionError("a branch created a register")
        try:
            cash.create_report(1, date(2024, 1, 1))
        except Exception as exc:  # noqa: BLE001
            assert "The branch has not been synchronised with HQ yet" in str(exc)
    finally:
        monkeypatch.setenv("FILIA_LANG", "pl")
        i18n.reset()
