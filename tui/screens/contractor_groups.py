"""Contractor groups (CTF-5): a small dictionary list and form. Opened from the contractor card's group field
(Tab/F4 in the empty field): Enter picks, Insert adds a group and picks it (Optima's <NOWA…>)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from store.i18n import _
from store.parties import groups
from tui.screens.list_screen import ListBehaviour
from tui.widgets.form import FormField, FormScreen
from tui.widgets.key_bar import KeyBar


class ContractorGroupForm(FormScreen):
    DEFAULT_CSS = """
    ContractorGroupForm #card-title { text-style: bold; background: $primary 40%; padding: 0 1; }
    ContractorGroupForm #group-fields { height: 1fr; padding: 0 1; }
    """

    def __init__(self, group_id: int | None = None, *, copy_from: int | None = None) -> None:
        super().__init__()
        self.group_id, self.copy_from = group_id, copy_from

    def compose(self) -> ComposeResult:
        with Vertical(id="form-body"):
            title = _("Grupa kontrahentów") + " – " + (_("zmiana") if self.group_id else _("nowa"))
            yield Static(title, id="card-title")
            yield Static("", id="form-banner")
            yield Static("", id="form-errors")
            with VerticalScroll(id="group-fields", can_focus=False):
                yield FormField("code", _("Kod"), max_length=20, required=True)
                yield FormField("description", _("Opis"), max_length=120)
        yield KeyBar()

    def on_mount(self) -> None:
        values = groups.group_values(self.group_id or self.copy_from)
        if self.copy_from and not self.group_id:
            values["code"] = ""
        self.load(values)
        self.focus_first_field()
        self.call_after_refresh(self.mark_clean)

    def unchanged_result(self):
        return self.group_id

    def save_values(self, values: dict, grids: dict, confirm: bool):
        return groups.save_group(self.group_id, values)

    def load_current(self):
        return groups.group_values(self.group_id), {}, None


def behaviour() -> ListBehaviour:
    return ListBehaviour(key="contractor_groups", title=_("Grupy kontrahentów"), spec=groups.group_list,
                         card=lambda record_id, copy_from=None: ContractorGroupForm(record_id, copy_from=copy_from),
                         delete=groups.delete_group, describe=lambda row: str(row[1]))
