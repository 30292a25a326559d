"""The generic list engine, driven by keys through Pilot on a real SQLite file."""
from __future__ import annotations

import openpyxl
import pytest

from store.catalog import Goods
from store.parties import Contractor
from tui.screens.list_screen import ListScreen

SIZE = (120, 30)


async def _open(app, pilot, key):
    screen = app.action_open_list(key)
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, ListScreen)
    return screen


def _codes_sorted_by(column):
    return [c.id for c in sorted(Contractor.select(), key=lambda c: (getattr(c, column).lower(), c.id))]


@pytest.mark.rule("PRC-9")
async def test_list_shows_count_and_first_page_without_reading_everything(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot, "goods")
        vl = screen.list
        assert vl.total == Goods.select().count() == 300
        assert len(vl.window.rows) < 300  # only the visible page was read
        assert "Rekordów: 300" in str(screen.query_one("#list-status").render())
        first = min(Goods.select(), key=lambda g: (g.code.lower(), g.id))
        assert vl.cursor_id == first.id


async def test_navigation_keys_walk_the_list_in_order(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot, "contractors")
        order = _codes_sorted_by("code")
        await pilot.press("down", "down")
        assert screen.list.cursor_id == order[2]
        await pilot.press("pagedown")
        assert screen.list.cursor_id == order[2 + screen.list.page_size]
        await pilot.press("end")
        assert screen.list.cursor_id == order[-1]
        await pilot.press("home")
        assert screen.list.cursor_id == order[0]


@pytest.mark.rule("CTR-8")
async def test_locator_jumps_on_the_sorted_column(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot, "contractors")
        await pilot.press("f3")  # sort by name
        assert screen.query_.sort == "name"
        target = sorted(Contractor.select(), key=lambda c: (c.name.lower(), c.id))[30]
        for ch in target.name[:6]:
            await pilot.press(ch if ch != " " else "space")
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
        got = Contractor.get_by_id(screen.list.cursor_id)
        assert got.name.lower().startswith(target.name[:6].lower())
        first_match = min((c for c in Contractor.select() if c.name.lower().startswith(target.name[:6].lower())),
                          key=lambda c: (c.name.lower(), c.id))
        assert got.id == first_match.id
        assert screen.list.cursor == _codes_sorted_by("name").index(got.id)


async def test_marks_are_ids_and_survive_refresh_and_resort(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot, "contractors")
        order = _codes_sorted_by("code")
        await pilot.press("space", "space", "down", "space")  # marks rows 0, 1 and 3
        marked = {order[0], order[1], order[3]}
        assert set(screen._selected_ids()) == marked
        await pilot.press("f5")
        await pilot.press("f3")
        assert set(screen._selected_ids()) == marked
        await pilot.press("ctrl+y")  # invert
        assert len(screen._selected_ids()) == 60 - 3
        await pilot.press("ctrl+u")  # unmark all -> the highlighted row only
        assert screen._selected_ids() == [screen.list.cursor_id]
        await pilot.press("ctrl+l")  # mark all
        assert "zaznaczonych: 60" in str(screen.query_one("#list-status").render())


async def test_refresh_keeps_the_cursor_on_the_same_record_after_inserts(filia_app):
    from store.bulk import bulk_insert
    from store.db import write

    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot, "contractors")
        await pilot.press("down", "down", "down")
        keep = screen.list.cursor_id
        with write():  # another session adds rows that sort before the cursor
            bulk_insert(Contractor, ({"code": f"A{i:03d}", "name": f"Nowy {i}", "city": "Kraków"} for i in range(5)))
        await pilot.press("f5")
        assert screen.list.cursor_id == keep
        assert screen.list.total == 65
        assert screen.list.cursor == 3 + 5


async def test_filter_line_and_named_filters(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot, "contractors")
        city = Contractor.select().first().city
        await pilot.press("ctrl+f")
        for ch in city:
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        expected = Contractor.select().where(Contractor.city.contains(city)).count()
        assert screen.list.total == expected
        assert screen.list.has_focus
        Contractor.update(active=False).where(Contractor.id == screen.list.cursor_id).execute()
        screen.toggle_named_filter("inactive")
        await pilot.pause()
        assert screen.list.total == 1


async def test_export_all_filtered_rows_to_xlsx(filia_app, tmp_path):
    target = tmp_path / "kontrahenci.xlsx"
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot, "contractors")
        await pilot.press("ctrl+e")
        await pilot.pause()
        prompt = filia_app.screen.query_one("#prompt-input")
        prompt.value = str(target)
        await pilot.press("enter")
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
    wb = openpyxl.load_workbook(target, read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Kod", "Nazwa")
    expected = sorted(Contractor.select(), key=lambda c: (c.code.lower(), c.id))
    assert [r[0] for r in rows[1:]] == [c.code for c in expected]


async def test_lookup_mode_enter_picks_the_row(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        picked = []
        filia_app.push_screen(ListScreen(__import__("tui.lists", fromlist=["x"]).contractors(), lookup=True),
                              picked.append)
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert picked == [_codes_sorted_by("code")[1]]


async def test_escape_closes_the_list(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        await _open(filia_app, pilot, "goods")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(filia_app.screen, ListScreen)


async def test_ctrl_p_prints_the_filtered_list_to_a_text_file(filia_app, tmp_path):
    target = tmp_path / "wydruk.txt"
    async with filia_app.run_test(size=SIZE) as pilot:
        await _open(filia_app, pilot, "contractors")
        await pilot.press("ctrl+p")
        await pilot.pause()
        filia_app.screen.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
    text = target.read_text(encoding="utf-8")
    first = min(Contractor.select(), key=lambda c: (c.code.lower(), c.id))
    assert "Kontrahenci" in text and first.code in text and "Razem wierszy: 60" in text
