"""Header fields of the document form (issue 14 §1): warehouse (lookup), series (OPER-13/14), net/gross
(SETUP-12). A mixin of DocumentForm: it composes the fields, loads them from a DocumentView and gives the header
changes a draft carries.

    Magazyn        a warehouse symbol + Enter, or F4 / Tab / Enter in the empty field for the list
    Seria          the default series is proposed; an extra series from HQ only by hand (Enter or ←/→)
    VAT liczony od netto / brutto; locked once the document has lines unless SETUP-12 allows the change
                   (the line prices are then converted so the values stay)
"""
from __future__ import annotations

from store.i18n import _
from store.trade import form_support, options
from tui.widgets.form_field import ChoiceField, FormField
from tui.widgets.lookup import Reference

WITH_SERIES = ("FA", "PA", "FZ", "WZ", "PZ", "PW", "RW")
NET, GROSS = "net", "gross"


class HeaderPart:
    """Mixin: needs self.kind, self.lines, self.loaded, self.from_gross, self.warehouse_id, self.editable."""

    def compose_header(self):
        yield FormField("warehouse", _("Magazyn"), "lookup", reference=Reference("warehouse", "warehouses"))
        choices = [(s or _("(domyślna)"), s) for s in form_support.series_choices(self.kind)]
        yield FormField("series", _("Seria"), "choice", choices=choices)
        yield FormField("from_gross", _("VAT liczony od"), "choice", choices=[(_("netto"), NET), (_("brutto"), GROSS)])

    # --- loading -------------------------------------------------------------------------------------
    def new_header(self) -> None:
        """A new document: the main warehouse, the default series (never an extra one, OPER-14)."""
        # what the store gives a new document (buffer._new: a PA from gross): only the clerk's changes differ
        self.loaded.update(warehouse_id=self.warehouse_id, series=form_support.series_choices(self.kind)[0],
                           from_gross=self.kind == "PA")
        self._show_header()
        gross = self.query("#f-from_gross")
        if gross:
            gross.first().set_reactive(ChoiceField.value, GROSS if self.from_gross else NET)

    def load_header(self, view) -> None:
        h = view.header
        self.loaded.update(warehouse_id=h["warehouse_id"], series=h.get("series") or "",
                           from_gross=bool(h["from_gross"]))
        self._show_header()

    def _show_header(self) -> None:
        self._set_field("warehouse", self.loaded["warehouse_id"] or 0)
        series = self.query("#f-series")
        if series:
            field = series.first()
            if not any(v == self.loaded["series"] for _l, v in field.choices):   # a series no longer offered
                field.choices.append((self.loaded["series"] or _("(domyślna)"), self.loaded["series"]))
            field.set_reactive(ChoiceField.value, self.loaded["series"])
            field.refresh()
        gross = self.query("#f-from_gross")
        if gross:
            gross.first().set_reactive(ChoiceField.value, GROSS if self.loaded["from_gross"] else NET)
            gross.first().refresh()

    # --- changes -------------------------------------------------------------------------------------
    def header_changes(self) -> dict:
        self.sync_warehouse()
        out = {}
        wh = self._field("warehouse")
        if wh and wh != self.loaded.get("warehouse_id"):
            out["warehouse_id"] = wh
        series = self._field("series")
        if series is not None and series != self.loaded.get("series"):
            out["series"] = series
        if self.from_gross != self.loaded.get("from_gross", self.from_gross):
            out["from_gross"] = self.from_gross
        return out

    def header_errors(self) -> list[str]:
        found = self.query("#f-warehouse")
        text = getattr(found.first(), "unresolved_text", "") if found else ""
        if text:
            return [_("Nie ma magazynu „{symbol}” – F4 otwiera listę.").format(symbol=text)]
        return []

    def sync_warehouse(self) -> None:
        """The warehouse the availability and the prices are taken for: the field's, once resolved."""
        wh = self._field("warehouse")
        if wh and wh != self.warehouse_id:          # availability is per warehouse
            self.warehouse_id = wh
            for ln in self.lines:
                ln["available"] = None

    def on_input_changed(self, event) -> None:
        if getattr(event.input, "field_name", "") == "warehouse":
            self.sync_warehouse()

    def on_descendant_blur(self, event) -> None:
        if getattr(event.widget, "field_name", "") == "warehouse":
            self.sync_warehouse()

    def on_choice_field_changed(self, event: ChoiceField.Changed) -> None:
        if event.field.field_name != "from_gross":
            return
        want = event.value == GROSS
        if want == self.from_gross:
            return
        if self.lines and options.read()[options.ALLOW_NET_GROSS] != "1":            # SETUP-12
            event.field.set_reactive(ChoiceField.value, GROSS if self.from_gross else NET)
            event.field.refresh()
            self.app.bell()
            self.notify(_("Dokument ma pozycje – nie można zmienić netto/brutto (parametr „Pozwalaj na zmianę "
                          "netto/brutto” jest wyłączony)."), severity="warning")
            return
        for ln in self.lines:                 # the values stay: the prices follow the new basis
            ln["price"] = form_support.convert_price(ln["price"], ln["rate"], to_gross=want)
            ln["priced"] = True
        self.from_gross = want
        self.dirty = True
        self._refresh()

    def on_input_submitted(self, event) -> None:
        """Enter in the warehouse field moves on (the form's own fields are handled by the form)."""
        if getattr(event.input, "field_name", "") == "warehouse":
            event.stop()
            self.sync_warehouse()
            self.focus_next()
