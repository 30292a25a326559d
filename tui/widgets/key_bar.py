"""The key bar at the bottom of a screen: the screen's most used keys first, as many as fit in one line,
and always „F1 Pomoc” (F1 lists every key). One widget: Textual's Footer mounts a widget per key and
restyles each on every change of focus, which cost a card ~50 ms to open.
"""
from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from store.i18n import _
from tui import keymap

SEPARATOR = "  "


def key_label(binding) -> str:
    """How a binding's keys are written for the user (the key map's display, else a Polish key name)."""
    return binding.key_display or keymap.key_names(binding.key)


class KeyBar(Widget):
    """Shows the shown (`show=True`) bindings active on this screen, ordered by the key map's rank."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        # A screen that came back since the last draw is repainted whole, keys included: a refresh now would
        # land after that repaint and cost one more frame, so look again once it is done. The same keys again
        # (a focus move within a form) need nothing.
        if self.screen.stack_updates != getattr(self, "_drawn_at", None):
            self.call_after_refresh(self._redraw_if_changed)
        else:
            self._redraw_if_changed()

    def _redraw_if_changed(self) -> None:
        if self.is_attached and self.items() != getattr(self, "_drawn", None):
            self.refresh()

    def items(self) -> list[tuple[str, str]]:
        """(keys, label) of the shown keys of this screen, most used first, one per action."""
        seen, out = set(), []
        # a screen may name a key for what it does there now, or leave it out of the bar (key_description)
        describe = getattr(self.screen, "key_description", None)
        for _key, active in self.screen.active_bindings.items():
            b = active.binding
            if not b.show or not b.description or not active.enabled:
                continue
            label = describe(b) if describe is not None else b.description
            ident = (b.action, label)
            if not label or ident in seen:
                continue
            seen.add(ident)
            out.append((keymap.rank(b), len(out), key_label(b), label))
        out.sort()
        return [(k, label) for _r, _i, k, label in out if k != "F1"]

    def render(self) -> Text:
        width = max(self.size.width, 10)
        help_item = Text.assemble(("F1", "bold"), " ", _("Pomoc"))
        text = Text(no_wrap=True, overflow="crop")
        room = width - help_item.cell_len - len(SEPARATOR)
        self._drawn, self._drawn_at = self.items(), self.screen.stack_updates
        for keys, label in self._drawn:
            item = Text.assemble((keys, "bold"), " ", label)
            needed = item.cell_len + (len(SEPARATOR) if text.cell_len else 0)
            if text.cell_len + needed > room:
                continue
            if text.cell_len:
                text.append(SEPARATOR)
            text.append_text(item)
        if text.cell_len:
            text.append(SEPARATOR)
        text.append_text(help_item)
        return text
