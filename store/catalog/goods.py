"""Goods card rules (ITM): create, update, copy-safe validation, delete; groups and attributes.

Units and EAN codes of a card: store.catalog.goods_codes. Prices: store.catalog.prices.
"""
from __future__ import annotations

from decimal import Decimal

from store.base import utcnow
from store.catalog import prices as price_rules
from store.catalog.dictionaries import (MAIN_GROUP_CODE, AttributeDef, Brand, Category, CnCode, GoodsGroup,
                                        PackagingScheme, PriceType, Producer, Unit, Warehouse)
from store.catalog.models import (ITEM_TYPES, PRICE_LIMIT_KINDS, REVERSE_CHARGE, Goods, GoodsAttribute, GoodsEan,
                                  GoodsGroupLink, GoodsPrice, GoodsUnit, PackagingSchemeItem)
from store.catalog.roles import ensure_may_edit
from store.catalog.usage import usage_reason
from store.config import VatRate
from store.db import for_update, write
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _

FORBIDDEN_CODE_CHARS = set("&<>'\"\\")      # ITM-5
SYSTEM_FIELDS = {"id", "guid", "gid", "modified_at", "exported", "confirmed", "from_remote", "realised_hq",
                 "to_cancel", "retail_price", "last_purchase_price", "is_service", "created_by", "modified_by",
                 "version"}   # the record version is the store's, never a card field (issue 16)
CARD_FIELDS = [f.name for f in Goods._meta.sorted_fields if f.name not in SYSTEM_FIELDS]
_FK_MODELS = {"vat_rate": VatRate, "purchase_vat_rate": VatRate, "group": GoodsGroup, "sales_category": Category,
              "purchase_category": Category, "default_price_type": PriceType, "default_warehouse": Warehouse,
              "producer": Producer, "brand": Brand, "packaging_scheme": PackagingScheme}


def main_group() -> GoodsGroup:
    """GRP-4: the main group, created on first use."""
    group = GoodsGroup.get_or_none(GoodsGroup.is_main == True)  # noqa: E712
    if group is None:
        group = GoodsGroup.create(code=MAIN_GROUP_CODE, name=_("Grupa główna"), is_main=True)
    return group


def main_group_id() -> int | None:
    """The main group's id without creating it (for readers): None before the first card."""
    row = GoodsGroup.select(GoodsGroup.id).where(GoodsGroup.is_main == True).first()  # noqa: E712
    return row.id if row else None


def default_group_id(goods: Goods) -> int | None:
    """ITM-12: the card's default group; NULL (demo cards) means the main group, as create_goods and
    update_goods store it. Read-only: None when there is no main group yet."""
    return goods.group_id or main_group_id()


def ensure_default_group_in_tx(goods: Goods) -> None:
    """Bulk loaders write the default group only to goods.group_id, without its goods_group_link row
    (the demo not even the group). Before a writer edits the card's groups, store both, so the edit
    works as on any card. Call inside the writer's transaction."""
    if goods.group_id is None:
        gid = main_group().id
        Goods.update(group=gid, modified_at=utcnow()).where(Goods.id == goods.id).execute()
        goods.group = gid
    if not GoodsGroupLink.select().where((GoodsGroupLink.goods == goods.id)
                                         & (GoodsGroupLink.group == goods.group_id)).exists():
        GoodsGroupLink.create(goods=goods.id, group=goods.group_id)


def _vat_id(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, VatRate):
        return value.id
    if isinstance(value, str) and not value.isdigit():
        row = VatRate.get_or_none(VatRate.code == value)
        return row.id if row else -1
    return int(value)


def _normalise(data: dict, errors: dict) -> dict:
    out = {}
    for key, value in data.items():
        if key not in CARD_FIELDS:
            raise ValidationError({key: _("Nieznane pole karty towaru: {f}.").format(f=key)})
        if key in _FK_MODELS:
            value = _vat_id(value) if _FK_MODELS[key] is VatRate else (
                value.id if hasattr(value, "id") else (int(value) if value not in (None, "") else None))
            if value is not None and not _FK_MODELS[key].select().where(_FK_MODELS[key].id == value).exists():
                errors[key] = _("Pole „{f}”: wybrana pozycja nie istnieje w słowniku.").format(f=key)
        elif isinstance(value, str):
            value = value.strip()
        out[key] = value
    return out


def _validate(values: dict, goods_id: int | None, errors: dict) -> None:
    code = values.get("code", "")
    if not code:
        errors["code"] = _("Podaj kod towaru.")
    elif set(code) & FORBIDDEN_CODE_CHARS:
        errors["code"] = _("Kod towaru zawiera niedozwolone znaki.")
    elif len(code) > 50:
        errors["code"] = _("Kod towaru może mieć najwyżej 50 znaków.")
    elif Goods.select().where((Goods.code == code) & (Goods.id != (goods_id or 0))).exists():
        errors["code"] = _("Towar o kodzie {code} już istnieje.").format(code=code)
    name = values.get("name", "")
    if not name:
        errors["name"] = _("Podaj nazwę towaru.")
    elif len(name) > 254:
        errors["name"] = _("Nazwa towaru może mieć najwyżej 254 znaki; dłuższy tekst wpisz w opisie.")
    if values.get("item_type") not in ITEM_TYPES:
        errors["item_type"] = _("Typ pozycji musi być jednym z: TP, UP, TZ, UZ.")
    if values.get("reverse_charge") not in REVERSE_CHARGE:
        errors["reverse_charge"] = _("Nieprawidłowe ustawienie odwrotnego obciążenia.")
    if values.get("price_limit_kind") not in PRICE_LIMIT_KINDS:
        errors["price_limit_kind"] = _("Nieprawidłowy rodzaj granicy ceny.")
    unit = values.get("unit", "")
    if not Unit.select().where(Unit.code == unit).exists():
        errors["unit"] = _("Jednostka „{u}” nie istnieje w słowniku jednostek miary.").format(u=unit)
    cn = values.get("cn_code", "")
    if cn and not (len(cn) == 8 and cn.isdigit()):
        errors["cn_code"] = _("Kod CN musi składać się z 8 cyfr.")
    jpk = values.get("jpk_v7_code", "")
    if jpk:
        from store.catalog.goods_copy import JPK_V7_CODES
        if jpk.upper() not in JPK_V7_CODES:
            errors["jpk_v7_code"] = _("Nieznany kod JPK_V7: {k}.").format(k=jpk)
        values["jpk_v7_code"] = jpk.upper()
    if len(values.get("plu", "")) > 18 or (values.get("plu") and not values["plu"].isdigit()):
        errors["plu"] = _("PLU to liczba o najwyżej 18 cyfrach.")
    if len(values.get("fiscal_name", "")) > 40:
        errors["fiscal_name"] = _("Nazwa fiskalna może mieć najwyżej 40 znaków.")
    if values.get("fiscal_name") and _setting_on("fiscal_name_unique") and Goods.select().where(
            (Goods.fiscal_name == values["fiscal_name"]) & (Goods.id != (goods_id or 0))).exists():
        errors["fiscal_name"] = _("W bazie istnieje już towar o nazwie fiskalnej: {nazwa}").format(
            nazwa=values["fiscal_name"])                                       # ITM-31
    for qty in ("mass_kg", "min_quantity", "max_quantity", "order_multiple", "kgo_value"):
        if Decimal(values.get(qty) or 0) < 0:
            errors[qty] = _("Wartość nie może być ujemna.")
    if values.get("brand") and values.get("producer"):
        brand = Brand.get_or_none(Brand.id == values["brand"])
        if brand and brand.producer_id and brand.producer_id != values["producer"]:
            errors["brand"] = _("Marka należy do innego producenta.")


def _setting_on(key: str, default: str = "0") -> bool:
    from store.config import get_setting
    return get_setting(key, default) in ("1", "true", "tak")


def card_warnings(values: dict) -> list[str]:
    """Warnings the card asks about before saving (the save still works): ITM-11."""
    from store.catalog.roles import is_branch

    vat_id = _vat_id(values.get("vat_rate"))
    rate = VatRate.get_or_none(VatRate.id == vat_id) if vat_id else None
    if rate is not None and rate.code.lower() == "zw" and not (values.get("pkwiu") or "").strip() \
            and not is_branch():                                              # DICT-4: relaxed in a branch
        return [_("Dla towaru ze stawką ZW należy podać numer PKWiU. Czy zapisać?")]
    return []


def _defaults() -> dict:
    vat = VatRate.get_or_none(VatRate.code == "23") or VatRate.select().order_by(VatRate.id).first()
    return {"code": "", "name": "", "unit": "szt", "item_type": "TP", "reverse_charge": "no", "price_limit_kind": "",
            "vat_rate": vat.id if vat else None, "cn_code": "", "plu": "", "fiscal_name": ""}


def create_goods(*, prices: dict[int, Decimal] | None = None, ean: str = "", purchase_price=None,
                 operator: str = "", **fields) -> Goods:
    """A new card (ITM). `prices` maps price type id -> value in its declared column; `operator` is
    the login recorded as who entered it (PIE-15)."""
    ensure_may_edit("goods_new")
    errors: dict = {}
    with write():
        values = {**_defaults(), **_normalise(fields, errors)}
        if values.get("cn_code") and "vat_rate" not in fields:              # ITM-15, CN-4
            cn = CnCode.get_or_none(CnCode.code == values["cn_code"])
            if cn and cn.vat_rate_id:
                values["vat_rate"] = cn.vat_rate_id
                values.setdefault("purchase_vat_rate", cn.vat_rate_id)
        values.setdefault("purchase_vat_rate", values.get("vat_rate"))
        if not values.get("purchase_vat_rate"):
            values["purchase_vat_rate"] = values.get("vat_rate")
        if not values.get("vat_rate"):
            errors["vat_rate"] = _("Wybierz stawkę VAT sprzedaży.")
        _validate(values, None, errors)
        if errors:
            raise ValidationError(errors)
        values["is_service"] = values["item_type"] in ("UP", "UZ")
        if values["is_service"]:
            values["track_stock"] = False
        if not values.get("group"):
            values["group"] = main_group().id
        goods = Goods.create(**values, created_by=operator, modified_by=operator)
        GoodsGroupLink.create(goods=goods.id, group=goods.group_id)
        if ean:
            from store.catalog.goods_codes import add_ean_in_tx
            add_ean_in_tx(goods, ean, default=True)
        if purchase_price is not None:
            price_rules.set_purchase_price_in_tx(goods, purchase_price, update_prices=False)
        for pt in PriceType.select().where(PriceType.active == True):       # noqa: E712  ITM-20
            value = (prices or {}).get(pt.id, Decimal(0))
            price_rules.set_price_in_tx(goods, pt, value=value)
        for pt_id in (prices or {}):
            if not PriceType.select().where((PriceType.id == pt_id) & (PriceType.active == True)).exists():  # noqa
                raise ValidationError({"prices": _("Rodzaj ceny nie istnieje albo jest nieaktywny.")})
        return Goods.get_by_id(goods.id)


def get_goods(goods_id: int) -> Goods:
    goods = Goods.get_or_none(Goods.id == goods_id)
    if goods is None:
        raise NotFound(_("Nie znaleziono towaru."))
    return goods


def update_goods(goods_id: int, *, operator: str = "", **changes) -> Goods:
    """Change card fields. In a branch only DICT-3 fields may change (Refused otherwise). `operator`
    is recorded as who changed the card last (PIE-15)."""
    ensure_may_edit("goods", fields=set(changes))
    errors: dict = {}
    new_ean = changes.pop("ean", None)
    with write():
        goods = for_update(Goods.select().where(Goods.id == goods_id)).first()    # locked, then read (issue 16)
        if goods is None:
            raise NotFound(_("Nie znaleziono towaru."))
        changes = _normalise(changes, errors)
        if "group" in changes:          # the old default group stays linked, as on any card
            ensure_default_group_in_tx(goods)
        values = {f: getattr(goods, f + "_id") if f in _FK_MODELS else getattr(goods, f) for f in CARD_FIELDS}
        values.update(changes)
        if "item_type" in changes and changes["item_type"] != goods.item_type:
            reason = usage_reason("goods", goods.id)
            if reason:                                                        # ITM-13
                raise Refused(_("Nie można zmienić typu pozycji, która występuje na dokumentach."))
        if "unit" in changes and GoodsUnit.select().where((GoodsUnit.goods == goods.id)
                                                           & (GoodsUnit.unit == changes["unit"])).exists():
            errors["unit"] = _("Jednostka „{u}” jest już jednostką pomocniczą tego towaru.").format(u=changes["unit"])
        if "group" in changes and not changes["group"]:
            values["group"] = main_group().id
        _validate(values, goods.id, errors)
        if errors:
            raise ValidationError(errors)
        values["is_service"] = values["item_type"] in ("UP", "UZ")
        if values["is_service"]:
            values["track_stock"] = False
        vat_changed = values["vat_rate"] != goods.vat_rate_id or values["purchase_vat_rate"] != goods.purchase_vat_rate_id
        stamp = {**Goods.stamp_names(), **({"modified_by": operator} if operator else {})}  # version + 1 (issue 16)
        stored = {f: getattr(goods, f + "_id") if f in _FK_MODELS else getattr(goods, f) for f in values}
        # only what changes is written: a field another session changed meanwhile is never sent back
        Goods.update(**{f: v for f, v in values.items() if v != stored[f]}, **stamp).where(Goods.id == goods.id).execute()
        goods = Goods.get_by_id(goods.id)
        if values["group"] and not GoodsGroupLink.select().where(
                (GoodsGroupLink.goods == goods.id) & (GoodsGroupLink.group == values["group"])).exists():
            GoodsGroupLink.create(goods=goods.id, group=values["group"])
        if vat_changed:
            price_rules.recompute_all_in_tx(goods, keep="declared")
        if new_ean is not None and new_ean.strip() != goods.ean:     # ITM-36: one place changes the other
            from store.catalog.goods_codes import _mirror_default, add_ean_in_tx, ensure_default_ean_in_tx
            ensure_default_ean_in_tx(goods, drop_conflict=True)      # the old default is replaced or cleared
            if new_ean.strip():
                add_ean_in_tx(goods, new_ean, default=True)
            else:
                GoodsEan.delete().where((GoodsEan.goods == goods.id) & (GoodsEan.is_default == True)).execute()  # noqa
                _mirror_default(goods)
            goods = Goods.get_by_id(goods.id)
        return goods


def delete_goods(goods_id: int) -> None:
    """PRC-12: only when the item is on no document; also not in a set or a packaging scheme."""
    ensure_may_edit("goods_new")
    with write():
        goods = get_goods(goods_id)
        reason = usage_reason("goods", goods.id)
        if reason:
            raise Refused(_("Nie można usunąć towaru, ponieważ występuje na dokumentach."))
        if PackagingSchemeItem.select().where(PackagingSchemeItem.package == goods.id).exists():
            raise Refused(_("Nie można usunąć towaru, ponieważ jest opakowaniem w schemacie opakowań."))
        from store.catalog.promotions import goods_in_sets
        sets = goods_in_sets(goods.id)
        if sets:                                                              # PROMO-12
            raise Refused(_("Nie można usunąć towaru, ponieważ występuje w zestawach promocyjnych: {s}. "
                            "Usuń go z zestawów albo usuń zestawy.").format(s=", ".join(sets)))
        for model in (GoodsPrice, GoodsEan, GoodsUnit, GoodsGroupLink, GoodsAttribute):
            model.delete().where(model.goods == goods.id).execute()
        goods.delete_instance()


# --- groups of an item ([Grupy], ITM-47, GRP-1) -----------------------------------------------------

def add_goods_group(goods_id: int, group_id: int) -> None:
    ensure_may_edit("groups")
    with write():
        ensure_default_group_in_tx(get_goods(goods_id))
        GoodsGroupLink.insert(goods=goods_id, group=group_id).on_conflict_ignore().execute()


def remove_goods_group(goods_id: int, group_id: int) -> None:
    ensure_may_edit("groups")
    with write():
        goods = get_goods(goods_id)
        ensure_default_group_in_tx(goods)
        if goods.group_id == group_id:
            raise Refused(_("Nie można usunąć grupy domyślnej towaru."))
        GoodsGroupLink.delete().where((GoodsGroupLink.goods == goods_id) & (GoodsGroupLink.group == group_id)).execute()


def goods_groups(goods_id: int) -> list[GoodsGroup]:
    """The linked groups and the default group, which a bulk-loaded card has only on its row."""
    linked = GoodsGroupLink.select(GoodsGroupLink.group).where(GoodsGroupLink.goods == goods_id)
    goods = Goods.get_or_none(Goods.id == goods_id)
    default = default_group_id(goods) if goods else None
    where = GoodsGroup.id.in_(linked) | (GoodsGroup.id == default) if default else GoodsGroup.id.in_(linked)
    return list(GoodsGroup.select().where(where).order_by(GoodsGroup.code))


# --- attributes of an item ([Atrybuty], ITM-39) ------------------------------------------------------

def set_goods_attribute_in_tx(goods: Goods, attribute: AttributeDef, value: str) -> None:
    from store.catalog.dict_rules import check_attribute_value

    if attribute.kind != "goods":
        raise ValidationError({"attribute": _("Atrybut {a} nie jest atrybutem towaru.").format(a=attribute.code)})
    if not attribute.active:                                                                  # ATR-5
        raise ValidationError({"attribute": _("Atrybut {a} jest nieaktywny.").format(a=attribute.code)})
    value = check_attribute_value(attribute, value)
    row = GoodsAttribute.get_or_none((GoodsAttribute.goods == goods.id) & (GoodsAttribute.attribute == attribute.id))
    if row is None:
        last = GoodsAttribute.select().where(GoodsAttribute.goods == goods.id).count()
        GoodsAttribute.create(goods=goods.id, attribute=attribute.id, value=value, position=last)
    else:
        row.value = value
        row.save()


def set_goods_attribute(goods_id: int, attribute_id: int, value: str = "") -> None:
    ensure_may_edit("goods")
    with write():
        attribute = AttributeDef.get_or_none(AttributeDef.id == attribute_id)
        if attribute is None:
            raise NotFound(_("Nie znaleziono atrybutu."))
        set_goods_attribute_in_tx(get_goods(goods_id), attribute, value)


def remove_goods_attribute(goods_id: int, attribute_id: int) -> None:
    ensure_may_edit("goods")
    with write():
        GoodsAttribute.delete().where((GoodsAttribute.goods == goods_id)
                                      & (GoodsAttribute.attribute == attribute_id)).execute()


def goods_attributes(goods_id: int) -> list[tuple[str, str]]:
    rows = (GoodsAttribute.select(GoodsAttribute, AttributeDef).join(AttributeDef)
            .where(GoodsAttribute.goods == goods_id).order_by(GoodsAttribute.position, GoodsAttribute.id))
    return [(r.attribute.code, r.value) for r in rows]
