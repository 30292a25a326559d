"""What HQ writes for a branch (§17; SYNC-8, SYNC-16, SYNC-17, SYNC-18, SYNC-22): a full DLA, every block, the
catalogue and contractors whole (the branch applies only what differs), confirmations HQ has not seen
acknowledged. HQ's GID of a record is its id in the HQ database."""
from __future__ import annotations

from pathlib import Path

from store.catalog.dictionaries import PaymentForm, PriceType, Warehouse
from store.catalog.models import Goods, GoodsPrice
from store.config import Company, Operator, VatRate
from store.exchange import contractors as ex_contractors
from store.exchange.dictionaries import STAMP_FIELDS
from store.exchange.models import HqBranch
from sync import faults
from sync.xlo.writer import XloWriter

CLASSES = ("FA", "PA", "FZ", "KP", "KW", "RK")
HQ_WAREHOUSE = "CENTRALA"


def branch_warehouse(card: HqBranch) -> Warehouse:
    return Warehouse.get(Warehouse.symbol == card.symbol)


def goods_records(batch: int = 2000):
    """(attrs, prices) of every goods item: plain cursors a batch of goods at a time (the model layer costs
    more than the file here), values converted by the fields themselves."""
    from store.db import database, is_sqlite

    types = {pt.id: pt.name for pt in PriceType.select().where(PriceType.kind == "sale")}
    vat = dict(VatRate.select(VatRate.id, VatRate.code).tuples())
    p = "?" if is_sqlite() else "%s"
    money_of, when = GoodsPrice.net.python_value, Goods.modified_at.python_value
    last = 0
    while True:
        goods = database.execute_sql(
            f'SELECT "id", "code", "name", "unit", "vat_rate_id", "is_service", "active", "modified_at" FROM "goods" '
            f'WHERE "id" > {p} ORDER BY "id" LIMIT {int(batch)}', (last,)).fetchall()
        if not goods:
            return
        prices: dict[int, list] = {}
        for gid, pt_id, net, gross in database.execute_sql(
                f'SELECT "goods_id", "price_type_id", "net", "gross" FROM "goods_price" WHERE "goods_id" > {p} '
                f'AND "goods_id" <= {p} ORDER BY "goods_id", "price_type_id"', (last, goods[-1][0])):
            if pt_id in types:
                prices.setdefault(gid, []).append(("price", {"type": types[pt_id], "net": money_of(net),
                                                             "gross": money_of(gross)}))
        for gid, code, name, unit, vat_id, service, active, modified in goods:
            yield ({"gid": gid, "code": code, "name": name, "unit": unit, "vat": vat[vat_id], "service": bool(service),
                    "active": bool(active), "modified_at": when(modified)}, prices.get(gid, []))
        last = goods[-1][0]


def write_dla(path: Path, header: dict, card: HqBranch, confirmations: list[dict]) -> int:
    with XloWriter(path, header) as w:
        company = Company.select().order_by(Company.id).first()
        if company is not None:
            w.single("stamp", {f: getattr(company, f) for f in STAMP_FIELDS})
        w.block("settings")
        for key, value in (("branch_default_price_type", card.default_price_type),
                           ("autonomous_price_type", card.autonomous_price_type),
                           ("fs_from_pa_days", str(card.fs_from_pa_days))):
            w.record("setting", {"key": key, "value": value})
        w.block("warehouses")
        wh = branch_warehouse(card)
        w.record("warehouse", {"gid": wh.id, "symbol": card.symbol, "name": wh.name, "role": "main"})
        main = Warehouse.get_or_none(Warehouse.is_main == True)  # noqa: E712
        if main is not None:
            w.record("warehouse", {"gid": main.id, "symbol": HQ_WAREHOUSE, "name": main.name, "role": "hq"})
        w.block("operators")
        logins = [x for x in card.operators.split(",") if x]
        for op in Operator.select().where(Operator.login.in_(logins)).order_by(Operator.id):
            w.record("operator", {"gid": op.id, "login": op.login, "name": op.name, "hash": op.password_hash,
                                  "admin": op.is_admin, "active": op.active})
        w.block("numbering")
        for doc_class in CLASSES:
            w.record("series", {"doc_class": doc_class, "series": card.symbol, "default": True})
        for extra in [x for x in card.extra_series.split(",") if x]:
            w.record("series", {"doc_class": "FA", "series": extra, "extra": True})
        w.block("registers")
        from store.cash.models import CashRegister
        register = CashRegister.get_or_none(CashRegister.id == card.register_gid) if card.register_gid else None
        if register is not None:
            w.record("register", {"gid": register.id, "symbol": register.symbol, "name": register.name,
                                  "kind": register.kind, "active": register.active})
        for form in PaymentForm.select().order_by(PaymentForm.id):
            w.record("payment_form", {"gid": form.id, "name": form.name, "kind": form.kind, "days": form.days,
                                      "active": form.active,
                                      "register_gid": form.register if register is not None
                                      and form.register == register.id else None})
        w.block("vat_rates")
        for vat in VatRate.select().order_by(VatRate.id):
            w.record("vat", {"gid": vat.id, "code": vat.code, "rate": vat.rate, "name": vat.name[:255],
                             "active": vat.active})
        w.block("catalogue")
        for attrs, prices in goods_records():
            w.record("goods", attrs, prices)
            faults.point("hq_dla")
        w.block("confirmations")
        for conf in confirmations:
            w.record("confirm", conf)
        w.block("contractors")
        for rec in ex_contractors.hq_cards():
            w.record("contractor", rec)
            faults.point("hq_dla")
        return w.count
