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

    types = {pt.id: pt.name for pt in PriceType.select()}
    out = {}
    for g in Goods.select():
        prices = {types[p.price_type_id]: (p.net, p.gross) for p in GoodsPrice.select().where(GoodsPrice.goods == g.id)}
        out[g.code] = (g.name, g.active, g.retail_price, prices)
    return out


def _fields(card) -> tuple:
    from store.exchange.contractors import FIELDS

    return tuple(getattr(card, f) for f in FIELDS)
