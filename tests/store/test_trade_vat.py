"""VAT per rate on the summary, spread on lines (issue 11 item 3) against an exact Fraction model."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import floor

from hypothesis import given, settings
from hypothesis import strategies as st

from store.trade.vat import VatLine, compute

RATES = [("23", Decimal(23)), ("8", Decimal(8)), ("5", Decimal(5)), ("0", Decimal(0)), ("zw", Decimal(0)),
         ("np", Decimal(0))]


def _half_up_cents(x: Fraction) -> Fraction:
    """Round half away from zero to 1/100 — written from the definition, not with Decimal."""
    sign = -1 if x < 0 else 1
    return sign * Fraction(floor(abs(x) * 100 + Fraction(1, 2)), 100)


def _model(lines, from_gross):
    """Per rate: the exact VAT of the summed values, rounded once."""
    totals: dict[str, tuple[Fraction, Fraction]] = {}
    for line in lines:
        r = Fraction(line.rate)
        value = Fraction(line.value)
        total, rate = totals.get(line.rate_code, (Fraction(0), r))
        totals[line.rate_code] = (total + value, rate)
    out = {}
    for code, (total, r) in totals.items():
        vat = _half_up_cents(total * r / (100 + r) if from_gross else total * r / 100)
        out[code] = (total - vat, vat, total) if from_gross else (total, vat, total + vat)
    return out


cents = st.integers(min_value=-500_000, max_value=5_000_000).map(lambda n: Decimal(n) / 100)
line = st.tuples(st.sampled_from(RATES), cents)


@settings(max_examples=300, deadline=None)
@given(st.lists(line, min_size=1, max_size=30), st.booleans())
def test_summary_per_rate_equals_the_exact_model_and_lines_add_up(raw, from_gross):
    lines = [VatLine(i, code, rate, value) for i, ((code, rate), value) in enumerate(raw)]
    result = compute(lines, from_gross=from_gross)
    model = _model(lines, from_gross)
    got = {r.rate_code: (Fraction(r.net), Fraction(r.vat), Fraction(r.gross)) for r in result.rates}
    assert got == model
    by_rate: dict[str, Fraction] = {}
    for src, lv in zip(lines, result.lines):
        assert lv.key == src.key
        assert lv.net + lv.vat == lv.gross
        assert (lv.gross if from_gross else lv.net) == src.value
        r = Fraction(src.rate)
        exact = Fraction(src.value) * r / (100 + r) if from_gross else Fraction(src.value) * r / 100
        assert abs(Fraction(lv.vat) - exact) < Fraction(1, 100)     # each line within a grosz of its share
        by_rate[src.rate_code] = by_rate.get(src.rate_code, Fraction(0)) + Fraction(lv.vat)
    assert by_rate == {code: v for code, (_n, v, _g) in model.items()}


def test_three_lines_of_a_third_each_from_net():
    """0.33 + 0.33 + 0.34 style: three lines of 1.00 at 23 % make 0.69 VAT on the summary, 0.23 each."""
    lines = [VatLine(i, "23", Decimal(23), Decimal("1.00")) for i in range(3)]
    result = compute(lines, from_gross=False)
    assert [lv.vat for lv in result.lines] == [Decimal("0.23")] * 3
    assert result.vat == Decimal("0.69") and result.gross == Decimal("3.69")


def test_from_gross_the_summary_rounds_once_and_spreads_the_remainder():
    # 3 x 10.00 gross at 23 %: exact VAT per line 1.869918..., summary 5.609756... -> 5.61
    lines = [VatLine(i, "23", Decimal(23), Decimal("10.00")) for i in range(3)]
    result = compute(lines, from_gross=True)
    assert result.vat == Decimal("5.61")
    assert sorted(lv.vat for lv in result.lines) == [Decimal("1.87"), Decimal("1.87"), Decimal("1.87")]
    assert result.net == Decimal("24.39")


def test_exempt_and_not_subject_carry_no_vat_and_stay_separate():
    lines = [VatLine(1, "zw", Decimal(0), Decimal("100.00")), VatLine(2, "np", Decimal(0), Decimal("50.00")),
             VatLine(3, "8", Decimal(8), Decimal("-12.50"))]
    result = compute(lines, from_gross=False)
    assert [(r.rate_code, r.vat) for r in result.rates] == [("zw", 0), ("np", 0), ("8", Decimal("-1.00"))]
