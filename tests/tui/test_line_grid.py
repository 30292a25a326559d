"""The document item grid (tui.widgets.line_grid): what the clerk sees of its rows and cursor."""
from __future__ import annotations

from textual.app import App
from textual.widgets import Input

from tui.widgets.line_grid import LineGrid


class GridApp(App):
    def compose(self):
        yield LineGrid([("Kod", 5, False), ("Ilość", 5, True)], id="grid")
        yield Input("x", id="other")


def _row(app, y: int) -> tuple[str, object]:
    strip = app.screen._compositor.render_strips()[y]
    return strip.text, list(strip)[0].style.bgcolor


async def test_the_cursor_row_is_brighter_while_the_grid_has_the_focus_and_rows_repaint_when_changed():
    app = GridApp()
    async with app.run_test(size=(40, 10)) as pilot:
        grid = app.query_one(LineGrid)
        grid.set_rows([("A1", "1"), ("B2", "2"), ("C3", "3")], 1)
        grid.focus()
        await pilot.pause()
        focused = _row(app, 2)
        assert focused[0].startswith("B2") and focused[1] != _row(app, 1)[1]
        app.query_one("#other").focus()                    # the focus leaves: the cursor row dims
        await pilot.pause()
        assert _row(app, 2)[1] not in (focused[1], _row(app, 1)[1])
        grid.focus()                                       # and brightens again when it comes back
        await pilot.pause()
        assert _row(app, 2) == focused
        grid.set_rows([("A1", "1"), ("B2", "5"), ("C3", "3"), ("D4", "4")], 3)   # a changed and a new row
        await pilot.pause()
        assert [_row(app, y)[0].split() for y in (2, 4)] == [["B2", "5"], ["D4", "4"]]
        assert _row(app, 4)[1] == focused[1] and _row(app, 2)[1] == _row(app, 1)[1]
        grid.set_rows([("A1", "1")], 0)                    # removed rows leave blank lines
        await pilot.pause()
        assert _row(app, 2)[0].strip() == "" and _row(app, 1)[0].startswith("A1")


class WideGridApp(App):
    def compose(self):
        yield LineGrid([("Lp", 3, True), ("Nazwa", 26, False), ("Ilość", 9, True), ("Wartość", 12, True)], id="grid")


async def test_at_a_narrow_width_the_name_gives_way_and_the_value_column_stays_in_view():
    """At 80×24 the document grid's columns are wider than the screen: the name is cut, the value is not."""
    app = WideGridApp()
    async with app.run_test(size=(40, 6)) as pilot:
        app.query_one(LineGrid).set_rows([("1", "Śruba ocynkowana łódzka 12 mm", "3", "1 234,56")], 0)
        await pilot.pause()
        header, row = _row(app, 0)[0], _row(app, 1)[0]
        assert header.rstrip().endswith("Wartość") and row.rstrip().endswith("1 234,56")
        assert "Śruba ocynkowana…" in row or "Śruba ocynk" in row
