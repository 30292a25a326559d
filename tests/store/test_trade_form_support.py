"""What the document editor asks the trade core (issue 14 §1–§3): SETUP-12 options, series (OPER-13/14), the
net/gross lock, instalments (DOC-4/26), price thresholds (DICT-20), EAN-only sales, the margin question."""
from __future__ import annotations

from datetime import date

import pytest

from store.errors import ValidationError
from store.trade import (ConfirmationNeeded, DocumentDraft, LineDraft, PaymentDraft, approve, load_document,
                         save_buffer)
from store.trade import form_support, options
from tests.store.trade_helpers import D, DAY, bshop, branch_shop_db, draft, receive, sell, unchanged  # noqa: F401


@pytest.mark.rule("SETUP-12")
def test_setup12_options_are_saved_checked_and_read_back(bshop):
    assert options.read()[options.EAN_ONLY] == "0" and options.read()[options.MARGIN_CHECK] == "none"
    options.save({options.EAN_ONLY: "1", options.MARGIN_CHECK: "approve", options.COPY_PAYMENTS: "1",
                  options.ALLOW_NET_GROSS: "1"})
    read = options.read()
    assert (read[options.EAN_ONLY], read[options.MARGIN_CHECK], read[options.COPY_PAYMENTS],
            read[options.ALLOW_NET_GROSS]) == ("1", "approve", "1", "1")
    unchanged(lambda: options.save({options.EAN_ONLY: "0", options.MARGIN_CHECK: "zawsze"}),
              "niedozwolona wartość „zawsze”", ValidationError)
    unchanged(lambda: options.save({"role": "hq"}), "Tego parametru handlu nie można ustawić.", ValidationError)


@pytest.mark.rule("OPER-13", "OPER-14")
def test_extra_series_is_offered_after_the_default_and_never_becomes_the_default(bshop):
    from store import numbering

    default = numbering.default_series("FA")
    numbering.apply_hq_series([{"doc_class": "FA", "series": "KASA2", "extra": True, "default": True}])
    assert numbering.default_series("FA") == default                 # HQ's "default" on an extra series: ignored
    assert form_support.series_choices("FA") == [default, "KASA2"]
    receive(bshop, [("A", 5, "1")])
    fa = sell(bshop, "FA", [("A", 1, "5")], approve_it=False)
    assert fa.header["series"] == default                            # a new document takes the default
    fa = save_buffer(DocumentDraft("FA", fa.id, {"series": "KASA2"}), version=fa.version)   # by hand
    assert approve(fa.id, version=fa.version).number.startswith("FA/1/KASA2/")


@pytest.mark.rule("SETUP-12")
def test_net_gross_switch_is_refused_once_lines_exist_unless_allowed_then_prices_keep_the_value(bshop):
    receive(bshop, [("A", 5, "1")])
    fa = sell(bshop, "FA", [("A", 2, "10.00")], approve_it=False)
    assert not fa.header["from_gross"] and fa.gross == D("24.60")
    unchanged(lambda: save_buffer(DocumentDraft("FA", fa.id, {"from_gross": True}), version=fa.version),
              "Nie można zmienić netto/brutto dokumentu, który ma pozycje")
    empty = save_buffer(draft("FA", [], contractor_id=bshop.contractor_id))
    assert save_buffer(DocumentDraft("FA", empty.id, {"from_gross": True}),
                       version=empty.version).header["from_gross"]          # no lines: free
    options.save({options.ALLOW_NET_GROSS: "1"})
    fa = save_buffer(DocumentDraft("FA", fa.id, {"from_gross": True}), version=fa.version)
    assert fa.header["from_gross"] and [ln["price"] for ln in fa.lines] == [D("12.30")]
    assert fa.gross == D("24.60")


@pytest.mark.rule("DOC-26")
def test_instalments_must_sum_to_the_gross_and_are_kept_with_their_dates(bshop):
    receive(bshop, [("A", 5, "1")])
    fa = sell(bshop, "FA", [("A", 1, "10.00")], approve_it=False)                  # 12.30 gross
    transfer = bshop.forms["transfer"]
    bad = [PaymentDraft(transfer, D("5.00"), date(2024, 6, 1)), PaymentDraft(transfer, D("7.00"), date(2024, 7, 1))]
    unchanged(lambda: save_buffer(DocumentDraft("FA", fa.id, {}, payments=bad), version=fa.version),
              r"Suma płatności \(12,00\) różni się od wartości brutto dokumentu \(12,30\)")
    good = [PaymentDraft(transfer, D("5.00"), date(2024, 6, 1)), PaymentDraft(transfer, D("7.30"), date(2024, 7, 1))]
    fa = save_buffer(DocumentDraft("FA", fa.id, {}, payments=good), version=fa.version)
    assert [(p["amount"], p["due_date"]) for p in fa.payments] == [(D("5.00"), date(2024, 6, 1)),
                                                                    (D("7.30"), date(2024, 7, 1))]
    approve(fa.id, version=fa.version)
    assert load_document(fa.id).state == "approved"


@pytest.mark.rule("DICT-20")
def test_price_thresholds_of_a_line_give_the_price_from_each_quantity(bshop):
    from store.catalog.discounts import PriceThreshold

    goods = bshop.goods["A"]
    assert form_support.price_thresholds(goods, contractor_id=bshop.contractor_id, on=DAY, warehouse_id=None,
                                         from_gross=False) == []
    for qty, price in ((D(10), D("9.00")), (D(50), D("8.00"))):       # as synchronisation brings them (DICT-22)
        PriceThreshold.create(goods=goods, price_type=None, min_quantity=qty, price=price)
    rows = form_support.price_thresholds(goods, contractor_id=bshop.contractor_id, on=DAY, warehouse_id=None,
                                         from_gross=True)                   # the retail price is declared gross
    assert [q for q, _p in rows] == [D(1), D(10), D(50)]
    assert [p for _q, p in rows][1:] == [D("9.00"), D("8.00")]
    net = form_support.price_thresholds(goods, contractor_id=bshop.contractor_id, on=DAY, warehouse_id=None,
                                        from_gross=False)
    assert [p for _q, p in net][1:] == [D("7.32"), D("6.50")]


@pytest.mark.rule("SETUP-12")
def test_goods_by_ean_and_the_ean_only_option_apply_to_sales_kinds_only(bshop):
    from store.catalog.models import Goods

    Goods.update(ean="5901234123457").where(Goods.id == bshop.goods["B"]).execute()
    assert form_support.goods_by_ean("5901234123457") == bshop.goods["B"]
    assert form_support.goods_by_ean("B") is None
    assert not form_support.ean_only("FA")
    options.save({options.EAN_ONLY: "1"})
    assert form_support.ean_only("FA") and form_support.ean_only("PA") and not form_support.ean_only("FZ")


@pytest.mark.rule("SETUP-12")
def test_margin_question_at_the_configured_moment(bshop):
    receive(bshop, [("A", 5, "2.00")])                                # purchase price 2.00
    options.save({options.MARGIN_CHECK: "save"})
    with pytest.raises(ConfirmationNeeded) as asked:
        sell(bshop, "FA", [("A", 1, "1.50")], approve_it=False)
    assert asked.value.codes == ["margin"]
    assert "A (cena 1,50, zakup 2,00)" in asked.value.questions[0][1]
    fa = sell(bshop, "FA", [("A", 1, "1.50")], approve_it=False, confirmed={"margin"})
    options.save({options.MARGIN_CHECK: "approve"})
    fa = save_buffer(DocumentDraft("FA", fa.id, {}, [LineDraft(id=fa.lines[0]["id"], version=fa.lines[0]["version"],
                                                               quantity=D(2))]), version=fa.version)   # no question
    with pytest.raises(ConfirmationNeeded):
        approve(fa.id, version=fa.version)
    assert approve(fa.id, version=fa.version, confirmed={"margin"}).state == "approved"
    options.save({options.MARGIN_CHECK: "line"})
    assert form_support.margin_moment("line") and not form_support.margin_moment("save")
    assert sell(bshop, "FA", [("A", 1, "1.00")], approve_it=False).lines       # "line": the form warns, store not
