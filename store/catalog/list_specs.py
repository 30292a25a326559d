"""The catalogue dictionaries as registry lists and simple forms (the store side of the screens).

    DICTIONARIES                      key -> DictView (title, dict_rules kind, columns, form fields)
    dictionary_list(key)              ListSpec of the list engine
    form_fields(key)                  [(name, Polish label, widget kind, choices)] of the form
    form_values(key, entry_id|None)   values as the widgets hold them (text, bool, choice value)
    save_form(key, entry_id, values)  create/update through store.catalog.dict_rules (or rates)
    delete_form(key, entry_id)        delete with the "in use" refusal
    edit_refusal(key)                 why this database may not change the dictionary (None = may)

Goods groups are shown as a list with the parent group and the full path on the form (GRP);
attribute values (list-type attributes) are a grid of the attribute form (ATR).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable

import peewee

from store.catalog import dict_rules, rates as rate_rules
from store.catalog.dictionaries import (AttributeDef, AttributeValue, Bank, Brand, Category, CnCode, Currency,
                                        CurrencyRate, GoodsGroup, Locality, PackagingScheme, PaymentForm, PriceType,
                                        Producer, RateType, TaxOffice, Unit, Warehouse)
from store.catalog.roles import catalog_edit_refusal
from store.config import VatRate
from store.errors import ValidationError
from store.i18n import _
from store.paging import ListColumn, ListSpec

LABELS = {
    "code": "Kod", "name": "Nazwa", "symbol": "Symbol", "description": "Opis", "active": "Aktywny",
    "kind": "Rodzaj", "gross": "Cena brutto", "position": "Kolejność", "is_default": "Domyślny",
    "is_retail": "Cena detaliczna (na liście)", "numbering_symbol": "Symbol w numeracji", "eu": "Magazyn w UE",
    "country": "Kraj (kod)", "transaction_code": "Kod transakcji", "default_price_type": "Domyślny rodzaj ceny",
    "parent": "Grupa/kategoria nadrzędna", "shop_order": "Kolejność w sklepie", "vat_rate": "Stawka VAT",
    "budget": "Budżet", "format": "Format", "per_contractor": "Wartość zależna od kontrahenta",
    "to_description": "Dopisywać do opisu", "code_before_value": "Kod przed wartością",
    "to_transaction": "Przenosić na transakcje", "print_on_document": "Drukować na dokumencie",
    "days": "Termin (dni)", "url": "Adres WWW", "producer": "Producent", "vat_flag": "Rodzaj opodatkowania",
    "supplementary_unit": "Jednostka uzupełniająca", "mass": "Masa wymagana", "sent": "Towar wrażliwy (SENT)",
    "sent_code": "Kod SENT", "sent_unit": "Jednostka SENT", "office_code": "Kod urzędu", "street": "Ulica",
    "building": "Numer domu", "city": "Miejscowość", "postal_code": "Kod pocztowy", "iban": "Rachunek",
    "commune": "Gmina", "county": "Powiat", "province": "Województwo", "sort_code": "Numer rozliczeniowy",
    "swift": "SWIFT", "account": "Rachunek banku", "nbp_table": "Tabela NBP", "nbp_side": "Kurs z tabeli C",
    "rate": "Stawka / kurs", "valid_from": "Obowiązuje od", "valid_to": "Obowiązuje do", "currency": "Waluta",
    "rate_type": "Typ kursu", "on": "Data kursu", "units": "Za jednostek", "table_no": "Numer tabeli",
    "source": "Źródło",
}
ENUMS: dict[str, list[tuple[str, object]]] = {
    "price_type.kind": [("sprzedaży", "sale"), ("zakupu", "purchase")],
    "warehouse.kind": [("lokalny", "local"), ("odległy", "remote"), ("serwisowy", "service"), ("mobilny", "mobile")],
    "category.kind": [("przychody", "income"), ("koszty", "cost")],
    "attribute.kind": [("towar", "goods"), ("kontrahent", "contractor"), ("dokument", "document")],
    "attribute.format": [("tekst", "text"), ("liczba", "number"), ("lista", "list"), ("data", "date"),
                         ("binarny", "binary")],
    "payment_form.kind": [("gotówka", "cash"), ("przelew", "transfer"), ("karta", "card"), ("kredyt", "credit"),
                          ("inna", "other"), ("czek", "cheque")],
    "tax_office.kind": [("urząd skarbowy", "tax"), ("ZUS", "zus"), ("urząd celny", "customs"), ("inny", "other")],
    "rate_type.nbp_table": [("(kurs wprowadzany ręcznie)", ""), ("A", "A"), ("B", "B"), ("C", "C")],
    "rate_type.nbp_side": [("średni", "mid"), ("kupna", "bid"), ("sprzedaży", "ask")],
    "cn_code.vat_flag": [("zwolniony", 1), ("opodatkowany", 2), ("obniżona stawka", 3), ("nie podlega", 4)],
}


def _yes(v) -> str:
    return _("Tak") if v else ""


def _num(v) -> str:
    return "" if v is None else format(Decimal(v).normalize(), "f").replace(".", ",")


@dataclass
class DictView:
    key: str                          # list key in the TUI registry, e.g. "units"
    kind: str                         # store.catalog.dict_rules kind ("rates" for currency rates)
    title: str
    model: type
    columns: list[tuple[str, int]]    # (field, width)
    search: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()      # form fields (default: the dict_rules spec's fields)
    what: str = "dictionary"          # role rule (store.catalog.roles) when kind is not a dict_rules kind
    joins: Callable | None = None
    extra_columns: dict[str, object] = field(default_factory=dict)  # name -> peewee expression


def _parent_code(model):
    parent = model.alias()
    return parent.select(parent.code).where(parent.id == model.parent)


DICTIONARIES: dict[str, DictView] = {v.key: v for v in [
    DictView("goods_groups", "goods_group", "Grupy towarowe", GoodsGroup, [("code", 24), ("name", 40), ("parent", 24)],
             ("code", "name"), extra_columns={"parent": lambda: _parent_code(GoodsGroup)}),
    DictView("categories", "category", "Kategorie", Category, [("code", 24), ("description", 40), ("kind", 10),
                                                               ("parent", 20)],
             ("code", "description"), extra_columns={"parent": lambda: _parent_code(Category)}),
    DictView("attributes", "attribute", "Atrybuty", AttributeDef, [("code", 20), ("name", 36), ("kind", 12),
                                                                   ("format", 8), ("active", 8)], ("code", "name")),
    DictView("units", "unit", "Jednostki miary", Unit, [("code", 12), ("name", 40)], ("code", "name")),
    DictView("vat_rates", "vat_rate", "Stawki VAT", VatRate, [("code", 8), ("rate", 8), ("name", 30),
                                                             ("valid_from", 12), ("valid_to", 12), ("active", 8)],
             ("code", "name")),
    DictView("price_types", "price_type", "Rodzaje cen", PriceType, [("name", 24), ("position", 6), ("kind", 10),
                                                                    ("gross", 8), ("active", 8)], ("name",)),
    DictView("payment_forms", "payment_form", "Formy płatności", PaymentForm, [("name", 30), ("kind", 12),
                                                                              ("days", 6), ("active", 8)], ("name",)),
    DictView("warehouses", "warehouse", "Magazyny", Warehouse, [("symbol", 14), ("name", 40), ("kind", 10),
                                                               ("active", 8)], ("symbol", "name")),
    DictView("currencies", "currency", "Waluty", Currency, [("code", 8), ("name", 40), ("active", 8)], ("code", "name")),
    DictView("rate_types", "rate_type", "Typy kursów walut", RateType, [("name", 30), ("nbp_table", 10),
                                                                        ("nbp_side", 10), ("is_default", 9)], ("name",)),
    DictView("currency_rates", "rates", "Kursy walut", CurrencyRate, [("on", 12), ("currency", 8), ("rate_type", 20),
                                                                      ("rate", 12), ("units", 6), ("table_no", 20),
                                                                      ("source", 8)],
             ("table_no",), fields=("currency", "rate_type", "on", "rate", "units"), what="rates",
             joins=lambda q: q.join(Currency, on=(CurrencyRate.currency == Currency.id)).switch(CurrencyRate)
             .join(RateType, on=(CurrencyRate.rate_type == RateType.id)),
             extra_columns={"currency": lambda: Currency.code, "rate_type": lambda: RateType.name}),
    DictView("banks", "bank", "Banki", Bank, [("code", 14), ("name", 40), ("sort_code", 10), ("city", 20)],
             ("code", "name", "sort_code")),
    DictView("tax_offices", "tax_office", "Urzędy", TaxOffice, [("code", 16), ("name", 40), ("kind", 14),
                                                               ("city", 20)], ("code", "name", "city")),
    DictView("localities", "locality", "Miejscowości", Locality, [("name", 30), ("postal_code", 8), ("commune", 20),
                                                                  ("province", 20)], ("name", "postal_code")),
    DictView("cn_codes", "cn_code", "Kody CN", CnCode, [("code", 10), ("description", 50), ("vat_flag", 12)],
             ("code", "description")),
    DictView("packaging_schemes", "packaging_scheme", "Schematy opakowań", PackagingScheme,
             [("code", 20), ("name", 40)], ("code", "name")),
    DictView("producers", "producer", "Producenci", Producer, [("code", 20), ("name", 40), ("url", 30)],
             ("code", "name")),
    DictView("brands", "brand", "Marki", Brand, [("name", 30), ("producer", 20)], ("name",),
             extra_columns={"producer": lambda: Producer.select(Producer.code).where(Producer.id == Brand.producer)}),
]}


def _model_field(view: DictView, name: str):
    return view.model._meta.fields.get(name)


def _is_text(f) -> bool:
    return isinstance(f, (peewee.CharField, peewee.TextField))


def _sortable(view: DictView) -> tuple[str, ...]:
    if view.kind == "rates":
        return ("on",)
    return dict_rules.sortable_columns(view.kind)


def _format_of(view: DictView, name: str):
    enum = ENUMS.get(f"{view.kind}.{name}")
    if enum:
        labels = {v: _(lbl) for lbl, v in enum}
        return lambda v: labels.get(v, "" if v is None else str(v))
    f = _model_field(view, name)
    if isinstance(f, peewee.BooleanField):
        return _yes
    if f is not None and f.__class__.__name__ in ("PercentField", "PriceField", "MoneyField", "QuantityField"):
        return _num
    if isinstance(f, peewee.DateField):
        return lambda v: "" if v is None else str(v)
    return None


def dictionary_list(key: str) -> ListSpec:
    view = DICTIONARIES[key]
    sortable = _sortable(view)
    cols = []
    for name, width in view.columns:
        expr = view.extra_columns.get(name)
        f = _model_field(view, name)
        cols.append(ListColumn(name, _(LABELS.get(name, name)), width, sortable=name in sortable and expr is None,
                               text=expr is None and _is_text(f), expr=expr() if expr else None,
                               format=_format_of(view, name)))
    return ListSpec(model=view.model, columns=cols, search=view.search, joins=view.joins,
                    count_needs_joins=view.joins is not None)


def spec_factory(key: str) -> Callable[[], ListSpec]:
    return lambda: dictionary_list(key)


# --- forms --------------------------------------------------------------------------------------------

def _fields(view: DictView) -> tuple[str, ...]:
    return view.fields or dict_rules.spec_of(view.kind).fields


def _fk_choices(view: DictView, f, name: str) -> list[tuple[str, object]]:
    rel = f.rel_model
    label = next((c for c in ("code", "symbol", "name") if c in rel._meta.fields), "id")
    rows = rel.select().order_by(getattr(rel, label))
    out = [(getattr(r, label), r.id) for r in rows]
    return out if name in ("currency", "rate_type") and out else [(_("(brak)"), 0)] + out


def form_fields(key: str) -> list[tuple[str, str, str, list | None]]:
    view = DICTIONARIES[key]
    out = []
    for name in _fields(view):
        f = _model_field(view, name)
        enum = ENUMS.get(f"{view.kind}.{name}")
        if enum:
            out.append((name, _(LABELS.get(name, name)), "choice", [(_(lbl), v) for lbl, v in enum]))
        elif isinstance(f, peewee.ForeignKeyField):
            out.append((name, _(LABELS.get(name, name)), "choice", _fk_choices(view, f, name)))
        elif isinstance(f, peewee.BooleanField):
            out.append((name, _(LABELS.get(name, name)), "bool", None))
        elif isinstance(f, peewee.TextField):
            out.append((name, _(LABELS.get(name, name)), "text", None))
        else:
            out.append((name, _(LABELS.get(name, name)), "str", None))
    return out


def _to_widget(f, value):
    if isinstance(f, peewee.ForeignKeyField):
        return value or 0
    if isinstance(f, peewee.BooleanField):
        return bool(value)
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def form_values(key: str, entry_id: int | None) -> dict:
    view = DICTIONARIES[key]
    if entry_id is None:
        defaults = {} if view.kind == "rates" else dict(dict_rules.spec_of(view.kind).defaults)
        if view.kind == "rates":
            defaults["on"] = dt.date.today()
            defaults["units"] = 1
        out = {}
        for name in _fields(view):
            f = _model_field(view, name)
            value = defaults.get(name, f.default if f is not None and not callable(f.default) else None)
            out[name] = _to_widget(f, value)
        return out
    obj = view.model.get_by_id(entry_id)
    return {name: _to_widget(_model_field(view, name), getattr(obj, _model_field(view, name).column_name
                                                                if isinstance(_model_field(view, name),
                                                                              peewee.ForeignKeyField) else name))
            for name in _fields(view)}


def _from_widget(view: DictView, values: dict) -> dict:
    out, errors = {}, {}
    for name in _fields(view):
        if name not in values:
            continue
        f, value = _model_field(view, name), values[name]
        if isinstance(f, peewee.ForeignKeyField):
            value = int(value) if value not in (None, "", 0, "0") else None
        elif isinstance(f, peewee.BooleanField):
            value = bool(value)
        elif isinstance(f, peewee.DateField):
            text = str(value or "").strip()
            try:
                value = dt.date.fromisoformat(text) if text else None
            except ValueError:
                errors[name] = _("Wpisz datę w postaci RRRR-MM-DD.")
        elif isinstance(f, peewee.IntegerField) or f.__class__.__name__ in ("PercentField", "PriceField",
                                                                             "MoneyField", "QuantityField"):
            text = str(value or "").strip().replace(" ", "").replace(",", ".") or "0"
            try:
                value = Decimal(text)
                if isinstance(f, peewee.IntegerField) and f.__class__.__name__ == "IntegerField":
                    if value != value.to_integral_value():
                        raise InvalidOperation
                    value = int(value)
            except InvalidOperation:
                errors[name] = _("Wpisz liczbę.")
        elif isinstance(value, str):
            value = value.strip()
        out[name] = value
    if errors:
        raise ValidationError(errors)
    return out


def edit_refusal(key: str) -> str | None:
    view = DICTIONARIES[key]
    what = view.what if view.kind == "rates" else dict_rules.spec_of(view.kind).what
    return catalog_edit_refusal(what)


def save_form(key: str, entry_id: int | None, values: dict) -> int:
    view = DICTIONARIES[key]
    data = _from_widget(view, values)
    if view.kind == "rates":
        if entry_id is None:
            if not data.get("currency") or not data.get("rate_type"):
                raise ValidationError({"currency": _("Wybierz walutę i typ kursu.")})
            if data.get("on") is None:
                raise ValidationError({"on": _("Podaj datę kursu.")})
            cur = Currency.get_by_id(data["currency"])
            rt = RateType.get_by_id(data["rate_type"])
            return rate_rules.save_rate(cur.code, rt.name, data["on"], data["rate"], units=int(data.get("units") or 1)).id
        return rate_rules.update_rate(entry_id, data["rate"], units=int(data.get("units") or 1)).id
    if entry_id is None:
        return dict_rules.create_entry(view.kind, **data).id
    return dict_rules.update_entry(view.kind, entry_id, **data).id


def delete_form(key: str, entry_id: int) -> None:
    view = DICTIONARIES[key]
    if view.kind == "rates":
        rate_rules.delete_rate(entry_id)
    else:
        dict_rules.delete_entry(view.kind, entry_id)


def group_path(entry_id: int) -> str:
    from store.catalog.dict_tree import group_path as path

    return path(entry_id)


# --- attribute values (list-type attributes, ATR) -------------------------------------------------------

def attribute_values(attribute_id: int) -> list[dict]:
    return [{"value": v.value, "id": v.id} for v in AttributeValue.select().where(
        AttributeValue.attribute == attribute_id).order_by(AttributeValue.position, AttributeValue.id)]


def save_attribute_values(attribute_id: int, before: list[dict], after: list[dict]) -> None:
    from store.catalog.dict_tree import add_attribute_value, delete_attribute_value

    old = {str(r["value"]): r.get("id") for r in before}
    new = [str(r["value"]).strip() for r in after if str(r.get("value") or "").strip()]
    for value, vid in old.items():
        if value not in new and vid:
            delete_attribute_value(vid)
    for value in new:
        if value not in old:
            add_attribute_value(attribute_id, value)


def rate_type_choices_nbp() -> list[tuple[str, str]]:
    """Rate types fetched from NBP (for the import dialog of the currency rates list)."""
    return [(f"{r.name} ({_('tabela')} {r.nbp_table})", r.name)
            for r in RateType.select().where(RateType.nbp_table != "").order_by(RateType.name)]


def group_tree() -> list[tuple[int, str, str, int | None]]:
    """Every goods group as (id, code, name, parent id), by code: the screen builds the tree (GRP)."""
    return [(g.id, g.code, g.name, g.parent_id) for g in GoodsGroup.select().order_by(GoodsGroup.code)]


# --- the price list's price column (PRC-7) ----------------------------------------------------------------

def goods_spec_with_price(base: ListSpec, price_type_id: int | None) -> ListSpec:
    """The goods list spec showing the price of one price type for every row (None = the retail price
    column of the standard list). The price is read by a sub-select (store.catalog.listing.price_column)."""
    from dataclasses import replace

    from store.catalog.listing import price_column, price_value

    columns = [c for c in base.columns if c.name != "price"]
    if price_type_id is None:
        return replace(base, columns=columns)
    pt = PriceType.get_by_id(price_type_id)

    def show(raw) -> str:
        return f"{price_value(raw):,.2f}".replace(",", " ").replace(".", ",")

    title = _("{n} {kind}").format(n=pt.name, kind=_("brutto") if pt.gross else _("netto"))
    columns = [c for c in columns if c.name != "retail_price"]
    columns.append(ListColumn("price", title[:14], 14, align="right", text=False,
                              expr=price_column(pt.id, gross=pt.gross), format=show))
    return replace(base, columns=columns)


def price_type_choices() -> list[tuple[str, int]]:
    return [(p.name, p.id) for p in PriceType.select().where(PriceType.active == True)  # noqa: E712
            .order_by(PriceType.position, PriceType.id)]
