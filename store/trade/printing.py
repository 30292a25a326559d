"""Printouts of a trade document (issue 14 §8): PDF (fpdf2, DejaVu Sans shipped beside this module so Polish
letters print anywhere) and plain text. Both are written atomically (a temporary file, then renamed) and carry
the company stamp, the contractor as issued (the snapshot), the lines, the VAT table, the payments and page
numbers; `watermark` (the caller's, e.g. „WERSJA DEMONSTRACYJNA” in DEMO: store never asks the licence) is
printed across every page.

    print_pdf(doc_id, path, *, watermark=None)  -> Path
    print_text(doc_id, path, *, watermark=None) -> Path
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from store.errors import FiliaError
from store.i18n import _
from store.library_text import os_reason

FONTS = Path(__file__).with_name("fonts")
TITLES = {"FA": "Faktura VAT", "FS": "Faktura VAT do paragonu", "PA": "Paragon", "FZ": "Faktura zakupu",
          "WZ": "Wydanie zewnętrzne", "PZ": "Przyjęcie zewnętrzne", "PW": "Przyjęcie wewnętrzne",
          "RW": "Rozchód wewnętrzny"}
TEXT_WIDTH = 96
TEXT_LINES_PER_PAGE = 60


def _money(value) -> str:
    return f"{Decimal(value or 0):,.2f}".replace(",", " ").replace(".", ",")


def _qty(value) -> str:
    text = f"{Decimal(value or 0).normalize():f}"
    return text.replace(".", ",")


@dataclass
class Printable:
    """Everything a printout shows, read in one go (store side; the writers only format)."""

    title: str
    number: str
    state: str
    issue_date: str
    operation_date: str
    company: list[str]
    contractor: list[str]
    lines: list[tuple[str, str, str, str, str, str, str, str]]   # lp, code, name, qty, unit, price, rate, value
    vat: list[tuple[str, str, str, str]]                        # rate, net, vat, gross
    totals: tuple[str, str, str]
    payments: list[tuple[str, str, str]]                        # form, due date, amount
    from_gross: bool


def printable(document_id: int) -> Printable:
    from store.catalog.dictionaries import PaymentForm
    from store.config import Company
    from store.trade.drafts import load_document

    view = load_document(document_id)
    h = view.header
    company = Company.select().first()
    stamp = []
    if company is not None:
        stamp = [company.name, " ".join(x for x in (company.street, company.building) if x),
                 " ".join(x for x in (company.postal_code, company.city) if x),
                 _("NIP: {nip}").format(nip=company.nip) if company.nip else ""]
    contractor = [h["contractor_name"] or h["contractor_code"], h["contractor_address"],
                  " ".join(x for x in (h["contractor_postal_code"], h["contractor_city"]) if x),
                  _("NIP: {nip}").format(nip=h["contractor_nip"]) if h["contractor_nip"] else ""]
    kind = "FS" if view.kind == "FA" and h.get("origin") == "PA" else view.kind
    forms = {f.id: f.name for f in PaymentForm.select()}
    lines = []
    for i, ln in enumerate(view.lines, 1):
        name = ln["name"] + (f" – {ln['description']}" if ln.get("description") else "")
        lines.append((str(i), ln["goods_code"], name, _qty(ln["quantity"]), ln["unit"], _money(ln["price"]),
                      ln["rate_code"], _money(ln["value"])))
    return Printable(
        title=_(TITLES.get(kind, kind)), number=view.number, state=view.state,
        issue_date=str(h["issue_date"]), operation_date=str(h["operation_date"] or h["issue_date"]),
        company=[x for x in stamp if x], contractor=[x for x in contractor if x], lines=lines,
        vat=[(r["rate_code"], _money(r["net"]), _money(r["vat"]), _money(r["gross"])) for r in view.vat],
        totals=(_money(h["net"]), _money(h["vat"]), _money(h["gross"])),
        payments=[(forms.get(p["form_id"], "?"), str(p["due_date"] or ""), _money(p["amount"]))
                  for p in view.payments],
        from_gross=bool(h["from_gross"]))


def _target(path) -> Path:
    target = Path(path)
    if not target.parent.is_dir():
        raise FiliaError(_("Katalog docelowy nie istnieje: {path}").format(path=target.parent))
    return target


def _write_atomically(target: Path, write) -> Path:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FiliaError(_("Nie można zapisać wydruku {path}: {reason}").format(path=target, reason=os_reason(exc))) \
            from exc
    return target


# --- PDF ----------------------------------------------------------------------------------------------------

def _pdf_class():
    from fpdf import FPDF

    class DocumentPdf(FPDF):
        watermark: str | None = None
        caption: str = ""

        def header(self) -> None:
            if self.watermark:
                self.set_font("DejaVu", "B", 40)
                self.set_text_color(215, 215, 215)
                with self.rotation(35, x=self.w / 2, y=self.h / 2):
                    self.text(self.w / 2 - self.get_string_width(self.watermark) / 2, self.h / 2, self.watermark)
                self.set_text_color(0, 0, 0)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, f"{self.caption}    " + _("Strona {n} z {total}").format(n=self.page_no(),
                                                                                    total="{nb}"), align="C")

    return DocumentPdf


def print_pdf(document_id: int, path, *, watermark: str | None = None) -> Path:
    """The document as a PDF at `path` (A4, DejaVu Sans)."""
    target = _target(path)
    p = printable(document_id)
    pdf = _pdf_class()(format="A4")
    pdf.watermark, pdf.caption = watermark, f"{p.title} {p.number}"
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, f"{p.title} {p.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 5, _("Data wystawienia: {d}    Data sprzedaży/operacji: {o}").format(d=p.issue_date,
                                                                                    o=p.operation_date),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    top = pdf.get_y()
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for x, label, rows in ((pdf.l_margin, _("Sprzedawca"), p.company), (pdf.l_margin + half, _("Nabywca"),
                                                                        p.contractor)):
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(half, 5, label, new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        for row in rows:
            pdf.multi_cell(half - 2, 4.5, row, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + 30))
    pdf.ln(3)
    price_head = _("Cena brutto") if p.from_gross else _("Cena netto")
    value_head = _("Wartość brutto") if p.from_gross else _("Wartość netto")
    widths = (8, 22, 62, 16, 10, 22, 12, 28)
    heads = (_("Lp"), _("Kod"), _("Nazwa"), _("Ilość"), _("J.m."), price_head, _("VAT"), value_head)
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(col_widths=widths, text_align=("RIGHT", "LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT", "CENTER",
                                                  "RIGHT"), line_height=5) as table:
        row = table.row()
        for h in heads:
            row.cell(h)
        for line in p.lines:
            row = table.row()
            for value in line:
                row.cell(value)
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(0, 5, _("Podsumowanie VAT"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(col_widths=(20, 30, 30, 30), width=110, align="RIGHT", line_height=5,
                   text_align=("CENTER", "RIGHT", "RIGHT", "RIGHT")) as table:
        row = table.row()
        for h in (_("Stawka"), _("Netto"), _("VAT"), _("Brutto")):
            row.cell(h)
        for rate in p.vat:
            row = table.row()
            for value in rate:
                row.cell(value)
        row = table.row()
        for value in (_("Razem"), *p.totals):
            row.cell(value)
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 6, _("Do zapłaty: {gross} PLN").format(gross=p.totals[2]), new_x="LMARGIN", new_y="NEXT")
    if p.payments:
        pdf.set_font("DejaVu", "", 9)
        for form, due, amount in p.payments:
            pdf.cell(0, 5, _("Płatność: {form}, termin {due}, kwota {amount}").format(form=form, due=due or "–",
                                                                                      amount=amount),
                     new_x="LMARGIN", new_y="NEXT")
    return _write_atomically(target, lambda tmp: pdf.output(str(tmp)))


# --- plain text ---------------------------------------------------------------------------------------------

def _fit(text: str, width: int, right: bool = False) -> str:
    text = text if len(text) <= width else text[:max(width - 1, 0)] + "…"
    return text.rjust(width) if right else text.ljust(width)


def text_lines(p: Printable, watermark: str | None = None) -> list[str]:
    out = [f"{p.title} {p.number}",
           _("Data wystawienia: {d}    Data sprzedaży/operacji: {o}").format(d=p.issue_date, o=p.operation_date), ""]
    out.append(_("Sprzedawca") + ":")
    out += ["  " + r for r in p.company]
    out.append(_("Nabywca") + ":")
    out += ["  " + r for r in p.contractor]
    out.append("")
    cols = ((3, True), (12, False), (34, False), (9, True), (5, False), (11, True), (4, False), (13, True))
    heads = (_("Lp"), _("Kod"), _("Nazwa"), _("Ilość"), _("J.m."), _("Cena"), _("VAT"), _("Wartość"))
    out.append(" ".join(_fit(h, w, r) for h, (w, r) in zip(heads, cols)))
    out.append("-" * TEXT_WIDTH)
    for line in p.lines:
        out.append(" ".join(_fit(v, w, r) for v, (w, r) in zip(line, cols)))
    out.append("-" * TEXT_WIDTH)
    out.append(_("Podsumowanie VAT") + ":")
    for rate, net, vat, gross in p.vat + [(_("Razem"), *p.totals)]:
        out.append(f"  {_fit(rate, 8)} {_fit(net, 14, True)} {_fit(vat, 14, True)} {_fit(gross, 14, True)}")
    out.append(_("Do zapłaty: {gross} PLN").format(gross=p.totals[2]))
    for form, due, amount in p.payments:
        out.append(_("Płatność: {form}, termin {due}, kwota {amount}").format(form=form, due=due or "–",
                                                                              amount=amount))
    return out


def print_text(document_id: int, path, *, watermark: str | None = None) -> Path:
    """The document as a plain-text printout (UTF-8, form feed between pages, page numbers)."""
    target = _target(path)
    p = printable(document_id)
    lines = text_lines(p)
    pages = [lines[i:i + TEXT_LINES_PER_PAGE] for i in range(0, len(lines), TEXT_LINES_PER_PAGE)] or [[]]

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as out:
            for n, page in enumerate(pages, 1):
                if n > 1:
                    out.write("\f")
                if watermark:
                    out.write(f"*** {watermark} ***\n")
                for line in page:
                    out.write(line.rstrip() + "\n")
                out.write(_("Strona {n} z {total}").format(n=n, total=len(pages)).rjust(TEXT_WIDTH) + "\n")
            if watermark:
                out.write(f"*** {watermark} ***\n")
    return _write_atomically(target, write)
