"""Every Polish message of the catalogue screens has an English translation with the same placeholders."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ["tui/screens/goods_card.py", "tui/screens/price_table.py", "tui/screens/serial_ops.py",
           "tui/screens/catalog_commands.py", "tui/screens/pricelist_import.py", "tui/screens/dictionaries.py",
           "tui/screens/group_tree.py",
           "store/catalog/card_save.py", "store/catalog/list_specs.py"]
CATALOGUES = ["tui/locale/en/catalog.po", "store/locale/en/catalog_screens.po", "store/locale/en/catalog.po",
              "store/locale/en/core.po", "store/locale/en/parties.po", "store/locale/en/pricelist_io.po",
              "tui/locale/en/shell.po", "tui/locale/en/contractor_card.po"]


def _literal_msgids() -> set[str]:
    found = set()
    for rel in SCREENS:
        for node in ast.walk(ast.parse((ROOT / rel).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def _table_msgids() -> set[str]:
    """Labels kept in tables and translated where shown."""
    from store.catalog import card_save, list_specs
    from tui.screens import goods_card, serial_ops

    out = set(goods_card.LABELS.values()) | set(goods_card.EMPTY_TABS.values())
    out |= {op.label for op in serial_ops.OPERATIONS} | set(list_specs.LABELS.values())
    out |= {label for values in list_specs.ENUMS.values() for label, _v in values}
    out |= {v.title for v in list_specs.DICTIONARIES.values()} | set(card_save.ITEM_TYPE_LABELS.values())
    return out


def test_every_catalogue_screen_message_is_translated():
    english = {}
    for rel in CATALOGUES:
        for e in polib.pofile(str(ROOT / rel)):
            if e.msgstr:
                english[e.msgid] = e.msgstr
    missing = sorted(m for m in _literal_msgids() | _table_msgids() if m not in english)
    assert missing == []
    for rel in ("tui/locale/en/catalog.po", "store/locale/en/catalog_screens.po"):
        for e in polib.pofile(str(ROOT / rel)):
            assert sorted(re.findall(r"\{\w+\}", e.msgid)) == sorted(re.findall(r"\{\w+\}", e.msgstr)), e.msgid
