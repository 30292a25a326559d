"""First-run wizard as a TUI form: role and costing method (fixed for ever), company stamp, ADMIN."""
from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Label, Select, Static

from store.errors import FiliaError, ValidationError
from store.i18n import _

FIELDS = [  # (id, label, password)
    ("company_name", "Nazwa firmy", False), ("nip", "NIP", False), ("regon", "REGON", False),
    ("street", "Ulica", False), ("building", "Nr domu", False), ("postal_code", "Kod pocztowy", False),
    ("city", "Miejscowość", False), ("branch_symbol", "Symbol oddziału (tylko oddział)", False),
    ("exchange_folder", "Katalog pliku wymiany (tylko oddział)", False),
    ("admin_password", "Hasło operatora ADMIN", True),
]


class SetupWizardApp(App[bool]):
    """The form only collects the data: `create(SetupData)` (store.setup.create_company for `filia init`)
    creates the database when Ctrl+S is pressed, so leaving the wizard leaves nothing behind."""

    CSS = """
    .field-error { color: $error; height: auto; }
    .fixed-note { color: $warning; }
    Input, Select { width: 70; }
    """
    # Ctrl+S is not a priority key: it must run after the characters typed just before it reach their field.
    BINDINGS = [Binding("ctrl+s", "create", _("Utwórz bazę"), key_display="^S"),
                Binding("escape", "cancel", _("Przerwij"), key_display="Esc")]

    def __init__(self, create) -> None:
        super().__init__()
        self.create = create

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("[b]Filia – tworzenie nowej bazy firmy[/b]"))
            yield Static(_("Rola bazy i metoda rozchodu są ustalane raz, na zawsze (SETUP-1, SETUP-2)."),
                         classes="fixed-note")
            yield Label(_("Rola bazy"))
            yield Select([(_("samodzielna"), "standalone"), (_("centrala"), "hq"), (_("oddział"), "branch")],
                         value="standalone", allow_blank=False, id="role")
            yield Static("", id="error-role", classes="field-error")
            yield Label(_("Metoda rozchodu magazynu"))
            yield Select([("FIFO", "FIFO"), ("LIFO", "LIFO"), (_("wg ilości"), "QUAN")], value="FIFO",
                         allow_blank=False, id="costing_method")
            yield Static("", id="error-costing_method", classes="field-error")
            for field_id, label, password in FIELDS:
                yield Label(_(label))
                yield Input(id=field_id, password=password)
                yield Static("", id=f"error-{field_id}", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#role", Select).focus()

    def values(self) -> dict:
        data = {f: self.query_one(f"#{f}", Input).value for f, _l, _p in FIELDS}
        data["role"] = self.query_one("#role", Select).value
        data["costing_method"] = self.query_one("#costing_method", Select).value
        return data

    def action_create(self) -> None:
        from store.setup import SetupData

        for err in self.query(".field-error"):
            err.update("")
        try:
            self.create(SetupData(**self.values()))
        except ValidationError as exc:
            for field, message in exc.errors.items():
                for widget in self.query(f"#error-{field}"):
                    widget.update(message)
            first = next(iter(exc.errors))
            for widget in self.query(f"#{first}"):
                widget.focus()
            self.notify(_("Popraw zaznaczone pola – nic nie zapisano."), severity="error")
            return
        except FiliaError as exc:
            self.notify(str(exc), severity="error")
            return
        self.exit(True)

    def action_cancel(self) -> None:
        self.exit(False)
