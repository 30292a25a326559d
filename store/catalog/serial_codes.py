"""Serial operations on codes: EAN ranges (PSO-18), fiscal PLU and name (PSO-8, PSO-9)."""
from __future__ import annotations

from decimal import Decimal

from stdnum import ean as std_ean

from store.catalog.goods_codes import add_ean_in_tx, add_unit_in_tx
from store.catalog.models import Goods, GoodsEan, GoodsUnit
from store.catalog.roles import ensure_may_edit
from store.catalog.serial import SerialReport, _goods, _touch
from store.db import write
from store.errors import ValidationError
from store.i18n import _

EAN_BODY = {8: 7, 13: 12, 14: 13}


def _range(kind: int, start: str, end: str) -> tuple[int, int]:
    """PSO-18 OPEN: pad Od/Do on the right with zeros to the body length; Do empty/0 = no bound."""
    body = EAN_BODY.get(kind)
    if body is None:
        raise ValidationError({"kind": _("Zakres EAN: EAN-8, EAN-13 albo EAN-14.")})
    start, end = (start or "").strip(), (end or "").strip()
    for name, value in (("start", start), ("end", end)):
        if value and (not value.isdigit() or len(value) > body):
            raise ValidationError({name: _("Zakres EAN-{k}: najwyżej {n} cyfr.").format(k=kind, n=body)})
    if not start:
        raise ValidationError({"start": _("Podaj początek zakresu (Od).")})
    lo = int(start.ljust(body, "0"))
    hi = int(end.ljust(body, "0")) if end and int(end) else 10 ** body - 1
    if lo > hi:
        raise ValidationError({"end": _("Początek zakresu (Od) nie może być większy niż koniec (Do).")})
    return lo, hi


def assign_ean_range(goods_ids, *, kind: int = 13, start: str, end: str = "", additional: bool = False,
                     unit: str = "", numerator=Decimal(1), denominator=Decimal(1)) -> SerialReport:
    """PSO-18: give each item the first free valid code of the range, in order.

    Default code: only items without any EAN. Additional code: bound to `unit` (added with the ratio
    when missing; an existing unit's ratio is not changed). Exhausted range: "Koniec zakresu".
    """
    ensure_may_edit("goods")
    lo, hi = _range(kind, start, end)
    body_len = EAN_BODY[kind]
    report = SerialReport("assign_ean_range")
    with write():
        used = {e for (e,) in GoodsEan.select(GoodsEan.ean).tuples()} | \
               {e for (e,) in Goods.select(Goods.ean).where(Goods.ean != "").tuples()}
        body = lo
        for g in _goods(goods_ids):
            if not additional and (g.ean or GoodsEan.select().where(GoodsEan.goods == g.id).exists()):
                report.refuse(g, _("towar ma już kod EAN"))
                continue
            code = None
            while body <= hi:
                digits = str(body).zfill(body_len)
                candidate = digits + std_ean.calc_check_digit(digits)
                body += 1
                if candidate not in used:
                    code = candidate
                    break
            if code is None:
                report.refuse(g, _("Koniec zakresu"))
                continue
            if additional:
                if not unit:
                    raise ValidationError({"unit": _("Podaj jednostkę dla kodu dodatkowego.")})
                if unit != g.unit and not GoodsUnit.select().where((GoodsUnit.goods == g.id)
                                                                   & (GoodsUnit.unit == unit)).exists():
                    add_unit_in_tx(g, unit, numerator, denominator)
            add_ean_in_tx(g, code, unit=unit if additional else "", default=not additional)
            used.add(code)
            report.change(g, "EAN", g.ean or "—", code)
    return report


def remove_eans(goods_ids, *, additional: bool = False) -> SerialReport:
    """PSO-18: remove the default code, or all additional codes, of the items."""
    ensure_may_edit("goods")
    report = SerialReport("remove_eans")
    with write():
        for g in _goods(goods_ids):
            q = GoodsEan.select().where((GoodsEan.goods == g.id) & (GoodsEan.is_default == (not additional)))
            codes = [e.ean for e in q]
            if not additional and not codes and g.ean:
                codes = [g.ean]
            for code in codes:
                GoodsEan.delete().where((GoodsEan.goods == g.id) & (GoodsEan.ean == code)).execute()
                report.change(g, "EAN", code, "—")
            if not additional and codes:
                _touch(g, ean="")
    return report


def fiscal_codes(goods_ids, *, copy_code: bool = False, copy_name: bool = False, shorten_to: int | None = None,
                 clear_code: bool = False, clear_name: bool = False) -> SerialReport:
    """PSO-8: clear PLU / fiscal name, or copy the item code (numeric only, first 18 digits) and name
    (truncated to N ≤ 40 characters, trailing spaces removed) where they are empty."""
    ensure_may_edit("goods")
    limit = min(40, shorten_to) if shorten_to else 40
    report = SerialReport("fiscal_codes")
    with write():
        for g in _goods(goods_ids):
            if clear_code and g.plu:
                report.change(g, "PLU", g.plu, "—")
                _touch(g, plu="")
            if clear_name and g.fiscal_name:
                report.change(g, _("nazwa fiskalna"), g.fiscal_name, "—")
                _touch(g, fiscal_name="")
            if copy_code:
                if g.plu:
                    report.refuse(g, _("PLU jest już wypełnione"))
                elif not g.code.isdigit():
                    report.refuse(g, _("kod towaru nie jest liczbą – nie skopiowano do PLU"))
                else:
                    _touch(g, plu=g.code[:18])
                    report.change(g, "PLU", "—", g.plu)
            if copy_name:
                if g.fiscal_name:
                    report.refuse(g, _("nazwa fiskalna jest już wypełniona"))
                else:
                    _touch(g, fiscal_name=g.name[:limit].rstrip())
                    report.change(g, _("nazwa fiskalna"), "—", g.fiscal_name)
    return report


def unique_fiscal_names(goods_ids, *, add_digit: bool = False, max_length: int | None = None) -> SerialReport:
    """PSO-9: among the marked items, names equal on the first N characters (N = max_length or 40)
    collide; the first keeps its name, the next get running digits 1, 2, … within N characters.
    Without `add_digit` the colliding items are only listed (refused with the reason)."""
    ensure_may_edit("goods")
    n = min(40, max_length) if max_length else 40
    report = SerialReport("unique_fiscal_names")
    with write():
        groups: dict[str, list[Goods]] = {}
        for g in _goods(goods_ids):
            if g.fiscal_name:
                groups.setdefault(g.fiscal_name[:n], []).append(g)
        for key, items in groups.items():
            if len(items) < 2:
                continue
            for i, g in enumerate(items[1:], start=1):
                if not add_digit:
                    report.refuse(g, _("nazwa fiskalna „{n}” nie jest unikalna").format(n=g.fiscal_name))
                    continue
                digit = str(i)
                new = g.fiscal_name[: n - len(digit)] + digit
                report.change(g, _("nazwa fiskalna"), g.fiscal_name, new)
                _touch(g, fiscal_name=new)
    return report
