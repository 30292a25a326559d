"""FiliaApp: login, main menu, lists and cards, status line, command palette, help."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.command import Hit, Hits, Provider
from textual.widgets import Static

from store.i18n import _, register_locale_dir
from tui import keymap
from tui.crash import CrashGuard
from tui.key_order import KeyOrder

register_locale_dir(Path(__file__).with_name("locale"))


class StatusLine(Static):
    """Company, operator, role, database and license state; on every full screen (top line)."""

    DEFAULT_CSS = "StatusLine { dock: top; height: 1; background: $panel; color: $text-muted; padding: 0 1; }"


class FiliaCommands(Provider):
    """Command palette (F11/Ctrl+O, Optima's "Funkcje dodatkowe"): app and current-screen actions."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app: FiliaApp = self.app  # type: ignore[assignment]
        for label, callback in app.palette_commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(app.run_palette_command, callback))

    async def discover(self) -> Hits:
        app: FiliaApp = self.app  # type: ignore[assignment]
        for label, callback in app.palette_commands():
            yield Hit(1, label, partial(app.run_palette_command, callback))


class FiliaApp(CrashGuard, KeyOrder, App):
    TITLE = "Filia"
    COMMANDS = {FiliaCommands}
    COMMAND_PALETTE_BINDING = "f11"      # Ctrl+P stays free for printing (optima_keys.md)
    BINDINGS = keymap.bindings("app")
    CSS = """
    Screen { background: $surface; }
    """

    def __init__(self, db_url: str, *, operator_login: str | None = None, seats=None, seats_factory=None) -> None:
        super().__init__()
        self.db_url = db_url
        self.auto_login = operator_login
        self.operator = None
        self.seats = seats          # keys/ seat manager (module checkout), optional
        # Built after the first frame: the key manager imports cryptography (~50 ms of start-up).
        self.seats_factory = seats_factory
        self.init_key_order()
        self.animation_level = "none"  # smooth scrolling costs seconds on big lists and over SSH

    # --- start-up -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusLine("", id="status-line")

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._ensure_status_line)
        user = keymap.user_keymap()
        if user:
            self.set_keymap(user)
        if self.seats_factory is not None:
            if not self.auto_login:
                from tui.screens.login import LoginScreen

                self.push_screen(LoginScreen(self.logged_in))
            self.call_after_refresh(self._start_licensing)
            return
        self._start_session()

    def _start_licensing(self) -> None:
        self.seats, self.seats_factory = self.seats_factory(), None
        self.update_status_line()
        if self.auto_login:
            self._start_session()

    def _start_session(self) -> None:
        if self.auto_login:
            from store.config import Operator

            self.logged_in(Operator.get(Operator.login == self.auto_login))
        else:
            from tui.screens.login import LoginScreen

            self.push_screen(LoginScreen(self.logged_in))

    def logged_in(self, operator) -> None:
        from store.base import set_session_operator
        from tui.screens.main_menu import MainMenu

        if self.seats_factory is not None:  # a login typed ahead of the licensing start-up
            self.seats, self.seats_factory = self.seats_factory(), None
        if self.seats is not None:
            self.seats.manager.set_operator(operator.login, is_admin=operator.is_admin)
            refusal = self.seats.enter_module("START")  # the session's own seat, held until exit
            if refusal:
                self.notify(refusal, title=_("Brak wolnej licencji"), severity="error", timeout=15)
                return
            self.set_interval(self.seats.manager.heartbeat_s, self._seat_heartbeat)
        self.operator = operator
        set_session_operator(operator.login)   # stamped on every change, named in stale-save refusals
        self.update_status_line()
        if isinstance(self.screen, MainMenu):
            return
        if len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(MainMenu())

    def _seat_heartbeat(self) -> None:
        from tui.seats import heartbeat

        heartbeat(self)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Every key, menu and palette action passes the license gate first (tui/seats.py, issue 15)."""
        if self.seats is not None:
            from tui.seats import allowed

            target, name, _params = self._parse_action(action, self if default_namespace is None
                                                       else default_namespace, namespaces)
            if not allowed(self, target, name):
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def run_palette_command(self, command) -> None:
        from tui.seats import allowed_callback

        super().run_palette_command(lambda: allowed_callback(self, command) and self.run_guarded_command(command))

    def note_keystroke(self) -> None:
        if self.seats is not None:
            self.seats.touch()  # every keystroke is activity: keeps the seats from idle release

    def status_text(self) -> str:
        from store import config

        comp = config.company()
        role = config.role()
        parts = [comp.name if comp else _("(brak firmy)"),
                 _("operator: {login}").format(login=self.operator.login if self.operator else "—"),
                 _("rola: {role}").format(role=config.role_label(role) if role else "—")]
        if self.seats is not None:
            parts.append(self.seats.status_line())
        # the file name is enough on one line; F1 and the company screen show the full path
        parts.append(_("baza: {name}").format(name=self.db_url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]))
        return " | ".join(parts)

    def _ensure_status_line(self, screen) -> None:
        """Every full screen, ours or a helper's, shows the status line (DEMO must be visible everywhere)."""
        from textual.screen import ModalScreen

        if isinstance(screen, ModalScreen) or not screen.is_attached:
            return
        if not screen.query(StatusLine):
            screen.mount(StatusLine(self.status_text()))
        else:
            line, text = screen.query_one(StatusLine), self.status_text()
            if str(line.content) != text:      # a screen back on top: no layout of it for the same text
                line.update(text)

    def update_status_line(self) -> None:
        text = self.status_text()
        for screen in self.screen_stack:
            for line in screen.query(StatusLine):
                line.update(text)
        self.sub_title = text

    def on_screen_resume(self) -> None:
        self.update_status_line()

    # --- actions --------------------------------------------------------------------------
    def action_open_list(self, key: str, lookup: bool = False):
        from tui.lists import LISTS
        from tui.screens.list_screen import ListScreen

        behaviour = LISTS[key]()
        if behaviour.module and self.seats is not None:
            refusal = self.seats.enter_module(behaviour.module)
            if refusal:
                self.notify(refusal, title=_("Brak wolnej licencji"), severity="error", timeout=10)
                return None
        screen = ListScreen(behaviour, lookup=lookup)

        def closed(_result, module=behaviour.module):
            if module and self.seats is not None:
                self.seats.leave_module(module)  # the seat goes back when the module screen closes

        self.push_screen(screen, closed)
        return screen

    def action_list_command(self, command_id: str) -> None:
        """A key bound to one of the current list's own commands (ListBehaviour.serial, by id)."""
        behaviour = getattr(self.screen, "behaviour", None)
        for cid, _label, fn in getattr(behaviour, "serial", None) or []:
            if cid == command_id:
                self.run_guarded_command(fn, self.screen)
                return
        self.bell()

    def run_guarded_command(self, fn, *args) -> None:
        """A list or palette command that writes: a refusal or a database problem is said in Polish and
        the session goes on (issue 16 §3)."""
        from store.errors import FiliaError

        try:
            fn(*args)
        except FiliaError as exc:
            self.bell()
            self.notify(str(exc), severity="error", timeout=10)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from tui.palette import FiliaPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(FiliaPalette(id="--command-palette"))

    def action_help_quit(self) -> None:
        """Ctrl+C (a reflex to quit): say in Polish how to quit."""
        self.notify(_("Aby zakończyć pracę, naciśnij Ctrl+Q."), title=_("Zakończyć?"))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, help_keys

        focused = self.focused
        text = getattr(focused, "HELP", None) or getattr(self.screen, "HELP", None)
        text = _(text) if text else \
            _("Filia: wszystkie funkcje są dostępne z klawiatury. F11 lub Ctrl+O otwiera listę operacji.")
        self.push_screen(HelpScreen(text, help_keys(self.screen)))

    def action_key_diagnostics(self) -> None:
        from tui.screens.help import KeyDiagnostics

        self.push_screen(KeyDiagnostics())

    def action_key_manager(self) -> None:
        try:
            from tui.screens.key_manager import KeyManagerScreen
        except ImportError:
            self.notify(_("Menadżer kluczy nie jest dostępny."), severity="warning")
            return
        if self.seats is None:
            self.notify(_("Menadżer kluczy nie jest skonfigurowany."), severity="warning")
            return
        self.push_screen(KeyManagerScreen(self.seats.manager,
                                          is_admin=bool(self.operator and self.operator.is_admin)))

    def action_exchange(self) -> None:
        from tui.screens.exchange import ExchangeScreen

        self.push_screen(ExchangeScreen())

    def action_trade_options(self) -> None:
        """*Parametry handlu* (SETUP-12, SETUP-15)."""
        from tui.screens.trade_options import TradeOptionsScreen

        self.push_screen(TradeOptionsScreen())

    def action_show_company(self) -> None:
        from store import config

        comp = config.company()
        lines = [f"{_('Firma')}: {comp.name if comp else '—'}", f"NIP: {comp.nip if comp else ''}"]
        for key, label in (("role", _("Rola bazy")), ("costing_method", _("Metoda rozchodu"))):
            lines.append(f"{label}: {config.get_setting(key)}  ({_('tylko do odczytu')}: {config.fixed_reason(key)})")
        self.notify("\n".join(lines), title=_("Konfiguracja firmy"), timeout=12)

    def action_refresh_config(self) -> None:
        self.update_status_line()
        self.notify(_("Odświeżono konfigurację."))

    def unsaved_screens(self) -> list:
        from tui.seats import unsaved

        return [s for s in self.screen_stack if unsaved(s)]

    def action_request_quit(self) -> None:
        from tui.widgets.confirm import ConfirmDialog

        if not self.unsaved_screens():
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmDialog(_("Masz niezapisane zmiany. Zakończyć pracę bez zapisywania?")), answered)

    def palette_commands(self) -> list[tuple[str, object]]:
        """Context commands: what the current screen offers, then the application's."""
        from tui.lists import LISTS
        from tui.screens.list_screen import ListScreen

        from textual.command import CommandPalette

        out: list[tuple[str, object]] = []
        screen = self.screen
        if isinstance(screen, CommandPalette) and len(self.screen_stack) > 1:
            screen = self.screen_stack[-2]   # the palette is open: its commands are those of the screen below
        if isinstance(screen, ListScreen):
            for name, label in screen.behaviour.filters:
                out.append((_("Filtr: {label}").format(label=label), partial(screen.toggle_named_filter, name)))
            out += [(_("Zaznacz wszystkie"), screen.action_mark_all),
                    (_("Odznacz wszystkie"), screen.action_unmark_all),
                    (_("Odwróć zaznaczenie"), screen.action_invert_marks),
                    (_("Eksport listy do XLSX"), screen.action_export_xlsx)]
            for col in screen.query_.spec.columns:
                if col.sortable:
                    out.append((_("Sortuj według: {c}").format(c=col.title), partial(screen.sort_by, col.name)))
            for _id, label, fn in screen.behaviour.serial:
                out.append((_("Operacja seryjna: {label}").format(label=label), partial(fn, screen)))
        out += list(getattr(screen, "palette_commands", lambda: [])())  # a card's own commands
        for key, factory in LISTS.items():
            out.append((_("Otwórz listę: {title}").format(title=factory().title), partial(self.action_open_list, key)))
        out += [(_("Praca rozproszona centrala/oddział"), self.action_exchange),
                (_("Diagnostyka klawiszy"), self.action_key_diagnostics),
                (_("Menadżer kluczy"), self.action_key_manager),
                (_("Zakończ pracę"), self.action_request_quit)]
        return out
