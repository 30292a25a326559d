"""Login (Logowanie): operator and password; Enter accepts (Optima: Zatwierdź also on ENTER)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from store.errors import FiliaError
from store.i18n import _
from tui.widgets.key_bar import KeyBar


class LoginScreen(Screen):
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen > Vertical { width: 60; max-width: 100%; height: auto;
                             max-height: 100%; border: thick $primary; padding: 1 2; }
    LoginScreen #login-error { color: $error; height: auto; }
    """

    ENTER_MOVES_FOCUS = True      # tui/key_order.py holds the keys typed behind Enter until the focus moved

    def __init__(self, on_login) -> None:
        super().__init__()
        self.on_login = on_login

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Filia – logowanie"), classes="title")
            yield Label(_("Operator"))
            yield Input(id="login-operator", placeholder="ADMIN")
            yield Label(_("Hasło"))
            yield Input(id="login-password", password=True)
            yield Static("", id="login-error")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#login-operator", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login-operator":
            self.query_one("#login-password", Input).focus()
            return
        from store.config import authenticate

        login = self.query_one("#login-operator", Input).value
        try:
            operator = authenticate(login, event.value)
        except FiliaError as exc:
            self.query_one("#login-error", Static).update(str(exc))
            event.input.value = ""
            return
        self.on_login(operator)
