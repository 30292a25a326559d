"""License file: signature, canonical form, trust, validation, openssl interoperability (KEY-206..215)."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from keys import license_file as lf
from keys.errors import LicenseFileError
from keys.trust import TRUSTED_KEYS, key_id, public_pem, raw_public

from .conftest import FIRM_NIP, module


def _resign_raw(payload_bytes: bytes, key) -> str:
    """A container around arbitrary payload bytes, correctly signed (to test canonical-form checks)."""
    return lf._armour(lf.BEGIN_L, lf.END_L, payload_bytes) + "\n" + lf._armour(lf.BEGIN_S, lf.END_S,
                                                                              key.sign(payload_bytes)) + "\n"


@pytest.mark.rule("KEY-201", "KEY-207", "KEY-208")
def test_valid_license_verifies_and_carries_its_data(make_license, trusted):
    text = make_license(key_type="firm", nips=[FIRM_NIP], client_name="Sklep Przykładowy Sp. z o.o.")
    lic = lf.verify(text, trusted)
    assert lic.key_number == "5000000107" and lic.client_id == "123456" and lic.key_type == "firm"
    assert lic.nips == (FIRM_NIP,) and lic.client_name == "Sklep Przykładowy Sp. z o.o."
    assert [(m.number, m.code, m.seats, m.options) for m in lic.modules] == [(1, "START", 3, ()),
                                                                            (2, "HANDEL", 3, ("EDI",))]
    payload, _sig = lf.split_container(text)
    assert "Przykładowy".encode() in payload  # non-ASCII kept as UTF-8, canonical
    assert payload == lf.canonical(json.loads(payload))


@pytest.mark.rule("KEY-207", "KEY-213", "KEY-266")
def test_every_single_flipped_payload_byte_is_refused(make_license, trusted):
    text = make_license()
    payload, sig = lf.split_container(text)
    for pos in range(0, len(payload), 7):
        bad = bytearray(payload)
        bad[pos] ^= 0x01
        tampered = lf._armour(lf.BEGIN_L, lf.END_L, bytes(bad)) + "\n" + lf._armour(lf.BEGIN_S, lf.END_S, sig)
        with pytest.raises(LicenseFileError) as exc:
            lf.verify(tampered, trusted)
        assert str(exc.value) in (lf.msg_signature(), lf.msg_malformed())


@pytest.mark.rule("KEY-213")
def test_edited_seat_count_in_decoded_json_is_refused(make_license, trusted):
    text = make_license(modules=[module(1, "START", 3)])
    payload, sig = lf.split_container(text)
    edited = payload.replace(b'"seats":3', b'"seats":9')
    assert edited != payload
    forged = lf._armour(lf.BEGIN_L, lf.END_L, edited) + "\n" + lf._armour(lf.BEGIN_S, lf.END_S, sig)
    with pytest.raises(LicenseFileError, match="Podpis pliku licencji jest nieprawidłowy"):
        lf.verify(forged, trusted)


@pytest.mark.rule("KEY-202", "KEY-203", "KEY-213")
def test_license_from_untrusted_vendor_key_is_refused(make_license, trusted):
    stranger = Ed25519PrivateKey.generate()
    text = make_license(key=stranger)
    with pytest.raises(LicenseFileError, match="nieznanego wystawcy"):
        lf.verify(text, trusted)
    # the compiled-in key does not trust a test license either
    with pytest.raises(LicenseFileError):
        lf.verify(make_license(), TRUSTED_KEYS)


@pytest.mark.rule("KEY-202")
def test_compiled_in_key_ids_follow_the_rule():
    assert TRUSTED_KEYS and all(kid == key_id(raw) and len(raw) == 32 for kid, raw in TRUSTED_KEYS)


@pytest.mark.rule("KEY-207", "KEY-266")
def test_reordered_keys_are_refused_even_when_correctly_signed(vendor_key, trusted, make_license):
    payload, _ = lf.split_container(make_license())
    obj = json.loads(payload)
    reordered = json.dumps(dict(reversed(list(obj.items()))), separators=(",", ":"), ensure_ascii=False).encode()
    with pytest.raises(LicenseFileError, match="nie jest prawidłowym plikiem licencji"):
        lf.verify(_resign_raw(reordered, vendor_key), trusted)
    dup = payload[:-1] + b',"serial":99}'
    with pytest.raises(LicenseFileError):
        lf.verify(_resign_raw(dup, vendor_key), trusted)


@pytest.mark.rule("KEY-206")
def test_newer_format_is_refused_with_update_message(vendor_key, trusted, make_license):
    obj = json.loads(lf.split_container(make_license())[0])
    obj["format"] = 2
    with pytest.raises(LicenseFileError, match=r"nowszy format \(2\)"):
        lf.verify(_resign_raw(lf.canonical(obj), vendor_key), trusted)


@pytest.mark.rule("KEY-210", "KEY-213")
@pytest.mark.parametrize("change, detail", [
    (lambda p: p.update(extra=1), "nieznane pole extra"),
    (lambda p: p.update(key_type="firm", nips=[]), "nips"),
    (lambda p: p.update(key_type="multi_firm", nips=[FIRM_NIP]), "nips"),
    (lambda p: p.update(nips=["1234567890"]), "nieprawidłowy NIP"),
    (lambda p: p.update(key_type="partner", time_limit="2030-01-01"), "time_limit"),
    (lambda p: p["modules"].append(dict(p["modules"][0])), "powtórzony"),
    (lambda p: p["modules"][0].update(named=True), "named_by"),
    (lambda p: p["modules"][0].update(seats=-1), "modules.seats"),
    (lambda p: p.update(key_number="12345"), "key_number"),
])
def test_invalid_fields_refuse_the_whole_file(vendor_key, trusted, make_license, change, detail):
    obj = json.loads(lf.split_container(make_license())[0])
    change(obj)
    with pytest.raises(LicenseFileError) as exc:
        lf.verify(_resign_raw(lf.canonical(obj), vendor_key), trusted)
    assert "Plik licencji zawiera nieprawidłowe dane" in str(exc.value) and detail in str(exc.value)


@pytest.mark.rule("KEY-213")
@pytest.mark.parametrize("text", ["", "hello", "-----BEGIN FILIA LICENSE-----\n!!!\n-----END FILIA LICENSE-----"])
def test_garbage_is_not_a_license(text, trusted):
    with pytest.raises(LicenseFileError, match="nie jest prawidłowym plikiem licencji"):
        lf.verify(text, trusted)


@pytest.mark.rule("KEY-211")
def test_pin_hash_is_scrypt_and_never_the_pin(make_license, trusted):
    lic = lf.verify(make_license(pin="4321"), trusted)
    parts = lic.pin_hash.split("$")
    assert parts[:4] == ["scrypt", "16384", "8", "1"] and len(base64.b64decode(parts[5])) == 32
    assert "4321" not in lic.text
    assert lf.check_pin("4321", lic.pin_hash) and not lf.check_pin("4322", lic.pin_hash)


@pytest.mark.rule("KEY-207", "KEY-266")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")
def test_openssl_pkeyutl_verifies_the_license(tmp_path, vendor_key, make_license):
    lic = tmp_path / "key.lic"
    lic.write_text(make_license(client_name="Zażółć gęślą jaźń"), encoding="utf-8")
    (tmp_path / "vendor_pub.pem").write_bytes(public_pem(raw_public(vendor_key)))
    script = (
        "sed -n '/BEGIN FILIA LICENSE/,/END FILIA LICENSE/p' key.lic | sed '1d;$d' | base64 -d > payload.json && "
        "sed -n '/BEGIN FILIA SIGNATURE/,/END FILIA SIGNATURE/p' key.lic | sed '1d;$d' | base64 -d > sig.bin && "
        "openssl pkeyutl -verify -pubin -inkey vendor_pub.pem -rawin -in payload.json -sigfile sig.bin")
    ok = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout
    payload = (tmp_path / "payload.json").read_bytes()
    (tmp_path / "payload.json").write_bytes(payload.replace(b'"seats":3', b'"seats":4', 1))
    bad = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "vendor_pub.pem", "-rawin",
                          "-in", "payload.json", "-sigfile", "sig.bin"], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode != 0
