"""A branch prepared the way issue 11's and 12's functions prepare it (first sync marked, register KASA with a
report open today, series), with goods of two-character codes on stock and a three-character contractor."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from store.db import database, open_database

TODAY = date.today()
GOODS = (("A1", "23", "10.00"), ("B2", "8", "20.00"), ("C3", "23", "5.00"))


@dataclass
class Branch:
    url: str
    contractor_id: int           # ABC: name, street, city, NIP (ready for sync)
    goods: dict[str, int]
    forms: dict[str, int]
    register_id: int


def prepare_branch(url: str) -> Branch:
    from store import trade
    from store.catalog.models import GoodsPrice, PriceType
    from store.parties import create_contractor
    from tests.store.cash_helpers import branch_company
    from tests.store.trade_helpers import make_goods

    open_database(url, create=True)
    company = branch_company(TODAY)
    from store import cash
    from store.cash.models import CashReport

    first = CashReport.select().where(CashReport.register == company.register_id).order_by(CashReport.seq).first()
    cash.save_report(company.register_id, first.id, first.version, opening_date=first.opening_date,
                     closing_date=TODAY)                       # the day's report is open for today's entries
    goods = {}
    retail = PriceType.get(PriceType.name == "detaliczna").id
    for code, rate, net in GOODS:
        goods[code] = make_goods(code, rate)
        gross = (Decimal(net) * (100 + Decimal(rate)) / 100).quantize(Decimal("0.01"))
        GoodsPrice.create(goods=goods[code], price_type=retail, net=Decimal(net), gross=gross)
    abc = create_contractor({"code": "ABC", "name": "Abc Handel Sp. z o.o.", "street": "Długa", "building": "5",
                             "city": "Kraków", "postal_code": "30-001", "nip": "7740001454", "vat_active": True})
    pz = trade.save_buffer(trade.DocumentDraft("PZ", None, {"issue_date": TODAY}, [
        trade.LineDraft(goods_id=g, quantity=Decimal(100), price=Decimal("1.00")) for g in goods.values()]))
    trade.approve(pz.id, version=pz.version)
    return Branch(url, abc.id, goods, company.forms, company.register_id)


@pytest.fixture
def trade_branch(tmp_path):
    url = f"sqlite:///{tmp_path / 'branch.db'}"
    branch = prepare_branch(url)
    yield branch
    database.close()
    database.initialize(None)


def app_for(url):
    from tui.app import FiliaApp

    return FiliaApp(url, operator_login="ADMIN")
