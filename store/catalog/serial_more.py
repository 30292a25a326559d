"""More serial operations: price limit (PSO-14), ordering parameters (PSO-17), CN code (PSO-6),
price flags/currency/default price (PRC-15 F11 functions), VAT rate of CN codes (CN-7), discount
list operations (DSC-22); and the price-limit check of a document line (ITM-25, DSC-14)."""
from __future__ import annotations

from decimal import Decimal

from store.catalog import money
from store.catalog import prices as price_rules
from store.catalog.dictionaries import CnCode, PriceType
from store.catalog.discounts import Discount
from store.catalog.models import PRICE_LIMIT_KINDS, Goods, GoodsPrice
from store.catalog.roles import ensure_may_edit
from store.catalog.serial import SerialReport, _goods, _touch
from store.config import VatRate
from store.db import write
from store.errors import NotFound, ValidationError
from store.i18n import _


def set_price_limit(goods_ids, *, kind: str, value) -> SerialReport:
    """PSO-14: minimum margin or maximum discount (value in %) for the marked items."""
    ensure_may_edit("goods")
    if kind not in PRICE_LIMIT_KINDS or not (0 <= Decimal(value) <= 100):
        raise ValidationError({"price_limit_kind": _("Granica ceny: minimalna marża albo maksymalny rabat (0–100%).")})
    report = SerialReport("set_price_limit")
    with write():
        for g in _goods(goods_ids):
            old = (g.price_limit_kind, g.price_limit_value)
            new = (kind, money.q(value, 2) if kind else Decimal("0.00"))
            if old != new:
                _touch(g, price_limit_kind=new[0], price_limit_value=new[1])
                report.change(g, _("granica ceny"), f"{old[0] or '—'} {old[1]}", f"{new[0] or '—'} {new[1]}")
    return report


ORDER_FIELDS = ("min_quantity", "max_quantity", "order_multiple", "supplier_code")


def set_order_params(goods_ids, **values) -> SerialReport:
    """PSO-17: only the ticked parameters are written; services are refused."""
    unknown = set(values) - set(ORDER_FIELDS)
    if unknown:
        raise ValidationError({k: _("Nieznany parametr: {f}.").format(f=k) for k in unknown})
    for k in ("min_quantity", "max_quantity", "order_multiple"):
        if k in values and Decimal(values[k]) < 0:
            raise ValidationError({k: _("Wartość nie może być ujemna.")})
    ensure_may_edit("goods")
    report = SerialReport("set_order_params")
    with write():
        for g in _goods(goods_ids):
            if g.is_service:
                report.refuse(g, _("usługa nie ma parametrów zamówień"))
                continue
            changed = {k: v for k, v in values.items() if getattr(g, k) != v}
            for k, v in changed.items():
                report.change(g, k, getattr(g, k), v)
            if changed:
                _touch(g, **changed)
    return report


def set_cn_code(goods_ids, code: str | None) -> SerialReport:
    """PSO-6: add (set) or remove (None / "") the CN code of the marked items."""
    ensure_may_edit("goods")
    code = (code or "").replace(" ", "")
    report = SerialReport("set_cn_code")
    with write():
        if code and not CnCode.select().where(CnCode.code == code).exists():
            raise NotFound(_("Kod CN {c} nie istnieje w słowniku kodów CN.").format(c=code))
        for g in _goods(goods_ids):
            if g.cn_code != code:
                report.change(g, _("kod CN"), g.cn_code or "—", code or "—")
                _touch(g, cn_code=code)
    return report


def set_cn_vat_rate(cn_ids, vat_rate_id: int | None) -> list[str]:
    """CN-7: set the VAT rate of marked CN codes; an empty rate removes it. Returns the codes changed."""
    ensure_may_edit("dictionary")
    with write():
        if vat_rate_id and not VatRate.select().where(VatRate.id == vat_rate_id).exists():
            raise NotFound(_("Wybrana stawka VAT nie istnieje."))
        rows = list(CnCode.select().where(CnCode.id.in_(list(cn_ids))))
        changed = [r.code for r in rows if r.vat_rate_id != (vat_rate_id or None)]
        CnCode.update(vat_rate=vat_rate_id or None).where(CnCode.id.in_([r.id for r in rows])).execute()
        return changed


def set_price_options(goods_ids, price_type_id: int, *, auto_update: bool | None = None,
                      currency: str | None = None, rate=None) -> SerialReport:
    """PRC-15 (1) change the *Aktualizacja* flag of a price; (2) change its currency converting the
    value at the rate typed by the user: new = round_half_up(old_PLN / rate) (PRC-15 OPEN)."""
    ensure_may_edit("prices", price_type_id=price_type_id)
    if currency is not None and (rate is None or Decimal(rate) <= 0):
        raise ValidationError({"rate": _("Podaj kurs większy od zera.")})
    report = SerialReport("set_price_options")
    with write():
        pt = PriceType.get_or_none(PriceType.id == price_type_id)
        if pt is None:
            raise NotFound(_("Nie znaleziono rodzaju ceny."))
        for g in _goods(goods_ids):
            row = GoodsPrice.get_or_none((GoodsPrice.goods == g.id) & (GoodsPrice.price_type == pt.id))
            if row is None:
                report.refuse(g, _("towar nie ma ceny {p}").format(p=pt.name))
                continue
            if auto_update is not None and row.auto_update != auto_update:
                report.change(g, _("aktualizacja"), row.auto_update, auto_update)
                price_rules.set_price_in_tx(g, pt, auto_update=auto_update)
            if currency is not None and currency.upper() != row.currency:
                if row.currency != "PLN":
                    report.refuse(g, _("cena jest już w walucie {w}").format(w=row.currency))
                    continue
                old = row.gross if pt.gross else row.net
                new = money.q(old / Decimal(rate), price_rules.price_places())
                price_rules.set_price_in_tx(g, pt, value=new, currency=currency)
                report.change(g, pt.name, f"{old} PLN", f"{new} {currency.upper()}")
    return report


def set_default_price(goods_ids, price_type_id: int | None) -> SerialReport:
    """PRC-15 (10): the default price type of the marked items (None = company default)."""
    ensure_may_edit("goods")
    report = SerialReport("set_default_price")
    with write():
        if price_type_id and not PriceType.select().where((PriceType.id == price_type_id)
                                                          & (PriceType.active == True)).exists():  # noqa: E712
            raise NotFound(_("Rodzaj ceny nie istnieje albo jest nieaktywny."))
        for g in _goods(goods_ids):
            if g.default_price_type_id != price_type_id:
                report.change(g, _("cena domyślna"), g.default_price_type_id or "—", price_type_id or "—")
                _touch(g, default_price_type=price_type_id)
    return report


def change_discounts(discount_ids, *, percent=None, valid_from=None, valid_to=None) -> int:
    """DSC-22 *Zmień rabaty*: set percent and/or dates on the marked discounts, one transaction; the
    overlap rule (DSC-8) still holds for every row. Returns the number of rows changed."""
    from store.catalog.discounts import save_discount

    ensure_may_edit("discounts")
    changes = {k: v for k, v in (("percent", percent), ("valid_from", valid_from), ("valid_to", valid_to))
               if v is not None}
    with write():
        ids = [d.id for d in Discount.select(Discount.id).where(Discount.id.in_(list(discount_ids)))]
        for did in ids:
            save_discount(did, **changes)
        return len(ids)


def add_discounts(rows: list[dict]) -> int:
    """DSC-22 *Dodaj rabaty*: several discounts in one transaction (all or none)."""
    from store.catalog.discounts import save_discount

    ensure_may_edit("discounts")
    with write():
        for fields in rows:
            save_discount(**fields)
    return len(rows)


def price_limit_refusal(goods: Goods, *, net_price, discount=Decimal(0)) -> str | None:
    """ITM-25 / DSC-14 (OPEN recommended): a line whose discount exceeds the item's maximum discount,
    or whose net price gives less than the minimum margin over the purchase price, is refused."""
    kind, limit = goods.price_limit_kind, goods.price_limit_value
    if kind == "max_discount" and Decimal(discount) > limit:
        return _("Przekroczono granicę ceny dla towaru {kod}.").format(kod=goods.code)
    if kind == "min_margin" and goods.last_purchase_price > 0 and \
            money.margin_of(net_price, goods.last_purchase_price, price_rules.margin_method()) < limit:
        return _("Przekroczono granicę ceny dla towaru {kod}.").format(kod=goods.code)
    return None
