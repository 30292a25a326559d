"""A receipt is priced from gross: the price a clerk types on a PA is what the customer pays per unit, and its
VAT is taken out of the gross (found trying the demo: the form asked for 825,57 in cash, the saved PA said
1 015,45, and approval refused the clerk's exact payment)."""
from __future__ import annotations

from decimal import Decimal

from store.trade import approve
from tests.store.trade_helpers import D, bshop, branch_shop_db, receive, sell  # noqa: F401


def test_a_new_receipt_computes_vat_from_gross_and_takes_exactly_its_gross_in_cash(bshop):
    receive(bshop, [("A", 5, "1.00")])
    pa = sell(bshop, "PA", [("A", 3, "275.19")], approve_it=False)
    assert pa.header["from_gross"]
    assert (pa.header["gross"], pa.header["net"], pa.header["vat"]) == (D("825.57"), D("671.20"), D("154.37"))
    done = approve(pa.id, version=pa.version, tendered=Decimal("825.57"))
    assert done.state == "approved" and done.header["gross"] == D("825.57")


def test_an_invoice_stays_computed_from_net(bshop):
    receive(bshop, [("A", 5, "1.00")])
    fa = sell(bshop, "FA", [("A", 3, "275.19")], approve_it=False)
    assert not fa.header["from_gross"] and fa.header["net"] == D("825.57") and fa.header["gross"] == D("1015.45")
