"""Contractor card (formularz kontrahenta, CTF/BNK/REP): tabs [Ogólne] [Handlowe] [Płatności] [Dodatkowe]
[Atrybuty] [JPK]. Keyboard only: Tab/Shift+Tab fields, F6 / Ctrl+PgDn next tab, Ctrl+S save, Esc close (asks
on a changed card). Group, categories, default price, payment form, currency and recipients are reference
fields (a code typed, or Tab/F4 in the empty field for the dictionary's list; Insert there adds an entry,
CTF-5's <NOWA…>). Talks to store.parties only; dismisses with the saved contractor id (or None)."""
from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Static

from store import parties
from store.i18n import _
from store.parties import countries
from store.parties.fields import (CARD_FIELDS, COMPUTED_LABELS, STATUS_LABELS, TRANSACTION_LABELS, label,
                                  max_length)
from tui.operator import operator_login
from tui.widgets.form import FormField, FormScreen, GridColumn, GridField
from tui.widgets.key_bar import KeyBar
from tui.widgets.lookup import Reference

TAB_GENERAL = ["code", "group_id", "kind_customer", "kind_supplier", "kind_competitor", "kind_partner",
               "kind_prospect", "nip_country", "nip", "regon", "pesel", "eori", "name", "name2", "name3",
               "country", "country_iso", "province", "county", "commune", "city", "post_office", "postal_code",
               "street", "building", "flat", "address_extra", "phone", "phone2", "phone_sms", "fax", "email", "www",
               "sales_category", "purchase_category", "gln", "ean", "id_document", "permit_number"]
TAB_TRADE = ["status", "transaction_type", "vat_active", "vat_by_issue_date", "cash_method_sales",
             "cash_method_purchase", "farmer", "related_party", "no_publish", "block_outgoing", "no_ksef", "active",
             "credit_limit_on", "credit_limit", "overdue_limit_on", "overdue_limit", "price_group", "computed_from",
             "discount", "notes"]
TAB_PAYMENTS = ["payment_form", "payment_term_on", "payment_term_days", "currency", "max_delay_days", "no_settle",
                "split_payment"]
TAB_MORE = ["email_domain", "carer", "corr_country", "corr_city", "corr_post_office", "corr_postal_code",
            "corr_street", "corr_building", "corr_flat"]
REQUIRED = ("code", "name")
PANES = [("tab-general", "Ogólne"), ("tab-trade", "Handlowe"), ("tab-payments", "Płatności"),
         ("tab-more", "Dodatkowe"), ("tab-attributes", "Atrybuty"), ("tab-jpk", "JPK")]
FIELD_PANES = {**{n: "tab-general" for n in TAB_GENERAL}, **{n: "tab-trade" for n in TAB_TRADE},
               **{n: "tab-payments" for n in (*TAB_PAYMENTS, "bank_accounts")},
               **{n: "tab-more" for n in (*TAB_MORE, "representatives")}, "attributes": "tab-attributes",
               "jpk_codes": "tab-jpk", "recipients": "tab-more"}
GRIDS = ("bank_accounts", "representatives", "attributes", "jpk_codes", "recipients")
# Reference fields: typed by code or picked from the dictionary's list (store.references kind, list key).
LOOKUPS = {
    "group_id": Reference("contractor_group", "contractor_groups"),
    "sales_category": Reference("category_income_code", "categories"),
    "purchase_category": Reference("category_cost_code", "categories"),
    "price_group": Reference("price_type_sale_name", "price_types"),
    "payment_form": Reference("payment_form", "payment_forms"),
    "currency": Reference("currency", "currencies"),
}
CONTRACTOR_REF = Reference("contractor_code", "contractors")


def _choices(field: str) -> list[tuple[str, object]]:
    if field == "status":
        return [(_(v), k) for k, v in STATUS_LABELS.items()]
    if field == "transaction_type":
        return [(_(v), k) for k, v in TRANSACTION_LABELS.items()]
    if field == "computed_from":
        return [(_(v), k) for k, v in COMPUTED_LABELS.items()]
    return []


def _to_widget(field: str, value):
    kind = CARD_FIELDS[field]
    if field == "group_id":
        return value or 0
    if kind in ("money", "percent"):
        return format(Decimal(value or 0), "f").replace(".", ",")
    if kind == "int":
        return str(value or 0)
    return value


def bank_columns() -> list[GridColumn]:
    return [GridColumn("number", label("number"), width=34), GridColumn("bank_name", _("Bank"), width=18),
            GridColumn("description", _("Opis"), width=14), GridColumn("currency", _("Waluta"), width=6),
            GridColumn("is_default", _("Domyślny"), "bool", width=8)]


def rep_columns() -> list[GridColumn]:
    return [GridColumn("name", _("Imię i nazwisko"), width=24), GridColumn("title", _("Tytuł"), width=12),
            GridColumn("phone", _("Telefon"), width=14), GridColumn("mobile", _("GSM"), width=14),
            GridColumn("email", _("E-mail"), width=22), GridColumn("is_default", _("Domyślny"), "bool", width=8),
            GridColumn("mailing", _("Mailing seryjny"), "bool", in_table=False),
            GridColumn("active", _("Aktywny"), "bool", in_table=False)]


def attribute_columns() -> list[GridColumn]:
    return [GridColumn("name", _("Atrybut"), width=20), GridColumn("value", _("Wartość"), width=40),
            GridColumn("append_to_document", _("Dokleić do opisu dokumentu"), "bool", width=10)]


def recipient_columns() -> list[GridColumn]:
    """REP-6 (OPEN): Kod, Nazwa, Miasto, Domyślny; a recipient is another contractor, typed by its code."""
    return [GridColumn("code", _("Kod kontrahenta"), "lookup", width=16, reference=CONTRACTOR_REF),
            GridColumn("name", _("Nazwa"), width=36, in_dialog=False, compute=lambda r: r.get("name", "")),
            GridColumn("city", _("Miasto"), width=16, in_dialog=False, compute=lambda r: r.get("city", "")),
            GridColumn("is_default", _("Domyślny"), "bool", width=8)]


def jpk_columns() -> list[GridColumn]:
    return [GridColumn("code", _("Kod"), width=16),
            GridColumn("kind", _("Rodzaj"), width=14, compute=lambda r: parties.jpk_kind((r.get("code") or "").upper()),
                       in_dialog=False)]


class ContractorCard(FormScreen):
    DEFAULT_CSS = """
    ContractorCard #card-title { text-style: bold; background: $primary 40%; padding: 0 1; }
    ContractorCard #card-stamps { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, contractor_id: int | None = None, *, copy_from: int | None = None,
                 operator: str = "") -> None:
        super().__init__()
        self.contractor_id, self.copy_from, self.operator = contractor_id, copy_from, operator
        self.meta: dict = {}

    # --- layout -------------------------------------------------------------------------------------
    def _field(self, name: str) -> FormField:
        kind = CARD_FIELDS[name]
        widget_kind = "lookup" if name in LOOKUPS else {"money": "str", "percent": "str", "int": "str"}.get(kind, kind)
        max_len = max_length(name)
        return FormField(name, label(name), widget_kind, choices=_choices(name),
                         max_length=max_len if kind == "str" else 0, required=name in REQUIRED,
                         reference=LOOKUPS.get(name))

    def field_label(self, name: str) -> str:
        return label(name)

    def compose(self) -> ComposeResult:
        with Vertical(id="form-body"):
            yield Static("", id="card-title")
            yield Static("", id="form-banner")
            yield Static("", id="form-errors")
            yield from self.compose_tabs([(pane_id, _(title)) for pane_id, title in PANES])
        yield KeyBar()

    def field_pane(self, name: str) -> str | None:
        return FIELD_PANES.get(name)

    def build_pane(self, pane_id: str) -> list:
        if pane_id == "tab-general":
            return [self._field(n) for n in TAB_GENERAL]
        if pane_id == "tab-trade":
            return [self._field(n) for n in TAB_TRADE] + [Static(self._credit_used_text(), id="credit-used")]
        if pane_id == "tab-payments":
            return [self._field(n) for n in TAB_PAYMENTS] + [
                GridField("bank_accounts", _("Rachunki bankowe"), bank_columns(),
                          default_group=lambda r: r.get("currency") or "PLN",
                          new_row=lambda: {"currency": "PLN", "is_default": False})]
        if pane_id == "tab-more":
            return [GridField("representatives", _("Przedstawiciele"), rep_columns(), default_group=lambda r: 0,
                              new_row=lambda: {"active": True, "is_default": False, "mailing": False}),
                    GridField("recipients", _("Odbiorcy"), recipient_columns(), default_group=lambda r: 0,
                              new_row=lambda: {"is_default": False})] + [self._field(n) for n in TAB_MORE]
        if pane_id == "tab-attributes":
            return [GridField("attributes", _("Atrybuty"), attribute_columns(),
                              new_row=lambda: {"append_to_document": False}),
                    Static(self._stamps_text(), id="card-stamps")]
        if pane_id == "tab-jpk":  # CTF-54
            return [GridField("jpk_codes", _("Domyślne kody JPK_V7 (procedury i kody towarowe)"), jpk_columns())]
        return []

    # --- loading ------------------------------------------------------------------------------------
    async def on_mount(self) -> None:
        if self.contractor_id:
            data = parties.card_data(self.contractor_id)
            self.meta = data.pop("meta")
            self.version = self.meta.get("version")
        elif self.copy_from:
            data = parties.copy_data(self.copy_from)
        else:
            data = parties.new_card_defaults()
        grids = {g: data.pop(g, []) for g in GRIDS}
        self.load({k: _to_widget(k, v) for k, v in data.items() if k in CARD_FIELDS}, grids)
        self.operator = self.operator or operator_login(self.app)
        state = parties.editable_state(self.contractor_id)
        grid_locks = {"bank_accounts": state["bank_accounts"]}
        if self.meta.get("main_code"):
            reason = state["fields"].get("code")
            grid_locks.update(representatives=reason, attributes=reason, jpk_codes=reason, recipients=reason)
            self.show_banner(reason or "")  # MRG-11
        self.set_locks(state["fields"], grid_locks)
        self._show_title(data)
        self.open_first_pane("tab-general")

    def load_current(self):
        data = parties.card_data(self.contractor_id)
        meta = data.pop("meta")
        grids = {g: data.pop(g, []) for g in GRIDS}
        return {k: _to_widget(k, v) for k, v in data.items() if k in CARD_FIELDS}, grids, meta.get("version")

    def _show_title(self, data: dict) -> None:
        if self.contractor_id:
            title = _("Kontrahent {code}").format(code=data.get("code", ""))
        elif self.copy_from:
            title = _("Kontrahent – nowy (kopia; zmień kod przed zapisem)")
        else:
            title = _("Kontrahent – nowy")
        self.query_one("#card-title", Static).update(title)

    def _credit_used_text(self) -> str:
        used = self.meta.get("credit_used") or Decimal("0.00")
        return _("Limit wykorzystany: {v}").format(v=format(used, "f").replace(".", ","))

    def _stamps_text(self) -> str:
        m = self.meta
        if not m:
            return ""
        stamps = _("Wprow.: {who} {at}   Zmod.: {who2} {at2}").format(  # CTF-62
            who=m["created_by"], at=f"{m['created_at']:%Y-%m-%d %H:%M}", who2=m["modified_by"],
            at2=f"{m['modified_at']:%Y-%m-%d %H:%M}")
        if m["duplicates"]:  # MRG-12
            stamps += "\n" + _("Duplikaty karty: {codes}").format(codes=", ".join(m["duplicates"]))
        return stamps

    # --- live helpers (CTF-10, CTF-23) -----------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "f-nip_country" or self._original is None:
            return
        prefix = event.value.strip().upper()
        if len(prefix) not in (0, 2) or not (prefix.isalpha() or prefix == ""):
            return
        for name, value in (("country", countries.country_name(prefix)), ("country_iso", countries.iso_of(prefix)),
                            ("transaction_type", countries.transaction_type_for(prefix))):
            self.set_value(name, value)

    # CTF-43, CTF-46: an amount/term is editable only while its check box is on.
    SWITCHED = {"credit_limit_on": "credit_limit", "overdue_limit_on": "overdue_limit",
                "payment_term_on": "payment_term_days"}

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        name = (event.checkbox.id or "").removeprefix("f-")
        if name in self.SWITCHED:
            self._apply_switch(name, event.value)

    def _apply_switch(self, switch: str, on: bool) -> None:
        target = self.form_fields().get(self.SWITCHED[switch])
        if target is not None and not target.lock_reason:
            target.disabled = not on

    def field_mounted(self, field: FormField) -> None:
        super().field_mounted(field)
        for switch, target in self.SWITCHED.items():
            if field.field_name == target and not field.lock_reason:
                field.disabled = not self.get_value(switch)

    def on_descendant_blur(self, event) -> None:
        widget = getattr(event, "widget", None) or getattr(event, "control", None)
        if getattr(widget, "id", None) != "f-postal_code":
            return
        raw = widget.value.strip()
        if (self.get_value("country_iso") or "PL").upper() == "PL" and len(raw) == 5 and raw.isdigit():
            widget.value = f"{raw[:2]}-{raw[2:]}"

    # --- saving -------------------------------------------------------------------------------------
    def unchanged_result(self):
        return self.contractor_id  # an unchanged existing card closes without writing

    def save_values(self, values: dict, grids: dict[str, list[dict]], confirm: bool):
        values = dict(values)
        if self.contractor_id:       # issue 16: only what this clerk changed, grids as changes by row
            values, grids = self.changed_values(values), self.grid_changes(grids)
        if "group_id" in values:
            values["group_id"] = values.get("group_id") or None
        c = parties.save_card(self.contractor_id, values, bank_accounts=grids.get("bank_accounts"),
                              representatives=grids.get("representatives"), attributes=grids.get("attributes"),
                              jpk_codes=grids.get("jpk_codes"), recipients=grids.get("recipients"), confirm=confirm,
                              operator=self.operator, version=self.version)
        return c.id
