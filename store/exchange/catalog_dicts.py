"""HQ's catalogue dictionaries in a branch (SYNC-8, SYNC-17; DICT-5, DICT-7, DICT-25/26): currencies and their
rates, price types, goods groups. HQ-owned rows are found by HQ id (`gid`), then by their natural key (the
rows a new company was created with), and written only where they differ: a write bumps the version, a file
read twice writes nothing. Rows of the branch's own (the autonomous price type) are never touched."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from store.catalog.dictionaries import Currency, CurrencyRate, GoodsGroup, PriceType, RateType
from store.exchange.dictionaries import _flag, _update_if_changed


def apply_currencies(currencies: list[dict], rates: list[dict]) -> int:
    """Currencies by GID then code; rates through `rates.store_table(source="hq")`, only those that differ
    from the stored (rate, units) of their currency, type and day."""
    from store.catalog import rates as rates_mod

    n = 0
    for attrs in currencies:
        gid = int(attrs["gid"])
        values = {"code": attrs["code"].upper(), "name": attrs.get("name", ""),
                  "active": _flag(attrs, "active", True), "gid": gid}
        row = Currency.get_or_none(Currency.gid == gid) or Currency.get_or_none(Currency.code == values["code"])
        if row is None:
            Currency.create(**values, from_remote=True)
            n += 1
        else:
            n += int(_update_if_changed(Currency, row, values))
    tables: dict[tuple, dict] = defaultdict(dict)
    for attrs in rates:
        code, on, value = attrs["currency"].upper(), date.fromisoformat(attrs["on"]), Decimal(attrs["rate"])
        cur = Currency.get_or_none(Currency.code == code)
        rt = RateType.get_or_none(RateType.name == attrs["type"])
        have = None
        if cur is not None and rt is not None:
            have = CurrencyRate.get_or_none((CurrencyRate.currency == cur.id) & (CurrencyRate.rate_type == rt.id)
                                            & (CurrencyRate.on == on))
        if have is not None and (have.rate, have.units) == rates_mod._scaled(value) \
                and have.table_no == attrs.get("table_no", "")[:40]:
            continue
        tables[(attrs["type"], on, attrs.get("table_no", ""))][code] = value
    for (rate_type, on, table_no), table in sorted(tables.items()):
        rates_mod.store_table(rate_type, on, table_no, table, currencies=list(table), source="hq")
        n += len(table)
    return n


def apply_price_types(rows: list[dict]) -> int:
    """DICT-7: price types as HQ defines them (GID, then name)."""
    n = 0
    for attrs in rows:
        gid = int(attrs["gid"])
        values = {"name": attrs["name"], "kind": attrs.get("kind", "sale"), "gross": _flag(attrs, "gross", False),
                  "position": int(attrs.get("position", 0)), "is_retail": _flag(attrs, "retail", False),
                  "active": _flag(attrs, "active", True), "gid": gid}
        row = PriceType.get_or_none(PriceType.gid == gid) or PriceType.get_or_none(PriceType.name == values["name"])
        if row is None:
            PriceType.create(**values, from_remote=True)
            n += 1
        else:
            n += int(_update_if_changed(PriceType, row, values))
    return n


def apply_goods_groups(rows: list[dict]) -> int:
    """DICT-5: the goods group tree mirrors HQ's (GID, then code). Missing groups are made first (with their
    parent when it is known already: HQ sends parents first), then each group is written once if it differs."""
    n = 0
    found = {}
    for attrs in rows:
        gid = int(attrs["gid"])
        row = GoodsGroup.get_or_none(GoodsGroup.gid == gid) or GoodsGroup.get_or_none(GoodsGroup.code == attrs["code"])
        if row is None:
            parent = group_ids().get(int(attrs["parent_gid"])) if attrs.get("parent_gid") else None
            row = GoodsGroup.create(code=attrs["code"], name=attrs.get("name", ""), gid=gid, parent=parent,
                                    from_remote=True)
            n += 1
        found[gid] = row
    ids = {gid: row.id for gid, row in found.items()} | group_ids()
    for attrs in rows:
        gid = int(attrs["gid"])
        row = GoodsGroup.get_by_id(found[gid].id)
        parent = ids.get(int(attrs["parent_gid"])) if attrs.get("parent_gid") else None
        values = {"code": attrs["code"], "name": attrs.get("name", ""), "gid": gid, "parent_id": parent}
        changes = {k: v for k, v in values.items() if getattr(row, k) != v}
        if changes:
            GoodsGroup.update({**{getattr(GoodsGroup, "parent" if k == "parent_id" else k): v
                                  for k, v in changes.items()}, **GoodsGroup.stamp()}) \
                .where(GoodsGroup.id == row.id).execute()
            n += 1
    return n


def group_ids() -> dict[int, int]:
    """HQ id -> local id of the goods groups HQ sent."""
    return dict(GoodsGroup.select(GoodsGroup.gid, GoodsGroup.id).where(GoodsGroup.gid.is_null(False)).tuples())
