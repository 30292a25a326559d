"""Every user-visible catalogue message has an English translation with the same placeholders."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]


# The store modules of the catalogue issue (other people's modules in the package keep their own check).
MODULES = ("card", "dict_reference", "dict_rules", "dict_tree", "dictionaries", "discounts", "goods", "goods_codes",
           "goods_copy", "hq_prices", "listing", "models", "money", "oss", "prices", "promotions", "quote", "rates",
           "roles",
           "seed",
           "serial", "serial_codes", "serial_more", "summary", "usage")


def _msgids() -> set[str]:
    found = set()
    paths = [ROOT / "store" / "catalog" / f"{m}.py" for m in MODULES] + [ROOT / "sync" / "nbp.py"]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def test_catalog_po_covers_every_message():
    po = {e.msgid: e.msgstr for e in polib.pofile(str(ROOT / "store" / "locale" / "en" / "catalog.po"))}
    missing = sorted(m for m in _msgids() if not po.get(m))
    assert missing == []
    for msgid, msgstr in po.items():
        assert sorted(re.findall(r"\{\w+\}", msgid)) == sorted(re.findall(r"\{\w+\}", msgstr)), msgid


def test_english_refusal_reaches_the_user(monkeypatch):
    from store import i18n
    from store.catalog.roles import _BRANCH_REASONS

    monkeypatch.setenv("FILIA_LANG", "en")
    i18n.reset()
    try:
        assert i18n._(_BRANCH_REASONS["goods_new"]) == "Goods cannot be added in a branch – the price list comes from HQ."
    finally:
        monkeypatch.setenv("FILIA_LANG", "pl")
        i18n.reset()
