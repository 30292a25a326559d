"""Saving a card while other sessions write (issue 16, the card's side): the card keeps the version it loaded;
a stale save is refused with who changed the record and when, the differing fields theirs / yours, and a
reload that keeps the clerk's edits elsewhere; a save waits for another session's write lock off the UI
thread and says so; a database error leaves the card open with the edit. Another session is a real process
on the same SQLite file."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from store.catalog import Goods
from store.config import VatRate
from store.parties import Contractor
from tui.screens.contractor_card import ContractorCard
from tui.screens.goods_card import GoodsCard
from tui.widgets.confirm import ChoiceDialog

from tests.dbdump import assert_same, dump
from tests.tui.card_helpers import card_ready, keys_of, open_card, save, settle, type_into

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parents[2]


def other_session(url: str, code: str) -> None:
    """Run `code` in another process as operator KASIA on the same database (store functions only)."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from store.db import open_database
        from store.base import set_session_operator
        db = open_database({url!r})
        set_session_operator("KASIA")
    """) + textwrap.dedent(code)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def hold_write_lock(url: str, seconds: float) -> subprocess.Popen:
    """Another process holding SQLite's write lock (BEGIN IMMEDIATE) for a while; returns once it holds it."""
    path = url.removeprefix("sqlite:///")
    script = textwrap.dedent(f"""
        import sqlite3, sys, time
        con = sqlite3.connect({path!r}, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep({seconds})
        con.execute("COMMIT")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


async def test_stale_contractor_save_shows_theirs_and_yours_and_reload_keeps_my_edits(filia_app, demo_url):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "contractors")
        assert isinstance(card, ContractorCard)
        cid = card.contractor_id
        await type_into(pilot, "name", "Moja nazwa")
        await type_into(pilot, "phone", "111 222 333")
        other_session(demo_url, f"""
            from store import parties
            parties.update_contractor({cid}, {{"name": "Ich nazwa", "city": "Władysławowo"}})
        """)
        stored = dump()
        await save(pilot)
        assert dump() == stored                                  # nothing written
        dialog = filia_app.screen
        assert isinstance(dialog, ChoiceDialog)
        text = str(dialog.query_one("#confirm-message").render())
        assert "KASIA" in text and "Kartę zmienił w międzyczasie" in text
        name_line = next(line for line in text.splitlines() if "Nazwa" in line and "Ich nazwa" in line)
        assert "Moja nazwa" in name_line                         # theirs / yours on one line
        assert any("Miasto" in line and "Władysławowo" in line for line in text.splitlines()), text
        await pilot.press("w")                                   # reload: theirs, and my edits elsewhere
        await pilot.pause()
        assert filia_app.screen is card
        assert card.get_value("city") == "Władysławowo" and card.get_value("phone") == "111 222 333"
        assert card.get_value("name") == "Ich nazwa"             # both changed it: theirs, mine was shown
        assert card.is_dirty
        await save(pilot)
        assert filia_app.screen is not card
    c = Contractor.get_by_id(cid)
    assert (c.name, c.city, c.phone, c.modified_by) == ("Ich nazwa", "Władysławowo", "111 222 333", "ADMIN")


async def test_stale_goods_save_is_refused_then_saved_after_reload(filia_app, demo_url):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "goods")
        assert isinstance(card, GoodsCard)
        gid = card.goods_id
        await type_into(pilot, "name", "Nazwa z tej sesji")
        eight = VatRate.get(VatRate.code == "8")
        other_session(demo_url, f"""
            from store.catalog.goods import update_goods
            update_goods({gid}, vat_rate={eight.id})
        """)
        await save(pilot)
        assert isinstance(filia_app.screen, ChoiceDialog)
        assert Goods.get_by_id(gid).name != "Nazwa z tej sesji"
        await pilot.press("w")
        await pilot.pause()
        assert card.get_value("vat_rate") == eight.id
        await save(pilot)
    g = Goods.get_by_id(gid)
    assert (g.name, g.vat_rate_id) == ("Nazwa z tej sesji", eight.id)   # the 8 % stays: no stale VAT sent back


async def test_a_save_waiting_for_another_sessions_write_says_so_and_then_saves(filia_app, demo_url):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "contractors")
        cid = card.contractor_id
        await type_into(pilot, "city", "Poczekalnia")
        locker = hold_write_lock(demo_url, 4.0)
        try:
            await pilot.press("ctrl+s")
            started = time.monotonic()
            seen, saving = "", False
            while time.monotonic() - started < 3.0 and "Czekam na zapis innej sesji" not in seen:
                await pilot.pause(0.1)
                if card.query("#form-status"):
                    seen, saving = str(card.query_one("#form-status").render()), card.saving
            assert saving and "Czekam na zapis innej sesji" in seen    # told while it waits; the UI kept running
        finally:
            locker.wait(timeout=30)
        await settle(pilot)
        assert filia_app.screen is not card
    assert Contractor.get_by_id(cid).city == "Poczekalnia"


async def test_a_locked_database_refuses_the_save_and_the_card_keeps_the_edit(filia_app, demo_url):
    from store.db import open_database

    db = open_database(demo_url, busy_timeout_ms=800)            # a short wait, so the test is short
    try:
        async with filia_app.run_test(size=SIZE) as pilot:
            card = await open_card(pilot, "contractors")
            cid = card.contractor_id
            await type_into(pilot, "city", "Nie zapisane")
            before = dump()
            locker = hold_write_lock(demo_url, 4)
            try:
                await save(pilot)
            finally:
                locker.wait(timeout=30)
            assert filia_app.screen is card and not card.saving
            assert "zablokowana" in str(card.query_one("#form-errors").render())
            assert card.get_value("city") == "Nie zapisane" and card.is_dirty
            assert_same(before, dump())
            await pilot.press("escape")                          # the edit is still there: Esc asks
            await pilot.pause()
            assert isinstance(filia_app.screen, ChoiceDialog)
        assert Contractor.get_by_id(cid).city != "Nie zapisane"
    finally:
        db.close()


async def test_keys_typed_while_saving_wait_and_reach_the_list_in_order(filia_app, demo_url):
    # Ctrl+S then Down at once: the Down waits for the save and then moves the list's cursor (type-ahead).
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = filia_app.action_open_list("contractors")
        await pilot.pause()
        await pilot.pause()
        first = lst.list.cursor_id
        await pilot.press("f2")
        card = await card_ready(pilot)
        await type_into(pilot, "city", "Kolejno")
        locker = hold_write_lock(demo_url, 1.0)
        try:
            await pilot.press("ctrl+s", "down")
        finally:
            locker.wait(timeout=30)
        await settle(pilot)
        for _ in range(20):
            await pilot.pause(0.05)
        assert filia_app.screen is lst and card.is_attached is False
        assert lst.list.cursor_id != first
    assert Contractor.get_by_id(first).city == "Kolejno"


def test_keys_of_covers_the_text_typed_here():
    assert keys_of("a b") == ["a", "space", "b"]


async def test_stale_dictionary_form_save_is_refused_and_reloaded(filia_app, demo_url):
    from store.catalog.dictionaries import Unit
    from tui.screens.dictionaries import DictionaryForm

    unit = Unit.get(Unit.code == "kg")
    async with filia_app.run_test(size=SIZE) as pilot:
        filia_app.push_screen(DictionaryForm("units", unit.id))
        form = await card_ready(pilot)
        await type_into(pilot, "name", "kilogram (moja)")
        other_session(demo_url, f"""
            from store.catalog.dict_rules import update_entry
            update_entry("unit", {unit.id}, name="kilogram (ich)")
        """)
        await save(pilot)
        dialog = filia_app.screen
        assert isinstance(dialog, ChoiceDialog) and "KASIA" in str(dialog.query_one("#confirm-message").render())
        assert Unit.get_by_id(unit.id).name == "kilogram (ich)"
        await pilot.press("a")                                  # Anuluj: the card as it is, still refused
        await pilot.pause()
        assert filia_app.screen is form and form.get_value("name") == "kilogram (moja)"
        await save(pilot)
        await pilot.press("w")                                  # reload: theirs (both changed the name)
        await pilot.pause()
        await type_into(pilot, "name", "kilogram (uzgodniona)")
        await save(pilot)
        assert filia_app.screen is not form
    assert Unit.get_by_id(unit.id).name == "kilogram (uzgodniona)"


async def test_a_card_changed_only_in_a_grid_by_another_session_is_stale_too(filia_app, demo_url):
    from store.catalog.goods_codes import goods_eans

    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "goods")
        gid = card.goods_id
        await type_into(pilot, "name", "Moja nazwa towaru")
        other_session(demo_url, f"""
            from store.catalog import card_save
            card_save.save_goods_card({gid}, {{}}, grids={{"eans": [{{"ean": "5901234123457", "unit": "",
                                      "is_default": False, "description": "dodatkowy"}}]}},
                                      original_grids={{"eans": []}}, operator="KASIA")
        """)
        await save(pilot)
        assert isinstance(filia_app.screen, ChoiceDialog)           # their EAN code: the card is not current
        await pilot.press("w")
        await pilot.pause()
        await save(pilot)
    g = Goods.get_by_id(gid)
    assert g.name == "Moja nazwa towaru" and "5901234123457" in {e.ean for e in goods_eans(gid)}
