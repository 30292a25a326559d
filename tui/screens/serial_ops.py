"""Serial operations on the marked goods (PSO; the highlighted item when nothing is marked).

Each operation is a small dialog (Tab between fields, Ctrl+S runs, Esc cancels) that calls one
store.catalog.serial function and ends with a report of what changed (old → new) and what was refused
with the reason. A role refusal (branch, DICT rules) is shown in the dialog. The operation runs in a
worker thread (issue 16 §4): the dialog shows its progress, Esc stops it after the batch in progress
(the report then lists the committed part), other keys are refused with the reason. "Mark all" hands
the list's query to the store (GoodsSelection), never a list of a million ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, ProgressBar, Static

from store.catalog import card_save
from store.catalog import serial as serial_rules
from store.errors import FiliaError, ValidationError
from store.i18n import _
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.form import FormField
from tui.widgets.key_bar import KeyBar


@dataclass
class Param:
    name: str
    label: str
    kind: str = "str"                                  # str | bool | choice
    choices: list[tuple[str, Any]] | None = None
    default: Any = ""


@dataclass
class SerialOperation:
    id: str
    label: str
    params: Callable[[], list[Param]]
    run: Callable[..., serial_rules.SerialReport]        # run(goods, values, progress=…, cancel=…)


def dec(text, field: str, *, allow_empty: bool = False) -> Decimal | None:
    raw = str(text or "").strip().replace(" ", "").replace(",", ".")
    if not raw and allow_empty:
        return None
    try:
        return Decimal(raw or "0")
    except InvalidOperation:
        raise ValidationError({field: _("Wpisz liczbę (np. 5 albo 2,50).")}) from None


# --- the operations ----------------------------------------------------------------------------------

def _price_params() -> list[Param]:
    c = card_save.serial_choices()
    return [Param("price_type", _("Zmieniana cena"), "choice", c["price_type"]),
            Param("base", _("Cena bazowa"), "choice", c["base"], -1),
            Param("mode", _("Zmiana o"), "choice", [(_("procent"), "percent"), (_("kwotę"), "amount")], "percent"),
            Param("value", _("Wartość zmiany (ujemna obniża)"), default="0"),
            Param("step", _("Zaokrąglenie do (np. 0,10)"), default="0,01")]


def _price_run(ids, v, **kw):
    amount = dec(v["value"], "value")
    kwargs = {"percent": amount} if v["mode"] == "percent" else {"amount": amount}
    base = None if v["base"] == -1 else int(v["base"])
    return serial_rules.change_prices(ids, price_type_id=int(v["price_type"]), base_price_type_id=base,
                                      step=dec(v["step"], "step"), **kwargs, **kw)


def _margin_params() -> list[Param]:
    c = card_save.serial_choices()
    return [Param("price_type", _("Ceny"), "choice", [(_("wszystkie ceny sprzedaży"), 0)] + c["price_type"], 0),
            Param("margin", _("Marża % (puste = marża każdej ceny)"), default="")]


def _margin_run(ids, v, **kw):
    pt = int(v["price_type"] or 0)           # one transaction: neither progress nor cancel
    return serial_rules.recalculate_from_margin(ids, price_type_ids=[pt] if pt else None,
                                                margin=dec(v["margin"], "margin", allow_empty=True))


def _group_params() -> list[Param]:
    groups = [g for g in card_save.card_choices()["group"] if g[1]]
    return [Param("group", _("Grupa"), "choice", groups),
            Param("action", _("Akcja"), "choice", [(_("dodaj grupę"), "add"), (_("ustaw jako domyślną"), "default"),
                                                   (_("usuń grupę"), "remove")], "add")]


def _group_run(ids, v, **kw):
    return serial_rules.set_group(ids, int(v["group"]), action=v["action"], **kw)


def _which() -> list[tuple[str, str]]:
    return [(_("sprzedaży"), "sales"), (_("zakupu"), "purchase"), (_("obydwie"), "both")]


def _category_params() -> list[Param]:
    return [Param("category", _("Kategoria"), "choice", card_save.card_choices()["sales_category"], 0),
            Param("which", _("Kategoria"), "choice", _which(), "sales")]


def _category_run(ids, v, **kw):          # one transaction: neither progress nor cancel
    cat = int(v["category"] or 0) or None
    return serial_rules.set_category(ids, cat, sales=v["which"] in ("sales", "both"),
                                     purchase=v["which"] in ("purchase", "both"))


def _vat_params() -> list[Param]:
    return [Param("vat_rate", _("Nowa stawka VAT"), "choice", card_save.card_choices()["vat_rate"]),
            Param("which", _("Stawka"), "choice", _which(), "both"),
            Param("keep", _("Zachowaj cenę"), "choice", [(_("netto"), "net"), (_("brutto"), "gross")], "net")]


def _vat_run(ids, v, **kw):
    return serial_rules.set_vat_rate(ids, int(v["vat_rate"]), which=v["which"], keep=v["keep"], **kw)


def _unit_params() -> list[Param]:
    return [Param("unit", _("Nowa jednostka podstawowa"), "choice", card_save.card_choices()["unit"]),
            Param("confirmed", _("Zmień też towary z dokumentami"), "bool", default=False)]


def _unit_run(ids, v, **kw):
    return serial_rules.set_unit(ids, str(v["unit"]), confirmed=bool(v["confirmed"]), **kw)


def _attribute_params() -> list[Param]:
    attrs = card_save.serial_choices()["attribute_id"]
    return [Param("attribute", _("Atrybut"), "choice", attrs or [(_("(brak atrybutów towarów)"), 0)]),
            Param("action", _("Akcja"), "choice", [(_("dodaj"), "add"), (_("zmień wartość"), "change"),
                                                   (_("usuń"), "remove")], "add"),
            Param("value", _("Wartość")), Param("from_value", _("Tylko z wartością (zmiana/usuwanie)"))]


def _attribute_run(ids, v, **kw):
    if not v["attribute"]:
        raise ValidationError({"attribute": _("Najpierw zdefiniuj atrybut towarów w słowniku atrybutów.")})
    from_value = v["from_value"] if (v["from_value"] or v["action"] == "change") else None
    return serial_rules.set_attribute(ids, int(v["attribute"]), action=v["action"], value=v["value"],
                                      from_value=from_value, **kw)


OPERATIONS = [
    SerialOperation("change_prices", "Zmiana cen (procent/kwota, zaokrąglenie)", _price_params, _price_run),
    SerialOperation("recalculate", "Przeliczenie cen z ceny zakupu i marży", _margin_params, _margin_run),
    SerialOperation("set_group", "Zmiana grupy", _group_params, _group_run),
    SerialOperation("set_category", "Zmiana kategorii", _category_params, _category_run),
    SerialOperation("set_vat", "Zmiana stawki VAT", _vat_params, _vat_run),
    SerialOperation("set_unit", "Zmiana jednostki miary", _unit_params, _unit_run),
    SerialOperation("set_attribute", "Atrybut – dodaj/zmień/usuń", _attribute_params, _attribute_run),
]


# --- screens -----------------------------------------------------------------------------------------

class SerialDialog(ModalScreen[serial_rules.SerialReport | None]):
    """Parameters of one operation; Ctrl+S (or Enter in a text field) runs it on the given goods in a
    worker, with progress; Esc stops a running operation after its current batch."""

    DEFAULT_CSS = """
    SerialDialog { align: center middle; }
    SerialDialog > VerticalScroll { width: 90; max-width: 100%; height: auto; max-height: 100%;
                                    border: thick $primary; background: $surface; padding: 0 1; }
    SerialDialog #serial-title { text-style: bold; }
    SerialDialog #serial-error { color: $error; height: auto; }
    SerialDialog #serial-progress { display: none; }
    SerialDialog.running #serial-progress { display: block; }
    """
    # Ctrl+S is not a priority key: it must run after the characters typed just before it reach their field.
    BINDINGS = [Binding("ctrl+s", "run", _("Wykonaj"), key_display="^S"),
                Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def __init__(self, operation: SerialOperation, goods_ids, *, defaults: dict | None = None,
                 count: int | None = None) -> None:
        super().__init__()
        self.operation = operation
        self.goods_ids = goods_ids if isinstance(goods_ids, serial_rules.GoodsSelection) else list(goods_ids)
        self.count = count if count is not None else len(self.goods_ids)
        self.params = operation.params()
        self.defaults = dict(defaults or {})
        self.running = False
        self.cancel_requested = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield Static(_(self.operation.label) + " – " + _("pozycji: {n}").format(n=self.count),
                         id="serial-title")
            for p in self.params:
                yield FormField(p.name, p.label, p.kind, choices=p.choices)
            yield ProgressBar(id="serial-progress", total=max(self.count, 1), show_eta=False)
            yield Static("", id="serial-error")
        yield KeyBar()

    def fields(self) -> list:
        return [f for f in self.query(".form-field") if isinstance(f, FormField)]

    def on_mount(self) -> None:
        for p in self.params:
            f = self.query_one(f"#f-{p.name}")
            if p.kind == "choice" and not p.choices:
                continue
            default = self.defaults.get(p.name, p.default)
            f.field_value = default if (default != "" or p.kind != "choice") else p.choices[0][1]
        fields = self.fields()
        if fields:
            fields[0].focus()

    def values(self) -> dict:
        return {f.field_name: f.field_value for f in self.fields()}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def _say(self, text: str) -> None:
        self.query_one("#serial-error", Static).update(text)

    def on_key(self, event) -> None:
        """While the operation runs, keys other than Esc are refused with the reason (nothing queues up
        into the fields of a running operation)."""
        if self.running and event.key != "escape":
            event.stop()
            event.prevent_default()
            self.app.bell()
            self._say(_("Operacja w toku – poczekaj na jej koniec albo przerwij ją klawiszem Esc."))

    def action_run(self) -> None:
        if self.running:
            self.app.bell()
            return
        for f in self.fields():
            f.clear_error()
        values = self.values()
        self.running, self.cancel_requested = True, False
        self.add_class("running")
        for f in self.fields():
            f.disabled = True
        self._say(_("Wykonuję…"))
        bar = self.query_one(ProgressBar)
        bar.update(total=max(self.count, 1), progress=0)

        def progress(state) -> None:
            self.app.call_from_thread(self._progress, state.done, state.total)

        def job() -> None:
            from tui.write_wait import announced

            try:
                with announced(self.app, self._waiting):
                    report = self.operation.run(self.goods_ids, values, progress=progress,
                                                cancel=lambda: self.cancel_requested)
            except FiliaError as exc:
                self.app.call_from_thread(self._failed, exc)
                return
            self.app.call_from_thread(self.dismiss, report)
        self.run_worker(job, thread=True, exclusive=True, group="serial-run")

    def _waiting(self, text: str) -> None:
        if self.running:
            self._say(text or _("Wykonuję…"))

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        if not self.cancel_requested:
            self._say(_("Wykonano {d} z {t}. Esc przerywa po bieżącej paczce.").format(d=done, t=total))

    def _failed(self, exc: FiliaError) -> None:
        self.running = False
        self.remove_class("running")
        for f in self.fields():
            f.disabled = False
        if isinstance(exc, ValidationError):
            fields = {f.field_name: f for f in self.fields()}
            rest = [m for k, m in exc.errors.items() if k not in fields]
            for k, m in exc.errors.items():
                if k in fields:
                    fields[k].set_message(m)
            self._say("\n".join(rest))
            return
        self.app.bell()
        self._say(str(exc))

    def action_cancel(self) -> None:
        if self.running:
            self.cancel_requested = True
            self._say(_("Przerywam po bieżącej paczce – zapisane zmiany zostaną w raporcie…"))
            return
        self.dismiss(None)


class ParamDialog(SerialDialog):
    """The same dialog for a few parameters outside serial operations: Ctrl+S/Enter returns the values."""

    BINDINGS = [Binding("ctrl+s", "run", _("OK"), key_display="^S"),
                Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def __init__(self, title: str, params: list[Param]) -> None:
        op = SerialOperation("params", title, lambda: params, lambda ids, v: v)
        super().__init__(op, [])

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield Static(self.operation.label, id="serial-title")
            for p in self.params:
                yield FormField(p.name, p.label, p.kind, choices=p.choices)
            yield Static("", id="serial-error")
        yield KeyBar()

    def action_run(self) -> None:
        self.dismiss(self.values())


class SerialReportScreen(ModalScreen[None]):
    """What the operation changed and what it refused (with reasons). Enter or Esc closes."""

    DEFAULT_CSS = """
    SerialReportScreen { align: center middle; }
    SerialReportScreen > Vertical { width: 100; max-width: 100%; height: 80%; max-height: 100%;
                                    border: thick $success; background: $surface; padding: 0 1; }
    SerialReportScreen #report-summary { text-style: bold; }
    SerialReportScreen .refused { color: $warning; }
    """
    BINDINGS = [Binding("escape,enter", "close", _("Zamknij"), key_display="Esc"),
                Binding("ctrl+p", "save_report", _("Zapisz raport"), key_display="^P")]
    MAX_LINES = 2000

    def __init__(self, title: str, report: serial_rules.SerialReport) -> None:
        super().__init__()
        self.title_text, self.report = title, report

    def summary(self) -> str:
        r = self.report
        text = _("{op}: zmieniono {c}, pominięto {p}.").format(op=self.title_text, c=r.n_changed, p=r.n_refused)
        if not r.complete:
            text += " " + _("Przerwano: wykonano {d} z {t} pozycji; reszta bez zmian (operację można dokończyć "
                            "poleceniem „Dokończ przerwaną operację seryjną”).").format(d=r.done, t=r.total)
        return text

    @staticmethod
    def show(value) -> str:
        if isinstance(value, Decimal):
            q = value.quantize(Decimal("0.01")) if value == value.quantize(Decimal("0.01")) else value.normalize()
            return format(q, "f").replace(".", ",")
        if value is True or value is False:
            return _("Tak") if value else _("Nie")
        return str(value)

    def lines(self) -> list[str]:
        out = [_("{kod}: {pole} {stare} → {nowe}").format(kod=c.code, pole=c.field, stare=self.show(c.old),
                                                          nowe=self.show(c.new)) for c in self.report.changed]
        out += [_("{kod}: pominięto – {powod}").format(kod=r.code, powod=r.reason) for r in self.report.refused]
        return out

    def compose(self) -> ComposeResult:
        changed = len(self.report.changed)
        refused = len(self.report.refused)
        lines = self.lines()
        more = self.report.n_changed + self.report.n_refused - len(lines)
        with Vertical():
            yield Static(self.summary(), id="report-summary")
            with VerticalScroll(id="report-lines"):
                if not lines:
                    yield Static(_("Nic nie wymagało zmiany."))
                shown = lines[:self.MAX_LINES]
                if changed:
                    yield Static("\n".join(shown[:changed]), id="report-changed")
                if refused and len(shown) > changed:
                    yield Static("\n".join(shown[changed:]), id="report-refused", classes="refused")
                if len(lines) > self.MAX_LINES or more > 0:
                    yield Static(_("… i {n} kolejnych wierszy.").format(n=len(lines) - len(shown) + max(more, 0)))
        yield KeyBar()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save_report(self) -> None:
        """Ctrl+P: every line of the report (all of a batched run's log, not only those shown) to a text file."""
        import datetime as dt
        from pathlib import Path

        from tui.widgets.prompt import ask_save_path

        default = Path.home() / f"raport_operacji_{dt.date.today():%Y%m%d}.txt"

        def chosen(path: str | None) -> None:
            if path:
                self.run_worker(lambda: self._write_report(Path(path.strip()).expanduser()), thread=True,
                                exclusive=True, group="serial-report")
        ask_save_path(self.app, _("Raport operacji seryjnej – ścieżka pliku:"), str(default), chosen)

    def _all_lines(self):
        r = self.report
        if r.run_id is None:
            yield from self.lines()
            return
        from store.catalog import serial_runs

        for row in serial_runs.report_rows(r.run_id):
            changed, refused = serial_runs.decode([row])
            for c in changed:
                yield _("{kod}: {pole} {stare} → {nowe}").format(kod=c.code, pole=c.field, stare=self.show(c.old),
                                                                  nowe=self.show(c.new))
            for x in refused:
                yield _("{kod}: pominięto – {powod}").format(kod=x.code, powod=x.reason)

    def _write_report(self, path) -> None:
        try:
            with open(path, "w", encoding="utf-8") as out:
                out.write(self.summary() + "\n")
                n = 0
                for line in self._all_lines():
                    out.write(line + "\n")
                    n += 1
        except OSError as exc:
            self.app.call_from_thread(self.notify, _("Nie można zapisać pliku {p}: {r}").format(p=path, r=exc.strerror),
                                      severity="error", timeout=10)
            return
        except FiliaError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, _("Zapisano raport: {n} wierszy do {p}").format(n=n, p=path))


def selected_goods(screen) -> tuple[object, int]:
    """The marked goods of a list screen and their number: with "mark all" the list's query (the store
    freezes its ids), else the marked ids, else the highlighted row."""
    vl = screen.list
    if vl.marks.all_mode:
        total = vl.count if vl.count is not None else vl.total
        return (serial_rules.GoodsSelection(screen.query_.id_query(), frozenset(vl.marks.exceptions)),
                vl.marks.count(total))
    ids = sorted(vl.marks.exceptions) or ([vl.cursor_id] if vl.cursor_id is not None else [])
    return ids, len(ids)


RUN_KINDS = {"set_vat": "set_vat_rate"}        # dialog operation id -> the store's run kind


def run_operation(screen, operation: SerialOperation) -> None:
    """From a ListScreen: ask the parameters, run on the marked goods, show the report, refresh. When the
    same operation was interrupted before (Esc, a killed session), first offer to finish that one: running
    it anew would change its committed part twice (+10 % twice)."""
    from store.catalog import serial_runs

    goods, count = selected_goods(screen)
    if not count:
        screen.notify(_("Zaznacz towary albo ustaw kursor na towarze."), severity="warning")
        return
    pending = serial_runs.unfinished_runs(RUN_KINDS.get(operation.id, operation.id))
    if pending:
        st = pending[-1]
        question = _("Operacja „{op}” została wcześniej przerwana (wykonano {d} z {t} pozycji). Dokończyć ją? "
                     "„Nie” zaczyna nową operację na zaznaczonych pozycjach.").format(
            op=_(operation.label), d=st.done, t=st.total)

        def answered(finish: bool | None) -> None:
            if finish:
                _resume(screen, st)
            else:
                _ask(screen, operation, goods, count)
        screen.app.push_screen(ConfirmDialog(question, default=True), answered)
        return
    _ask(screen, operation, goods, count)


def _ask(screen, operation: SerialOperation, goods, count: int) -> None:
    def done(report) -> None:
        if report is None:
            return
        screen.app.push_screen(SerialReportScreen(_(operation.label), report), lambda _r: screen.action_refresh())

    defaults = {}
    if operation.id == "change_prices":     # the price the list shows is the one the clerk means to change
        defaults["price_type"] = getattr(screen, "shown_price_type_id", None) or card_save.retail_price_type_id()
    screen.app.push_screen(SerialDialog(operation, goods, defaults=defaults, count=count), done)


def resume_unfinished(screen) -> None:
    """„Dokończ przerwaną operację seryjną”: the newest run stopped before its end (Esc, a killed
    session) goes on with only its goods still pending, in a worker with progress."""
    from store.catalog import serial_runs

    pending = serial_runs.unfinished_runs()
    if not pending:
        screen.notify(_("Nie ma przerwanych operacji seryjnych."), severity="information")
        return
    _resume(screen, pending[-1])


def _resume(screen, st) -> None:
    label = next((_(op.label) for op in OPERATIONS if RUN_KINDS.get(op.id, op.id) == st.kind), st.kind)
    op = SerialOperation(st.kind, label, lambda: [],
                         lambda _goods, _v, **kw: serial_rules.resume(st.run_id, **kw))
    dialog = SerialDialog(op, [], count=st.total - st.done)

    def done(report) -> None:
        if report is not None:
            screen.app.push_screen(SerialReportScreen(label, report), lambda _r: screen.action_refresh())
    screen.app.push_screen(dialog, done)
    dialog.call_after_refresh(dialog.action_run)
