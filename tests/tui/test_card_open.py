"""Opening a card costs what its first tab shows, one widget per field (issue 10 §3: cards took 1.5–2.7 s).

Textual pays per widget (styles, layout, messages) whatever the database size; the time itself is measured
by bench/card_open.py. These tests pin the cause: a field is one widget, a card opens with its first tab only,
and reading the card does not grow with the dictionaries (no drop-down filled with every group or producer).
"""
from __future__ import annotations

from tests.tui.card_helpers import open_card

SIZE = (120, 40)


def _widgets(screen) -> list:
    return list(screen.walk_children(with_self=False))


async def test_goods_card_opens_with_one_widget_per_field(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "goods")
        fields = list(card.form_fields().values())
        assert len(fields) >= 20                                     # the [Ogólne] tab is there
        assert all(not list(f.children) for f in fields), "a field is one widget"
        assert len(_widgets(card)) <= len(fields) + 20, len(_widgets(card))   # was 177 for 23 fields


async def test_contractor_card_opens_with_one_widget_per_field(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "contractors")
        fields = list(card.form_fields().values())
        assert len(fields) >= 35
        assert all(not list(f.children) for f in fields), "a field is one widget"
        assert len(_widgets(card)) <= len(fields) + 20, len(_widgets(card))   # was 156 for 39 fields


async def test_a_card_does_not_read_whole_dictionaries_when_it_opens(filia_app):
    # A reference field shows its entry's code and name; it never lists the dictionary (a drop-down of
    # every goods group or producer read thousands of rows on every open).
    from store.catalog.dictionaries import Producer

    for i in range(300):
        Producer.create(code=f"P{i:04d}", name=f"Producent {i}")
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "goods")
        await pilot.press("f6")                                      # [Dodatkowe]: the producer field
        for _ in range(20):
            await pilot.pause()
            if card.query("#f-producer"):
                break
        longest = max(len(getattr(w, "choices", None) or getattr(w, "_options", None) or [])
                      for w in _widgets(card))
        assert longest < 10, longest                                 # was 301: every producer, every open
