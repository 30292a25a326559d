"""`filia keys` commands: in-process with a test vendor key, and the real binary for DEMO and trust."""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization

from keys.cli import add_arguments, run

from .conftest import FIRM_NIP, OTHER_NIP, module


@pytest.fixture
def cli(store_path, trusted, capsys):
    parser = argparse.ArgumentParser(prog="filia keys")
    add_arguments(parser)

    def call(*argv, stdin="", nip=None):
        code = run(parser.parse_args(list(argv)), trusted_keys=trusted, store_path=store_path, company_nip=nip,
                   stdin=io.StringIO(stdin))
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


@pytest.fixture
def vendor_pem(tmp_path, vendor_key):
    path = tmp_path / "vendor.pem"
    path.write_bytes(vendor_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    return path


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({
        "key_number": "5000000107", "client_id": "123456", "pin": "1234", "client_name": "Sklep Przykładowy",
        "acronym": "SKLEP", "key_type": "firm", "nips": [FIRM_NIP],
        "activation": {"required": True, "temporary_hours": 24},
        "modules": [module(1, "START", 3), module(2, "HANDEL", 3, options=["EDI"])]}), encoding="utf-8")
    return path


@pytest.mark.rule("KEY-204", "KEY-256", "KEY-250", "KEY-245", "KEY-246")
def test_issue_add_request_answer_activate_status(cli, spec, vendor_pem, tmp_path):
    lic = tmp_path / "key.lic"
    assert cli("issue", str(spec), "--vendor-key", str(vendor_pem), "-o", str(lic))[0] == 0
    code, out, _ = cli("verify", str(lic))
    assert code == 0 and "klucz 5000000107" in out
    code, out, err = cli("add", str(lic), "--client-id", "123456", "--key-number", "5000000107", "--pin-stdin",
                         stdin="1234\n")
    assert code == 0 and "Dodano klucz 5000000107" in out and "filia keys request" in out
    code, out, _ = cli("status", nip=FIRM_NIP)
    assert code == 2 and "Moduły nie były jeszcze pobierane" in out  # §18 acceptance 5
    code, out, _ = cli("request", "--key", "5000000107", "--temporary", "--output", str(tmp_path / "req.txt"))
    request = out.splitlines()[0]
    assert code == 0 and request.startswith("FILIA PL ") and request in (tmp_path / "req.txt").read_text()
    code, out, _ = cli("answer", request, "--vendor-key", str(vendor_pem))
    (tmp_path / "resp.txt").write_text(out)
    code, out, _ = cli("activate", "--key", "5000000107", "--code-file", str(tmp_path / "resp.txt"))
    assert code == 0 and "Aktywny tymczasowo" in out
    code, out, _ = cli("status", nip=FIRM_NIP)
    assert code == 0 and out.startswith("Licencja: OK, aktywny tymczasowo do")
    code, out, _ = cli("status", nip=OTHER_NIP)
    assert code == 2 and f"({FIRM_NIP})" in out
    code, out, err = cli("activate", "--key", "5000000107", "--code-file", str(tmp_path / "resp.txt"))
    assert code == 1 and "został już wykorzystany" in err


@pytest.mark.rule("KEY-256", "KEY-253")
def test_add_with_wrong_pin_exits_1_with_message(cli, lic_file):
    code, out, err = cli("add", str(lic_file()), "--client-id", "123456", "--key-number", "5000000107",
                         "--pin-stdin", stdin="9999\n")
    assert code == 1 and "Nieprawidłowy PIN dla klucza 5000000107" in err
    assert cli("list")[1].startswith("Brak kluczy")


@pytest.mark.rule("KEY-80", "KEY-81", "KEY-255", "KEY-264")
def test_list_settings_remove(cli, make_license, lic_file):
    cli("add", str(lic_file(make_license(time_limit="2031-03-31", key_type="firm", nips=[FIRM_NIP]))),
        "--client-id", "123456", "--key-number", "5000000107", "--pin-stdin", stdin="1234\n")
    cli("add", str(lic_file(make_license(key_number="5000000108"), name="b.lic")), "--client-id", "123456",
        "--key-number", "5000000108", "--pin-stdin", stdin="1234\n")
    code, out, _ = cli("list")
    lines = out.splitlines()
    assert lines[0].split("\t")[:3] == [FIRM_NIP, "5000000107", "firmowy"] and lines[0].endswith("2031-03-31")
    assert lines[1].endswith("Bez ograniczeń")
    assert cli("settings", "idle_release_s", "600")[0] == 0
    code, out, err = cli("settings", "idle_release_s", "5")
    assert code == 1 and "Nieprawidłowa wartość parametru idle_release_s" in err
    assert "idle_release_s=600" in cli("settings")[1]
    assert cli("remove", "--key", "5000000108")[0] == 2  # no --yes: nothing removed
    code, out, _ = cli("remove", "--key", "5000000108", "--yes")
    assert code == 0 and "FILIA PL" in out
    assert "5000000108" not in cli("list")[1]


def _filia(args, env):
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, env=env,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


@pytest.mark.rule("KEY-6", "KEY-250", "KEY-220")
def test_real_binary_empty_store_is_demo_exit_2(tmp_path):
    env = dict(os.environ, FILIA_KEYSTORE=str(tmp_path / "ks.db"), FILIA_LANG="pl")
    env.pop("FILIA_DB", None)
    res = _filia(["keys", "status"], env)
    assert res.returncode == 2 and res.stdout.startswith("DEMO")
    assert (tmp_path / "ks.db").exists()
    res = _filia(["keys", "--keystore", str(tmp_path / "other.db"), "init", "--idle-release", "900"], env)
    assert res.returncode == 0 and "Identyfikator instalacji" in res.stdout


@pytest.mark.rule("KEY-203")
def test_real_binary_does_not_trust_a_test_vendor_key(tmp_path, spec, vendor_pem):
    env = dict(os.environ, FILIA_KEYSTORE=str(tmp_path / "ks.db"), FILIA_LANG="pl")
    res = _filia(["keys", "issue", str(spec), "--vendor-key", str(vendor_pem), "-o", str(tmp_path / "k.lic")], env)
    assert res.returncode == 0
    res = _filia(["keys", "verify", str(tmp_path / "k.lic")], env)
    assert res.returncode == 1 and "nieznanego wystawcy" in res.stderr


@pytest.mark.rule("KEY-125", "KEY-126", "KEY-264")
def test_log_level_and_pack_logs(cli, lic_file, keys_log):
    import zipfile

    assert cli("settings", "log_level", "2")[0] == 0
    cli("add", str(lic_file()), "--client-id", "123456", "--key-number", "5000000107", "--pin-stdin", stdin="1234\n")
    code, out, _ = cli("pack-logs")
    archive = out.strip()
    assert code == 0 and archive.endswith(".zip")
    with zipfile.ZipFile(archive) as zf:
        assert zf.namelist() == ["keys.log"]
        text = zf.read("keys.log").decode()
    assert "added key=5000000107" in text
    os.remove(archive)
