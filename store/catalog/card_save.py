"""What the goods card SCREEN saves and offers, composed from the public catalogue functions.

    card_choices()                         choices of every drop-down of the card and its row dialogs
    save_goods_card(goods_id, fields, ...) fields + units + EAN codes + groups + attributes (+ prices of a
                                           new card) in ONE transaction; ValidationError per field,
                                           ConfirmationNeeded for ITM-11 warnings, Refused in a branch
    copy_source(goods_id)                  the data of a card shown as a new copy (ITM-53)

Values arrive as the widgets hold them (text with a decimal comma, 0 for "no choice").
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from store.catalog import card as card_rules
from store.catalog import goods as goods_rules
from store.catalog import goods_codes
from store.catalog.dictionaries import (AttributeDef, Brand, Category, GoodsGroup, PackagingScheme, PriceType,
                                        Producer, Unit, Warehouse)
from store.catalog.models import ITEM_TYPES, PRICE_LIMIT_KINDS, REVERSE_CHARGE, Goods
from store.base import lock_current
from store.config import VatRate
from store.db import run_write, write
from store.errors import FiliaError, ValidationError
from store.i18n import _

DECIMAL_FIELDS = ("price_limit_value", "mass_kg", "kgo_value", "min_quantity", "max_quantity", "order_multiple",
                  "service_cost_value")
FK_FIELDS = tuple(goods_rules._FK_MODELS)
ITEM_TYPE_LABELS = {"TP": "Towar prosty (TP)", "UP": "Usługa prosta (UP)", "TZ": "Towar złożony (TZ)",
                    "UZ": "Usługa złożona (UZ)"}
REVERSE_LABELS = {"no": "Nie", "yes": "Tak", "above_limit": "Powyżej limitu"}
LIMIT_LABELS = {"": "brak", "min_margin": "minimalna marża", "max_discount": "maksymalny rabat"}
COST_LABELS = {"": "brak", "percent": "procent", "amount": "kwota"}


class ConfirmationNeeded(FiliaError):
    """The card can be saved once the user accepts these warnings (call again with confirm=True)."""

    def __init__(self, warnings: list[str]):
        self.warnings = list(warnings)
        super().__init__("\n".join(self.warnings))


def _none(label: str = "(brak)") -> tuple[str, int]:
    return (_(label), 0)


def _percent(rate) -> str:
    """23.00 -> „23”, 5.5 -> „5,5” (a Polish decimal comma)."""
    return format(Decimal(rate).normalize(), "f").replace(".", ",")


def enum_choices() -> dict[str, list[tuple[str, object]]]:
    """The card's fixed drop-downs (no database read: the dictionary fields are reference fields)."""
    return {
        "item_type": [(_(ITEM_TYPE_LABELS[t]), t) for t in ITEM_TYPES],
        "reverse_charge": [(_(REVERSE_LABELS[k]), k) for k in REVERSE_CHARGE],
        "price_limit_kind": [(_(LIMIT_LABELS[k]), k) for k in PRICE_LIMIT_KINDS],
        "service_cost_kind": [(_(COST_LABELS[k]), k) for k in COST_LABELS],
    }


def card_choices() -> dict[str, list[tuple[str, object]]]:
    """field -> [(label, value)]; 0 means "nothing chosen" for optional dictionary fields."""
    vat = [(f"{v.code} ({_percent(v.rate)}%)" if v.code[:1].isdigit() else v.code, v.id)
           for v in VatRate.select().where(VatRate.active == True).order_by(VatRate.id)]  # noqa: E712
    groups = [(g.code, g.id) for g in GoodsGroup.select().order_by(GoodsGroup.code)]
    cats = [(c.code, c.id) for c in Category.select().where(Category.active == True).order_by(Category.code)]  # noqa
    sale_types = [(p.name, p.id) for p in PriceType.select().where((PriceType.active == True)  # noqa: E712
                                                                    & (PriceType.kind == "sale"))
                  .order_by(PriceType.position, PriceType.id)]
    return {
        **enum_choices(),
        "vat_rate": vat, "purchase_vat_rate": [_none()] + vat,
        "group": [_none("(grupa główna)")] + groups,
        "sales_category": [_none()] + cats, "purchase_category": [_none()] + cats,
        "default_price_type": [_none()] + sale_types,
        "default_warehouse": [_none()] + [(w.symbol, w.id) for w in Warehouse.select().order_by(Warehouse.symbol)],
        "packaging_scheme": [_none()] + [(s.code, s.id) for s in PackagingScheme.select().order_by(PackagingScheme.code)],
        "producer": [_none()] + [(p.code, p.id) for p in Producer.select().order_by(Producer.code)],
        "brand": [_none()] + [(b.name, b.id) for b in Brand.select().order_by(Brand.name)],
        "unit": [(u.code, u.code) for u in Unit.select().order_by(Unit.code)],
        "attribute": [(a.code, a.code) for a in AttributeDef.select().where(
            (AttributeDef.kind == "goods") & (AttributeDef.active == True)).order_by(AttributeDef.code)],  # noqa
        "group_code": [(g.code, g.code) for g in GoodsGroup.select().order_by(GoodsGroup.code)],
    }


def _decimal(text, field: str, errors: dict) -> Decimal:
    raw = str(text if text is not None else "").strip().replace(" ", "").replace(",", ".")
    try:
        return Decimal(raw or "0")
    except InvalidOperation:
        errors[field] = _("Wpisz liczbę (np. 12,50).")
        return Decimal(0)


def _clean_fields(fields: dict) -> dict:
    errors: dict = {}
    out = {}
    for name, value in fields.items():
        if name not in goods_rules.CARD_FIELDS:
            continue
        if name in DECIMAL_FIELDS:
            value = _decimal(value, name, errors)
        elif name in FK_FIELDS:
            value = int(value) if value not in (None, "", 0, "0") else None
        elif value is None:
            value = ""
        out[name] = value
    if errors:
        raise ValidationError(errors)
    return out


def _unit_rows(rows) -> dict[str, tuple[Decimal, Decimal]]:
    out, errors = {}, {}
    for i, r in enumerate(rows or []):
        unit = str(r.get("unit") or "").strip()
        n = _decimal(r.get("numerator") or "1", f"units.{i}", errors)
        d = _decimal(r.get("denominator") or "1", f"units.{i}", errors)
        out[unit] = (n, d)
    if errors:
        raise ValidationError({k: _("Jednostki: licznik i mianownik muszą być liczbami.") for k in errors})
    return out


def _apply_units(goods_id: int, before: list[dict], after: list[dict]) -> None:
    old, new = _unit_rows(before), _unit_rows(after)
    for unit in old.keys() - new.keys():
        goods_codes.delete_unit(goods_id, unit)
    for unit, (n, d) in new.items():
        if unit not in old:
            goods_codes.add_unit(goods_id, unit, n, d)
        elif old[unit] != (n, d):
            goods_codes.change_unit(goods_id, unit, n, d)


def _ean_key(r: dict) -> tuple:
    return (str(r.get("unit") or ""), str(r.get("description") or ""))


def _apply_eans(goods_id: int, before: list[dict], after: list[dict]) -> None:
    old = {str(r["ean"]).strip(): r for r in before or [] if str(r.get("ean") or "").strip()}
    new = {str(r["ean"]).strip(): r for r in after or [] if str(r.get("ean") or "").strip()}
    current = {e.ean for e in goods_codes.goods_eans(goods_id)}
    for code in old.keys() - new.keys():
        if code in current:
            goods_codes.delete_ean(goods_id, code)
    for code, r in new.items():
        if code in old and _ean_key(old[code]) != _ean_key(r) and code in current:
            goods_codes.delete_ean(goods_id, code)
            current.discard(code)
        if code not in current:
            goods_codes.add_ean(goods_id, code, unit=str(r.get("unit") or ""), default=bool(r.get("is_default")),
                                description=str(r.get("description") or ""))
    default = next((c for c, r in new.items() if r.get("is_default")), None)
    if default and any(e.ean == default and not e.is_default for e in goods_codes.goods_eans(goods_id)):
        goods_codes.set_default_ean(goods_id, default)


def _apply_groups(goods_id: int, before: list[dict], after: list[dict]) -> None:
    by_code = {g.code: g.id for g in GoodsGroup.select()}
    old = {str(r.get("code") or "") for r in before or []}
    new = {str(r.get("code") or "") for r in after or []}
    for code in sorted(new - old):
        if code not in by_code:
            raise ValidationError({"groups": _("Grupa „{g}” nie istnieje.").format(g=code)})
        goods_rules.add_goods_group(goods_id, by_code[code])
    default = goods_rules.default_group_id(goods_rules.get_goods(goods_id))
    for code in sorted(old - new):
        if code in by_code and by_code[code] != default:   # the default group is never removed (ITM-47)
            goods_rules.remove_goods_group(goods_id, by_code[code])


def _apply_attributes(goods_id: int, before: list[dict], after: list[dict]) -> None:
    by_code = {a.code: a.id for a in AttributeDef.select()}
    old = {str(r.get("attribute") or ""): str(r.get("value") or "") for r in before or []}
    new = {str(r.get("attribute") or ""): str(r.get("value") or "") for r in after or []}
    for code in old.keys() - new.keys():
        if code in by_code:
            goods_rules.remove_goods_attribute(goods_id, by_code[code])
    for code, value in new.items():
        if code not in by_code:
            raise ValidationError({"attributes": _("Atrybut „{a}” nie istnieje.").format(a=code)})
        if old.get(code) != value or code not in old:
            goods_rules.set_goods_attribute(goods_id, by_code[code], value)


def card_grids(goods_id: int) -> dict[str, list[dict]]:
    """The sub-tables of a saved card as grid rows."""
    data = card_rules.card_data(goods_id)
    return _grids_of(data)


def _grids_of(data: dict) -> dict[str, list[dict]]:
    fmt = lambda d: format(d.normalize(), "f").replace(".", ",")  # noqa: E731
    return {
        "units": [{"unit": u, "numerator": fmt(n), "denominator": fmt(d)} for u, n, d, _r in data["units"]],
        "eans": [{"ean": e, "unit": u, "is_default": bool(df), "description": ds} for e, u, df, ds in data["eans"]],
        "groups": [{"code": code, "is_default": bool(df)} for _i, code, df in data["groups"]],
        "attributes": [{"attribute": a, "value": v} for a, v in data["attributes"]],
    }


def card_view(goods_id: int) -> dict:
    """{fields, grids, prices, tabs, meta} of a saved card (meta: who entered/changed it, PIE-15)."""
    data = card_rules.card_data(goods_id)
    return {"fields": data["fields"], "grids": _grids_of(data), "prices": data["prices"], "tabs": data["tabs"],
            "meta": data["meta"]}


def copy_source(goods_id: int) -> dict:
    """ITM-53: the card shown as a new copy: fields without code and EAN, grids without EAN codes."""
    view = card_view(goods_id)
    view["fields"].update(code="", ean="")
    view["grids"]["eans"] = []
    view["meta"] = {}
    return view


def save_goods_card(goods_id: int | None, fields: dict, **kwargs) -> int:
    """_save_goods_card under run_write: a lost race on PostgreSQL (deadlock, serialisation failure) runs
    the whole save again, a few times, before the clerk is told „Spróbuj ponownie” (issue 16 §2)."""
    return run_write(_save_goods_card, goods_id, fields, **kwargs)


def _save_goods_card(goods_id: int | None, fields: dict, *, grids: dict[str, list[dict]] | None = None,
                    original_grids: dict[str, list[dict]] | None = None, prices: dict[int, Decimal] | None = None,
                    copy_from: int | None = None, confirm: bool = False, operator: str = "",
                    version: int | None = None) -> int:
    """Save the card in one transaction; returns the goods id. `fields`: for a saved card only those its
    user changed (the others stay as stored); grids as changes against `original_grids`. `operator` (login) is recorded
    as who entered or last changed the card (PIE-15). `version`: the record version the card loaded;
    when another session saved the card since, StaleRecord is raised and nothing is written (issue 16)."""
    values = _clean_fields(fields)
    if not confirm:          # a card sends only its changed fields: warn about the card as it will be
        stored = card_rules.card_data(goods_id)["fields"] if goods_id is not None else {}
        warnings = goods_rules.card_warnings({**stored, **values})
        if warnings:
            raise ConfirmationNeeded(warnings)
    grids, before = grids or {}, dict(original_grids or {})
    with write():
        if goods_id is not None:
            lock_current(Goods, goods_id, version)
            original = card_rules.card_data(goods_id)["fields"]
            changes = {k: v for k, v in values.items() if v != original.get(k)}
            if changes:
                goods_rules.update_goods(goods_id, **changes)
            gid = goods_id
        elif copy_from is not None:
            from store.catalog.goods_copy import copy_goods

            ean = values.pop("ean", "")
            new = copy_goods(copy_from, values.get("code", ""), name=values.get("name"), ean=ean)
            gid = new.id
            src = card_rules.card_data(copy_from)["fields"]
            changes = {k: v for k, v in values.items() if k not in ("code", "name") and v != src.get(k)}
            if changes:
                goods_rules.update_goods(gid, **changes)
            before = card_grids(gid)
        else:
            ean = values.pop("ean", "")
            gid = goods_rules.create_goods(prices=prices, ean=ean, operator=operator, **values).id
            before = card_grids(gid)
        if "units" in grids:
            _apply_units(gid, before.get("units", []), grids["units"])
        if "eans" in grids:
            _apply_eans(gid, before.get("eans", []), grids["eans"])
        if "groups" in grids:
            _apply_groups(gid, before.get("groups", []), grids["groups"])
        if "attributes" in grids:
            _apply_attributes(gid, before.get("attributes", []), grids["attributes"])
        # one version step for the whole card save (units, EAN codes, groups … change the card too), so a
        # card another session still shows is refused however it was changed (issue 16)
        stamp = Goods.stamp()
        if operator:
            stamp[Goods.modified_by] = operator
            if goods_id is None:
                stamp[Goods.created_by] = operator                             # a copy is a new card too
        Goods.update(stamp).where(Goods.id == gid).execute()
        return gid


def price_types_for_new_card() -> list[tuple[int, str, bool]]:
    """(price type id, name, declared gross?) of the active price types a new card gets (ITM-20)."""
    return [(p.id, p.name, p.gross) for p in PriceType.select().where(PriceType.active == True)  # noqa: E712
            .order_by(PriceType.position, PriceType.id)]


def retail_price_type_id() -> int | None:
    """The price type the standard price list shows (its retail price column)."""
    from store.catalog.prices import retail_price_type

    pt = retail_price_type()
    return pt.id if pt is not None else None


def serial_choices() -> dict[str, list[tuple[str, object]]]:
    """Choices of the serial-operation dialogs: sales price types, price bases, attributes by id."""
    sale = [(p.name, p.id) for p in PriceType.select().where((PriceType.active == True)  # noqa: E712
                                                              & (PriceType.kind == "sale"))
            .order_by(PriceType.position, PriceType.id)]
    attrs = [(a.code, a.id) for a in AttributeDef.select().where(
        (AttributeDef.kind == "goods") & (AttributeDef.active == True)).order_by(AttributeDef.code)]  # noqa: E712
    return {"price_type": sale, "attribute_id": attrs,
            "base": [(_("ta sama cena"), -1), (_("ostatnia cena zakupu"), 0)] + sale}
