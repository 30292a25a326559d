"""A reference field (pole wyboru ze słownika), as in Optima: the code is typed, or picked from the dictionary's
own list opened in lookup mode, and the entry's name is shown next to it.

    Tab or F4 in the empty field, Enter in the empty field, or a click on its ▾ button: the list opens with
        its locator (type to find); Enter picks, Insert adds a missing entry on the spot and picks it, Esc
        leaves the field as it was (after Tab, focus then moves on, so Tab never traps the clerk).
    F2 / Ctrl+J (Ctrl+Enter): the card of the chosen entry opens (the list's card); Esc comes back.
    A full code typed + Enter (or Tab): resolved at once, without the list; a code that does not exist
        opens the list at that text.

Used by every reference field of the contractor and goods cards, and their row dialogs; the document editor
will use it too. It calls only store.references (which entry a code means, which name to show).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip

from store import references
from store.i18n import _
from tui import keymap
from tui.widgets.form_field import LABEL_WIDTH, TextField

NAME_WIDTH = 32          # the ▾ button and the entry's name, right of the typed code


@dataclass(frozen=True)
class Reference:
    kind: str            # store.references kind: what a typed code means
    list_key: str        # tui.lists.LISTS key of the list that picks (and adds) an entry


def open_lookup_list(app, ref: Reference, on_pick: Callable[[int | None], None], locate: str = "") -> None:
    """Push the dictionary's list in lookup mode (showing only what the field may take); `on_pick` gets the
    picked record id, or None when the list was closed without a pick."""
    from tui.lists import LISTS
    from tui.screens.list_screen import ListScreen

    screen = ListScreen(LISTS[ref.list_key](), lookup=True)
    where = references.lookup_where(ref.kind)
    if where is not None:
        screen.query_.extra_where.append(where)
    app.push_screen(screen, on_pick)
    if locate:
        _type_into_locator(app, screen, locate)


def _type_into_locator(app, screen, text: str, tries: int = 50) -> None:
    """Type the text into the list as a user would (its locator), once the list is up."""
    def feed() -> None:
        if not screen.is_mounted:
            if tries > 0:
                app.set_timer(0.02, lambda: _type_into_locator(app, screen, text, tries - 1))
            return
        target = screen.focused or screen
        for ch in text:
            target.post_message(events.Key(ch if ch.isalnum() else "space" if ch == " " else ch, ch))
    app.call_after_refresh(feed)


class LookupField(TextField):
    """A TextField holding a dictionary entry: `field_value` is what the card stores (the entry's id, or its
    code for code-valued references), the text is the code; the name is drawn after the ▾ button."""

    # Tab also here: a card's Tab (a priority key) asks the field itself; a dialog's goes to it first
    BINDINGS = keymap.bindings("lookup_field") + [Binding("tab", "tab_forward", show=False)]
    DEFAULT_CSS = f"LookupField.form-field {{ padding: 0 {NAME_WIDTH + 1} 0 {LABEL_WIDTH + 1}; }}"

    def __init__(self, name: str, label: str, kind: str = "lookup", *, reference: Reference,
                 max_length: int = 0, required: bool = False, **_ignored) -> None:
        super().__init__(name, label, kind, max_length=max_length, required=required)
        self.reference = reference
        self.entry: references.Entry | None = None
        self._loaded_text = ""
        self._by_code = references.KINDS[reference.kind].by_code
        self._name_cache: tuple[tuple, Strip] | None = None

    # --- value ---------------------------------------------------------------------------------------
    @property
    def field_value(self):
        text = self.value.strip()
        if self._by_code:
            return self.entry.code if self.entry is not None and self.entry.code.casefold() == text.casefold() \
                else text
        return self.entry.value if self.entry is not None and self._resolved() else (0 if not text else None)

    @field_value.setter
    def field_value(self, v) -> None:
        entry = references.describe(self.reference.kind, v)
        text = "" if v in (None, 0, "0") else (entry.code if entry else str(v))
        self._loaded_text = text
        self._show(entry, text)

    def _show(self, entry, text: str) -> None:
        self.entry = entry
        self.value = text
        if self.has_focus:
            self.select_all()
        self.refresh()

    def _resolved(self) -> bool:
        return self.entry is not None and self.entry.code.casefold() == self.value.strip().casefold()

    @property
    def unresolved_text(self) -> str:
        """The typed text that names no entry ("" when the field is empty or resolved)."""
        text = self.value.strip()
        if not text or self._resolved() or text == self._loaded_text:
            return ""      # a stored code missing from the dictionary is the record's, not a typing error
        return text

    def resolve_typed(self) -> bool:
        """Resolve the typed code; False (and the reason under the field) when no entry has it."""
        text = self.value.strip()
        if not self.unresolved_text:
            self.clear_error()
            return True
        entry = references.resolve(self.reference.kind, text)
        if entry is None:
            self.set_message(_("Nie ma pozycji „{code}” w słowniku – F4 otwiera listę.").format(code=text))
            return False
        self._show(entry, entry.code)
        self.clear_error()
        return True

    def on_input_changed(self, event) -> None:
        if event.input is self and self.entry is not None and not self._resolved():
            self.refresh()                      # the name shown no longer belongs to the text

    # --- keys ----------------------------------------------------------------------------------------
    def action_open_lookup(self, *, by_tab: bool = False, locate: str = "") -> None:
        if self.disabled:
            return

        def picked(record_id) -> None:
            if record_id is not None:
                entry = references.entry_by_id(self.reference.kind, record_id)
                if entry is not None:
                    self._show(entry, entry.code)
                    self.clear_error()
            if by_tab and (record_id is not None or not self.unresolved_text):
                self.screen.focus_next()
            else:
                self.focus()
        open_lookup_list(self.app, self.reference, picked, locate)

    def action_open_card(self) -> None:
        """F2/Ctrl+J: the card of the chosen record (the list's own card); the name is read again after it."""
        from tui.lists import LISTS

        record = references.record_id(self.reference.kind, self.field_value) if self._resolved() else None
        if record is None:
            self.app.bell()
            self.set_message(_("Wybierz najpierw pozycję – F4 otwiera listę."))
            return
        behaviour = LISTS[self.reference.list_key]()
        if behaviour.card is None:
            self.app.bell()
            self.set_message(_("Ta pozycja nie ma karty."))
            return

        def closed(_result=None) -> None:
            if self.is_mounted and self.entry is not None:
                self.entry = references.entry_by_id(self.reference.kind, record) or self.entry
                self._name_cache = None
                self.refresh()
                self.focus()
        self.app.push_screen(behaviour.card(record), closed)

    def action_tab_forward(self) -> None:
        """Tab: an empty field opens the list; a typed code is resolved (the list opens at it when no entry
        has it); a resolved field moves on."""
        if not self.value.strip():
            self.action_open_lookup(by_tab=True)
        elif not self.resolve_typed():
            self.action_open_lookup(by_tab=True, locate=self.value.strip())
        else:
            self.screen.focus_next()

    async def action_submit(self) -> None:
        """Enter: the empty field opens the list; a typed code is resolved (the list opens at it when no entry
        has it) and the field submits (a row dialog accepts)."""
        if not self.value.strip():
            self.action_open_lookup()
        elif not self.resolve_typed():
            self.action_open_lookup(locate=self.value.strip())
        else:
            await super().action_submit()

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        if self.unresolved_text and self.is_mounted:
            self.resolve_typed()

    async def _on_click(self, event: events.Click) -> None:
        if event.x >= self.outer_size.width - NAME_WIDTH - 1:
            self.action_open_lookup()
            return
        await super()._on_click(event)

    # --- the ▾ button and the name ---------------------------------------------------------------------
    def _name_strip(self) -> Strip:
        name = self.entry.name if self.entry is not None and self._resolved() else ""
        style = self.get_component_rich_style(self.KIND_LABEL_COMPONENT)
        key = (name, style, self.disabled)
        if self._name_cache is None or self._name_cache[0] != key:
            text = f" ▾ {name}"
            if len(text) > NAME_WIDTH:
                text = text[:NAME_WIDTH - 1] + "…"
            self._name_cache = (key, Strip([Segment(text.ljust(NAME_WIDTH), style)], NAME_WIDTH))
        return self._name_cache[1]

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = super().render_lines(crop)
        start = self.outer_size.width - NAME_WIDTH
        if strips and crop.y == 0 and crop.right > start >= LABEL_WIDTH:
            left = strips[0].crop(0, max(start - crop.x, 0))
            name = self._name_strip().crop(max(crop.x - start, 0), crop.right - start)
            strips[0] = Strip.join([left, name])
        return strips
