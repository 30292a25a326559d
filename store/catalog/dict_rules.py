"""Create / update / delete of every catalogue dictionary, with validation and "in use" refusals.

One generic engine over a registry of DictSpec (kind -> model, role rule, field checks, delete check):

    create_entry("unit", code="opak", name="opakowanie")
    update_entry("warehouse", wh_id, name="Sklep")
    delete_entry("goods_group", group_id)      # Refused with the reason when in use

Goods groups (tree), categories and attributes: store/catalog/dict_tree.py. The specs of the reference
dictionaries (producers, brands, CN codes, packaging schemes, offices, localities, banks,
currencies, rate types, VAT rates) are in store/catalog/dict_reference.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import peewee

from store.base import utcnow
from store.catalog.dictionaries import PRICE_KINDS, WAREHOUSE_KINDS, PaymentForm, PriceType, Unit, Warehouse
from store.catalog.models import Goods, GoodsPrice, GoodsUnit
from store.catalog.roles import ensure_may_edit
from store.catalog.usage import usage_reason
from store.db import write
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _

Check = Callable[[dict, "peewee.Model | None", dict], None]


@dataclass
class DictSpec:
    model: type
    what: str                                  # role rule key (store.catalog.roles)
    fields: tuple[str, ...]
    check: Check                               # (values, current or None, errors) -> None; may fix values
    delete_check: Callable[[peewee.Model], str | None] = lambda obj: None
    after_save: Callable[[peewee.Model], None] = lambda obj: None
    after_delete: Callable[[], None] = lambda: None
    sortable: tuple[str, ...] = ()
    defaults: dict = field(default_factory=dict)


REGISTRY: dict[str, DictSpec] = {}


def register(kind: str, spec: DictSpec) -> None:
    REGISTRY[kind] = spec


def spec_of(kind: str) -> DictSpec:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise NotFound(_("Nieznany słownik: {k}.").format(k=kind)) from None


def sortable_columns(kind: str) -> tuple[str, ...]:
    """Columns of the dictionary's list that have a (column, id) or unique index (list engine)."""
    return spec_of(kind).sortable


def _clean(spec: DictSpec, data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if key not in spec.fields:
            raise ValidationError({key: _("Nieznane pole: {f}.").format(f=key)})
        out[key] = value.strip() if isinstance(value, str) else value
    return out


def _unique(model, column: str, value, current, errors: dict, message: str, *, extra=None) -> None:
    cond = getattr(model, column) == value
    if extra is not None:
        cond &= extra
    if current is not None:
        cond &= model.id != current.id
    if value not in (None, "") and model.select().where(cond).exists():
        errors[column] = message


def create_entry(kind: str, /, **data) -> peewee.Model:
    spec = spec_of(kind)
    ensure_may_edit(spec.what)
    with write():
        values = {**spec.defaults, **_clean(spec, data)}
        errors: dict = {}
        spec.check(values, None, errors)
        if errors:
            raise ValidationError(errors)
        obj = spec.model.create(**values)
        spec.after_save(obj)
        return obj


def update_entry(kind: str, entry_id: int, /, **data) -> peewee.Model:
    spec = spec_of(kind)
    ensure_may_edit(spec.what)
    with write():
        obj = get_entry(kind, entry_id)
        values = {f: getattr(obj, spec.model._meta.fields[f].column_name if isinstance(
            spec.model._meta.fields[f], peewee.ForeignKeyField) else f) for f in spec.fields}
        values.update(_clean(spec, data))
        errors: dict = {}
        spec.check(values, obj, errors)
        if errors:
            raise ValidationError(errors)
        stamp = spec.model.stamp_names() if hasattr(spec.model, "stamp_names") else {"modified_at": utcnow()}
        stored = {f: getattr(obj, spec.model._meta.fields[f].column_name if isinstance(
            spec.model._meta.fields[f], peewee.ForeignKeyField) else f) for f in spec.fields}
        changed = {f: v for f, v in values.items() if v != stored[f]}   # only what changes is written (issue 16)
        spec.model.update(**changed, **stamp).where(spec.model.id == obj.id).execute()   # version + 1 (issue 16)
        obj = spec.model.get_by_id(obj.id)
        spec.after_save(obj)
        return obj


def delete_entry(kind: str, entry_id: int) -> None:
    spec = spec_of(kind)
    ensure_may_edit(spec.what)
    with write():
        obj = get_entry(kind, entry_id)
        reason = spec.delete_check(obj) or usage_reason(kind, obj.id)
        if reason:
            raise Refused(reason)
        obj.delete_instance()
        spec.after_delete()


def get_entry(kind: str, entry_id: int) -> peewee.Model:
    spec = spec_of(kind)
    obj = spec.model.get_or_none(spec.model.id == entry_id)
    if obj is None:
        raise NotFound(_("Nie znaleziono pozycji słownika."))
    return obj


def _required(values: dict, name: str, errors: dict, message: str, max_len: int | None = None) -> None:
    value = values.get(name) or ""
    if not value:
        errors[name] = message
    elif max_len and len(value) > max_len:
        errors[name] = _("Pole może mieć najwyżej {n} znaków.").format(n=max_len)


# --- units ------------------------------------------------------------------------------------------

def _check_unit(values, current, errors):
    _required(values, "code", errors, _("Podaj symbol jednostki."), 10)
    _unique(Unit, "code", values.get("code"), current, errors, _("Jednostka o tym symbolu już istnieje."))
    if current is not None and values["code"] != current.code and _unit_used(current.code):
        errors["code"] = _("Nie można zmienić symbolu jednostki używanej na kartach towarów.")


def _unit_used(code: str) -> bool:
    from store.catalog.dictionaries import CnCode
    return (Goods.select().where(Goods.unit == code).exists()
            or GoodsUnit.select().where(GoodsUnit.unit == code).exists()
            or CnCode.select().where(CnCode.supplementary_unit == code).exists())


register("unit", DictSpec(Unit, "dictionary", ("code", "name"), _check_unit,
                          lambda u: _("Nie można usunąć jednostki używanej na kartach towarów lub kodach CN.")
                          if _unit_used(u.code) else None, sortable=("code", "name")))

DEFAULT_UNITS = [("szt", "sztuka"), ("kg", "kilogram"), ("l", "litr"), ("m", "metr"), ("opak", "opakowanie"),
                 ("godz", "godzina"), ("kpl", "komplet"), ("t", "tona")]


def ensure_default_units() -> None:
    with write():
        for code, name in DEFAULT_UNITS:
            Unit.insert(code=code, name=name).on_conflict_ignore().execute()


# --- price types -----------------------------------------------------------------------------------

def _check_price_type(values, current, errors):
    _required(values, "name", errors, _("Podaj nazwę rodzaju ceny."), 40)
    _unique(PriceType, "name", values.get("name"), current, errors, _("Rodzaj ceny o tej nazwie już istnieje."))
    if values.get("kind") not in PRICE_KINDS:
        errors["kind"] = _("Rodzaj ceny musi być ceną zakupu albo sprzedaży.")
    if current is not None and not values.get("active", True) and current.active and \
            Warehouse.select().where(Warehouse.default_price_type == current.id).exists():
        errors["active"] = _("Rodzaj ceny jest ceną domyślną magazynu i nie może być nieaktywny.")  # WH-10
    if current is not None and values.get("gross") != current.gross and \
            GoodsPrice.select().where((GoodsPrice.price_type == current.id) & (GoodsPrice.net != 0)).exists():
        errors["gross"] = _("Nie można zmienić typu netto/brutto rodzaju ceny, który ma już ceny na kartach.")


def _price_type_saved(pt: PriceType) -> None:
    if pt.is_retail:
        PriceType.update(is_retail=False).where((PriceType.id != pt.id) & (PriceType.is_retail == True)).execute()  # noqa
    if pt.is_default:
        PriceType.update(is_default=False).where((PriceType.id != pt.id) & (PriceType.is_default == True)).execute()  # noqa
    _mirror_retail_prices()


def _price_type_delete(pt: PriceType) -> str | None:
    if Warehouse.select().where(Warehouse.default_price_type == pt.id).exists():
        return _("Nie można usunąć rodzaju ceny, który jest ceną domyślną magazynu.")
    if GoodsPrice.select().where((GoodsPrice.price_type == pt.id) & (GoodsPrice.net != 0)).exists():
        return _("Nie można usunąć rodzaju ceny, który ma ceny na kartach towarów.")
    GoodsPrice.delete().where(GoodsPrice.price_type == pt.id).execute()
    Goods.update(default_price_type=None).where(Goods.default_price_type == pt.id).execute()
    return None


def _mirror_retail_prices() -> None:
    """The retail type may have changed (flag, name, net/gross, a deleted type): the list's sort mirror."""
    from store.catalog.prices import mirror_retail

    mirror_retail()


register("price_type", DictSpec(PriceType, "price_types",
                                ("name", "kind", "gross", "position", "active", "is_default", "is_retail"),
                                _check_price_type, _price_type_delete, _price_type_saved,
                                after_delete=_mirror_retail_prices,
                                sortable=("name", "position"), defaults={"kind": "sale"}))


# --- warehouses (WH) ---------------------------------------------------------------------------------

def _check_warehouse(values, current, errors):
    _required(values, "symbol", errors, _("Podaj symbol magazynu."), 20)                         # WH-1
    _unique(Warehouse, "symbol", values.get("symbol"), current, errors, _("Magazyn o tym symbolu już istnieje."))
    if values.get("kind") not in WAREHOUSE_KINDS:
        errors["kind"] = _("Typ magazynu: lokalny, odległy, serwisowy albo mobilny.")
    if len(values.get("numbering_symbol") or "") > 5:
        errors["numbering_symbol"] = _("Symbol w numeracji może mieć najwyżej 5 znaków.")
    if current is not None and values.get("kind") != current.kind and usage_reason("warehouse", current.id):
        errors["kind"] = _("Nie można zmienić typu magazynu, w którym są już dokumenty.")         # WH-3
    if values.get("eu") and values.get("kind") != "remote":
        errors["eu"] = _("Magazyn UE może być tylko magazynem odległym.")                       # WH-7
    if values.get("eu") and len(values.get("country") or "") != 2:
        errors["country"] = _("Podaj kod kraju UE magazynu.")
    if not values.get("eu"):
        values["country"] = ""
    pt_id = values.get("default_price_type")
    pt_id = pt_id.id if hasattr(pt_id, "id") else pt_id
    values["default_price_type"] = pt_id
    if pt_id:
        pt = PriceType.get_or_none(PriceType.id == pt_id)
        if pt is None or not pt.active or pt.kind != "sale":
            errors["default_price_type"] = _("Cena domyślna magazynu musi być aktywną ceną sprzedaży.")
        elif values.get("kind") not in ("local", "service"):
            errors["default_price_type"] = _("Cenę domyślną ustawia się tylko dla magazynu lokalnego lub serwisowego.")
    if current is not None and current.is_main and not values.get("active", True):
        errors["active"] = _("Magazynu głównego nie można oznaczyć jako nieaktywny.")          # WH-12
    if current is not None and current.is_main and values.get("symbol") != current.symbol:
        errors["symbol"] = _("Magazyn główny: można zmienić tylko nazwę i opis.")


def _warehouse_delete(wh: Warehouse) -> str | None:
    if wh.is_main:
        return _("Nie można usunąć magazynu głównego.")                                          # WH-12
    if usage_reason("warehouse", wh.id):
        return _("Nie można usunąć magazynu, do którego wystawiono dokumenty.")                 # WH-13
    Goods.update(default_warehouse=None).where(Goods.default_warehouse == wh.id).execute()
    return None


register("warehouse", DictSpec(Warehouse, "warehouse",
                               ("symbol", "name", "kind", "active", "numbering_symbol", "description", "eu",
                                "country", "transaction_code", "default_price_type"),
                               _check_warehouse, _warehouse_delete, sortable=("symbol", "name"),
                               defaults={"kind": "local", "transaction_code": "34"}))


def ensure_main_warehouse() -> Warehouse:
    with write():
        wh = Warehouse.get_or_none(Warehouse.is_main == True)  # noqa: E712
        if wh is None:
            wh = Warehouse.get_or_none(Warehouse.symbol == "MAGAZYN") or Warehouse.create(
                symbol="MAGAZYN", name=_("Magazyn główny"))
            Warehouse.update(is_main=True).where(Warehouse.id == wh.id).execute()
        return Warehouse.get_by_id(wh.id)


# --- payment forms -----------------------------------------------------------------------------------

PAYMENT_KINDS = ("cash", "transfer", "card", "credit", "other", "cheque")   # a cheque is taken like cash (CASH-3)


def _check_payment_form(values, current, errors):
    _required(values, "name", errors, _("Podaj nazwę formy płatności."), 40)
    _unique(PaymentForm, "name", values.get("name"), current, errors, _("Forma płatności o tej nazwie już istnieje."))
    if values.get("kind") not in PAYMENT_KINDS:
        errors["kind"] = _("Rodzaj płatności: gotówka, przelew, karta, kredyt, czek albo inny.")
    if int(values.get("days") or 0) < 0:
        errors["days"] = _("Termin płatności nie może być ujemny.")


register("payment_form", DictSpec(PaymentForm, "payment_form", ("name", "kind", "days", "active"),
                                  _check_payment_form, sortable=("name",), defaults={"kind": "cash", "days": 0}))


def check_attribute_value(attr, value) -> str:
    from store.catalog.dict_tree import check_attribute_value as check
    return check(attr, value)


def _load_all_specs() -> None:
    from store.catalog import dict_reference, dict_tree  # noqa: F401  (they register their specs)


_load_all_specs()
