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
