"""Catalogue dictionaries: lists on the generic engine plus forms, driven by keys over real SQLite."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from store.catalog import AttributeDef, AttributeValue, CurrencyRate, Goods, Unit
from store.catalog.dict_reference import ensure_default_currencies
from store.catalog.list_specs import DICTIONARIES
from store.config import VatRate, set_setting
from tui.screens.dictionaries import DictionaryForm
from tui.screens.list_screen import ListScreen
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.prompt import PromptDialog

from tests.tui.card_helpers import card_ready, save
from tests.tui.catalog_fixtures import branch_app  # noqa: F401
from tests.tui.test_serial_ops import palette

SIZE = (130, 45)
NBP_FIXTURES = Path(__file__).resolve().parents[1] / "sync" / "fixtures"


async def open_list(app, pilot, key) -> ListScreen:
    screen = app.action_open_list(key)
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, ListScreen)
    return screen


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", "-": "minus", ",": "comma", ".": "full_stop"}.get(c, c) for c in text])


async def fill(pilot, field: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#f-{field}")
    box.focus()
    box.value = ""
    await type_text(pilot, text)


async def test_every_dictionary_list_and_form_opens_by_keys(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        for key in DICTIONARIES:
            lst = await open_list(filia_app, pilot, key)
            assert "Rekordów:" in str(lst.query_one("#list-status").render())
            await pilot.press("insert")
            await pilot.pause()
            assert isinstance(filia_app.screen, DictionaryForm), key
            await pilot.press("escape")
            await pilot.pause()
            assert filia_app.screen is lst, key
            await pilot.press("escape")
            await pilot.pause()


async def test_unit_added_renamed_and_refused_delete_when_used(filia_app):
    used = Goods.select().first().unit
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_list(filia_app, pilot, "units")
        await pilot.press("insert")
        await pilot.pause()
        assert filia_app.focused.id == "f-code"
        await type_text(pilot, "paleta")
        await pilot.press("tab")
        await type_text(pilot, "paleta EUR")
        await save(pilot)
        assert filia_app.screen is lst
        new = Unit.get(Unit.code == "paleta")
        assert new.name == "paleta EUR" and lst.list.cursor_id == new.id
        await pilot.press("f2")
        await pilot.pause()
        await fill(pilot, "name", "paleta 120x80")
        await save(pilot)
        assert Unit.get_by_id(new.id).name == "paleta 120x80"
        await type_text(pilot, used)                       # locator on the code column
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
        assert Unit.get_by_id(lst.list.cursor_id).code == used
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(filia_app.screen, ConfirmDialog)
        await pilot.press("t")
        await pilot.pause()
        assert Unit.select().where(Unit.code == used).exists()   # in use: refused, still there


async def test_vat_rate_with_validity_dates_and_polish_error_on_bad_date(filia_app):
    before = VatRate.select().count()
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_list(filia_app, pilot, "vat_rates")
        await pilot.press("insert")
        await pilot.pause()
        await fill(pilot, "code", "7")
        await fill(pilot, "rate", "7")
        await fill(pilot, "name", "siedem")
        await fill(pilot, "valid_from", "2027-13-01")
        await save(pilot)
        form = filia_app.screen
        assert isinstance(form, DictionaryForm)
        assert "RRRR-MM-DD" in str(form.query_one("#msg-valid_from").render())
        assert VatRate.select().count() == before
        await fill(pilot, "valid_from", "2027-01-01")
        await save(pilot)
        assert isinstance(filia_app.screen, ListScreen)
    v = VatRate.get(VatRate.code == "7")
    assert (v.rate, v.valid_from) == (Decimal("7"), date(2027, 1, 1))


@pytest.mark.rule("ATR-1")
async def test_list_attribute_with_values(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_list(filia_app, pilot, "attributes")
        await pilot.press("insert")
        await pilot.pause()
        form = filia_app.screen
        await type_text(pilot, "KOLOR")
        form.set_value("format", "list")
        form.query_one("#table-values").focus()
        for value in ("czerwony", "zielony"):
            await pilot.press("insert")
            await pilot.pause()
            await type_text(pilot, value)
            await pilot.press("enter")
            await pilot.pause()
        await save(pilot)
        assert isinstance(filia_app.screen, ListScreen)
    attr = AttributeDef.get(AttributeDef.code == "KOLOR")
    assert (attr.format, attr.kind) == ("list", "goods")
    assert [v.value for v in AttributeValue.select().where(AttributeValue.attribute == attr.id)
            .order_by(AttributeValue.position)] == ["czerwony", "zielony"]


@pytest.mark.rule("RATE-1", "RATE-2")
async def test_manual_rate_and_nbp_import_on_the_rates_list(filia_app, httpserver):
    ensure_default_currencies()
    body = (NBP_FIXTURES / "nbp_a_2024-03-14.json").read_text(encoding="utf-8")
    httpserver.expect_request("/api/exchangerates/tables/A/2024-03-14/", query_string="format=json") \
        .respond_with_data(body, content_type="application/json")
    httpserver.expect_request("/api/exchangerates/tables/C/2024-03-14/", query_string="format=json") \
        .respond_with_data("Not Found", status=404)
    set_setting("nbp_base_url", httpserver.url_for("/api"))
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_list(filia_app, pilot, "currency_rates")
        await pilot.press("insert")
        form = await card_ready(pilot)
        eur = next(v for label, v in form.query_one("#f-currency").choices if label == "EUR")
        form.set_value("currency", eur)
        manual = next(v for label, v in form.query_one("#f-rate_type").choices if label == "RĘCZNY")
        form.set_value("rate_type", manual)
        await fill(pilot, "on", "2024-03-13")
        await fill(pilot, "rate", "4,3000")
        await save(pilot)
        assert isinstance(filia_app.screen, ListScreen)
        await palette(pilot, "Pobierz kursy NBP")
        assert isinstance(filia_app.screen, PromptDialog)
        filia_app.focused.value = "2024-03-14"
        await pilot.press("enter")
        await filia_app.screen.workers.wait_for_complete()
        await pilot.pause()
    rates = sorted((r.currency.code, r.rate_type.name, r.on, r.rate) for r in CurrencyRate.select())
    assert ("EUR", "RĘCZNY", date(2024, 3, 13), Decimal("4.3")) in rates
    assert ("EUR", "NBP", date(2024, 3, 14), Decimal("4.3125")) in rates


async def test_branch_dictionary_form_is_read_only_with_reason(branch_app):
    app = branch_app
    before = list(Unit.select(Unit.code, Unit.name).tuples())
    async with app.run_test(size=SIZE) as pilot:
        await open_list(app, pilot, "units")
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        assert "w oddziale jest tylko do odczytu" in str(form.query_one("#form-banner").render())
        assert form.query_one("#f-name").disabled
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await open_list(app, pilot, "warehouses")              # the branch's own warehouses stay editable
        await pilot.press("f2")
        await pilot.pause()
        assert not app.screen.query_one("#f-name").disabled
    assert list(Unit.select(Unit.code, Unit.name).tuples()) == before


@pytest.mark.rule("GRP-1", "GRP-4")
async def test_group_tree_adds_a_sub_group_under_the_highlighted_one(filia_app):
    from store.catalog import GoodsGroup
    from store.catalog.dict_rules import create_entry
    from textual.widgets import Tree

    parent = create_entry("goods_group", code="NAPOJE", name="Napoje")
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_list(filia_app, pilot, "goods_groups")
        await palette(pilot, "Drzewo grup")
        tree = filia_app.screen.query_one(Tree)
        await pilot.pause()
        for _step in range(20):
            if tree.cursor_node is not None and tree.cursor_node.data == parent.id:
                break
            await pilot.press("down")
        await pilot.press("insert")
        await pilot.pause()
        form = filia_app.screen
        assert isinstance(form, DictionaryForm) and form.get_value("parent") == parent.id
        await type_text(pilot, "SOKI")
        await save(pilot)
        assert filia_app.screen.query_one(Tree).cursor_node.label.plain.startswith("SOKI")
    assert GoodsGroup.get(GoodsGroup.code == "SOKI").parent_id == parent.id
