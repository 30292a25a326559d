"""Property: the NIP search key (CTF-8) equals python-stdnum's compact form however separators are typed."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.pl import nip as pl_nip

import pytest

from store.parties import nip_key


def _valid_nip(digits: list[int]) -> str | None:
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    check = sum(w * d for w, d in zip(weights, digits)) % 11
    return None if check == 10 else "".join(map(str, digits)) + str(check)


@pytest.mark.rule("CTF-8")
@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=9, max_size=9),
       st.lists(st.sampled_from(["", "", "-", " "]), min_size=10, max_size=10),
       st.sampled_from(["", "PL", "pl"]))
def test_nip_key_matches_stdnum_compact(digits, seps, prefix):
    nip = _valid_nip(digits)
    if nip is None or not pl_nip.is_valid(nip):
        return
    typed = prefix + "".join(s + c for s, c in zip(seps, nip))
    assert nip_key(typed) == pl_nip.compact(nip)
    assert nip_key(typed, "PL") == pl_nip.compact(nip)
