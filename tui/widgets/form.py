"""Reusable pieces of a record card (formularz): fields with a message line, grids of sub-records, and
`FormScreen` with dirty tracking, Ctrl+S save (in a worker), Esc asking Zapisz / Porzuć / Anuluj, F6 /
Ctrl+PgDn between tabs, per-field ValidationError display, read-only fields that say why, and the stale-save
dialog when another session changed the record (issue 16).

A concrete card subclasses FormScreen, composes its fields (inside `compose_tabs` panes if it has tabs) and
implements `save_values(values, grids, confirm) -> id`, calling store functions only (passing `self.version`,
the record version it loaded), and `load_current()` for the stale-save dialog. Generic: nothing here knows
about contractors or goods.
"""
from __future__ import annotations

import logging
from typing import Any

from textual.widgets import Static
from textual.worker import Worker, WorkerState

from store.errors import FiliaError, StaleRecord, ValidationError
from store.gridrows import diff_rows
from store.i18n import _
from tui import keymap
from tui.widgets.confirm import ConfirmDialog, ask_save_or_discard
from tui.widgets.form_field import FormField
from tui.widgets.form_grid import GridColumn, GridField, RowDialog
from tui.widgets.form_screen import FormScreenBase
from tui.widgets.form_stale import _same, merge_stale, stale_dialog
from tui.widgets.form_tabs import LazyBody, TabRow

__all__ = ["FormField", "FormScreen", "GridColumn", "GridField", "LazyBody", "RowDialog", "TabRow"]

log = logging.getLogger("filia.tui")

SAVE_WAIT_NOTE_S = 1.0      # after this long the saving line says it waits for another session


class FormScreen(FormScreenBase):
    """A card: collects field values and grid rows, saves with Ctrl+S, asks before losing changes.

    Tabs are built lazily (`compose_tabs`, `build_pane`); values of fields not built yet are kept in
    `_values` / `_grid_values`, so collecting, dirty tracking and errors work on every tab."""

    BINDINGS = keymap.bindings("form")
    CLOSE_QUESTION = "Karta została zmieniona. Zapisać zmiany?"

    def __init__(self) -> None:
        super().__init__()
        self.version: int | None = None        # the record version loaded (None: a new record)
        self.saving = False
        self._base: tuple[dict, dict] = ({}, {})   # values and grids as loaded (for the stale-save merge)

    @property
    def ready_for_input(self) -> bool:
        """False while the card is loading or saving (the app holds typed keys meanwhile and gives them to
        the card, or to the list once the card has closed, in the order typed)."""
        return self._original is not None and not self.saving

    # --- to implement ---------------------------------------------------------------------------
    def save_values(self, values: dict, grids: dict[str, list[dict]], confirm: bool) -> Any:
        """Store the card (runs in a worker thread); return what the screen is dismissed with (the id)."""
        raise NotImplementedError

    def load_current(self) -> tuple[dict, dict, int | None]:
        """The record as stored now: (values, grids, version) in widget form, for the stale-save merge."""
        raise NotImplementedError

    def unchanged_result(self) -> Any:
        """What Ctrl+S on an unchanged card closes with, without saving (None = save anyway, e.g. a new card)."""
        return None

    def field_label(self, name: str) -> str:
        """The Polish label of a field (for the stale-save dialog; mounted fields know their own)."""
        f = self.form_fields().get(name)
        return f.caption if f is not None else name

    def load(self, values: dict, grids: dict[str, list[dict]] | None = None) -> None:
        super().load(values, grids)
        if self._original is None:
            self._base = (dict(self._values), {k: [dict(r) for r in v] for k, v in self._grid_values.items()})

    # --- what the user changed since the card loaded (issue 16: a save sends only that) -----------------
    def changed_values(self, values: dict) -> dict:
        """The fields whose value differs from the one loaded (after a stale-save reload: from the one
        stored then)."""
        base = self._base[0]
        return {k: v for k, v in values.items() if k not in base or not _same(v, base[k])}

    def grid_changes(self, grids: dict[str, list[dict]]) -> dict[str, dict]:
        """Per grid: rows added, fields changed (by row id and version), rows removed (store.gridrows);
        grids left as loaded are not sent at all."""
        out = {}
        for name, rows in grids.items():
            changes = diff_rows(self._base[1].get(name, []), rows)
            if any(changes.values()):
                out[name] = changes
        return out

    # --- saving ------------------------------------------------------------------------------------
    async def action_save(self) -> None:
        await self._submit(confirm=False)

    def _unresolved_lookups(self) -> dict[str, str]:
        out = {}
        for name, f in self.form_fields().items():
            text = getattr(f, "unresolved_text", "")
            if text:
                out[name] = _("Nie ma pozycji „{code}” w słowniku – F4 otwiera listę.").format(code=text)
        return out

    async def _submit(self, confirm: bool) -> None:
        if self.saving:
            self._refuse_while_saving()
            return
        unchanged = self.unchanged_result()
        if unchanged is not None and not self.is_dirty:
            self.dismiss(unchanged)
            return
        unresolved = self._unresolved_lookups()
        if unresolved:
            await self.show_errors(unresolved)
            return
        values, grids = self.collect(), self.collect_grids()
        self._set_saving(True)
        self.run_worker(lambda: self.save_values(values, grids, confirm), thread=True, group="form-save",
                        exit_on_error=False, name="save")

    def _set_saving(self, on: bool) -> None:
        self.saving = on
        self._show_status(_("Zapisywanie…") if on else "")
        if on:
            self._save_timer = self.set_timer(SAVE_WAIT_NOTE_S, self._still_saving)
        elif getattr(self, "_save_timer", None) is not None:
            self._save_timer.stop()

    def _still_saving(self) -> None:
        if self.saving:
            self._show_status(_("Zapisywanie… Czekam na zapis innej sesji."))

    def _show_status(self, text: str) -> None:
        found = self.query("#form-status")
        if not found and not text:
            return
        if found:
            box = found.first(Static)
        else:
            box = Static("", id="form-status")
            self.query_one("#form-body").mount(box, after=self.query_one("#form-errors"))
        box.update(text)
        box.display = bool(text)

    def _refuse_while_saving(self) -> None:
        self.app.bell()
        self.notify(_("Trwa zapisywanie karty – poczekaj na jego koniec."), severity="warning", timeout=3)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "form-save" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        event.stop()
        self._set_saving(False)
        if event.state == WorkerState.SUCCESS:
            self._original = None
            self.dismiss(worker.result)
            return
        await self._save_failed(worker.error)

    async def _save_failed(self, exc: BaseException | None) -> None:
        """Every refusal leaves the card open with the user's edits: errors under their fields, a question
        for warnings, the stale-save dialog, or a Polish message (never a traceback)."""
        if isinstance(exc, ValidationError):
            await self.show_errors(exc.errors)
        elif isinstance(exc, StaleRecord):
            self._stale(exc)
        elif isinstance(exc, FiliaError) and getattr(exc, "warnings", None):
            question = "\n".join(exc.warnings)
            if not question.rstrip().endswith("?"):
                question += "\n" + _("Czy zapisać?")

            def answer(yes: bool | None) -> None:
                if yes:
                    self.call_later(self._submit, True)
            self.app.push_screen(ConfirmDialog(question, default=True), answer)
        elif isinstance(exc, FiliaError):
            self.clear_errors()
            self._general_error(str(exc))
        else:
            log.error("card save failed", exc_info=exc)
            self.clear_errors()
            self._general_error(_("Nie zapisano: nieoczekiwany błąd programu (szczegóły w dzienniku). "
                                  "Twoje zmiany są nadal na karcie."))

    # --- another session saved the record first (issue 16) --------------------------------------------
    def _stale(self, exc: StaleRecord) -> None:
        try:
            theirs, their_grids, version = self.load_current()
        except FiliaError as err:               # deleted meanwhile: say so, keep the edits on screen
            self.clear_errors()
            self._general_error(str(err))
            return
        mine, my_grids = self.collect(), self.collect_grids()
        merged, merged_grids, rows = merge_stale(self._base, (theirs, their_grids), (mine, my_grids))
        self.clear_errors()
        self._general_error(str(exc))
        labels = {name: self.field_label(name) for name, *_r in rows}

        def answer(reload: bool | None) -> None:
            if not reload:
                return
            self._original = None
            self.load(theirs, their_grids)
            self.mark_clean()                   # clean = as stored now: what is left dirty is the clerk's
            self.load(merged, merged_grids)
            self._base = (dict(theirs), {k: [dict(r) for r in v] for k, v in their_grids.items()})
            self.version = version
            self._general_error(_("Wczytano zmiany zapisane przez {who}; Twoje zmiany w pozostałych polach "
                                  "zostały zachowane. Sprawdź kartę i zapisz ją ponownie (Ctrl+S).")
                                .format(who=exc.who or _("inną sesję")))
        self.app.push_screen(stale_dialog(exc, rows, labels), answer)

    # --- closing -------------------------------------------------------------------------------------
    def action_close(self) -> None:
        if self.saving:
            self._refuse_while_saving()
            return
        if not self.is_dirty:
            self.dismiss(None)
            return

        def discard() -> None:
            self._original = None
            self.dismiss(None)
        ask_save_or_discard(self, _(self.CLOSE_QUESTION), save=lambda: self.call_later(self._submit, False),
                            discard=discard)

    def has_unsaved_changes(self) -> bool:
        return self.is_dirty

    def action_gus_lookup(self) -> None:
        self.notify(_("Ta funkcja wymaga połączenia z Internetem."), severity="warning")

