"""A card's default EAN and default group live on the card row (goods.ean, goods.group_id); the tables
goods_barcode and goods_group_link may or may not also hold them. Bulk loaders (demo, price-list
import) write only the goods row. Every scenario runs on a card made by create_goods and on bulk
cards without those rows, and must show the same data before and after."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from store.catalog import dict_rules, serial
from store.catalog.card import card_data
from store.catalog.card_save import card_view, save_goods_card
from store.catalog.goods import (add_goods_group, get_goods, goods_groups, main_group, remove_goods_group,
                                 update_goods)
from store.catalog.goods_codes import add_ean, add_unit, delete_ean, find_by_ean, goods_eans, set_default_ean
from store.catalog.goods_copy import copy_goods
from store.catalog.models import Goods, GoodsEan, GoodsGroupLink
from store.errors import Refused, ValidationError

X, Y, Z = "5901234123457", "2000000000008", "4006381333931"
ITM9 = "Kod EAN {ean} jest już przypisany do towaru {kod}."

# normal: create_goods; import: goods row with its group; demo: goods row with NULL group (= main group)
KINDS = ["normal", "import", "demo"]


def _bulk(cat, kind: str, code: str, *, ean: str = "", group: int | None = None) -> int:
    from store.bulk import bulk_insert
    from store.db import write

    if group is None and kind == "import":
        group = main_group().id
    with write():
        bulk_insert(Goods, [{"code": code, "name": f"Towar {code}", "ean": ean, "unit": "szt",
                             "vat_rate": cat.vat["23"], "purchase_vat_rate": cat.vat["23"], "group": group,
                             "retail_price": D("10.00")}])
    gid = Goods.get(Goods.code == code).id
    assert not GoodsEan.select().where(GoodsEan.goods == gid).exists()          # the state under test
    assert not GoodsGroupLink.select().where(GoodsGroupLink.goods == gid).exists()
    return gid


@pytest.fixture(params=KINDS)
def card(request, cat):
    """card(code, ean=..., group=...) -> goods id, made the way the parameter says."""
    kind = request.param

    def make(code: str, *, ean: str = "", group: int | None = None) -> int:
        if kind == "normal":
            return cat.goods(code, ean=ean, group=group).id
        return _bulk(cat, kind, code, ean=ean, group=group)
    make.kind = kind
    return make


def _eans(gid: int) -> list[tuple]:
    return [(e.ean, e.unit, e.is_default, e.description) for e in goods_eans(gid)]


def _state(gid: int) -> tuple:
    """What the user sees of the codes and groups: [Ogólne] EAN, the EAN tab, the default group and [Grupy]."""
    data = card_data(gid)
    return (get_goods(gid).ean, data["eans"], [(code, df) for _i, code, df in data["groups"]])


def _group(code: str) -> int:
    return dict_rules.create_entry("goods_group", code=code).id


def _all_rows() -> tuple:
    return (sorted(GoodsEan.select(GoodsEan.goods, GoodsEan.ean, GoodsEan.is_default).tuples()),
            sorted(GoodsGroupLink.select(GoodsGroupLink.goods, GoodsGroupLink.group).tuples()),
            sorted(Goods.select(Goods.id, Goods.ean, Goods.group).tuples()))


# --- EAN codes ---------------------------------------------------------------------------------------

@pytest.mark.rule("ITM-36")
def test_ean_tab_shows_the_default_code_and_reading_writes_nothing(card):
    a = card("A", ean=X)
    rows = _all_rows()
    assert _eans(a) == [(X, "", True, "")]
    assert _state(a) == (X, [(X, "szt", True, "")], [("GRUPA GŁÓWNA", True)])
    assert card_view(a)["grids"]["eans"] == [{"ean": X, "unit": "szt", "is_default": True, "description": ""}]
    assert _all_rows() == rows                                                  # readers never write
    b = card("B")
    assert _eans(b) == [] and _state(b)[:2] == ("", [])


@pytest.mark.rule("ITM-36", "ITM-37", "PRC-6")
def test_additional_code_keeps_the_default(card):
    a = card("A", ean=X)
    add_unit(a, "opak", 6)
    add_ean(a, Y, unit="opak", description="zgrzewka")
    assert get_goods(a).ean == X
    assert _eans(a) == [(X, "", True, ""), (Y, "opak", False, "zgrzewka")]
    hit_x, hit_y = find_by_ean(X), find_by_ean(Y)
    assert (hit_x.goods_id, hit_x.unit, hit_x.factor) == (a, "szt", D(1))
    assert (hit_y.goods_id, hit_y.unit, hit_y.factor) == (a, "opak", D(6))


@pytest.mark.rule("PRC-6")
def test_find_by_ean_finds_the_default_code(card):
    a = card("A", ean=X)
    hit = find_by_ean(X)
    assert (hit.goods_id, hit.code, hit.unit, hit.factor) == (a, "A", "szt", D(1))
    assert find_by_ean(Y) is None


@pytest.mark.rule("ITM-36")
def test_setting_another_code_default_swaps_them(card):
    a = card("A", ean=X)
    add_ean(a, Y)
    set_default_ean(a, Y)
    assert get_goods(a).ean == Y
    assert _eans(a) == [(Y, "", True, ""), (X, "", False, "")]
    set_default_ean(a, X)
    assert get_goods(a).ean == X and _eans(a) == [(X, "", True, ""), (Y, "", False, "")]


@pytest.mark.rule("ITM-36")
def test_setting_the_default_code_default_again_changes_nothing(card):
    a = card("A", ean=X)
    set_default_ean(a, X)
    assert _state(a)[:2] == (X, [(X, "szt", True, "")])


@pytest.mark.rule("ITM-36")
def test_deleting_the_default_code_clears_the_card_field(card):
    a = card("A", ean=X)
    delete_ean(a, X)
    assert get_goods(a).ean == "" and _eans(a) == [] and find_by_ean(X) is None


@pytest.mark.rule("ITM-36")
def test_deleting_an_additional_code_keeps_the_default(card):
    a = card("A", ean=X)
    add_ean(a, Y)
    delete_ean(a, Y)
    assert get_goods(a).ean == X and _eans(a) == [(X, "", True, "")]
    add_ean(a, Y)
    delete_ean(a, X)                                  # the default goes; the other code stays additional
    assert get_goods(a).ean == "" and _eans(a) == [(Y, "", False, "")]


@pytest.mark.rule("ITM-36")
def test_changing_the_ean_on_the_general_tab(card):
    """[Ogólne] EAN replaced: the new code is the default, the old one stays as an additional code."""
    a = card("A", ean=X)
    update_goods(a, ean=Y)
    assert get_goods(a).ean == Y and _eans(a) == [(Y, "", True, ""), (X, "", False, "")]
    update_goods(a, ean="")
    assert get_goods(a).ean == "" and _eans(a) == [(X, "", False, "")]


@pytest.mark.rule("ITM-36", "ITM-9")
@pytest.mark.parametrize("owner_kind", KINDS)
def test_a_code_is_unique_across_cards_whatever_holds_it(cat, card, owner_kind):
    b = cat.goods("B", ean=Z).id if owner_kind == "normal" else _bulk(cat, owner_kind, "B", ean=Z)
    a = card("A", ean=X)
    rows = _all_rows()
    for attempt in (lambda: add_ean(a, Z), lambda: add_ean(a, Z, default=True), lambda: update_goods(a, ean=Z)):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.errors["ean"] == ITM9.format(ean=Z, kod="B")
        assert _all_rows() == rows
    assert find_by_ean(Z).goods_id == b and find_by_ean(X).goods_id == a


@pytest.mark.rule("ITM-36")
def test_the_card_screen_adds_a_code_in_the_grid(card):
    a = card("A", ean=X)
    view = card_view(a)
    grids = {"eans": view["grids"]["eans"] + [{"ean": Y, "unit": "szt", "is_default": False, "description": ""}]}
    save_goods_card(a, view["fields"], grids=grids, original_grids=view["grids"])
    assert get_goods(a).ean == X and _eans(a) == [(X, "", True, ""), (Y, "", False, "")]


@pytest.mark.rule("ITM-9")
def test_bulk_card_whose_code_another_card_holds(cat):
    """A loader broke ITM-9 (the other card's goods_barcode row wins, as find_by_ean says): editing the
    codes is refused with the reason, except removing or replacing that code."""
    b = cat.goods("B", ean=X).id
    a = _bulk(cat, "import", "A", ean=X)
    assert find_by_ean(X).goods_id == b
    rows = _all_rows()
    with pytest.raises(ValidationError) as exc:
        add_ean(a, Y)
    assert exc.value.errors["ean"] == ITM9.format(ean=X, kod="B") and _all_rows() == rows
    update_goods(a, ean=Y)
    assert get_goods(a).ean == Y and _eans(a) == [(Y, "", True, "")]
    assert _eans(b) == [(X, "", True, "")] and get_goods(b).ean == X
    c = _bulk(cat, "import", "C", ean=X)
    delete_ean(c, X)
    assert get_goods(c).ean == "" and _eans(c) == [] and _eans(b) == [(X, "", True, "")]


# --- groups ------------------------------------------------------------------------------------------

@pytest.mark.rule("GRP-1", "ITM-47")
def test_groups_tab_lists_the_default_group(card):
    soki = _group("SOKI")
    a, m = card("A", group=soki), card("M")
    rows = _all_rows()
    assert [g.code for g in goods_groups(a)] == ["SOKI"]
    assert _state(a)[2] == [("SOKI", True)] and _state(m)[2] == [("GRUPA GŁÓWNA", True)]
    assert card_view(a)["grids"]["groups"] == [{"code": "SOKI", "is_default": True}]
    assert _all_rows() == rows


@pytest.mark.rule("GRP-1", "ITM-47")
def test_extra_groups_are_added_and_removed_the_default_never(card):
    soki, napoje = _group("SOKI"), _group("NAPOJE")
    a = card("A", group=soki)
    add_goods_group(a, napoje)
    assert _state(a)[2] == [("NAPOJE", False), ("SOKI", True)]
    remove_goods_group(a, napoje)
    assert _state(a)[2] == [("SOKI", True)]
    with pytest.raises(Refused) as exc:
        remove_goods_group(a, soki)
    assert str(exc.value) == "Nie można usunąć grupy domyślnej towaru."
    assert _state(a)[2] == [("SOKI", True)] and get_goods(a).group_id == soki


@pytest.mark.rule("GRP-1", "ITM-47")
def test_the_main_group_as_default_cannot_be_removed(card):
    a = card("A")
    rows = _all_rows()
    with pytest.raises(Refused):
        remove_goods_group(a, main_group().id)
    assert _all_rows() == rows and _state(a)[2] == [("GRUPA GŁÓWNA", True)]


@pytest.mark.rule("GRP-1", "ITM-12")
def test_changing_the_default_group_keeps_the_old_one_linked(card):
    soki, napoje = _group("SOKI"), _group("NAPOJE")
    a, m = card("A", group=soki), card("M")
    update_goods(a, group=napoje)
    update_goods(m, group=napoje)
    assert _state(a)[2] == [("NAPOJE", True), ("SOKI", False)]
    assert _state(m)[2] == [("GRUPA GŁÓWNA", False), ("NAPOJE", True)]
    update_goods(a, name="Sok jabłkowy")                        # other fields: groups untouched
    assert _state(a)[2] == [("NAPOJE", True), ("SOKI", False)]


@pytest.mark.rule("GRP-1", "ITM-47")
def test_the_card_screen_adds_and_removes_groups_in_the_grid(card):
    napoje = _group("NAPOJE")
    a = card("A")
    view = card_view(a)
    grids = {"groups": view["grids"]["groups"] + [{"code": "NAPOJE", "is_default": False}]}
    save_goods_card(a, view["fields"], grids=grids, original_grids=view["grids"])
    assert _state(a)[2] == [("GRUPA GŁÓWNA", True), ("NAPOJE", False)]
    view = card_view(a)
    save_goods_card(a, view["fields"], grids={"groups": []}, original_grids=view["grids"])   # default stays
    assert _state(a)[2] == [("GRUPA GŁÓWNA", True)] and napoje


@pytest.mark.rule("PSO-1", "GRP-1")
def test_serial_group_change(card):
    soki, napoje = _group("SOKI"), _group("NAPOJE")
    a, m = card("A", group=soki), card("M")
    rep = serial.set_group([a, m], soki, action="add")
    assert [(c.code, c.old, c.new) for c in rep.changed] == [("M", "—", "SOKI")]
    assert _state(a)[2] == [("SOKI", True)]
    rep = serial.set_group([a, m], soki, action="remove")
    assert [r.code for r in rep.refused] == ["A"] and [c.code for c in rep.changed] == ["M"]
    assert _state(a)[2] == [("SOKI", True)] and _state(m)[2] == [("GRUPA GŁÓWNA", True)]
    rep = serial.set_group([a, m], napoje, action="default")
    assert [(c.code, c.old, c.new) for c in rep.changed if c.field == "grupa domyślna"] == \
        [("A", "SOKI", "NAPOJE"), ("M", "GRUPA GŁÓWNA", "NAPOJE")]
    assert _state(a)[2] == [("NAPOJE", True), ("SOKI", False)]
    assert _state(m)[2] == [("GRUPA GŁÓWNA", False), ("NAPOJE", True)]
    rep = serial.set_group([m], main_group().id, action="remove")
    assert _state(m)[2] == [("NAPOJE", True)] and not rep.refused


@pytest.mark.rule("GRP-3", "GRP-1")
def test_a_group_only_a_card_row_names_is_in_use(card):
    soki = _group("SOKI")
    card("A", group=soki)
    with pytest.raises(Refused) as exc:
        dict_rules.delete_entry("goods_group", soki)
    assert str(exc.value) == "Nie można usunąć grupy, do której są przypisane towary lub podgrupy."
    assert dict_rules.get_entry("goods_group", soki).code == "SOKI"


# --- copying a card ----------------------------------------------------------------------------------

@pytest.mark.rule("ITM-53", "PRC-13", "GRP-1")
def test_copy_of_a_card_has_its_groups_and_no_codes(card):
    soki, napoje = _group("SOKI"), _group("NAPOJE")
    a, m = card("A", ean=X, group=soki), card("M", ean=Z)
    add_goods_group(a, napoje)
    b = copy_goods(a, "B")
    assert _state(b) == ("", [], [("NAPOJE", False), ("SOKI", True)])
    c = copy_goods(m, "C", ean=Y)
    assert _state(c) == (Y, [(Y, "szt", True, "")], [("GRUPA GŁÓWNA", True)])
    assert _state(a)[:2] == (X, [(X, "szt", True, "")]) and find_by_ean(X).goods_id == a


@pytest.mark.rule("GRP-1")
def test_group_filter_finds_a_card_by_its_default_group_however_it_was_made(card):
    from store.catalog import listing

    gid = card("F1")
    default = Goods.get_by_id(gid).group_id or main_group().id
    found = [g.code for g in Goods.select().where(listing.groups_filter([default]))]
    assert found == ["F1"]


@pytest.mark.rule("ITM-9")
@pytest.mark.parametrize("second", ["card", "import"])
def test_two_sessions_cannot_give_one_ean_to_two_items(db, tmp_path, second):
    """An import writes a new card's EAN on the goods row (no unique index there). Another session
    giving the same EAN meanwhile, from a card or from its own import, must wait for the first
    and then be refused: the EAN ends on exactly one item (both engines, real connections)."""
    import threading

    from store.catalog.goods import create_goods
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import ensure_default_vat_rates
    from store.errors import FiliaError
    from store.pricelist_io import apply_import, validate_import
    from tests.store.pricelist_files import write_xlsx

    ensure_default_vat_rates()
    ensure_catalogue_defaults()
    other = create_goods(code="OTHER", name="Inny")
    plan = validate_import(write_xlsx(tmp_path / "a.xlsx", [["Kod", "Nazwa", "EAN"], ["N1", "Nowy", X]]))
    second_plan = validate_import(write_xlsx(tmp_path / "b.xlsx", [["Kod", "Nazwa", "EAN"], ["N2", "Drugi", X]]))
    inside, go, outcome = threading.Event(), threading.Event(), {}

    def first():
        def hold(n):                     # called inside the import's transaction, after its rows
            if n:
                inside.set()
                go.wait(20)
        try:
            outcome["first"] = apply_import(plan, progress=hold).inserted
        finally:
            db.close()

    def competing():
        try:
            if second == "card":
                add_ean(other.id, X)
            else:
                apply_import(second_plan)
            outcome["second"] = "written"
        except FiliaError as exc:
            outcome["second"] = str(exc)
        finally:
            db.close()

    a = threading.Thread(target=first)
    a.start()
    assert inside.wait(20)
    b = threading.Thread(target=competing)
    b.start()
    b.join(1.5)
    assert b.is_alive() and "second" not in outcome          # it waits for the first session
    go.set()
    a.join(30)
    b.join(30)
    assert outcome["first"] == 1 and "N1" in outcome["second"], outcome
    owners = [g.code for g in Goods.select().where(Goods.ean == X)]
    owners += [e.goods.code for e in GoodsEan.select().where(GoodsEan.ean == X)]
    assert owners == ["N1"]
