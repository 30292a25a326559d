"""Every user-visible string of the trade core and the stock area has an English translation with the same
placeholders, and English reaches the user."""
from __future__ import annotations

import re
from pathlib import Path

import polib

from tests.test_i18n_core import collect, english

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "store" / "trade").glob("*.py")) + sorted((ROOT / "store" / "warehouse").glob("*.py"))
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_every_trade_message_has_an_english_translation():
    table = english()
    found = set()
    for path in FILES:
        found |= collect(path)
    assert len(found) > 40
    assert sorted(m for m in found if not table.get(m)) == []
    for entry in polib.pofile(str(ROOT / "store" / "locale" / "en" / "trade.po")):
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


def test_an_english_shortage_reaches_the_user(monkeypatch):
    from decimal import Decimal

    from store import i18n
    from store.warehouse import Shortage

    monkeypatch.setenv("FILIA_LANG", "en")
    i18n.reset()
    try:
        assert str(Shortage([("A", "MAGAZYN", Decimal("1.5"))])) == "Not enough of goods A in warehouse MAGAZYN (1,5 missing)."
    finally:
        monkeypatch.delenv("FILIA_LANG")
        i18n.reset()
