"""Goods groups (tree, GRP), categories (two levels, CAT) and attribute definitions/values (ATR)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from store.catalog.dict_rules import DictSpec, _required, _unique, register
from store.catalog.dictionaries import (ATTRIBUTE_FORMATS, ATTRIBUTE_KINDS, CATEGORY_KINDS, AttributeDef,
                                        AttributeValue, Category, GoodsGroup)
from store.catalog.models import Goods, GoodsAttribute, GoodsGroupLink
from store.catalog.roles import ensure_may_edit
from store.catalog.usage import usage_reason
from store.config import VatRate
from store.db import write
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _

# --- goods groups ---------------------------------------------------------------------------------


def _ancestors(group_id: int | None) -> list[int]:
    seen: list[int] = []
    while group_id is not None and group_id not in seen:
        seen.append(group_id)
        row = GoodsGroup.get_or_none(GoodsGroup.id == group_id)
        group_id = row.parent_id if row else None
    return seen


def _check_group(values, current, errors):
    from store.catalog.goods import main_group

    if current is not None and current.is_main:
        errors["code"] = _("Grupy głównej nie można zmieniać ani usuwać.")                        # GRP-4
        return
    _required(values, "code", errors, _("Podaj kod grupy towarowej."), 50)                         # GRP-2
    _unique(GoodsGroup, "code", values.get("code"), current, errors, _("Grupa o tym kodzie już istnieje."))
    parent = values.get("parent")
    parent = parent.id if hasattr(parent, "id") else parent
    if not parent:
        parent = main_group().id
    if not GoodsGroup.select().where(GoodsGroup.id == parent).exists():
        errors["parent"] = _("Grupa nadrzędna nie istnieje.")
    elif current is not None and current.id in _ancestors(parent):
        errors["parent"] = _("Grupa nie może być podgrupą samej siebie ani swojej podgrupy.")    # cycle
    values["parent"] = parent


def _group_delete(group: GoodsGroup) -> str | None:
    if group.is_main:
        return _("Grupy głównej nie można zmieniać ani usuwać.")
    if GoodsGroup.select().where(GoodsGroup.parent == group.id).exists() or \
            GoodsGroupLink.select().where(GoodsGroupLink.group == group.id).exists() or \
            Goods.select().where(Goods.group == group.id).exists():
        return _("Nie można usunąć grupy, do której są przypisane towary lub podgrupy.")          # GRP-3
    return None


register("goods_group", DictSpec(GoodsGroup, "groups", ("code", "name", "parent", "shop_order"), _check_group,
                                 _group_delete, sortable=("code", "name")))


def group_path(group_id: int) -> str:
    """ITM-47: the full path of a group, e.g. "GRUPA GŁÓWNA/NAPOJE/SOKI"."""
    codes = [GoodsGroup.get_by_id(g).code for g in _ancestors(group_id)]
    return "/".join(reversed(codes))


def group_subtree(group_id: int) -> list[int]:
    """The group and all its descendants (PRC-3 narrowing)."""
    result, frontier = [group_id], [group_id]
    while frontier:
        frontier = [g.id for g in GoodsGroup.select(GoodsGroup.id).where(GoodsGroup.parent.in_(frontier))]
        result.extend(frontier)
    return result


# --- categories -------------------------------------------------------------------------------------

def _check_category(values, current, errors):
    _required(values, "code", errors, _("Podaj kod kategorii."), 50)
    if values.get("kind") not in CATEGORY_KINDS:
        errors["kind"] = _("Typ kategorii: przychody albo koszty.")
    parent = values.get("parent")
    parent = parent.id if hasattr(parent, "id") else parent
    values["parent"] = parent or None
    if parent:
        p = Category.get_or_none(Category.id == parent)
        if p is None or p.parent_id is not None:
            errors["parent"] = _("Kategoria szczegółowa musi należeć do kategorii ogólnej.")       # CAT-1
        elif p.kind != values.get("kind"):
            values["kind"] = p.kind
        if current is not None and Category.select().where(Category.parent == current.id).exists():
            errors["parent"] = _("Kategoria ogólna z kategoriami szczegółowymi nie może stać się szczegółową.")
    cond = (Category.code == values.get("code")) & (
        Category.parent.is_null() if not values["parent"] else Category.parent == values["parent"])
    if current is not None:
        cond &= Category.id != current.id
    if values.get("code") and Category.select().where(cond).exists():
        errors["code"] = _("Kategoria o tym kodzie już istnieje na tym poziomie.")
    vat = values.get("vat_rate")
    values["vat_rate"] = vat.id if hasattr(vat, "id") else (vat or None)
    if values["vat_rate"] and not VatRate.select().where(VatRate.id == values["vat_rate"]).exists():
        errors["vat_rate"] = _("Wybrana stawka VAT nie istnieje.")
    if Decimal(values.get("budget") or 0) < 0:
        errors["budget"] = _("Budżet nie może być ujemny.")


def _category_delete(cat: Category) -> str | None:
    ids = [cat.id] + [c.id for c in Category.select(Category.id).where(Category.parent == cat.id)]
    for cid in ids:                                                                                 # CAT-9
        if usage_reason("category", cid) or Goods.select().where(
                (Goods.sales_category == cid) | (Goods.purchase_category == cid)).exists():
            return _("Nie można usunąć kategorii, ponieważ występuje na dokumentach.")
    return None


register("category", DictSpec(Category, "category", ("code", "parent", "kind", "description", "vat_rate", "budget",
                                                     "active"),
                              _check_category, _category_delete, sortable=("code", "description"),
                              defaults={"kind": "income"}))


# --- attributes ---------------------------------------------------------------------------------------

def _check_attribute(values, current, errors):
    _required(values, "code", errors, _("Podaj kod atrybutu."), 40)
    _unique(AttributeDef, "code", values.get("code"), current, errors, _("Atrybut o tym kodzie już istnieje."))
    if values.get("kind") not in ATTRIBUTE_KINDS:
        errors["kind"] = _("Rodzaj atrybutu: towaru, kontrahenta albo dokumentu.")
    if values.get("format") not in ATTRIBUTE_FORMATS:
        errors["format"] = _("Format atrybutu: tekst, liczba, lista, data albo binarny.")
    if values.get("format") == "binary":                                                      # ITM-40
        values["to_transaction"] = values["print_on_document"] = values["to_description"] = False
    if values.get("code_before_value") and not values.get("to_description"):
        errors["code_before_value"] = _("„Kod atrybutu przed wartością” wymaga „Dokleić do opisu elementu”.")
    if current is not None and values.get("format") != current.format and \
            GoodsAttribute.select().where(GoodsAttribute.attribute == current.id).exists():
        errors["format"] = _("Nie można zmienić formatu atrybutu, który został już użyty.")          # ATR-3


def _attribute_delete(attr: AttributeDef) -> str | None:
    if GoodsAttribute.select().where(GoodsAttribute.attribute == attr.id).exists():
        return _("Nie można usunąć atrybutu przypisanego do towarów.")
    return None


register("attribute", DictSpec(AttributeDef, "attribute",
                               ("code", "name", "kind", "format", "active", "per_contractor", "to_description",
                                "code_before_value", "to_transaction", "print_on_document"),
                               _check_attribute, _attribute_delete, sortable=("code", "name"),
                               defaults={"kind": "goods", "format": "text"}))


def add_attribute_value(attribute_id: int, value: str) -> AttributeValue:
    ensure_may_edit("attribute")
    value = (value or "").strip()
    with write():
        attr = AttributeDef.get_or_none(AttributeDef.id == attribute_id)
        if attr is None:
            raise NotFound(_("Nie znaleziono atrybutu."))
        if attr.format != "list":
            raise ValidationError({"value": _("Wartości do wyboru mają tylko atrybuty typu lista.")})
        if not value:
            raise ValidationError({"value": _("Podaj wartość atrybutu.")})
        if AttributeValue.select().where((AttributeValue.attribute == attr.id) & (AttributeValue.value == value)).exists():
            raise ValidationError({"value": _("Ta wartość już jest na liście.")})
        count = AttributeValue.select().where(AttributeValue.attribute == attr.id).count()
        return AttributeValue.create(attribute=attr.id, value=value, position=count)


LIST_CHANGE_QUESTION = ("Wprowadzone zmiany zostaną zastosowane również na kartach towarowych, na których "
                        "znajduje się ten atrybut. Czy chcesz kontynuować?")


def _used_value(row: AttributeValue):
    return GoodsAttribute.select().where((GoodsAttribute.attribute == row.attribute_id)
                                         & (GoodsAttribute.value == row.value))


def delete_attribute_value(value_id: int, *, confirmed: bool = False) -> int:
    """ATR-11: a value used on items is deleted only after the question (Refused carries it); then the
    attribute is removed from every item card that had that value. Returns the cards changed."""
    ensure_may_edit("attribute")
    with write():
        row = AttributeValue.get_or_none(AttributeValue.id == value_id)
        if row is None:
            raise NotFound(_("Nie znaleziono wartości atrybutu."))
        used = [r.id for r in _used_value(row)]
        if used and not confirmed:
            raise Refused(_(LIST_CHANGE_QUESTION))
        GoodsAttribute.delete().where(GoodsAttribute.id.in_(used)).execute()
        row.delete_instance()
        return len(used)


def rename_attribute_value(value_id: int, new_value: str, *, confirmed: bool = False) -> int:
    """ATR-11: a changed list value is updated on every item card (after the question)."""
    ensure_may_edit("attribute")
    new_value = (new_value or "").strip()
    with write():
        row = AttributeValue.get_or_none(AttributeValue.id == value_id)
        if row is None:
            raise NotFound(_("Nie znaleziono wartości atrybutu."))
        if not new_value:
            raise ValidationError({"value": _("Podaj wartość atrybutu.")})
        if new_value != row.value and AttributeValue.select().where(
                (AttributeValue.attribute == row.attribute_id) & (AttributeValue.value == new_value)).exists():
            raise ValidationError({"value": _("Ta wartość już jest na liście.")})
        used = [r.id for r in _used_value(row)]
        if used and not confirmed:
            raise Refused(_(LIST_CHANGE_QUESTION))
        GoodsAttribute.update(value=new_value).where(GoodsAttribute.id.in_(used)).execute()
        row.value = new_value
        row.save()
        return len(used)


def set_attributes_active(attribute_ids, active: bool) -> int:
    """ATR-6: mark the attributes inactive (or active again)."""
    ensure_may_edit("attribute")
    with write():
        return AttributeDef.update(active=bool(active)).where(AttributeDef.id.in_(list(attribute_ids))).execute()


def line_description(goods_id: int) -> str:
    """ATR-14: the description a document line gets: the item's description (when *Kopiuj opis na
    fakturę*), then the active attributes marked *Dokleić do opisu elementu*, sorted by code, each
    as "KOD value" with *Kod atrybutu przed wartością*, else the value alone."""
    goods = Goods.get_by_id(goods_id)
    parts = [goods.description] if goods.copy_description and goods.description else []
    rows = (GoodsAttribute.select(GoodsAttribute, AttributeDef).join(AttributeDef)
            .where((GoodsAttribute.goods == goods_id) & (AttributeDef.to_description == True)  # noqa: E712
                   & (AttributeDef.active == True) & (GoodsAttribute.value != ""))  # noqa: E712
            .order_by(AttributeDef.code, GoodsAttribute.position))
    for r in rows:
        parts.append(f"{r.attribute.code} {r.value}" if r.attribute.code_before_value else r.value)
    return "\n".join(parts)


def check_attribute_value(attr: AttributeDef, value) -> str:
    """The value normalised for the attribute's format, or ValidationError."""
    value = "" if value is None else str(value).strip()
    if not value:
        return ""
    if attr.format == "number":                                                             # ATR-1: 4 places
        try:
            return str(Decimal(value.replace(",", ".").replace(" ", "")).quantize(Decimal("0.0001")))
        except InvalidOperation:
            raise ValidationError({"value": _("Atrybut {a} wymaga liczby.").format(a=attr.code)}) from None
    if attr.format == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError({"value": _("Atrybut {a} wymaga daty RRRR-MM-DD.").format(a=attr.code)}) from None
    if attr.format == "list" and not AttributeValue.select().where(
            (AttributeValue.attribute == attr.id) & (AttributeValue.value == value)).exists():
        raise ValidationError({"value": _("Wartość „{v}” nie jest na liście wartości atrybutu {a}.").format(
            v=value, a=attr.code)})
    return value
