"""Units and EAN codes of an item ([Jednostki, EAN, VAT]: ITM-6..9, ITM-33..37, PRC-6)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from store import validation
from store.base import utcnow
from store.catalog.dictionaries import Unit
from store.catalog.models import Goods, GoodsEan, GoodsUnit
from store.catalog.roles import ensure_may_edit
from store.config import get_setting
from store.db import write
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _


def ean_validation_on() -> bool:
    """Company setting `ean_validation` (Walidacja poprawności kodu EAN), on by default."""
    return get_setting("ean_validation", "1") in ("1", "true", "tak")


def check_ean(code: str, *, field: str = "ean") -> str:
    """ITM-8/ITM-36 (+OPEN): up to 40 characters; with validation on, all-digit codes of 8, 13 or 14
    digits must have a correct check digit (stdnum); other codes are internal and unchecked."""
    code = (code or "").strip().replace(" ", "")
    if len(code) > 40:
        raise ValidationError({field: _("Kod EAN może mieć najwyżej 40 znaków.")})
    if code and ean_validation_on() and code.isdigit() and len(code) in (8, 13, 14):
        code = validation.ean(code, field=field)
    return code


EAN_WRITES_LOCK = 0x46494C49_45414E        # "FILI" "EAN": one PostgreSQL advisory lock key


def lock_ean_writes() -> None:
    """ITM-9 across sessions: a default EAN lives on the goods row, which has no unique index, so
    "nobody else has this EAN" must be checked and written by one session at a time. On PostgreSQL
    every EAN writer takes this transaction-scoped lock before its check (it waits for a writer that
    has not committed yet, then sees its rows); on SQLite BEGIN IMMEDIATE already serialises writers."""
    from store.db import database, is_sqlite

    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (EAN_WRITES_LOCK,))


def _check_unique(code: str, goods_id: int) -> None:
    lock_ean_writes()
    other = (GoodsEan.select(GoodsEan, Goods).join(Goods).where(GoodsEan.ean == code).first())
    if other is not None and other.goods_id != goods_id:
        raise ValidationError({"ean": _("Kod EAN {ean} jest już przypisany do towaru {kod}.").format(
            ean=code, kod=other.goods.code)})                               # ITM-9
    if other is None:
        legacy = Goods.select().where((Goods.ean == code) & (Goods.id != goods_id)).first()
        if legacy is not None:
            raise ValidationError({"ean": _("Kod EAN {ean} jest już przypisany do towaru {kod}.").format(
                ean=code, kod=legacy.code)})


def _mirror_default(goods: Goods) -> None:
    row = GoodsEan.select().where((GoodsEan.goods == goods.id) & (GoodsEan.is_default == True)).first()  # noqa
    value = row.ean if row else ""
    if goods.ean != value:
        Goods.update(ean=value, modified_at=utcnow()).where(Goods.id == goods.id).execute()
        goods.ean = value


def _default_row_exists(goods_id: int) -> bool:
    return GoodsEan.select().where((GoodsEan.goods == goods_id) & (GoodsEan.is_default == True)).exists()  # noqa


def ensure_default_ean_in_tx(goods: Goods, *, drop_conflict: bool = False) -> None:
    """Bulk loaders (demo, price-list import) write the default EAN only to goods.ean, without its
    goods_barcode row. Before a writer edits the codes, give the card that row, so the edit works as on
    any card (and _mirror_default does not blank goods.ean). Call inside the writer's transaction.

    If another card's row holds the code (ITM-9 broken by a loader), the edit is refused, unless it
    removes or replaces this very code (`drop_conflict`): then the stale copy is cleared."""
    if not goods.ean or _default_row_exists(goods.id):
        return
    row = GoodsEan.get_or_none(GoodsEan.ean == goods.ean)
    if row is None:
        GoodsEan.create(goods=goods.id, ean=goods.ean, unit="", is_default=True)
    elif row.goods_id == goods.id:
        GoodsEan.update(is_default=True).where(GoodsEan.id == row.id).execute()
    elif drop_conflict:
        Goods.update(ean="", modified_at=utcnow()).where(Goods.id == goods.id).execute()
        goods.ean = ""
    else:
        raise ValidationError({"ean": _("Kod EAN {ean} jest już przypisany do towaru {kod}.").format(
            ean=goods.ean, kod=Goods.get_by_id(row.goods_id).code)})


def add_ean_in_tx(goods: Goods, code: str, *, unit: str = "", default: bool = False, description: str = "") -> GoodsEan:
    code = check_ean(code)
    if not code:
        raise ValidationError({"ean": _("Podaj kod EAN.")})
    if len(description or "") > 100:
        raise ValidationError({"description": _("Opis kodu EAN może mieć najwyżej 100 znaków.")})
    unit = (unit or "").strip()
    if unit and unit != goods.unit and not GoodsUnit.select().where(
            (GoodsUnit.goods == goods.id) & (GoodsUnit.unit == unit)).exists():
        raise ValidationError({"unit": _("Jednostka „{u}” nie jest jednostką tego towaru.").format(u=unit)})
    _check_unique(code, goods.id)
    ensure_default_ean_in_tx(goods)
    existing = GoodsEan.get_or_none((GoodsEan.goods == goods.id) & (GoodsEan.ean == code))
    has_default = _default_row_exists(goods.id)
    default = default or not has_default
    if default:
        GoodsEan.update(is_default=False).where(GoodsEan.goods == goods.id).execute()
    if existing:
        existing.unit, existing.description = "" if unit == goods.unit else unit, description
        existing.is_default = existing.is_default or default
        existing.save()
        row = existing
    else:
        row = GoodsEan.create(goods=goods.id, ean=code, unit="" if unit == goods.unit else unit,
                              is_default=default, description=description or "")
    _mirror_default(goods)
    return row


def add_ean(goods_id: int, code: str, *, unit: str = "", default: bool = False, description: str = "") -> GoodsEan:
    ensure_may_edit("goods")
    with write():
        goods = Goods.get_or_none(Goods.id == goods_id)
        if goods is None:
            raise NotFound(_("Nie znaleziono towaru."))
        return add_ean_in_tx(goods, code, unit=unit, default=default, description=description)


def set_default_ean(goods_id: int, code: str) -> None:
    ensure_may_edit("goods")
    with write():
        goods = Goods.get_by_id(goods_id)
        ensure_default_ean_in_tx(goods)
        row = GoodsEan.get_or_none((GoodsEan.goods == goods_id) & (GoodsEan.ean == code))
        if row is None:
            raise NotFound(_("Towar nie ma kodu EAN {ean}.").format(ean=code))
        GoodsEan.update(is_default=False).where(GoodsEan.goods == goods_id).execute()
        GoodsEan.update(is_default=True).where(GoodsEan.id == row.id).execute()
        _mirror_default(goods)


def delete_ean(goods_id: int, code: str) -> None:
    """Deleting the default code clears the card's EAN field too (ITM-36: one place changes the other)."""
    ensure_may_edit("goods")
    with write():
        goods = Goods.get_by_id(goods_id)
        ensure_default_ean_in_tx(goods, drop_conflict=code == goods.ean)
        GoodsEan.delete().where((GoodsEan.goods == goods_id) & (GoodsEan.ean == code)).execute()
        _mirror_default(goods)


def goods_eans(goods_id: int) -> list[GoodsEan]:
    """The card's codes, default first. A bulk-loaded card's default lives only in goods.ean: it is
    shown from there as an unsaved row (readers never write; writers materialise it)."""
    rows = list(GoodsEan.select().where(GoodsEan.goods == goods_id).order_by(GoodsEan.is_default.desc(), GoodsEan.id))
    if rows and rows[0].is_default:
        return rows
    goods = Goods.get_or_none(Goods.id == goods_id)
    if goods is None or not goods.ean:
        return rows
    default = next((r for r in rows if r.ean == goods.ean), None)
    if default is None:
        default = GoodsEan(goods=goods_id, ean=goods.ean, unit="", is_default=True, description="")
    else:
        rows.remove(default)
        default.is_default = True
    return [default] + rows


# --- auxiliary units ------------------------------------------------------------------------------

def _check_ratio(numerator, denominator) -> tuple[Decimal, Decimal]:
    n, d = Decimal(numerator), Decimal(denominator)
    if n <= 0 or d <= 0:
        raise ValidationError({"numerator": _("Licznik i mianownik przelicznika muszą być większe od zera.")})
    return n, d


def add_unit_in_tx(goods: Goods, unit: str, numerator, denominator=1) -> GoodsUnit:
    unit = (unit or "").strip()
    n, d = _check_ratio(numerator, denominator)
    if not Unit.select().where(Unit.code == unit).exists():
        raise ValidationError({"unit": _("Jednostka „{u}” nie istnieje w słowniku jednostek miary.").format(u=unit)})
    if unit == goods.unit:
        raise ValidationError({"unit": _("Jednostka podstawowa nie może być jednostką pomocniczą.")})
    if GoodsUnit.select().where((GoodsUnit.goods == goods.id) & (GoodsUnit.unit == unit)).exists():
        raise ValidationError({"unit": _("Jednostka „{u}” jest już na liście jednostek towaru.").format(u=unit)})  # ITM-33
    return GoodsUnit.create(goods=goods.id, unit=unit, numerator=n, denominator=d)


def add_unit(goods_id: int, unit: str, numerator, denominator=1) -> GoodsUnit:
    ensure_may_edit("goods")
    with write():
        return add_unit_in_tx(Goods.get_by_id(goods_id), unit, numerator, denominator)


def change_unit(goods_id: int, unit: str, numerator, denominator=1) -> GoodsUnit:
    ensure_may_edit("goods")
    n, d = _check_ratio(numerator, denominator)
    with write():
        row = GoodsUnit.get_or_none((GoodsUnit.goods == goods_id) & (GoodsUnit.unit == unit))
        if row is None:
            raise NotFound(_("Towar nie ma jednostki „{u}”.").format(u=unit))
        row.numerator, row.denominator = n, d
        row.save()
        return row


def delete_unit(goods_id: int, unit: str) -> None:
    """ITM-34: refused while an EAN code is bound to the unit."""
    ensure_may_edit("goods")
    with write():
        if GoodsEan.select().where((GoodsEan.goods == goods_id) & (GoodsEan.unit == unit)).exists():
            raise Refused(_("Nie można usunąć jednostki „{u}”, ponieważ jest powiązana z kodem EAN.").format(u=unit))
        GoodsUnit.delete().where((GoodsUnit.goods == goods_id) & (GoodsUnit.unit == unit)).execute()


def unit_factor(goods: Goods, unit: str) -> Decimal:
    """Base units in one `unit` (1 for the base unit). ITM-33: OPAK = 10/1 SZT -> 10."""
    if not unit or unit == goods.unit:
        return Decimal(1)
    row = GoodsUnit.get_or_none((GoodsUnit.goods == goods.id) & (GoodsUnit.unit == unit))
    if row is None:
        raise ValidationError({"unit": _("Towar {kod} nie ma jednostki „{u}”.").format(kod=goods.code, u=unit)})
    return row.numerator / row.denominator


@dataclass(frozen=True)
class EanHit:
    goods_id: int
    code: str
    unit: str          # the unit bound to the scanned code (base unit when none)
    factor: Decimal    # base units per that unit


def find_by_ean(code: str) -> EanHit | None:
    """PRC-6 / ITM-37: the item having `code` as default or additional EAN, and the bound unit."""
    code = (code or "").strip()
    if not code:
        return None
    row = GoodsEan.select(GoodsEan, Goods).join(Goods).where(GoodsEan.ean == code).first()
    if row is not None:
        unit = row.unit or row.goods.unit
        return EanHit(row.goods_id, row.goods.code, unit, unit_factor(row.goods, unit))
    goods = Goods.select().where(Goods.ean == code).first()          # rows bulk-inserted without goods_barcode
    return EanHit(goods.id, goods.code, goods.unit, Decimal(1)) if goods else None
