"""Process bodies of the multi-user tests (spawned: each opens the database itself, as a session would).

`contention_worker` loops for a while over a random mix of what clerks do at once on overlapping goods:
price changes, purchase prices (auto-update prices follow), goods card saves from a loaded version,
serial +0,01 zł changes over several marked goods and list page reads. It reports every outcome by
kind: "ok", a Polish refusal (FiliaError, e.g. a stale card or „Spróbuj ponownie”), or "raw" — any other
exception, which the test forbids."""
from __future__ import annotations

import random
import time
import traceback
from decimal import Decimal


def contention_worker(url: str, seed: int, goods_ids: list[int], pt: dict, seconds: float, barrier, out) -> None:
    from store.base import set_session_operator
    from store.catalog import card_save, prices, serial
    from store.catalog.models import Goods
    from store.db import open_database
    from store.errors import FiliaError

    rng = random.Random(seed)
    counts = {"ok": 0, "refused": 0}
    applied: dict[int, int] = {}      # goods id -> serial +0,01 changes committed by this process
    raw: list[str] = []
    db = open_database(url)
    set_session_operator(f"proc{seed}")
    try:
        barrier.wait(timeout=120)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            op = rng.choice(("price", "price", "purchase", "card", "serial", "page", "page"))
            g = rng.choice(goods_ids)
            try:
                if op == "price":
                    prices.set_price(g, rng.choice((pt["retail"], pt["w1"])),
                                     value=Decimal(rng.randint(100, 99_999)) / 100)
                elif op == "purchase":
                    prices.set_purchase_price(g, Decimal(rng.randint(100, 50_000)) / 100)
                elif op == "card":
                    view = card_save.card_view(g)
                    time.sleep(rng.random() * 0.01)
                    card_save.save_goods_card(g, {"name": f"Towar {g} p{seed} {rng.randint(0, 10**6)}"},
                                              version=view["meta"]["version"], confirm=True, operator=f"proc{seed}")
                elif op == "serial":
                    marked = rng.sample(goods_ids, rng.randint(2, min(6, len(goods_ids))))
                    report = serial.change_prices(marked, price_type_id=pt["w3"], amount=Decimal("0.01"))
                    assert not report.refused, report.refused
                    for gid in marked:
                        applied[gid] = applied.get(gid, 0) + 1
                else:
                    list(Goods.select(Goods.id, Goods.code, Goods.retail_price)
                         .order_by(Goods.retail_price.desc(), Goods.id).offset(rng.randint(0, 5)).limit(20).tuples())
                counts["ok"] += 1
            except FiliaError:
                counts["refused"] += 1
            except Exception:  # noqa: BLE001 - the test's whole point: none may reach a caller
                raw.append(f"{op}: {traceback.format_exc(limit=6)}")
    except Exception:  # noqa: BLE001
        raw.append(traceback.format_exc(limit=6))
    finally:
        db.close()
        out.put({"seed": seed, "counts": counts, "applied": applied, "raw": raw})
