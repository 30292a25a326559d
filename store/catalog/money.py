"""Pure price arithmetic: net <-> gross, margin (w stu) and markup (od stu), rounding to a step,
discounts. Decimal with ROUND_HALF_UP everywhere; no database access.

Vocabulary (ITM-21/22):
  markup  ("od stu", on cost):           price = purchase × (1 + m),   m = (price − purchase) / purchase
  margin  ("w stu", on selling price):   price = purchase / (1 − m),   m = (price − purchase) / price
Percentages are given as percent numbers (10 = 10 %).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

D0 = Decimal(0)
D1 = Decimal(1)
D100 = Decimal(100)
PRICE_STORE_PLACES = 4
DEFAULT_PRICE_PLACES = 2
METHODS = ("markup", "margin")       # od stu | w stu


def q(value, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def amount(value) -> Decimal:
    return q(value, 2)


def round_to_step(value, step, places: int = DEFAULT_PRICE_PLACES) -> Decimal:
    """Round half up to a multiple of `step` (0 = only to `places` decimals)."""
    value, step = Decimal(value), Decimal(step or 0)
    if step <= 0:
        return q(value, places)
    return q((value / step).quantize(D1, rounding=ROUND_HALF_UP) * step, places)


def gross_from_net(net, vat_percent, places: int = DEFAULT_PRICE_PLACES) -> Decimal:
    return q(Decimal(net) * (D100 + Decimal(vat_percent)) / D100, places)


def net_from_gross(gross, vat_percent, places: int = DEFAULT_PRICE_PLACES) -> Decimal:
    return q(Decimal(gross) * D100 / (D100 + Decimal(vat_percent)), places)


def complete(value, *, gross: bool, vat_percent, places: int = DEFAULT_PRICE_PLACES) -> tuple[Decimal, Decimal]:
    """(net, gross) from the declared column: the declared one stored as given, the other computed."""
    value = q(value, PRICE_STORE_PLACES)
    if gross:
        return net_from_gross(value, vat_percent, places), value
    return value, gross_from_net(value, vat_percent, places)


def margin_of(price, purchase, method: str = "markup") -> Decimal:
    """Margin/markup percent (2 places) of a net price over a net purchase price; 0 when undefined."""
    price, purchase = Decimal(price), Decimal(purchase)
    if method == "markup":
        return q((price - purchase) / purchase * D100, 2) if purchase > 0 else D0
    if method == "margin":
        return q((price - purchase) / price * D100, 2) if price > 0 and purchase > 0 else D0
    raise ValueError(method)


def price_from_margin(purchase, margin, method: str = "markup", *, step=0, offset=0,
                      places: int = DEFAULT_PRICE_PLACES) -> Decimal:
    """ITM-22: round_to_step(purchase × (1 + m)) + offset (od stu) or purchase / (1 − m) (w stu).

    Never negative; a margin of 100 % or more "w stu" has no price and raises ValueError.
    """
    purchase, m = Decimal(purchase), Decimal(margin) / D100
    if method == "markup":
        raw = purchase * (D1 + m)
    elif method == "margin":
        if m >= D1:
            raise ValueError("margin >= 100%")
        raw = purchase / (D1 - m)
    else:
        raise ValueError(method)
    return max(D0, round_to_step(raw, step, places) + Decimal(offset))


def change_price(price, *, percent=None, amount=None, step=0, places: int = DEFAULT_PRICE_PLACES) -> Decimal:
    """PSO-12: price ± percent or ± amount, rounded to a step; a negative result becomes 0."""
    price = Decimal(price)
    if percent is not None:
        new = price * (D100 + Decimal(percent)) / D100
    elif amount is not None:
        new = price + Decimal(amount)
    else:
        new = price
    return max(D0, round_to_step(new, step, places))


def combine_discounts(contractor, goods, method: str = "multiplicative") -> Decimal:
    """DSC-12: contractor-side and goods-side percent discounts combined (result in percent)."""
    dk, dt = Decimal(contractor), Decimal(goods)
    if method == "additive":
        return dk + dt
    if method == "multiplicative":
        return q(D100 - (D100 - dk) * (D100 - dt) / D100, 4)
    if method == "contractor":
        return dk
    if method == "goods":
        return dt
    raise ValueError(method)


def apply_discount(price, discount_percent, places: int = DEFAULT_PRICE_PLACES) -> Decimal:
    """DSC OPEN step (5): round_half_up(card_price × (1 − d)); never below zero."""
    return max(D0, q(Decimal(price) * (D100 - Decimal(discount_percent)) / D100, places))


def resulting_discount(before, after) -> Decimal:
    """DSC-18: RABAT = (value before discount − value after discount) / value before × 100 %."""
    before, after = Decimal(before), Decimal(after)
    return q((before - after) / before * D100, 2) if before else D0
