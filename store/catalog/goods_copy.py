"""Copying a card (Ctrl+Insert, PRC-13, ITM-53) and EAN generation from the company range (ITM-6/7)."""
from __future__ import annotations

from stdnum import ean as std_ean

from store.catalog import goods as goods_rules
from store.catalog.dictionaries import PriceType
from store.catalog.models import Goods, GoodsAttribute, GoodsEan, GoodsGroupLink, GoodsPrice, GoodsUnit
from store.catalog.roles import ensure_may_edit
from store.config import get_setting
from store.db import write
from store.errors import Refused
from store.i18n import _

# JPK_V7 goods codes and procedures a card may carry as its default (ITM-32).
JPK_V7_CODES = frozenset([f"GTU_{i:02d}" for i in range(1, 14)] + [
    "SW", "EE", "TP", "TT_WNT", "TT_D", "MR_T", "MR_UZ", "I_42", "I_63", "B_SPV", "B_SPV_DOSTAWA",
    "B_MPV_PROWIZJA", "MPP", "WSTO_EE", "IED"])


def copy_goods(goods_id: int, code: str, *, name: str | None = None, ean: str = "") -> Goods:
    """A new card from an existing one: fields, auxiliary units, groups, attributes and the
    ACTIVE prices (inactive prices are not copied, ITM-20/53). EAN codes are unique, so they are not
    copied; a new default EAN may be given."""
    ensure_may_edit("goods_new")
    with write():
        src = goods_rules.get_goods(goods_id)
        fields = {f: getattr(src, f + "_id") if f in goods_rules._FK_MODELS else getattr(src, f)
                  for f in goods_rules.CARD_FIELDS if f not in ("code", "ean")}
        fields.update(code=code, name=name if name is not None else src.name)
        if fields.get("fiscal_name") and get_setting("fiscal_name_unique", "0") in ("1", "true", "tak"):
            fields["fiscal_name"] = ""
        active = {pt.id for pt in PriceType.select().where(PriceType.active == True)}  # noqa: E712
        prices = {}
        for row in GoodsPrice.select().where((GoodsPrice.goods == src.id) & GoodsPrice.price_type.in_(active)):
            pt = PriceType.get_by_id(row.price_type_id)
            prices[pt.id] = row.gross if pt.gross else row.net
        new = goods_rules.create_goods(prices=prices, ean=ean, purchase_price=src.last_purchase_price, **fields)
        for row in GoodsPrice.select().where((GoodsPrice.goods == src.id) & GoodsPrice.price_type.in_(active)):
            GoodsPrice.update(margin=row.margin, auto_update=row.auto_update, step=row.step, offset=row.offset,
                              currency=row.currency).where((GoodsPrice.goods == new.id)
                                                           & (GoodsPrice.price_type == row.price_type_id)).execute()
        for u in GoodsUnit.select().where(GoodsUnit.goods == src.id):
            GoodsUnit.create(goods=new.id, unit=u.unit, numerator=u.numerator, denominator=u.denominator)
        for group in goods_rules.goods_groups(src.id):      # links and the default group (bulk cards)
            GoodsGroupLink.insert(goods=new.id, group=group.id).on_conflict_ignore().execute()
        for a in GoodsAttribute.select().where(GoodsAttribute.goods == src.id):
            GoodsAttribute.create(goods=new.id, attribute=a.attribute_id, value=a.value, position=a.position)
        return Goods.get_by_id(new.id)


def next_free_ean() -> str:
    """ITM-6/7: EAN-13 from the company range (setting `ean_prefix`, default 201).

    Setting `ean_fill_gaps` = 1 (range start 0 in the source) searches the lowest free code (gaps
    filled); otherwise the first code after the highest one used in the range."""
    prefix = get_setting("ean_prefix", "201") or "201"
    if not prefix.isdigit() or len(prefix) >= 12:
        raise Refused(_("Zakres kodów EAN w konfiguracji firmy jest nieprawidłowy."))
    width = 12 - len(prefix)
    used = {e for (e,) in GoodsEan.select(GoodsEan.ean).where(GoodsEan.ean.startswith(prefix)).tuples()}
    used |= {e for (e,) in Goods.select(Goods.ean).where(Goods.ean.startswith(prefix)).tuples()}
    bodies = sorted(int(e[len(prefix):12]) for e in used if len(e) == 13 and e.isdigit())
    if get_setting("ean_fill_gaps", "0") in ("1", "true", "tak"):
        n, taken = 1, set(bodies)
        while n in taken:
            n += 1
    else:
        n = (bodies[-1] + 1) if bodies else 1
    if n >= 10 ** width:
        raise Refused(_("Zakres kodów EAN jest wyczerpany."))
    body = prefix + str(n).zfill(width)
    return body + std_ean.calc_check_digit(body)
