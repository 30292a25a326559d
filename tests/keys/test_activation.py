"""Offline activation: request code → vendor answer → response code (KEY-245 … KEY-249)."""
from __future__ import annotations

import pytest

from keys import activation as act
from keys.errors import ActivationError, SeatRefused


def _vendor_answer(code, vendor_key, now, hours):
    return act.answer(act.parse_request(code), vendor_key, now=now, valid_hours=hours)


@pytest.fixture
def needs_activation(installed):
    return installed(activation_required=True)


@pytest.mark.rule("KEY-88", "KEY-103", "KEY-233")
def test_added_key_needing_activation_gives_no_module(needs_activation, manager):
    view = needs_activation.keys()[0]
    assert view.state_label == "Moduły nie były jeszcze pobierane" and not view.usable
    with pytest.raises(SeatRefused, match="klucz nie jest aktywny"):
        manager("ANNA").acquire("START")


@pytest.mark.rule("KEY-105", "KEY-108", "KEY-118", "KEY-245", "KEY-246", "KEY-247")
def test_temporary_activation_round_trip_lasts_24_hours(needs_activation, manager, vendor_key, clock):
    admin = needs_activation
    request = admin.activation_request("5000000107", temporary=True)
    assert request.startswith("FILIA PL ") and len(request) < 80
    parsed = act.parse_request(request)
    assert parsed.key_number == "5000000107" and parsed.installation_id == admin.store.installation_id
    issued = clock()
    reply = _vendor_answer(request, vendor_key, issued, 24)
    clock.advance(600)
    typed = reply.removeprefix("FILIA PL ").replace("-", "").lower()  # any case, no dashes
    view = admin.apply_code("5000000107", typed)
    assert view.state_label == "Aktywny tymczasowo"
    assert view.active_until == pytest.approx(issued + 24 * 3600, abs=60)
    anna = manager("ANNA")
    anna.acquire("START")
    assert "aktywny tymczasowo do" in anna.status_line()
    clock.t = view.active_until - 3600
    anna.heartbeat()
    assert "wygasa za 1 h" in admin.activation_warning()
    clock.t = view.active_until + 60
    assert admin.keys()[0].state_label == "Nieaktywny"
    with pytest.raises(SeatRefused, match="klucz nie jest aktywny"):
        manager("JAN").acquire("START")


@pytest.mark.rule("KEY-246", "KEY-266")
def test_replayed_code_and_earlier_request_are_refused(needs_activation, vendor_key, clock):
    admin = needs_activation
    first = admin.activation_request("5000000107", temporary=True)
    reply = _vendor_answer(first, vendor_key, clock(), 24)
    admin.apply_code("5000000107", reply)
    with pytest.raises(ActivationError, match="wcześniejszego żądania albo został już wykorzystany"):
        admin.apply_code("5000000107", reply)
    old = reply
    admin.activation_request("5000000107")  # a newer request replaces the nonce
    with pytest.raises(ActivationError, match="wcześniejszego żądania"):
        admin.apply_code("5000000107", old)


@pytest.mark.rule("KEY-120", "KEY-246")
def test_one_changed_character_is_refused_and_nothing_changes(needs_activation, vendor_key, clock):
    admin = needs_activation
    reply = _vendor_answer(admin.activation_request("5000000107"), vendor_key, clock(), None)
    i = len(reply) - 7
    bad = reply[:i] + ("A" if reply[i] != "A" else "B") + reply[i + 1:]
    with pytest.raises(ActivationError, match="Kod aktywacyjny jest nieprawidłowy"):
        admin.apply_code("5000000107", bad)
    assert admin.keys()[0].state_label == "Moduły nie były jeszcze pobierane"
    admin.apply_code("5000000107", reply)  # the right code still works afterwards
    assert admin.keys()[0].state_label == "Aktywny" and admin.keys()[0].active_until is None


@pytest.mark.rule("KEY-221", "KEY-246", "KEY-266")
def test_answer_for_another_installation_is_refused(needs_activation, vendor_key, clock, tmp_path, trusted,
                                                    make_license):
    from keys.manager import KeyManager

    x = needs_activation
    y = KeyManager(tmp_path / "other.db", trusted, None, "ADMIN", clock=clock, is_admin=True)
    y.add_license(make_license(activation_required=True), client_id="123456", pin="1234", key_number="5000000107")
    y.activation_request("5000000107")
    reply = _vendor_answer(x.activation_request("5000000107", temporary=True), vendor_key, clock(), 24)
    with pytest.raises(ActivationError, match="Kod aktywacyjny jest nieprawidłowy"):
        y.apply_code("5000000107", reply)
    x.apply_code("5000000107", reply)
    assert x.keys()[0].state_label == "Aktywny tymczasowo"
    y.close()


@pytest.mark.rule("KEY-246")
def test_response_for_another_key_number_is_refused(needs_activation, vendor_key, clock):
    req = act.parse_request(needs_activation.activation_request("5000000107"))
    forged = act.Request(req.kind, "5000000999", req.installation_id, req.nonce, req.requested_at_min)
    reply = act.answer(forged, vendor_key, now=clock(), valid_hours=None)
    with pytest.raises(ActivationError, match="nieprawidłowy"):
        needs_activation.apply_code("5000000107", reply)


@pytest.mark.rule("KEY-245")
def test_vendor_refuses_a_request_older_than_24_hours(needs_activation, vendor_key, clock):
    request = needs_activation.activation_request("5000000107")
    with pytest.raises(ActivationError, match="starsze niż 24 godziny"):
        _vendor_answer(request, vendor_key, clock() + 25 * 3600, 24)


@pytest.mark.rule("KEY-246")
def test_expired_response_is_refused(needs_activation, vendor_key, clock):
    reply = _vendor_answer(needs_activation.activation_request("5000000107", temporary=True), vendor_key, clock(), 24)
    clock.advance(25 * 3600)
    with pytest.raises(ActivationError, match="Kod aktywacyjny wygasł"):
        needs_activation.apply_code("5000000107", reply)


@pytest.mark.rule("KEY-245")
def test_request_code_decoding_is_forgiving_and_checked():
    import uuid

    req = act.new_request(act.FULL, "5000000107", str(uuid.uuid4()), 1.9e9)
    code = act.build_request(req)
    assert act.parse_request(code.lower().replace("0", "o").replace("1", "l")) == req
    with pytest.raises(ActivationError):
        act.parse_request(code[:-1] + ("0" if code[-1] != "0" else "1"))
