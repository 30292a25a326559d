"""Goods / service card (formularz towaru, ITM): tabs by item type (ITM-1/2) — [Ogólne] [Dodatkowe]
[Jednostki, EAN, VAT] [Atrybuty] [Zasoby] [Rezerwacje] [Zamówienia] [Grupy] [Zamienniki] [Zestawy].

Keyboard only: Tab/Shift+Tab fields, F6 / Ctrl+PgDn next tab, Shift+Insert or Ctrl+T (or the palette,
F11/Ctrl+O) the prices table, Ctrl+S save, Esc close (asks on a changed card). Dictionary fields are
reference fields: a code typed, or Tab/F4 in the empty field for the dictionary's list. Talks to
store.catalog only; in a branch the fields are read-only and the banner says why (DICT-3)."""
from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from store.catalog import card as card_rules
from store.catalog import card_save
from store.catalog.roles import catalog_edit_refusal
from store.i18n import _
from tui import keymap
from tui.operator import operator_login
from tui.widgets.form import FormField, FormScreen, GridColumn, GridField
from tui.widgets.key_bar import KeyBar
from tui.widgets.lookup import Reference

LABELS = {
    "code": "Kod", "name": "Nazwa", "item_type": "Typ pozycji", "ean": "EAN", "catalogue_number": "Numer katalogowy",
    "pkwiu": "PKWiU", "group": "Grupa domyślna", "is_packaging": "Opakowanie kaucjonowane",
    "packaging_scheme": "Schemat opakowań", "cn_code": "Kod CN", "vat_rate": "Stawka VAT sprzedaży",
    "purchase_vat_rate": "Stawka VAT zakupu", "mpp": "Podzielona płatność (MPP)",
    "reverse_charge": "Odwrotne obciążenie", "default_price_type": "Cena domyślna",
    "sales_category": "Kategoria sprzedaży", "purchase_category": "Kategoria zakupu",
    "unit": "Jednostka podstawowa", "integer_quantity": "Format całkowity", "track_stock": "Kontrola stanów",
    "default_warehouse": "Magazyn domyślny", "price_limit_kind": "Granica ceny", "price_limit_value": "Granica (%)",
    "copy_description": "Kopiuj opis na fakturę", "allow_name_edit": "Edycja nazwy na dokumencie",
    "allow_description_edit": "Edycja opisu na dokumencie", "external_price_list": "Cennik zewnętrzny",
    "active": "Aktywna", "mass_kg": "Masa netto (kg)", "producer": "Producent", "brand": "Marka",
    "service_cost_kind": "Koszt usługi – rodzaj", "service_cost_value": "Koszt usługi – wartość",
    "kgo_value": "Wartość KGO", "min_quantity": "Ilość minimalna", "max_quantity": "Ilość maksymalna",
    "order_multiple": "Wielokrotność zamówienia", "supplier_code": "Dostawca (kod)",
    "supplier_item_code": "Kod u dostawcy", "plu": "PLU", "fiscal_name": "Nazwa fiskalna",
    "jpk_v7_code": "Kod JPK_V7", "url": "Adres WWW", "description": "Opis",
}
BOOL_FIELDS = {"is_packaging", "mpp", "integer_quantity", "track_stock", "copy_description", "allow_name_edit",
               "allow_description_edit", "external_price_list", "active"}
MAX_LEN = {"code": 50, "name": 254, "catalogue_number": 50, "pkwiu": 20, "cn_code": 8, "plu": 18, "fiscal_name": 40,
           "jpk_v7_code": 10, "url": 250, "supplier_code": 50, "supplier_item_code": 50, "ean": 40}
REQUIRED = ("code", "name")
GRID_TAB = {"units": "units", "eans": "units", "attributes": "attributes", "groups": "groups"}
EMPTY_TABS = {
    "stock": "Zasoby towaru (dostawy w magazynach) pojawią się po zatwierdzeniu dokumentów magazynowych.",
    "reservations": "Brak rezerwacji towaru.",
    "orders": "Brak zamówień u dostawców na ten towar.",
    "substitutes": "Towar nie ma zamienników.",
    "sets": "Towar nie jest elementem głównym żadnego zestawu promocyjnego.",
}
CHOICE_FIELDS = {"item_type", "reverse_charge", "price_limit_kind", "service_cost_kind"}
# Dictionary fields: typed by code or picked from the dictionary's list (store.references kind, list key).
LOOKUPS = {
    "group": Reference("goods_group", "goods_groups"), "vat_rate": Reference("vat_rate", "vat_rates"),
    "purchase_vat_rate": Reference("vat_rate", "vat_rates"),
    "default_price_type": Reference("price_type_sale", "price_types"),
    "sales_category": Reference("category_income", "categories"),
    "purchase_category": Reference("category_cost", "categories"),
    "default_warehouse": Reference("warehouse", "warehouses"),
    "packaging_scheme": Reference("packaging_scheme", "packaging_schemes"),
    "producer": Reference("producer", "producers"), "brand": Reference("brand", "brands"),
    "unit": Reference("unit", "units"), "cn_code": Reference("cn_code", "cn_codes"),
    "supplier_code": Reference("contractor_code", "contractors"),
}
UNIT_REF = Reference("unit", "units")


def _num(value) -> str:
    if value is None or value == "":
        return "0"
    d = Decimal(value)
    text = format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f").rstrip("0")
    return text.replace(".", ",")


def _money(value) -> str:
    return format(Decimal(value).quantize(Decimal("0.01")), "f").replace(".", ",")


def _to_widget(name: str, value):
    if name in card_save.FK_FIELDS:
        return value or 0
    if name in card_save.DECIMAL_FIELDS:
        return _num(value)
    if name in BOOL_FIELDS:
        return bool(value)
    return "" if value is None else value


class GoodsCard(FormScreen):
    DEFAULT_CSS = """
    GoodsCard #card-title { text-style: bold; background: $primary 40%; padding: 0 1; }
    GoodsCard TabPane { padding: 0 1; }
    GoodsCard .card-note { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = keymap.bindings("goods_card")

    def __init__(self, goods_id: int | None = None, *, copy_from: int | None = None, group_id: int | None = None,
                 item_type: str = "TP") -> None:
        super().__init__()
        self.goods_id, self.copy_from = goods_id, copy_from
        self.group_id, self.item_type = group_id, item_type
        self.choices = card_save.enum_choices()
        self.prices: list = []
        self.new_prices: dict[int, Decimal] = {}

    # --- layout -------------------------------------------------------------------------------------
    def _load_data(self) -> tuple[dict, dict]:
        if self.goods_id:
            view = card_save.card_view(self.goods_id)
        elif self.copy_from:
            view = card_save.copy_source(self.copy_from)
        else:
            if self.group_id is None:                          # PRC-4: the group chosen on the list below
                below = next((s for s in reversed(self.app.screen_stack) if s is not self), None)
                self.group_id = getattr(below, "catalog_group_id", None)
            fields = card_rules.new_card_defaults(group_id=self.group_id, item_type=self.item_type)
            view = {"fields": fields, "grids": {"units": [], "eans": [], "groups": [], "attributes": []},
                    "prices": [], "tabs": card_rules.tabs(self.item_type)}
        self.prices, self._tabs = view["prices"], view["tabs"]
        self.meta = view.get("meta") or {}
        self.version = self.meta.get("version") if self.goods_id else None
        return view["fields"], view["grids"]

    def compose(self) -> ComposeResult:
        self._fields, self._grids = self._load_data()
        with Vertical(id="form-body"):
            yield Static(self._title(), id="card-title")
            yield Static("", id="form-banner")
            yield Static("", id="form-errors")
            yield from self.compose_tabs([(f"tab-{tab_id}", label) for tab_id, label in self._tabs])
        yield KeyBar()

    def _field(self, name: str) -> FormField:
        if name in BOOL_FIELDS:
            kind = "bool"
        elif name == "description":
            kind = "text"
        elif name in CHOICE_FIELDS:
            kind = "choice"
        elif name in LOOKUPS:
            kind = "lookup"
        else:
            kind = "str"
        return FormField(name, _(LABELS.get(name, name)), kind, choices=self.choices.get(name),
                         max_length=MAX_LEN.get(name, 0), required=name in REQUIRED, reference=LOOKUPS.get(name))

    def field_label(self, name: str) -> str:
        return _(LABELS.get(name, {"units": "Jednostki pomocnicze", "eans": "Kody EAN", "groups": "Grupy towaru",
                                   "attributes": "Atrybuty towaru"}.get(name, name)))

    def field_pane(self, name: str) -> str | None:
        for tab, (_label, names) in card_rules.TAB_FIELDS.items():
            if name in names:
                return f"tab-{tab}"
        if name in GRID_TAB:
            return f"tab-{GRID_TAB[name]}"
        return None

    def build_pane(self, pane_id: str) -> list:
        tab = pane_id.removeprefix("tab-")
        names = card_rules.TAB_FIELDS.get(tab, ("", ()))[1]
        if names:
            out = [self._field(n) for n in names]
            if tab == "general":
                out.append(Static(self._prices_text(), id="card-prices", classes="card-note"))
            if tab == "extra" and self.meta:
                out.append(Static(self._stamps_text(), id="card-stamps", classes="card-note"))
            return out
        if tab == "units":
            return [GridField("units", _("Jednostki pomocnicze"), [
                        GridColumn("unit", _("Jednostka"), "lookup", width=10, reference=UNIT_REF),
                        GridColumn("numerator", _("Licznik"), width=10),
                        GridColumn("denominator", _("Mianownik"), width=10)],
                        new_row=lambda: {"unit": "", "numerator": "1", "denominator": "1"}),
                    GridField("eans", _("Kody EAN"), [
                        GridColumn("ean", _("Kod EAN"), width=16),
                        GridColumn("unit", _("Jednostka"), "lookup", width=10, reference=UNIT_REF),
                        GridColumn("is_default", _("Domyślny"), "bool", width=9),
                        GridColumn("description", _("Opis"), width=30)],
                        default_group=lambda r: 0, new_row=lambda: {"unit": "", "is_default": False})]
        if tab == "attributes":
            return [GridField("attributes", _("Atrybuty towaru"), [
                GridColumn("attribute", _("Atrybut"), "lookup", width=20,
                           reference=Reference("goods_attribute", "attributes")),
                GridColumn("value", _("Wartość"), width=40)],
                new_row=lambda: {"attribute": "", "value": ""})]
        if tab == "groups":
            return [GridField("groups", _("Grupy towaru (grupy domyślnej nie można usunąć)"), [
                GridColumn("code", _("Grupa"), "lookup", width=30, reference=Reference("goods_group_code", "goods_groups")),
                GridColumn("is_default", _("Domyślna"), "bool", width=9, in_dialog=False)],
                new_row=lambda: {"code": "", "is_default": False})]
        if tab in EMPTY_TABS:
            return [Static(_(EMPTY_TABS[tab]), classes="card-note", id=f"note-{tab}")]
        return []

    # --- loading ------------------------------------------------------------------------------------
    async def on_mount(self) -> None:
        fields = {k: _to_widget(k, v) for k, v in self._fields.items() if k in LABELS}
        self.load(fields, self._grids)
        self.operator = operator_login(self.app)
        allowed, reason = card_rules.editable_fields(self.goods_id if not self.copy_from else None)
        if reason:
            locks = {name: reason for name in LABELS if name not in allowed}
            grid_reason = catalog_edit_refusal("goods")
            self.set_locks(locks, {g: grid_reason for g in GRID_TAB})
            self.show_banner(reason)
        self.open_first_pane("tab-general")

    def load_current(self):
        view = card_save.card_view(self.goods_id)
        fields = {k: _to_widget(k, v) for k, v in view["fields"].items() if k in LABELS}
        return fields, view["grids"], view["meta"].get("version")

    def _title(self) -> str:
        code = self._fields.get("code", "")
        kind = _("Usługa") if self._fields.get("item_type") in ("UP", "UZ") else _("Towar")
        if self.goods_id:
            title = _("{kind} {code}").format(kind=kind, code=code)
        elif self.copy_from:
            title = _("{kind} – nowy (kopia; wpisz nowy kod przed zapisem)").format(kind=kind)
        else:
            title = _("{kind} – nowy").format(kind=kind)
        return title

    def _prices_text(self) -> str:
        if not self.goods_id:
            if not self.new_prices:
                return _("Ceny: Shift+Insert lub Ctrl+T otwiera tabelę cen.")
            return _("Ceny (zostaną zapisane z kartą): ") + ", ".join(
                f"{n}: {_money(v)}" for n, v in self._new_price_names())
        parts = [f"{r.name}: {_money(r.gross if r.gross_declared else r.net)} "
                 f"{_('brutto') if r.gross_declared else _('netto')}" for r in self.prices if r.price_type_id]
        return _("Ceny") + " (Shift+Insert/Ctrl+T): " + "; ".join(parts)

    def _new_price_names(self):
        from tui.screens.price_table import new_card_types

        names = {pt_id: name for pt_id, name, _g in new_card_types()}
        return [(names.get(k, k), v) for k, v in self.new_prices.items()]

    def refresh_prices(self) -> None:
        if self.goods_id:
            self.prices = card_save.card_view(self.goods_id)["prices"]
        for box in self.query("#card-prices"):
            box.update(self._prices_text())

    # --- actions ------------------------------------------------------------------------------------
    def action_price_table(self) -> None:
        from tui.screens.price_table import PriceTable

        def done(result) -> None:
            if isinstance(result, dict):
                self.new_prices = result
            self.refresh_prices()

        self.app.push_screen(PriceTable(self.goods_id, pending=dict(self.new_prices)), done)

    def palette_commands(self) -> list[tuple[str, object]]:
        return [(_("Tabela cen towaru"), self.action_price_table)]

    @property
    def is_dirty(self) -> bool:
        return super().is_dirty or bool(self.new_prices)

    def unchanged_result(self):
        return self.goods_id

    def save_values(self, values: dict, grids: dict[str, list[dict]], confirm: bool):
        if self.goods_id:            # issue 16: only the fields this clerk changed
            values = self.changed_values(values)
        return card_save.save_goods_card(self.goods_id, values, grids=grids, original_grids=self._base[1],
                                         prices=self.new_prices or None, copy_from=self.copy_from, confirm=confirm,
                                         operator=self.operator, version=self.version)

    def _stamps_text(self) -> str:
        """PIE-15: who entered the card and who changed it last (blank for demo and bulk-made cards)."""
        m = self.meta
        return _("Wprowadził: {who}   Zmodyfikował: {who2} {at2}").format(
            who=m.get("created_by") or "–", who2=m.get("modified_by") or "–",
            at2=f"{m['modified_at']:%Y-%m-%d %H:%M}" if m.get("modified_at") else "")
