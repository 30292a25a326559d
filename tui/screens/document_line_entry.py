"""A line of the document form: the goods lookup, then the quantity (and the price where the clerk may change
it) asked in a panel drawn over the form (issue 14 §1, §3).

The panel is a widget of the form, not a screen of its own. A dialog screen cost two screen switches a line
(composing it, a full repaint of the form behind it on the way in and again on the way out): about half of the
time from the pick to the painted line (bench/doc_form.py). While the panel is open it keeps the keys as the
dialog did: the form's own keys are off (check_action), Tab moves between its fields, Enter in the last field
accepts, Esc cancels and gives the grid the keys back.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from store.i18n import _
from store.trade import listing
from tui.screens.document_dialogs import money, parse_decimal

WIDTH = 64
# what the form still does while the panel is open: the panel's own keys, quitting, help, the palette's gate
PANEL_ACTIONS = frozenset({"cancel_line", "next_field", "help", "request_quit", "command_palette"})


class PanelInput(Input):
    """An Input whose virtual width does not follow its text: Textual lays the whole screen out again whenever
    an Input's text changes length (its virtual size is the text's width), one more frame for every price."""

    @property
    def content_width(self) -> int:
        return max(super().content_width, 24)


def quantity_text(value) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


class LinePanel(Vertical):
    """Quantity and price of one line; `open()` shows it with the values, the answer goes to a callback."""

    DEFAULT_CSS = f"""
    LinePanel {{ overlay: screen; position: absolute; display: none; width: {WIDTH}; max-width: 100%;
                 height: auto; border: thick $primary; background: $surface; padding: 0 1; }}
    LinePanel #line-title, LinePanel #line-info, LinePanel #line-price-label {{ height: 1; }}
    LinePanel #line-error {{ color: $error; height: auto; }}
    LinePanel Input {{ width: 100%; }}
    """
    BINDINGS = [Binding("escape", "cancel_line", _("Anuluj"), key_display="Esc")]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._answer: Callable[[tuple[Decimal, Decimal] | None], None] | None = None
        self._back_to: Widget | None = None
        self.price = Decimal(0)
        self.price_editable = False

    def compose(self) -> ComposeResult:
        yield Static("", id="line-title", classes="dialog-title")
        yield Static("", id="line-info")
        yield Static(_("Ilość:"))
        yield PanelInput("", id="line-quantity", select_on_focus=True)
        yield Static("", id="line-price-label")
        yield PanelInput("", id="line-price", select_on_focus=True)
        yield Static("", id="line-error")

    @property
    def is_open(self) -> bool:
        return self.display

    def _place(self, price_editable: bool) -> None:
        """Visible, centred, with the price field where it may be changed; each style set only when it changes
        (each change is a layout of the whole form)."""
        self.price_editable = price_editable
        price_input = self.query_one("#line-price", Input)
        if price_input.display != price_editable:
            price_input.display = price_editable
        size = self.screen.size
        offset = (max(0, (size.width - WIDTH) // 2), max(0, (size.height - 12) // 2))
        if (self.styles.offset.x.value, self.styles.offset.y.value) != offset:
            self.styles.offset = offset
        if not self.display:
            self.display = True

    def prepare(self, price_editable: bool) -> None:
        """Shown, empty, while a full screen (the goods lookup) covers the form: its layout is done before the
        form comes back, so the pick paints the form with the panel in one frame instead of three."""
        for name in ("#line-title", "#line-info", "#line-price-label"):
            self.query_one(name, Static).update("", layout=False)
        self._clear_error()
        self._place(price_editable)

    def open(self, title: str, quantity: Decimal, price: Decimal, *, price_editable: bool, info: str,
             answer: Callable[[tuple[Decimal, Decimal] | None], None], back_to: Widget | None = None) -> None:
        """Shows the line's values; `answer` gets (quantity, price) or None (Esc); the focus goes to `back_to`."""
        self._answer, self.price, self._back_to = answer, Decimal(price), back_to
        # one line each (CSS height 1): new texts need no layout
        self.query_one("#line-title", Static).update(title, layout=False)
        self.query_one("#line-info", Static).update(info, layout=False)
        self.query_one("#line-price-label", Static).update(
            _("Cena:") if price_editable else _("Cena: {cena} (zmiana ceny tylko w centrali)").format(cena=money(price)),
            layout=False)
        self._clear_error()
        self.query_one("#line-quantity", Input).value = quantity_text(quantity)
        self.query_one("#line-price", Input).value = money(price).replace(" ", "")
        self._place(price_editable)
        # at once, not after the next message round: the footer is drawn with the panel's keys in the same frame
        self.screen.set_focus(self.query_one("#line-quantity", Input))
        self.screen.refresh_bindings()

    def _clear_error(self) -> None:
        error = self.query_one("#line-error", Static)
        if str(error.content):
            error.update("")

    def close_unused(self) -> None:
        """A prepared panel whose lookup was left without a pick."""
        if self.display and self._answer is None:
            self.display = False

    def _close(self, answer) -> None:
        callback, self._answer = self._answer, None
        self.display = False
        if self._back_to is not None:       # at once: the key bar is drawn once, for the widget the keys go back to
            self.screen.set_focus(self._back_to)
        self.screen.refresh_bindings()
        if callback is not None:
            callback(answer)

    def action_cancel_line(self) -> None:
        self._close(None)

    def cycle(self) -> None:
        """Tab: the other field (the price only where it may be changed)."""
        fields = [w for w in self.query(Input) if w.display]
        current = self.screen.focused
        at = fields.index(current) if current in fields else -1
        fields[(at + 1) % len(fields)].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        quantity_input = self.query_one("#line-quantity", Input)
        if event.input is quantity_input and self.price_editable:
            self.query_one("#line-price", Input).focus()
            return
        qty = parse_decimal(quantity_input.value)
        price = parse_decimal(self.query_one("#line-price", Input).value) if self.price_editable else self.price
        error = self.query_one("#line-error", Static)
        if qty is None or qty <= 0:
            error.update(_("Ilość musi być liczbą większą od zera."))
            quantity_input.focus()
            return
        if price is None or price < 0:
            error.update(_("Cena musi być liczbą nieujemną."))
            return
        self._close((qty, price))


class LineEntryPart:
    """Mixin of DocumentForm: adding a line from the goods lookup and changing one with Enter."""

    @property
    def line_panel(self) -> LinePanel:
        panel = getattr(self, "_line_panel", None)
        if panel is None:
            panel = self._line_panel = self.query_one(LinePanel)
        return panel

    def _panel_open(self) -> bool:
        # asked for every binding whenever the footer is drawn: no DOM query here
        panel = getattr(self, "_line_panel", None)
        if panel is None and self.is_mounted:
            found = self.query(LinePanel)
            panel = self._line_panel = found.first() if found else None
        return panel is not None and panel.is_open

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in PANEL_ACTIONS and self._panel_open():
            return False            # the form's keys wait while the line is being entered
        return super().check_action(action, parameters)

    def on_descendant_focus(self, event) -> None:
        if self._panel_open() and self.line_panel not in event.widget.ancestors:
            panel = self.line_panel
            panel.query_one("#line-quantity", Input).focus()   # Shift+Tab or a click: the focus stays in the panel

    def line_panel_tab(self) -> bool:
        """Tab while the panel is open moves within it; True when it did."""
        if not self.line_panel.is_open:
            return False
        self.line_panel.cycle()
        return True

    def _quote(self, goods_id: int, quantity: Decimal = Decimal(1)) -> listing.LineQuote:
        return listing.line_quote(self.kind, goods_id, contractor_id=self._contractor_id(),
                                  warehouse_id=self.warehouse_id, on=self._issue_date() or dt.date.today(),
                                  quantity=quantity, from_gross=self.from_gross)

    def open_goods_lookup(self) -> None:
        """Insert: the goods list. One list per form, installed so that closing it does not remove it: a removed
        screen makes Textual lay the whole form out again right after the pick (one more frame a line), and the
        next line opens the list at the last pick without composing it again."""
        from tui.lists import LISTS
        from tui.screens.list_screen import ListScreen

        lookup = getattr(self, "_goods_lookup", None)
        if lookup is None:
            lookup = self._goods_lookup = ListScreen(LISTS["goods"](), lookup=True)
            self.app.install_screen(lookup, f"goods-lookup-{id(self)}")
            lookup.before_pick = self._fill_line
        else:
            lookup.reopen()
        self._panel_goods = None
        self.app.push_screen(lookup, self._goods_picked)
        self.line_panel.prepare(self.price_editable)

    def on_unmount(self) -> None:
        lookup = getattr(self, "_goods_lookup", None)
        if lookup is not None:
            self._goods_lookup = None
            self.app.uninstall_screen(lookup)
            lookup.remove()

    def _fill_line(self, goods_id: int) -> None:
        """The picked goods' quote in the panel. Run by the lookup just before it closes: the form, still
        covered, takes the new texts in before it comes back, so its first frame shows them."""
        quote = self._quote(goods_id)
        info = _("Dostępne: {ilosc}").format(ilosc=quantity_text(quote.available)) if quote.available is not None \
            else ""
        self._panel_goods = goods_id
        self.line_panel.open(f"{quote.code} – {quote.name}", Decimal(1), quote.price, price_editable=self.price_editable,
                             info=info, answer=lambda answer: self._line_answered(quote, answer),
                             back_to=self.table)

    def _goods_picked(self, goods_id: int | None) -> None:
        if goods_id is None:
            self.line_panel.close_unused()
            self.table.focus()
            return
        if self.line_panel.is_open and getattr(self, "_panel_goods", None) == goods_id:
            return                                  # filled by the lookup before it closed
        self._fill_line(goods_id)

    def _line_answered(self, quote: listing.LineQuote, answer) -> None:
        if answer is None:
            return
        qty, price = answer
        if not self.accept_line(quote.goods_id, quote.code, qty, price, quote.rate, quote.available):
            return                                  # SETUP-15 per line: refused, the form unchanged
        self.add_line(quote, qty, price)

    def add_line(self, quote: listing.LineQuote, quantity: Decimal, price: Decimal) -> None:
        """A new line in the grid with its value and the VAT summary redrawn."""
        self.lines.append({"id": None, "version": None, "goods_id": quote.goods_id, "code": quote.code,
                           "name": quote.name, "unit": quote.unit, "rate_code": quote.rate_code, "rate": quote.rate,
                           "quantity": quantity, "price": price, "available": quote.available,
                           "priced": price != quote.price})
        self.dirty = True
        self._refresh(cursor=len(self.lines) - 1)

    def change_line(self, i: int) -> None:
        """Enter on a line: its quantity and price in the panel."""
        ln = self.lines[i]

        def answered(answer) -> None:
            if answer is None or not self.accept_line(ln["goods_id"], ln["code"], answer[0], answer[1], ln["rate"],
                                                      listing.availability(ln["goods_id"], self.warehouse_id),
                                                      editing=ln):
                return
            ln["quantity"], ln["price"] = answer
            ln["priced"] = True
            self.dirty = True
            self._refresh(cursor=i)
        available = listing.availability(ln["goods_id"], self.warehouse_id)
        info = _("Dostępne: {ilosc}").format(ilosc=quantity_text(available)) if available is not None else ""
        self.line_panel.open(f"{ln['code']} – {ln['name']}", Decimal(ln["quantity"]), Decimal(ln["price"]),
                             price_editable=self.price_editable, info=info, answer=answered,
                             back_to=self.table)
