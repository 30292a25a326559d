"""How long one price_for() call takes (a document line asks it once) on a catalogue with 10,000
goods, 2,000 priced cards, 1,000 percentage discounts of every kind and 200 fixed prices.

Prints: price_for median_ms=... p99_ms=... calls=...
"""
from __future__ import annotations

import random
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from _common import median, p99


def main() -> None:
    from store.catalog.discounts import Discount, FixedPrice
    from store.catalog.dictionaries import GoodsGroup, PriceType
    from store.catalog.models import Goods, GoodsPrice
    from store.catalog.quote import price_for
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import set_setting
    from store.db import open_database, write
    from store.parties import Contractor, ContractorGroup

    rng = random.Random(1)
    tmp = Path(tempfile.mkdtemp())
    open_database(f"sqlite:///{tmp / 'bench.db'}", create=True)
    set_setting("role", "standalone")
    ensure_catalogue_defaults()
    with write():
        main = GoodsGroup.get(GoodsGroup.is_main == True)  # noqa: E712
        groups = [GoodsGroup.create(code=f"G{i}", parent=main.id).id for i in range(50)]
        cgroups = [ContractorGroup.create(code=f"CG{i}").code for i in range(10)]
        vat = Goods.select().count()  # noqa: F841 - touch the table
        from store.config import VatRate
        v23 = VatRate.get(VatRate.code == "23").id
        w1 = PriceType.get(PriceType.name == "hurtowa 1").id
        goods = [Goods.create(code=f"T{i:06d}", name=f"Towar {i}", vat_rate=v23, group=rng.choice(groups)).id
                 for i in range(10_000)]
        retail = PriceType.get(PriceType.name == "detaliczna").id           # goods_price: the source of every price
        for start in range(0, len(goods), 500):
            GoodsPrice.insert_many([{"goods": gid, "price_type": retail, "gross": gross,
                                     "net": (gross / Decimal("1.23")).quantize(Decimal("0.01"))}
                                    for gid in goods[start:start + 500]
                                    for gross in [Decimal(rng.randint(100, 99999)) / 100]]).execute()
        from store.catalog.prices import mirror_retail

        mirror_retail()
        for gid in goods[:2000]:
            GoodsPrice.create(goods=gid, price_type=w1, net=Decimal(rng.randint(100, 99999)) / 100, gross=0)
        grp = ContractorGroup.select().first()
        contractors = [Contractor.create(code=f"K{i}", name=f"K{i}", group=rng.choice(
            list(ContractorGroup.select())).id, discount=Decimal(rng.choice([0, 2, 5]))).id for i in range(200)]
        kinds = ["GK/WT", "1K/WT", "GK/GT", "GK/1T", "1K/GT", "1K/1T", "GT/WK", "1T/WK"]
        for i in range(1000):
            kind = kinds[i % 8]
            subject, obj = kind.split("/")
            row = {"kind": kind, "percent": Decimal(rng.randint(1, 30))}
            if "1K" in (subject, obj):
                row["contractor"] = rng.choice(contractors)
            if subject == "GK":
                row["contractor_group"] = rng.choice(cgroups)
            if "1T" in (subject, obj):
                row["goods"] = rng.choice(goods)
            if "GT" in (subject, obj):
                row["goods_group"] = rng.choice(groups)
            Discount.create(**row)
        for i in range(200):
            FixedPrice.create(goods=rng.choice(goods), scope="all", price=Decimal("9.99"))
        del grp
    times = []
    for _ in range(int(__import__("os").environ.get("BENCH_CALLS", "2000"))):
        c, g = rng.choice(contractors), rng.choice(goods)
        t0 = time.perf_counter()
        price_for(c, g, date(2024, 6, 10), Decimal(rng.randint(1, 20)))
        times.append((time.perf_counter() - t0) * 1000)
    print(f"price_for median_ms={median(times):.2f} p99_ms={p99(times):.2f} calls={len(times)}")


if __name__ == "__main__":
    main()
