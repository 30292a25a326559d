"""Reference fields of the cards as in Optima (issue 10 §3): Tab or F4 in the empty field opens the
dictionary's list in lookup mode, Enter picks, Insert adds a missing entry on the spot, a full code typed +
Enter resolves without the list. Driven by keys over the real demo database."""
from __future__ import annotations

import pytest

from store.catalog import Goods
from store.catalog.dict_rules import create_entry
from store.catalog.dictionaries import GoodsGroup, PackagingScheme, Producer
from store.config import VatRate
from store.parties import Contractor
from tui.screens.list_screen import ListScreen

from tests.tui.card_helpers import card_ready, keys_of, open_card, save

SIZE = (120, 40)


async def focus_field(pilot, card, name: str):
    pane = card.field_pane(name)
    if hasattr(card, "show_pane"):
        await card.show_pane(pane)
    else:                                                     # the card before issue 10 (TabbedContent)
        await card.ensure_pane(pane)
        card.query_one("TabbedContent").active = pane
    await pilot.pause()
    field = card.query_one(f"#f-{name}")
    field.focus()
    await pilot.pause()
    return field


async def lookup_list(pilot) -> ListScreen:
    for _ in range(50):
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, ListScreen) and screen.lookup and screen.is_mounted:
            return screen
    raise AssertionError(f"no lookup list opened: {pilot.app.screen!r}")


async def test_f4_opens_the_groups_list_enter_picks_and_the_card_saves_it(filia_app):
    groups = [create_entry("goods_group", code=code, name=f"Grupa {code}") for code in ("AGD", "BUDOWA", "CHEMIA")]
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot)
        field = await focus_field(pilot, card, "group")
        await pilot.press("f4")
        lst = await lookup_list(pilot)
        assert lst.behaviour.key == "goods_groups" and "wybór" in str(lst.query_one("#list-title").render())
        await pilot.press(*keys_of("bud"))                   # the list's locator
        await pilot.pause()
        await pilot.press("enter")                            # Enter picks
        await pilot.pause()
        assert pilot.app.screen is card
        assert field.value == "BUDOWA" and field.field_value == groups[1].id
        await save(pilot)
    assert Goods.get_by_id(card.goods_id).group_id == groups[1].id


async def test_a_full_code_typed_and_enter_resolves_without_the_list(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot)
        field = await focus_field(pilot, card, "vat_rate")
        await pilot.press("8", "enter")                       # focus selected the old code: typing replaces it
        await pilot.pause()
        assert pilot.app.screen is card                       # no list
        eight = VatRate.get(VatRate.code == "8")
        assert field.field_value == eight.id
        await save(pilot)
    assert Goods.get_by_id(card.goods_id).vat_rate_id == eight.id


async def test_tab_in_an_empty_reference_field_opens_the_list_and_esc_moves_on(filia_app):
    PackagingScheme.create(code="SKRZYNKA", name="Skrzynka")
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot)
        await focus_field(pilot, card, "packaging_scheme")
        await pilot.press("tab")
        lst = await lookup_list(pilot)
        assert lst.behaviour.key == "packaging_schemes"
        await pilot.press("escape")                           # nothing picked: on to the next field
        await pilot.pause()
        await pilot.pause()
        assert pilot.app.screen is card and pilot.app.focused.id == "f-cn_code"
        assert card.query_one("#f-packaging_scheme").value == ""


async def test_insert_in_the_lookup_adds_a_missing_producer_on_the_spot(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot)
        field = await focus_field(pilot, card, "producer")
        await pilot.press("f4")
        await lookup_list(pilot)
        await pilot.press("insert")                           # a producer that is not there yet
        form = await card_ready(pilot)
        assert form is not card
        await pilot.press(*keys_of("NOWY"), "tab", *keys_of("Nowy producent"))
        await save(pilot)                                     # saved, picked, back on the card
        assert pilot.app.screen is card
        assert field.value == "NOWY"
        await save(pilot)
    new = Producer.get(Producer.code == "NOWY")
    assert new.name == "Nowy producent" and Goods.get_by_id(card.goods_id).producer_id == new.id


async def test_a_code_no_entry_has_opens_the_list_at_it_and_is_never_saved(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot)
        before = Goods.get_by_id(card.goods_id).vat_rate_id
        field = await focus_field(pilot, card, "vat_rate")
        await pilot.press(*keys_of("ZZZ"), "enter")
        await lookup_list(pilot)                              # the list, at the text typed
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is card and field.value == "ZZZ"
        await save(pilot)
        assert pilot.app.screen is card                       # refused: the reason under the field
        assert "Nie ma pozycji „ZZZ”" in str(card.query_one("#msg-vat_rate").render())
    assert Goods.get_by_id(card.goods_id).vat_rate_id == before


@pytest.mark.rule("CTF-5")
async def test_contractor_group_added_from_the_card_field(filia_app):
    goods_groups = [g.code for g in GoodsGroup.select().order_by(GoodsGroup.id)]
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "contractors")
        field = await focus_field(pilot, card, "group_id")
        await pilot.press("f4")
        lst = await lookup_list(pilot)
        assert lst.behaviour.key == "contractor_groups"
        await pilot.press("insert")                           # Optima's <NOWA…>: a new group, saved and picked
        await card_ready(pilot)
        await pilot.press(*keys_of("VIP"), "tab", *keys_of("Klienci kluczowi"))
        await save(pilot)
        assert pilot.app.screen is card and field.value == "VIP"
        await save(pilot)
    c = Contractor.get_by_id(card.contractor_id)
    assert c.group.code == "VIP" and c.group.description == "Klienci kluczowi"
    assert [g.code for g in GoodsGroup.select().order_by(GoodsGroup.id)] == goods_groups   # not a goods group


async def test_tab_in_an_empty_grid_cell_of_a_row_dialog_opens_its_list(filia_app):
    from store.catalog import GoodsUnit
    from tui.widgets.form import RowDialog

    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot)
        unit = "kpl" if Goods.get_by_id(card.goods_id).unit != "kpl" else "kg"
        await card.show_pane("tab-units")
        await pilot.pause()
        card.query_one("#table-units").focus()
        await pilot.press("insert")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, RowDialog)
        await pilot.press("tab")                              # the unit is empty: its list opens
        lst = await lookup_list(pilot)
        assert lst.behaviour.key == "units"
        await pilot.press(*keys_of(unit), "enter")            # locator, Enter picks
        await pilot.pause()
        await pilot.pause()
        assert pilot.app.screen is dialog and dialog.query_one("#f-unit").value == unit
        assert pilot.app.focused.id == "f-numerator"          # picked after Tab: on to the next field
        await pilot.press(*keys_of("12"), "ctrl+s")
        await pilot.pause()
        await save(pilot)
    units = {u.unit: u.numerator for u in GoodsUnit.select().where(GoodsUnit.goods == card.goods_id)}
    assert units == {unit: 12}
