"""The prices table of an item (ITM-20/21), opened by Shift+Insert / Ctrl+T on the price list or the card.

Enter or F2 edits the highlighted price: the value in the declared column (net or gross), or the margin
(then the price is computed from the purchase price), rounding step, offset, automatic update and
currency. A saved item's price is written at once (store.catalog.prices.set_price, one transaction);
a new, unsaved card collects the values and the card saves them with itself. In a branch only the
autonomous price may change; the refusal is shown with its reason (DICT-12..15)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from store.catalog import card_save
from store.catalog.prices import prices_table, set_price
from store.catalog.roles import catalog_edit_refusal
from store.errors import FiliaError, StaleRecord, ValidationError
from store.i18n import _
from tui.widgets.form import GridColumn, RowDialog
from tui.widgets.key_bar import KeyBar


def new_card_types() -> list[tuple[int, str, bool]]:
    return card_save.price_types_for_new_card()


def _fmt(value, places: int = 2) -> str:
    return format(Decimal(value).quantize(Decimal(1).scaleb(-places)), "f").replace(".", ",")


def _dec(text: str, field: str) -> Decimal:
    try:
        return Decimal(str(text).strip().replace(" ", "").replace(",", ".") or "0")
    except InvalidOperation:
        raise ValidationError({field: _("Wpisz liczbę (np. 12,50).")}) from None


class PriceTable(ModalScreen[dict | None]):
    DEFAULT_CSS = """
    PriceTable { align: center middle; }
    PriceTable > Vertical { width: 110; max-width: 100%; height: auto; max-height: 100%; border: thick $primary;
                            background: $surface; padding: 0 1; }
    PriceTable #prices-title { text-style: bold; }
    PriceTable #prices-message { color: $error; height: auto; }
    PriceTable DataTable { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("f2,ctrl+j", "edit_price", _("Zmień"), key_display="F2/Enter"),
                Binding("escape", "close", _("Zamknij"), key_display="Esc")]

    def __init__(self, goods_id: int | None, *, pending: dict[int, Decimal] | None = None, title: str = "") -> None:
        super().__init__()
        self.goods_id, self.pending = goods_id, dict(pending or {})
        self.title_text = title
        self.rows: list = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text or _("Tabela cen"), id="prices-title")
            yield DataTable(id="prices", cursor_type="row", zebra_stripes=True)
            yield Static("", id="prices-message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in (("nr", _("Nr")), ("name", _("Rodzaj ceny")), ("declared", _("Typ")),
                           ("net", _("Netto")), ("gross", _("Brutto")), ("margin", _("Marża %")),
                           ("auto", _("Aktualizacja")), ("step", _("Zaokrąglenie")), ("offset", _("Przesunięcie")),
                           ("currency", _("Waluta"))):
            table.add_column(label, key=key)
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        if self.goods_id:
            self.rows = prices_table(self.goods_id)
            for r in self.rows:
                table.add_row(str(r.number) if r.price_type_id else "", r.name,
                              _("brutto") if r.gross_declared else _("netto"), _fmt(r.net), _fmt(r.gross),
                              _fmt(r.margin), _("Tak") if r.auto_update else _("Nie"), _fmt(r.step),
                              _fmt(r.offset), r.currency)
        else:
            self.rows = new_card_types()
            for i, (pt_id, name, gross) in enumerate(self.rows, 1):
                value = _fmt(self.pending.get(pt_id, 0))
                table.add_row(str(i), name, _("brutto") if gross else _("netto"), "" if gross else value,
                              value if gross else "", "", _("Nie"), "", "", "PLN")
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))

    def _message(self, text: str) -> None:
        self.query_one("#prices-message", Static).update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_price()

    def action_edit_price(self) -> None:
        if not self.rows:
            return
        i = self.query_one(DataTable).cursor_row
        if not self.goods_id:
            pt_id, name, gross = self.rows[i]
            row = {"value": _fmt(self.pending.get(pt_id, 0))}
            cols = [GridColumn("value", _("Cena brutto") if gross else _("Cena netto"))]

            def done_new(result: dict | None) -> None:
                if result is None:
                    return
                try:
                    value = _dec(result["value"], "value")
                except ValidationError as exc:
                    self._message(str(exc))
                    return
                self.pending[pt_id] = value
                self._message("")
                self.reload()
            self.app.push_screen(RowDialog(name, cols, row), done_new)
            return
        r = self.rows[i]
        if r.price_type_id is None:
            self._message(_("Ostatnia cena zakupu zmienia się z dokumentów zakupu – tutaj jest tylko do podglądu."))
            return
        reason = catalog_edit_refusal("prices", price_type_id=r.price_type_id)
        if reason:
            self.app.bell()
            self._message(reason)
            return
        declared = r.gross if r.gross_declared else r.net
        start = {"value": _fmt(declared, 4), "margin": _fmt(r.margin), "step": _fmt(r.step, 4),
                 "offset": _fmt(r.offset, 4), "auto_update": r.auto_update, "currency": r.currency}
        cols = [GridColumn("value", _("Cena brutto") if r.gross_declared else _("Cena netto")),
                GridColumn("margin", _("Marża % (zmiana przelicza cenę)")),
                GridColumn("step", _("Zaokrąglenie do")), GridColumn("offset", _("Przesunięcie")),
                GridColumn("auto_update", _("Aktualizacja z ceny zakupu"), "bool"),
                GridColumn("currency", _("Waluta"))]

        def done(result: dict | None) -> None:
            if result is None:
                return
            try:
                kwargs = {"step": _dec(result["step"], "step"), "offset": _dec(result["offset"], "offset"),
                          "auto_update": bool(result["auto_update"]), "currency": str(result["currency"]).strip()}
                # issue 16: only what the clerk changed, and only onto the price row he saw
                kwargs = {k: v for k, v in kwargs.items()
                          if v != {"step": r.step, "offset": r.offset, "auto_update": r.auto_update,
                                   "currency": r.currency}[k]}
                if _dec(result["value"], "value") != _dec(start["value"], "value"):
                    kwargs["value"] = _dec(result["value"], "value")
                elif _dec(result["margin"], "margin") != _dec(start["margin"], "margin"):
                    kwargs["margin"] = _dec(result["margin"], "margin")
                set_price(self.goods_id, r.price_type_id, version=r.version, **kwargs)
            except FiliaError as exc:
                self.app.bell()
                if isinstance(exc, StaleRecord):      # show the stored prices; the clerk's values stay in the message
                    self.reload()
                    exc = _("{e} Twoje wartości: {v}.").format(e=exc, v=", ".join(
                        f"{k}={result[k]}" for k in ("value", "margin") if result.get(k) not in (None, "")))
                self._message(_("Nie zapisano ceny „{n}”: {e}").format(n=r.name, e=exc))
                return
            self._message("")
            self.reload()
        self.app.push_screen(RowDialog(r.name, cols, start), done)

    def action_close(self) -> None:
        self.dismiss(self.pending if not self.goods_id else None)
