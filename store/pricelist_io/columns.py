"""Columns of the price-list sheet (PIE-3, PIE-4): headers, card fields, cell parsers.

The sheet is called „Cennik”. Fixed columns map to card fields; every active price type adds a
column „Cena <name> netto” or „Cena <name> brutto” (its declared column, ITM-21). On import the
headers are matched case-insensitively; a price column may also be written „Cena <name>”
(declared column assumed) or with the other suffix (the declared value is computed with VAT).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from store.i18n import _
from store.pricelist_io import cells

SHEET_NAME = "Cennik"


@dataclass(frozen=True)
class Column:
    key: str                                  # card field (or group of fields) it fills
    header: str                               # Polish header as exported
    parse: Callable                           # cell -> value | None, raises cells.CellError
    text_len: int = 0                         # a plain text column: its maximum length (0 = not plain text)


def _text(n: int) -> Callable:
    def parse(value):
        if type(value) is str:                       # the common case, kept cheap
            out = value.strip()
            if len(out) <= n:
                return out or None
        return cells.text(value, n)
    return parse


FIXED_COLUMNS: list[Column] = [
    Column("code", "Kod", _text(50), 50),
    Column("name", "Nazwa", _text(254), 254),
    Column("item_type", "Typ", cells.item_type),
    Column("ean", "EAN", _text(40), 40),
    Column("unit", "Jednostka", _text(10), 10),
    Column("vat_rate", "Stawka VAT", _text(10), 10),
    Column("purchase_vat_rate", "Stawka VAT zakupu", _text(10), 10),
    Column("group", "Grupa", _text(50), 50),
    Column("pkwiu", "PKWiU", _text(20), 20),
    Column("cn_code", "Kod CN", cells.cn_code),
    Column("catalogue_number", "Numer katalogowy", _text(50), 50),
    Column("description", "Opis", _text(20000), 20000),
    Column("active", "Aktywna", cells.yes_no),
    Column("price_limit_kind", "Granica ceny", cells.price_limit_kind),                       # PIE-4
    Column("price_limit_value", "Minimalna cena/ marża", lambda v: cells.number(v, cells.PERCENT_Q)),
    Column("supplier_code", "Kod dostawcy", _text(50), 50),                                  # PIE-16
    Column("supplier_item_code", "Kod u dostawcy", _text(50), 50),
    Column("producer", "Producent", _text(50), 50),                                           # PIE-11
    Column("brand", "Marka", _text(120), 120),
]
PRODUCER_KEYS = ("producer", "brand")            # read only with the option „Importuj producentów i marki”
BY_KEY = {c.key: c for c in FIXED_COLUMNS}

# Which update choices (PIE-9) exist; "prices" covers every price column of the file and
# "price_limit" both price-limit columns (PIE-19: existing cards only when chosen).
UPDATE_FIELDS = ("name", "item_type", "ean", "unit", "vat_rate", "purchase_vat_rate", "group", "pkwiu", "cn_code",
                 "catalogue_number", "description", "active", "price_limit", "prices", "supplier")
DEFAULT_UPDATE_FIELDS = frozenset(f for f in UPDATE_FIELDS if f != "price_limit")


def update_field_of(key: str) -> str:
    if key.startswith("price_limit"):
        return "price_limit"
    if key.startswith("supplier"):
        return "supplier"
    if key.startswith("price:"):
        return "prices"
    return key


def normalise_header(text) -> str:
    return " ".join(str(text or "").replace("\xa0", " ").split()).casefold().replace("/ ", "/")


_FIXED_BY_HEADER = {normalise_header(c.header): c for c in FIXED_COLUMNS}


def price_header(name: str, gross: bool) -> str:
    return f"Cena {name} {'brutto' if gross else 'netto'}"


@dataclass(frozen=True)
class PriceColumn:
    price_type_id: int
    name: str
    declared_gross: bool          # PriceType.gross
    given_gross: bool             # what the file's column holds
    is_retail: bool
    kind: str                     # sale | purchase


def match_header(text: str, price_types: dict, retail_id: int | None = None) -> Column | PriceColumn | str | None:
    """A Column, a PriceColumn, the name of an inactive price type (str), or None (unknown).

    price_types: normalised name -> PriceType-like object (id, name, gross, active, is_retail, kind);
    retail_id: the price type mirrored into goods.retail_price (prices.retail_price_type(): a database
    whose types predate the is_retail flag has one too), else each type's own flag.
    """
    norm = normalise_header(text)
    if norm in _FIXED_BY_HEADER:
        return _FIXED_BY_HEADER[norm]
    if not norm.startswith("cena "):
        return None
    rest = norm[5:]
    suffix = None
    for word, gross in (("brutto", True), ("netto", False)):
        if rest.endswith(" " + word):
            rest, suffix = rest[: -len(word) - 1], gross
            break
    pt = price_types.get(rest)
    if pt is None:
        return None
    if not pt.active:
        return pt.name
    is_retail = pt.is_retail if retail_id is None else pt.id == retail_id
    return PriceColumn(pt.id, pt.name, pt.gross, pt.gross if suffix is None else suffix, is_retail, pt.kind)


def price_choice(price_type_id: int) -> str:
    """The update choice of one price type's column (PIE-9 „wybrane ceny sprzedaży”)."""
    return f"price:{price_type_id}"


def is_update_choice(key: str) -> bool:
    return key in UPDATE_FIELDS or (key.startswith("price:") and key[6:].isdigit())


def update_choices() -> list[tuple[str, str, bool]]:
    """(key, Polish label, chosen by default) of every update choice the import dialog offers
    (PIE-9): the card fields, then each active price type on its own."""
    from store.catalog.dictionaries import PriceType

    labels = describe_fields()
    out = [(key, labels[key], key in DEFAULT_UPDATE_FIELDS) for key in UPDATE_FIELDS if key != "prices"]
    for pt in PriceType.select().where(PriceType.active == True).order_by(PriceType.position, PriceType.id):  # noqa
        out.append((price_choice(pt.id), _("cena: {name}").format(name=pt.name), True))
    return out


def describe_fields() -> dict[str, str]:
    """Polish labels of the update choices (PIE-9), for the import dialog."""
    return {
        "name": _("nazwa"), "item_type": _("typ"), "ean": _("kod EAN"), "unit": _("jednostka miary"),
        "vat_rate": _("stawka VAT"), "purchase_vat_rate": _("stawka VAT zakupu"), "group": _("grupa"),
        "pkwiu": _("PKWiU"), "cn_code": _("kod CN"), "catalogue_number": _("numer katalogowy"),
        "description": _("opis"), "active": _("aktywność karty"), "price_limit": _("granica ceny"),
        "prices": _("ceny sprzedaży"), "supplier": _("kody dostawcy"),
    }
