"""The trade document form (FA, PA, FZ, WZ, PZ, PW, RW; issue 14 §1–§4), by keyboard as in Optima.

    Kontrahent: a full code + Enter resolves it; Tab/F4/Enter in the empty field opens the contractor list.
    Insert/Ctrl+N: the goods lookup opens; Enter picks; a panel over the form asks the quantity (Enter accepts).
    Enter on a line changes it; Delete removes it after a question.
    Ctrl+S saves keeping *Bufor*; F8 approves after a confirmation (irreversible; a cash PA asks the amount
    tendered first, DOC-5); Ctrl+P prints (PDF or text by the file's extension); F6 next tab; Esc asks when changed.

Every refusal keeps the form open with the clerk's lines, every reason listed; a question of the trade core
(ConfirmationNeeded) is asked and the call repeated with the answer. Store calls only: store.trade and
store.trade.listing; the grid (tui.widgets.line_grid) formats only the rows in view.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TabbedContent, TabPane

from store import trade
from store.i18n import _
from store.trade import form_support, listing
from store.trade.values import view_reasons
from tui import keymap
from tui.screens.document_dialogs import money
from tui.screens.document_header import HeaderPart
from tui.screens.document_line_entry import LineEntryPart, LinePanel
from tui.screens.document_line_entry import quantity_text as _qty
from tui.screens.document_line_info import LineInfoPart
from tui.screens.document_payments import PaymentsPart
from tui.screens.document_print import PrintPart
from tui.screens.document_save import SavePart
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.form_field import FormField
from tui.widgets.key_bar import KeyBar
from tui.widgets.line_grid import LineGrid
from tui.widgets.lookup import Reference

TITLES = {"FA": "Faktura sprzedaży", "PA": "Paragon", "FZ": "Faktura zakupu", "WZ": "Wydanie zewnętrzne",
          "PZ": "Przyjęcie zewnętrzne", "PW": "Przyjęcie wewnętrzne", "RW": "Rozchód wewnętrzny"}
WITH_CONTRACTOR = ("FA", "PA", "FZ", "WZ", "PZ")
WITH_PAYMENTS = ("FA", "PA", "FZ")
LOCKED_ACTIONS = frozenset({"add_line", "delete_line", "save", "approve"})   # keys an approved document has no use for
COLUMNS = (("Lp", 3, True), ("Kod", 12, False), ("Nazwa", 26, False), ("Ilość", 9, True), ("J.m.", 5, False),
           ("Cena", 11, True), ("VAT", 4, False), ("Wartość", 12, True))


class DocumentForm(LineEntryPart, HeaderPart, PaymentsPart, LineInfoPart, PrintPart, SavePart, Screen[int | None]):
    DEFAULT_CSS = """
    DocumentForm #doc-title { background: $primary; text-style: bold; padding: 0 1; }
    DocumentForm TabbedContent { height: 1fr; }
    DocumentForm #doc-lines { height: 1fr; min-height: 4; }
    DocumentForm #doc-info, DocumentForm #doc-line-info { height: 1; color: $text-muted; }
    DocumentForm #doc-vat { height: auto; }
    DocumentForm #doc-errors { height: auto; max-height: 8; color: $error; display: none; }
    DocumentForm #doc-errors.visible { display: block; }
    DocumentForm #doc-instalments { height: 1fr; min-height: 3; }
    DocumentForm #doc-term, DocumentForm #doc-instalment-sum { height: auto; }
    """
    BINDINGS = keymap.bindings("form") + keymap.bindings("document")
    AUTO_FOCUS = None            # on_mount chooses the field or the grid (an auto focus first was one more restyle)
    # Screen.focused repaints the whole screen on every focus change; the widgets that gain and lose the focus
    # repaint themselves (their :focus styles)
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, kind: str, document_id: int | None = None, *, copy_from: int | None = None) -> None:
        super().__init__()
        self.kind = "FA" if kind == "FS" else kind
        self.document_id = document_id
        self.copy_from = copy_from
        self.view: trade.DocumentView | None = None
        self.version: int | None = None
        self.lines: list[dict] = []
        self.removed: list[tuple[int, int]] = []
        self.loaded: dict = {"contractor_id": None, "issue_date": dt.date.today(), "payment_form": "",
                             "payment_term": ""}
        self.instalments: list[dict] = []
        self.instalments_dirty = False
        self.gross = Decimal(0)
        self.dirty = False
        self.busy = False
        self.confirmed: set[str] = set()
        self.tendered: Decimal | None = None
        self.editable = True
        self.price_editable = listing.prices_editable()
        self.warehouse_id: int | None = None
        self.from_gross = self.kind == "PA"
        self._shown: dict[str, str] = {}       # the text lines as last shown (_show)

    # --- layout ---------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="doc-title")
        with TabbedContent(id="doc-tabs"):
            with TabPane(_("Ogólne"), id="tab-general"):
                if self.kind in WITH_CONTRACTOR:
                    yield FormField("contractor", _("Kontrahent"), "lookup",
                                    reference=Reference("contractor", "contractors"))
                yield FormField("issue_date", _("Data wystawienia"), "str")
                yield from self.compose_header()
                yield Static("", id="doc-info")
                yield LineGrid([(_(title), width, right) for title, width, right in COLUMNS], id="doc-lines")
                yield Static("", id="doc-line-info")
                yield Static("", id="doc-vat")
            if self.kind in WITH_PAYMENTS:
                with TabPane(_("Płatności"), id="tab-payments"):
                    yield from self.compose_payments()
            with TabPane(_("Dokumenty"), id="tab-links"):
                yield Static("", id="doc-links")
        yield Static("", id="doc-errors")
        yield LinePanel()
        yield KeyBar()

    @property
    def table(self) -> LineGrid:
        return self.query_one("#doc-lines", LineGrid)

    def on_mount(self) -> None:
        table = self.table
        if self.document_id is not None:
            self._load_view(trade.load_document(self.document_id))
        else:
            self.warehouse_id = listing.default_warehouse()
            self.new_header()
            if self.copy_from is not None:
                self._copy(trade.load_document(self.copy_from))
            elif self.kind in WITH_CONTRACTOR and (walk_in := form_support.proposed_contractor(self.kind)):
                # the receipt's !NIEOKREŚLONY!, as the store saves a new PA anyway: loaded, not the clerk's change
                self.loaded = dict(self.loaded, contractor_id=walk_in)
                self._set_field("contractor", walk_in)
            self._set_field("issue_date", self.loaded["issue_date"].isoformat())
            self._refresh()
        proposed = self.document_id is None and self.copy_from is None and self._contractor_id()
        if self.document_id is None and self.kind in WITH_CONTRACTOR and not self.loaded["contractor_id"] \
                and not proposed:
            self.query_one("#f-contractor").focus()
        else:
            table.focus()

    def _set_field(self, name: str, value) -> None:
        found = self.query(f"#f-{name}")
        if found:
            found.first().field_value = value

    def _field(self, name: str):
        found = self.query(f"#f-{name}")
        return found.first().field_value if found else None

    # --- loading --------------------------------------------------------------------------------------
    def _load_view(self, view: trade.DocumentView) -> None:
        self.view, self.document_id, self.version = view, view.id, view.version
        h = view.header
        self.warehouse_id, self.from_gross = h["warehouse_id"], bool(h["from_gross"])
        self.lines = [{"id": ln["id"], "version": ln["version"], "goods_id": ln["goods_id"], "code": ln["goods_code"],
                       "name": ln["name"], "unit": ln["unit"], "rate_code": ln["rate_code"], "rate": ln["rate"],
                       "quantity": ln["quantity"], "price": ln["price"], "loaded": (ln["quantity"], ln["price"]),
                       "available": None} for ln in view.lines]
        self.removed = []
        form = listing.payment_form_name(view.payments[0]["form_id"]) if view.payments else ""
        self.loaded = {"contractor_id": h["contractor_id"], "issue_date": h["issue_date"], "payment_form": form}
        self.editable = view.state == trade.BUFFER
        self._set_field("contractor", h["contractor_id"] or 0)
        self._set_field("issue_date", h["issue_date"].isoformat())
        self._set_field("payment_form", form)
        self.load_header(view)
        self.load_payments(view)
        for f in self.query(".form-field"):
            f.disabled = not self.editable
        # a buffered document edited outside the program: said at once, and Ctrl+S stores it computed again
        stale = view_reasons(view) if self.editable else []
        self.dirty = bool(stale)
        self._refresh()
        if stale:
            self._show_errors(_("Dokument trzeba zapisać ponownie (Ctrl+S):"), stale)

    def _copy(self, view: trade.DocumentView) -> None:
        """Ctrl+Insert on the list: a new document with the original's contractor and lines (a new guid)."""
        self.loaded = dict(self.loaded, contractor_id=None)
        self._set_field("contractor", view.header["contractor_id"] or 0)
        self.lines = [{"id": None, "version": None, "goods_id": ln["goods_id"], "code": ln["goods_code"],
                       "name": ln["name"], "unit": ln["unit"], "rate_code": ln["rate_code"], "rate": ln["rate"],
                       "quantity": ln["quantity"], "price": ln["price"], "available": None} for ln in view.lines]
        self.copy_payments(view)
        self.dirty = bool(self.lines)

    # --- what the screen shows ------------------------------------------------------------------------
    def _title(self) -> str:
        if self.view is None:
            return _("{rodzaj} – nowy dokument (bufor)").format(rodzaj=_(TITLES[self.kind]))
        state = listing.status_text(self.view.state)
        return _("{rodzaj} {numer} – {stan}").format(rodzaj=_(TITLES[self.kind]), numer=self.view.number, stan=state)

    def _show(self, widget_id: str, text: str) -> None:
        """A text of the form, updated only when it changed, laid out again only when its number of lines did
        (every layout of the form costs a frame of all its widgets). The texts kept here change only through it."""
        shown = self._shown.get(widget_id)
        if shown == text:
            return
        self._shown[widget_id] = text
        found = self.query(f"#{widget_id}")
        if found:
            found.first(Static).update(text, layout=shown is None or shown.count("\n") != text.count("\n"))

    def _refresh(self, cursor: int | None = None) -> None:
        self._show("doc-title", self._title() + (" *" if self.dirty else ""))
        self.table.set_rows([(str(i), ln["code"], ln["name"], _qty(ln["quantity"]), ln["unit"], money(ln["price"]),
                              ln["rate_code"], money(listing.line_value(ln["quantity"], ln["price"])))
                             for i, ln in enumerate(self.lines, 1)], cursor)
        self._refresh_summary()
        if cursor is not None:
            self._show_line_info(cursor)    # now, in this frame, not when the grid's message comes round

    def _refresh_summary(self) -> None:
        rows = listing.summary(self.lines, from_gross=self.from_gross)
        head = f"{_('Stawka'):<8}{_('Netto'):>14}{_('VAT'):>14}{_('Brutto'):>14}"
        body = [f"{code:<8}{money(net):>14}{money(vat):>14}{money(gross):>14}" for code, net, vat, gross in rows]
        total = [sum((r[i] for r in rows), Decimal(0)) for i in (1, 2, 3)]
        body.append(f"{_('Razem'):<8}{money(total[0]):>14}{money(total[1]):>14}{money(total[2]):>14}")
        self.gross = total[2]
        self._show("doc-vat", "\n".join([head] + body))
        mode = _("od brutto") if self.from_gross else _("od netto")
        self._show("doc-info", _("Pozycje: {n}   VAT liczony {tryb}   Ins dodaje pozycję, F8 "
                                 "zatwierdza").format(n=len(self.lines), tryb=mode))
        if self.kind in WITH_PAYMENTS:
            form = self._field("payment_form") or _("wg kontrahenta / gotówka")
            self._show("doc-payments", _("Płatność: {forma}, kwota {kwota}").format(forma=form, kwota=money(total[2])))
        if self.view is not None:
            self._show("doc-links", "\n".join(listing.link_texts(self.view.links)) or _("Brak powiązanych dokumentów."))

    def on_line_grid_highlighted(self, event: LineGrid.Highlighted) -> None:
        self._show_line_info(event.cursor_row)

    def _show_line_info(self, i: int) -> None:
        if not (0 <= i < len(self.lines)):
            self._show("doc-line-info", "")
            return
        ln = self.lines[i]
        if ln.get("available") is None:
            ln["available"] = listing.availability(ln["goods_id"], self.warehouse_id)
        avail = ln["available"]
        self._show("doc-line-info", _("{kod}: dostępne {ilosc}").format(kod=ln["code"], ilosc=_qty(avail))
                   if avail is not None else "")

    def _show_errors(self, title: str, reasons: list[str]) -> None:
        box = self.query_one("#doc-errors", Static)
        text = "\n".join([title] + [f"• {r}" for r in reasons]) if reasons else ""
        if text != str(box.content):                # unchanged: no layout of the form for it
            box.update(text)
        box.set_class(bool(reasons), "visible")
        if reasons:
            self.app.bell()

    # --- header fields ----------------------------------------------------------------------------------
    def _contractor_id(self) -> int | None:
        value = self._field("contractor")
        return int(value) if value else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = getattr(event.input, "field_name", "")
        if name in ("contractor", "issue_date", "payment_form"):
            event.stop()
            self._refresh_summary()
            if name == "contractor":
                self.table.focus()
            else:
                self.focus_next()

    def action_next_field(self) -> None:
        if self.line_panel_tab():
            return
        forward = getattr(self.focused, "action_tab_forward", None)
        if forward is not None:
            forward()
        else:
            self.focus_next()

    async def action_next_tab(self) -> None:
        self._switch_tab(1)

    async def action_prev_tab(self) -> None:
        self._switch_tab(-1)

    def _switch_tab(self, step: int) -> None:
        """F6 / Shift+F6: the next tab, with focus on its first field (a focus left on the hidden tab's grid
        made Textual focus the first field of the form, which switched the tab back)."""
        tabs = self.query_one(TabbedContent)
        panes = [p.id for p in self.query(TabPane)]
        target = panes[(panes.index(tabs.active) + step) % len(panes)]
        pane = self.query_one(f"#{target}", TabPane)
        first = next((w for w in pane.query("*") if w.can_focus and not w.disabled), None)
        tabs.active = target
        if first is not None:
            self.set_focus(first)
        else:
            self.set_focus(None)

    def key_description(self, binding) -> str:
        """The key bar's words for a key here: on an approved document the changing keys are left out (pressed,
        they say why not); on *Płatności* Ins and Del act on the instalments."""
        action = binding.action
        if not self.editable and action in LOCKED_ACTIONS:
            return ""
        if action in ("add_line", "delete_line") and self.kind in WITH_PAYMENTS \
                and self.query_one(TabbedContent).active == "tab-payments":
            return _("Dodaj ratę") if action == "add_line" else _("Usuń ratę")
        return binding.description

    # --- lines ----------------------------------------------------------------------------------------
    def _refuse_if_locked(self) -> bool:
        if not self.editable or self.busy:
            self.app.bell()
            self.notify(_("Dokument zatwierdzony – nie można go zmieniać.") if not self.editable
                        else _("Trwa zapisywanie dokumentu – poczekaj na jego koniec."), severity="warning")
            return True
        return False

    def action_add_line(self) -> None:
        if self.payments_key("add") or self._refuse_if_locked():
            return
        self.query_one(TabbedContent).active = "tab-general"
        if self.add_by_ean():                       # SETUP-12: sales by EAN only
            return
        self.open_goods_lookup()

    def on_line_grid_selected(self, event: LineGrid.Selected) -> None:
        event.stop()
        if self._refuse_if_locked() or not self.lines:
            return
        self.change_line(event.cursor_row)

    def action_delete_line(self) -> None:
        if self.payments_key("delete"):
            return
        if self.focused is not self.table or not self.lines or self._refuse_if_locked():
            return
        i = self.table.cursor_row
        ln = self.lines[i]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            del self.lines[i]
            if ln["id"] is not None:
                self.removed.append((ln["id"], ln["version"]))
            self.dirty = True
            self._refresh(cursor=i)
        self.app.push_screen(ConfirmDialog(_("Usunąć pozycję {kod}?").format(kod=ln["code"])), answered)

    # --- the draft the store gets -----------------------------------------------------------------------
    def _issue_date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat((self._field("issue_date") or "").strip())
        except ValueError:
            return None

    def is_changed(self) -> bool:
        return self.dirty or self._header_fields() != {}

    def _header_fields(self) -> dict:
        fields = {}
        contractor = self._contractor_id()
        if self.kind in WITH_CONTRACTOR and contractor != (self.loaded["contractor_id"] or None) and contractor:
            fields["contractor_id"] = contractor
        issue = self._issue_date()
        if issue is not None and issue != self.loaded["issue_date"]:
            fields["issue_date"] = issue
        fields.update(self.header_changes())
        return fields

    def draft(self) -> trade.DocumentDraft:
        lines = []
        for ln in self.lines:
            if ln["id"] is None:
                lines.append(trade.LineDraft(goods_id=ln["goods_id"], quantity=ln["quantity"],
                                             price=ln["price"] if self.price_editable else None))
            elif (ln["quantity"], ln["price"]) != ln["loaded"]:
                lines.append(trade.LineDraft(id=ln["id"], version=ln["version"], quantity=ln["quantity"],
                                             price=ln["price"] if self.price_editable else None))
        return trade.DocumentDraft(self.kind, self.document_id, self._header_fields(), lines, self._payments(),
                                   list(self.removed))

    def _input_errors(self) -> list[str]:
        out = []
        if self._issue_date() is None:
            out.append(_("Pole „Data wystawienia”: podaj datę w postaci RRRR-MM-DD."))
        text = getattr(self.query("#f-contractor").first(), "unresolved_text", "") if self.query("#f-contractor") \
            else ""
        if text:
            out.append(_("Nie ma kontrahenta „{kod}” – F4 otwiera listę.").format(kod=text))
        return out + self.header_errors() + self.payment_errors()
