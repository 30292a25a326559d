"""What a clerk needs to sell on the demo right away: payment forms, a cash register with an open report, and
opening stock (one approved PZ) for the first goods. Built through the public store API, so the demo holds
exactly what a company that did the same by hand would hold."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from store import cash, config
from store.catalog.dict_rules import create_entry
from store.catalog.models import Goods
from store.db import write
from store.parties.cards import ensure_unspecified
from store.i18n import _

TRADE_MARKER = "demo_trade"     # setting "1": the payment forms, register and opening stock are there
STOCK_QUANTITY = Decimal(50)


def is_ready() -> bool:
    return config.get_setting(TRADE_MARKER) == "1"


def prepare_trading(*, stock_goods: int = 200, today: date | None = None) -> None:
    """!NIEOKREŚLONY!, payment forms (cash into the register KASA, transfer 14 days), the register's report for this month,
    and an approved PZ of STOCK_QUANTITY of each of the first `stock_goods` goods at half its retail gross price."""
    from store.trade import DocumentDraft, LineDraft, approve, save_buffer

    if is_ready():
        return
    today = today or date.today()
    ensure_unspecified()         # CTR-30: receipts go to the walk-in contractor
    register = cash.save_register(None, None, symbol="KASA", name="Kasa główna")
    cash_form = create_entry("payment_form", name="gotówka", kind="cash", days=0)
    cash.set_payment_form_register(cash_form.id, register.id)
    create_entry("payment_form", name="przelew", kind="transfer", days=14)
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    cash.create_report(register.id, first, last)
    rows = (Goods.select(Goods.id, Goods.retail_price).where(Goods.is_service == False)  # noqa: E712
            .order_by(Goods.id).limit(stock_goods).tuples())
    lines = [LineDraft(goods_id=gid, quantity=STOCK_QUANTITY,
                       price=max((Decimal(gross or 0) / 2).quantize(Decimal("0.01")), Decimal("0.01")))
             for gid, gross in rows]
    with write():
        if lines:
            view = save_buffer(DocumentDraft("PZ", None, {"issue_date": first,
                                                          "description": _("Stan początkowy (demo)")}, lines))
            approve(view.id, version=view.version)
        config.set_setting(TRADE_MARKER, "1")
