"""Two clients edit random fields and representatives of the same contractor cards in random interleavings,
against an independent model of what was committed (issue 16 §1): a save from the version a client loaded
succeeds and changes exactly what that client changed; a save from an older version is refused and writes
nothing; a third session moving the default representative (which does not step the card's version) is
never undone by a card that did not touch it. No committed change is ever lost silently."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from tests.conftest import examples

FIELDS = ("city", "phone", "street")
VALUES = st.sampled_from(["", "Łódź", "Kraków", "ul. Długa 1", "123 456 789", "Zażółć"])
CLIENTS = st.sampled_from(["A", "B"])
_codes = itertools.count(1)


def _spread_default(rows: list[dict]) -> None:
    """REP-3 as the model sees it: the first row marked default stays default, none marked -> the first."""
    first = next((r for r in rows if r["is_default"]), rows[0] if rows else None)
    for r in rows:
        r["is_default"] = r is first


def _stored(cid: int) -> tuple[dict, list[dict]]:
    from store import parties

    data = parties.card_data(cid)
    return ({f: data[f] for f in FIELDS},
            [{k: r[k] for k in ("id", "name", "phone", "is_default")} for r in data["representatives"]])


@pytest.mark.slow
def test_two_clients_never_lose_a_committed_change(db, db_url):
    from store import parties
    from store.errors import StaleRecord
    from store.gridrows import diff_rows
    from store.parties.subrecords import set_default_representative

    class TwoClients(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.cards = []
            for _i in range(2):
                c = parties.create_contractor({"code": f"H{next(_codes)}", "name": "Hipoteza", "city": "Łódź",
                                               "representatives": [{"name": "R1", "phone": "1"},
                                                                   {"name": "R2", "phone": "2"}]}, confirm=True)
                self.cards.append(c.id)
            self.model = {cid: _stored(cid) for cid in self.cards}          # committed: fields, rows by id
            self.versions = {cid: parties.card_data(cid)["meta"]["version"] for cid in self.cards}
            self.open: dict[tuple[str, int], dict] = {}                      # client's card: base, mine, version
            self.names = itertools.count(3)

        @rule(client=CLIENTS, card=st.integers(0, 1))
        def load(self, client, card):
            cid = self.cards[card]
            data = parties.card_data(cid)
            fields, rows = _stored(cid)
            self.open[(client, cid)] = {"base": (fields, rows), "mine": ({**fields}, [dict(r) for r in rows]),
                                        "version": data["meta"]["version"]}

        def _card(self, client, card):
            return self.open.get((client, self.cards[card]))

        @precondition(lambda self: self.open)
        @rule(client=CLIENTS, card=st.integers(0, 1), field=st.sampled_from(FIELDS), value=VALUES)
        def edit_field(self, client, card, field, value):
            c = self._card(client, card)
            if c is not None:
                c["mine"][0][field] = value

        @precondition(lambda self: self.open)
        @rule(client=CLIENTS, card=st.integers(0, 1), op=st.sampled_from(["add", "phone", "remove", "default"]),
              pick=st.integers(0, 5), value=VALUES)
        def edit_grid(self, client, card, op, pick, value):
            c = self._card(client, card)
            if c is None:
                return
            rows = c["mine"][1]
            if op == "add":
                rows.append({"name": f"R{next(self.names)}", "phone": value, "is_default": False})
            elif rows and op == "phone":
                rows[pick % len(rows)]["phone"] = value
            elif rows and op == "remove":
                del rows[pick % len(rows)]
            elif rows:
                for i, r in enumerate(rows):
                    r["is_default"] = i == pick % len(rows)

        @rule(card=st.integers(0, 1), pick=st.integers(0, 5))
        def another_session_moves_the_default(self, card, pick):
            cid = self.cards[card]
            rows = self.model[cid][1]
            if not rows:
                return
            target = rows[pick % len(rows)]
            set_default_representative(target["id"])
            for r in rows:
                r["is_default"] = r is target

        @precondition(lambda self: self.open)
        @rule(client=CLIENTS, card=st.integers(0, 1))
        def save(self, client, card):
            cid = self.cards[card]
            c = self.open.pop((client, cid), None)
            if c is None:
                return
            (b_fields, b_rows), (m_fields, m_rows) = c["base"], c["mine"]
            changed = {f: v for f, v in m_fields.items() if v != b_fields[f]}
            grid = diff_rows(b_rows, m_rows)
            current = self.versions[cid]
            try:
                saved = parties.save_card(cid, changed, representatives=grid if any(grid.values()) else None,
                                          confirm=True, operator=client, version=c["version"])
            except StaleRecord:
                assert c["version"] != current, "a save from the current version was refused"
                return
            assert c["version"] == current, "a save from an old version went through"
            self.versions[cid] = saved.version
            fields, rows = self.model[cid]
            fields.update(changed)
            if any(grid.values()):
                by_id = {r["id"]: r for r in rows}
                for ch in grid["changed"]:
                    by_id[ch["id"]].update({k: v for k, v in ch.items() if k in ("name", "phone", "is_default")})
                gone = {ch["id"] for ch in grid["removed"]}
                rows[:] = [r for r in rows if r["id"] not in gone]
                _spread_default_with_added(rows, grid["added"], cid)

        @invariant()
        def database_equals_the_model(self):
            for cid in self.cards:
                fields, rows = _stored(cid)
                m_fields, m_rows = self.model[cid]
                assert fields == m_fields
                assert sorted(map(_key, rows)) == sorted(map(_key, m_rows))

    def _spread_default_with_added(rows, added, cid):
        new = [{"id": None, "name": a["name"], "phone": a["phone"], "is_default": bool(a.get("is_default"))}
               for a in added]
        rows.extend(new)
        _spread_default(rows)
        stored = {r["name"]: r["id"] for r in _stored(cid)[1]}
        for r in new:
            r["id"] = stored[r["name"]]

    def _key(r):
        return (r["id"], r["name"], r["phone"], bool(r["is_default"]))

    # 40 runs on SQLite, 10 on PostgreSQL in the suite and CI; FILIA_HYPOTHESIS_PROFILE=long: 300 and 100
    runs = examples(40, 300) if "sqlite" in db_url else examples(10, 100)
    run_state_machine_as_test(TwoClients, settings=settings(max_examples=runs, stateful_step_count=25,
                                                            deadline=None, suppress_health_check=list(HealthCheck)))
