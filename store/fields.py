"""Exact numeric fields.

Money, prices and quantities are stored as scaled integers (grosze, 1/10000 of a unit), so
SQLite never turns them into floats (its NUMERIC affinity would), sums stay exact, sorting and
comparisons run on an index, and the same column works on PostgreSQL.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import peewee


_READ: dict[int, dict] = {}      # places -> {stored integer: Decimal}, shared by the fields of those places
_READ_CACHE = 8192


class FixedDecimalField(peewee.BigIntegerField):
    """Decimal with a fixed number of places, stored as an integer of the smallest unit."""

    def __init__(self, places: int = 2, *args, **kwargs):
        self.places = places
        self._scale = 10 ** places
        self._quantum = Decimal(1).scaleb(-places)
        self._read = _READ.setdefault(places, {})
        super().__init__(*args, **kwargs)

    def quantize(self, value) -> Decimal:
        return Decimal(value).quantize(self._quantum, rounding=ROUND_HALF_UP)

    def db_value(self, value):
        if value is None:
            return None
        if type(value) is not Decimal:
            if isinstance(value, float):
                raise TypeError("float given for an exact decimal column; use Decimal")
            value = Decimal(value)
        # = int(quantize(value) * scale): rounding value * 10**places half up to a whole number is the same
        return int((value * self._scale).to_integral_value(ROUND_HALF_UP))

    def python_value(self, value):
        if value is None:
            return None
        # Prices and quantities repeat (1, 2, 10 szt., the same price on many lines): the same immutable Decimal
        # from a small cache is ten times cheaper than making it (an approval reads ~200 such values).
        read = self._read.get(value)
        if read is None:
            read = Decimal(int(value)).scaleb(-self.places)  # exact, already at `places` decimals
            if len(self._read) < _READ_CACHE:
                self._read[value] = read
        return read


def MoneyField(**kwargs) -> FixedDecimalField:
    return FixedDecimalField(2, **kwargs)


def PriceField(**kwargs) -> FixedDecimalField:
    return FixedDecimalField(4, **kwargs)


def QuantityField(**kwargs) -> FixedDecimalField:
    return FixedDecimalField(4, **kwargs)


def PercentField(**kwargs) -> FixedDecimalField:
    return FixedDecimalField(2, **kwargs)
