"""A buffered document edited outside the program (SQL on the database file), then approved: a Polish reason and the
whole database unchanged, never a number for totals its lines do not make, never stock below zero (both engines)."""
from __future__ import annotations

import pytest

from store.trade import DocumentDraft, approve, cancel, load_document, save_buffer
from store.trade.documents import Document
from store.trade.errors import DocumentRefused
from store.trade.models import DocumentLine, DocumentVat
from store.warehouse.stock import Shortage
from tests.store.trade_helpers import D, bshop, branch_shop_db, level, receive, sell, unchanged  # noqa: F401

LINES_DIFFER = "Wartości pozycji A nie zgadzają się z ilością i ceną – dokument zmieniono poza programem"
SUMMARY_DIFFERS = "Podsumowanie VAT dokumentu nie zgadza się z jego pozycjami – dokument zmieniono poza programem"


def buffered_fa(shop, rows=(("A", 1, "5"),)):
    receive(shop, [("A", 5, "1"), ("B", 5, "1"), ("C", 5, "1")])
    fa = sell(shop, "FA", list(rows), approve_it=False)
    return fa, DocumentLine.get(DocumentLine.document == fa.id)


def test_a_quantity_raised_by_sql_is_refused_until_the_document_is_saved_again(bshop):
    fa, ln = buffered_fa(bshop)
    DocumentLine.update(quantity=D(3)).where(DocumentLine.id == ln.id).execute()
    unchanged(lambda: approve(fa.id, version=None), LINES_DIFFER, DocumentRefused)
    assert load_document(fa.id).state == "buffer"
    # any save computes every line's value again (here one that changes nothing); the approval then goes through
    fa = save_buffer(DocumentDraft("FA", fa.id, {}), version=fa.version)
    done = approve(fa.id, version=fa.version)
    assert done.state == "approved" and done.gross == D("18.45")          # 3 x 5 + 23 %
    assert level(bshop, "A") == (D(2), D(0))                              # issued 3, hold never below 0


@pytest.mark.parametrize("quantity", ["-3", "0"])
def test_a_quantity_not_above_zero_is_refused_by_name_not_a_database_error(bshop, quantity):
    fa, ln = buffered_fa(bshop)
    DocumentLine.update(quantity=D(quantity)).where(DocumentLine.id == ln.id).execute()
    unchanged(lambda: approve(fa.id, version=None), "Pozycja A: ilość musi być większa od zera.", DocumentRefused)
    # a save of the document, even one that changes nothing, is refused by the same rule until the line is right
    unchanged(lambda: save_buffer(DocumentDraft("FA", fa.id, {}), version=fa.version),
              "Pozycja A: ilość musi być większa od zera.", DocumentRefused)


def test_a_header_total_changed_by_sql_is_refused(bshop):
    fa, _ln = buffered_fa(bshop)
    Document.update(gross=D(1), gross_pln=D(1)).where(Document.id == fa.id).execute()
    unchanged(lambda: approve(fa.id, version=None), SUMMARY_DIFFERS, DocumentRefused)


def test_a_vat_row_changed_by_sql_is_refused(bshop):
    fa, _ln = buffered_fa(bshop, [("A", 1, "5"), ("C", 2, "3")])
    DocumentVat.update(vat=D("0.01")).where((DocumentVat.document == fa.id) & (DocumentVat.rate_code == "8")).execute()
    unchanged(lambda: approve(fa.id, version=None), SUMMARY_DIFFERS, DocumentRefused)


def test_a_line_moved_to_other_goods_by_sql_never_takes_stock_below_zero(bshop):
    """The line now says B, which the document never held: B's hold stays at zero (not -1), so B's last pieces
    are still refused to the next invoice instead of driving on hand below zero."""
    fa, ln = buffered_fa(bshop)
    DocumentLine.update(goods=bshop.goods["B"]).where(DocumentLine.id == ln.id).execute()
    approve(fa.id, version=None)
    assert level(bshop, "B") == (D(4), D(0))
    fa2 = sell(bshop, "FA", [("B", 4, "5")], approve_it=False)
    DocumentLine.update(quantity=D(5), value=D(25), net=D(25), vat=D("5.75"), gross=D("30.75"), net_pln=D(25),
                        vat_pln=D("5.75"), gross_pln=D("30.75")).where(DocumentLine.document == fa2.id).execute()
    DocumentVat.update(net=D(25), vat=D("5.75"), gross=D("30.75"), net_pln=D(25), vat_pln=D("5.75"),
                       gross_pln=D("30.75")).where(DocumentVat.document == fa2.id).execute()
    Document.update(net=D(25), vat=D("5.75"), gross=D("30.75"), net_pln=D(25), vat_pln=D("5.75"),
                    gross_pln=D("30.75")).where(Document.id == fa2.id).execute()
    unchanged(lambda: approve(fa2.id, version=None), "Brak wystarczającej ilości towaru B w magazynie", Shortage)
    assert level(bshop, "B") == (D(4), D(4))


def test_a_state_set_by_sql_is_named_in_the_refusal(bshop):
    fa, _ln = buffered_fa(bshop)
    Document.update(state="xyz").where(Document.id == fa.id).execute()
    unchanged(lambda: approve(fa.id, version=None), f"Dokument {fa.number} ma nieznany stan „xyz”")


def test_a_cancelled_document_is_refused_as_cancelled(bshop):
    fa, _ln = buffered_fa(bshop)
    done = approve(fa.id, version=fa.version)
    gone = cancel(done.id, version=done.version)
    unchanged(lambda: approve(gone.id, version=None), f"Dokument {gone.number} jest anulowany")


@pytest.mark.parametrize("counter", ["FA", "WZ"])
def test_a_counter_lowered_by_sql_never_gives_a_number_twice(bshop, counter):
    """The FA's own number, or its generated WZ's: the unique index refuses the second, the approval says why."""
    from store.numbering import NumberCounter

    receive(bshop, [("A", 5, "1")])
    first = sell(bshop, "FA", [("A", 1, "5")])
    taken = first.number if counter == "FA" else Document.get_by_id(first.links[0][1]).number
    NumberCounter.update(last=NumberCounter.last - 1).where(NumberCounter.doc_class == counter).execute()
    fa = sell(bshop, "FA", [("A", 1, "5")], approve_it=False)
    unchanged(lambda: approve(fa.id, version=fa.version), f"Numer {taken} ma już inny dokument – licznik numeracji "
                                                          "zmieniono poza programem")


def test_a_file_whose_numbers_repeat_is_not_opened_and_stays_as_it_was(sqlite_db, sqlite_url):
    """The migration that adds the index meets a number given twice (an older file edited by SQL): it refuses to
    open the file, naming the number, and changes nothing in it."""
    import sqlite3
    from datetime import date

    from store.db import database, open_database, sqlite_path
    from store.errors import DatabaseProblem

    sqlite_db.execute_sql('DROP INDEX "document_number_taken"')
    sqlite_db.execute_sql("DELETE FROM schema_migration WHERE area = 'trade' AND version = 4")
    for _copy in range(2):
        Document.create(kind="FA", number="FA/7/2026", number_n=7, number_period="2026", series="", state="approved",
                        issue_date=date(2026, 1, 5))
    sqlite_db.close()
    database.initialize(None)
    path = sqlite_path(sqlite_url)

    def content():
        with sqlite3.connect(path) as conn:
            return [conn.execute(q).fetchall() for q in (
                "SELECT id, kind, number, number_n FROM document ORDER BY id",
                "SELECT area, version FROM schema_migration ORDER BY area, version",
                "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")]
    before = content()
    with pytest.raises(DatabaseProblem, match="Numer dokumentu FA/7/2026 występuje w bazie więcej niż raz"):
        open_database(sqlite_url)
    database.initialize(None)
    assert content() == before
