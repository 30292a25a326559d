"""The *Płatności* tab of the document form (issue 14 §1, DOC-4/DOC-26): payment form and term, and the
instalment table. A mixin of DocumentForm.

    Forma płatności   a name + Enter, or F4 for the list
    Termin płatności  days („14”) or a date (RRRR-MM-DD); empty: the payment terms (form / contractor)
    Raty              Ins adds an instalment (form, amount — the rest of the gross is proposed —, term);
                      Enter changes the highlighted one, Del removes it. With instalments the table is the
                      document's payments and their sum must equal the gross (Decimal) before a save.

SETUP-12 *kopiuj płatności*: a copy (Ctrl+Insert on the list) takes the original's payment table too.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static, TabbedContent

from store import trade
from store.i18n import _
from store.trade import form_support, listing, options
from tui.screens.document_dialogs import _Dialog, money, parse_decimal
from tui.widgets.form_field import FormField
from tui.widgets.line_grid import LineGrid
from tui.widgets.lookup import Reference

COLUMNS = (("Lp", 3, True), ("Forma płatności", 22, False), ("Kwota", 14, True), ("Termin", 12, False))


def parse_term(text: str, issue: dt.date | None) -> tuple[bool, dt.date | None]:
    """(valid, due date) of a typed term: days after the issue date, or a date; empty: (True, None)."""
    text = (text or "").strip()
    if not text:
        return True, None
    if text.isdigit():
        if issue is None or int(text) > 3650:
            return False, None          # not a term: and days past year 9999 are no date at all (OverflowError)
        return True, issue + dt.timedelta(days=int(text))
    try:
        return True, dt.date.fromisoformat(text)
    except ValueError:
        return False, None


class InstalmentGrid(LineGrid):
    """The instalment table: its own messages, so the item grid's handlers never see them."""

    class Highlighted(LineGrid.Highlighted):
        pass

    class Selected(LineGrid.Selected):
        pass


class InstalmentDialog(_Dialog):
    """One instalment: form, amount, term (days or a date). Enter in the last field accepts; bad input keeps
    the dialog open with a Polish message."""

    def __init__(self, title: str, form: str, amount: Decimal, term: str, issue: dt.date | None) -> None:
        super().__init__()
        self.title_text, self.form, self.amount, self.term, self.issue = title, form, amount, term, issue

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            yield FormField("inst_form", _("Forma płatności"), "lookup",
                            reference=Reference("payment_form", "payment_forms"))
            yield FormField("inst_amount", _("Kwota"), "str")
            yield FormField("inst_term", _("Termin (dni lub data)"), "str")
            yield Static("", id="instalment-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#f-inst_form").field_value = self.form
        self.query_one("#f-inst_amount").field_value = money(self.amount).replace(" ", "")
        self.query_one("#f-inst_term").field_value = self.term
        self.query_one("#f-inst_amount" if self.form else "#f-inst_form").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if getattr(event.input, "field_name", "") != "inst_term":
            self.focus_next()
            return
        name = self.query_one("#f-inst_form").field_value or ""
        form_id = listing.payment_form_id(name) if name else None
        amount = parse_decimal(self.query_one("#f-inst_amount").field_value)
        term = self.query_one("#f-inst_term").field_value.strip()
        ok, due = parse_term(term, self.issue)
        errors = []
        if form_id is None:
            errors.append(_("Wybierz formę płatności raty (F4 otwiera listę)."))
        if amount is None or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            errors.append(_("Kwota raty: podaj kwotę większą od zera, z groszami najwyżej do dwóch miejsc."))
        if not ok:
            errors.append(_("Termin raty: podaj liczbę dni albo datę RRRR-MM-DD."))
        if errors:
            self.query_one("#instalment-error", Static).update("\n".join(errors))
            self.app.bell()
            return
        self.dismiss({"form_id": form_id, "form": name, "amount": amount, "term": term, "due": due})


class PaymentsPart:
    """Mixin: needs self.kind, self.loaded, self.gross, self._field/_set_field, self._issue_date()."""

    def compose_payments(self):
        yield FormField("payment_form", _("Forma płatności"), "lookup",
                        reference=Reference("payment_form", "payment_forms"))
        yield FormField("payment_term", _("Termin płatności"), "str")
        yield Static("", id="doc-term")
        yield Static("", id="doc-payments")
        yield InstalmentGrid([(_(t), w, r) for t, w, r in COLUMNS], id="doc-instalments")
        yield Static("", id="doc-instalment-sum")

    # --- loading ---------------------------------------------------------------------------------------
    def load_payments(self, view) -> None:
        pays = view.payments
        term = ""
        if len(pays) == 1 and pays[0].get("due_typed") and pays[0].get("due_date"):
            term = pays[0]["due_date"].isoformat()
        self.loaded["payment_term"] = term
        self._set_field("payment_term", term)
        self.instalments = [self._instalment(p) for p in pays] if len(pays) > 1 else []
        self.instalments_dirty = False
        self.refresh_payments()

    @staticmethod
    def _instalment(p: dict, *, keep_due: bool = True) -> dict:
        due = p.get("due_date") if keep_due or p.get("due_typed") else None
        return {"form_id": p["form_id"], "form": listing.payment_form_name(p["form_id"]), "amount": Decimal(p["amount"]),
                "due": due, "term": due.isoformat() if due else ""}

    def copy_payments(self, view) -> None:
        """SETUP-12: on a copy the payment table comes too when the option says so (typed terms only)."""
        self.instalments, self.instalments_dirty = [], False
        if options.read()[options.COPY_PAYMENTS] != "1" or not view.payments:
            return
        if len(view.payments) > 1:
            self.instalments = [self._instalment(p, keep_due=False) for p in view.payments]
            self.instalments_dirty = True
        else:
            p = view.payments[0]
            self._set_field("payment_form", listing.payment_form_name(p["form_id"]))
            if p.get("due_typed") and p.get("due_date"):
                self._set_field("payment_term", p["due_date"].isoformat())

    # --- what the tab shows ------------------------------------------------------------------------------
    def refresh_payments(self) -> None:
        grid = self.query("#doc-instalments")
        if not grid:
            return
        rows = [(str(i), p["form"], money(p["amount"]), p["due"].isoformat() if p["due"] else _("wg warunków"))
                for i, p in enumerate(getattr(self, "instalments", []), 1)]
        grid.first().set_rows(rows)
        gross = getattr(self, "gross", Decimal(0))
        if self.instalments:
            total = sum((p["amount"] for p in self.instalments), Decimal(0))
            text = _("Raty: {n}, suma {suma} z {brutto}").format(n=len(self.instalments), suma=money(total),
                                                                  brutto=money(gross))
            if total != gross:
                text += " – " + _("różnica {roznica}").format(roznica=money(gross - total))
        else:
            text = _("Jedna płatność na całą kwotę. Ins dodaje ratę, Del usuwa, Enter zmienia.")
        self.query_one("#doc-instalment-sum", Static).update(text)
        self._refresh_term()

    def _refresh_term(self) -> None:
        found = self.query("#doc-term")
        if not found:
            return
        if getattr(self, "instalments", []):
            found.first().update(_("Płatność w ratach – forma i termin każdej raty w tabeli."))
            return
        issue = self._issue_date()
        ok, due = parse_term(self._field("payment_term") or "", issue)
        if not ok:
            text = _("Termin: podaj liczbę dni albo datę RRRR-MM-DD.")
        elif due is not None:
            text = _("Termin płatności: {data} ({dni} dni)").format(data=due.isoformat(),
                                                                  dni=(due - issue).days if issue else "?")
        else:
            name = self._field("payment_form") or ""
            form_id = listing.payment_form_id(name) if name else None
            proposed = form_support.proposed_due(self._contractor_id(), form_id, issue) if issue else None
            text = _("Termin wg warunków płatności: {data}").format(data=proposed.isoformat()) if proposed \
                else _("Termin wg warunków płatności (forma i kontrahent).")
        found.first().update(text)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-payments":
            self.refresh_payments()

    def on_input_changed(self, event: Input.Changed) -> None:
        name = getattr(event.input, "field_name", "")
        if name in ("payment_form", "payment_term"):
            if (self._field(name) or "") != self.loaded.get(name, ""):
                self.dirty = True
            self._refresh_term()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = getattr(event.input, "field_name", "")
        if name == "payment_term":
            event.stop()
            self._refresh_term()
            self.query_one("#doc-instalments").focus()
        elif name in ("contractor", "issue_date"):       # the terms follow the contractor and the date
            self._refresh_term()

    # --- instalments ----------------------------------------------------------------------------------
    def payments_key(self, what: str) -> bool:
        """Ins/Del on the *Płatności* tab act on the instalment table; True when handled here."""
        found = self.query("#doc-instalments")
        if not found or self.query_one(TabbedContent).active != "tab-payments":
            return False
        if self._refuse_if_locked():
            return True
        if what == "add":
            self._edit_instalment(None)
        elif what == "delete" and self.focused is found.first() and self.instalments:
            self._delete_instalment(found.first().cursor_row)
        return True

    def on_instalment_grid_selected(self, event: InstalmentGrid.Selected) -> None:
        event.stop()
        if not self._refuse_if_locked() and 0 <= event.cursor_row < len(self.instalments):
            self._edit_instalment(event.cursor_row)

    def _edit_instalment(self, index: int | None) -> None:
        issue = self._issue_date()
        if index is None:
            rest = self.gross - sum((p["amount"] for p in self.instalments), Decimal(0))
            form = self._field("payment_form") or (self.instalments[-1]["form"] if self.instalments else "")
            dialog = InstalmentDialog(_("Nowa rata"), form, max(rest, Decimal(0)), "", issue)
        else:
            p = self.instalments[index]
            dialog = InstalmentDialog(_("Rata {n}").format(n=index + 1), p["form"], p["amount"], p["term"], issue)

        def answered(row: dict | None) -> None:
            if row is None:
                return
            if index is None:
                self.instalments.append(row)
            else:
                self.instalments[index] = row
            self.instalments_dirty = self.dirty = True
            self.refresh_payments()
            grid = self.query_one("#doc-instalments", InstalmentGrid)
            grid.move_cursor(row=len(self.instalments) - 1 if index is None else index)
            grid.focus()
        self.app.push_screen(dialog, answered)

    def _delete_instalment(self, index: int) -> None:
        from tui.widgets.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                del self.instalments[index]
                self.instalments_dirty = self.dirty = True
                self.refresh_payments()
        self.app.push_screen(ConfirmDialog(_("Usunąć ratę {n}?").format(n=index + 1)), answered)

    # --- the draft --------------------------------------------------------------------------------------
    def payment_errors(self) -> list[str]:
        out = []
        if self.instalments:
            total = sum((p["amount"] for p in self.instalments), Decimal(0))
            if total != self.gross:
                out.append(_("Suma rat ({suma}) różni się od wartości brutto dokumentu ({brutto}) – popraw raty na "
                             "zakładce Płatności.").format(suma=money(total), brutto=money(self.gross)))
            return out
        ok, due = parse_term(self._field("payment_term") or "", self._issue_date())
        if not ok:
            out.append(_("Pole „Termin płatności”: podaj liczbę dni albo datę RRRR-MM-DD."))
        elif due is not None and not (self._field("payment_form") or ""):
            out.append(_("Pole „Termin płatności”: wybierz najpierw formę płatności."))
        return out

    def _payments(self) -> list | None:
        if self.instalments:
            if not self.instalments_dirty:
                return None
            return [trade.PaymentDraft(p["form_id"], p["amount"], p["due"]) for p in self.instalments]
        form = self._field("payment_form") or ""
        term = (self._field("payment_term") or "").strip()
        if form == self.loaded["payment_form"] and term == self.loaded.get("payment_term", "") \
                and not self.instalments_dirty:
            return None
        form_id = listing.payment_form_id(form) if form else None
        _ok, due = parse_term(term, self._issue_date())
        return [trade.PaymentDraft(form_id, None, due)] if form_id else []
