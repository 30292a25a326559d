"""Shops for the trade tests: a company (branch or standalone, from cash_helpers) with goods, an open cash day and
stock received through approved PZ documents (both engines; every test rolls back)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from store import gates
from store.errors import Refused

from tests.store.cash_helpers import DAY, ENGINES, Company, _rolled_back, _seeded, branch_company, standalone_company

D = Decimal
GOODS = [("A", "23"), ("B", "23"), ("C", "8"), ("E", "5"), ("Z", "zw")]


@dataclass
class Shop:
    company: Company
    goods: dict[str, int]
    service_id: int
    warehouse_id: int
    vat_payer_id: int            # a domestic VAT payer with NIP, city and postal code

    @property
    def contractor_id(self) -> int:
        return self.company.contractor_id

    @property
    def forms(self) -> dict[str, int]:
        return self.company.forms


def make_goods(code: str, rate: str = "23", *, service: bool = False, **kw) -> int:
    """A goods card as synchronisation or the catalogue stores it (a branch may not create goods itself)."""
    from store.catalog.goods import main_group
    from store.catalog.models import Goods
    from store.config import VatRate

    vat = VatRate.get(VatRate.code == rate).id
    return Goods.create(code=code, name=f"Towar {code}", vat_rate=vat, purchase_vat_rate=vat, group=main_group().id,
                        is_service=service, track_stock=not service, item_type="UP" if service else "TP", **kw).id


def _shop(make) -> Shop:
    from store import cash
    from store.cash.models import CashReport
    from store.catalog.models import Goods
    from store.catalog.dictionaries import Warehouse
    from store.parties import create_contractor
    from store.parties.models import Contractor

    company = make()
    goods = {code: make_goods(code, rate) for code, rate in GOODS}
    service = make_goods("USL", "23", service=True)
    wh = Warehouse.get(Warehouse.is_main == True).id  # noqa: E712
    first = CashReport.select().where(CashReport.register == company.register_id).order_by(CashReport.seq).first()
    if first is None:
        cash.create_report(company.register_id, DAY, date(2024, 5, 31))
    else:
        cash.save_report(company.register_id, first.id, first.version, opening_date=first.opening_date,
                         closing_date=date(2024, 5, 31))
    for cid in (company.contractor_id, company.other_id):   # domestic cards with a postal code (CONF-5)
        Contractor.update(postal_code="30-001", nip="5260250274").where(Contractor.id == cid).execute()
    payer = create_contractor({"code": "VATP", "name": "Płatnik VAT", "city": "Kraków", "postal_code": "31-002",
                               "nip": "7740001454", "vat_active": True})
    assert Goods.select().count() >= 6
    return Shop(company, goods, service, wh, payer.id)


@pytest.fixture(scope="session", params=ENGINES)
def branch_shop_db(request, tmp_path_factory, pg_reason):
    yield from _seeded(request, tmp_path_factory, pg_reason, lambda: _shop(branch_company))


@pytest.fixture(scope="session", params=ENGINES)
def standalone_shop_db(request, tmp_path_factory, pg_reason):
    yield from _seeded(request, tmp_path_factory, pg_reason, lambda: _shop(standalone_company))


@pytest.fixture
def bshop(branch_shop_db):
    """A branch shop: first sync done, register KASA with an open day (10…31 May 2024), goods A B C E Z and USL."""
    yield from _rolled_back(branch_shop_db)


@pytest.fixture
def sshop(standalone_shop_db):
    yield from _rolled_back(standalone_shop_db)


def line(shop: Shop, code: str, qty, price, **kw):
    from store.trade import LineDraft

    goods_id = shop.service_id if code == "USL" else shop.goods[code]
    return LineDraft(goods_id=goods_id, quantity=D(str(qty)), price=D(str(price)), **kw)


def draft(kind: str, lines, *, on: date = DAY, payments=None, **fields):
    from store.trade import DocumentDraft

    return DocumentDraft(kind, None, {"issue_date": on, **fields}, list(lines), payments)


def receive(shop: Shop, rows, *, on: date = DAY, kind: str = "PZ"):
    """Approve a receipt of (code, qty, unit net price) rows: one cost layer each."""
    from store.trade import approve, save_buffer

    view = save_buffer(draft(kind, [line(shop, c, q, p) for c, q, p in rows], on=on))
    return approve(view.id, version=view.version)


def sell(shop: Shop, kind: str, rows, *, contractor_id=None, payments=None, approve_it=True, confirmed=(),
         tendered=None, on: date = DAY, **fields):
    from store.trade import PaymentDraft, approve, save_buffer

    if contractor_id is None and kind in ("FA", "FZ"):
        contractor_id = shop.contractor_id          # ALFA: Kraków, NIP, 30-001
    if contractor_id is not None:
        fields["contractor_id"] = contractor_id
    pays = None if payments is None else [PaymentDraft(shop.forms[f], None if a is None else D(str(a)))
                                          for f, a in payments]
    view = save_buffer(draft(kind, [line(shop, c, q, p) for c, q, p in rows], on=on, payments=pays, **fields),
                       confirmed=confirmed)
    if not approve_it:
        return view
    return approve(view.id, version=view.version, confirmed=confirmed, tendered=tendered)


def level(shop: Shop, code: str) -> tuple[Decimal, Decimal]:
    from store.warehouse.stock import on_hand

    return on_hand(shop.goods[code], shop.warehouse_id)


def layers(shop: Shop, code: str) -> list[tuple[Decimal, Decimal, Decimal]]:
    from store.warehouse import StockLayer

    return [(r.quantity, r.remaining, r.unit_cost) for r in
            StockLayer.select().where(StockLayer.goods == shop.goods[code]).order_by(StockLayer.id)]


# each gate of store.gates, the value that closes it, and the words of its refusal (SETUP-5, INV-2, RET-7)
CLOSED_GATES = ((gates.FIRST_SYNC_DONE, "0", "nie został jeszcze zsynchronizowany"),
                (gates.INVENTORY_UNCONFIRMED, "1", "Trwa inwentaryzacja niepotwierdzona"),
                (gates.FULL_RETURN_DONE, "1", "zwrot całkowity"))


def each_closed_gate():
    """Yield the refusal text of each gate while it is closed; the gate is opened again after each."""
    from store.config import Setting

    for flag, value, text in CLOSED_GATES:
        old = Setting.get_or_none(Setting.key == flag)
        Setting.insert(key=flag, value=value).on_conflict(conflict_target=[Setting.key],
                                                          update={Setting.value: value}).execute()
        yield text
        restore = old.value if old else ("1" if flag == gates.FIRST_SYNC_DONE else "0")
        Setting.update(value=restore).where(Setting.key == flag).execute()


def unchanged(fn, match: str, exc: type[Exception] = Refused) -> None:
    """The call is refused with a message matching `match`, and every table is as it was (tests.dbdump)."""
    from tests.dbdump import assert_same, dump

    before = dump()
    with pytest.raises(exc, match=match):
        fn()
    assert_same(before, dump())
