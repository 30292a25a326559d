"""Driving cards by keys in Pilot tests: tabs, typing into a field, saving (a card saves in a worker)."""
from __future__ import annotations

KEY_NAMES = {" ": "space", "-": "minus", ",": "comma", "@": "at", ".": "full_stop", "_": "underscore",
             "/": "slash"}


def keys_of(text: str) -> list[str]:
    return [KEY_NAMES.get(ch, ch) for ch in text]


async def settle(pilot, timeout: float = 15.0) -> None:
    """Until no card on the screen stack is saving and the messages that follow are handled."""
    app = pilot.app
    for _ in range(int(timeout / 0.02)):
        await pilot.pause()
        if not any(getattr(s, "saving", False) for s in app.screen_stack):
            break
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.pause()


async def save(pilot) -> None:
    """Ctrl+S and wait for the save (run in a worker) to finish."""
    await pilot.press("ctrl+s")
    await settle(pilot)


async def show_tab(pilot, pane_id: str | None) -> None:
    screen = pilot.app.screen
    if pane_id is None:                     # a form without tabs
        return
    if hasattr(screen, "show_pane"):
        await screen.show_pane(pane_id)
    else:                                   # a card before issue 10 (TabbedContent): to run a new test on it
        await screen.ensure_pane(pane_id)
        screen.query_one("TabbedContent").active = pane_id
    await pilot.pause()


async def type_into(pilot, field: str, text: str) -> None:
    """Focus a field (showing its tab, built when first shown) and type into it key by key; focus selects the
    whole text, so the typed text replaces it."""
    screen = pilot.app.screen
    await show_tab(pilot, screen.field_pane(field))
    widget = screen.query_one(f"#f-{field}")
    widget.focus()
    await pilot.pause()
    if not hasattr(screen, "show_pane") and hasattr(widget, "value"):
        widget.value = ""                   # a card before issue 10 did not select the text on focus
    await pilot.press(*keys_of(text))


async def card_ready(pilot, timeout: float = 15.0):
    """The card on top once it is loaded and takes keys (its first tab is built after its first frame)."""
    for _ in range(int(timeout / 0.02)):
        await pilot.pause()
        screen = pilot.app.screen
        if getattr(screen, "ready_for_input", False):
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"the card did not load: {pilot.app.screen!r}")


async def open_card(pilot, list_key: str = "goods"):
    """Open a list and F2 on its first row; the card once it takes keys."""
    pilot.app.action_open_list(list_key)
    await pilot.pause()
    await pilot.pause()
    await pilot.press("f2")
    return await card_ready(pilot)
