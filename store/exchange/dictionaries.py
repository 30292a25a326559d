"""HQ's small dictionaries in a branch (SYNC-8, SYNC-17, SETUP-9, OPER-1, OPER-2, MM-1, GID-10, DICT-27/28),
each written only where it differs from what is stored, so a file read twice changes nothing."""
from __future__ import annotations

from decimal import Decimal

from store.base import utcnow
from store.catalog.dictionaries import PriceType, Warehouse
from store.catalog.roles import hq_apply
from store.config import Company, Operator, VatRate, get_setting, set_setting

BRANCH_SETTINGS = ("branch_default_price_type", "autonomous_price_type", "fs_from_pa_days")   # SYNC-22
STAMP_FIELDS = ("name", "nip", "regon", "street", "building", "postal_code", "city", "country")


def _flag(attrs: dict, name: str, default: bool) -> bool:
    value = attrs.get(name)
    return default if value is None else value in ("true", "1")


def _update_if_changed(model, row, values: dict) -> bool:
    changes = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changes:
        return False
    model.update({**{getattr(model, k): v for k, v in changes.items()}, **model.stamp()}) \
        .where(model.id == row.id).execute()
    return True


def apply_stamp(attrs: dict) -> int:
    """SETUP-9: the company stamp comes from HQ."""
    values = {f: attrs.get(f, "PL" if f == "country" else "") for f in STAMP_FIELDS}
    row = Company.select().order_by(Company.id).first()
    if row is None:
        Company.create(**values)
        return 1
    return int(_update_if_changed(Company, row, values))


def apply_settings(pairs: list[tuple[str, str]]) -> int:
    """SYNC-22: the branch's settings HQ keeps on its card."""
    n = 0
    for key, value in pairs:
        if key not in BRANCH_SETTINGS:
            continue
        if key == "autonomous_price_type":
            if not value:
                continue
            from store.catalog.hq_prices import ensure_autonomous_price_type
            default = PriceType.get_or_none(PriceType.name == get_setting("branch_default_price_type"))
            before = get_setting("autonomous_price_type")
            pt = ensure_autonomous_price_type(value, gross=bool(default and default.gross))
            n += int(before != str(pt.id))
            continue
        if get_setting(key) != value:
            set_setting(key, value)
            n += 1
    return n


def apply_warehouses(rows: list[dict]) -> int:
    """MM-1: the main warehouse takes the branch symbol; HQ (and other branches) are remote warehouses."""
    n = 0
    for attrs in rows:
        gid, symbol = int(attrs["gid"]), attrs["symbol"]
        if attrs["role"] == "main":
            main = Warehouse.get_or_none(Warehouse.is_main == True)  # noqa: E712
            if main is None:
                Warehouse.create(symbol=symbol, name=attrs.get("name", ""), is_main=True, gid=gid, from_remote=True)
                n += 1
            else:
                n += int(_update_if_changed(Warehouse, main, {"symbol": symbol, "gid": gid}))
            continue
        row = Warehouse.get_or_none(Warehouse.gid == gid) or Warehouse.get_or_none(Warehouse.symbol == symbol)
        values = {"symbol": symbol, "name": attrs.get("name", ""), "kind": "remote", "gid": gid}
        if row is None:
            Warehouse.create(**values, from_remote=True)
            n += 1
        else:
            n += int(_update_if_changed(Warehouse, row, values))
    return n


def apply_operators(rows: list[dict]) -> int:
    """OPER-1/2: operators come from HQ with their password hashes (ADMIN's too)."""
    n = 0
    for attrs in rows:
        gid = int(attrs["gid"])
        values = {"login": attrs["login"].upper(), "name": attrs.get("name", ""), "password_hash": attrs["hash"],
                  "is_admin": _flag(attrs, "admin", False), "active": _flag(attrs, "active", True), "gid": gid}
        row = Operator.get_or_none(Operator.gid == gid) or Operator.get_or_none(Operator.login == values["login"])
        if row is None:
            Operator.create(**values, from_remote=True)
            n += 1
        else:
            n += int(_update_if_changed(Operator, row, values))
    return n


def apply_vat(rows: list[dict]) -> int:
    """DICT-27/28: VAT rates from HQ by GID, then code."""
    n = 0
    with hq_apply():
        for attrs in rows:
            gid = int(attrs["gid"])
            values = {"code": attrs["code"], "rate": Decimal(attrs["rate"]), "name": attrs.get("name", ""),
                      "active": _flag(attrs, "active", True), "gid": gid}
            row = VatRate.get_or_none(VatRate.gid == gid) or VatRate.get_or_none(VatRate.code == values["code"])
            if row is None:
                VatRate.create(**values, from_remote=True)
                n += 1
            else:
                n += int(_update_if_changed(VatRate, row, values))
    return n


def apply_registers(registers: list[dict], forms: list[dict]) -> int:
    """CASH-1/2 through the cash core, only the rows that differ (the core stamps every row it is given)."""
    from store.cash import apply_hq_payment_forms, apply_hq_registers
    from store.catalog.dictionaries import PaymentForm
    from store.cash.models import CashRegister

    changed_regs = []
    for attrs in registers:
        row = CashRegister.get_or_none(CashRegister.gid == int(attrs["gid"]))
        wanted = {"symbol": attrs["symbol"].strip().upper(), "name": attrs.get("name", ""),
                  "kind": attrs.get("kind", "cash"), "active": _flag(attrs, "active", True)}
        if row is None or any(getattr(row, k) != v for k, v in wanted.items()):
            changed_regs.append({"gid": int(attrs["gid"]), **wanted})
    if changed_regs:
        apply_hq_registers(changed_regs)
    changed_forms = []
    for attrs in forms:
        row = PaymentForm.get_or_none(PaymentForm.gid == int(attrs["gid"]))
        reg_gid = int(attrs["register_gid"]) if attrs.get("register_gid") else None
        wanted = {"name": attrs["name"], "kind": attrs.get("kind", "cash"), "days": int(attrs.get("days", 0)),
                  "active": _flag(attrs, "active", True)}
        reg = CashRegister.get_or_none(CashRegister.gid == reg_gid) if reg_gid is not None else None
        reg_id = reg.id if reg is not None else None
        if row is None or any(getattr(row, k) != v for k, v in wanted.items()) or row.register != reg_id:
            changed_forms.append({"gid": int(attrs["gid"]), **wanted, "register_gid": reg_gid})
    if changed_forms:
        apply_hq_payment_forms(changed_forms)
    return len(changed_regs) + len(changed_forms)


def apply_series(rows: list[dict]) -> int:
    """SETUP-10/13, OPER-12 through numbering.apply_hq_series, only the rows that differ."""
    from store.numbering import NumberCounter, NumberingScheme, NumberSeries, apply_hq_series

    todo = []
    for row in rows:
        scheme = NumberingScheme.get_or_none(NumberingScheme.doc_class == row["doc_class"])
        series = NumberSeries.get_or_none(NumberSeries.symbol == row.get("series", "")) if row.get("series") else None
        differs = scheme is None or (row.get("series") and series is None) \
            or (series is not None and series.extra != bool(row.get("extra"))) \
            or (row.get("pattern") and scheme.pattern != row["pattern"]) \
            or (row.get("period") and scheme.period != row["period"]) \
            or (row.get("default") and scheme.default_series != row.get("series", ""))
        for period, last in (row.get("counters") or {}).items():
            have = NumberCounter.get_or_none((NumberCounter.doc_class == row["doc_class"])
                                             & (NumberCounter.series == row.get("series", ""))
                                             & (NumberCounter.period == str(period)))
            differs = differs or have is None or have.last < int(last)
        if differs:
            todo.append(row)
    return apply_hq_series(todo) if todo else 0


def now():
    return utcnow()
