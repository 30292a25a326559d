"""HQ and branch databases for the exchange tests. One process binds one database at a time (the store's
proxy), so a test opens a side, works, and closes it before opening the other."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ADMIN_PASSWORD = "admin1"


def create(url: str, role: str, *, symbol: str = "", folder: str | Path = "", name: str = "") -> str:
    from store.setup import SetupData, create_company

    create_company(url, SetupData(role=role, costing_method="FIFO", company_name=name or f"Firma {role} {symbol}",
                                  admin_password=ADMIN_PASSWORD, branch_symbol=symbol, exchange_folder=str(folder),
                                  city="Kraków"))
    return url


@contextmanager
def opened(url: str):
    from store.db import database, open_database

    db = open_database(url)
    try:
        yield db
    finally:
        db.close()
        database.initialize(None)


def hq_register(symbol: str = "KRAKKASA") -> int:
    from store.cash.models import CashRegister
    from store.db import run_write

    return run_write(lambda: CashRegister.create(symbol=symbol, name=f"Kasa {symbol}").id)


def add_goods(n: int, *, start: int = 1, price: Decimal = Decimal("12.30")) -> list[int]:
    """HQ goods T<i> with a retail (gross) and a wholesale (net) price, in one transaction."""
    from store import bulk
    from store.catalog.dictionaries import PriceType
    from store.catalog.models import Goods, GoodsPrice
    from store.catalog.prices import mirror_retail
    from store.config import VatRate
    from store.db import write

    vat = VatRate.get(VatRate.code == "23").id
    retail = PriceType.get(PriceType.name == "detaliczna")
    whole = PriceType.get(PriceType.name == "hurtowa 1")
    with write():
        bulk.bulk_insert(Goods, ({"code": f"T{i:06d}", "name": f"Towar {i}", "vat_rate": vat}
                                 for i in range(start, start + n)))
        ids = [g for (g,) in Goods.select(Goods.id).where(Goods.code.in_([f"T{i:06d}" for i in range(start, start + n)]))
               .tuples()]
        net = (price / Decimal("1.23")).quantize(Decimal("0.01"))
        bulk.bulk_insert(GoodsPrice, ({"goods": g, "price_type": retail.id, "net": net, "gross": price}
                                      for g in ids))
        bulk.bulk_insert(GoodsPrice, ({"goods": g, "price_type": whole.id, "net": net, "gross": price}
                                      for g in ids))
        mirror_retail(ids)
    return ids


def set_retail(code: str, gross: Decimal) -> None:
    from store.catalog.dictionaries import PriceType
    from store.catalog.models import Goods
    from store.catalog.prices import set_price

    set_price(Goods.get(Goods.code == code).id, PriceType.get(PriceType.name == "detaliczna").id, value=gross)


def add_contractor(code: str, *, nip: str = "", city: str = "Kraków", street: str = "", at: datetime | None = None,
                   gid: int | None = None) -> int:
    from store.db import run_write
    from store.parties.models import Contractor
    from store.parties.rules import nip_key

    def make() -> int:
        c = Contractor.create(code=code, name=f"Kontrahent {code}", nip=nip, nip_key=nip_key(nip), city=city,
                              street=street, gid=gid)
        if at is not None:
            Contractor.update(modified_at=at).where(Contractor.id == c.id).execute()
        return c.id
    return run_write(make)


def edit_contractor(code: str, *, at: datetime | None = None, **values) -> None:
    from store.base import utcnow
    from store.db import run_write
    from store.parties.models import Contractor

    run_write(lambda: Contractor.update({**{getattr(Contractor, k): v for k, v in values.items()},
                                         Contractor.modified_at: at or utcnow(),
                                         Contractor.version: Contractor.version + 1})
              .where(Contractor.code == code).execute())


def contractors() -> dict[str, dict]:
    from store.parties.models import Contractor

    return {c.code: {"name": c.name, "nip": c.nip, "city": c.city, "street": c.street, "active": c.active,
                     "gid": c.gid, "guid": c.guid}
            for c in Contractor.select().where(~Contractor.code.startswith("!"))}


def catalogue() -> dict[str, tuple]:
    """code -> (name, active, {price type: (net, gross)}) for comparing HQ's catalogue with a branch's."""
    from store.catalog.dictionaries import PriceType
    from store.catalog.models import Goods, GoodsPrice

    from store.catalog.dictionaries import GoodsGroup
    from store.catalog.models import GoodsEan

    types = {pt.id: pt.name for pt in PriceType.select()}
    groups = dict(GoodsGroup.select(GoodsGroup.id, GoodsGroup.code).tuples())
    out = {}
    for g in Goods.select():
        prices = {types[p.price_type_id]: (p.net, p.gross) for p in GoodsPrice.select().where(GoodsPrice.goods == g.id)}
        eans = sorted((e.ean, e.unit, e.is_default) for e in GoodsEan.select().where(GoodsEan.goods == g.id))
        out[g.code] = (g.name, g.active, g.retail_price, prices, g.ean, groups.get(g.group_id), eans)
    return out


def dictionaries() -> dict[str, dict]:
    """Currencies, rates, price types (but the branch's autonomous one) and goods groups, by natural key."""
    from store.catalog.dictionaries import Currency, CurrencyRate, GoodsGroup, PriceType, RateType
    from store.config import get_setting

    codes = dict(Currency.select(Currency.id, Currency.code).tuples())
    rtypes = dict(RateType.select(RateType.id, RateType.name).tuples())
    groups = {g.id: g for g in GoodsGroup.select()}
    auto = get_setting("autonomous_price_type")
    return {
        "currencies": {c.code: (c.name, c.active) for c in Currency.select()},
        "rates": {(codes[r.currency_id], rtypes[r.rate_type_id], r.on): (r.rate / r.units, r.table_no)
                  for r in CurrencyRate.select()},
        "price_types": {p.name: (p.kind, p.gross, p.position, p.is_retail, p.active) for p in PriceType.select()
                        if str(p.id) != auto},
        "groups": {g.code: (g.name, groups[g.parent_id].code if g.parent_id else None) for g in groups.values()},
    }


def add_dictionaries(tag: str, *, parent: str | None = None) -> None:
    """HQ: a currency with a rate, a price type and a goods group (under `parent`) named by `tag`."""
    from datetime import date

    from store.catalog.dictionaries import Currency, GoodsGroup, PriceType
    from store.catalog.rates import store_table
    from store.db import run_write

    def make():
        code = ("X" + tag)[-3:].upper()
        if Currency.get_or_none(Currency.code == code) is None:
            Currency.create(code=code, name=f"Waluta {tag}")
        PriceType.create(name=f"cena {tag}", gross=len(tag) % 2 == 0, position=10 + len(tag))
        up = GoodsGroup.get(GoodsGroup.code == parent).id if parent else None
        GoodsGroup.create(code=f"G{tag}", name=f"Grupa {tag}", parent=up)
    run_write(make)
    store_table(None, date(2031, 1, 2), f"{tag}/A/NBP/2031", {("X" + tag)[-3:].upper(): Decimal("0.012345"),
                                                              "EUR": Decimal("4.30") + Decimal(len(tag)) / 100},
                currencies=[("X" + tag)[-3:].upper(), "EUR"])


def set_goods_card(code: str, *, ean: str, group: str, extra_ean: str = "") -> None:
    """HQ: the item's default EAN (goods.ean and its goods_barcode row), one more code per package when
    `extra_ean` (base unit: auxiliary units are not exchanged yet), and its default group; the card's other EAN rows removed."""
    from store.catalog.dictionaries import GoodsGroup
    from store.catalog.models import Goods, GoodsEan
    from store.db import run_write

    def go():
        g = Goods.get(Goods.code == code)
        Goods.update({Goods.ean: ean, Goods.group: GoodsGroup.get(GoodsGroup.code == group).id,
                      **Goods.stamp()}).where(Goods.id == g.id).execute()
        GoodsEan.delete().where(GoodsEan.goods == g.id).execute()
        if ean:
            GoodsEan.create(goods=g.id, ean=ean, is_default=True)
        if extra_ean:
            GoodsEan.create(goods=g.id, ean=extra_ean, description="druga")
    run_write(go)


def _fields(card) -> tuple:
    from store.exchange.contractors import FIELDS

    return tuple(getattr(card, f) for f in FIELDS)
