"""What happens when something nobody caught goes wrong inside the TUI (issue 16 §3): the traceback goes to the
log file (database passwords masked), the terminal gets a short Polish message saying where, and the program
exits with a nonzero code — never Textual's Rich traceback with the locals of every frame (they can hold
a clerk's data or a connection password).

    CrashGuard      mixin for the App: replaces Textual's fatal-error rendering
    record_crash()  writes the log entry, returns the Polish message
    run_guarded()   app.run() and the exit code the `filia` command returns
"""
from __future__ import annotations

import sys
import traceback
from datetime import datetime, timezone

from store.errors import FiliaError
from store.i18n import _

EXIT_CRASH = 3


def record_crash(error: BaseException) -> str:
    """Append the traceback to the log file; the Polish message for the terminal."""
    from store.db import mask_secrets
    from tui.cli import log_path

    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        path = log_path()
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC ERROR filia.tui unexpected error\n"
                     f"{mask_secrets(text)}\n")
        where = _("Szczegóły zapisano w pliku: {path}").format(path=path)
    except OSError as exc:                    # a full disk may refuse the log too: say so, still no traceback
        where = _("Nie udało się zapisać szczegółów do dziennika ({reason}).").format(reason=exc.strerror or exc)
    if isinstance(error, FiliaError):
        head = _("Filia została zamknięta: {msg}").format(msg=error)
    else:
        head = _("Filia została zamknięta z powodu nieoczekiwanego błędu programu.")
    return f"{head}\n{where}"


class CrashGuard:
    """Mixed into the App before textual's App: an exception no screen handled ends the session this way."""

    crash_message: str | None = None

    def _handle_exception(self, error: Exception) -> None:
        if self.crash_message is None:
            self.crash_message = record_crash(error)
        self._return_code = EXIT_CRASH
        if self._exception is None:           # Textual's test pilot re-raises it after the test's block
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()


def log_to_file():
    """Warnings of the session (a refused write, a lost connection …) go to the log file: while Textual runs,
    stderr is the screen's, and Python's last-resort handler would lose them."""
    import logging

    from tui.cli import log_path

    logger = logging.getLogger("filia")
    if any(getattr(h, "_filia_session", False) for h in logger.handlers):
        return None
    try:
        handler = logging.FileHandler(log_path(), encoding="utf-8", delay=True)
    except OSError:
        return None
    handler._filia_session = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)          # the root logger's default level (WARNING) lets warnings through
    return handler


def run_guarded(app) -> int:
    """Run the app; 0 after a normal exit, EXIT_CRASH (message on stderr) after a crash."""
    import logging

    handler = log_to_file()
    try:
        app.run()
    finally:
        if handler is not None:
            logging.getLogger("filia").removeHandler(handler)
            handler.close()
    if app.crash_message:
        print(app.crash_message, file=sys.stderr)
        return EXIT_CRASH
    return int(app.return_code or 0)
