"""Price-list export to XLSX (PIE-1..PIE-4, PIE-6): sheet „Cennik”, columns of columns.py.

Cards are read in batches (keyset on code, or the given ids in their order) and streamed to
store.xlsx_export, so memory stays flat for any number of cards.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterator

from store.pricelist_io.cn_sheet import CN_HEADERS, CN_SHEET, cn_export_rows
from store.pricelist_io.columns import FIXED_COLUMNS, SHEET_NAME, price_header
from store.xlsx_export import export_sheets

BATCH = 2000
_LIMIT_CODES = {"": 0, "min_margin": 1, "max_discount": 2}          # PIE-4
_CENT = Decimal("0.01")


def _short(value: Decimal) -> Decimal:
    """12.5000 -> 12.50: a price keeps 4 places only when it needs them."""
    if value is None:
        return None
    short = value.quantize(_CENT)
    return short if short == value else value.normalize()


def price_list_headers(price_types) -> list[str]:
    return [c.header for c in FIXED_COLUMNS] + [price_header(pt.name, pt.gross) for pt in price_types]


def _export_price_types(price_type_ids: list[int] | None):
    from store.catalog.dictionaries import PriceType

    query = PriceType.select().where(PriceType.active == True)          # noqa: E712  PIE-18
    if price_type_ids is not None:
        query = query.where(PriceType.id.in_(price_type_ids))
    return list(query.order_by(PriceType.position, PriceType.id))


def _goods_batches(goods_ids, *, include_inactive: bool, group_id: int | None, only_external: bool) -> Iterator[list]:
    from store.catalog.models import Goods

    fields = (Goods.id, Goods.code, Goods.name, Goods.item_type, Goods.ean, Goods.unit, Goods.vat_rate,
              Goods.purchase_vat_rate, Goods.group, Goods.pkwiu, Goods.cn_code, Goods.catalogue_number,
              Goods.description, Goods.active, Goods.price_limit_kind, Goods.price_limit_value, Goods.supplier_code,
              Goods.supplier_item_code, Goods.producer, Goods.brand)
    if goods_ids is not None:
        ids = list(goods_ids)
        for i in range(0, len(ids), BATCH):
            chunk = ids[i:i + BATCH]
            found = {r[0]: r for r in Goods.select(*fields).where(Goods.id.in_(chunk)).tuples()}
            yield [found[g] for g in chunk if g in found]
        return
    last = None
    while True:
        query = Goods.select(*fields)
        if last is not None:
            query = query.where(Goods.code > last)
        if not include_inactive:
            query = query.where(Goods.active == True)                   # noqa: E712  PIE-2
        if group_id is not None:
            query = query.where(Goods.group == group_id)
        if only_external:
            query = query.where(Goods.external_price_list == True)      # noqa: E712
        batch = list(query.order_by(Goods.code).limit(BATCH).tuples())
        if not batch:
            return
        yield batch
        last = batch[-1][1]


def price_list_rows(goods_ids=None, *, include_inactive: bool = True, group_id: int | None = None,
                    only_external: bool = False, price_type_ids: list[int] | None = None,
                    cn_codes: set | None = None):
    """(headers, row iterator) of the price list — what export_price_list writes. The CN codes of
    the written cards are added to `cn_codes` as the rows go out."""
    from store.catalog.dictionaries import Brand, GoodsGroup, Producer
    from store.catalog.models import GoodsPrice
    from store.config import VatRate

    types = _export_price_types(price_type_ids)
    headers = price_list_headers(types)
    vat = dict(VatRate.select(VatRate.id, VatRate.code).tuples())
    groups = dict(GoodsGroup.select(GoodsGroup.id, GoodsGroup.code).tuples())
    producers = dict(Producer.select(Producer.id, Producer.code).tuples())            # PIE-11
    brands = dict(Brand.select(Brand.id, Brand.name).tuples())
    type_pos = {pt.id: i for i, pt in enumerate(types)}
    gross_of = [pt.gross for pt in types]

    def rows():
        for batch in _goods_batches(goods_ids, include_inactive=include_inactive, group_id=group_id,
                                    only_external=only_external):
            prices: dict[int, list] = {}
            if types:
                ids = [r[0] for r in batch]
                for gid, ptid, net, gross in (GoodsPrice.select(GoodsPrice.goods, GoodsPrice.price_type, GoodsPrice.net,
                                                                GoodsPrice.gross)
                                              .where(GoodsPrice.goods.in_(ids) & GoodsPrice.price_type.in_(list(type_pos)))
                                              .tuples()):
                    pos = type_pos[ptid]
                    prices.setdefault(gid, [None] * len(types))[pos] = gross if gross_of[pos] else net
            for (gid, code, name, item_type, ean, unit, vat_id, pvat_id, group, pkwiu, cn, catno, desc, active,
                 limit_kind, limit_value, supplier, supplier_item, producer, brand) in batch:
                row_prices = prices.get(gid) or [None] * len(types)
                if cn and cn_codes is not None:
                    cn_codes.add(cn)
                yield (code, name, item_type, ean, unit, vat.get(vat_id, ""), vat.get(pvat_id, ""),
                       groups.get(group, ""), pkwiu, cn, catno, desc, "Tak" if active else "Nie",
                       _LIMIT_CODES.get(limit_kind, 0), limit_value, supplier, supplier_item,
                       producers.get(producer, ""), brands.get(brand, ""),
                       *(_short(p) for p in row_prices))       # no row of that type: an empty cell

    return headers, rows()


def export_price_list(path, goods_ids: list[int] | None = None, *, include_inactive: bool = True,
                      group_id: int | None = None, only_external: bool = False,
                      price_type_ids: list[int] | None = None, progress: Callable[[int], None] | None = None,
                      cancel: Callable[[], bool] | None = None, watermark: str | None = None) -> int:
    """Write the price list (all cards by code, or `goods_ids` in their order) to an XLSX file,
    with sheet „KodyCN” listing the CN codes of those cards (PIE-5).

    Returns the number of cards written; the file appears only when complete (ExportCancelled when
    `cancel()` turns true). Only active price types are exported (PIE-18). `watermark`: see export_sheets.
    """
    cn_codes: set[str] = set()
    headers, rows = price_list_rows(goods_ids, include_inactive=include_inactive, group_id=group_id,
                                    only_external=only_external, price_type_ids=price_type_ids, cn_codes=cn_codes)

    def cn_rows():                       # runs after sheet „Cennik” is written, so the set is complete
        yield from cn_export_rows(cn_codes)

    counts = export_sheets(path, [(SHEET_NAME, headers, rows), (CN_SHEET, CN_HEADERS, cn_rows())],
                           progress=progress, cancel=cancel, watermark=watermark)    # PIE-5
    return counts[0]
