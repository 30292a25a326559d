"""Delete on a registry list (CTR-19, PRC-12): the highlighted row, or — when rows are marked — every
marked row after one question naming how many. Each row goes through the list's own delete rule (its
own transaction: a refused row does not keep the others); what was refused is reported row by row
with the reason, and those rows stay marked."""
from __future__ import annotations

from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, ProgressBar, Static

from store.errors import FiliaError
from store.i18n import _
from tui.widgets.confirm import ConfirmDialog


@dataclass
class DeleteReport:
    deleted: list[int] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)   # (row described, reason)


class DeleteReportScreen(ModalScreen[None]):
    """What a serial delete did: how many rows went, and each refused row with why. Enter/Esc closes."""

    DEFAULT_CSS = """
    DeleteReportScreen { align: center middle; }
    DeleteReportScreen > Vertical { width: 90%; max-width: 100; height: 80%; border: thick $warning;
                                    background: $surface; padding: 0 1; }
    DeleteReportScreen #delete-summary { text-style: bold; }
    """
    BINDINGS = [Binding("escape,enter", "close", _("Zamknij"), key_display="Esc")]
    MAX_LINES = 2000

    def __init__(self, report: DeleteReport) -> None:
        super().__init__()
        self.report = report

    def summary(self) -> str:
        return summary(self.report)

    def lines(self) -> list[str]:
        return [_("{what}: {reason}").format(what=what, reason=reason) for what, reason in self.report.refused]

    def compose(self) -> ComposeResult:
        lines = self.lines()
        with Vertical():
            yield Static(self.summary(), id="delete-summary")
            with VerticalScroll():
                yield Static("\n".join(lines[:self.MAX_LINES]), id="delete-refused")
                if len(lines) > self.MAX_LINES:
                    yield Static(_("… i {n} kolejnych wierszy.").format(n=len(lines) - self.MAX_LINES))
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)


def summary(report: DeleteReport) -> str:
    return _("Usunięto: {d}. Nie usunięto: {r}.").format(d=len(report.deleted), r=len(report.refused))


def _neighbour(screen, gone: set[int]) -> int | None:
    """The row the cursor goes to when its own row is deleted: the next one left, else the previous."""
    vl = screen.list
    if vl.cursor_id not in gone:
        return vl.cursor_id
    w = vl.window
    after = [r[0] for r in w.rows[vl.cursor - w.start + 1:] if r[0] not in gone]
    before = [r[0] for r in w.rows[:max(vl.cursor - w.start, 0)] if r[0] not in gone]
    return after[0] if after else (before[-1] if before else None)


def delete_rows(screen) -> None:
    """Delete (Del) on a ListScreen."""
    vl, behaviour = screen.list, screen.behaviour
    if behaviour.delete is None or (vl.cursor_id is None and not vl.marks.any()):
        return
    if vl.marks.any():
        ids = screen._selected_ids()
        question = _("Czy usunąć zaznaczone rekordy? Zaznaczonych: {n}.").format(n=len(ids))
    else:
        ids = [vl.cursor_id]
        row = vl.row_at(vl.cursor)
        question = behaviour.delete_question(row) if behaviour.delete_question is not None else \
            _("Czy usunąć rekord „{what}”?").format(what=behaviour.describe(row))
    if not ids:
        return

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        if len(ids) == 1 and not vl.marks.any():
            _delete_one(screen, ids[0])
            return
        bar = screen.query_one(ProgressBar)
        bar.update(total=len(ids), progress=0)
        bar.add_class("visible")
        screen.run_worker(lambda: _delete_many(screen, ids), thread=True, exclusive=True, group="delete")

    screen.app.push_screen(ConfirmDialog(question), answered)


def _delete_one(screen, record_id: int, answers: dict | None = None) -> None:
    """One row. A delete rule may ask questions first (an exception with `questions` = [(code, Polish text)],
    e.g. the trade core's ConfirmationNeeded, DOC-18): each is asked Tak/Nie (Esc gives up) and the rule is
    called again with `answers` = {code: True/False}."""
    vl = screen.list
    try:
        if answers is None:
            screen.behaviour.delete(record_id)
        else:
            screen.behaviour.delete(record_id, answers=answers)
    except FiliaError as exc:
        pending = [(c, t) for c, t in getattr(exc, "questions", None) or [] if c not in (answers or {})]
        if pending:
            _ask(screen, record_id, dict(answers or {}), pending)
            return
        screen.notify(str(exc), title=_("Nie usunięto"), severity="error", timeout=8)
        return
    # a row that stays under the filters (a cancelled document) keeps the cursor; a deleted one gives it on
    keep = record_id if screen.query_.key_of_id(record_id) is not None else _neighbour(screen, {record_id})
    vl.cursor_id = None
    vl.reload(keep_id=keep)
    screen._update_status(_("usunięto"))


def _ask(screen, record_id: int, answers: dict, questions: list[tuple[str, str]]) -> None:
    from tui.widgets.confirm import ChoiceDialog

    code, text = questions[0]

    def answered(value) -> None:
        if value is None:
            screen.notify(_("Przerwano – nic nie zapisano."), severity="warning")
            return
        answers[code] = value
        if len(questions) > 1:
            _ask(screen, record_id, answers, questions[1:])
        else:
            _delete_one(screen, record_id, answers)
    screen.app.push_screen(ChoiceDialog(text, [(_("&Tak"), True), (_("&Nie"), False), (_("&Anuluj"), None)],
                                        default=1), answered)


def _delete_many(screen, ids: list[int]) -> None:
    """In a worker thread: each marked row through the list's delete rule."""
    app, behaviour = screen.app, screen.behaviour
    described = {row[0]: behaviour.describe(row) for row in screen.query_.rows_by_id(ids)}
    report = DeleteReport()
    bar = screen.query_one(ProgressBar)
    for done, record_id in enumerate(ids, 1):
        try:
            behaviour.delete(record_id)
        except FiliaError as exc:
            report.refused.append((described.get(record_id, str(record_id)), str(exc)))
        else:
            report.deleted.append(record_id)
        if done % 50 == 0 or done == len(ids):
            app.call_from_thread(bar.update, progress=done)
    app.call_from_thread(_deleted, screen, report)


def _deleted(screen, report: DeleteReport) -> None:
    vl = screen.list
    screen.query_one(ProgressBar).remove_class("visible")
    gone = set(report.deleted)
    keep = _neighbour(screen, gone)
    vl.marks.exceptions -= gone if not vl.marks.all_mode else set()
    vl.cursor_id = None
    vl.reload(keep_id=keep)
    screen._update_status(_("usunięto: {n}").format(n=len(gone)))
    if report.refused:
        screen.app.push_screen(DeleteReportScreen(report))
    else:
        screen.notify(summary(report))
