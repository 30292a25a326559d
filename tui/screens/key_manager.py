"""Key manager screen (KEY-252): available modules, checked-out modules, key list; F5 refresh,
Ctrl+F5/Ctrl+U re-verify, Insert add key, Delete remove key (or release a group's seats), Ctrl+F6/F6
offline activation, Esc close. Works on a keys.manager.KeyManager handed in by the app."""
from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, DataTable, Footer, Input, Static, TabbedContent, TabPane

from store.i18n import _

COLOURS = {"green": "green", "yellow": "yellow", "red": "red"}
TYPE_COLOURS = {"standard": "olive", "partner": "purple", "firm": "#87cefa", "multi_firm": "orange1"}
TYPE_LABELS = {"standard": "standardowy", "partner": "partnerski", "firm": "firmowy", "multi_firm": "wielofirmowy"}
KIND_LABELS = {"session": "sesja", "service": "usługa", "named": "nazwany"}


def _ts(value: float | None) -> str:
    return dt.datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M") if value else ""


class _Confirm(ModalScreen[bool]):
    license_free = True  # licensing's own screens stay usable when the session's seats are gone
    DEFAULT_CSS = """
    _Confirm { align: center middle; }
    _Confirm > Vertical { width: 70; height: auto; max-width: 100%; max-height: 100%; overflow-y: auto; border: thick $warning; background: $surface; padding: 1 2; }
    _Confirm Horizontal { height: auto; align-horizontal: center; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,n", "answer(False)", _("Nie"), key_display="Esc"),
                Binding("t", "answer(True)", _("Tak"), show=False)]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message, id="confirm-message")
            with Horizontal():
                yield Button(_("Tak"), id="yes", variant="warning")
                yield Button(_("Nie"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class _Message(ModalScreen[None]):
    license_free = True
    DEFAULT_CSS = """
    _Message { align: center middle; }
    _Message > Vertical { width: 80; height: auto; max-width: 100%; max-height: 100%; overflow-y: auto; border: thick $primary; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,enter", "dismiss", _("Zamknij"), key_display="Esc")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message, id="message-text")


class AddKeyDialog(ModalScreen[str | None]):
    """KEY-253: Plik licencji, ID Klienta, PIN (masked), Nr klucza, Adres e-mail. Errors keep the fields."""

    license_free = True

    DEFAULT_CSS = """
    AddKeyDialog { align: center middle; }
    AddKeyDialog > Vertical { width: 84; height: auto; max-width: 100%; max-height: 100%; overflow-y: auto; border: thick $primary; background: $surface; padding: 1 2; }
    AddKeyDialog #add-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def __init__(self, manager, ask_email: bool) -> None:
        super().__init__()
        self.manager, self.ask_email = manager, ask_email

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Dodaj klucz"))
            yield Input(placeholder=_("Plik licencji (ścieżka)"), id="add-path")
            yield Input(placeholder=_("ID Klienta"), id="add-client")
            yield Input(placeholder=_("PIN"), password=True, id="add-pin")
            yield Input(placeholder=_("Nr klucza"), id="add-key")
            if self.ask_email:
                yield Input(placeholder=_("Adres e-mail Administratora"), id="add-email")
            yield Static("", id="add-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        idx = inputs.index(event.input)
        if idx < len(inputs) - 1:
            inputs[idx + 1].focus()
            return
        self.submit()

    def submit(self) -> None:
        from keys.errors import LicenseError

        value = {i.id: i.value.strip() for i in self.query(Input)}
        try:
            outcome = self.manager.add_license(value["add-path"], client_id=value["add-client"],
                                               pin=self.query_one("#add-pin", Input).value,
                                               key_number=value["add-key"], email=value.get("add-email") or None)
        except LicenseError as exc:
            self.query_one("#add-error", Static).update(str(exc))
            return
        self.dismiss(outcome)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ActivationDialog(ModalScreen[bool]):
    """KEY-245/246/248: the request code (full or temporary) and a field for the response code."""

    license_free = True

    DEFAULT_CSS = """
    ActivationDialog { align: center middle; }
    ActivationDialog > Vertical { width: 100; height: auto; max-width: 100%; max-height: 100%; overflow-y: auto; border: thick $primary; background: $surface; padding: 1 2; }
    ActivationDialog #act-request { border: round $accent; padding: 0 1; }
    ActivationDialog #act-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def __init__(self, manager, key_number: str) -> None:
        super().__init__()
        self.manager, self.key_number = manager, key_number

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Aktywacja offline klucza {nr_klucza}: przekaż producentowi kod żądania, a otrzymany kod "
                           "aktywacyjny wpisz poniżej.").format(nr_klucza=self.key_number))
            yield Checkbox(_("Aktywacja tymczasowa (24 h)"), id="act-temporary")
            yield Static("", id="act-request")
            yield Input(placeholder=_("Kod aktywacyjny"), id="act-code")
            yield Static("", id="act-error")

    def on_mount(self) -> None:
        self._new_request(False)
        self.query_one("#act-code", Input).focus()

    def _new_request(self, temporary: bool) -> None:
        code = self.manager.activation_request(self.key_number, temporary=temporary)
        self.query_one("#act-request", Static).update(code)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._new_request(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from keys.errors import LicenseError

        try:
            self.manager.apply_code(self.key_number, event.value)
        except LicenseError as exc:  # KEY-120: the typed code stays for correction
            self.query_one("#act-error", Static).update(str(exc))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class KeyManagerScreen(Screen):
    """The key manager. `is_admin` (the operator's administrator flag) gates changes (KEY-251): without it the
    lists are read-only and say so; keys/ refuses the changes as well."""

    license_free = True

    DEFAULT_CSS = """
    KeyManagerScreen #km-status { height: auto; padding: 0 1; }
    KeyManagerScreen #km-key { height: auto; padding: 0 1; color: $text-muted; }
    KeyManagerScreen #km-rights { height: auto; padding: 0 1; color: $warning; }
    KeyManagerScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "close", _("Zamknij"), key_display="Esc"),
        Binding("f5", "refresh", _("Odśwież"), key_display="F5"),
        Binding("ctrl+f5,ctrl+u", "update", _("Aktualizuj moduły"), key_display="^F5/^U"),
        Binding("insert,ctrl+n", "add_key", _("Dodaj klucz"), key_display="Ins/^N"),
        Binding("delete", "delete", _("Usuń"), key_display="Del"),
        Binding("ctrl+f6,f6", "activate", _("Aktywacja offline"), key_display="^F6/F6"),
    ]

    def __init__(self, manager, *, is_admin: bool | None = None, version: str = "",
                 release_date: dt.date | None = None):
        super().__init__()
        from keys import RELEASE_DATE, VERSION

        self.manager = manager
        self.is_admin = manager.is_admin if is_admin is None else is_admin
        self.version, self.release_date = version or VERSION, release_date or RELEASE_DATE
        self.selected_key: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Menadżer kluczy — Filia {wersja} ({data})").format(
            wersja=self.version, data=self.release_date.isoformat()), id="km-title")
        yield Static("", id="km-status")
        if not self.is_admin:
            yield Static(_("Ta funkcja wymaga uprawnień administratora.") + " " + _("Lista tylko do odczytu."),
                         id="km-rights")
        yield Static("", id="km-key")
        with TabbedContent(id="km-tabs"):
            with TabPane(_("Dostępne moduły"), id="tab-modules"):
                yield DataTable(id="km-modules", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Pobrane moduły"), id="tab-seats"):
                yield DataTable(id="km-seats", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Konfiguracja"), id="tab-config"):
                yield Static("", id="km-store")
                yield DataTable(id="km-keys", cursor_type="row")
                yield DataTable(id="km-nips", cursor_type="row", show_cursor=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#km-modules", DataTable).add_columns(
            _("Numer"), _("Moduł"), _("Ilość początkowa"), _("Ilość aktualna"), _("Opcje"), _("Data ważności"),
            _("Stan"))
        self.query_one("#km-seats", DataTable).add_columns(
            _("Moduł"), _("Operator"), _("Użytkownik systemu"), _("Komputer"), _("Połączenie"), _("Pobrano"),
            _("Ostatnie odświeżenie"), _("Rodzaj"))
        self.query_one("#km-nips", DataTable).add_columns(_("NIP klucza wielofirmowego"))
        self.action_refresh()

    # --- data -----------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """F5: re-read the key store (runs the idle purge) and redraw every table."""
        from keys.errors import LicenseError

        km = self.manager
        try:
            views = km.keys()
            seat_rows = km.seats()
            problem = ""
        except LicenseError as exc:  # e.g. the clock was moved back
            views, seat_rows, problem = [], [], str(exc)
        numbers = [v.key_number for v in views]
        if self.selected_key not in numbers:
            self.selected_key = km.key_number if km.key_number in numbers else (numbers[0] if numbers else None)
        text, colour = km.status() if not problem else (problem, "red")
        warning = km.activation_warning() if not problem and km.store else ""
        self.query_one("#km-status", Static).update(Text(text + (f"\n{warning}" if warning else ""),
                                                         style=COLOURS.get(colour, "")))
        view = next((v for v in views if v.key_number == self.selected_key), None)
        self.query_one("#km-key", Static).update(
            f"{_('Klucz')}: {view.key_number} [{view.identification}] — {view.state_label}" if view
            else (km.demo_reason() or _("Brak kluczy.")))
        self._fill_modules(view)
        self._fill_seats([s for s in seat_rows if view and s.key_number == view.key_number])
        self._fill_keys(views)
        self._fill_nips(view)

    def _fill_modules(self, view) -> None:
        table = self.query_one("#km-modules", DataTable)
        table.clear()
        for m in (view.modules if view else ()):
            style = COLOURS[m.colour]
            state = m.reason or m.warning or _("dostępny")
            mark = "⚠ " if m.state == "subscription_expired" else ""
            table.add_row(*(Text(str(c), style=style) for c in (
                m.number, mark + m.name, m.seats_initial, m.seats_current, ", ".join(m.options), m.expiry.isoformat(),
                state)), key=m.code)

    def _fill_seats(self, rows) -> None:
        table = self.query_one("#km-seats", DataTable)
        table.clear()
        for i, s in enumerate(rows):
            conn = _("lokalne") if s.connection == "local" else s.connection.split(" ")[0]
            table.add_row(s.module_code, s.operator, s.os_user, s.host, conn, _ts(s.started_at), _ts(s.refreshed_at),
                          _(KIND_LABELS.get(s.kind, s.kind)), key=f"{s.group_id}:{i}")

    def _fill_keys(self, views) -> None:
        table = self.query_one("#km-keys", DataTable)
        table.clear(columns=True)
        limit_col = any(v.time_limit for v in views)  # KEY-80
        cols = [_("Dane identyfikacyjne firmy"), _("Nr klucza"), _("Typ"), _("Stan"), _("Aktywny do")]
        table.add_columns(*(cols + ([_("Ograniczenie czasowe klucza")] if limit_col else [])))
        for v in views:
            style = "red" if v.colour == "red" and v.time_limit else TYPE_COLOURS.get(v.key_type, "")
            row = [v.identification, v.key_number, _(TYPE_LABELS.get(v.key_type, "")), v.state_label,
                   _ts(v.active_until)]
            if limit_col:
                row.append("" if v.key_type == "partner" else (v.time_limit.isoformat() if v.time_limit
                                                                else _("Bez ograniczeń")))
            table.add_row(*(Text(str(c), style=style) for c in row), key=v.key_number)
        km = self.manager
        path = km.store.path if km.store else "—"
        inst = km.store.installation_id if km.store else "—"
        self.query_one("#km-store", Static).update(
            f"{_('Magazyn kluczy')}: {path}\n{_('Identyfikator instalacji')}: {inst}")
        if self.selected_key in [v.key_number for v in views]:
            table.move_cursor(row=[v.key_number for v in views].index(self.selected_key))

    def _fill_nips(self, view) -> None:
        table = self.query_one("#km-nips", DataTable)
        table.clear()
        if view and view.key_type == "multi_firm":  # KEY-78
            for nip in view.nips:
                table.add_row(nip)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "km-keys" and event.row_key and event.row_key.value != self.selected_key:
            self.selected_key = event.row_key.value
            self.call_after_refresh(self.action_refresh)

    # --- actions ----------------------------------------------------------------------------------

    def _admin(self) -> bool:
        if not self.is_admin:
            self.notify(_("Ta funkcja wymaga uprawnień administratora."), severity="error")
        return self.is_admin

    def action_close(self) -> None:
        self.dismiss()

    def action_update(self) -> None:
        """Ctrl+F5: re-verify every stored license and re-evaluate (KEY-107)."""
        self.manager.refresh(reverify=True)
        self.action_refresh()
        self.notify(_("Zaktualizowano moduły."))

    def action_add_key(self) -> None:
        if not self._admin():
            return
        ask_email = not (self.manager.store and self.manager.store.settings().get("admin_email"))

        def done(outcome):
            if outcome:
                self.action_refresh()
                self.notify(_("Dodano klucz."))

        self.app.push_screen(AddKeyDialog(self.manager, ask_email), done)

    def action_delete(self) -> None:
        if not self._admin():
            return
        tabs = self.query_one("#km-tabs", TabbedContent)
        if tabs.active == "tab-seats":
            self._release_selected_group()
        else:
            self._remove_selected_key()

    def _remove_selected_key(self) -> None:
        from keys.errors import LicenseError

        key = self.selected_key
        if not key:
            return
        question = _("Po usunięciu klucza {nr_klucza} jego moduły przestaną być dostępne w tej instalacji. Aby "
                     "aktywować klucz na innym komputerze, przekaż producentowi kod dezaktywacji, który zostanie "
                     "wyświetlony. Czy usunąć wybrany klucz?").format(nr_klucza=key)

        def answered(yes: bool) -> None:
            if not yes:
                return
            try:
                code = self.manager.remove_key(key)
            except LicenseError as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.action_refresh()
            self.app.push_screen(_Message(_("Usunięto klucz {nr_klucza}. Kod dezaktywacji dla producenta:").format(
                nr_klucza=key) + "\n\n" + code))

        self.app.push_screen(_Confirm(question), answered)

    def _release_selected_group(self) -> None:
        from keys.errors import LicenseError

        table = self.query_one("#km-seats", DataTable)
        if not table.row_count or not self.selected_key:
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        group = row_key.split(":")[0]
        who = table.get_row(row_key)[1] or table.get_row(row_key)[2]

        def answered(yes: bool) -> None:
            if yes:
                try:
                    self.manager.release_group(self.selected_key, group)
                except LicenseError as exc:
                    self.notify(str(exc), severity="error", timeout=10)
                self.action_refresh()

        self.app.push_screen(_Confirm(_("Zwolnić moduły pobrane przez {kto}?").format(kto=who)), answered)

    def action_activate(self) -> None:
        if not self._admin() or not self.selected_key:
            return

        def done(ok):
            if ok:
                self.action_refresh()

        self.app.push_screen(ActivationDialog(self.manager, self.selected_key), done)
