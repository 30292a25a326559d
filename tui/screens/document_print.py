"""Ctrl+P on the document form (issue 14 §8): the saved document to a PDF or a text file (by the extension),
in a worker, with the DEMO watermark when the seat is a demo. A mixin of DocumentForm."""
from __future__ import annotations

from pathlib import Path

from store.errors import FiliaError
from store.i18n import _


class PrintPart:
    """Mixin: needs self.document_id, self.view, self.is_changed()."""

    def action_print_document(self) -> None:
        from tui.widgets.prompt import ask_save_path

        if self.document_id is None or self.is_changed():
            self.notify(_("Zapisz dokument przed wydrukiem (Ctrl+S)."), severity="warning")
            return
        number = (self.view.number if self.view else str(self.document_id)).replace("/", "_")
        default = Path.home() / f"{number}.pdf"

        def chosen(path: str | None) -> None:
            if path:
                self.print_to(Path(path).expanduser())
        ask_save_path(self.app, _("Wydruk dokumentu – ścieżka pliku (.pdf lub .txt):"), str(default), chosen)

    def print_to(self, path: Path) -> None:
        from store.trade.printing import print_pdf, print_text
        from tui.seats import demo_watermark

        doc_id, watermark = self.document_id, demo_watermark(self.app)

        def run() -> None:
            writer = print_text if path.suffix.lower() == ".txt" else print_pdf
            try:
                out = writer(doc_id, path, watermark=watermark)
            except FiliaError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
            else:
                self.app.call_from_thread(self.notify, _("Wydrukowano do {path}").format(path=out))
        self.run_worker(run, thread=True, group="doc-print", exit_on_error=False)
