"""One field of a card: ONE widget that draws its own label, plus a message line under it only when there is
something to say (a validation error, or why the field is read-only).

A card has up to ~80 fields and Textual pays per widget (styles, layout, messages): a field that was a
container + Label + control (a Select being six widgets) made a card take 0.6–2 s to open. Each field kind is
now a single widget (`TextField` an Input, `CheckField` a Checkbox, `ChoiceField` a one-line drop-down,
`MemoField` a TextArea, `LookupField` in tui/widgets/lookup.py), the label drawn in its left gutter.

`FormField(name, label, kind, ...)` builds the right one by kind (str | text | bool | choice | lookup), so
callers need not know the classes; `query(".form-field")` finds every field of a screen, and each field
answers `field_name`, `value` (`field_value` for what the form stores), `control` (itself), `set_message`,
`set_locked`, `lock_reason`.
"""
from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from store.i18n import _

LABEL_WIDTH = 26
FIELD_CLASSES = "form-field"     # every field kind carries it: screens find their fields by it


def _field_css(cls: str, *, gutter: bool = True) -> str:
    """The rules every field kind shares, written for one class (Textual scopes DEFAULT_CSS per class)."""
    padding = f"0 1 0 {LABEL_WIDTH + 1}" if gutter else "0"
    return f"""
    {cls} {{ height: 1; width: 1fr; border: none; padding: {padding}; background: $boost; }}
    {cls}:focus {{ background: $accent 30%; border: none; }}
    {cls} > .form-field--label {{ color: $text-muted; background: $surface; }}
    {cls}:disabled > .form-field--label {{ color: $text-disabled; }}
    """


class FieldMessage(Static):
    """The line under a field: a validation error or why it is read-only (mounted only when needed)."""

    DEFAULT_CSS = f"""
    FieldMessage {{ padding-left: {LABEL_WIDTH}; height: auto; }}
    FieldMessage.-error {{ color: $error; }}
    FieldMessage.-lock {{ color: $text-muted; text-style: italic; }}
    """


class FormField:
    """What every field kind answers (a mixin: the concrete classes are Textual widgets).

    `FormField(name, label, kind, choices=..., max_length=..., required=..., reference=...)` returns the
    widget for that kind."""

    KIND_LABEL_COMPONENT: ClassVar[str] = "form-field--label"
    LABEL_IN_GUTTER: ClassVar[bool] = True      # drawn over the left padding (Input, TextArea)

    def __new__(cls, *args, **kwargs):
        if cls is FormField:
            kind = kwargs.get("kind", args[2] if len(args) > 2 else "str")
            cls = field_class(kind)
        return super().__new__(cls)

    def _setup(self, name: str, label: str, kind: str, *, choices=None, max_length: int = 0,
               required: bool = False) -> None:
        self.field_name, self.caption, self.kind = name, label, kind
        self.choices: list[tuple[str, Any]] = list(choices or [])
        self.max_length, self.required = max_length, required
        self.lock_reason: str | None = None
        self.show_lock_reason = True
        self._message: Static | None = None
        self._label_cache: tuple[tuple, Strip] | None = None

    # --- what a form reads and writes ----------------------------------------------------------------
    @property
    def control(self):
        """The focusable part (the field itself: kept for callers of the two-widget field)."""
        return self

    @property
    def field_value(self):
        """The value a form collects and loads (a lookup's record id, not the code typed)."""
        return self.value

    @field_value.setter
    def field_value(self, v) -> None:
        self.value = v

    def on_mount(self) -> None:
        hook = getattr(self.screen, "field_mounted", None)
        if hook is not None:
            hook(self)

    # --- the label, drawn in the left gutter -----------------------------------------------------------
    @property
    def label_text(self) -> str:
        return self.caption + (" *" if self.required else "")

    def _label_cell_text(self) -> str:
        text = self.label_text
        if len(text) > LABEL_WIDTH - 1:
            text = text[:LABEL_WIDTH - 2] + "…"
        return text.ljust(LABEL_WIDTH)

    def _label_strip(self) -> Strip:
        style = self.get_component_rich_style(self.KIND_LABEL_COMPONENT)
        key = (self.label_text, style)
        if self._label_cache is None or self._label_cache[0] != key:
            self._label_cache = (key, Strip([Segment(self._label_cell_text(), style)], LABEL_WIDTH))
        return self._label_cache[1]

    def _label_content(self) -> Content:
        return Content.styled(self._label_cell_text(), self.get_visual_style(self.KIND_LABEL_COMPONENT))

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = super().render_lines(crop)
        if self.LABEL_IN_GUTTER and strips and crop.y == 0 and crop.x < LABEL_WIDTH:
            label = self._label_strip().crop(crop.x, min(LABEL_WIDTH, crop.right))
            rest = strips[0].crop(LABEL_WIDTH - crop.x) if crop.right > LABEL_WIDTH else Strip([], 0)
            strips[0] = Strip.join([label, rest])
        return strips

    # --- the message line ------------------------------------------------------------------------------
    @property
    def message(self) -> str:
        return str(self._message.render()) if self._message is not None and self._message.display else ""

    def set_message(self, text: str = "", kind: str = "error") -> None:
        if self._message is None:
            if not text or self.parent is None:
                return
            self._message = FieldMessage(text, id=f"msg-{self.field_name}", classes="form-msg")
            self.parent.mount(self._message, after=self)
        msg = self._message
        msg.update(text)
        msg.display = bool(text)
        msg.set_class(bool(text) and kind == "error", "-error")
        msg.set_class(bool(text) and kind == "lock", "-lock")

    def clear_error(self) -> None:
        if self.lock_reason and self.show_lock_reason:
            self.set_message(self.lock_reason, "lock")
        else:
            self.set_message("")

    def set_locked(self, reason: str | None, *, show_reason: bool = True) -> None:
        """Read-only, with the reason shown under the field unless the card says it elsewhere (banner)."""
        self.lock_reason = reason
        self.show_lock_reason = show_reason
        self.disabled = bool(reason)
        self.clear_error()

    def on_unmount(self) -> None:
        self._message = None


class TextField(FormField, Input):
    """A one-line text field. Focus selects the whole text (typing replaces it, as in Optima)."""

    COMPONENT_CLASSES = Input.COMPONENT_CLASSES | {"form-field--label"}
    DEFAULT_CSS = _field_css("TextField")

    def __init__(self, name: str, label: str, kind: str = "str", *, choices=None, max_length: int = 0,
                 required: bool = False, **_ignored) -> None:
        # classes given here, not added later: a class added to a widget restyles it at once (Input adds
        # "-valid" on its first value: giving it now spares that too)
        Input.__init__(self, id=f"f-{name}", classes=FIELD_CLASSES + " -valid", max_length=max_length or 0,
                       select_on_focus=True)
        self._setup(name, label, kind, max_length=max_length, required=required)

    @property
    def field_value(self) -> str:
        return self.value

    @field_value.setter
    def field_value(self, v) -> None:
        self.value = "" if v is None else str(v)
        if self.has_focus:
            self.select_all()       # a value the program put in (a reload) is replaced by typing too

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        # Textual skips the select-all when the terminal window regains focus; a field the program
        # focuses must still take typed text as a replacement (typing 899 into „851,38” gave 851,38899).
        if self.value:
            self.select_all()


class MemoField(FormField, TextArea):
    """A multi-line text (description, notes); Tab leaves it."""

    COMPONENT_CLASSES = TextArea.COMPONENT_CLASSES | {"form-field--label"}
    DEFAULT_CSS = _field_css("MemoField") + "MemoField { height: 4; }"

    def __init__(self, name: str, label: str, kind: str = "text", *, required: bool = False, **_ignored) -> None:
        TextArea.__init__(self, id=f"f-{name}", classes=FIELD_CLASSES, tab_behavior="focus", soft_wrap=True)
        self._setup(name, label, kind, required=required)

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, v) -> None:
        self.load_text("" if v is None else str(v))


class CheckField(FormField, Checkbox):
    """A yes/no field: Space or Enter toggles. Posts Checkbox.Changed."""

    COMPONENT_CLASSES = Checkbox.COMPONENT_CLASSES | {"form-field--label"}
    LABEL_IN_GUTTER = False
    DEFAULT_CSS = _field_css("CheckField", gutter=False) + """
    CheckField, CheckField:focus { background: transparent; border: none; }
    CheckField > .toggle--button { background: $boost; color: $text; text-style: bold; }
    CheckField:focus > .toggle--button { background: $accent; color: $text; }
    """
    BINDINGS = [Binding("enter,space", "toggle_button", _("Przełącz"), show=False)]

    def __init__(self, name: str, label: str, kind: str = "bool", *, required: bool = False, **_ignored) -> None:
        Checkbox.__init__(self, "", id=f"f-{name}", classes=FIELD_CLASSES, button_first=False)
        self._setup(name, label, kind, required=required)

    @property
    def field_value(self) -> bool:
        return bool(self.value)

    @field_value.setter
    def field_value(self, v) -> None:
        self.value = bool(v)

    def render(self) -> Content:
        box = Content.styled("[X]" if self.value else "[ ]", self.get_visual_style("toggle--button"))
        return Content.assemble(self._label_content(), " ", box)

    def get_content_width(self, container, viewport) -> int:
        return LABEL_WIDTH + 4


class ChoicePopup(ModalScreen[Any]):
    """The options of a ChoiceField: arrows, Home/End, a typed letter jumps, Enter picks, Esc leaves it."""

    DEFAULT_CSS = """
    ChoicePopup { align: center middle; background: $background 40%; }
    ChoicePopup > Vertical { width: auto; min-width: 30; max-width: 90%; height: auto; max-height: 80%;
                             border: round $primary; background: $surface; padding: 0 1; }
    ChoicePopup #choice-title { color: $text-muted; }
    ChoicePopup OptionList { height: auto; max-height: 20; border: none; padding: 0; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def __init__(self, title: str, choices: list[tuple[str, Any]], current: Any) -> None:
        super().__init__()
        self.title_text, self.choices, self.current = title, choices, current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text + " – " + _("Enter wybiera, Esc wraca"), id="choice-title")
            yield OptionList(*[Option(str(label)) for label, _v in self.choices], id="choice-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        index = next((i for i, (_l, v) in enumerate(self.choices) if v == self.current), 0)
        options.highlighted = index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index][1])

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isprintable() and not event.character.isspace():
            options = self.query_one(OptionList)
            start = (options.highlighted or 0) + 1
            n = len(self.choices)
            for step in range(n):
                i = (start + step) % n
                if str(self.choices[i][0]).lower().startswith(event.character.lower()):
                    options.highlighted = i
                    break
            event.stop()

    def action_cancel(self) -> None:
        self.dismiss(_NOTHING)


_NOTHING = object()


class ChoiceField(FormField, Widget, can_focus=True):
    """A drop-down of fixed choices in one line: Enter, Space or F4 opens the options (arrows, Enter picks);
    Left/Right step through them without opening. Posts ChoiceField.Changed."""

    COMPONENT_CLASSES = {"form-field--label"}
    LABEL_IN_GUTTER = False
    DEFAULT_CSS = _field_css("ChoiceField", gutter=False)
    BINDINGS = [Binding("enter,space,f4", "open", _("Rozwiń listę"), key_display="F4", show=False),
                Binding("left", "step(-1)", show=False), Binding("right", "step(1)", show=False)]

    value: reactive[Any] = reactive(None, layout=False)

    class Changed(Message):
        def __init__(self, field: "ChoiceField", value: Any) -> None:
            super().__init__()
            self.field, self.value = field, value

        @property
        def control(self) -> "ChoiceField":
            return self.field

    def __init__(self, name: str, label: str, kind: str = "choice", *, choices=None, required: bool = False,
                 **_ignored) -> None:
        Widget.__init__(self, id=f"f-{name}", classes=FIELD_CLASSES)
        self._setup(name, label, kind, choices=choices, required=required)
        self.set_reactive(ChoiceField.value, self.choices[0][1] if self.choices else None)

    def validate_value(self, v):
        if any(v == val for _l, val in self.choices):
            return v
        return self.choices[0][1] if self.choices else None

    def watch_value(self, old, new) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))

    @property
    def value_label(self) -> str:
        return next((str(label) for label, v in self.choices if v == self.value), "")

    def render(self) -> Content:
        return Content.assemble(self._label_content(), " " + self.value_label + "  ▾")

    def action_open(self) -> None:
        def picked(value) -> None:
            if value is not _NOTHING:
                self.value = value
            self.focus()
        self.app.push_screen(ChoicePopup(self.caption, self.choices, self.value), picked)

    def action_step(self, step: int) -> None:
        values = [v for _l, v in self.choices]
        if values:
            i = values.index(self.value) if self.value in values else 0
            self.value = values[(i + step) % len(values)]


def field_class(kind: str) -> type:
    if kind == "lookup":
        from tui.widgets.lookup import LookupField

        return LookupField
    return {"bool": CheckField, "choice": ChoiceField, "text": MemoField}.get(kind, TextField)
