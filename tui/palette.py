"""The command palette in Polish (F11/Ctrl+O, Optima's „Funkcje dodatkowe”): Textual's CommandPalette with
a Polish placeholder and a Polish line when nothing matches (Textual writes „No matches found” itself).
It also says whether the hits shown belong to the text typed (`searching`): an Enter typed right behind the
text waits for them (KeyOrder), else it would run the first hit of the previous list."""
from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from store.i18n import _


class FiliaPalette(CommandPalette):
    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder=_("Szukaj operacji… (Esc zamyka)"), **kwargs)
        self._searched: str | None = None       # the text whose hits the list shows

    @property
    def searching(self) -> bool:
        """True until the list shows the hits of the text now typed."""
        inputs = self.query(CommandInput)
        return bool(inputs) and inputs.first().value.strip() != self._searched

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # a newer search cancels the older one (exclusive workers): a finished one is for the text now typed
        if event.worker.group == self._GATHER_COMMANDS_GROUP and event.state == WorkerState.SUCCESS:
            self._searched = self.query_one(CommandInput).value.strip()

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own method with its text in Polish (the text is written inside it, nowhere else).
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("Nie znaleziono pasujących operacji"), style="not bold")),
                           disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
