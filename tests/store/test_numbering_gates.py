"""store.numbering (gapless numbers per class, series and period) and store.gates (SETUP-5, INV-2, RET-7)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import gates, numbering
from store.db import write
from store.errors import Refused, ValidationError
from tests.dbdump import assert_same, dump
from tests.store.cash_helpers import branch, initialise, standalone  # noqa: F401


def take(doc_class, on, **kw):
    with write():
        return numbering.next_number(doc_class, on, **kw)


def test_numbers_count_per_class_series_and_period(standalone):
    assert take("FA", date(2024, 1, 31)).text == "FA/1/2024"
    assert take("FA", date(2024, 12, 31)).text == "FA/2/2024"
    assert take("PA", date(2024, 5, 1)).text == "PA/1/2024"
    assert take("FA", date(2025, 1, 1)).text == "FA/1/2025"
    assert take("FA", date(2024, 6, 1), series="B").text == "FA/1/B/2024"
    numbering.apply_hq_series([{"doc_class": "FZ", "series": "", "pattern": "{kind}/{yyyy}/{mm}/{n}", "period": "month"}])
    assert [take("FZ", date(2024, m, 3)).text for m in (5, 5, 6)] == ["FZ/2024/05/1", "FZ/2024/05/2", "FZ/2024/06/1"]


def test_a_rolled_back_number_is_given_again_a_committed_one_never(standalone):
    with pytest.raises(RuntimeError):
        with write():
            numbering.next_number("FA", date(2024, 1, 1))
            raise RuntimeError("approval failed")
    assert take("FA", date(2024, 1, 1)).n == 1
    assert take("FA", date(2024, 1, 1)).n == 2


def test_next_number_needs_the_callers_transaction(db):
    initialise("standalone")
    with pytest.raises(RuntimeError, match="inside the caller's write transaction"):
        numbering.next_number("FA", date(2024, 1, 1))


@pytest.mark.rule("SETUP-10", "OPER-11", "OPER-12")
def test_branch_series_is_the_branch_symbol_and_hq_never_lowers_a_counter(branch):
    assert take("FA", date(2024, 3, 1)).text == "FA/1/KRAK/2024"
    numbering.apply_hq_series([{"doc_class": "FA", "series": "KRAK", "default": True, "counters": {"2024": 10}},
                               {"doc_class": "FA", "series": "KRAK2", "extra": True}])
    assert take("FA", date(2024, 3, 1)).text == "FA/11/KRAK/2024"
    numbering.apply_hq_series([{"doc_class": "FA", "series": "KRAK", "counters": {"2024": 3}}])
    assert take("FA", date(2024, 3, 1)).n == 12
    assert take("FA", date(2024, 3, 1), series="KRAK2").text == "FA/1/KRAK2/2024"
    assert numbering.NumberSeries.get(numbering.NumberSeries.symbol == "KRAK2").extra
    assert numbering.last_number("FA", "KRAK", "2024") == 12


def test_a_bad_scheme_from_hq_changes_nothing(branch):
    before = dump()
    with pytest.raises(ValidationError, match="musi zawierać"):
        numbering.apply_hq_series([{"doc_class": "FA", "series": "KRAK", "pattern": "{kind}/{rok}"}])
    assert_same(before, dump())


@pytest.mark.rule("SETUP-5")
def test_a_branch_issues_nothing_before_the_first_sync(branch):
    gates.set_flag(gates.FIRST_SYNC_DONE, False)
    message = "Oddział nie został jeszcze zsynchronizowany z centralą. Wykonaj pierwszą synchronizację."
    assert gates.may_issue("FA") == gates.may_issue("cash") == message
    with pytest.raises(Refused, match="Wykonaj pierwszą synchronizację"):
        gates.ensure_may_issue("PA")
    gates.mark_first_sync_done()
    assert gates.may_issue("FA") is None


@pytest.mark.rule("INV-2", "RET-7")
def test_inventory_and_full_return_block_a_branch(branch):
    gates.set_flag(gates.INVENTORY_UNCONFIRMED, True)
    assert "inwentaryzacja niepotwierdzona" in gates.may_issue("cash")
    assert gates.may_issue("AI") is None and gates.may_issue("PWAI") is None
    gates.set_flag(gates.INVENTORY_UNCONFIRMED, False)
    gates.set_flag(gates.FULL_RETURN_DONE, True)
    assert gates.may_issue("FA") == "Oddział wykonał zwrot całkowity do centrali – wystawianie dokumentów jest zablokowane."
    with pytest.raises(ValueError):
        gates.set_flag("something_else", True)


def test_hq_and_standalone_are_never_gated(standalone):
    gates.set_flag(gates.FULL_RETURN_DONE, True)
    assert gates.may_issue("FA") is None


def _render_whole(pattern, *, kind, n, series, on):
    """The number built afresh every time (how render worked before it kept the text around {n})."""
    import re

    values = {"kind": kind, "n": str(n), "series": series, "mm": f"{on.month:02d}", "yyyy": f"{on.year:04d}"}
    text = re.sub(r"\{([a-z]+)\}", lambda m: values.get(m.group(1), m.group(0)), pattern)
    return re.sub(r"([/\- ])\1+", r"\1", text).strip("/- ")


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(["{kind}", "{n}", "{series}", "{mm}", "{yyyy}", "/", "-", " ", "X"]),
                      min_size=1, max_size=9),
       n=st.integers(min_value=1, max_value=10 ** 7), series=st.sampled_from(["", "KRAK", "B"]),
       on=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_number_is_the_pattern_filled_whatever_was_rendered_before(parts, n, series, on):
    pattern = "".join(parts)
    for k in (n, n + 1):        # the second time the text around {n} comes from the cache
        assert numbering.render(pattern, kind="FA", n=k, series=series, on=on) == \
            _render_whole(pattern, kind="FA", n=k, series=series, on=on)
