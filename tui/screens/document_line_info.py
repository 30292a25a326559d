"""What the document form says about a line (issue 14 §3): the SETUP-15 per-line stock check, the price-threshold
table of the highlighted line (DICT-20), the SETUP-12 margin warning as a line is accepted, and goods taken by
EAN only on sales documents (SETUP-12). A mixin of DocumentForm; store calls only.

    Ctrl+T / Shift+Insert   the price thresholds of the highlighted line (from which quantity which price)
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from store.i18n import _
from store.trade import form_support, options
from tui.screens.document_dialogs import MessageDialog, money


def _qty(value) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


class LineInfoPart:
    """Mixin: needs self.kind, self.lines, self.warehouse_id, self.from_gross, self.table, self._contractor_id()."""

    # --- SETUP-15 per line, SETUP-12 margin: called as a line is accepted ---------------------------------
    def accept_line(self, goods_id: int, code: str, quantity: Decimal, price: Decimal, rate: Decimal,
                    available: Decimal | None, *, editing: dict | None = None) -> bool:
        """False (with the reason shown, the form unchanged) when SETUP-15 *przy akceptacji pozycji* finds the
        quantity not available; a line under the purchase price is warned about (SETUP-12, moment "line")."""
        opts = options.read()
        if opts[options.STOCK_CHECK] == "on_line" and available is not None and self.kind in ("FA", "PA"):
            others = sum((Decimal(ln["quantity"]) for ln in self.lines
                          if ln["goods_id"] == goods_id and ln is not editing), Decimal(0))
            held = sum((Decimal(ln["loaded"][0]) for ln in self.lines
                        if ln["goods_id"] == goods_id and ln.get("id") is not None and ln.get("loaded")), Decimal(0))
            if others + Decimal(quantity) - held > available:
                self.app.bell()
                self._show_errors(_("Nie przyjęto pozycji:"), [
                    _("Brak towaru {kod}: dostępne {dostepne}, na dokumencie {ilosc}.").format(
                        kod=code, dostepne=_qty(available), ilosc=_qty(others + Decimal(quantity)))])
                return False
        self._show_errors("", [])
        if form_support.margin_moment("line", opts):
            found = form_support.below_purchase(self.kind, [{"goods_id": goods_id, "price": price, "rate": rate}],
                                                from_gross=self.from_gross)
            if found:
                _c, net, cost = found[0]
                self.notify(_("Pozycja {kod}: cena sprzedaży {cena} poniżej ceny zakupu {zakup}.").format(
                    kod=code, cena=money(net), zakup=money(cost)), severity="warning", timeout=8)
        return True

    # --- DICT-20 -----------------------------------------------------------------------------------------
    def action_show_thresholds(self) -> None:
        if not self.lines:
            self.app.bell()
            return
        i = min(max(self.table.cursor_row, 0), len(self.lines) - 1)
        ln = self.lines[i]
        rows = form_support.price_thresholds(ln["goods_id"], contractor_id=self._contractor_id(),
                                             on=self._issue_date() or dt.date.today(), warehouse_id=self.warehouse_id,
                                             from_gross=self.from_gross)
        title = _("Progi cenowe – {kod} {nazwa}").format(kod=ln["code"], nazwa=ln["name"])
        if not rows:
            text = _("Towar nie ma progów cenowych.")
        else:
            basis = _("brutto") if self.from_gross else _("netto")
            head = f"{_('Od ilości'):>12}  {_('Cena') + ' ' + basis:>16}"
            body = [f"{_qty(q):>12}  {money(p):>16}" for q, p in rows]
            text = "\n".join([head] + body)
        self.app.push_screen(MessageDialog(title, text))

    # --- SETUP-12 EAN only --------------------------------------------------------------------------------
    def add_by_ean(self) -> bool:
        """On FA/PA with *Sprzedaż tylko wg kodów EAN* Insert asks for a barcode instead of the goods list;
        True when it did."""
        if not form_support.ean_only(self.kind):
            return False
        from tui.widgets.prompt import PromptDialog

        def typed(code: str | None) -> None:
            self.table.focus()
            if not code or not code.strip():
                return
            goods_id = form_support.goods_by_ean(code.strip())
            if goods_id is None:
                self.app.bell()
                self._show_errors(_("Nie dodano pozycji:"), [
                    _("Nie ma towaru o kodzie EAN „{kod}” (sprzedaż tylko wg kodów EAN).").format(kod=code.strip())])
                return
            self._show_errors("", [])
            self._goods_picked(goods_id)
        self.app.push_screen(PromptDialog(_("Kod EAN towaru (sprzedaż tylko wg kodów EAN):")), typed)
        return True
