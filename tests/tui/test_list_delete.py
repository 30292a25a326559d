"""Delete and serial operations on the marked rows (CTR-19, CTR-29), through Pilot on a real SQLite
demo file: one question naming how many rows, every marked row through the list's delete rule, a report
of the refused ones with the reason; nothing but the marked rows changes (tests/dbdump.py)."""
from __future__ import annotations

import pytest

from store.catalog import Goods
from store.textkey import sort_key
from tests.dbdump import diff, dump
from tui.screens.list_screen import ListScreen

SIZE = (120, 30)


def _by_code() -> list[int]:
    return [g.id for g in sorted(Goods.select(), key=lambda g: (sort_key(g.code), g.id))]


async def _open(app, pilot) -> ListScreen:
    screen = app.action_open_list("goods")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def _in_packaging_scheme(goods_id: int) -> None:
    from store.catalog import PackagingSchemeItem
    from store.catalog.dict_rules import create_entry

    scheme = create_entry("packaging_scheme", code="SKRZ", name="Skrzynka")
    PackagingSchemeItem.create(scheme=scheme.id, package=goods_id)   # PRC-12: such an item may not go


@pytest.mark.rule("CTR-19", "PRC-12")
async def test_delete_acts_on_the_marked_rows_and_reports_the_refused(filia_app):
    from tui.widgets.confirm import ConfirmDialog

    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot)
        order = _by_code()
        keep = Goods.get_by_id(order[-2])
        _in_packaging_scheme(keep.id)
        before = dump(exclude={"schema_migration"})
        await pilot.press("end", "up", "up", "space", "space", "space")   # the last three rows
        marked = order[-3:]
        assert screen.list.cursor_id == order[-1]
        await pilot.press("up", "up", "up")                                # the cursor elsewhere: marks rule
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(filia_app.screen, ConfirmDialog)
        assert "Zaznaczonych: 3." in filia_app.screen.message
        await pilot.press("t")
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
        from tui.screens.list_delete import DeleteReportScreen

        report = filia_app.screen
        assert isinstance(report, DeleteReportScreen)
        assert report.summary() == "Usunięto: 2. Nie usunięto: 1."
        [line] = report.lines()
        assert line.startswith(f"{keep.code} – {keep.name}: ") and "opakowaniem" in line
        await pilot.press("escape")
        await pilot.pause()
        assert set(Goods.select(Goods.id).where(Goods.id.in_(order)).tuples()) == {(i,) for i in order if i in (
            set(order) - {marked[0], marked[2]})}
        assert screen.list.count == len(order) - 2
        assert screen.list.marks.contains(keep.id) and screen.list.marks.count(screen.list.count) == 1
        gone = {marked[0], marked[2]}
        after = dump(exclude={"schema_migration"})
        for table, (cols, rows) in before.items():      # only the two cards and their own rows went
            column = "id" if table == "goods" else "goods_id" if "goods_id" in cols else None
            expected = [r for r in rows if column is None or r[cols.index(column)] not in gone]
            assert after[table] == (cols, expected), diff({table: before[table]}, {table: after[table]})


async def test_delete_with_nothing_marked_asks_about_the_highlighted_row_after_end(filia_app):
    from tui.widgets.confirm import ConfirmDialog

    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot)
        order = _by_code()
        await pilot.press("end", "up", "up")
        target = Goods.get_by_id(order[-3])
        assert screen.list.cursor_id == target.id
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(filia_app.screen, ConfirmDialog)
        assert f"„{target.code} – {target.name}”" in filia_app.screen.message
        await pilot.press("t")
        await pilot.pause()
        assert Goods.get_or_none(Goods.id == target.id) is None
        assert screen.list.cursor_id == order[-2]          # the next row takes the cursor


async def test_serial_operation_after_end_changes_only_the_marked_rows(filia_app):
    """CTR-29 / PSO: after End and a scroll the marks drawn are the rows the operation changes."""
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = await _open(filia_app, pilot)
        order = _by_code()
        await pilot.press("end", "up", "up", "up", "space", "down", "space")   # rows -4 and -2
        marked = {order[-4], order[-2]}
        assert set(screen._selected_ids()) == marked
        await pilot.press("home")                           # the cursor far away: the marks still rule
        before = {g.id: g.unit for g in Goods.select()}
        from tui.screens.serial_ops import OPERATIONS, SerialDialog

        op = next(o for o in OPERATIONS if o.id == "set_unit")
        filia_app.action_list_command(op.id)
        await pilot.pause()
        dialog = filia_app.screen
        assert isinstance(dialog, SerialDialog) and set(dialog.goods_ids) == marked
        new_unit = next(u for u in ("kg", "m", "l", "szt") if all(before[i] != u for i in marked))
        report = op.run(dialog.goods_ids, {"unit": new_unit, "confirmed": True})
        assert {c.goods_id for c in report.changed} == marked
        after = {g.id: g.unit for g in Goods.select()}
        assert {i for i in after if after[i] != before[i]} == marked
