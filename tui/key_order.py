"""Keys typed in a burst are applied in order and never lost (a fast clerk, key repeat, a paste over SSH).

Textual hands a key to the focused widget and runs a widget's or screen's binding only when the key
has bubbled back up to the app; a just-pushed screen takes no keys until it is mounted; the command
palette runs the chosen command, and a drop-down gives focus back, only after a refresh. A key typed
right behind any of these would reach the wrong widget or overtake the key before it. `KeyOrder`,
mixed into the app, holds such keys (and pasted text) and replays them in order once the screen
takes input. See docs/decisions.md, "Terminal and keys".
"""
from __future__ import annotations

import time
from functools import partial
from typing import Callable

from textual import events

KEY_IN_FLIGHT_MAX_S = 0.3           # a key dropped on its way (its widget removed) holds the others no longer
SCREEN_WAIT_MAX_S = 3.0             # held keys wait at most this long for a screen that is not ready


class KeyOrder:
    """Mixin for a textual App (before App in the bases). A screen may say it is still loading with a
    `ready_for_input` property; `note_keystroke()` is called for every key typed."""

    def init_key_order(self) -> None:
        self._held_keys: list[tuple[str | None, str | None]] = []   # (key, character); (None, text) = a paste
        self._replay_step = 0           # the one replay step that may run (see _schedule_replay)
        # (done, deadline): a key started a change of screen or focus that Textual finishes later
        self._hold_until: tuple[Callable[[], bool], float] | None = None
        self._palette_command_done = True
        self._key_in_flight: events.Key | None = None
        self._key_in_flight_since = 0.0
        self._stopped_key_queued: events.Key | None = None
        self._not_ready_since: tuple[object, float] | None = None  # (screen, since): the 3 s type-ahead limit

    def note_keystroke(self) -> None:
        """Every key as typed (before it is held or handled)."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded and not getattr(event, "replayed", False) \
                and (self._held_keys or not self._screen_ready()):
            self._hold(None, event.text)             # pasted text keeps its place among held keys
            return
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        if event.is_forwarded:
            if event is self._key_in_flight:           # back from the focused widget: its binding runs now
                try:
                    await super().on_event(event)
                finally:
                    self._key_in_flight = None
                return
            await super().on_event(event)
            return
        if not getattr(event, "replayed", False):
            self.note_keystroke()
            if event.key == "enter" and getattr(self.screen, "searching", False):
                # Enter typed right behind the palette's text: it waits for the hits of that text
                palette = self.screen
                self.hold_keys_until(lambda: self.screen is not palette or not palette.searching, timeout=2.0)
            if self._held_keys or not self._screen_ready():
                # Type-ahead: a key typed while a just-pushed screen (or card) is still loading, or
                # while the key before it is still on its way, would be lost or applied out of
                # order; hold it and replay it in order once the screen takes input.
                self._hold(event.key, event.character)
                return
        self._hold_after(event.key)
        if self._bound_in_focus_chain(event.key):
            # Textual runs a widget's or screen's binding only when the key has travelled up to the
            # app again; a character typed right behind it would reach the field first (End, Ctrl+U,
            # "x" ends as "" instead of "x"). Hold the next keys until this one is back.
            self._key_in_flight, self._key_in_flight_since = event, time.monotonic()
        await super().on_event(event)
        if not event.is_forwarded:                       # a priority binding took it here
            self._key_in_flight = None

    def _hold(self, key: str | None, text: str | None) -> None:
        """Queue a key (or, with key None, pasted text) for _replay_held_keys."""
        self._held_keys.append((key, text))
        if len(self._held_keys) == 1:
            self._not_ready_since = None     # a new burst: its own 3 s for a screen not ready
            self._schedule_replay(0.01)

    def _bound_in_focus_chain(self, key: str) -> bool:
        try:
            chain = self.screen._modal_binding_chain
        except Exception:  # noqa: BLE001 - no screen yet
            return False
        return any(not b.priority for _node, bindings in chain for b in bindings.key_to_bindings.get(key, ()))

    def _hold_after(self, key: str) -> None:
        """Keys typed right behind one that closes the palette or a drop-down would reach the
        closing widget and be lost (Textual runs the chosen command, or moves focus back to the
        Select, only later): hold them until that has happened; they are then replayed in order."""
        from textual.command import CommandPalette
        from textual.widgets._select import SelectOverlay

        from tui.widgets.form_field import ChoicePopup

        if key == "enter" and isinstance(self.screen, CommandPalette):
            self._palette_command_done = False
            self.hold_keys_until(lambda: self._palette_command_done)
        elif key in ("enter", "escape", "tab", "shift+tab") and isinstance(self.focused, SelectOverlay):
            self.hold_keys_until(lambda: not isinstance(self.focused, SelectOverlay))
        elif key == "enter" and getattr(self.screen, "ENTER_MOVES_FOCUS", False) and self.focused is not None:
            # Enter in a field of such a screen (the login) moves to the next field only when its Submitted
            # message has been handled: the password typed right behind it must not land in the login.
            field, screen = self.focused, self.screen
            self.hold_keys_until(lambda: self.focused is not field or self.screen is not screen)
        elif key in ("enter", "escape") and isinstance(self.screen, ChoicePopup):
            popup = self.screen           # a field's options: the keys after the pick go to the field again
            # ... and the field under it has its focus back (a Tab in between went to the first field instead)
            self.hold_keys_until(lambda: self.screen is not popup and self.focused is not None)

    def hold_keys_until(self, done: Callable[[], bool], timeout: float = 1.0) -> None:
        """Hold the keys that follow until `done()` (at most `timeout` seconds)."""
        self._hold_until = (done, time.monotonic() + timeout)

    def run_palette_command(self, command: Callable[[], object]) -> None:
        """A palette command chosen with Enter; keys typed behind the Enter wait for what it opens."""
        try:
            command()
        finally:
            self.call_after_refresh(self._end_palette_command)

    def _end_palette_command(self) -> None:
        self._palette_command_done = True

    def on_command_palette_closed(self, event) -> None:
        if not event.option_selected:
            self._palette_command_done = True

    def _screen_ready(self) -> bool:
        if self._key_in_flight is not None:
            key = self._key_in_flight
            if key._stop_propagation and self._stopped_key_queued is not key:
                # A widget handled and stopped it (the list's Home/End, its locator's space): it will
                # not come back. Or the screen stopped it on its way into the app's queue (a key's
                # sender is the app); a callback queued now runs after it, so keys stay in order.
                self._stopped_key_queued = key
                self.call_later(self._end_stopped_key, key)
            # a key dropped on its way (its widget was removed) never comes back: a time limit
            if time.monotonic() - self._key_in_flight_since < KEY_IN_FLIGHT_MAX_S:
                return False
            self._key_in_flight = None
        if self._hold_until is not None:
            done, deadline = self._hold_until
            if done() or time.monotonic() > deadline:
                self._hold_until = None
            else:
                return False
        screen = self.screen
        if screen.is_mounted and getattr(screen, "ready_for_input", True):
            self._not_ready_since = None
            return True
        if self._not_ready_since is None or self._not_ready_since[0] is not screen:
            self._not_ready_since = (screen, time.monotonic())
        return False

    def _end_stopped_key(self, key: events.Key) -> None:
        if self._key_in_flight is key:
            self._key_in_flight = None

    def _waited_for_screen(self) -> bool:
        """The held keys have waited 3 s for a screen that does not say it is ready (a card whose tab
        row has focus): give them to it. A key in flight or a closing palette is still waited for."""
        return (self._key_in_flight is None and self._hold_until is None and self._not_ready_since is not None
                and time.monotonic() - self._not_ready_since[1] >= SCREEN_WAIT_MAX_S)

    def _schedule_replay(self, delay: float | None = None) -> None:
        """Run the next replay step after `delay` seconds, or after the next refresh. A callback
        waiting for a refresh belongs to the screen shown now, and a screen that closes before it
        repaints (a question answered by a held key) drops it: without the timer as well, every key
        from then on, Ctrl+Q included, would be held for ever. Whichever runs first is the step."""
        self._replay_step += 1
        step = self._replay_step
        if delay is None:
            self.call_after_refresh(self._replay_held_keys, step)
        self.set_timer(delay or 0.1, partial(self._replay_held_keys, step))

    def _replay_held_keys(self, step: int) -> None:
        """Replay one held key per refresh: a key bound to an action (Ctrl+U in a field) finishes
        before the next character arrives, exactly as when typed."""
        if step != self._replay_step:
            return                      # its twin ran already
        self._replay_step += 1
        if not self._held_keys:
            return
        if not self._screen_ready() and not self._waited_for_screen():
            self._schedule_replay(0.01)
            return
        key, character = self._held_keys.pop(0)
        replay = events.Key(key, character) if key is not None else events.Paste(character)
        replay.replayed = True  # a plain Key/Paste (handlers are found by class name), marked as given back
        self.post_message(replay)
        if self._held_keys:
            self._schedule_replay()
