"""English catalogue of the core modules (store core + TUI shell): complete, placeholder-safe, and in use.

The msgids are re-collected from the sources with `ast`, so a Polish string added to one of these
modules without an English translation fails here.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest

from tests.tui.conftest import demo_template, demo_url, filia_app  # noqa: F401  (Pilot fixtures: a real SQLite demo company)

ROOT = Path(__file__).resolve().parents[1]

STORE_FILES = ("store/db.py", "store/base.py", "store/schema.py", "store/config.py", "store/setup.py", "store/create.py",
               "store/validation.py",
               "store/errors.py", "store/lists.py", "store/paging.py", "store/demo.py", "store/bulk.py",
               "store/printout.py")
TUI_FILES = ("tui/cli.py", "tui/app.py", "tui/keymap.py", "tui/lists.py", "tui/seats.py", "tui/commands/__init__.py",
             "tui/commands/run.py", "tui/commands/demo.py", "tui/commands/init.py", "tui/screens/list_screen.py",
             "tui/screens/login.py", "tui/screens/main_menu.py", "tui/screens/help.py",
             "tui/screens/setup_wizard.py", "tui/widgets/confirm.py", "tui/widgets/prompt.py",
             "tui/widgets/virtual_list.py", "tui/screens/list_delete.py", "tui/palette.py", "tui/widgets/key_bar.py", "tui/widgets/form.py",
             "tui/widgets/form_field.py", "tui/widgets/form_screen.py", "tui/widgets/form_stale.py",
             "tui/widgets/form_grid.py", "tui/widgets/form_tabs.py", "tui/widgets/lookup.py", "tui/write_wait.py",
             "tui/screens/contractor_groups.py", "tui/screens/contractor_card.py", "tui/crash.py")
STORE_FILES += ("store/library_text.py", "store/references.py", "store/parties/groups.py", "store/gridrows.py",
                "store/demo_trade.py")

# Literals that reach `_()` through a variable: name of the table -> how to read its msgids
# (HELP: a widget's F1 text, shown by FiliaApp.action_help).
TABLES = {"COMMANDS": "dict_values", "FIXED_REASONS": "dict_values", "FIELDS": "tuple_item_1", "HELP": "text",
          "_OS_REASONS": "dict_values", "TEXTUAL_LABELS": "dict_values"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _text(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _table_msgids(name: str, value: ast.AST) -> list[str]:
    how = TABLES.get(name)
    if how == "text":
        return [t for t in [_text(value)] if t]
    if how == "dict_values" and isinstance(value, ast.Dict):
        return [t for t in map(_text, value.values) if t]
    if how == "tuple_item_1" and isinstance(value, (ast.List, ast.Tuple)):
        return [t for elt in value.elts if isinstance(elt, ast.Tuple) and len(elt.elts) > 1
                for t in [_text(elt.elts[1])] if t]
    return []


def collect(path: Path) -> set[str]:
    """Every msgid of one module: `_("...")` literals, KeyAction labels and the tables passed to `_()`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None)
            if name == "_" and node.args and _text(node.args[0]):
                found.add(_text(node.args[0]))
            elif name == "KeyAction":
                label = node.args[5] if len(node.args) > 5 else next(
                    (k.value for k in node.keywords if k.arg == "label"), None)
                if _text(label):
                    found.add(_text(label))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and node.value is not None:
                    found.update(_table_msgids(target.id, node.value))
    return found


def collect_all(files) -> set[str]:
    return set().union(*(collect(ROOT / f) for f in files))


def english() -> dict[str, str]:
    """What store.i18n would load for English: every en/*.po of store/, tui/ (and keys/, for completeness)."""
    table: dict[str, str] = {}
    for base in ("store", "tui", "keys"):
        for po_path in sorted((ROOT / base / "locale" / "en").glob("*.po")):
            for entry in polib.pofile(str(po_path)):
                if entry.msgstr and not entry.obsolete:
                    table[entry.msgid] = entry.msgstr
    return table


@pytest.mark.parametrize("files", [STORE_FILES, TUI_FILES], ids=["store", "tui"])
def test_every_core_message_has_an_english_translation(files):
    msgids = collect_all(files)
    assert len(msgids) > 20  # the collector really reads the modules
    table = english()
    missing = sorted(m for m in msgids if not table.get(m, "").strip())
    assert missing == []


@pytest.mark.parametrize("po_name", ["store/locale/en/core.po", "tui/locale/en/shell.po"])
def test_translations_keep_placeholders_and_are_english(po_name):
    entries = [e for e in polib.pofile(str(ROOT / po_name)) if e.msgid]
    assert entries
    for entry in entries:
        assert entry.msgstr.strip(), entry.msgid
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid
        assert not re.search(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ„”]", entry.msgstr), entry.msgid


@pytest.fixture
def english_ui(monkeypatch):
    from store import i18n

    monkeypatch.setenv("FILIA_LANG", "en")
    i18n.reset()
    yield
    monkeypatch.setenv("FILIA_LANG", "pl")
    i18n.reset()


def test_validation_message_is_english(english_ui):
    from store.errors import ValidationError
    from store.validation import nip

    with pytest.raises(ValidationError) as info:
        nip("123")
    assert info.value.errors == {"nip": 'Field "NIP": invalid NIP number "123" (wrong check digit or length).'}


def test_polish_is_back_after_the_switch():
    from store.errors import ValidationError
    from store.validation import nip

    with pytest.raises(ValidationError) as info:
        nip("123")
    assert info.value.errors["nip"].startswith("Pole „NIP”")


async def test_main_menu_and_list_are_english(english_ui, filia_app):
    from textual.widgets import OptionList, Static

    from tui.screens.list_screen import ListScreen
    from tui.screens.main_menu import MainMenu

    async with filia_app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        menu = filia_app.screen
        assert isinstance(menu, MainMenu)
        assert str(menu.query_one("#menu-title", Static).render()) == "Main menu"
        options = menu.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Contractors" in p for p in prompts)
        assert not any("Kontrahenci" in p for p in prompts)

        filia_app.action_open_list("contractors")
        await pilot.pause()
        await pilot.pause()
        screen = filia_app.screen
        assert isinstance(screen, ListScreen)
        assert str(screen.query_one("#list-title", Static).render()) == "Contractors"
        header = str(screen.query_one("#list-header", Static).render())
        assert "Name" in header and "Nazwa" not in header
