"""Trade core on both engines: buffer, approval, numbering, stock, VAT, payments, cancellation (issue 11)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from store.cash.models import CashEntry, Payment
from store.errors import StaleRecord
from store.trade import (APPROVED, CANCELLED, ConfirmationNeeded, Document, DocumentDraft, DocumentLine, DocumentVat,
                         LineDraft, approve, cancel, delete_buffer, load_document, save_buffer)
from store.trade.errors import DocumentRefused
from store.warehouse import Shortage, available
from tests.dbdump import assert_same, dump
from tests.store.trade_helpers import (D, DAY, bshop, branch_shop_db, draft, layers, level, line, receive, sell,  # noqa: F401
                                       sshop, standalone_shop_db)


@pytest.mark.rule("DOC-2", "DOC-3", "DOC-34", "MM-21")
def test_buffer_holds_and_approval_issues_through_a_permanent_wz_fifo_across_layers(bshop):
    receive(bshop, [("A", 10, "2.00")])
    receive(bshop, [("A", 10, "3.00")], on=DAY + timedelta(days=1))
    fa = sell(bshop, "FA", [("A", 12, "10.00"), ("USL", 1, "50.00")], approve_it=False)
    assert fa.number == f"BUF/{fa.id}" and fa.state == "buffer"
    assert level(bshop, "A") == (D(20), D(12))
    assert available(bshop.goods["A"], bshop.warehouse_id) == D(8)
    fa = approve(fa.id, version=fa.version)
    assert (fa.number, fa.state) == ("FA/1/KRAK/2024", APPROVED)
    assert level(bshop, "A") == (D(8), D(0))
    assert layers(bshop, "A") == [(D(10), D(0), D(2)), (D(10), D(8), D(3))]
    (relation, wz_id), = fa.links
    wz = load_document(wz_id)
    assert (relation, wz.kind, wz.state, wz.number, wz.header["origin"]) == ("generated", "WZ", APPROVED,
                                                                             "WZ/1/KRAK/2024", "auto")
    assert [(ln["goods_code"], ln["quantity"], ln["cost"]) for ln in wz.lines] == [("A", D(12), D("26.00"))]
    assert [(r["rate_code"], r["net"], r["vat"]) for r in fa.vat] == [("23", D("170.00"), D("39.10"))]


def test_numbers_are_gapless_per_class_and_a_refused_approval_takes_none(bshop):
    receive(bshop, [("A", 5, "1.00")])
    first = sell(bshop, "PA", [("A", 1, "5.00")])
    short = sell(bshop, "PA", [("A", 1, "5.00")], approve_it=False)
    empty = save_buffer(draft("PA", []))
    before = dump()
    with pytest.raises(DocumentRefused, match="Dokument nie ma pozycji"):
        approve(empty.id, version=empty.version)
    assert_same(before, dump())
    second = approve(short.id, version=short.version)
    assert [first.number, second.number] == ["PA/1/KRAK/2024", "PA/2/KRAK/2024"]


@pytest.mark.rule("DOC-65", "SETUP-15")
def test_shortage_is_refused_at_save_and_at_approval_naming_goods_warehouse_and_shortfall(bshop):
    from store.config import Setting
    from store.trade import options

    receive(bshop, [("A", 2, "1.00")])
    before = dump()
    with pytest.raises(Shortage, match="Brak wystarczającej ilości towaru A w magazynie MAGAZYN \\(brakuje 1\\)"):
        sell(bshop, "FA", [("A", 3, "10.00")], approve_it=False)
    assert_same(before, dump())
    Setting.insert(key=options.STOCK_CHECK, value="none").execute()       # no check while editing
    fa = sell(bshop, "FA", [("A", 3, "10.00")], approve_it=False)
    before = dump()
    with pytest.raises(Shortage, match="Brak wystarczającej ilości towaru A w magazynie MAGAZYN"):
        approve(fa.id, version=fa.version)
    assert_same(before, dump())
    assert level(bshop, "A") == (D(2), D(3))


def test_another_clerks_buffer_takes_the_stock_from_the_next_sale(bshop):
    receive(bshop, [("A", 3, "1.00")])
    sell(bshop, "PA", [("A", 3, "4.00")], approve_it=False)
    with pytest.raises(Exception, match="brakuje 1"):
        sell(bshop, "PA", [("A", 1, "4.00")])
    assert level(bshop, "A") == (D(3), D(3))


def test_lines_are_saved_as_changes_and_a_stale_version_names_who(bshop):
    from store.base import set_session_operator

    receive(bshop, [("A", 10, "1.00"), ("B", 10, "1.00"), ("C", 1, "1.00")])
    fa = sell(bshop, "FA", [("A", 2, "10.00"), ("B", 1, "10.00")], approve_it=False)
    a, b = fa.lines
    set_session_operator("ANNA")
    try:
        fa2 = save_buffer(DocumentDraft("FA", fa.id, {}, [LineDraft(id=a["id"], version=a["version"], quantity=D(5))],
                                        removed=[(b["id"], b["version"])]), version=fa.version)
    finally:
        set_session_operator("")
    assert [(ln["goods_code"], ln["quantity"]) for ln in fa2.lines] == [("A", D(5))]
    assert level(bshop, "A") == (D(10), D(5)) and level(bshop, "B") == (D(10), D(0))
    before = dump()
    with pytest.raises(StaleRecord, match="ANNA"):
        save_buffer(DocumentDraft("FA", fa.id, {"description": "x"}, []), version=fa.version)
    with pytest.raises(StaleRecord, match="ANNA"):
        save_buffer(DocumentDraft("FA", fa.id, {}, [LineDraft(id=a["id"], version=a["version"], quantity=D(1))]),
                    version=fa2.version)
    assert_same(before, dump())
    fa3 = save_buffer(DocumentDraft("FA", fa.id, {}, [line(bshop, "C", 1, "3.00")]), version=fa2.version)
    assert [ln["goods_code"] for ln in fa3.lines] == ["A", "C"]
    delete_buffer(fa.id, version=fa3.version)
    assert level(bshop, "A") == (D(10), D(0))
    assert not Document.select().where(Document.id == fa.id).exists()


@pytest.mark.rule("DOC-12", "DOC-19")
def test_cancelling_an_unsent_invoice_cancels_its_wz_restores_the_exact_layers_and_its_kp(bshop):
    receive(bshop, [("A", 4, "2.00")])
    receive(bshop, [("A", 4, "3.00")], on=DAY + timedelta(days=1))
    before_layers = layers(bshop, "A")
    fa = sell(bshop, "FA", [("A", 6, "10.00")], payments=[("cash", None)])
    assert CashEntry.select().where(CashEntry.document_id == fa.id).count() == 1
    fa = cancel(fa.id, version=fa.version)
    wz = load_document(fa.links[0][1])
    assert (fa.state, wz.state) == (CANCELLED, CANCELLED)
    assert layers(bshop, "A") == before_layers and level(bshop, "A") == (D(8), D(0))
    assert not CashEntry.select().where(CashEntry.document_id == fa.id).exists()
    assert not Payment.select().where(Payment.document_id == fa.id).exists()
    assert fa.number == "FA/1/KRAK/2024"          # a cancelled document keeps its number


@pytest.mark.rule("DOC-37")
def test_a_generated_wz_and_a_pz_whose_layer_was_issued_cannot_be_cancelled(bshop):
    pz = receive(bshop, [("A", 4, "2.00")])
    fa = sell(bshop, "FA", [("A", 1, "10.00")])
    wz = load_document(fa.links[0][1])
    before = dump()
    with pytest.raises(Exception, match="wygenerowany z dokumentu FA/1/KRAK/2024"):
        cancel(wz.id, version=wz.version)
    with pytest.raises(Exception, match="towar A z tej dostawy został już wydany"):
        cancel(pz.id, version=pz.version)
    assert_same(before, dump())


@pytest.mark.rule("DOC-25", "DOC-28")
def test_a_purchase_invoice_generates_its_pz_sets_the_purchase_price_and_cancels_with_it(bshop):
    from store.catalog.models import Goods

    fz = sell(bshop, "FZ", [("C", 10, "4.50")], payments=[("transfer", None)])
    pz = load_document(fz.links[0][1])
    assert (pz.kind, pz.state, pz.number) == ("PZ", APPROVED, "PZ/1/KRAK/2024")
    assert layers(bshop, "C") == [(D(10), D(10), D("4.5"))]
    assert Goods.get_by_id(bshop.goods["C"]).last_purchase_price == D("4.5")
    assert Payment.get(Payment.document_id == fz.id).sign == -1
    cancel(fz.id, version=fz.version)
    assert layers(bshop, "C") == [] and level(bshop, "C") == (D(0), D(0))
    assert load_document(pz.id).state == CANCELLED


@pytest.mark.rule("DOC-53")
def test_internal_receipts_and_issues_move_stock_and_create_no_payments(bshop):
    pw = receive(bshop, [("E", 3, "7.00")], kind="PW")
    rw = sell(bshop, "RW", [("E", 2, "7.00")])
    assert level(bshop, "E") == (D(1), D(0))
    assert not Payment.select().where(Payment.document_id.in_([pw.id, rw.id])).exists()
    assert [ln["cost"] for ln in rw.lines] == [D("14.00")]


def test_vat_rows_equal_the_lines_per_rate(sshop):
    receive(sshop, [("A", 10, "1"), ("C", 10, "1"), ("E", 10, "1"), ("Z", 10, "1")])
    fa = sell(sshop, "FA", [("A", 3, "0.33"), ("A", 1, "0.34"), ("C", 7, "1.11"), ("E", 1, "9.99"), ("Z", 1, "5")],
              contractor_id=sshop.vat_payer_id)
    for row in fa.vat:
        lines = [ln for ln in fa.lines if ln["rate_code"] == row["rate_code"]]
        assert sum(ln["vat"] for ln in lines) == row["vat"] and sum(ln["net"] for ln in lines) == row["net"]
    assert D(sum(r["gross"] for r in fa.vat)) == fa.header["gross"] == fa.header["gross_pln"]
    assert DocumentVat.select().where(DocumentVat.document == fa.id).count() == 4


@pytest.mark.rule("CUR-41")
def test_a_currency_purchase_keeps_line_values_in_currency_and_pln(sshop):
    fz = sell(sshop, "FZ", [("A", 10, "4.03"), ("B", 100, "2.02")], currency="EUR", exchange_rate=D("4.2656"),
              payments=[("transfer", None)])
    a, b = fz.lines
    assert (a["net"], a["net_pln"], b["net"], b["net_pln"]) == (D("40.30"), D("171.90"), D("202.00"), D("861.65"))
    assert layers(sshop, "A") == [(D(10), D(10), D("17.19"))]


@pytest.mark.rule("DOC-9", "DOC-13")
def test_the_snapshot_keeps_the_payer_status_and_line_descriptions_follow_the_goods_flags(sshop):
    from store.catalog.models import Goods
    from store.parties.models import Contractor

    Goods.update(copy_description=True, description="Opis z karty", allow_description_edit=False) \
        .where(Goods.id == sshop.goods["A"]).execute()
    Goods.update(copy_description=True, description="Opis B", allow_description_edit=True) \
        .where(Goods.id == sshop.goods["B"]).execute()
    receive(sshop, [("A", 5, "1"), ("B", 5, "1")])
    fa = sell(sshop, "FA", [("A", 1, "2"), ("B", 1, "2")], contractor_id=sshop.vat_payer_id, approve_it=False)
    assert [ln["description"] for ln in fa.lines] == ["Opis z karty", "Opis B"]
    a, b = fa.lines
    fa = save_buffer(DocumentDraft("FA", fa.id, {}, [LineDraft(id=a["id"], version=a["version"], description="x"),
                                                     LineDraft(id=b["id"], version=b["version"], description="y")]),
                     version=fa.version)
    assert [ln["description"] for ln in fa.lines] == ["Opis z karty", "y"]
    Contractor.update(transaction_type="intra_eu").where(Contractor.id == sshop.vat_payer_id).execute()
    assert load_document(fa.id).header["contractor_status"] == "domestic"


@pytest.mark.rule("DICT-21")
def test_a_new_line_takes_its_price_from_price_for_fixed_price_then_discount(sshop):
    """§8 scenario 4 through a document line: fixed 4.33 for K, 10 % for the goods group -> 3.90."""
    from store.catalog.discounts import save_discount, save_fixed_price
    from store.catalog.models import Goods
    from store.config import set_setting

    goods = Goods.get_by_id(sshop.goods["A"])
    save_fixed_price(goods=goods.id, scope="contractor", contractor=sshop.vat_payer_id, price=D("4.33"), gross=False)
    save_discount(kind="1K/GT", contractor=sshop.vat_payer_id, goods_group=goods.group_id, percent=D(10))
    set_setting("fixed_price_then_discounts", "1")
    receive(sshop, [("A", 5, "1")])
    fa = save_buffer(draft("FA", [LineDraft(goods_id=goods.id, quantity=D(2))], contractor_id=sshop.vat_payer_id))
    assert [(ln["price"], ln["value"]) for ln in fa.lines] == [(D("3.90"), D("7.80"))]


@pytest.mark.rule("DOC-4")
def test_instalments_get_their_due_dates_from_the_terms_at_save_and_a_single_one_follows_the_gross(bshop):
    from store.trade import PaymentDraft

    receive(bshop, [("A", 9, "1")])
    fa = sell(bshop, "FA", [("A", 1, "10.00")], payments=[("transfer", "5.00"), ("transfer", None)],
              approve_it=False)
    assert [(p["amount"], p["due_date"]) for p in fa.payments] == [(D("5.00"), DAY + timedelta(days=7)),
                                                                    (D("7.30"), DAY + timedelta(days=7))]
    fa = save_buffer(DocumentDraft("FA", fa.id, {"issue_date": DAY + timedelta(days=1)},
                                   payments=[PaymentDraft(bshop.forms["transfer"], None, date(2024, 7, 1))]),
                     version=fa.version)
    fa = save_buffer(DocumentDraft("FA", fa.id, {}, [line(bshop, "A", 1, "10.00")]), version=fa.version)
    assert [(p["amount"], p["due_date"], p["due_typed"]) for p in fa.payments] == [(D("24.60"), date(2024, 7, 1),
                                                                                    True)]
    approve(fa.id, version=fa.version)
    assert Payment.get(Payment.document_id == fa.id).due_date == date(2024, 7, 1)


def test_the_approved_document_handed_back_is_the_one_stored(bshop):
    """approve() builds its answer from what its transaction read and wrote (no reload): the form shows exactly
    what a later load shows: a trade document with a generated WZ and two instalments, an RW that costs its own
    lines, a receipt (PZ)."""
    receive(bshop, [("A", 10, "2.00")])
    receive(bshop, [("A", 10, "3.00")], on=DAY + timedelta(days=1))
    fa = sell(bshop, "FA", [("A", 12, "10.00"), ("USL", 1, "50.00")], payments=[("cash", "20.00"), ("transfer", None)])
    rw = sell(bshop, "RW", [("A", 3, "1.00")])
    pz = receive(bshop, [("A", 4, "2.50"), ("B", 1, "7.00")])
    for approved in (fa, rw, pz):
        assert approved == load_document(approved.id)
    assert [ln["cost"] for ln in rw.lines] == [D("9.00")]          # 3 from the 3.00 layer (FIFO)
    assert [p["amount"] for p in fa.payments] == [D("20.00"), D("189.10")] and fa.links[0][0] == "generated"
