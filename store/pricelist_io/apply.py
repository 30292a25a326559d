"""Phase 2 of a price-list import: write what the confirmed plan says, in one transaction.

New codes become cards (PIE-17: codes kept as in the file), existing cards get the chosen fields
(PIE-8/PIE-9), missing units and groups are created (PIE-14); prices are written for active price
types only (PIE-18), net and gross kept consistent with the card's VAT rate (ITM-21); the list's
sort mirror `goods.retail_price` is written by store.catalog.prices.mirror_retail, as by every other
writer of prices. Everything is set-based (executemany). A card or price the file does not change is
not written at all (no new version, time or operator): importing an unchanged export changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import repeat
from typing import Callable

import peewee

from store.base import new_guids
from store.db import bulk_write
from store.errors import ConstraintViolation, Refused
from store.i18n import _
from store.pricelist_io import bulk_sql
from store.pricelist_io.bulk_sql import existing_goods
from store.pricelist_io.cn_sheet import apply_cn_rows
from store.pricelist_io.columns import price_choice
from store.pricelist_io.recheck import recheck_eans, recheck_references
from store.pricelist_io.plan import ImportPlan

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")
BATCH = 20_000
DEFER_INDEXES_MIN = 20_000          # new cards from which rebuilding indexes beats updating them


@dataclass(frozen=True)
class ImportResult:
    inserted: int
    updated: int
    skipped: int
    invalid: int
    units_created: int
    groups_created: int
    cn_added: int = 0
    cn_updated: int = 0

    def summary(self) -> str:
        return _("Zaimportowano cennik: dopisano {ins}, zaktualizowano {upd} towarów; pominięto {skip}, "
                 "wierszy z błędami {bad}.").format(ins=self.inserted, upd=self.updated, skip=self.skipped,
                                                    bad=self.invalid)


class _Prices:
    """Net/gross/margin of one price exactly as store.catalog.money computes them (ITM-21), with the
    per-rate constants hoisted out of the row loop."""

    def __init__(self):
        from store.catalog import money
        from store.catalog.prices import margin_method, price_places
        from store.config import VatRate

        self.money = money
        self.places = price_places()
        self.method = margin_method()
        self.vat = dict(VatRate.select(VatRate.id, VatRate.rate).tuples())
        self.den = {vid: HUNDRED + rate for vid, rate in self.vat.items()}
        self.q = Decimal(1).scaleb(-self.places)

    def compute(self, value: Decimal, pc, vat_id: int, purchase: Decimal) -> tuple[Decimal, Decimal, Decimal]:
        den, q = self.den[vat_id], self.q
        if pc.given_gross != pc.declared_gross:          # the file holds the other column: derive the declared one
            value = (value * HUNDRED / den if pc.given_gross else value * den / HUNDRED).quantize(q, ROUND_HALF_UP)
        if pc.declared_gross:
            net, gross = (value * HUNDRED / den).quantize(q, ROUND_HALF_UP), value
        else:
            net, gross = value, (value * den / HUNDRED).quantize(q, ROUND_HALF_UP)
        margin = self.money.margin_of(net, purchase, self.method) if pc.kind == "sale" and purchase else ZERO
        return net, gross, margin


def scaled4(value: Decimal) -> int:
    """PriceField storage of a value that already has at most 4 places (same as its db_value)."""
    return int(value.scaleb(4))


def scaled2(value: Decimal) -> int:
    return int(value.quantize(CENT, ROUND_HALF_UP).scaleb(2))


def apply_import(plan: ImportPlan, *, progress: Callable[[int], None] | None = None, operator: str = "") -> ImportResult:
    """Write every valid row of a confirmed plan in one transaction. Nothing is written on failure.
    `operator` (login) is recorded as who entered the new cards and changed the updated ones (PIE-15)."""
    from store.catalog.roles import ensure_may_edit

    if not plan.can_apply:
        raise Refused(_("Plik nie zawiera żadnego poprawnego wiersza do zaimportowania; nic nie zapisano."))
    ensure_may_edit("goods_new")
    try:
        with bulk_write():
            return _apply(plan, progress, operator)
    except ConstraintViolation as exc:
        raise Refused(_("Nie zapisano cennika: dane w bazie zmieniły się po sprawdzeniu pliku ({reason}). "
                        "Sprawdź plik ponownie i powtórz import.").format(reason=exc.reason)) from exc


def _apply(plan: ImportPlan, progress, operator: str) -> ImportResult:
    from store.catalog.dictionaries import GoodsGroup, Unit
    from store.catalog.goods import main_group

    keys = [c.key for c in plan.columns[1:]]
    idx = {k: i for i, k in enumerate(keys)}
    main = main_group()
    have_units = {u for (u,) in Unit.select(Unit.code).where(Unit.code.in_(plan.new_units)).tuples()}
    new_units = [u for u in plan.new_units if u not in have_units]              # PIE-14
    for unit in new_units:
        Unit.create(code=unit, name=unit)
    have_groups = {g for (g,) in GoodsGroup.select(GoodsGroup.code).where(GoodsGroup.code.in_(plan.new_groups)).tuples()}
    new_groups = [g for g in plan.new_groups if g not in have_groups]
    for code in new_groups:
        GoodsGroup.create(code=code, name=code, parent=main.id)
    units_created, groups_created = len(new_units), len(new_groups)
    producer_ids, brand_ids = _ensure_producers(plan)                                # PIE-11
    group_ids = dict(GoodsGroup.select(GoodsGroup.code, GoodsGroup.id).tuples())
    cn_added, cn_updated = apply_cn_rows(plan)             # before the cards: a new card takes its CN code's VAT
    existing = existing_goods(r[1] for r in plan.rows)
    from store.catalog.prices import mirror_retail

    new_rows, upd_rows, skipped = [], [], 0
    for row in plan.rows:
        is_new = row[1] not in existing
        if (plan.mode == "add" and not is_new) or (plan.mode == "update" and is_new):
            skipped += 1
            continue
        (new_rows if is_new else upd_rows).append(row)
    recheck_eans(plan, idx, new_rows, upd_rows)
    recheck_references(plan, idx, group_ids)
    prices = _Prices()
    updated = _update_existing(plan, upd_rows, idx, group_ids, existing, prices, operator, producer_ids, brand_ids)
    if progress:
        progress(updated)
    new_ids: list[int] = []
    inserted = _insert_new(plan, new_rows, idx, group_ids, main.id, prices, operator, producer_ids, brand_ids,
                           progress, updated, large=_defer_indexes(len(new_rows)), new_ids=new_ids)
    mirror_retail(new_ids + [existing[r[1]][0] for r in upd_rows], operator=operator or None)
    return ImportResult(inserted, updated, plan.skipped + skipped, plan.invalid_rows, units_created, groups_created,
                        cn_added, cn_updated)


def _ensure_producers(plan: ImportPlan) -> tuple[dict, dict]:
    """PIE-11: create the producers and brands the plan names but the database lacks; return
    producer code -> id and (producer code or None, brand name) -> id."""
    from store.catalog.dictionaries import Brand, Producer

    if not plan.import_producers or not (plan.new_producers or plan.new_brands or
                                         any(c.key in ("producer", "brand") for c in plan.columns)):
        return {}, {}
    for code in plan.new_producers:
        Producer.insert(code=code, name=code).on_conflict_ignore().execute()
    producer_ids = dict(Producer.select(Producer.code, Producer.id).tuples())
    for producer, name in plan.new_brands:
        Brand.insert(name=name, producer=producer_ids.get(producer) if producer else None) \
            .on_conflict_ignore().execute()
    brand_ids = {(code, name): bid for bid, name, code in
                 Brand.select(Brand.id, Brand.name, Producer.code).join(Producer, peewee.JOIN.LEFT_OUTER).tuples()}
    return producer_ids, brand_ids


def _defer_indexes(new_count: int) -> bool:
    """Rebuilding the indexes pays when the import at least doubles the goods table (SQLite only:
    on PostgreSQL DROP INDEX would lock readers out until commit)."""
    from store.db import database, is_sqlite

    if not is_sqlite() or new_count < DEFER_INDEXES_MIN:
        return False
    return new_count >= database.execute_sql('SELECT COUNT(*) FROM "goods"').fetchone()[0]


def _default_vat_id(vat_by_code: dict) -> int:
    vid = vat_by_code.get("23") or next(iter(vat_by_code.values()), None)
    if vid is None:
        raise Refused(_("Brak stawek VAT w konfiguracji firmy; dodaj je przed importem cennika."))
    return vid


def _insert_new(plan: ImportPlan, rows: list, idx: dict, group_ids: dict, main_group_id: int, prices: _Prices,
                operator: str, producer_ids: dict, brand_ids: dict, progress=None, offset: int = 0, *,
                large: bool = False, new_ids: list[int]) -> int:
    """New cards: goods, then their prices. The default EAN and group stay on the card row only (no
    goods_barcode/goods_group_link row: see store.catalog.goods_codes).

    A `large` load (SQLite, the goods table at least doubles) drops the indexes of goods and prices
    and builds them again once. The card ids are then given by us (the transaction holds the write
    lock, so they are exactly those SQLite would give), and the price rows are made in a thread
    while the goods indexes are built: CREATE INDEX runs without the GIL, so both cores work."""
    from store.catalog.models import Goods, GoodsPrice

    if not rows:
        return 0
    if not large:
        return _insert_new_batches(plan, rows, idx, group_ids, main_group_id, prices, operator, producer_ids,
                                   brand_ids, progress, offset, None, new_ids)
    from concurrent.futures import ThreadPoolExecutor

    from store.bulk import deferred_indexes

    made: list[tuple[list[int], list]] = []
    with deferred_indexes(GoodsPrice), ThreadPoolExecutor(1, thread_name_prefix="filia-import") as pool:
        with deferred_indexes(Goods):
            done = _insert_new_batches(plan, rows, idx, group_ids, main_group_id, prices, operator, producer_ids,
                                       brand_ids, progress, offset, made, new_ids)
            price_rows = pool.submit(_price_rows, plan.price_columns, made)
        # here the goods indexes have been built, while the thread made the price rows
        bulk_sql.insert_rows(GoodsPrice, PRICE_FIELDS, price_rows.result())
    return done


PRICE_FIELDS = ["goods", "price_type", "net", "gross", "margin", "guid"]


def _price_rows(columns: list, made: list[tuple[list[int], list]]) -> list[tuple]:
    """Price rows of new cards: (goods id, price type, net, gross, margin, guid). Python only (no
    database access), so it may run in a thread."""
    out: list[tuple] = []
    for gids, stored_prices in made:
        guids = iter(new_guids(len(gids) * len(columns)))
        for pc, column_prices in zip(columns, stored_prices):
            ptid = pc.price_type_id
            out += [(g, ptid, net, gross, margin, next(guids)) for g, (net, gross, margin) in zip(gids, column_prices)]
    return out


def _insert_new_batches(plan: ImportPlan, rows: list, idx: dict, group_ids: dict, main_group_id: int,
                        prices: _Prices, operator: str, producer_ids: dict, brand_ids: dict, progress, offset: int,
                        made: list | None, new_ids: list[int]) -> int:
    """Cards in batches; with `made` (a large load) their ids are given here and the prices are left
    in `made` for _price_rows, else each batch's prices are written with it (ids read back by code)."""
    from store.catalog.dictionaries import CnCode
    from store.catalog.models import Goods, GoodsPrice
    from store.config import VatRate
    from store.db import database

    vat_by_code = dict(VatRate.select(VatRate.code, VatRate.id).tuples())
    default_vat = _default_vat_id(vat_by_code)
    cn_vat = dict(CnCode.select(CnCode.code, CnCode.vat_rate).where(CnCode.vat_rate.is_null(False)).tuples()) \
        if "cn_code" in idx else {}
    columns = plan.price_columns
    goods_fields = ["code", "name", "item_type", "is_service", "track_stock", "ean", "unit", "vat_rate",
                    "purchase_vat_rate", "group", "pkwiu", "cn_code", "catalogue_number", "description", "active",
                    "price_limit_kind", "price_limit_value", "guid", "created_by", "modified_by",
                    "supplier_code", "supplier_item_code", "producer", "brand"]
    memo: dict[tuple, tuple[int, int, int]] = {}      # (column, value, VAT) -> stored net, gross, margin
    done = 0
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        n = len(batch)
        # Column by column (zip builds the row tuples in C): the same values a row loop would give.
        codes = [r[1] for r in batch]
        fixed = list(zip(*[r[2] for r in batch])) or [()] * len(idx)
        col = {k: fixed[i] for k, i in idx.items()}
        none = (None,) * n
        get = lambda key: col.get(key, none)                                   # noqa: E731

        def text(key: str):
            """The column's texts, "" for empty; a column the file lacks costs nothing."""
            return [v or "" for v in col[key]] if key in col else repeat("", n)
        types = [t or "TP" for t in get("item_type")]
        services = [t in ("UP", "UZ") for t in types]
        cns = get("cn_code")
        vats = [v or cn_vat.get(c) or default_vat for v, c in zip(get("vat_rate"), cns)]    # ITM-15, ITM-16
        pvats = [p or v for p, v in zip(get("purchase_vat_rate"), vats)]
        stored_prices = []
        for n_col, pc in enumerate(columns):     # a new card has no purchase price yet
            values = [r[3][n_col] for r in batch]
            vat_of = pvats if pc.kind == "purchase" else vats
            keys = list(zip(repeat(n_col, n), values, vat_of))
            for key in set(keys).difference(memo):           # each distinct (price, VAT) computed once
                _n, v, vat_id = key
                net, gross, margin = prices.compute(ZERO if v is None else v, pc, vat_id, ZERO)
                memo[key] = (scaled4(net), scaled4(gross), scaled2(margin))
            stored_prices.append(list(map(memo.__getitem__, keys)))
        limit_values = [0 if v is None else scaled2(v) for v in col["price_limit_value"]] \
            if "price_limit_value" in col else repeat(0, n)
        producers = get("producer")
        fields = [codes, get("name"), types, services, [not s for s in services], text("ean"),
                  [u or "szt" for u in get("unit")], vats, pvats,
                  [group_ids[g] if g else main_group_id for g in get("group")], text("pkwiu"),
                  [v or "" for v in cns], text("catalogue_number"), text("description"),
                  [True if a is None else a for a in get("active")], text("price_limit_kind"),
                  limit_values, new_guids(n), repeat(operator, n), repeat(operator, n), text("supplier_code"),
                  text("supplier_item_code"),
                  [producer_ids.get(p) for p in producers] if "producer" in col else repeat(None, n),
                  [brand_ids.get((p, b)) if b else None for p, b in zip(producers, col["brand"])]
                  if "brand" in col else repeat(None, n)]
        max_before = database.execute_sql('SELECT MAX("id") FROM "goods"').fetchone()[0] or 0
        if made is not None:
            gids = list(range(max_before + 1, max_before + 1 + n))
            bulk_sql.insert_rows(Goods, ["id"] + goods_fields, list(zip(gids, *fields)))
            made.append((gids, stored_prices))
            new_ids += gids
        else:
            bulk_sql.insert_rows(Goods, goods_fields, list(zip(*fields)))
            ids = dict(database.execute_sql('SELECT "code", "id" FROM "goods" WHERE "id" > {}'.format(
                bulk_sql.placeholder()), (max_before,)).fetchall())
            batch_ids = [ids[c] for c in codes]
            bulk_sql.insert_rows(GoodsPrice, PRICE_FIELDS, _price_rows(columns, [(batch_ids, stored_prices)]))
            new_ids += batch_ids
        done += n
        if progress:
            progress(offset + done)
    return done


def _update_existing(plan: ImportPlan, rows: list, idx: dict, group_ids: dict, existing: dict, prices: _Prices,
                     operator: str, producer_ids: dict, brand_ids: dict) -> int:
    from store.catalog.models import Goods, GoodsEan, GoodsGroupLink, GoodsPrice

    if not rows:
        return 0
    chosen = plan.update_fields
    simple = [k for k in ("name", "pkwiu", "cn_code", "catalogue_number", "description", "active", "unit")
              if k in idx and k in chosen]
    simple += [k for k in ("supplier_code", "supplier_item_code") if k in idx and "supplier" in chosen]    # PIE-16
    pair_at = (simple.index("supplier_code"), simple.index("supplier_item_code")) \
        if "supplier_code" in simple and "supplier_item_code" in simple else None
    set_sql = [f'"{bulk_sql.column(Goods, k)}" = COALESCE({{p}}, "{bulk_sql.column(Goods, k)}")' for k in simple]
    use_type = "item_type" in idx and "item_type" in chosen
    if use_type:
        set_sql += ['"item_type" = COALESCE({p}, "item_type")', '"is_service" = COALESCE({p}, "is_service")',
                    '"track_stock" = CASE WHEN {p} THEN FALSE ELSE "track_stock" END']
    use_vat = "vat_rate" in idx and "vat_rate" in chosen
    use_pvat = "purchase_vat_rate" in idx and "purchase_vat_rate" in chosen
    if use_vat:
        set_sql.append('"vat_rate_id" = COALESCE({p}, "vat_rate_id")')
    if use_pvat:
        set_sql.append('"purchase_vat_rate_id" = COALESCE({p}, "purchase_vat_rate_id")')
    use_group = "group" in idx and "group" in chosen
    if use_group:
        set_sql.append('"group_id" = COALESCE({p}, "group_id")')
    use_ean = "ean" in idx and "ean" in chosen
    if use_ean:
        set_sql.append('"ean" = COALESCE({p}, "ean")')
    use_limit = "price_limit" in chosen and ("price_limit_kind" in idx or "price_limit_value" in idx)
    if use_limit:
        set_sql += ['"price_limit_kind" = COALESCE({p}, "price_limit_kind")',
                    '"price_limit_value" = COALESCE({p}, "price_limit_value")']
    use_producer = plan.import_producers and "producer" in idx                     # PIE-11
    use_brand = plan.import_producers and "brand" in idx
    if use_producer:
        set_sql.append('"producer_id" = COALESCE({p}, "producer_id")')
    if use_brand:
        set_sql.append('"brand_id" = COALESCE({p}, "brand_id")')
    # PIE-9: "prices" updates every price column of the file, "price:<id>" that price type only
    updating = [pos for pos, pc in enumerate(plan.price_columns)
                if "prices" in chosen or price_choice(pc.price_type_id) in chosen]
    use_prices = bool(updating)
    # A card is written only when a value of it or one of its prices changes: "col" IS DISTINCT FROM
    # the value the SET would give it, with the same parameters again.
    changes = " OR ".join(["{p}"] + [bulk_sql.distinct_from(*assignment.split(" = ", 1)) for assignment in set_sql])
    set_sql += ['"modified_by" = COALESCE(NULLIF({p}, \'\'), "modified_by")', '"modified_at" = {p}',
                '"version" = "version" + 1']
    now = bulk_sql.now_param()

    vat_changed: list[int] = []
    for start in range(0, len(rows), BATCH):                  # bounded memory for large files
        batch = rows[start:start + BATCH]
        goods_params, price_rows, ean_rows, link_rows = [], [], [], []
        stored = bulk_sql.stored_prices([existing[r[1]][0] for r in batch]) if use_prices else {}
        for _row_no, code, values, price_values in batch:
            gid, old_vat, old_pvat, purchase, _old_type, old_ean, old_group = existing[code]
            params = [values[idx[k]] for k in simple]
            if pair_at is not None and params[pair_at[0]] is not None and params[pair_at[1]] is None:
                params[pair_at[1]] = ""        # PIE-16: a new supplier code comes with the row's code at it
            if use_type:
                t = values[idx["item_type"]]
                service = None if t is None else t in ("UP", "UZ")
                params += [t, service, bool(service)]
            vat_id = values[idx["vat_rate"]] if use_vat else None
            pvat_id = values[idx["purchase_vat_rate"]] if use_pvat else None
            if use_vat:
                params.append(vat_id)
            if use_pvat:
                params.append(pvat_id)
            new_vat, new_pvat = vat_id or old_vat, pvat_id or old_pvat or vat_id or old_vat
            if new_vat != old_vat or (old_pvat and new_pvat != old_pvat):
                vat_changed.append(gid)
            if use_group:
                g = values[idx["group"]]
                params.append(group_ids[g] if g else None)
                if g and old_group and group_ids[g] != old_group:
                    link_rows.append((gid, old_group))      # the old default stays an extra group, as on the card
            if use_ean:
                e = values[idx["ean"]]
                params.append(e)
                if e and e != old_ean:
                    ean_rows.append((gid, e))
            if use_limit:
                kind = values[idx["price_limit_kind"]] if "price_limit_kind" in idx else None
                lim = values[idx["price_limit_value"]] if "price_limit_value" in idx else None
                params += [kind, None if lim is None else scaled2(lim)]
            producer = values[idx["producer"]] if use_producer else None
            if use_producer:
                params.append(producer_ids.get(producer))
            if use_brand:
                brand = values[idx["brand"]]
                params.append(brand_ids.get((producer, brand)) if brand else None)
            prices_changed = False
            for pos in updating:
                pc, value = plan.price_columns[pos], price_values[pos]
                if value is None:
                    continue
                vat_for = (new_pvat if pc.kind == "purchase" else new_vat)
                net, gross, margin = prices.compute(value, pc, vat_for, purchase)
                net, gross = scaled4(net), scaled4(gross)
                if stored.get((gid, pc.price_type_id)) != (net, gross):     # an unchanged price stays as it is
                    price_rows.append((gid, pc.price_type_id, net, gross, scaled2(margin), operator))
                    prices_changed = True
            goods_params.append((*params, operator, now, gid, prices_changed, *params))
        bulk_sql.update_rows(Goods, set_sql, '"id" = {p} AND (' + changes + ")", goods_params)
        if link_rows:
            bulk_sql.insert_rows(GoodsGroupLink, ["goods", "group"], link_rows, conflict="ON CONFLICT DO NOTHING")
        if ean_rows:               # ITM-36: the card row holds the new default; no stale default row stays
            bulk_sql.delete_rows(GoodsEan, '"goods_id" = {p} AND ("is_default" = {p} OR "ean" = {p})',
                                 [(gid, True, e) for gid, e in ean_rows])
        if price_rows:
            bulk_sql.insert_rows(
                GoodsPrice, ["goods", "price_type", "net", "gross", "margin", "modified_by"], price_rows,
                conflict='ON CONFLICT ("goods_id", "price_type_id") DO UPDATE SET "net" = excluded."net", '
                         '"gross" = excluded."gross", "margin" = excluded."margin", "modified_at" = excluded."modified_at", '
                         '"modified_by" = excluded."modified_by", "version" = "goods_price"."version" + 1')
    if vat_changed:
        _recompute_after_vat_change(vat_changed, prices)
    return len(rows)


def _recompute_after_vat_change(goods_ids: list[int], prices: _Prices) -> None:
    """PSO-10/ITM-21: a new VAT rate keeps each declared price and recomputes the other column."""
    from store.catalog.dictionaries import PriceType
    from store.catalog.models import Goods, GoodsPrice

    m = prices.money
    types = {pt.id: pt for pt in PriceType.select()}
    updates = []
    for i in range(0, len(goods_ids), 900):
        chunk = goods_ids[i:i + 900]
        query = (GoodsPrice.select(GoodsPrice.id, GoodsPrice.goods, GoodsPrice.price_type, GoodsPrice.net,
                                   GoodsPrice.gross, Goods.vat_rate, Goods.purchase_vat_rate,
                                   Goods.last_purchase_price)
                 .join(Goods).where(GoodsPrice.goods.in_(chunk)).tuples())
        for pid, gid, ptid, net, gross, vat_id, pvat_id, purchase in query:
            pt = types[ptid]
            vat = prices.vat[pvat_id if pt.kind == "purchase" and pvat_id else vat_id]
            if pt.gross:
                net = m.net_from_gross(gross, vat, prices.places)
            else:
                gross = m.gross_from_net(net, vat, prices.places)
            margin = m.margin_of(net, purchase, prices.method) if pt.kind == "sale" and purchase else Decimal(0)
            updates.append((scaled4(net), scaled4(gross), scaled2(margin), pid))
    bulk_sql.update_rows(GoodsPrice, ['"net" = {p}', '"gross" = {p}', '"margin" = {p}', '"version" = "version" + 1'],
                         '"id" = {p}', updates)
