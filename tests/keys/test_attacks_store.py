"""Issue 15 item 7 (KEY-262): DEMO only where there is no key store yet. A store that exists but is corrupt,
locked, read-only or unreadable is a Polish message naming the file, never DEMO and never a traceback (or
breaking the file would bypass the seat pool); the file is left as it was."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from argparse import Namespace
from pathlib import Path

import pytest

from keys.manager import KeyManager

from .conftest import module
from .other_user import is_root, run_filia, shared_dir
from .store_dump import dump

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workdir():
    path = shared_dir()
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


@pytest.fixture
def store(workdir, trusted, make_license):
    """A key store with a license, closed (its WAL checkpointed into the file), in a directory any user enters."""
    path = workdir / "keystore.db"
    admin = KeyManager(path, trusted, None, "ADMIN", connection="admin", is_admin=True)
    admin.add_license(make_license(modules=[module(1, "START", 3), module(2, "HANDEL", 2)]), client_id="123456",
                      pin="1234", key_number="5000000107")
    admin.acquire("START")
    admin.close()
    return path


def _filia(*args, keystore, workdir):
    env = {**os.environ, "FILIA_KEYSTORE": str(keystore), "FILIA_LANG": "pl", "HOME": str(workdir),
           "FILIA_KEYS_LOG": str(workdir / "keys.log"), "FILIA_LOG": str(workdir / "filia.log")}
    env.pop("FILIA_DB", None)
    res = subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=60)
    return res.returncode, res.stdout, res.stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "header":
        data[:100] = b"\x00" * 100                     # not a database any more
    else:
        page = 4096
        data[2 * page:3 * page] = os.urandom(page)      # one page of a table torn
    path.write_bytes(bytes(data))


@pytest.mark.rule("KEY-262", "KEY-220")
@pytest.mark.parametrize("how", ["header", "page"])
def test_corrupt_store_is_a_message_not_demo(store, workdir, how):
    _damage(store, how)
    before = _digest(store)
    code, out, err = _filia("keys", "status", keystore=store, workdir=workdir)
    assert (code, out) == (1, "")
    assert str(store) in err and "uszkodzony" in err and "Traceback" not in err
    assert _digest(store) == before


@pytest.mark.slow  # waits out the 5 s busy timeout
@pytest.mark.rule("KEY-262", "KEY-223")
def test_locked_store_is_a_message_not_demo(store, workdir):
    before = dump(store)
    shell = subprocess.Popen(["sqlite3", str(store)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, text=True)
    try:
        shell.stdin.write("BEGIN EXCLUSIVE;\nINSERT INTO keys_event(at, actor, kind, detail) VALUES (0, 'x', 'x', '');\n")
        shell.stdin.flush()
        probe = sqlite3.connect(store, timeout=0)
        deadline = time.time() + 10
        while time.time() < deadline:  # until the shell really holds the write lock
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                time.sleep(0.05)
            except sqlite3.OperationalError:
                break
        probe.close()
        code, out, err = _filia("keys", "status", keystore=store, workdir=workdir)
    finally:
        shell.stdin.write("ROLLBACK;\n.quit\n")
        shell.stdin.close()
        shell.wait(10)
    assert (code, out) == (1, "")
    assert str(store) in err and "zablokowany przez inny program" in err and "Traceback" not in err
    assert dump(store) == before


@pytest.mark.rule("KEY-262", "KEY-220")
@pytest.mark.parametrize("kind", ["read-only", "unreadable"])
def test_store_another_user_cannot_write_or_read_is_a_message_not_demo(store, workdir, kind):
    if kind == "read-only":
        store.chmod(0o644 if is_root() else 0o444)  # the clerk (or, not root, even the owner) cannot write
    else:
        store.chmod(0o600 if is_root() else 0o000)
    before = _digest(store)
    env = {"FILIA_KEYSTORE": str(store), "FILIA_LANG": "pl", "HOME": str(workdir), "PATH": "/usr/bin:/bin",
           "FILIA_KEYS_LOG": str(workdir / "keys.log"), "FILIA_LOG": str(workdir / "filia.log")}
    code, out, err = run_filia(["keys", "status"], env, workdir)
    store.chmod(0o660)
    assert (code, out) == (1, ""), err
    assert str(store) in err and "Traceback" not in err and "DEMO" not in err
    assert ("tylko do odczytu" if kind == "read-only" else "Nie można odczytać") in err
    assert _digest(store) == before
    assert not any(p.owner() != store.owner() for p in workdir.glob("keystore.db-*"))  # no -wal/-shm made by the clerk


@pytest.mark.rule("KEY-262", "KEY-6")
def test_missing_store_is_demo(workdir):
    code, out, err = _filia("keys", "status", keystore=workdir / "nowy.db", workdir=workdir)
    assert code == 2 and out.startswith("DEMO") and "Traceback" not in err


@pytest.mark.rule("KEY-262", "KEY-220")
@pytest.mark.parametrize("path, code, said", [
    ("/proc/self/status", 1, "Magazyn kluczy"),       # exists, no database (and not writable)
    ("/proc/self/nothere/keystore.db", 2, "DEMO"),    # cannot exist: no store, DEMO with the reason
    ("/proc", 1, "nie jest zwykłym plikiem"),
])
def test_paths_under_proc_are_messages_not_crashes(workdir, path, code, said):
    got, out, err = _filia("keys", "--keystore", path, "status", keystore=workdir / "unused.db", workdir=workdir)
    assert got == code and said in out + err and path in out + err
    assert "Traceback" not in err and "nieoczekiwany" not in err


@pytest.mark.rule("KEY-262")
@pytest.mark.parametrize("how", ["header", "page"])
async def test_tui_on_a_corrupt_store_refuses_the_login_with_the_message(demo_url, store, how):
    from tui.app import FiliaApp
    from tui.screens.main_menu import MainMenu
    from tui.seats import app_seats

    _damage(store, how)
    app = FiliaApp(demo_url, operator_login="ADMIN",
                   seats_factory=lambda: app_seats(Namespace(keystore=str(store)), demo_url))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause(0.3)
        said = " ".join(str(n.message) for n in app._notifications)
        assert str(store) in said and "uszkodzony" in said
        assert not any(isinstance(s, MainMenu) for s in app.screen_stack)
        assert "Licencja: magazyn kluczy niedostępny" in app.status_text() and "DEMO" not in app.status_text()
    app.seats.close()
