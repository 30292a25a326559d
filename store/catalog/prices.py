"""The prices table of an item (ITM-20..ITM-22): one row per price type, net and gross consistent,
margin kept in step with the price, automatic update from a new purchase price.

`goods_price` is the source of every price. `goods.retail_price` is only a mirror for sorting the
goods list: the gross price of the retail price type (PriceType.is_retail), 0 without such a row,
written by ONE function, `mirror_retail()`, which every writer of prices calls in its transaction (the
card, serial operations, the price-list import, the demo's bulk load, prices from HQ, price types).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from store.base import utcnow
from store.catalog import money
from store.catalog.dictionaries import PriceType
from store.catalog.models import Goods, GoodsPrice
from store.catalog.roles import ensure_may_edit
from store.config import VatRate, get_setting
from store.db import database, for_update, is_sqlite, run_write
from store.errors import NotFound, ValidationError
from store.i18n import _

DEFAULT_PRICE_TYPES = [  # (name, kind, gross, position, is_default, is_retail)
    ("detaliczna", "sale", True, 1, True, True),
    ("hurtowa 1", "sale", False, 2, False, False),
    ("hurtowa 2", "sale", False, 3, False, False),
    ("hurtowa 3", "sale", False, 4, False, False),
]


def margin_method() -> str:
    """Company setting `margin_method`: markup (od stu, default) or margin (w stu)."""
    value = get_setting("margin_method", "markup")
    return value if value in money.METHODS else "markup"


def price_places() -> int:
    """Company setting `price_precision` (2 or 4 decimals, PSO-19); 2 by default."""
    return 4 if get_setting("price_precision", "2") == "4" else 2


def ensure_default_price_types() -> None:
    run_write(_ensure_default_price_types)


def _ensure_default_price_types() -> None:
    for name, kind, gross, position, is_default, is_retail in DEFAULT_PRICE_TYPES:
        PriceType.insert(name=name, kind=kind, gross=gross, position=position, is_default=is_default,
                         is_retail=is_retail).on_conflict_ignore().execute()


def retail_price_type() -> PriceType | None:
    """The price type mirrored into goods.retail_price: the one flagged `is_retail`; a database whose
    price types predate the flag (demo) uses the gross sales type named "detaliczna", else the first
    gross sales type."""
    return pick_retail(list(PriceType.select().order_by(PriceType.position, PriceType.id)))


def pick_retail(types: list[PriceType]) -> PriceType | None:
    flagged = [p for p in types if p.is_retail]
    if flagged:
        return min(flagged, key=lambda p: p.id)
    gross = [p for p in types if p.kind == "sale" and p.gross]
    return next((p for p in gross if p.name.lower() == "detaliczna"), gross[0] if gross else None)


def is_retail_type(pt: PriceType) -> bool:
    retail = retail_price_type()
    return retail is not None and retail.id == pt.id


def vat_percent_of(goods: Goods, price_type: PriceType) -> Decimal:
    rate_id = goods.purchase_vat_rate_id if price_type.kind == "purchase" and goods.purchase_vat_rate_id \
        else goods.vat_rate_id
    return VatRate.get_by_id(rate_id).rate


@dataclass(frozen=True)
class PriceRow:
    """A row of the prices table shown by Shift+Insert on the card or the list (ITM-20/21)."""

    price_type_id: int | None       # None = the last purchase price row
    number: int
    name: str
    gross_declared: bool
    auto_update: bool
    margin: Decimal
    step: Decimal
    offset: Decimal
    net: Decimal
    gross: Decimal
    currency: str
    active: bool
    version: int = 0                # of the goods_price row (0: no row yet); set_price(version=) checks it


def prices_table(goods_id: int, *, include_inactive: bool = False) -> list[PriceRow]:
    goods = Goods.get_or_none(Goods.id == goods_id)
    if goods is None:
        raise NotFound(_("Nie znaleziono towaru."))
    have = {p.price_type_id: p for p in GoodsPrice.select().where(GoodsPrice.goods == goods_id)}
    rows = []
    query = PriceType.select().order_by(PriceType.position, PriceType.id)
    for pt in query:
        if not pt.active and not include_inactive:
            continue
        p = have.get(pt.id)
        zero = Decimal("0.0000")
        rows.append(PriceRow(pt.id, pt.position, pt.name, pt.gross, p.auto_update if p else False,
                             p.margin if p else Decimal("0.00"), p.step if p else zero, p.offset if p else zero,
                             p.net if p else zero, p.gross if p else zero, p.currency if p else "PLN", pt.active,
                             p.version if p else 0))
    if not goods.is_service:
        lp = goods.last_purchase_price
        vat = VatRate.get_by_id(goods.purchase_vat_rate_id or goods.vat_rate_id).rate
        rows.append(PriceRow(None, 0, _("ostatnia cena zakupu"), False, False, Decimal("0.00"), Decimal(0),
                             Decimal(0), lp, money.gross_from_net(lp, vat, price_places()), "PLN", True))
    return rows


MIRROR_CHUNK = 500
LOCK_CHUNK = 5000          # ids per SELECT … FOR UPDATE
TABLE_LOCK_FROM = 10_000   # more cards than this: lock_goods takes a table lock


def lock_goods(goods_ids: Iterable[int] | None) -> None:
    """PostgreSQL: lock the goods rows whose prices this transaction is about to read and write, in id
    order (every price writer takes them first, so two writers of one card queue instead of
    deadlocking). None locks the whole table against row changes (a change of every card's mirror).

    Why the mirror needs it: under READ COMMITTED an UPDATE that waited for another session's lock
    on a goods row re-checks that row with its OLD snapshot of `goods_price`, and would copy a price
    the other session had just replaced. A statement that starts after the lock is taken sees every
    committed price. SQLite's BEGIN IMMEDIATE already holds the only write lock (issue 16)."""
    if is_sqlite():
        return
    ids = None if goods_ids is None else sorted(set(goods_ids))
    if ids is None or len(ids) > TABLE_LOCK_FROM:
        # every card, or a bulk load: one table lock instead of locking each row (100,000 row locks took
        # 2.4 s on PostgreSQL); other sessions' writes of goods wait for this transaction's commit
        database.execute_sql('LOCK TABLE "goods" IN SHARE ROW EXCLUSIVE MODE')
        return
    for start in range(0, len(ids), LOCK_CHUNK):
        chunk = ids[start:start + LOCK_CHUNK]
        list(Goods.select(Goods.id).where(Goods.id.in_(chunk)).order_by(Goods.id).for_update().tuples())


def mirror_retail(goods_ids: Iterable[int] | None = None, *, operator: str | None = None) -> int:
    """THE writer of `goods.retail_price`: set it to the gross price of the retail price type in
    `goods_price` (0 when the card has no such row) for `goods_ids`, or for every card when None (bulk
    loads, a change of the retail price type). Call it inside the transaction that changed the prices.

    One UPDATE per chunk; only rows whose mirror differs are written, and those are stamped like every
    change of a card (version + 1, time, operator: `operator` when the caller names who made the change,
    as an import does, else the session's). Returns the number of cards written."""
    from store.base import utcnow

    retail = retail_price_type()
    p = "?" if is_sqlite() else "%s"
    source = (f'COALESCE((SELECT gp."gross" FROM "goods_price" gp WHERE gp."goods_id" = "goods"."id" '
              f'AND gp."price_type_id" = {p}), 0)')
    sets = [f'"retail_price" = {source}', f'"modified_at" = {p}', '"version" = "version" + 1']
    now = utcnow()
    params: list = [retail.id if retail else None, now.isoformat(" ") if is_sqlite() else now]
    who = operator if operator else Goods.stamp().get(Goods.modified_by)
    if who:
        sets.append(f'"modified_by" = {p}')
        params.append(who)
    sql = f'UPDATE "goods" SET {", ".join(sets)} WHERE "retail_price" <> {source}'
    params.append(params[0])
    ids = None if goods_ids is None else sorted(set(goods_ids))
    lock_goods(ids)
    if ids is None:
        return database.execute_sql(sql, params).rowcount
    written = 0
    for start in range(0, len(ids), MIRROR_CHUNK):
        chunk = ids[start:start + MIRROR_CHUNK]
        written += database.execute_sql(f'{sql} AND "id" IN ({", ".join([p] * len(chunk))})',
                                        params + chunk).rowcount
    return written


def _mirror_one(goods: Goods) -> None:
    """mirror_retail() for one card, keeping the loaded object in step with the stored row."""
    if mirror_retail([goods.id]):
        goods.retail_price, goods.version = Goods.select(Goods.retail_price, Goods.version) \
            .where(Goods.id == goods.id).tuples().first()


def _compute(goods: Goods, pt: PriceType, row: GoodsPrice, *, value=None, margin=None) -> None:
    """Fill net, gross and margin of `row` from the declared value or from the margin."""
    vat, places, method = vat_percent_of(goods, pt), price_places(), margin_method()
    purchase = goods.last_purchase_price
    if margin is not None:
        if purchase <= 0:
            raise ValidationError({"margin": _("Nie można wyliczyć ceny z marży: towar nie ma ceny zakupu.")})
        try:
            net = money.price_from_margin(purchase, margin, method, step=row.step, offset=row.offset, places=places)
        except ValueError:
            raise ValidationError({"margin": _("Marża liczona „w stu” musi być mniejsza niż 100%.")}) from None
        value = money.gross_from_net(net, vat, places) if pt.gross else net
    if value is None:
        value = row.gross if pt.gross else row.net
    value = Decimal(value)
    if value < 0:
        raise ValidationError({"price": _("Cena nie może być ujemna.")})
    row.net, row.gross = money.complete(value, gross=pt.gross, vat_percent=vat, places=places)
    if margin is not None:      # the user's target margin stays (rounding/offset do not make it drift)
        row.margin = money.q(margin, 2)
    else:
        row.margin = money.margin_of(row.net, purchase, method) if pt.kind == "sale" else Decimal(0)


def _row(goods: Goods, pt: PriceType) -> GoodsPrice:
    """The stored price row, locked (PostgreSQL), or a new unsaved one."""
    where = (GoodsPrice.goods == goods.id) & (GoodsPrice.price_type == pt.id)
    row = for_update(GoodsPrice.select().where(where)).first()
    return row or GoodsPrice(goods=goods.id, price_type=pt.id)


PRICE_VALUE_FIELDS = ("net", "gross", "currency", "margin", "auto_update", "step", "offset")


def _store_row(row: GoodsPrice) -> GoodsPrice:
    """Save a computed price row. A new one goes in as INSERT … ON CONFLICT (goods, price type) DO UPDATE:
    a session adding the same price meanwhile (a bulk import takes no goods lock) is overwritten in
    order, never a raw unique violation (issue 16)."""
    if row.id is not None:
        row.save()
        return row
    values = {GoodsPrice._meta.fields[f]: getattr(row, f) for f in PRICE_VALUE_FIELDS}
    GoodsPrice.insert(goods=row.goods_id, price_type=row.price_type_id, **{f.name: v for f, v in values.items()}) \
        .on_conflict(conflict_target=[GoodsPrice.goods, GoodsPrice.price_type],
                     update={**values, **GoodsPrice.stamp()}).execute()
    return GoodsPrice.get((GoodsPrice.goods == row.goods_id) & (GoodsPrice.price_type == row.price_type_id))


def set_price_in_tx(goods: Goods, pt: PriceType, *, value=None, margin=None, step=None, offset=None,
                    auto_update=None, currency=None) -> GoodsPrice:
    """Inside an open transaction (used by cards, serial operations and imports). Locks the goods row
    first (PostgreSQL), then the price row."""
    lock_goods([goods.id])
    row = _row(goods, pt)
    if step is not None:
        if Decimal(step) < 0:
            raise ValidationError({"step": _("Zaokrąglenie nie może być ujemne.")})
        row.step = Decimal(step)
    if offset is not None:
        row.offset = Decimal(offset)
    if auto_update is not None:
        row.auto_update = bool(auto_update)
    if currency is not None:
        code = (currency or "PLN").strip().upper()
        if len(code) != 3:
            raise ValidationError({"currency": _("Podaj trzyliterowy kod waluty (np. PLN, EUR).")})
        row.currency = code
    _compute(goods, pt, row, value=value, margin=margin)
    row = _store_row(row)
    if is_retail_type(pt):
        _mirror_one(goods)
    return row


def set_price(goods_id: int, price_type_id: int, *, value=None, margin=None, step=None, offset=None,
              auto_update=None, currency=None, version: int | None = None) -> GoodsPrice:
    """Set one price of an item: `value` in the declared column (net or gross) or `margin` (%).

    `version`: of the price row as the prices table showed it (0: no row then); when another session
    changed the price since, StaleRecord names who and when and nothing is written (issue 16).
    Changing the price recomputes the margin; changing the margin recomputes the price (ITM-21).
    """
    ensure_may_edit("prices", price_type_id=price_type_id)
    if value is not None and margin is not None:
        raise ValidationError({"price": _("Podaj cenę albo marżę, nie obie naraz.")})

    def change() -> GoodsPrice:
        goods = for_update(Goods.select().where(Goods.id == goods_id)).first()   # locked, then read
        pt = PriceType.get_or_none(PriceType.id == price_type_id)
        if goods is None or pt is None:
            raise NotFound(_("Nie znaleziono towaru lub rodzaju ceny."))
        if version is not None:
            _check_price_version(goods, pt, version)
        return set_price_in_tx(goods, pt, value=value, margin=margin, step=step, offset=offset,
                               auto_update=auto_update, currency=currency)
    return run_write(change)


def _check_price_version(goods: Goods, pt: PriceType, version: int) -> None:
    from store.base import local_time_text
    from store.errors import StaleRecord

    row = for_update(GoodsPrice.select().where((GoodsPrice.goods == goods.id)
                                               & (GoodsPrice.price_type == pt.id))).first()
    if (row.version if row else 0) != version:
        who = (row.modified_by if row else "") or _("inna sesja")
        raise StaleRecord(_("Cenę „{name}” zmienił w międzyczasie {who} ({when}) – nic nie zapisano. Zapisana "
                            "cena: {net} netto, {gross} brutto.").format(
            name=pt.name, who=who, when=local_time_text(row.modified_at if row else None),
            net=row.net if row else 0, gross=row.gross if row else 0),
            who=row.modified_by if row else "", when=row.modified_at if row else None)


def recompute_all_in_tx(goods: Goods, *, keep: str = "declared") -> None:
    """After a VAT rate change: keep net, gross or the declared column of every price (PSO-10)."""
    lock_goods([goods.id])
    for row in for_update(GoodsPrice.select().where(GoodsPrice.goods == goods.id).order_by(GoodsPrice.id)):
        pt = PriceType.get_by_id(row.price_type_id)
        vat, places = vat_percent_of(goods, pt), price_places()
        if keep == "net" or (keep == "declared" and not pt.gross):
            row.gross = money.gross_from_net(row.net, vat, places)
        else:
            row.net = money.net_from_gross(row.gross, vat, places)
        row.margin = money.margin_of(row.net, goods.last_purchase_price, margin_method()) \
            if pt.kind == "sale" else Decimal(0)
        row.save()
    _mirror_one(goods)


def set_purchase_price_in_tx(goods: Goods, net, *, update_prices: bool = True) -> list[tuple[str, Decimal, Decimal]]:
    """New purchase price (e.g. an approved FZ): store it; recompute every auto-update price (ITM-22).

    Returns (price type name, old, new) of each price recomputed. In a branch sales prices never
    change from a purchase (DICT-8), except the autonomous one (DICT-15).
    """
    from store.catalog.roles import autonomous_price_type_id, is_branch

    net = money.q(net, 4)
    if net < 0:
        raise ValidationError({"purchase_price": _("Cena zakupu nie może być ujemna.")})
    lock_goods([goods.id])
    Goods.update(last_purchase_price=net, modified_at=utcnow()).where(Goods.id == goods.id).execute()
    goods.last_purchase_price = net
    changed = []
    for row in for_update(GoodsPrice.select().where(GoodsPrice.goods == goods.id).order_by(GoodsPrice.id)):
        pt = PriceType.get_by_id(row.price_type_id)
        if pt.kind != "sale" or not pt.active:
            continue
        if update_prices and row.auto_update and (not is_branch() or pt.id == autonomous_price_type_id()):
            old = row.gross if pt.gross else row.net
            _compute(goods, pt, row, margin=row.margin)
            new = row.gross if pt.gross else row.net
            if new != old:
                changed.append((pt.name, old, new))
        elif not row.auto_update:  # the price stays, its margin follows the new purchase price
            row.margin = money.margin_of(row.net, net, margin_method())
        row.save()
    _mirror_one(goods)
    return changed


def set_purchase_price(goods_id: int, net, *, update_prices: bool = True) -> list[tuple[str, Decimal, Decimal]]:
    def change():
        goods = for_update(Goods.select().where(Goods.id == goods_id)).first()
        if goods is None:
            raise NotFound(_("Nie znaleziono towaru."))
        return set_purchase_price_in_tx(goods, net, update_prices=update_prices)
    return run_write(change)


def card_price(goods: Goods, price_type_id: int | None) -> tuple[PriceType | None, Decimal, Decimal, str]:
    """(price type, net, gross, currency) of one price of an item; zeros when the row is missing."""
    pt = PriceType.get_or_none(PriceType.id == price_type_id) if price_type_id else None
    if pt is None:
        return None, Decimal("0.0000"), Decimal("0.0000"), "PLN"
    row = GoodsPrice.get_or_none((GoodsPrice.goods == goods.id) & (GoodsPrice.price_type == pt.id))
    if row is None:
        return pt, Decimal("0.0000"), Decimal("0.0000"), "PLN"
    return pt, row.net, row.gross, row.currency
