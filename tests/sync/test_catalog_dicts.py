"""Currencies and rates, price types, goods groups and the goods' EAN and default group travel in the DLA
(SYNC-8, SYNC-17; DICT-5, DICT-7, DICT-25): HQ-owned rows upserted by HQ id (`gid`), only the rows that differ
written (each write steps the version), a DLA with nothing new writes nothing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sync import branch, hq
from tests.dbdump import assert_same, dump
from tests.sync import sides

TABLES = ("currency", "currencyrate", "pricetype", "goodsgroup", "goods")


def cycle(pair) -> None:
    with pair.hq_side():
        hq.process_branch("KRAK")
    with pair.branch_side():
        branch.synchronise()


def versions() -> dict:
    from store.catalog.dictionaries import Currency, CurrencyRate, GoodsGroup, PriceType
    from store.catalog.models import Goods

    return {"currency": dict(Currency.select(Currency.code, Currency.version).tuples()),
            "rate": {(r.currency.code, r.on): r.version for r in CurrencyRate.select()},
            "price_type": dict(PriceType.select(PriceType.name, PriceType.version).tuples()),
            "group": dict(GoodsGroup.select(GoodsGroup.code, GoodsGroup.version).tuples()),
            "goods": dict(Goods.select(Goods.code, Goods.version).tuples())}


@pytest.mark.rule("DICT-5")
@pytest.mark.rule("DICT-7")
def test_catalogue_dictionaries_reach_the_branch_and_only_differences_are_written(pair):
    from store.catalog.rates import store_table

    with pair.hq_side():
        sides.add_dictionaries("AB")
        sides.add_dictionaries("ABC", parent="GAB")
        sides.set_goods_card("T000001", ean="5901234123457", group="GABC", extra_ean="5901234123464")
        sides.set_goods_card("T000002", ean="", group="GAB")
        hq_dicts, hq_catalogue = sides.dictionaries(), sides.catalogue()
    cycle(pair)
    with pair.branch_side():
        mine = sides.dictionaries()
        assert mine == hq_dicts
        assert mine["rates"][("ABC", "NBP", date(2031, 1, 2))][0] == Decimal("0.012345")   # kept per 100 units
        assert sides.catalogue() == hq_catalogue
        from store.catalog.goods_codes import find_by_ean
        assert find_by_ean("5901234123457").code == "T000001"
        assert find_by_ean("5901234123464").code == "T000001"
        before, tables = versions(), dump()
    cycle(pair)                                        # nothing new at HQ: nothing written
    with pair.branch_side():
        assert versions() == before
        keep = {t for t in tables if t.startswith(("currency", "price", "goods"))}
        now = dump()
        assert_same({t: tables[t] for t in keep}, {t: now[t] for t in keep})
    with pair.hq_side():                               # one rate, one group, one price type change
        store_table(None, date(2031, 1, 2), "ABC/A/NBP/2031", {"EUR": Decimal("4.5000")}, currencies=["EUR"])
        from store.catalog.dictionaries import GoodsGroup, PriceType
        from store.db import run_write
        run_write(lambda: GoodsGroup.update({GoodsGroup.name: "Grupa AB nowa", GoodsGroup.parent: None,
                                             **GoodsGroup.stamp()}).where(GoodsGroup.code == "GABC").execute())
        run_write(lambda: PriceType.update({PriceType.position: 30, **PriceType.stamp()})
                  .where(PriceType.name == "cena AB").execute())
        sides.set_goods_card("T000002", ean="5901234123471", group="GAB")       # an EAN row added
        hq_catalogue = sides.catalogue()
        hq_dicts = sides.dictionaries()
    cycle(pair)
    with pair.branch_side():
        assert sides.dictionaries() == hq_dicts
        assert sides.catalogue() == hq_catalogue
        assert find_by_ean("5901234123471").code == "T000002"
        after = versions()
        stepped = {(k, key) for k in after for key in after[k] if after[k][key] != before[k].get(key)}
        assert stepped == {("rate", ("EUR", date(2031, 1, 2))), ("group", "GABC"), ("price_type", "cena AB"),
                           ("goods", "T000002")}
        assert all(after[k][key] == before[k][key] + 1 for k, key in stepped)


def test_a_goods_item_of_an_unknown_group_is_refused_by_name(pair):
    """A DLA whose goods name a group the file does not carry is refused; nothing but the history changes."""
    from sync.xlo import XloRefused
    from tests.sync.test_branch_run import refused_cleanly

    with pair.hq_side():
        sides.add_dictionaries("AB")
        sides.set_goods_card("T000003", ean="", group="GAB")
        from sync import dla
        real = dla.write_catalogue_dictionaries

        def without_groups(w):                 # an empty groups block: the item's group is unknown
            record = w.record
            w.record = lambda tag, *a, **k: None if tag == "group" else record(tag, *a, **k)
            real(w)
            w.record = record
        dla.write_catalogue_dictionaries = without_groups
        try:
            hq.process_branch("KRAK")
        finally:
            dla.write_catalogue_dictionaries = real
    with pair.branch_side():
        err = refused_cleanly(pair, "unknown_reference")
        assert "T000003" in str(err) and isinstance(err, XloRefused)
