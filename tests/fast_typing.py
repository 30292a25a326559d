"""Typing in Pilot tests without Pilot's idle waits between the characters.

`Pilot.press` waits after every key until the whole test process has been idle for two 10-ms slices (textual
_wait.wait_for_idle): ~50-90 ms a key, most of a typing test's time. A run of plain characters (a code, a name, a
date) is posted in one go, as a terminal delivers typed text, and waited for once at the end; the app takes them
from its queue in order as it would from a fast typist. Keys that act (Enter, Insert, F-keys, arrows) keep
Pilot's own path, one wait per key, as the tests were written.
"""
from __future__ import annotations

import unicodedata

from textual import events
from textual._wait import wait_for_idle
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot

CHARACTER_KEYS = frozenset({"space", "comma", "full_stop", "minus", "underscore", "slash", "colon", "semicolon",
                            "plus", "at", "number_sign", "apostrophe", "quotation_mark", "left_parenthesis",
                            "right_parenthesis", "asterisk", "percent_sign", "ampersand", "exclamation_mark",
                            "question_mark", "equals_sign"})
_press = Pilot.press


def _is_typed(key: str) -> bool:
    return len(key) == 1 or key in CHARACTER_KEYS


async def press(self: Pilot, *keys: str) -> None:
    if len(keys) < 2 or not all(_is_typed(k) for k in keys):
        await _press(self, *keys)
        return
    app = self.app
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:   # the key event Pilot builds (textual App._press_keys)
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
    # Pilot's own waits, once: the process idle, animations done, idle again, the screen settled
    await wait_for_idle(0)
    await app._animator.wait_until_complete()
    await wait_for_idle(0)
    await self._wait_for_screen()


def install() -> None:
    Pilot.press = press
