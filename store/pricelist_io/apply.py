"""Phase 2 of a price-list import: write what the confirmed plan says, in one transaction.

New codes become cards (PIE-17: codes kept as in the file), existing cards get the chosen fields
(PIE-8/PIE-9), missing units and groups are created (PIE-14); prices are written for active price
types only (PIE-18), net and gross kept consistent with the card's VAT rate (ITM-21) and
`goods.retail_price` mirroring the retail price. Everything is set-based (executemany).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import peewee

from store.base import utcnow
from store.db import write
from store.errors import Refused
from store.i18n import _
from store.pricelist_io import bulk_sql
from store.pricelist_io.plan import ImportPlan, existing_goods


@dataclass(frozen=True)
class ImportResult:
    inserted: int
    updated: int
    skipped: int
    invalid: int
    units_created: int
    groups_created: int

    def summary(self) -> str:
        return _("Zaimportowano cennik: dopisano {ins}, zaktualizowano {upd} towarów; pominięto {skip}, "
                 "wierszy z błędami {bad}.").format(ins=self.inserted, upd=self.updated, skip=self.skipped,
                                                    bad=self.invalid)


class _Prices:
    """Net/gross/margin of one price, as the prices table computes them (ITM-21)."""

    def __init__(self):
        from store.catalog import money
        from store.catalog.prices import margin_method, price_places
        from store.config import VatRate

        self.money = money
        self.places = price_places()
        self.method = margin_method()
        self.vat = dict(VatRate.select(VatRate.id, VatRate.rate).tuples())
        self.q = Decimal(1).scaleb(-self.places)
        self.hundred = Decimal(100)

    def compute(self, value: Decimal, pc, vat_id: int, purchase: Decimal) -> tuple[Decimal, Decimal, Decimal]:
        vat = self.vat[vat_id]
        m = self.money
        if pc.given_gross != pc.declared_gross:          # the file holds the other column: derive the declared one
            value = m.net_from_gross(value, vat, self.places) if pc.given_gross else m.gross_from_net(value, vat, self.places)
        net, gross = m.complete(value, gross=pc.declared_gross, vat_percent=vat, places=self.places)
        margin = m.margin_of(net, purchase, self.method) if pc.kind == "sale" and purchase else Decimal(0)
        return net, gross, margin


def apply_import(plan: ImportPlan, *, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Write every valid row of a confirmed plan in one transaction. Nothing is written on failure."""
    from store.catalog.roles import ensure_may_edit

    if not plan.can_apply:
        raise Refused(_("Plik nie zawiera żadnego poprawnego wiersza do zaimportowania; nic nie zapisano."))
    ensure_may_edit("goods_new")
    try:
        with write():
            return _apply(plan, progress)
    except peewee.IntegrityError as exc:
        raise Refused(_("Nie zapisano cennika: dane w bazie zmieniły się po sprawdzeniu pliku ({reason}). "
                        "Sprawdź plik ponownie i powtórz import.").format(reason=str(exc).strip())) from exc


def _apply(plan: ImportPlan, progress) -> ImportResult:
    from store.catalog.dictionaries import GoodsGroup, Unit
    from store.catalog.goods import main_group

    keys = [c.key for c in plan.columns[1:]]
    idx = {k: i for i, k in enumerate(keys)}
    main = main_group()
    units_created = groups_created = 0
    for unit in plan.new_units:
        units_created += Unit.insert(code=unit, name=unit).on_conflict_ignore().execute() and 1 or 0
    for code in plan.new_groups:
        groups_created += GoodsGroup.insert(code=code, name=code, parent=main.id).on_conflict_ignore().execute() \
            and 1 or 0
    group_ids = dict(GoodsGroup.select(GoodsGroup.code, GoodsGroup.id).tuples())
    existing = existing_goods(r[1] for r in plan.rows)
    new_rows, upd_rows, skipped = [], [], 0
    for row in plan.rows:
        is_new = row[1] not in existing
        if (plan.mode == "add" and not is_new) or (plan.mode == "update" and is_new):
            skipped += 1
            continue
        (new_rows if is_new else upd_rows).append(row)
    prices = _Prices()
    inserted = _insert_new(plan, new_rows, idx, group_ids, main.id, prices)
    if progress:
        progress(inserted)
    updated = _update_existing(plan, upd_rows, idx, group_ids, existing, prices)
    if progress:
        progress(inserted + updated)
    return ImportResult(inserted, updated, plan.skipped + skipped, plan.invalid_rows, units_created, groups_created)


def _default_vat_id(vat_by_code: dict) -> int:
    vid = vat_by_code.get("23") or next(iter(vat_by_code.values()), None)
    if vid is None:
        raise Refused(_("Brak stawek VAT w konfiguracji firmy; dodaj je przed importem cennika."))
    return vid


def _insert_new(plan: ImportPlan, rows: list, idx: dict, group_ids: dict, main_group_id: int, prices: _Prices) -> int:
    from store.catalog.dictionaries import CnCode
    from store.catalog.models import Goods, GoodsEan, GoodsGroupLink, GoodsPrice
    from store.config import VatRate

    if not rows:
        return 0
    vat_by_code = dict(VatRate.select(VatRate.code, VatRate.id).tuples())
    default_vat = _default_vat_id(vat_by_code)
    cn_vat = dict(CnCode.select(CnCode.code, CnCode.vat_rate).where(CnCode.vat_rate.is_null(False)).tuples()) \
        if "cn_code" in idx else {}
    price_db = Goods.retail_price.db_value
    limit_db = Goods.price_limit_value.db_value
    retail_pos = next((i for i, pc in enumerate(plan.price_columns) if pc.is_retail), -1)

    def get(values, key, default=None):
        i = idx.get(key)
        if i is None:
            return default
        v = values[i]
        return default if v is None else v

    goods_fields = ["code", "name", "item_type", "is_service", "track_stock", "ean", "unit", "vat_rate",
                    "purchase_vat_rate", "group", "pkwiu", "cn_code", "catalogue_number", "description", "active",
                    "price_limit_kind", "price_limit_value", "retail_price"]
    goods_tuples = []
    computed_prices = []            # per row: list of (price column, net, gross, margin) or None
    for _row_no, code, values, price_values in rows:
        item_type = get(values, "item_type", "TP")
        is_service = item_type in ("UP", "UZ")
        cn = get(values, "cn_code", "")
        vat_id = get(values, "vat_rate") or cn_vat.get(cn) or default_vat            # ITM-15, ITM-16
        pvat_id = get(values, "purchase_vat_rate") or vat_id
        group_name = get(values, "group")
        row_prices = []
        for pc, value in zip(plan.price_columns, price_values):
            vat_for = pvat_id if pc.kind == "purchase" else vat_id
            net, gross, margin = prices.compute(value if value is not None else Decimal(0), pc, vat_for, Decimal(0))
            row_prices.append((pc, net, gross, margin))
        computed_prices.append(row_prices)
        retail = row_prices[retail_pos][2] if retail_pos >= 0 else Decimal(0)
        goods_tuples.append((
            code, get(values, "name"), item_type, is_service, not is_service, get(values, "ean", ""),
            get(values, "unit", "szt"), vat_id, pvat_id, group_ids[group_name] if group_name else main_group_id,
            get(values, "pkwiu", ""), cn, get(values, "catalogue_number", ""), get(values, "description", ""),
            get(values, "active", True), get(values, "price_limit_kind", ""),
            limit_db(get(values, "price_limit_value", Decimal(0))), price_db(retail)))
    bulk_sql.insert_rows(Goods, goods_fields, goods_tuples, count=len(goods_tuples))
    ids = bulk_sql.ids_by(Goods, "code", [t[0] for t in goods_tuples])
    bulk_sql.insert_rows(GoodsGroupLink, ["goods", "group"], [(ids[t[0]], t[9]) for t in goods_tuples])
    eans = [(ids[t[0]], t[5], True) for t in goods_tuples if t[5]]
    if eans:
        bulk_sql.insert_rows(GoodsEan, ["goods", "ean", "is_default"], eans)
    if plan.price_columns:
        net_db = GoodsPrice.net.db_value
        bulk_sql.insert_rows(GoodsPrice, ["goods", "price_type", "net", "gross", "margin"], [
            (ids[t[0]], pc.price_type_id, net_db(net), net_db(gross), GoodsPrice.margin.db_value(margin))
            for t, row_prices in zip(goods_tuples, computed_prices) for pc, net, gross, margin in row_prices])
    return len(goods_tuples)


def _update_existing(plan: ImportPlan, rows: list, idx: dict, group_ids: dict, existing: dict, prices: _Prices) -> int:
    from store.catalog.models import Goods, GoodsEan, GoodsGroupLink, GoodsPrice

    if not rows:
        return 0
    chosen = plan.update_fields
    simple = [k for k in ("name", "pkwiu", "cn_code", "catalogue_number", "description", "active", "unit")
              if k in idx and k in chosen]
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
    use_prices = bool(plan.price_columns) and "prices" in chosen
    retail_pos = next((i for i, pc in enumerate(plan.price_columns) if pc.is_retail), -1)
    if use_prices and retail_pos >= 0:
        set_sql.append('"retail_price" = COALESCE({p}, "retail_price")')
    set_sql.append('"modified_at" = {p}')
    now = utcnow()
    limit_db = Goods.price_limit_value.db_value
    price_db = GoodsPrice.net.db_value

    goods_params, price_rows, ean_rows, link_rows, vat_changed = [], [], [], [], []
    for _row_no, code, values, price_values in rows:
        gid, old_vat, old_pvat, purchase, _old_type, old_ean = existing[code]
        params = [values[idx[k]] for k in simple]
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
            if g:
                link_rows.append((gid, group_ids[g]))
        if use_ean:
            e = values[idx["ean"]]
            params.append(e)
            if e and e != old_ean:
                ean_rows.append((gid, e))
        if use_limit:
            kind = values[idx["price_limit_kind"]] if "price_limit_kind" in idx else None
            lim = values[idx["price_limit_value"]] if "price_limit_value" in idx else None
            params += [kind, None if lim is None else limit_db(lim)]
        retail_value = None
        if use_prices:
            for pos, (pc, value) in enumerate(zip(plan.price_columns, price_values)):
                if value is None:
                    continue
                vat_for = (new_pvat if pc.kind == "purchase" else new_vat)
                net, gross, margin = prices.compute(value, pc, vat_for, purchase)
                price_rows.append((gid, pc.price_type_id, price_db(net), price_db(gross),
                                   GoodsPrice.margin.db_value(margin)))
                if pos == retail_pos:
                    retail_value = price_db(gross)
            if retail_pos >= 0:
                params.append(retail_value)
        params += [now, gid]
        goods_params.append(tuple(params))
    bulk_sql.update_rows(Goods, set_sql, '"id" = {p}', goods_params)
    if link_rows:
        bulk_sql.insert_rows(GoodsGroupLink, ["goods", "group"], link_rows, conflict="ON CONFLICT DO NOTHING")
    if ean_rows:                                                # ITM-36: the default code follows the card
        bulk_sql.delete_rows(GoodsEan, '"goods_id" = {p} AND ("is_default" = {p} OR "ean" = {p})',
                             [(gid, True, e) for gid, e in ean_rows])
        bulk_sql.insert_rows(GoodsEan, ["goods", "ean", "is_default"], [(gid, e, True) for gid, e in ean_rows])
    if price_rows:
        bulk_sql.insert_rows(
            GoodsPrice, ["goods", "price_type", "net", "gross", "margin"], price_rows,
            conflict='ON CONFLICT ("goods_id", "price_type_id") DO UPDATE SET "net" = excluded."net", '
                     '"gross" = excluded."gross", "margin" = excluded."margin", "modified_at" = excluded."modified_at"')
    if vat_changed:
        _recompute_after_vat_change(vat_changed, prices)
    return len(goods_params)


def _recompute_after_vat_change(goods_ids: list[int], prices: _Prices) -> None:
    """PSO-10/ITM-21: a new VAT rate keeps each declared price and recomputes the other column."""
    from store.catalog.dictionaries import PriceType
    from store.catalog.models import Goods, GoodsPrice

    m = prices.money
    types = {pt.id: pt for pt in PriceType.select()}
    retail_ids = {pid for pid, pt in types.items() if pt.is_retail}
    updates, retail = [], []
    db = GoodsPrice.net.db_value
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
            updates.append((db(net), db(gross), GoodsPrice.margin.db_value(margin), pid))
            if ptid in retail_ids:
                retail.append((db(gross), gid))
    bulk_sql.update_rows(GoodsPrice, ['"net" = {p}', '"gross" = {p}', '"margin" = {p}'], '"id" = {p}', updates)
    if retail:
        bulk_sql.update_rows(Goods, ['"retail_price" = {p}'], '"id" = {p}', retail)
