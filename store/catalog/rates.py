"""Currency rates (RATE-5..RATE-7, CUR-3..CUR-5, DICT-25/26/29).

Manual entry and NBP imports write here; in a branch rates come only from HQ (synchronisation
applies them inside roles.hq_apply()), so manual entry and imports are refused there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from store.base import utcnow
from store.catalog import money
from store.catalog.dictionaries import Currency, CurrencyRate, RateType
from store.catalog.roles import ensure_may_edit
from store.db import write
from store.errors import NotFound, ValidationError
from store.i18n import _

DUPLICATE = "Kurs waluty dla tego typu i daty już istnieje."


def _currency(code) -> Currency:
    if isinstance(code, Currency):
        return code
    row = Currency.get_or_none(Currency.code == str(code).strip().upper())
    if row is None:
        raise NotFound(_("Waluta {c} nie istnieje w słowniku walut.").format(c=code))
    return row


def _rate_type(value) -> RateType:
    if isinstance(value, RateType):
        return value
    if value is None:
        row = RateType.get_or_none(RateType.is_default == True)  # noqa: E712
    elif isinstance(value, int):
        row = RateType.get_or_none(RateType.id == value)
    else:
        row = RateType.get_or_none(RateType.name == value)
    if row is None:
        raise NotFound(_("Nie znaleziono typu kursu."))
    return row


def _check(rate, units) -> tuple[Decimal, int]:
    errors = {}
    rate = Decimal(rate)
    if rate <= 0:
        errors["rate"] = _("Kurs musi być większy od zera.")                                    # RATE-6
    if int(units) < 1:
        errors["units"] = _("Liczba jednostek musi wynosić co najmniej 1.")
    if errors:
        raise ValidationError(errors)
    return rate, int(units)


def save_rate(currency, rate_type, on: date, rate, *, units: int = 1, table_no: str = "",
              source: str = "manual") -> CurrencyRate:
    """Enter the rate of a day by hand (RATE-1); a second rate for the same key is refused (RATE-5)."""
    ensure_may_edit("rates")
    rate, units = _check(rate, units)
    with write():
        cur, rt = _currency(currency), _rate_type(rate_type)
        if cur.code == "PLN":
            raise ValidationError({"currency": _("Dla waluty PLN nie wprowadza się kursu.")})
        if CurrencyRate.select().where((CurrencyRate.currency == cur.id) & (CurrencyRate.rate_type == rt.id)
                                       & (CurrencyRate.on == on)).exists():
            raise ValidationError({"on": _(DUPLICATE)})
        return CurrencyRate.create(currency=cur.id, rate_type=rt.id, on=on, rate=rate, units=units,
                                   table_no=table_no[:40], source=source)


def update_rate(rate_id: int, rate, *, units: int | None = None) -> CurrencyRate:
    ensure_may_edit("rates")
    with write():
        row = CurrencyRate.get_or_none(CurrencyRate.id == rate_id)
        if row is None:
            raise NotFound(_("Nie znaleziono kursu."))
        row.rate, row.units = _check(rate, units if units is not None else row.units)
        row.save()
        return row


def delete_rate(rate_id: int) -> None:
    ensure_may_edit("rates")
    with write():
        CurrencyRate.delete().where(CurrencyRate.id == rate_id).execute()


@dataclass
class RateImport:
    """Result of writing a published table: rates stored, codes absent from the table."""

    rate_type: str
    effective_date: date | None = None
    table_no: str = ""
    stored: list[tuple[str, Decimal]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def _scaled(value: Decimal) -> tuple[Decimal, int]:
    """A published rate with more than 4 decimals (NBP quotes HUF 0.010850 per 1 HUF) is kept exact
    as a rate per 100 units (1.0850 per 100 HUF, RATE-5: rate dec(4) per `units`)."""
    units = 1
    while value != value.quantize(Decimal("0.0001")) and units < 10000:
        value, units = value * 10, units * 10
    if units > 1 and units < 100:
        value, units = value * (100 // units), 100
    return value, units


def store_table(rate_type, effective: date, table_no: str, rates: dict[str, Decimal], *,
                currencies: list[str] | None = None, source: str = "nbp") -> RateImport:
    """Write one published table in one transaction: every wanted currency found gets its rate of
    `effective` (an existing one of the same key is replaced); the others are logged (RATE-3)."""
    ensure_may_edit("rates")
    result = RateImport(rate_type=str(rate_type), effective_date=effective, table_no=table_no)
    with write():
        rt = _rate_type(rate_type)
        result.rate_type = rt.name
        wanted = currencies or [c.code for c in Currency.select().where((Currency.active == True)  # noqa: E712
                                                                        & (Currency.code != "PLN"))]
        for code in sorted({c.upper() for c in wanted}):
            if code not in rates:
                result.missing.append(code)
                result.log.append(_("Waluty {c} nie ma w tabeli {t} NBP – kursu nie pobrano.").format(
                    c=code, t=rt.nbp_table or "?"))
                continue
            cur = Currency.get_or_none(Currency.code == code) or Currency.create(code=code)
            value, units = _scaled(Decimal(rates[code]))
            _check(value, units)
            CurrencyRate.insert(currency=cur.id, rate_type=rt.id, on=effective, rate=value, units=units,
                                table_no=table_no[:40], source=source).on_conflict(
                conflict_target=[CurrencyRate.currency, CurrencyRate.rate_type, CurrencyRate.on],
                update={CurrencyRate.rate: value, CurrencyRate.units: units, CurrencyRate.table_no: table_no[:40],
                        CurrencyRate.source: source, CurrencyRate.modified_at: utcnow(),
                        CurrencyRate.version: CurrencyRate.version + 1}).execute()
            result.stored.append((code, value / units))
    return result


def previous_working_day(day: date) -> date:
    """CUR-4/CUR-5: the day before; Saturday or Sunday -> Friday."""
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def rate_on(currency, on: date, rate_type=None, *, day_before: bool = False,
            last_known: bool = True) -> CurrencyRate | None:
    """The rate of a day (or of the working day before); without a rate that day, the last earlier
    rate when `last_known` (CUR-3, DICT-26), else None (the caller warns)."""
    cur, rt = _currency(currency), _rate_type(rate_type)
    day = previous_working_day(on) if day_before else on
    q = CurrencyRate.select().where((CurrencyRate.currency == cur.id) & (CurrencyRate.rate_type == rt.id))
    exact = q.where(CurrencyRate.on == day).first()
    if exact is not None or not last_known:
        return exact
    return q.where(CurrencyRate.on < day).order_by(CurrencyRate.on.desc()).first()


def to_pln(amount, rate: Decimal, units: int = 1) -> Decimal:
    """RATE-7: round_half_up(amount × rate / units, 2)."""
    return money.amount(Decimal(amount) * Decimal(rate) / Decimal(units))


def convert(value, from_code: str, to_code: str, on: date, *, places: int = 2, rate_type=None) -> Decimal:
    """A price in one currency expressed in another at the default rate type valid on `on` (the last
    known rate when that day has none, CUR-3), through PLN (ITM-21, DSC-15, PROMO element prices)."""
    from store.errors import Refused

    from_code, to_code = (from_code or "PLN").upper(), (to_code or "PLN").upper()
    value = Decimal(value)
    if from_code == to_code:
        return money.q(value, places)

    def rate(code: str) -> CurrencyRate:
        row = rate_on(code, on, rate_type)
        if row is None:
            raise Refused(_("Brak kursu waluty {c} na dzień {d}; wprowadź kurs albo pobierz tabelę NBP.").format(
                c=code, d=on.isoformat()))
        return row

    pln = value
    if from_code != "PLN":
        r = rate(from_code)
        pln = value * r.rate / r.units
    if to_code == "PLN":
        return money.q(pln, places)
    r = rate(to_code)
    return money.q(pln * r.units / r.rate, places)
