"""VAT of a document: computed per rate on the summary, then spread on the lines (pure, no database).

Per rate r (percent), from net: VAT = round(Σnet · r / 100); from gross: VAT = round(Σgross · r / (100 + r))
and net = gross − VAT. ROUND_HALF_UP to the grosz. The summary VAT is spread on the lines by the
largest remainder: each line gets its exact share rounded down to the grosz, and the groszy still
missing go to the lines with the largest remainders (ties: the earlier line), so per rate the lines
add up to the summary exactly and each line's VAT is within 0.01 of its exact share. Exempt (zw),
not subject (np) and 0 % rates carry no VAT. Negative lines (returns, corrections) work the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Hashable, Iterable

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class VatLine:
    key: Hashable                 # the caller's line id
    rate_code: str                # "23", "8", "0", "zw", "np" ...
    rate: Decimal                 # percent; 0 for zw/np
    value: Decimal                # the line's net (from net) or gross (from gross), in grosze precision


@dataclass(frozen=True)
class LineVat:
    key: Hashable
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class RateSummary:
    rate_code: str
    rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class VatResult:
    rates: list[RateSummary]      # in order of first appearance
    lines: list[LineVat]          # in the order given

    @property
    def net(self) -> Decimal:
        return sum((r.net for r in self.rates), Decimal(0))

    @property
    def vat(self) -> Decimal:
        return sum((r.vat for r in self.rates), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return sum((r.gross for r in self.rates), Decimal(0))


def _share(value: Decimal, rate: Decimal, from_gross: bool) -> Decimal:
    """The exact VAT contained in (from gross) or added to (from net) a value."""
    if not rate:
        return Decimal(0)
    return value * rate / (HUNDRED + rate) if from_gross else value * rate / HUNDRED


def compute(lines: Iterable[VatLine], *, from_gross: bool) -> VatResult:
    lines = list(lines)
    groups: dict[tuple[str, Decimal], list[int]] = {}
    for index, line in enumerate(lines):
        if line.value != line.value.quantize(CENT):
            raise ValueError(f"line {line.key!r}: value {line.value} has more than 2 decimal places")
        groups.setdefault((line.rate_code, line.rate), []).append(index)
    line_vat: list[Decimal] = [Decimal(0)] * len(lines)
    rates: list[RateSummary] = []
    for (code, rate), members in groups.items():
        total_value = sum((lines[i].value for i in members), Decimal(0))
        total_vat = _share(total_value, rate, from_gross).quantize(CENT, ROUND_HALF_UP)
        exact = [_share(lines[i].value, rate, from_gross) for i in members]
        base = [e.quantize(CENT, ROUND_FLOOR) for e in exact]
        missing = int((total_vat - sum(base, Decimal(0))) / CENT)   # 0 <= missing <= len(members)
        order = sorted(range(len(members)), key=lambda j: (-(exact[j] - base[j]), j))
        for j in order[:missing]:
            base[j] += CENT
        for i, v in zip(members, base):
            line_vat[i] = v
        if from_gross:
            rates.append(RateSummary(code, rate, total_value - total_vat, total_vat, total_value))
        else:
            rates.append(RateSummary(code, rate, total_value, total_vat, total_value + total_vat))
    out = []
    for line, vat in zip(lines, line_vat):
        if from_gross:
            out.append(LineVat(line.key, line.value - vat, vat, line.value))
        else:
            out.append(LineVat(line.key, line.value, vat, line.value + vat))
    return VatResult(rates, out)
