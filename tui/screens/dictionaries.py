"""The catalogue dictionaries: each is a registry list (the generic list engine) plus a small form.

Insert/Ctrl+N add, F2/Ctrl+J (Enter) open, Ctrl+Insert/Ctrl+K copy, Delete delete (refused with the
reason when the entry is in use), Ctrl+S save, Esc close. In a branch the HQ-owned dictionaries are
read-only and the form says why. The currency rates list also imports the NBP tables (palette)."""
from __future__ import annotations

import datetime as dt
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from store.catalog import dict_versions, list_specs
from store.errors import FiliaError
from store.i18n import _
from tui.screens.list_screen import ListBehaviour
from tui.widgets.form import FormField, FormScreen, GridColumn, GridField
from tui.widgets.key_bar import KeyBar
from tui.widgets.prompt import PromptDialog

# Main menu areas of the dictionaries (label, list key).
MENU = [("Ogólne", "goods_groups"), ("Ogólne", "categories"), ("Ogólne", "attributes"), ("Ogólne", "units"),
        ("Ogólne", "vat_rates"), ("Handel", "price_types"), ("Kasa/Bank", "payment_forms"),
        ("Magazyn", "warehouses"), ("Kasa/Bank", "currencies"), ("Kasa/Bank", "rate_types"),
        ("Kasa/Bank", "currency_rates"), ("Kasa/Bank", "banks"), ("Ogólne", "tax_offices"),
        ("Ogólne", "localities"), ("Handel", "cn_codes"), ("Magazyn", "packaging_schemes"),
        ("Handel", "producers"), ("Handel", "brands")]


class DictionaryForm(FormScreen):
    DEFAULT_CSS = """
    DictionaryForm #card-title { text-style: bold; background: $primary 40%; padding: 0 1; }
    DictionaryForm #dict-fields { height: 1fr; padding: 0 1; }
    DictionaryForm .card-note { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, key: str, entry_id: int | None = None, *, copy_from: int | None = None,
                 parent_id: int | None = None) -> None:
        super().__init__()
        self.key, self.entry_id, self.copy_from, self.parent_id = key, entry_id, copy_from, parent_id
        self.view = list_specs.DICTIONARIES[key]
        self.fields = list_specs.form_fields(key)
        self.original_values: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="form-body"):
            yield Static("", id="card-title")
            yield Static("", id="form-banner")
            yield Static("", id="form-errors")
            with VerticalScroll(id="dict-fields", can_focus=False):
                for name, label, kind, choices in self.fields:
                    yield FormField(name, label, kind, choices=choices)
                if self.key == "goods_groups" and self.entry_id:
                    yield Static(_("Ścieżka: {p}").format(p=list_specs.group_path(self.entry_id)), classes="card-note")
                if self.key == "attributes":
                    yield GridField("values", _("Wartości do wyboru (atrybut typu lista)"),
                                    [GridColumn("value", _("Wartość"), width=50)])
        yield KeyBar()

    def on_mount(self) -> None:
        self.version = dict_versions.entry_version(self.key, self.entry_id)
        values = list_specs.form_values(self.key, self.entry_id or self.copy_from)
        if self.parent_id and "parent" in values and not self.entry_id:
            values["parent"] = self.parent_id                     # a sub-group added from the tree
        grids = {}
        if self.key == "attributes":
            self.original_values = list_specs.attribute_values(self.entry_id) if self.entry_id else []
            grids["values"] = [dict(r) for r in self.original_values] if self.entry_id else (
                [{"value": r["value"]} for r in list_specs.attribute_values(self.copy_from)] if self.copy_from else [])
        self.load(values, grids)
        reason = list_specs.edit_refusal(self.key)
        if reason:
            self.set_locks({name: reason for name, *_rest in self.fields}, {"values": reason})
            self.show_banner(reason)
        title = _(self.view.title)
        suffix = _("nowy") if not self.entry_id else _("zmiana")
        self.query_one("#card-title", Static).update(f"{title} – {suffix}")
        self.focus_first_field()
        self.call_after_refresh(self.mark_clean)

    def unchanged_result(self):
        return self.entry_id

    def load_current(self):
        grids = {"values": [dict(r) for r in list_specs.attribute_values(self.entry_id)]} \
            if self.key == "attributes" else {}
        return (list_specs.form_values(self.key, self.entry_id), grids,
                dict_versions.entry_version(self.key, self.entry_id))

    def save_values(self, values: dict, grids: dict[str, list[dict]], confirm: bool):
        if self.entry_id is not None and self.key != "rates":     # issue 16: only the fields the clerk changed
            values = self.changed_values(values)
        saved = dict_versions.save_form_checked(self.key, self.entry_id, values, self.version)
        if self.key == "attributes" and "values" in grids:
            try:
                list_specs.save_attribute_values(saved, self.original_values, grids["values"])
            except FiliaError:
                if self.entry_id is None:
                    list_specs.delete_form(self.key, saved)   # a new attribute is not left half-saved
                raise
        return saved


def _card(key: str, record_id, copy_from=None):
    return DictionaryForm(key, record_id, copy_from=copy_from)


def import_nbp(screen) -> None:
    """Currency rates list: fetch the NBP table of a day (empty = the latest) for every NBP rate type."""
    from store.catalog.roles import catalog_edit_refusal

    reason = catalog_edit_refusal("rates")
    if reason:
        screen.notify(reason, title=_("Kursy NBP"), severity="error", timeout=10)
        return

    def chosen(text: str | None) -> None:
        if text is None:
            return
        try:
            on = dt.date.fromisoformat(text.strip()) if text.strip() else None
        except ValueError:
            screen.notify(_("Wpisz datę w postaci RRRR-MM-DD."), severity="error")
            return
        types = [name for _label, name in list_specs.rate_type_choices_nbp()]

        def job() -> None:
            from sync.nbp import import_rates

            lines = []
            for name in types:
                try:
                    result = import_rates(on, rate_type=name)
                    lines += result.log
                except FiliaError as exc:
                    lines.append(f"{name}: {exc}")
            screen.app.call_from_thread(screen.notify, "\n".join(lines) or _("Brak typów kursów pobieranych z NBP."),
                                        title=_("Kursy NBP"), timeout=12)
            screen.app.call_from_thread(screen.action_refresh)
        screen.run_worker(job, thread=True, exclusive=True, group="nbp")

    screen.app.push_screen(PromptDialog(_("Pobierz kursy NBP z dnia (RRRR-MM-DD; puste = ostatnia tabela):"),
                                        dt.date.today().isoformat()), chosen)


def behaviour(key: str) -> ListBehaviour:
    view = list_specs.DICTIONARIES[key]
    serial = [("nbp", _("Pobierz kursy NBP"), import_nbp)] if key == "currency_rates" else []
    if key == "goods_groups":
        from tui.screens.group_tree import open_group_tree

        serial = [("tree", _("Drzewo grup"), open_group_tree)]
    return ListBehaviour(
        key=key, title=_(view.title), spec=list_specs.spec_factory(key),
        card=partial(_card, key), delete=partial(list_specs.delete_form, key),
        describe=lambda row: " – ".join(str(v) for v in row[1:3] if v not in (None, "")),
        serial=serial)


def dictionary_lists() -> dict:
    return {key: partial(behaviour, key) for key in list_specs.DICTIONARIES}
