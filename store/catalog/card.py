"""What the goods card screen needs from the store: tabs by item type (ITM-1/2), defaults of a new
card (PRC-4, ITM-16, ITM-19), the data of every tab in one read, which fields the current database
may edit and why not (DICT-3), and the whole-quantity rule (ITM-19)."""
from __future__ import annotations

from decimal import Decimal

from store.catalog.dictionaries import GoodsGroup
from store.catalog.goods import (CARD_FIELDS, _FK_MODELS, default_group_id, goods_attributes, goods_groups, get_goods,
                                 main_group)
from store.catalog.goods_codes import goods_eans
from store.catalog.models import Goods, GoodsUnit
from store.catalog.prices import prices_table
from store.catalog.roles import BRANCH_EDITABLE_GOODS_FIELDS, catalog_edit_refusal
from store.config import VatRate
from store.errors import ValidationError
from store.i18n import _

# (tab id, Polish label, card fields on it). Stock/reservations/orders/substitutes: goods only.
TAB_FIELDS = {
    "general": ("Ogólne", ("code", "name", "item_type", "ean", "catalogue_number", "pkwiu", "group", "is_packaging",
                           "packaging_scheme", "cn_code", "vat_rate", "purchase_vat_rate", "mpp", "reverse_charge",
                           "default_price_type", "sales_category", "purchase_category", "unit", "integer_quantity",
                           "track_stock", "default_warehouse", "price_limit_kind", "price_limit_value")),
    "extra": ("Dodatkowe", ("copy_description", "allow_name_edit", "allow_description_edit", "external_price_list",
                            "active", "mass_kg", "producer", "brand", "service_cost_kind", "service_cost_value",
                            "kgo_value", "min_quantity", "max_quantity", "order_multiple", "supplier_code",
                            "supplier_item_code", "plu", "fiscal_name", "jpk_v7_code", "url", "description")),
    "units": ("Jednostki, EAN, VAT", ()),
    "attributes": ("Atrybuty", ()),
    "stock": ("Zasoby", ()),
    "reservations": ("Rezerwacje", ()),
    "orders": ("Zamówienia", ()),
    "groups": ("Grupy", ()),
    "substitutes": ("Zamienniki", ()),
    "sets": ("Zestawy", ()),
}
GOODS_ONLY_TABS = ("stock", "reservations", "orders", "substitutes")


def tabs(item_type: str) -> list[tuple[str, str]]:
    """ITM-1/ITM-2: (tab id, label) of a card of this type; services have no stock tabs."""
    service = item_type in ("UP", "UZ")
    return [(tab, _(label)) for tab, (label, _f) in TAB_FIELDS.items() if not (service and tab in GOODS_ONLY_TABS)]


def new_card_defaults(*, group_id: int | None = None, item_type: str = "TP") -> dict:
    """PRC-4: the group highlighted in the tree; ITM-16: VAT 23 %; ITM-19: unit szt."""
    vat = VatRate.get_or_none(VatRate.code == "23")
    group = GoodsGroup.get_or_none(GoodsGroup.id == group_id) if group_id else None
    return {"code": "", "name": "", "item_type": item_type, "unit": "szt",
            "vat_rate": vat.id if vat else None, "purchase_vat_rate": vat.id if vat else None,
            "group": (group or main_group()).id, "track_stock": item_type not in ("UP", "UZ"), "active": True}


def card_data(goods_id: int) -> dict:
    """Every tab's data in one read: fields, units (with ratio), EAN codes, prices, groups, attributes."""
    g = get_goods(goods_id)
    fields = {f: getattr(g, f + "_id") if f in _FK_MODELS else getattr(g, f) for f in CARD_FIELDS}
    fields.update(ean=g.ean, retail_price=g.retail_price, last_purchase_price=g.last_purchase_price,
                  is_service=g.is_service)
    units = [(u.unit, u.numerator, u.denominator, u.numerator / u.denominator)
             for u in GoodsUnit.select().where(GoodsUnit.goods == g.id).order_by(GoodsUnit.id)]
    default_group = default_group_id(g)
    return {"fields": fields, "units": units,
            "eans": [(e.ean, e.unit or g.unit, e.is_default, e.description) for e in goods_eans(g.id)],
            "prices": prices_table(g.id), "groups": [(x.id, x.code, x.id == default_group) for x in goods_groups(g.id)],
            "attributes": goods_attributes(g.id), "tabs": tabs(g.item_type),
            "meta": {"created_by": g.created_by, "modified_by": g.modified_by, "modified_at": g.modified_at,
                     "version": g.version}}


def editable_fields(goods_id: int | None = None) -> tuple[frozenset[str], str | None]:
    """(fields the user may change, why the others are read-only or None). New card in a branch:
    nothing, with the DICT-1 reason."""
    if goods_id is None:
        reason = catalog_edit_refusal("goods_new")
        return (frozenset() if reason else frozenset(CARD_FIELDS)), reason
    reason = catalog_edit_refusal("goods")
    if reason is None:
        return frozenset(CARD_FIELDS), None
    return BRANCH_EDITABLE_GOODS_FIELDS, reason


def check_quantity(goods: Goods | int, quantity) -> Decimal:
    """ITM-19: an item with *Format całkowity* accepts only whole quantities (in its base unit)."""
    g = goods if isinstance(goods, Goods) else get_goods(goods)
    quantity = Decimal(quantity)
    if g.integer_quantity and quantity != quantity.to_integral_value():
        raise ValidationError({"quantity": _("Towar można sprzedawać tylko w ilościach całkowitych.")})
    return quantity
