"""Firm-bound keys: NIP check against the company stamp (KEY-259, KEY-260, §15)."""
from __future__ import annotations

import pytest

from keys.errors import NipMismatch

from .conftest import FIRM_NIP, OTHER_NIP


@pytest.mark.rule("KEY-259", "KEY-163")
def test_formatted_stamp_nip_matches_firm_key(installed, manager):
    installed(key_type="firm", nips=[FIRM_NIP])
    km = manager("ANNA", nip="PL 526-025-02-74")
    km.acquire("START")
    assert km.held() == {"START"}


@pytest.mark.rule("KEY-75", "KEY-164", "KEY-260")
def test_wrong_nip_keeps_modules_locked_and_names_expected_nip(installed, manager):
    admin = installed(key_type="firm", nips=[FIRM_NIP])
    km = manager("ANNA", nip=OTHER_NIP)
    with pytest.raises(NipMismatch) as exc:
        km.acquire("START")
    msg = str(exc.value)
    assert f"Numer NIP firmy ({OTHER_NIP}) jest niezgodny z numerem NIP zapisanym w kluczu 5000000107 ({FIRM_NIP})" \
        in msg
    assert exc.value.expected == (FIRM_NIP,)
    assert admin.seats() == [] and not km.demo_mode
    assert not km.nip_allowed("5000000107", OTHER_NIP) and km.nip_allowed("5000000107", FIRM_NIP)


@pytest.mark.rule("KEY-259")
@pytest.mark.parametrize("nip", ["", None, "1234567890"])
def test_empty_or_invalid_stamp_nip_fails_the_check(installed, manager, nip):
    installed(key_type="firm", nips=[FIRM_NIP])
    with pytest.raises(NipMismatch):
        manager("ANNA", nip=nip).acquire("START")


@pytest.mark.rule("KEY-79", "KEY-78")
def test_multi_firm_key_accepts_any_of_its_nips(installed, manager):
    admin = installed(key_type="multi_firm", nips=[FIRM_NIP, OTHER_NIP])
    manager("ANNA", nip=OTHER_NIP, connection="a").acquire("START")
    manager("JAN", nip=FIRM_NIP, connection="b").acquire("START")
    assert admin.keys()[0].nips == (FIRM_NIP, OTHER_NIP)
    # one pool for both companies: 2 of 3 seats used
    assert next(m.seats_current for m in admin.modules() if m.code == "START") == 1


@pytest.mark.rule("KEY-160", "KEY-161")
def test_standard_key_is_never_checked(installed, manager):
    installed(key_type="standard", nips=[FIRM_NIP])
    manager("ANNA", nip=OTHER_NIP).acquire("START")


@pytest.mark.rule("KEY-260", "KEY-262")
def test_operator_may_choose_demo_after_mismatch(installed, manager):
    installed(key_type="firm", nips=[FIRM_NIP])
    km = manager("ANNA", nip=OTHER_NIP)
    with pytest.raises(NipMismatch):
        km.acquire("START")
    km.use_demo()
    km.acquire("START")
    assert km.demo_mode and km.status_line() == "DEMO"


@pytest.mark.rule("KEY-149", "KEY-153", "KEY-261")
def test_key_choice_follows_nip_and_asks_when_several_fit(installed, manager, make_license):
    installed(key_type="firm", nips=[FIRM_NIP])
    installed(make_license(key_number="5000000108", key_type="firm", nips=[OTHER_NIP]), key_number="5000000108")
    assert manager("A", nip=OTHER_NIP).key_number == "5000000108"  # the only key for this NIP, no question
    assert not manager("B", nip=FIRM_NIP).needs_choice()
    installed(make_license(key_number="5000000109"), key_number="5000000109")  # a standard key fits any NIP
    km = manager("C", nip=FIRM_NIP)
    assert km.needs_choice() and {c.key_number for c in km.candidates()} == {"5000000107", "5000000109"}
    km.choose_key("5000000109")
    km.acquire("START")
    assert [s.key_number for s in km.seats()] == ["5000000109"]
