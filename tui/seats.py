"""The app's link to keys/: the session's seats (module checkout, status line, DEMO) and the gate that keeps
them honest while the session runs (issue 15 items 1, 3, 4, 7).

Nothing the shipped program reads from the environment switches licensing off: tests that do not care
about licensing build FiliaApp without seats, tests that do pass a seats factory or trusted keys.

The gate runs before every action of a screen or of the app (keys, menu, palette). When the session may not
start new work in a module (its seat lapsed and none is free, the administrator released it, the module
ended, the key store broke), the action is refused with the reason; what stays allowed is closing and
cancelling, help, the key manager, and saving a form that had unsaved changes when the loss was noticed
(once: a saved form has no unsaved changes left).
"""
from __future__ import annotations

from store.i18n import _

# Actions that start no work: closing, cancelling, answering a question, moving the focus, help.
FREE_ACTIONS = frozenset({
    "close", "cancel", "dismiss", "answer", "request_quit", "quit", "help", "key_diagnostics", "key_manager",
    "command_palette", "focus_next", "focus_previous", "toggle_focus", "next_tab", "prev_tab", "pop_screen",
    "back", "bell", "refresh_config",
})
SAVE_ACTIONS = frozenset({"save"})


def app_seats(args, db_url: str = "", *, trusted_keys=None):
    """A SessionSeats for this session (DEMO mode when no license is installed). `trusted_keys` defaults to
    the compiled-in vendor keys; tests pass their own."""
    from keys.session import SessionSeats
    from store import config
    from store.db import display_url
    from tui.commands.keys import open_manager

    comp = config.company()
    # the key store keeps it in seat rows and shows it: never a database password
    manager = open_manager(args, company_nip_value=comp.nip if comp else None, company_db=display_url(db_url),
                           trusted_keys=trusted_keys)
    manager.install_signal_handlers()  # SIGTERM/SIGHUP give the seats back at once
    return SessionSeats(manager)


def demo_watermark(app) -> str | None:
    """The mark every export and printout carries in DEMO (KEY-262), or None; store's functions take it
    as their `watermark=` parameter (store never imports keys)."""
    seats = getattr(app, "seats", None)
    if seats is None or not seats.manager.demo_mode:
        return None
    from keys.demo import demo_mark

    return demo_mark()


class SeatGate:
    """Per-app state of the gate: which forms may still be saved after a loss."""

    def __init__(self) -> None:
        self.may_save: set[int] | None = None   # ids of screens unsaved when the loss was noticed

    def noticed(self, app) -> None:
        if self.may_save is None:
            self.may_save = {id(s) for s in app.screen_stack if unsaved(s)}

    def cleared(self) -> None:
        self.may_save = None


def unsaved(screen) -> bool:
    """A form with changes not saved yet (FormScreen.is_dirty, or a screen's has_unsaved_changes())."""
    check = getattr(screen, "has_unsaved_changes", None)
    return bool(check()) if callable(check) else bool(getattr(screen, "is_dirty", False))


def gate(app) -> SeatGate:
    if not hasattr(app, "_seat_gate"):
        app._seat_gate = SeatGate()
    return app._seat_gate


def modules_for(app, screen) -> list[str]:
    """The module a piece of work belongs to: the topmost list screen with a module at or below `screen`."""
    stack = list(app.screen_stack)
    upto = stack.index(screen) + 1 if screen in stack else len(stack)
    for s in reversed(stack[:upto]):
        module = getattr(getattr(s, "behaviour", None), "module", None)
        if module:
            return [module]
    return []


def allowed(app, target, name: str) -> bool:
    """True when the action may run; otherwise the operator is told why (and nothing happens)."""
    from textual.app import App
    from textual.screen import Screen

    seats = getattr(app, "seats", None)
    if seats is None or name in FREE_ACTIONS:
        return True
    if not isinstance(target, (Screen, App)) or getattr(target, "license_free", False):
        return True  # a widget's own action (typing, cursor) or the key manager's screens
    screen = target if isinstance(target, Screen) else app.screen
    if getattr(screen, "license_free", False):
        return True
    refusal = seats.check(modules_for(app, screen))
    state = gate(app)
    if refusal is None:
        state.cleared()
        return True
    state.noticed(app)
    if name in SAVE_ACTIONS and id(screen) in state.may_save and unsaved(screen):
        return True  # an open form may still be saved (or cancelled), nothing else
    app.notify(refusal, title=_("Licencja"), severity="error", timeout=15)
    return False


def allowed_callback(app, command) -> bool:
    """A palette command is a bound method (or a partial of one): gate it like the action it is."""
    func = getattr(command, "func", command)
    name = getattr(func, "__name__", "")
    target = getattr(func, "__self__", app)
    return allowed(app, target, name.removeprefix("action_"))


def heartbeat(app) -> None:
    """The app's heartbeat timer: renew the seats, re-evaluate when due, say what was lost and why."""
    message = app.seats.heartbeat()
    if message:
        gate(app).noticed(app)
        app.notify(message, title=_("Licencja"), severity="error", timeout=15)
    app.update_status_line()
