"""Saving, approving and closing the document form (issue 14 §2, §4): the store calls run in a worker; a refusal
keeps the form open with every reason listed; a question of the trade core (ConfirmationNeeded) is asked and the
call repeated with the answer; a cash PA asks the amount tendered first (DOC-5). A mixin of DocumentForm."""
from __future__ import annotations

import logging
from decimal import Decimal

from textual.worker import Worker, WorkerState

from store import trade
from store.errors import FiliaError, StaleRecord
from store.i18n import _
from store.trade import listing
from tui.screens.document_dialogs import CashDialog
from tui.widgets.confirm import ConfirmDialog, ask_save_or_discard


class SavePart:
    # --- saving and approving (in a worker) ---------------------------------------------------------------
    def action_save(self) -> None:
        if self.busy:
            self.app.bell()
            return
        if not self.editable:
            self.dismiss(self.document_id)
            return
        if not self.is_changed() and self.document_id is not None:
            self.dismiss(self.document_id)
            return
        self._start("save")

    def action_approve(self) -> None:
        if self._refuse_if_locked():
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if self.kind == "PA" and self._paid_in_cash():
                self.app.push_screen(CashDialog(self.gross), self._tendered)
            else:
                self._start("approve")
        self.app.push_screen(ConfirmDialog(_("Zatwierdzić dokument? Zatwierdzonego dokumentu nie można zmienić "
                                             "(tylko anulować)."), default=True), answered)

    def _paid_in_cash(self) -> bool:
        form = self._field("payment_form") or ""
        return not form or listing.payment_form_is_cash(form)

    def _tendered(self, amount: Decimal | None) -> None:
        if amount is not None:
            self.tendered = amount
            self._start("approve")

    def _start(self, op: str) -> None:
        errors = self._input_errors()
        if errors:
            self._show_errors(_("Popraw dane dokumentu:"), errors)
            return
        self.busy = True
        self._show_errors("", [])
        self._show("doc-info", _("Zapisywanie…"))
        draft, version, confirmed, tendered = self.draft(), self.version, frozenset(self.confirmed), self.tendered
        changed = self.is_changed() or self.document_id is None
        self._saved_view = None

        def run():
            view = None
            if changed:
                view = trade.save_buffer(draft, version=version, confirmed=confirmed)
                self._saved_view = view
            if op == "approve":
                doc_id = view.id if view else draft.id
                doc_version = view.version if view else version
                view = trade.approve(doc_id, version=doc_version, confirmed=confirmed, tendered=tendered)
            return view
        self.run_worker(run, thread=True, group="doc-save", name=op, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "doc-save" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.busy = False
        if event.state == WorkerState.SUCCESS:
            view = worker.result
            if worker.name == "approve":
                self.notify(_("Zatwierdzono dokument {numer}.").format(numer=view.number))
            self.dirty = False
            self.dismiss(view.id if view else self.document_id)
            return
        self._failed(worker.name, worker.error)

    def _failed(self, op: str, exc: BaseException | None) -> None:
        saved = getattr(self, "_saved_view", None)
        if saved is not None:              # saved in the buffer, approval refused: the form shows the buffer
            self._load_view(saved)
        else:
            self._refresh_summary()
        if isinstance(exc, trade.ConfirmationNeeded):
            self._ask(list(exc.questions), op)
            return
        title = _("Nie zatwierdzono dokumentu:") if op == "approve" else _("Nie zapisano dokumentu:")
        if isinstance(exc, trade.DocumentRefused):
            self._show_errors(title, exc.reasons)
        elif isinstance(exc, StaleRecord):
            self._show_errors(title, [str(exc), _("Zamknij formularz (Esc) i otwórz dokument ponownie.")])
        elif isinstance(exc, FiliaError):
            self._show_errors(title, [str(exc)])
        else:
            logging.getLogger("filia.tui").error("document save failed", exc_info=exc)
            self._show_errors(title, [_("Nieoczekiwany błąd programu (szczegóły w dzienniku). Dokument pozostał "
                                        "na ekranie.")])

    def _ask(self, questions: list[tuple[str, str]], op: str) -> None:
        if not questions:
            self._start(op)
            return
        code, text = questions[0]

        def answered(yes: bool | None) -> None:
            if yes:
                self.confirmed.add(code)
                self._ask(questions[1:], op)
            else:
                self._refresh_summary()
        self.app.push_screen(ConfirmDialog(text, default=False), answered)

    # --- closing ------------------------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self.editable and self.is_changed()

    def action_close(self) -> None:
        if self.busy:
            self.app.bell()
            return
        if not self.has_unsaved_changes():
            self.dismiss(None)
            return

        def discard() -> None:
            self.dirty = False
            self.dismiss(None)
        ask_save_or_discard(self, _("Dokument został zmieniony. Zapisać zmiany?"), save=self.action_save,
                            discard=discard)
