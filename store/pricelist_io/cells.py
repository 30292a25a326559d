"""Turning spreadsheet cells (python-calamine values) into card values, with Polish reasons.

Each parser returns the converted value, or raises CellError(reason). An empty cell is None
("no change" for an existing card). Numbers typed as text are accepted in the Polish form too
("1 234,50").
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from store.i18n import _

PRICE_Q = Decimal("0.0001")
PERCENT_Q = Decimal("0.01")
MAX_PRICE = Decimal("999999999")
MAX_PRICE_F = float(MAX_PRICE)
_SCALE = {PRICE_Q: 10_000.0, PERCENT_Q: 100.0, Decimal(1): 1.0}


class CellError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def shown(value) -> str:
    """The cell as the user saw it, for the report."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _type_name(value) -> str:
    if isinstance(value, bool):
        return _("wartość logiczna")
    if isinstance(value, (datetime, date)):
        return _("data")
    if isinstance(value, (time, timedelta)):
        return _("czas")
    return _("liczba")


def text(value, max_len: int) -> str | None:
    if value == "" or value is None:
        return None
    if isinstance(value, str):
        out = value.strip()
    elif isinstance(value, float) and not isinstance(value, bool) and value.is_integer() and abs(value) < 1e15:
        out = str(int(value))                      # a code or EAN typed as a number
    elif isinstance(value, int) and not isinstance(value, bool):
        out = str(value)
    else:
        raise CellError(_("Oczekiwano tekstu, a komórka zawiera: {kind} ({v}).").format(
            kind=_type_name(value), v=shown(value)))
    if not out:
        return None
    if len(out) > max_len:
        raise CellError(_("Tekst może mieć najwyżej {n} znaków (jest {m}).").format(n=max_len, m=len(out)))
    return out


def number(value, quantum: Decimal = PRICE_Q, *, allow_negative: bool = False) -> Decimal | None:
    """A price/percent: numbers, or text in either 12.5 or Polish 1 234,50 form; half-up rounded."""
    if value.__class__ is float and 0 <= value <= MAX_PRICE_F and quantum in _SCALE:
        # The common case, kept cheap: a price the sheet stores as a double. Scaled to the
        # quantum it is (within 1e-6) an integer when the typed value had no more places.
        scaled = value * _SCALE[quantum]
        near = round(scaled)
        if -1e-6 < scaled - near < 1e-6:
            return Decimal(near).scaleb(quantum.as_tuple().exponent)
        return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if value == "" or value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("Oczekiwano liczby, a komórka zawiera wartość logiczną."))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(_("Oczekiwano liczby, a komórka zawiera błąd lub nieskończoność."))
        if abs(value) > MAX_PRICE_F:
            raise CellError(_("Wartość {v} jest zbyt duża.").format(v=shown(value)))
        result = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    elif isinstance(value, int):
        if abs(value) > MAX_PRICE:
            raise CellError(_("Wartość {v} jest zbyt duża.").format(v=shown(value)))
        result = Decimal(value).quantize(quantum)
    elif isinstance(value, str):
        raw = value.strip().replace("\xa0", "").replace(" ", "")
        if not raw:
            return None
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        try:
            result = Decimal(raw)
        except InvalidOperation:
            raise CellError(_("Oczekiwano liczby, a komórka zawiera tekst „{v}”.").format(v=value.strip())) from None
        if not result.is_finite():
            raise CellError(_("Oczekiwano liczby, a komórka zawiera tekst „{v}”.").format(v=value.strip()))
        if abs(result) > MAX_PRICE:
            raise CellError(_("Wartość {v} jest zbyt duża.").format(v=value.strip()))
        result = result.quantize(quantum, rounding=ROUND_HALF_UP)
    else:
        raise CellError(_("Oczekiwano liczby, a komórka zawiera: {kind} ({v}).").format(
            kind=_type_name(value), v=shown(value)))
    if result < 0 and not allow_negative:
        raise CellError(_("Wartość nie może być ujemna ({v}).").format(v=shown(value)))
    if abs(result) > MAX_PRICE:
        raise CellError(_("Wartość {v} jest zbyt duża.").format(v=shown(value)))
    return result


_YES = {"tak", "t", "1", "true", "prawda", "yes", "y", "x"}
_NO = {"nie", "n", "0", "false", "fałsz", "falsz", "no"}


def yes_no(value) -> bool | None:
    if value == "" or value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().casefold()
        if low in _YES:
            return True
        if low in _NO:
            return False
    raise CellError(_("Oczekiwano „Tak” albo „Nie”, a komórka zawiera „{v}”.").format(v=shown(value)))


ITEM_TYPE_WORDS = {"tp": "TP", "up": "UP", "tz": "TZ", "uz": "UZ", "towar": "TP", "t": "TP", "usługa": "UP",
                   "usluga": "UP", "u": "UP", "towar prosty": "TP", "usługa prosta": "UP", "towar złożony": "TZ",
                   "usługa złożona": "UZ"}


def item_type(value) -> str | None:
    raw = text(value, 20)
    if raw is None:
        return None
    found = ITEM_TYPE_WORDS.get(raw.casefold())
    if found is None:
        raise CellError(_("Typ pozycji musi być jednym z: TP, UP, TZ, UZ (albo „towar”, „usługa”), "
                          "a jest „{v}”.").format(v=raw))
    return found


PRICE_LIMIT_CODES = {0: "", 1: "min_margin", 2: "max_discount"}        # PIE-4


def price_limit_kind(value) -> str | None:
    if value == "" or value is None:
        return None
    try:
        n = number(value, Decimal(1))
    except CellError:
        n = None
    if n is None or int(n) not in PRICE_LIMIT_CODES or n != int(n):
        raise CellError(_("Granica ceny musi być liczbą 0 (brak), 1 (minimalna marża) albo 2 (maksymalny rabat), "
                          "a jest „{v}”.").format(v=shown(value)))
    return PRICE_LIMIT_CODES[int(n)]


def cn_code(value) -> str | None:
    raw = text(value, 20)
    if raw is None:
        return None
    compact = raw.replace(" ", "")
    if not (len(compact) == 8 and compact.isdigit()):
        raise CellError(_("Kod CN musi składać się z 8 cyfr, a jest „{v}”.").format(v=raw))
    return compact
