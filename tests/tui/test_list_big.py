"""The list engine on a big list (issue 10 §2), driven through Pilot on a real SQLite demo file: a new
sort or filter shows its rows before anything is counted, a worker then puts them at their true
position, and no key ever acts on a row other than the one the window holds at the cursor. "Big" is
made small here: SYNC_MAX (the size up to which a list counts at once) is lowered for these tests."""
from __future__ import annotations

import random
import threading

import pytest

from store.catalog import Goods
from store.textkey import fold, sort_key
from tui.screens.list_screen import ListScreen
from tui.widgets import virtual_list

SIZE = (120, 30)


@pytest.fixture
def big(monkeypatch):
    monkeypatch.setattr(virtual_list, "SYNC_MAX", 20, raising=False)


def _order(column: str, term: str = "") -> list[int]:
    rows = [g for g in Goods.select() if not term or any(fold(term) in fold(getattr(g, c) or "")
                                                         for c in ("code", "name", "ean"))]
    if column == "ean":
        return [g.id for g in sorted(rows, key=lambda g: (g.ean, g.id))]
    return [g.id for g in sorted(rows, key=lambda g: (sort_key(getattr(g, column)), g.id))]


async def _open(app, pilot, key="goods") -> ListScreen:
    screen = app.action_open_list(key)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, ListScreen)
    return screen


def _consistent(vl, order: list[int]) -> None:
    """The window is a run of the true order (at its true place once settled); the cursor is on it.
    While a slow filter reads its first rows the list is empty and no record is under the cursor."""
    if vl.searching:
        assert not vl.window.rows and vl.cursor_id is None
        return
    ids = [r[0] for r in vl.window.rows]
    first = order.index(ids[0])
    assert ids == order[first:first + len(ids)]
    if vl.settled:
        assert vl.window.start == first and vl.total == len(order)
    assert vl.window.get(vl.cursor)[0] == vl.cursor_id


class Spy:
    """Counts store calls that read a whole range (count, position, offset page) per thread."""

    def __init__(self, query) -> None:
        import threading

        self.calls: list[tuple[str, bool]] = []
        main = threading.main_thread()
        for name in ("count", "index_of", "page_at"):
            original = getattr(query, name)

            def wrapped(*args, _name=name, _orig=original):
                self.calls.append((_name, threading.current_thread() is main))
                return _orig(*args)
            setattr(query, name, wrapped)

    def on_ui_thread(self) -> list[str]:
        return [name for name, ui in self.calls if ui]


async def test_a_new_order_opens_at_the_record_without_counting_first(filia_app, big):
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot)
        vl = screen.list
        by_code, by_name = _order("code"), _order("name")
        target = by_code[150]
        vl.move_to_id(target)
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
        assert vl.cursor == 150 and vl.cursor_id == target
        spy = Spy(vl.query)
        screen.sort_by("name")
        # at once: the same record under the cursor, its neighbours in name order, nothing counted here
        assert vl.cursor_id == target and spy.on_ui_thread() == []
        _consistent(vl, by_name)
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
        assert vl.settled and vl.cursor == by_name.index(target) and vl.cursor_id == target
        _consistent(vl, by_name)
        assert "page_at" not in [name for name, _ui in spy.calls]
        await pilot.press("down", "down", "up")
        assert vl.cursor_id == by_name[by_name.index(target) + 1]
        _consistent(vl, by_name)


async def test_a_filter_shows_its_first_rows_and_counts_in_a_worker(filia_app, big):
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot)
        vl = screen.list
        spy = Spy(vl.query)
        screen.apply_filter("NY ")
        expected = _order("code", "ny ")
        assert 20 < len(expected) < 300
        assert vl.count is None and spy.on_ui_thread() == []
        assert "Rekordów: liczę…" in str(screen.query_one("#list-status").render())
        assert [r[0] for r in vl.window.rows[:5]] == expected[:5]
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
        assert vl.count == len(expected) and vl.settled
        assert f"Rekordów: {len(expected)}" in str(screen.query_one("#list-status").render())
        await pilot.press("end")
        assert vl.cursor_id == expected[-1]


async def test_keys_during_and_after_counting_act_on_the_row_shown(filia_app, big):
    """A random walk of keys, sorts, filters and locator jumps, sometimes before the workers end:
    the window is always a run of the true order with the cursor on it, and exact once settled."""
    rng = random.Random(11)
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot)
        vl = screen.list
        sort, term = "code", ""
        for step in range(60):
            action = rng.choice(["down", "up", "pagedown", "pageup", "home", "end", "sort", "filter", "locate"])
            if action == "sort":
                sort = rng.choice(["code", "name", "ean"])
                screen.sort_by(sort)
            elif action == "filter":
                term = rng.choice(["", "", "ŚRUBA", "klucz", "mo", "T0001"])
                screen.apply_filter(term)
            elif action == "locate" and sort == "name":
                for ch in rng.choice(["k", "ś", "Ż", "pę"]):
                    await pilot.press(ch)
            elif action not in ("sort", "filter", "locate"):
                await pilot.press(action)
            order = _order(sort, term)
            if order:
                _consistent(vl, order)
            if rng.random() < 0.5:
                await filia_app.workers.wait_for_complete()
                await pilot.pause()
                if order:
                    assert vl.settled, step
                    _consistent(vl, order)
                    assert vl.cursor == order.index(vl.cursor_id)


async def test_a_two_letter_filter_reads_its_rows_in_a_worker(filia_app, big):
    """A term the index cannot answer walks the rows one by one: on a big list no key waits for it."""
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot)
        vl = screen.list
        spy = Spy(vl.query)
        pages, gate = vl.pages_read, threading.Event()
        original = vl.query.page_after

        def held(*args):   # the worker's walk takes as long as the test wants
            if threading.current_thread() is not threading.main_thread():
                gate.wait(10)
            return original(*args)
        vl.query.page_after = held
        screen.apply_filter("żA")
        assert vl.searching and vl.pages_read == pages and vl.cursor_id is None and spy.on_ui_thread() == []
        await pilot.press("enter", "space", "down")      # nothing to open or mark yet
        assert vl.searching and not vl.marks.any() and filia_app.screen is screen
        assert "Rekordów: liczę…" in str(screen.query_one("#list-status").render())
        gate.set()
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
        expected = _order("code", "ża")
        assert 5 < len(expected) < 100
        assert not vl.searching and vl.settled and vl.count == len(expected)
        assert [r[0] for r in vl.window.rows] == expected[:len(vl.window.rows)]


async def test_narrow_screen_keeps_kod_and_cuts_long_names(filia_app):
    from store.parties import Contractor

    async with filia_app.run_test(size=(200, 30)) as pilot:
        screen = await _open(filia_app, pilot, "contractors")
        vl = screen.list
        wide = [c.title for _i, c, _w in vl.layout(200)]
        assert wide == ["Kod", "Nazwa", "NIP", "EAN", "Kod pocztowy", "Miasto", "Ulica", "Telefon", "Uwagi"]  # CTR-2
        narrow = [c.title for _i, c, _w in vl.layout(78)]
        assert narrow[:2] == ["Kod", "Nazwa"] and "Uwagi" not in narrow and "Miasto" in narrow
        row = vl.row_at(0)
        long = (row[0], row[1], "Przedsiębiorstwo Handlowo-Usługowe Wielka Nazwa Łódź Sp. z o.o.") + row[3:]
        name_width = dict((c.name, w) for _i, c, w in vl.layout(78))["name"]
        text = vl.format_row(long, 78)
        cut = long[2][:name_width - 1] + "…"
        assert cut in text and long[2] not in text
        assert Contractor.get_by_id(row[0]).code in text
