"""A serial operation runs in a worker (issue 16 §4): the dialog shows progress, refuses other keys with
the reason, Esc stops it after the batch in progress and the report lists the committed part; the
interrupted run is finished later by „Dokończ przerwaną operację seryjną” (exactly once)."""
from __future__ import annotations

import time
from decimal import ROUND_HALF_UP, Decimal

import pytest

from store.catalog import Goods, GoodsPrice, PriceType
from store.catalog import serial_runs
from tests.tui.test_serial_ops import SIZE, choose, open_goods, palette, type_field
from tui.screens.serial_ops import SerialDialog, SerialReportScreen
from tui.widgets.confirm import ConfirmDialog


def _slow_batches(monkeypatch) -> None:
    """Batches of 3 goods, each taking 0.15 s: the run lasts long enough for keys to arrive meanwhile."""
    from store.catalog import serial_sets

    apply = serial_sets._apply_prices

    def slow(run_id, ids, params, out):
        time.sleep(0.15)
        apply(run_id, ids, params, out)
    monkeypatch.setattr(serial_runs, "BATCH_FIRST", 3)
    monkeypatch.setattr(serial_runs, "BATCH_MAX", 3)
    serial_runs.register("change_prices", serial_sets._check_prices, slow)
    return apply


def _retail(pt) -> dict[int, Decimal]:
    return dict(GoodsPrice.select(GoodsPrice.goods, GoodsPrice.gross).where(GoodsPrice.price_type == pt.id).tuples())


async def _until(pilot, test, seconds: float = 15.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not test():
        await pilot.pause(0.05)
    assert test()


@pytest.mark.rule("PSO-12")
async def test_esc_stops_a_running_serial_change_and_the_rest_is_finished_once(filia_app, monkeypatch, tmp_path):
    from store.catalog import serial_sets

    original = _slow_batches(monkeypatch)
    retail = PriceType.get(PriceType.name == "detaliczna")
    before = _retail(retail)
    try:
        async with filia_app.run_test(size=SIZE) as pilot:
            lst = await open_goods(filia_app, pilot)
            await pilot.press("ctrl+l")                                      # mark all
            await pilot.pause()
            marked = set(lst._selected_ids())
            await palette(pilot, "Zmiana cen")
            dialog = filia_app.screen
            assert isinstance(dialog, SerialDialog)
            assert f"pozycji: {len(marked)}" in str(dialog.query_one("#serial-title").render())
            await choose(pilot, dialog, "price_type", "detaliczna")
            await type_field(pilot, dialog, "value", "10")
            await pilot.press("ctrl+s")
            await _until(pilot, lambda: "Wykonano" in str(dialog.query_one("#serial-error").render()))
            await pilot.press("x")                                           # refused, with the reason
            await pilot.pause()
            assert "Operacja w toku" in str(dialog.query_one("#serial-error").render())
            assert dialog.query_one("#f-value").value == "10"
            await pilot.press("escape")
            await _until(pilot, lambda: isinstance(filia_app.screen, SerialReportScreen))
            summary = str(filia_app.screen.query_one("#report-summary").render())
            assert "Przerwano: wykonano" in summary
            report = filia_app.screen.report
            assert 0 < report.done < report.total == len(marked)
            await pilot.press("escape")
            await pilot.pause()
            mid = _retail(retail)
            changed = {g for g in marked if mid.get(g) != before.get(g)}
            assert changed == {c.goods_id for c in report.changed}            # the report = the committed part
            serial_runs.register("change_prices", serial_sets._check_prices, original)
            await palette(pilot, "Zmiana cen")             # the same operation again: first offered to finish
            await _until(pilot, lambda: isinstance(filia_app.screen, ConfirmDialog))
            assert "została wcześniej przerwana" in str(filia_app.screen.query_one("#confirm-message").render())
            await pilot.press("enter")                                       # Tak: finish it
            await _until(pilot, lambda: isinstance(filia_app.screen, SerialReportScreen))
            final = filia_app.screen.report
            assert final.complete
            await pilot.press("ctrl+p")                                      # the whole report to a file
            await pilot.pause()
            target = tmp_path / "raport.txt"
            filia_app.focused.value = str(target)
            await pilot.press("enter")
            await _until(pilot, lambda: target.exists() and target.read_text(encoding="utf-8").count("\n")
                         == 1 + final.n_changed + final.n_refused)
            await pilot.press("escape")
    finally:
        serial_runs.register("change_prices", serial_sets._check_prices, original)
    after = _retail(retail)
    for g in marked:
        if g in before:
            assert after[g] == (before[g] * Decimal("1.1")).quantize(Decimal("0.01"), ROUND_HALF_UP)   # once
    assert serial_runs.unfinished_runs() == []
    assert dict(Goods.select(Goods.id, Goods.retail_price).where(Goods.id.in_(list(before))).tuples()) == after


async def test_a_serial_change_waiting_for_another_sessions_write_says_so(filia_app, demo_url):
    from tests.tui.test_card_saves import hold_write_lock

    async with filia_app.run_test(size=SIZE) as pilot:
        await open_goods(filia_app, pilot)
        await pilot.press("space")
        await palette(pilot, "Zmiana cen")
        dialog = filia_app.screen
        await choose(pilot, dialog, "price_type", "detaliczna")
        await type_field(pilot, dialog, "value", "5")
        locker = hold_write_lock(demo_url, 2.5)
        try:
            await pilot.press("ctrl+s")
            seen = ""
            end = time.monotonic() + 2.3
            while time.monotonic() < end and "Czekam" not in seen:
                await pilot.pause(0.1)
                seen = str(dialog.query_one("#serial-error").render())
            assert "Czekam na zapis innej sesji" in seen and dialog.running     # the screen kept running
        finally:
            locker.wait(timeout=30)
        await _until(pilot, lambda: isinstance(filia_app.screen, SerialReportScreen))
        assert "zmieniono 1" in str(filia_app.screen.query_one("#report-summary").render())
