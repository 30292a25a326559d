"""„Czekam na zapis innej sesji…” for work running in a worker thread (issue 16 §4): while the wrapped
call waits more than a second for another session's write lock (store.write_gate tells), `show` gets
the message on the UI thread, and an empty text when the wait is over."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from store.i18n import _
from store.write_gate import add_wait_listener, remove_wait_listener


def waiting_text() -> str:
    return _("Czekam na zapis innej sesji…")


@contextmanager
def announced(app, show: Callable[[str], None]):
    def listener(waiting: bool) -> None:
        try:
            app.call_from_thread(show, waiting_text() if waiting else "")
        except RuntimeError:            # called on the UI thread itself (nothing to repaint) or app gone
            pass
    add_wait_listener(listener)
    try:
        yield
    finally:
        remove_wait_listener(listener)
