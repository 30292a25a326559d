"""Price-list XLSX export and import (PIE): round trip, update modes, validation report, one
transaction, nothing written before the user confirms."""
from __future__ import annotations

from decimal import Decimal as D

import openpyxl
import peewee
import pytest

from store.pricelist_io import XlsxRefused, apply_import, export_price_list, validate_import, write_error_report
from tests.store.pricelist_files import snapshot, write_xlsx

pytestmark = pytest.mark.usefixtures("cat")

HEAD = ["Kod", "Nazwa", "Stawka VAT", "EAN", "Cena detaliczna brutto", "Cena hurtowa 1 netto"]


def _goods(code):
    from store.catalog import Goods

    return Goods.get(Goods.code == code)


def _price(code, price_type_id):
    from store.catalog import GoodsPrice

    row = GoodsPrice.get_or_none((GoodsPrice.goods == _goods(code).id) & (GoodsPrice.price_type == price_type_id))
    return (row.net, row.gross) if row else None


def _sheet_values(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for r in wb["Cennik"].iter_rows(values_only=True)]
    wb.close()
    return rows


def _norm(v):
    """Cell values as a user compares them: numbers by value, empty = None."""
    if v in (None, ""):
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return D(repr(v)).normalize()
    return v


@pytest.mark.rule("PIE-8", "PIE-9", "PIE-14", "PIE-17")
def test_round_trip_export_edit_in_openpyxl_import_compare(cat, db_of_cat, tmp_path):
    from store.catalog.goods_codes import add_ean
    cat.goods("A1", name="Młotek", price="10.00")
    cat.goods("B2", name="=Gwoździe 100 szt.", price="3.50", vat_rate=cat.vat["8"])
    cat.goods("C3", name="Usługa montażu", price="100", item_type="UP")
    add_ean(_goods("A1").id, "5901234123457")
    first = tmp_path / "cennik.xlsx"
    assert export_price_list(first) == 3

    wb = openpyxl.load_workbook(first)
    ws = wb["Cennik"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["A1"], col["Nazwa"], "Młotek stolarski")
    ws.cell(rows["A1"], col["Cena detaliczna brutto"], 19.99)
    ws.cell(rows["B2"], col["Stawka VAT"], "23")
    ws.cell(rows["B2"], col["Aktywna"], "Nie")
    ws.cell(rows["C3"], col["Cena hurtowa 1 netto"], "120,50")               # Polish decimal comma as text
    new = [None] * len(header)
    new[col["Kod"] - 1], new[col["Nazwa"] - 1], new[col["Jednostka"] - 1] = "D4", "Wkręt 4x40", "opak10"
    new[col["Grupa"] - 1], new[col["Stawka VAT"] - 1] = "ZŁĄCZA", "23"
    new[col["Cena detaliczna brutto"] - 1], new[col["EAN"] - 1] = 0.25, "5901234123464"
    ws.append(new)
    edited = tmp_path / "cennik-zmieniony.xlsx"
    wb.save(edited)

    plan = validate_import(edited)
    assert plan.errors == [] and (plan.to_insert, plan.to_update, plan.skipped) == (1, 3, 0)
    assert plan.new_units == ["opak10"] and plan.new_groups == ["ZŁĄCZA"]                   # PIE-14
    result = apply_import(plan)
    assert (result.inserted, result.updated, result.units_created, result.groups_created) == (1, 3, 1, 1)

    a, b, d = _goods("A1"), _goods("B2"), _goods("D4")
    assert a.name == "Młotek stolarski" and a.retail_price == D("19.99") and a.ean == "5901234123457"
    assert _price("A1", cat.retail) == (D("16.25"), D("19.99"))            # gross declared, net from 23 %
    assert b.vat_rate_id == cat.vat["23"] and not b.active
    assert _price("B2", cat.w1)[0] == D("3.50")                           # net declared price kept, gross recomputed
    assert _price("B2", cat.w1)[1] == D("4.31")
    assert _price("C3", cat.w1)[0] == D("120.50")
    assert (d.name, d.unit, d.group.code, d.ean, d.retail_price) == ("Wkręt 4x40", "opak10", "ZŁĄCZA",
                                                                      "5901234123464", D("0.25"))
    from store.catalog.goods_codes import find_by_ean
    assert find_by_ean("5901234123464").goods_id == d.id

    again = tmp_path / "cennik-po-imporcie.xlsx"
    export_price_list(again)
    exported = {r[0]: [_norm(v) for v in r] for r in _sheet_values(again)[1:]}
    wanted = {r[0]: [_norm(v) for v in r] for r in _sheet_values(edited)[1:]}
    wanted["C3"][header.index("Cena hurtowa 1 netto")] = D("120.5")
    wanted["D4"][header.index("Typ")] = "TP"                      # defaults a new card gets
    wanted["D4"][header.index("Stawka VAT zakupu")] = "23"
    wanted["D4"][header.index("Aktywna")] = "Tak"
    for h in ("Granica ceny", "Minimalna cena/ marża", "Cena hurtowa 1 netto", "Cena hurtowa 2 netto",
              "Cena hurtowa 3 netto"):
        wanted["D4"][header.index(h)] = D(0)
    assert exported == wanted


@pytest.fixture
def db_of_cat(cat):
    from store.db import database

    return database.obj


def test_nothing_is_written_before_confirmation(cat, db_of_cat, tmp_path):
    cat.goods("A1", name="Old", price="5")
    path = write_xlsx(tmp_path / "c.xlsx", [HEAD, ["A1", "New", "23", "", 7, 6], ["B2", "Nowy", "8", "", 1, 1],
                                            ["C3", "", "99", "5901234123458", -1, "x"]])
    before = snapshot(db_of_cat)
    plan = validate_import(path)
    assert plan.errors and plan.valid_rows == 2
    assert snapshot(db_of_cat) == before


@pytest.mark.rule("PIE-8")
def test_only_add_new_keeps_existing_cards(cat, tmp_path):
    """PIE acceptance 1: A exists as "Old"; the file has A "New" and B; only add new."""
    cat.goods("A", name="Old", price="5")
    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa"], ["A", "New"], ["B", "Bee"]])
    plan = validate_import(path, mode="add")
    assert (plan.to_insert, plan.to_update, plan.skipped) == (1, 0, 1)
    seen = []
    apply_import(plan, progress=seen.append)
    assert seen[-1] == 1
    assert _goods("A").name == "Old" and _goods("B").name == "Bee"


@pytest.mark.rule("PIE-8", "PIE-9")
def test_only_update_existing_with_only_name_chosen(cat, tmp_path):
    """PIE acceptance 2: only update, only "name": A becomes New, B is not created, prices unchanged."""
    from store.catalog import Goods

    cat.goods("A", name="Old", price="5")
    price_before = _price("A", cat.w1)
    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "Cena hurtowa 1 netto"], ["A", "New", 99], ["B", "Bee", 1]])
    plan = validate_import(path, mode="update", update_fields={"name"})
    result = apply_import(plan)
    assert (result.inserted, result.updated, result.skipped) == (0, 1, 1)
    assert _goods("A").name == "New" and _price("A", cat.w1) == price_before
    assert not Goods.select().where(Goods.code == "B").exists()


@pytest.mark.rule("PIE-13", "ITM-8")
def test_invalid_ean_is_not_imported_and_the_report_names_it(cat, tmp_path):
    """PIE acceptance 3: C has EAN 5901234123458 (bad check digit): not imported, the log names it."""
    from store.catalog import Goods

    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "EAN"], ["C", "Cee", "5901234123458"],
                                            ["D", "Dee", 5901234123457]])           # an EAN typed as a number
    plan = validate_import(path)
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(2, "EAN", "5901234123458")]
    assert "EAN" in plan.errors[0].reason and "kontroln" in plan.errors[0].reason
    apply_import(plan)
    assert not Goods.select().where(Goods.code == "C").exists()
    assert _goods("D").ean == "5901234123457"


@pytest.mark.rule("PIE-13", "ITM-8")
def test_ean_of_non_ascii_digits_is_reported_not_a_crash(cat, tmp_path):
    """"12345²78" passes str.isdigit() but not int(): it is an invalid EAN, like on the card."""
    from store.catalog import Goods

    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "EAN"], ["C", "Cee", "12345²78"], ["D", "Dee", "ABC-12"]])
    plan = validate_import(path)
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(2, "EAN", "12345²78")]
    apply_import(plan)
    assert not Goods.select().where(Goods.code == "C").exists()
    assert _goods("D").ean == "ABC-12"                  # an internal code: not checked (ITM-8)


@pytest.mark.rule("PIE-4", "PIE-19")
def test_price_limit_columns(cat, tmp_path):
    """PIE acceptance 4: Granica ceny = 1 and 15 create a minimum-margin limit of 15 %; an existing
    card takes the limit only when "price_limit" is chosen."""
    cat.goods("OLD", name="Stary")
    rows = [["Kod", "Nazwa", "Granica ceny", "Minimalna cena/ marża"], ["NEW", "Nowy", 1, 15], ["OLD", "Stary", 2, 7]]
    apply_import(validate_import(write_xlsx(tmp_path / "c.xlsx", rows)))
    new, old = _goods("NEW"), _goods("OLD")
    assert (new.price_limit_kind, new.price_limit_value) == ("min_margin", D("15.00"))
    assert (old.price_limit_kind, old.price_limit_value) == ("", D("0.00"))
    apply_import(validate_import(tmp_path / "c.xlsx", update_fields={"price_limit"}))
    old = _goods("OLD")
    assert (old.price_limit_kind, old.price_limit_value) == ("max_discount", D("7.00"))


@pytest.mark.rule("PIE-18")
def test_inactive_price_type_column_is_skipped_with_a_warning(cat, tmp_path):
    from store.catalog import PriceType

    PriceType.update(active=False).where(PriceType.id == cat.w3).execute()
    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "Cena hurtowa 3 netto", "Kolor"], ["N", "Nowy", 12, "red"]])
    plan = validate_import(path)
    assert any("hurtowa 3" in w and "nieaktywny" in w for w in plan.warnings)
    assert any("Kolor" in w and "Nieznana kolumna" in w for w in plan.warnings)
    apply_import(plan)
    assert _price("N", cat.w3) is None


def test_duplicate_codes_negative_prices_unknown_vat_and_taken_ean_are_reported(cat, tmp_path):
    from store.catalog import Goods
    from store.catalog.goods_codes import add_ean

    cat.goods("OWNER", name="Ma EAN")
    add_ean(_goods("OWNER").id, "5901234123457")
    path = write_xlsx(tmp_path / "c.xlsx", [
        HEAD,
        ["DUP", "Pierwszy", "23", "", 1, 1],
        ["OK", "Dobry", "23", "", 1, 1],
        ["DUP", "Drugi", "23", "", 1, 1],
        ["NEG", "Ujemna", "23", "", -5, 1],
        ["VAT", "Stawka", "17", "", 1, 1],
        ["TAKEN", "Cudzy EAN", "23", "5901234123457", 1, 1],
        ["", "Bez kodu", "23", "", 1, 1],
        ["BAD&CODE", "Znaki", "23", "", 1, 1],
        ["NONAME", None, "23", "", 1, 1],
    ])
    plan = validate_import(path)
    by_row = {}
    for e in plan.errors:
        by_row.setdefault(e.row, []).append((e.column, e.reason))
    assert sorted(by_row) == [2, 4, 5, 6, 7, 8, 9, 10]
    assert "więcej niż raz" in by_row[2][0][1] and "2, 4" in by_row[4][0][1]
    assert by_row[5] == [("Cena detaliczna brutto", "Wartość nie może być ujemna (-5).")]
    assert by_row[6][0][0] == "Stawka VAT" and "Nieznana stawka VAT „17”" in by_row[6][0][1]
    assert by_row[7] == [("EAN", "Kod EAN 5901234123457 jest już przypisany do towaru OWNER.")]
    assert "Brak kodu" in by_row[8][0][1] and "niedozwolone znaki" in by_row[9][0][1]
    assert by_row[10][0][0] == "Nazwa" and "wymaga nazwy" in by_row[10][0][1]
    result = apply_import(plan)
    assert result.inserted == 1
    assert {c for (c,) in Goods.select(Goods.code).tuples()} >= {"OK"}
    assert not Goods.select().where(Goods.code.in_(["DUP", "NEG", "VAT", "TAKEN", "BAD&CODE", "NONAME"])).exists()


def test_error_report_opens_in_a_spreadsheet(cat, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "Cena detaliczna brutto", "Zbędna"],
                                            ["A", "Aaa", "dwa złote", 1], ["B", "Bee", True, 2]])
    plan = validate_import(path)
    report = tmp_path / "bledy.xlsx"
    write_error_report(plan, report)
    rows = [list(r) for r in openpyxl.load_workbook(report, read_only=True).active.iter_rows(values_only=True)]
    assert rows[0] == ["Arkusz", "Wiersz", "Kolumna", "Wartość", "Przyczyna"]
    assert rows[1][:2] == [None, None] and "Zbędna" in rows[1][4]            # the file-level warning first
    assert rows[2][:4] == ["Cennik", 2, "Cena detaliczna brutto", "dwa złote"] and "liczby" in rows[2][4]
    assert rows[3][:3] == ["Cennik", 3, "Cena detaliczna brutto"] and "logiczną" in rows[3][4]


def test_a_plan_without_valid_rows_is_refused_and_writes_nothing(cat, db_of_cat, tmp_path):
    from store.errors import Refused

    plan = validate_import(write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "Stawka VAT"], ["X", "Iks", "99"]]))
    before = snapshot(db_of_cat)
    with pytest.raises(Refused, match="żadnego poprawnego wiersza"):
        apply_import(plan)
    assert snapshot(db_of_cat) == before


@pytest.mark.rule("DICT-1")
def test_a_branch_cannot_import_the_price_list(cat, tmp_path):
    from store.errors import Refused
    from tests.store.catalog_helpers import set_role

    set_role("branch")
    with pytest.raises(Refused, match="oddziale"):
        validate_import(write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa"], ["A", "Aaa"]]))


def test_header_problems_refuse_the_whole_file(cat, tmp_path):
    with pytest.raises(XlsxRefused, match="brak kolumny „Kod”"):
        validate_import(write_xlsx(tmp_path / "a.xlsx", [["Nazwa", "Cena"], ["A", 1]]))
    with pytest.raises(XlsxRefused, match="dwa razy"):
        validate_import(write_xlsx(tmp_path / "b.xlsx", [["Kod", "Nazwa", "kod"], ["A", "B", "C"]]))
    with pytest.raises(XlsxRefused, match="tylko nagłówek"):
        validate_import(write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa"]]))


def test_export_of_chosen_ids_keeps_their_order_and_filters_inactive(cat, tmp_path):
    a, b, c = cat.goods("A", name="A"), cat.goods("B", name="B"), cat.goods("C", name="C", active=False)
    path = tmp_path / "wybrane.xlsx"
    assert export_price_list(path, [c.id, a.id]) == 2
    assert [r[0] for r in _sheet_values(path)[1:]] == ["C", "A"]
    assert export_price_list(path, include_inactive=False) >= 2
    codes = [r[0] for r in _sheet_values(path)[1:]]
    assert "C" not in codes and codes == sorted(codes) and {"A", "B"} <= set(codes)


@pytest.mark.rule("ITM-13")
def test_type_of_an_item_used_on_documents_is_not_changed_by_an_import(cat, tmp_path, monkeypatch):
    from store.catalog import usage

    used, free = cat.goods("USED", name="Na fakturze"), cat.goods("FREE", name="Wolny")
    monkeypatch.setitem(usage._CHECKS, "goods", [lambda gid: "FS/1/2026" if gid == used.id else None])
    plan = validate_import(write_xlsx(tmp_path / "c.xlsx", [["Kod", "Typ"], ["USED", "UP"], ["FREE", "usługa"]]))
    assert [(e.row, e.column, e.reason) for e in plan.errors] == [
        (2, "Typ", "Nie można zmienić typu pozycji, która występuje na dokumentach.")]
    apply_import(plan)
    assert _goods("USED").item_type == "TP"
    assert (_goods("FREE").item_type, _goods("FREE").is_service, _goods("FREE").track_stock) == ("UP", True, False)


def _write_two_sheets(path, price_rows, cn_rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cennik"
    for r in price_rows:
        ws.append(r)
    cn = wb.create_sheet("KodyCN")
    for r in cn_rows:
        cn.append(r)
    wb.save(path)
    return path


@pytest.mark.rule("PIE-5", "PIE-20", "ITM-15")
def test_sheet_kodycn_adds_and_updates_cn_codes_with_their_vat(cat, tmp_path):
    """PIE acceptance 5: code 0901 11 00 without a VATFlaga column is imported as taxed (2)."""
    from store.catalog import CnCode

    CnCode.create(code="22021000", vat_rate=cat.vat["23"], vat_flag=2)
    path = _write_two_sheets(tmp_path / "cn.xlsx", [["Kod", "Nazwa", "Kod CN"], ["KAWA", "Kawa ziarnista", "09011100"]],
                             [["Kod CN", "Opis", "VAT"], ["0901 11 00", "Kawa niepalona", "5"], ["22021000", "", "8"],
                              ["1234", "zły", "23"], ["30049000", "Leki", "17"]])
    plan = validate_import(path)
    assert [(e.sheet, e.row, e.column) for e in plan.errors] == [("KodyCN", 4, "Kod CN"), ("KodyCN", 5, "VAT")]
    result = apply_import(plan)
    assert (result.cn_added, result.cn_updated) == (1, 1)
    coffee = CnCode.get(CnCode.code == "09011100")
    assert (coffee.vat_rate_id, coffee.vat_flag, coffee.description) == (cat.vat["5"], 2, "Kawa niepalona")
    assert CnCode.get(CnCode.code == "22021000").vat_rate_id == cat.vat["8"]               # PIE-20: file's rate
    assert _goods("KAWA").vat_rate_id == cat.vat["5"]               # ITM-15: a new card takes its CN code's VAT


@pytest.mark.rule("PIE-5")
def test_export_writes_kodycn_with_vat_and_flag_and_it_reads_back(cat, tmp_path):
    from store.catalog import CnCode

    CnCode.create(code="09011100", vat_rate=cat.vat["5"], vat_flag=3, description="Kawa")
    CnCode.create(code="11111111", vat_rate=cat.vat["23"])                           # not used by any card
    cat.goods("KAWA", name="Kawa", cn_code="09011100")
    path = tmp_path / "eksport.xlsx"
    export_price_list(path)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Cennik", "KodyCN"]
    assert [list(r) for r in wb["KodyCN"].iter_rows(values_only=True)] == [
        ["Kod CN", "Opis", "VAT", "VATFlaga"], ["09011100", "Kawa", "5", 3]]
    wb.close()
    plan = validate_import(path)
    assert plan.errors == [] and plan.cn_rows == [(2, "09011100", "Kawa", cat.vat["5"], 3)]


def test_a_change_between_check_and_confirmation_writes_nothing_at_all(cat, db_of_cat, tmp_path):
    """One transaction: when the database changed after the check (here another card took an EAN the
    file gives to a new card), the import is refused and not even the other rows are written."""
    from store.catalog.goods_codes import add_ean
    from store.errors import Refused

    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "EAN"], ["N1", "Pierwszy", ""],
                                            ["N2", "Drugi", "5901234123457"], ["N3", "Trzeci", ""]])
    plan = validate_import(path)
    assert plan.errors == [] and plan.to_insert == 3
    add_ean(cat.goods("OTHER", name="W międzyczasie").id, "5901234123457")
    before = snapshot(db_of_cat)
    with pytest.raises(Refused, match="zmieniły się po sprawdzeniu pliku"):
        apply_import(plan)
    assert snapshot(db_of_cat) == before


def test_large_load_path_rebuilds_indexes_and_a_late_duplicate_ean_writes_nothing(cat, db_of_cat, tmp_path,
                                                                                  monkeypatch):
    """The path for big files (SQLite: secondary indexes dropped, rows loaded, indexes rebuilt in the
    same transaction): an EAN given to another item after the check is found inside the transaction
    (the default EAN lives on the card row, which has no unique index) and nothing is written;
    a clean load leaves every index in place."""
    from store.catalog.goods_codes import add_ean
    from store.errors import Refused
    from store.pricelist_io import apply as apply_module

    monkeypatch.setattr(apply_module, "DEFER_INDEXES_MIN", 1)
    import store.bulk

    deferred = []
    real = store.bulk.deferred_indexes
    monkeypatch.setattr(store.bulk, "deferred_indexes", lambda model: deferred.append(model._meta.table_name) or real(model))
    sqlite = isinstance(db_of_cat, peewee.SqliteDatabase)
    indexes = sorted(r[0] for r in db_of_cat.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()) if sqlite else None
    rows = [["Kod", "Nazwa", "EAN", "Cena detaliczna brutto"]] + [[f"N{i}", f"Nowy {i}", "", 1] for i in range(30)]
    rows[5][2] = "5901234123457"
    plan = validate_import(write_xlsx(tmp_path / "c.xlsx", rows))
    add_ean(cat.goods("OTHER", name="W międzyczasie").id, "5901234123457")
    before = snapshot(db_of_cat)
    with pytest.raises(Refused, match="zmieniły się po sprawdzeniu pliku"):
        apply_import(plan)
    assert snapshot(db_of_cat) == before
    rows[5][2] = "5901234123464"
    result = apply_import(validate_import(write_xlsx(tmp_path / "d.xlsx", rows)))
    assert result.inserted == 30 and _price("N7", cat.retail) == (D("0.81"), D("1.0000"))
    assert deferred == (["goods_price", "goods"] if sqlite else [])   # PostgreSQL keeps its indexes (no reader lock-out)
    if sqlite:
        assert sorted(r[0] for r in db_of_cat.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()) == indexes


@pytest.mark.rule("ITM-36", "PIE-14")
def test_imported_cards_keep_default_ean_and_group_on_the_card_row(cat, tmp_path):
    """New cards are written without duplicate default rows (the import's speed), yet the card,
    the EAN lookup and the uniqueness rule see their default EAN and group as on any other card."""
    from store.catalog import GoodsEan, GoodsGroupLink
    from store.catalog.goods import goods_groups
    from store.catalog.goods_codes import add_ean, find_by_ean, goods_eans
    from store.errors import ValidationError

    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "EAN", "Grupa"],
                                            ["IMP1", "Importowany", "5901234123457", "NOWA"]])
    apply_import(validate_import(path))
    card = _goods("IMP1")
    assert GoodsEan.select().where(GoodsEan.goods == card.id).count() == 0
    assert GoodsGroupLink.select().where(GoodsGroupLink.goods == card.id).count() == 0
    assert [(e.ean, e.is_default) for e in goods_eans(card.id)] == [("5901234123457", True)]
    assert [g.code for g in goods_groups(card.id)] == ["NOWA"]
    assert find_by_ean("5901234123457").code == "IMP1"
    with pytest.raises(ValidationError, match="IMP1"):
        add_ean(cat.goods("INNY").id, "5901234123457")                 # ITM-9 across both places
    add_ean(card.id, "5901234123464")                                   # an extra code keeps the default
    assert [(e.ean, e.is_default) for e in goods_eans(card.id)] == [("5901234123457", True),
                                                                     ("5901234123464", False)]
    assert _goods("IMP1").ean == "5901234123457"


@pytest.mark.rule("PIE-15")
def test_the_importing_operator_is_recorded_on_new_and_updated_cards(cat, tmp_path):
    cat.goods("OLD1", name="Stary")
    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa"], ["OLD1", "Stary po zmianie"], ["NEW1", "Nowy"]])
    apply_import(validate_import(path), operator="ANNA")
    old, new = _goods("OLD1"), _goods("NEW1")
    assert (new.created_by, new.modified_by) == ("ANNA", "ANNA")
    assert (old.created_by, old.modified_by, old.name) == ("", "ANNA", "Stary po zmianie")
    apply_import(validate_import(path))                        # no operator known: the last one stays
    assert _goods("OLD1").modified_by == "ANNA"


def test_card_save_records_who_entered_and_who_changed_the_card(cat):
    from store.catalog.card_save import card_view, save_goods_card

    gid = save_goods_card(None, {"code": "K1", "name": "Karta", "unit": "szt", "vat_rate": cat.vat["23"],
                                 "item_type": "TP"}, operator="ADAM")
    assert card_view(gid)["meta"]["created_by"] == "ADAM" == card_view(gid)["meta"]["modified_by"]
    fields = dict(card_view(gid)["fields"], name="Karta zmieniona")
    save_goods_card(gid, fields, operator="EWA")
    meta = card_view(gid)["meta"]
    assert (meta["created_by"], meta["modified_by"]) == ("ADAM", "EWA")
    assert _goods("K1").name == "Karta zmieniona"


@pytest.mark.rule("PIE-16")
def test_supplier_codes_are_written_only_for_a_supplier_contractor(cat, tmp_path):
    from store.parties import Contractor

    Contractor.create(code="DOST", name="Hurtownia", kind_supplier=True)
    Contractor.create(code="KLIENT", name="Sklep", kind_supplier=False)
    cat.goods("OLD1", name="Stary")
    path = write_xlsx(tmp_path / "s.xlsx", [
        ["Kod", "Nazwa", "Kod dostawcy", "Kod u dostawcy"],
        ["OLD1", "Stary 2", "DOST", "H-100"],
        ["NEW1", "Nowy", "KLIENT", "K-1"],
        ["NEW2", "Drugi", "NIKT", ""],
        ["NEW3", "Trzeci", "", "X-9"]])
    plan = validate_import(path)
    assert plan.errors == [] and plan.valid_rows == 4
    assert any("wierszy: 3" in w and "KLIENT" in w and "NIKT" in w for w in plan.warnings), plan.warnings
    apply_import(plan)
    assert (_goods("OLD1").name, _goods("OLD1").supplier_code, _goods("OLD1").supplier_item_code) == \
        ("Stary 2", "DOST", "H-100")
    for code in ("NEW1", "NEW2", "NEW3"):                      # the row is imported, the supplier fields are not
        assert (_goods(code).supplier_code, _goods(code).supplier_item_code) == ("", "")
    Contractor.create(code="DOST2", name="Inna hurtownia", kind_supplier=True)
    apply_import(validate_import(write_xlsx(tmp_path / "s2.xlsx", [["Kod", "Nazwa", "Kod dostawcy", "Kod u dostawcy"],
                                                                   ["OLD1", "Stary 2", "DOST2", ""]])))
    assert (_goods("OLD1").supplier_code, _goods("OLD1").supplier_item_code) == ("DOST2", "")   # a pair, not H-100
    Contractor.update(kind_supplier=True).where(Contractor.code == "DOST2").execute()
    apply_import(validate_import(write_xlsx(tmp_path / "s3.xlsx", [["Kod", "Nazwa", "Kod dostawcy", "Kod u dostawcy"],
                                                                   ["OLD1", "Stary 2", "DOST", "H-100"]])))
    out = tmp_path / "out.xlsx"
    export_price_list(out)
    rows = _sheet_values(out)
    header = rows[0]
    old = next(r for r in rows if r[0] == "OLD1")
    assert old[header.index("Kod dostawcy")] == "DOST" and old[header.index("Kod u dostawcy")] == "H-100"


@pytest.mark.rule("PIE-9")
def test_only_the_chosen_prices_of_existing_cards_are_updated(cat, tmp_path):
    """PIE-9 „wybrane ceny sprzedaży”: an update with only the wholesale price chosen leaves the
    retail price (and its mirror on the card) as it was; a new card still gets every price."""
    from store.pricelist_io import update_choices

    cat.goods("OLD1", name="Stary", price="10.00", price_type=cat.retail)
    cat.goods("OLD1B", name="Stary B", price="10.00", price_type=cat.w1)
    keys = {key for key, _label, _default in update_choices()}
    assert {f"price:{cat.retail}", f"price:{cat.w1}", "name", "supplier"} <= keys and "prices" not in keys
    before_retail = _price("OLD1", cat.retail)
    path = write_xlsx(tmp_path / "p.xlsx", [["Kod", "Nazwa", "Cena detaliczna brutto", "Cena hurtowa 1 netto"],
                                            ["OLD1", "Stary", 99, 55], ["NEW1", "Nowy", 12.3, 7]])
    plan = validate_import(path, update_fields={"name", f"price:{cat.w1}"})
    apply_import(plan)
    assert _price("OLD1", cat.retail) == before_retail and _goods("OLD1").retail_price == before_retail[1]
    assert _price("OLD1", cat.w1)[0] == D("55.0000")
    assert _price("NEW1", cat.retail)[1] == D("12.3000") and _price("NEW1", cat.w1)[0] == D("7.0000")
    with pytest.raises(ValueError):
        validate_import(path, update_fields={"price:abc"})


def test_retail_price_mirror_follows_an_import_where_price_types_predate_the_retail_flag(cat, tmp_path):
    """The demo's price types have no is_retail flag; the card's retail price (goods.retail_price,
    what the list shows) must still follow an imported retail price, as on the card itself."""
    from store.catalog import PriceType

    PriceType.update(is_retail=False).execute()
    cat.goods("R1", name="Detal", price="10.00", price_type=cat.retail)
    path = write_xlsx(tmp_path / "r.xlsx", [["Kod", "Nazwa", "Cena detaliczna brutto"], ["R1", "Detal", 44.4],
                                            ["R2", "Nowy", 5]])
    apply_import(validate_import(path))
    assert _goods("R1").retail_price == D("44.4000") == _price("R1", cat.retail)[1]
    assert _goods("R2").retail_price == D("5.0000")


@pytest.mark.rule("PIE-11")
def test_producers_and_brands_are_imported_only_with_the_option(cat, tmp_path):
    from store.catalog.dictionaries import Brand, Producer

    Producer.create(code="ACME", name="Acme")
    cat.goods("OLD1", name="Stary")
    path = write_xlsx(tmp_path / "m.xlsx", [["Kod", "Nazwa", "Producent", "Marka"],
                                            ["OLD1", "Stary", "ACME", "Rakieta"], ["NEW1", "Nowy", "NOWYPROD", "Super"],
                                            ["NEW2", "Bez marki", "", ""]])
    plan = validate_import(path)                                   # option off: columns passed over, said so
    assert any("Importuj producentów i marki" in w for w in plan.warnings)
    apply_import(plan)
    assert _goods("NEW1").producer_id is None and not Producer.select().where(Producer.code == "NOWYPROD").exists()
    plan = validate_import(path, import_producers=True)
    assert plan.new_producers == ["NOWYPROD"] and plan.new_brands == [("ACME", "Rakieta"), ("NOWYPROD", "Super")]
    apply_import(plan)
    old, new, bare = _goods("OLD1"), _goods("NEW1"), _goods("NEW2")
    assert (old.producer.code, old.brand.name, old.brand.producer.code) == ("ACME", "Rakieta", "ACME")
    assert (new.producer.code, new.brand.name) == ("NOWYPROD", "Super")
    assert bare.producer_id is None and bare.brand_id is None
    assert Brand.select().count() == 2
    apply_import(validate_import(write_xlsx(tmp_path / "n.xlsx", [["Kod", "Nazwa", "Producent", "Marka"],
                                                                  ["NEW3", "Trzeci", "ACME", "Rakieta"]]),
                                 import_producers=True))                  # a new card gets them too
    assert (_goods("NEW3").producer.code, _goods("NEW3").brand.name) == ("ACME", "Rakieta")
    assert Brand.select().count() == 2
    out = tmp_path / "out.xlsx"
    export_price_list(out)
    rows = _sheet_values(out)
    row = next(r for r in rows if r[0] == "OLD1")
    assert row[rows[0].index("Producent")] == "ACME" and row[rows[0].index("Marka")] == "Rakieta"


@pytest.mark.parametrize("change", ["group", "vat", "unit", "price type", "supplier"])
def test_a_dictionary_entry_removed_after_the_check_refuses_the_whole_import(cat, db_of_cat, tmp_path, change):
    """Another session deletes what the file names between the check and the confirmation: a Polish
    refusal naming it, and the database exactly as before (not a crash, not a partial write)."""
    from store.catalog.dict_rules import create_entry, delete_entry
    from store.errors import Refused
    from store.parties import Contractor

    group = create_entry("goods_group", code="GRX")
    vat = create_entry("vat_rate", code="7", rate=7, name="siedem")
    unit = create_entry("unit", code="paleta", name="paleta")
    special = create_entry("price_type", name="specjalna", kind="sale")
    supplier = Contractor.create(code="DOST", name="Hurtownia", kind_supplier=True)
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["Kod", "Nazwa", "Grupa", "Stawka VAT", "Jednostka", "Cena specjalna netto", "Kod dostawcy"],
        ["N1", "Nowy", "GRX", "7", "paleta", 5, "DOST"]])
    plan = validate_import(path)
    assert plan.errors == [] and plan.to_insert == 1
    {"group": lambda: delete_entry("goods_group", group.id), "vat": lambda: delete_entry("vat_rate", vat.id),
     "unit": lambda: delete_entry("unit", unit.id), "price type": lambda: delete_entry("price_type", special.id),
     "supplier": lambda: Contractor.update(kind_supplier=False).where(Contractor.id == supplier.id).execute()}[change]()
    before = snapshot(db_of_cat)
    with pytest.raises(Refused, match="zmieniły się po sprawdzeniu pliku"):
        apply_import(plan)
    assert snapshot(db_of_cat) == before


def test_lookups_by_in_lists_and_by_one_table_pass_agree(cat):
    """existing_goods/ean_owners read a small table in one pass and a large one by IN-lists; the
    number of values asked decides, and the answer must not depend on it."""
    from store.catalog.goods_codes import add_ean
    from store.pricelist_io.bulk_sql import ean_owners, existing_goods

    from stdnum import ean as std_ean

    for i in range(6):
        cat.goods(f"G{i}", ean="5901234123457" if i == 0 else "")
    h = cat.goods("H", name="Z dodatkowymi").id
    for body in ("9638507", "1234567", "7654321", "5555555", "4444444"):   # more EAN rows than EANs asked
        add_ean(h, body + std_ean.calc_check_digit(body))
    few = ["G1", "G4", "BRAK"]
    many = few + [f"X{i}" for i in range(40)]                      # more values than rows: one pass
    assert set(existing_goods(few)) == {"G1", "G4"}
    assert existing_goods(many) == existing_goods(few)
    few_eans = ["5901234123457", "96385074", "5900000000000"]
    want = {"5901234123457": "G0", "96385074": "H"}
    assert ean_owners(few_eans) == want
    assert ean_owners(few_eans + [f"{i:08d}" for i in range(40)]) == want
