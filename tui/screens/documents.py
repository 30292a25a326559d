"""Document lists per kind (issue 14 §5–§7) on the list engine.

Insert opens a new document's form, Enter the highlighted one, Ctrl+Insert a copy (new guid); Delete removes a
buffered document or cancels an approved one (store.trade); the Status column and the row colours say what
reached HQ (E, OL, XL), what waits (*Bufor*), *do anulowania* (blue), cancelled by HQ (red), cancelled. The
status line sums net, VAT and gross of the marked rows. Palette (F11/Ctrl+O): *Drukuj dokumenty* (the marked
ones, one PDF or text file each), *Zatwierdź dokumenty* (DOC-24, FA/PA) and on the PA list *Faktura do
paragonu* (DOC-15).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from store.errors import FiliaError
from store.i18n import _
from store.trade import listing
from tui.screens.list_screen import ListBehaviour

MODULE = "HANDEL"
TITLES = {"FA": "Faktury sprzedaży", "PA": "Paragony", "FZ": "Faktury zakupu", "WZ": "Wydania zewnętrzne",
          "PZ": "Przyjęcia zewnętrzne", "PW": "Przyjęcia wewnętrzne", "RW": "Rozchody wewnętrzne"}
STATE_INDEX = 1 + [c.name for c in listing.document_list("FA").columns].index("state")


def _card(kind: str):
    def card(record_id, copy_from=None):
        from tui.screens.document_form import DocumentForm

        return DocumentForm(kind, record_id, copy_from=copy_from)
    return card


def _remove(record_id: int, answers: dict | None = None):
    """Delete: a buffered document goes; an approved one is cancelled. An FS made from a PA first asks whether
    the PA goes too (DOC-18: the trade core's ConfirmationNeeded, answered by the list and passed back)."""
    from store import trade
    from store.trade.cancel import CANCEL_RECEIPT

    state = listing.states_of([record_id]).get(record_id)
    if state == trade.BUFFER:
        return trade.delete_buffer(record_id, version=None)
    return trade.cancel(record_id, version=None, cancel_receipt=(answers or {}).get(CANCEL_RECEIPT))


def _describe(row: tuple) -> str:
    return f"{row[2]} {row[3] or ''}".strip()


def _delete_question(row: tuple) -> str:
    """Del on a buffered document deletes it; on an approved one it cancels it (the number stays taken)."""
    if row[STATE_INDEX] == listing.BUFFER:
        return _("Czy usunąć dokument „{what}” z bufora?").format(what=_describe(row))
    return _("Czy anulować dokument „{what}”? Anulowany dokument zostaje na liście ze swoim numerem.").format(
        what=_describe(row))


def _summary(ids: list[int]) -> str:
    net, vat, gross = listing.totals(ids)
    return _("netto {netto}, VAT {vat}, brutto {brutto}").format(netto=listing.money_text(net),
                                                                 vat=listing.money_text(vat),
                                                                 brutto=listing.money_text(gross))


def print_documents(screen) -> None:
    """The marked documents (or the highlighted one), each to its own file in a folder the clerk names."""
    from tui.widgets.prompt import PromptDialog

    ids = screen._selected_ids()
    if not ids:
        return

    def chosen(folder: str | None) -> None:
        if folder:
            _print_worker(screen, ids, Path(folder).expanduser())
    screen.app.push_screen(PromptDialog(_("Drukuj dokumenty – katalog na wydruki PDF:"), str(Path.home())), chosen)


def _print_worker(screen, ids: list[int], folder: Path) -> None:
    from store.trade.printing import print_pdf
    from tui.seats import demo_watermark

    watermark = demo_watermark(screen.app)

    def run() -> None:
        done, errors = 0, []
        for doc_id in ids:
            try:
                print_pdf(doc_id, folder / f"dokument_{doc_id}.pdf", watermark=watermark)
                done += 1
            except FiliaError as exc:
                errors.append(str(exc))
        text = _("Wydrukowano {n} dokumentów do {path}").format(n=done, path=folder)
        screen.app.call_from_thread(screen.notify, "\n".join([text] + errors[:3]),
                                    severity="error" if errors else "information", timeout=8)
    screen.run_worker(run, thread=True, group="doc-print", exit_on_error=False)


def approve_marked(screen) -> None:
    """DOC-24: approve the marked buffered documents in a worker; the report lists each with its reason."""
    from tui.widgets.confirm import ConfirmDialog

    ids = screen._selected_ids()
    if not ids:
        return

    def answered(yes: bool | None) -> None:
        if yes:
            _batch_worker(screen, ids)
    screen.app.push_screen(ConfirmDialog(_("Zatwierdzić zaznaczone dokumenty ({n})? Zatwierdzenia nie można "
                                           "cofnąć.").format(n=len(ids)), default=True), answered)


def _batch_worker(screen, ids: list[int]) -> None:
    from store.base import session_operator
    from store.trade.batch import approve_batch
    from tui.screens.document_dialogs import MessageDialog

    def run() -> None:
        report = approve_batch(ids, session_operator())

        def show() -> None:
            screen.list.marks.clear()
            screen.action_refresh()
            screen.app.push_screen(MessageDialog(_("Seryjne zatwierdzanie dokumentów"), report.text()))
        screen.app.call_from_thread(show)
    screen.run_worker(run, thread=True, group="doc-batch", exit_on_error=False)


def invoice_for_receipt(screen) -> None:
    """PA → FS (DOC-15): the contractor is picked from the list; the new FA opens in its form (buffer)."""
    from tui.lists import LISTS
    from tui.screens.list_screen import ListScreen

    pa_id = screen.list.cursor_id
    if pa_id is None:
        return

    def picked(contractor_id: int | None) -> None:
        if contractor_id is None:
            return
        from store import trade
        from tui.screens.document_form import DocumentForm

        try:
            fs = trade.invoice_from_receipt(pa_id, issue_date=dt.date.today(), contractor_id=contractor_id)
        except FiliaError as exc:
            screen.notify(str(exc), title=_("Faktura do paragonu"), severity="error", timeout=10)
            return
        screen.action_refresh()
        screen.app.push_screen(DocumentForm("FA", fs.id), lambda _r: screen.action_refresh())
    screen.app.push_screen(ListScreen(LISTS["contractors"](), lookup=True), picked)


def _parse_filter(text: str) -> tuple[dict, list[str]]:
    """„2026-12-01..2026-12-31 k=ABC s=KRAK m=MAGAZYN”: any of date range, contractor, series, warehouse."""
    out, errors = {}, []
    for part in text.split():
        key, _sep, value = part.partition("=")
        if not _sep and ".." in part:
            start, _dots, end = part.partition("..")
            try:
                out["date_from"] = dt.date.fromisoformat(start) if start else None
                out["date_to"] = dt.date.fromisoformat(end) if end else None
            except ValueError:
                errors.append(_("Zakres dat: podaj RRRR-MM-DD..RRRR-MM-DD."))
        elif key.lower() in ("k", "kontrahent"):
            out["contractor_code"] = value
        elif key.lower() in ("s", "seria"):
            out["series"] = value
        elif key.lower() in ("m", "magazyn"):
            wh = listing.warehouse_id(value)
            if wh is None:
                errors.append(_("Nie ma magazynu „{symbol}”.").format(symbol=value))
            out["warehouse_id"] = wh
        else:
            errors.append(_("Nie rozumiem „{tekst}”.").format(tekst=part))
    return out, errors


def filter_documents(screen) -> None:
    """Date range, contractor, series, warehouse (issue 14 §5); an empty answer clears the filter."""
    from tui.widgets.prompt import PromptDialog

    def typed(text: str | None) -> None:
        if text is None:
            return
        values, errors = _parse_filter(text)
        if errors:
            screen.notify("\n".join(errors), severity="error", timeout=8)
            return
        where = listing.where_for(**values)
        screen.query_.extra_where = [where] if where is not None else []
        screen.document_filter = text.strip()
        screen.list.reload()
        screen._update_status(_("warunki: {tekst}").format(tekst=text.strip()) if where is not None else "")
    screen.app.push_screen(PromptDialog(_("Filtr dokumentów – np. 2026-12-01..2026-12-31 k=ABC s=KRAK m=MAGAZYN "
                                          "(puste: bez warunków):"), getattr(screen, "document_filter", "")), typed)


def documents(kind: str) -> ListBehaviour:
    serial = [("print_documents", _("Drukuj dokumenty"), print_documents),
              ("filter_documents", _("Filtr: data, kontrahent, seria, magazyn"), filter_documents)]
    if kind in ("FA", "PA"):
        serial.append(("approve_documents", _("Zatwierdź dokumenty"), approve_marked))
    if kind == "PA":
        serial.append(("invoice_for_receipt", _("Faktura do paragonu"), invoice_for_receipt))
    return ListBehaviour(
        key=f"documents_{kind}", title=_(TITLES[kind]), spec=lambda: listing.document_list(kind),
        card=_card(kind), delete=_remove, describe=_describe, delete_question=_delete_question,
        filters=[("buffer", _("tylko bufor")), ("approved", _("tylko zatwierdzone")),
                 ("not_sent", _("niewysłane do centrali")), ("cancelled", _("anulowane"))],
        module=MODULE, serial=serial, tone=lambda row: listing.row_tone(row[STATE_INDEX]),
        marked_summary=_summary)


LISTS = {f"documents_{kind}": (lambda kind=kind: documents(kind)) for kind in TITLES}
MENU = [("Handel", "Faktury sprzedaży", "documents_FA"), ("Handel", "Paragony", "documents_PA"),
        ("Handel", "Faktury zakupu", "documents_FZ"), ("Magazyn", "Wydania zewnętrzne", "documents_WZ"),
        ("Magazyn", "Przyjęcia zewnętrzne", "documents_PZ"), ("Magazyn", "Przyjęcia wewnętrzne", "documents_PW"),
        ("Magazyn", "Rozchody wewnętrzne", "documents_RW")]
