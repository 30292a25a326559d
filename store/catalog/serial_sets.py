"""Set-based serial operations over one batch of goods (issue 16 §5): price change (PSO-12), VAT rate
(PSO-10), group (PSO-1), base unit, attribute (PSO-2). Each `_apply_*` runs inside the batch's
transaction (store.catalog.serial_runs): a few SELECTs over the batch's ids (a subquery on the table
of ids), the new values computed in Python with the same Decimal rules as a card, then executemany
UPDATE / INSERT and one mirror_retail() per batch. Every goods row written is stamped (version + 1,
time, operator). Each `_check_*` validates the parameters before anything is frozen or written.
"""
from __future__ import annotations

from decimal import Decimal

from store.base import new_guid, session_operator, utcnow
from store.catalog import money
from store.catalog import prices as price_rules
from store.catalog.dictionaries import AttributeDef, GoodsGroup, PriceType, Unit
from store.catalog.roles import ensure_may_edit
from store.catalog.serial_runs import Entries, batch_ids_sql, register
from store.catalog.usage import usage_reason
from store.config import VatRate
from store.db import database, is_sqlite
from store.errors import NotFound, ValidationError
from store.i18n import _

P4 = Decimal(1).scaleb(-4)


def _p() -> str:
    return "?" if is_sqlite() else "%s"


def _now():
    now = utcnow()
    return now.isoformat(" ") if is_sqlite() else now


def _price(v) -> Decimal:           # PriceField storage (1/10000) -> Decimal
    return Decimal(int(v or 0)).scaleb(-4)


def _pct(v) -> Decimal:             # PercentField storage (1/100) -> Decimal
    return Decimal(int(v or 0)).scaleb(-2)


def _i4(d: Decimal) -> int:        # a price already rounded to 2 or 4 places -> PriceField storage
    return int(d.scaleb(4)) if d.as_tuple().exponent >= -4 else int(money.q(d, 4).scaleb(4))


def _i2(d: Decimal) -> int:        # a percent already rounded to 2 places -> PercentField storage
    return int(d.scaleb(2)) if d.as_tuple().exponent >= -2 else int(money.q(d, 2).scaleb(2))


def _rows(sql: str, params: list) -> list[tuple]:
    return list(database.execute_sql(sql, params).fetchall())


def _many(sql: str, rows: list) -> None:
    """executemany; on PostgreSQL psycopg2's execute_batch (one round trip per page, not per row)."""
    if not rows:
        return
    if is_sqlite():
        database.cursor().executemany(sql, rows)
        return
    from psycopg2.extras import execute_batch

    execute_batch(database.cursor(), sql, rows, page_size=1000)


def _stamp_sets() -> tuple[str, list]:
    p = _p()
    return f'"modified_at" = {p}, "version" = "version" + 1, "modified_by" = {p}', [_now(), session_operator()]


def _stamp_goods(ids: list[int]) -> None:
    """version + 1 (time, operator) of every card a batch changed outside the goods row itself."""
    if not ids:
        return
    sets, params = _stamp_sets()
    _many(f'UPDATE "goods" SET {sets} WHERE "id" = {_p()}', [(*params, i) for i in ids])


def _goods(run_id: int, ids: list[int], columns: str) -> list[tuple]:
    sub, params = batch_ids_sql(run_id, ids)
    return _rows(f'SELECT "id", "code", {columns} FROM "goods" WHERE "id" IN {sub} ORDER BY "id"', params)


def _vat_rates() -> dict[int, tuple[str, Decimal]]:
    return {v.id: (v.code, v.rate) for v in VatRate.select()}


def _insert_price_rows(rows: list[tuple]) -> None:
    """New goods_price rows: (goods_id, price_type_id, net, gross, margin) as stored integers."""
    if not rows:
        return
    p, now, op = _p(), _now(), session_operator()
    cols = ('"guid", "goods_id", "price_type_id", "net", "gross", "margin", "currency", "auto_update", "step", '
            '"offset", "modified_at", "version", "modified_by", "exported", "confirmed", "from_remote", '
            '"realised_hq", "to_cancel"')
    sql = f'INSERT INTO "goods_price" ({cols}) VALUES ({", ".join([p] * 18)})'
    _many(sql, [(new_guid(), g, pt, net, gross, margin, "PLN", False, 0, 0, now, 1, op, False, False, False,
                 False, False) for g, pt, net, gross, margin in rows])


# --- prices (PSO-12) ------------------------------------------------------------------------------------

def _check_prices(params: dict) -> None:
    ensure_may_edit("prices", price_type_id=params["price_type_id"])
    if (params.get("percent") is None) == (params.get("amount") is None):
        raise ValidationError({"percent": _("Podaj zmianę ceny o procent albo o kwotę.")})
    if PriceType.get_or_none(PriceType.id == params["price_type_id"]) is None:
        raise NotFound(_("Nie znaleziono rodzaju ceny."))


def _settings(params: dict) -> dict:
    """Price places, margin method, VAT rates and price types: read once per execution of a run."""
    ctx = params.setdefault("_ctx", {})
    if "vats" not in ctx:
        ctx.update(places=price_rules.price_places(), method=price_rules.margin_method(), vats=_vat_rates(),
                   types={pt.id: pt for pt in PriceType.select()}, retail=price_rules.retail_price_type())
    return ctx


def _apply_prices(run_id: int, ids: list[int], params: dict, out: Entries) -> None:
    ctx = _settings(params)
    target = ctx["types"][params["price_type_id"]]
    base_id = params.get("base_price_type_id")
    base_pt = None if base_id in (None, 0) else ctx["types"].get(base_id)
    percent = None if params.get("percent") is None else Decimal(params["percent"])
    amount = None if params.get("amount") is None else Decimal(params["amount"])
    step = Decimal(params.get("step") or 0)
    places, method, vats = ctx["places"], ctx["method"], ctx["vats"]
    p = _p()
    sub, sub_params = batch_ids_sql(run_id, ids)
    base_join = (f'LEFT JOIN "goods_price" b ON b."goods_id" = g."id" AND b."price_type_id" = {p}'
                 if base_pt else "")
    base_cols = ', b."net", b."gross"' if base_pt else ", NULL, NULL"
    rows = _rows(
        f'SELECT g."id", g."code", g."vat_rate_id", g."purchase_vat_rate_id", g."last_purchase_price", '
        f'r."id", r."net", r."gross", r."currency"{base_cols} FROM "goods" g '
        f'LEFT JOIN "goods_price" r ON r."goods_id" = g."id" AND r."price_type_id" = {p} {base_join} '
        f'WHERE g."id" IN {sub} ORDER BY g."id"',
        [target.id] + ([base_pt.id] if base_pt else []) + sub_params)
    updates, inserts = [], []
    for gid, code, vat_id, pvat_id, purchase, row_id, net, gross, currency, bnet, bgross in rows:
        rate_id = pvat_id if target.kind == "purchase" and pvat_id else vat_id
        vat = vats[rate_id][1]
        purchase = _price(purchase)
        old = (_price(gross) if target.gross else _price(net)) if row_id else Decimal("0.0000")
        if base_id == 0:
            base = money.gross_from_net(purchase, vat, places) if target.gross else purchase
        elif base_pt is not None:
            base = _price(bgross) if target.gross else _price(bnet)
        else:
            base = old
        if row_id is not None and currency != "PLN" and amount is not None:
            out.refuse(gid, code, _("cena jest w walucie {w}; zmiana o kwotę w PLN pominięta").format(w=currency))
            continue
        new = money.change_price(base, percent=percent, amount=amount, step=step, places=places)
        new_net, new_gross = money.complete(new, gross=target.gross, vat_percent=vat, places=places)
        margin = money.margin_of(new_net, purchase, method) if target.kind == "sale" else Decimal(0)
        if row_id is None:
            if new == 0:
                continue
            inserts.append((gid, target.id, _i4(new_net), _i4(new_gross), _i2(margin)))
        else:
            updates.append((_i4(new_net), _i4(new_gross), _i2(margin), row_id))
        if new != old:
            out.change(gid, code, target.name, old, new)
    sets, stamp = _stamp_sets()
    _many(f'UPDATE "goods_price" SET "net" = {p}, "gross" = {p}, "margin" = {p}, {sets} WHERE "id" = {p}',
          [(n, g, m, *stamp, rid) for n, g, m, rid in updates])
    _insert_price_rows(inserts)
    if ctx["retail"] is not None and ctx["retail"].id == target.id:
        price_rules.mirror_retail(ids)


# --- VAT rate (PSO-10) ----------------------------------------------------------------------------------

def _check_vat(params: dict) -> None:
    ensure_may_edit("goods")
    if params["which"] not in ("sales", "purchase", "both") or params["keep"] not in ("net", "gross"):
        raise ValidationError({"which": _("Wybierz stawki (zakupu/sprzedaży/obydwie) i cenę do zachowania.")})
    rate_id = params.get("vat_rate_id")
    if not params.get("from_cn") and (not rate_id or VatRate.get_or_none(VatRate.id == rate_id) is None):
        raise ValidationError({"vat_rate": _("Wybierz nową stawkę VAT.")})


def _apply_vat(run_id: int, ids: list[int], params: dict, out: Entries) -> None:
    ctx = _settings(params)
    vats, which, keep, from_cn = ctx["vats"], params["which"], params["keep"], params.get("from_cn")
    sub, sub_params = batch_ids_sql(run_id, ids)
    rows = _rows(f'SELECT g."id", g."code", g."vat_rate_id", g."purchase_vat_rate_id", g."cn_code", c."id", '
                 f'c."vat_rate_id" FROM "goods" g LEFT JOIN "cn_code" c ON c."code" = g."cn_code" '
                 f'WHERE g."id" IN {sub} ORDER BY g."id"', sub_params)
    changed: dict[int, tuple[int, int | None]] = {}
    for gid, code, vat_id, pvat_id, cn_code, cn_id, cn_vat in rows:
        new = params.get("vat_rate_id")
        if from_cn:
            if not cn_code or cn_id is None or cn_vat is None:                               # CN-4
                out.refuse(gid, code, _("kod CN towaru nie ma stawki VAT") if cn_code and cn_id
                           else _("towar nie ma kodu CN"))
                continue
            new = cn_vat
        sales, purchase = vat_id, pvat_id
        if which in ("sales", "both") and vat_id != new:
            sales = new
            out.change(gid, code, _("stawka VAT sprzedaży"), vats[vat_id][0], vats[new][0])
        if which in ("purchase", "both") and pvat_id != new:
            purchase = new
            out.change(gid, code, _("stawka VAT zakupu"), vats[pvat_id][0] if pvat_id else "—", vats[new][0])
        if (sales, purchase) != (vat_id, pvat_id):
            changed[gid] = (sales, purchase)
    if not changed:
        return
    p = _p()
    sets, stamp = _stamp_sets()
    _many(f'UPDATE "goods" SET "vat_rate_id" = {p}, "purchase_vat_rate_id" = {p}, {sets} WHERE "id" = {p}',
          [(s, pv, *stamp, gid) for gid, (s, pv) in changed.items()])
    # every price keeps its net or its gross; the other column and the margin follow (recompute_all_in_tx)
    types, places, method = ctx["types"], ctx["places"], ctx["method"]
    prices = _rows(f'SELECT r."id", r."goods_id", r."price_type_id", r."net", r."gross", g."last_purchase_price" '
                   f'FROM "goods_price" r JOIN "goods" g ON g."id" = r."goods_id" WHERE r."goods_id" IN {sub}',
                   sub_params)
    updates = []
    for row_id, gid, pt_id, net, gross, purchase in prices:
        if gid not in changed:
            continue
        pt = types[pt_id]
        sales, pvat = changed[gid]
        vat = vats[pvat if pt.kind == "purchase" and pvat else sales][1]
        net, gross = _price(net), _price(gross)
        if keep == "net":
            gross = money.gross_from_net(net, vat, places)
        else:
            net = money.net_from_gross(gross, vat, places)
        margin = money.margin_of(net, _price(purchase), method) if pt.kind == "sale" else Decimal(0)
        updates.append((_i4(net), _i4(gross), _i2(margin), *stamp, row_id))
    _many(f'UPDATE "goods_price" SET "net" = {p}, "gross" = {p}, "margin" = {p}, {sets} WHERE "id" = {p}', updates)
    price_rules.mirror_retail(list(changed))


# --- group (PSO-1) --------------------------------------------------------------------------------------

def _check_group(params: dict) -> None:
    ensure_may_edit("groups")
    if params["action"] not in ("add", "default", "remove"):
        raise ValidationError({"action": _("Akcja: dodaj, zmień domyślną albo usuń grupę.")})
    if GoodsGroup.get_or_none(GoodsGroup.id == params["group_id"]) is None:
        raise NotFound(_("Nie znaleziono grupy towarowej."))


def _insert_links(pairs: list[tuple[int, int]]) -> None:
    if not pairs:
        return
    p, now, op = _p(), _now(), session_operator()
    cols = ('"guid", "goods_id", "group_id", "modified_at", "version", "modified_by", "exported", "confirmed", '
            '"from_remote", "realised_hq", "to_cancel"')
    _many(f'INSERT INTO "goods_group_link" ({cols}) VALUES ({", ".join([p] * 11)})',
          [(new_guid(), g, grp, now, 1, op, False, False, False, False, False) for g, grp in pairs])


def _apply_group(run_id: int, ids: list[int], params: dict, out: Entries) -> None:
    from store.catalog.goods import main_group

    group = GoodsGroup.get_by_id(params["group_id"])
    action, p = params["action"], _p()
    sub, sub_params = batch_ids_sql(run_id, ids)
    rows = _goods(run_id, ids, '"group_id"')
    if any(g is None for _i, _c, g in rows):        # bulk-loaded cards: the main group is their default group
        main = main_group().id
        sets, stamp = _stamp_sets()
        database.execute_sql(f'UPDATE "goods" SET "group_id" = {p}, {sets} WHERE "id" IN {sub} AND "group_id" IS NULL',
                             [main, *stamp, *sub_params])
        rows = [(i, c, g if g is not None else main) for i, c, g in rows]
    links = set(_rows(f'SELECT "goods_id", "group_id" FROM "goods_group_link" WHERE "goods_id" IN {sub}', sub_params))
    codes = {gid: code for gid, code in GoodsGroup.select(GoodsGroup.id, GoodsGroup.code).tuples()}
    add = [(gid, grp) for gid, _c, grp in rows if (gid, grp) not in links]       # the default group's link row
    removed, new_default, touched = [], [], set()
    for gid, code, grp in rows:
        linked = (gid, group.id) in links
        if action == "remove":
            if grp == group.id:
                out.refuse(gid, code, _("grupa {g} jest grupą domyślną towaru").format(g=group.code))
            elif linked:
                removed.append(gid)
                out.change(gid, code, _("grupy"), group.code, "—")
            continue
        if not linked and grp != group.id:
            add.append((gid, group.id))
            touched.add(gid)
            if action == "add":
                out.change(gid, code, _("grupy"), "—", group.code)
        if action == "default" and grp != group.id:
            new_default.append(gid)
            out.change(gid, code, _("grupa domyślna"), codes.get(grp, "—"), group.code)
    _insert_links(add)
    if removed:
        _many(f'DELETE FROM "goods_group_link" WHERE "goods_id" = {p} AND "group_id" = {p}',
              [(gid, group.id) for gid in removed])
    if new_default:
        sets, stamp = _stamp_sets()
        _many(f'UPDATE "goods" SET "group_id" = {p}, {sets} WHERE "id" = {p}', [(group.id, *stamp, g) for g in new_default])
    _stamp_goods(sorted((touched | set(removed)) - set(new_default)))


# --- base unit --------------------------------------------------------------------------------------------

def _check_unit(params: dict) -> None:
    ensure_may_edit("goods")
    unit = params["unit"]
    if not Unit.select().where(Unit.code == unit).exists():
        raise ValidationError({"unit": _("Jednostka „{u}” nie istnieje w słowniku jednostek miary.").format(u=unit)})


def _apply_unit(run_id: int, ids: list[int], params: dict, out: Entries) -> None:
    unit, confirmed, p = params["unit"], params.get("confirmed"), _p()
    sub, sub_params = batch_ids_sql(run_id, ids)
    aux = {g for (g,) in _rows(f'SELECT "goods_id" FROM "goods_unit" WHERE "unit" = {p} AND "goods_id" IN {sub}',
                               [unit, *sub_params])}
    changed = []
    for gid, code, old in _goods(run_id, ids, '"unit"'):
        if old == unit:
            continue
        if gid in aux:
            out.refuse(gid, code, _("jednostka {u} jest już jednostką pomocniczą towaru").format(u=unit))
        elif not confirmed and usage_reason("goods", gid):
            out.refuse(gid, code, _("towar posiada powiązane dokumenty – zmiana jednostki wymaga potwierdzenia"))
        else:
            changed.append(gid)
            out.change(gid, code, _("jednostka"), old, unit)
    sets, stamp = _stamp_sets()
    _many(f'UPDATE "goods" SET "unit" = {p}, {sets} WHERE "id" = {p}', [(unit, *stamp, g) for g in changed])


# --- attribute (PSO-2) ------------------------------------------------------------------------------------

def _check_attribute(params: dict) -> None:
    from store.catalog.dict_tree import check_attribute_value

    ensure_may_edit("goods")
    action = params["action"]
    if action not in ("add", "change", "remove"):
        raise ValidationError({"action": _("Akcja: dodaj, zmień albo usuń atrybut.")})
    attr = AttributeDef.get_or_none(AttributeDef.id == params["attribute_id"])
    if attr is None:
        raise NotFound(_("Nie znaleziono atrybutu."))
    if attr.kind != "goods":
        raise ValidationError({"attribute": _("Atrybut {a} nie jest atrybutem towaru.").format(a=attr.code)})
    if attr.per_contractor and params.get("value") and action != "remove":
        raise ValidationError({"value": _("Wartości zależne od kontrahenta ustawia się tylko na karcie towaru.")})
    params["value"] = check_attribute_value(attr, params.get("value") or "")


def _apply_attribute(run_id: int, ids: list[int], params: dict, out: Entries) -> None:
    attr = AttributeDef.get_by_id(params["attribute_id"])
    action, value, from_value, p = params["action"], params["value"], params.get("from_value"), _p()
    sub, sub_params = batch_ids_sql(run_id, ids)
    have = {g: (rid, v) for rid, g, v in _rows(
        f'SELECT "id", "goods_id", "value" FROM "goods_attribute" WHERE "attribute_id" = {p} AND "goods_id" IN {sub}',
        [attr.id, *sub_params])}
    counts = dict(_rows(f'SELECT "goods_id", COUNT(*) FROM "goods_attribute" WHERE "goods_id" IN {sub} '
                        f'GROUP BY "goods_id"', sub_params)) if action == "add" else {}
    inserts, updates, deletes = [], [], []
    for gid, code in ((g, c) for g, c, _x in _goods(run_id, ids, "NULL")):
        row = have.get(gid)
        if action == "add":
            if row is not None:
                out.refuse(gid, code, _("towar ma już atrybut {a}").format(a=attr.code))
                continue
            inserts.append((gid, counts.get(gid, 0)))
            out.change(gid, code, attr.code, "—", value)
        elif action == "change":
            if row is None or (from_value or "") != row[1]:
                continue            # only rows having the "Z:" value change (empty Z: = no value yet)
            updates.append(row[0])
            out.change(gid, code, attr.code, row[1], value)
        elif row is not None and (from_value is None or row[1] == from_value):
            deletes.append(row[0])
            out.change(gid, code, attr.code, row[1], "—")
    now, op = _now(), session_operator()
    if inserts:
        cols = ('"guid", "goods_id", "attribute_id", "value", "position", "modified_at", "version", "modified_by", '
                '"exported", "confirmed", "from_remote", "realised_hq", "to_cancel"')
        _many(f'INSERT INTO "goods_attribute" ({cols}) VALUES ({", ".join([p] * 13)})',
              [(new_guid(), g, attr.id, value, pos, now, 1, op, False, False, False, False, False)
               for g, pos in inserts])
    sets, stamp = _stamp_sets()
    _many(f'UPDATE "goods_attribute" SET "value" = {p}, {sets} WHERE "id" = {p}', [(value, *stamp, r) for r in updates])
    _many(f'DELETE FROM "goods_attribute" WHERE "id" = {p}', [(r,) for r in deletes])
    touched = {g for g, _pos in inserts} | {g for g, (r, _v) in have.items() if r in set(updates) | set(deletes)}
    _stamp_goods(sorted(touched))


register("change_prices", _check_prices, _apply_prices)
register("set_vat_rate", _check_vat, _apply_vat)
register("set_group", _check_group, _apply_group)
register("set_unit", _check_unit, _apply_unit)
register("set_attribute", _check_attribute, _apply_attribute)
