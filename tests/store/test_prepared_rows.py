"""store.prepared.as_model reads rows with its own quick converters (flags, times, dates, exact decimals): the
values must be exactly what peewee's own query gives for the same row, on both engines."""
from __future__ import annotations

from store.cash.models import CashEntry, CashReport, Payment
from store.prepared import as_model, prepared, run
from store.trade.documents import Document
from store.trade.models import DocumentLine
from tests.store.trade_helpers import receive, sell, sshop, standalone_shop_db  # noqa: F401


def test_rows_read_through_prepared_statements_equal_what_peewee_reads(sshop):
    receive(sshop, [("A", 5, "3.3333"), ("B", 2, "1.10")])
    view = sell(sshop, "FA", [("A", "2.5", "10.99"), ("B", 1, "0.01")], payments=[("cash", None)])
    models = (Document, DocumentLine, Payment, CashEntry, CashReport)
    compared = 0
    for model in models:
        sql = prepared(f"test.rows.{model.__name__}", lambda m=model: m.select().order_by(m.id))
        ours = [as_model(model, row).__data__ for row in run(sql)]
        theirs = list(model.select().order_by(model.id).dicts())
        theirs = [{f.name: row[f.name if f.name in row else f.column_name] for f in model._meta.sorted_fields}
                  for row in theirs]
        assert ours == theirs, model.__name__
        assert [{k: type(v) for k, v in r.items()} for r in ours] == [{k: type(v) for k, v in r.items()} for r in theirs]
        compared += len(ours)
    assert compared >= 6 and view.number


def test_a_row_inserted_with_its_defaults_in_the_sql_equals_what_create_stores(sshop):
    """insert_new writes constant defaults into the INSERT and binds the rest; the stored row must be the one
    Model.create() stores from the same values (all but id, guid and the time), on both engines."""
    from datetime import date
    from decimal import Decimal

    from store.base import set_session_operator
    from store.cash.models import Settlement
    from store.db import write
    from store.prepared import insert_new

    receive(sshop, [("A", 5, "3.3333")])
    view = sell(sshop, "FA", [("A", 1, "10.00")], payments=[("cash", None)])
    payment = Payment.get(Payment.document_id == view.id)
    set_session_operator("KASIA")
    values = {"document_id": view.id, "document_guid": view.guid, "document_kind": "FA", "document_number": "X/1",
              "contractor": payment.contractor_id, "sign": 1, "instalment": 2, "amount": Decimal("1.50"),
              "open_amount": Decimal("1.50"), "issue_date": date(2024, 5, 10), "due_date": date(2024, 5, 24),
              "expected_date": date(2024, 5, 24), "payment_form": payment.payment_form, "form_name": "przelew",
              "status": "open"}
    with write():
        ours, row = insert_new(Payment, dict(values))
        theirs = Payment.create(**values).id
    skip = {"id", "guid", "modified_at"}
    read = {i: {k: v for k, v in Payment.select().where(Payment.id == i).dicts().get().items() if k not in skip}
            for i in (ours, theirs)}
    assert read[ours] == read[theirs] and read[ours]["modified_by"] == "KASIA"
    assert {k: v for k, v in row.items() if k not in skip and k in read[ours]} == \
        {k: read[ours][k] for k in read[ours] if k in row}
    with write():       # a model with a foreign key given as an id, the rest defaults
        entry = CashEntry.get()
        a, _row = insert_new(Settlement, {"payment": ours, "entry": entry.id, "amount": Decimal("1.50"),
                                          "settled_on": date(2024, 5, 10)})
        b = Settlement.create(payment=ours, entry=entry.id, amount=Decimal("1.50"), settled_on=date(2024, 5, 10)).id
    rows = [{k: v for k, v in Settlement.select().where(Settlement.id == i).dicts().get().items() if k not in skip}
            for i in (a, b)]
    assert rows[0] == rows[1]
