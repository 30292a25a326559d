"""One field of a card: label, control and a message line (error, or why it is read-only)."""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea


class FormField(Widget):
    """Label + control on one line, a message line under it (validation error or why it is read-only).

    kind: str | text | bool | choice (choices = [(label, value)]). Two widgets per field; the message
    line is mounted only when there is something to say (a card has ~80 fields: widgets cost time)."""

    DEFAULT_CSS = """
    FormField { layout: grid; grid-size: 2; grid-columns: 26 1fr; grid-rows: auto; height: auto; }
    FormField > Label { padding: 0 1 0 0; color: $text-muted; }
    FormField Input { height: 1; border: none; padding: 0 1; width: 1fr; background: $boost; }
    FormField Input:focus { background: $accent 30%; }
    FormField Checkbox { height: 1; width: 6; border: none; padding: 0; background: transparent; }
    FormField Checkbox:focus { background: $accent 30%; }
    FormField Select { width: 1fr; }
    FormField TextArea { height: 4; width: 1fr; }
    FormField > .form-msg { column-span: 2; padding-left: 26; height: auto; }
    FormField > .form-msg.-error { color: $error; }
    FormField > .form-msg.-lock { color: $text-muted; text-style: italic; }
    """

    def __init__(self, name: str, label: str, kind: str = "str", *, choices: list[tuple[str, Any]] | None = None,
                 max_length: int = 0, required: bool = False) -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.field_name, self.label, self.kind = name, label, kind
        self.choices = choices or []
        self.max_length, self.required = max_length, required
        self.lock_reason: str | None = None
        self._message: Static | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.label + (" *" if self.required else ""))
        yield self._make_control()

    def on_mount(self) -> None:
        hook = getattr(self.screen, "field_mounted", None)
        if hook is not None:
            hook(self)

    def _make_control(self):
        cid = f"f-{self.field_name}"
        if self.kind == "bool":
            return Checkbox("", id=cid)
        if self.kind == "choice":
            return Select(self.choices, id=cid, allow_blank=False, compact=True)
        if self.kind == "text":
            return TextArea(id=cid, tab_behavior="focus", soft_wrap=True)
        return Input(id=cid, max_length=self.max_length or 0, compact=True)

    @property
    def control(self):
        return self.query_one(f"#f-{self.field_name}")

    @property
    def value(self):
        c = self.control
        if isinstance(c, TextArea):
            return c.text
        if isinstance(c, Select):
            return None if c.value is Select.BLANK else c.value
        return c.value

    @value.setter
    def value(self, v) -> None:
        c = self.control
        if isinstance(c, Checkbox):
            c.value = bool(v)
        elif isinstance(c, Select):
            c.value = v if any(v == val for _l, val in self.choices) else self.choices[0][1]
        elif isinstance(c, TextArea):
            c.load_text("" if v is None else str(v))
        else:
            c.value = "" if v is None else str(v)

    @property
    def message(self) -> str:
        return str(self._message.render()) if self._message is not None and self._message.display else ""

    def set_message(self, text: str = "", kind: str = "error") -> None:
        if self._message is None:
            if not text:
                return
            self._message = Static(text, id=f"msg-{self.field_name}", classes="form-msg")
            self.mount(self._message)
        msg = self._message
        msg.update(text)
        msg.display = bool(text)
        msg.set_class(bool(text) and kind == "error", "-error")
        msg.set_class(bool(text) and kind == "lock", "-lock")

    def clear_error(self) -> None:
        if self.lock_reason and getattr(self, "show_lock_reason", True):
            self.set_message(self.lock_reason, "lock")
        else:
            self.set_message("")

    def set_locked(self, reason: str | None, *, show_reason: bool = True) -> None:
        """Read-only, with the reason shown under the field unless the card says it elsewhere (banner)."""
        self.lock_reason = reason
        self.show_lock_reason = show_reason
        self.control.disabled = bool(reason)
        self.clear_error()
