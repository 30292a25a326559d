"""Pure price arithmetic against an independent model in fractions.Fraction (property tests) and
the worked examples of the spec (ITM-22, PSO-10, PSO-12, DSC-12)."""
from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.catalog import money

prices = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)
percents = st.decimals(min_value=D("0"), max_value=D("99.99"), places=2)
vats = st.sampled_from([D(0), D(5), D(8), D(23)])
steps = st.sampled_from([D(0), D("0.05"), D("0.10"), D("1.00"), D("5.00")])


def half_up(fr: F, places: int) -> F:
    """Independent ROUND_HALF_UP for non-negative fractions."""
    scale = 10 ** places
    scaled = fr * scale
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= F(1, 2):
        whole += 1
    return F(whole, scale)


def to_f(d: D) -> F:
    return F(str(d))


@settings(max_examples=150, deadline=None)
@given(prices, vats)
def test_gross_and_net_match_the_fraction_model(net, vat):
    gross = money.gross_from_net(net, vat)
    assert to_f(gross) == half_up(to_f(net) * (100 + to_f(vat)) / 100, 2)
    back = money.net_from_gross(gross, vat)
    assert to_f(back) == half_up(to_f(gross) * 100 / (100 + to_f(vat)), 2)
    # a 2-place net survives the round trip within one grosz
    assert abs(back - net) <= D("0.01")


@settings(max_examples=150, deadline=None)
@given(prices, percents, steps, st.sampled_from([D(0), D("-0.01"), D("-0.02")]))
def test_price_from_markup_matches_the_fraction_model(purchase, margin, step, offset):
    got = money.price_from_margin(purchase, margin, "markup", step=step, offset=offset)
    raw = to_f(purchase) * (1 + to_f(margin) / 100)
    expected = half_up(raw, 2) if step == 0 else half_up(raw / to_f(step), 0) * to_f(step)
    expected = max(F(0), expected + to_f(offset))
    assert to_f(got) == expected


@settings(max_examples=150, deadline=None)
@given(st.decimals(min_value=D("1.00"), max_value=D("99999.99"), places=2), percents)
def test_margin_w_stu_and_markup_od_stu_are_inverse_of_the_price(purchase, margin):
    price = money.price_from_margin(purchase, margin, "margin", places=4)
    assert to_f(price) == half_up(to_f(purchase) / (1 - to_f(margin) / 100), 4)
    # the margin computed back from that price is the margin given (to 2 places, ± rounding)
    assert abs(money.margin_of(price, purchase, "margin") - margin) <= D("0.01")
    markup_price = money.price_from_margin(purchase, margin, "markup", places=4)
    assert abs(money.margin_of(markup_price, purchase, "markup") - margin) <= D("0.01")


@settings(max_examples=150, deadline=None)
@given(percents, percents)
def test_discount_combinations_match_the_model(dk, dt):
    assert money.combine_discounts(dk, dt, "additive") == dk + dt
    mult = money.combine_discounts(dk, dt, "multiplicative")
    assert to_f(mult) == half_up(100 - (100 - to_f(dk)) * (100 - to_f(dt)) / 100, 4)
    assert mult <= D(100)
    assert money.combine_discounts(dk, dt, "contractor") == dk
    assert money.combine_discounts(dk, dt, "goods") == dt


@settings(max_examples=100, deadline=None)
@given(prices, st.decimals(min_value=D("-100"), max_value=D("100"), places=2), steps)
def test_price_change_by_percent_never_negative(price, pct, step):
    got = money.change_price(price, percent=pct, step=step)
    raw = to_f(price) * (100 + to_f(pct)) / 100
    expected = half_up(raw, 2) if step == 0 else half_up(raw / to_f(step), 0) * to_f(step)
    assert to_f(got) == max(F(0), expected)


@pytest.mark.rule("ITM-22")
def test_itm22_source_example_markup_rounding_offset():
    assert money.price_from_margin(D("51.60"), D(10), "markup") == D("56.76")
    assert money.price_from_margin(D("51.60"), D(10), "markup", step=D("1.00")) == D("57.00")
    assert money.price_from_margin(D("51.60"), D(10), "markup", step=D("1.00"), offset=D("-0.02")) == D("56.98")
    # a typical ".99" ending = rounding 1 zł + offset −0.01
    assert money.price_from_margin(D("51.60"), D(10), "markup", step=D("1.00"), offset=D("-0.01")) == D("56.99")


@pytest.mark.rule("PSO-10")
def test_pso10_vat_change_keep_net_or_gross():
    net = D("100.00")
    assert money.gross_from_net(net, 23) == D("123.00")
    assert money.gross_from_net(net, 8) == D("108.00")          # keep net
    assert money.net_from_gross(D("123.00"), 8) == D("113.89")  # keep gross: 123.00 / 1.08 = 113.888…


@pytest.mark.rule("PSO-12")
def test_pso12_price_change_examples():
    assert money.change_price(D("40.00"), percent=D(25)) == D("50.00")
    assert money.change_price(D("50.00"), amount=D("-60.00")) == D("0.00")


@pytest.mark.rule("DSC-12")
@pytest.mark.parametrize("method,d,price", [("additive", D(50), D("50.00")), ("multiplicative", D(44), D("56.00")),
                                            ("contractor", D(20), D("80.00")), ("goods", D(30), D("70.00"))])
def test_dsc12_methods_on_cis_and_ab(method, d, price):
    combined = money.combine_discounts(D(20), D(30), method)
    assert combined == d
    assert money.apply_discount(D("100.00"), combined) == price


@pytest.mark.rule("DSC-21", "DSC-18")
def test_dsc21_header_discount_of_merged_documents():
    before, after = D("600.00") + D("400.00"), D("540.00") + D("340.00")
    assert money.resulting_discount(before, after) == D("12.00")
    assert money.resulting_discount(D(0), D(0)) == D(0)


@pytest.mark.rule("RATE-7")
def test_currency_conversion_examples():
    """RATE-7's figures through the conversion the program uses (store.catalog.rates.to_pln)."""
    from store.catalog.rates import to_pln

    assert to_pln(D("1234.56"), D("4.3125")) == D("5324.04")
    assert to_pln(D("10000"), D("1.0850"), 100) == D("108.50")        # HUF: rate per 100 units
    assert to_pln(D("0.01"), D("0.5")) == D("0.01")                    # half a grosz rounds up
