"""*Parametry handlu* (SETUP-12, SETUP-15): the trade options a branch may set, one drop-down each.

    ←/→ or Enter (the list)   change the highlighted option;  Tab / ↑↓ move;  Ctrl+S saves;  Esc closes
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from store.errors import FiliaError
from store.i18n import _
from store.trade import options
from tui import keymap
from tui.widgets.confirm import ask_save_or_discard
from tui.widgets.form_field import ChoiceField, FormField
from tui.widgets.key_bar import KeyBar


class TradeOptionsScreen(Screen[None]):
    DEFAULT_CSS = """
    TradeOptionsScreen #opts-title { background: $primary; text-style: bold; padding: 0 1; }
    TradeOptionsScreen #opts-help { color: $text-muted; padding: 0 1; }
    TradeOptionsScreen #opts-error { color: $error; height: auto; }
    TradeOptionsScreen .opt-label { padding: 0 1; text-style: bold; }
    """
    BINDINGS = [b for b in keymap.bindings("form") if b.id in ("form.save", "form.close", "form.next_field",
                                                                "form.prev_field")] + [Binding("down", "app.focus_next", show=False),
                                          Binding("up", "app.focus_previous", show=False)]

    def compose(self) -> ComposeResult:
        yield Static(_("Parametry handlu"), id="opts-title")
        for key, (label, _values) in options.SETTABLE.items():
            yield Static(_(label), classes="opt-label")
            yield FormField(key, "", "choice", choices=[(text, value) for value, text in options.choices(key)])
        yield Static(_("←/→ zmienia, Enter rozwija listę, Ctrl+S zapisuje, Esc zamyka."), id="opts-help")
        yield Static("", id="opts-error")
        yield KeyBar()

    def on_mount(self) -> None:
        self.loaded = {k: v for k, v in options.read().items() if k in options.SETTABLE}
        for key, value in self.loaded.items():
            field = self.query_one(f"#f-{key}", ChoiceField)
            field.set_reactive(ChoiceField.value, value)
            field.refresh()
        self.query(ChoiceField).first().focus()

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#f-{key}", ChoiceField).value for key in options.SETTABLE}

    def changed(self) -> dict[str, str]:
        return {k: v for k, v in self.values().items() if self.loaded.get(k) != v}

    def action_next_field(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        changes = self.changed()
        if changes:
            try:
                options.save(changes)
            except FiliaError as exc:
                self.app.bell()
                self.query_one("#opts-error", Static).update(str(exc))
                return
            self.notify(_("Zapisano parametry handlu."))
        self.dismiss(None)

    def action_close(self) -> None:
        if not self.changed():
            self.dismiss(None)
            return

        ask_save_or_discard(self, _("Parametry zostały zmienione. Zapisać zmiany?"), save=self.action_save,
                            discard=lambda: self.dismiss(None))
