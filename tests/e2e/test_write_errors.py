"""A write the disk or the file refuses, in a real terminal (issue 16 §3): the card says why in Polish and stays
open with the clerk's typing, the session goes on, and the database is intact (integrity_check ok, nothing
written). Disk full: a small tmpfs when the test may mount one (else the read-only variant stands in).
Read-only: a read-only bind mount as root, file and folder permissions otherwise."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _demo(path: Path) -> None:
    """A small demo company in rollback-journal mode (a read-only connection then needs no -shm file)."""
    script = ("from store.create import new_database\nfrom store.demo import build_demo\n"
              f"with new_database('sqlite:///{path}'):\n    build_demo(contractors=5, goods=20, seed=3)\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120, cwd=os.getcwd())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=delete")
    conn.close()


def _state(path: Path) -> tuple[str, int, list]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM contractor").fetchone()[0],
                conn.execute("SELECT code FROM contractor WHERE code LIKE 'ZZ%'").fetchall())
    finally:
        conn.close()


def _mount(*args: str) -> bool:
    return os.geteuid() == 0 and subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def _read_only_copy(tmp_path: Path):
    """The demo database where this process may read it but not write it."""
    rw = tmp_path / "rw"
    rw.mkdir()
    _demo(rw / "demo.db")
    ro = tmp_path / "ro"
    ro.mkdir()
    if _mount("--bind", str(rw), str(ro)):
        try:
            if not _mount("-o", "remount,ro,bind", str(ro)):
                pytest.fail("a read-only bind mount could not be made")
            yield ro / "demo.db", rw / "demo.db"
        finally:
            subprocess.run(["umount", "-l", str(ro)], check=False)
        return
    (rw / "demo.db").chmod(0o444)
    rw.chmod(0o555)
    try:
        yield rw / "demo.db", rw / "demo.db"
    finally:
        rw.chmod(0o755)


def _login_and_new_card(tmux, db: Path) -> None:
    tmux.start([sys.executable, "-m", "tui", "--db", str(db)])
    tmux.wait_for("Hasło", timeout=60)
    tmux.type("ADMIN")
    tmux.keys("Tab")
    tmux.type("admin")
    tmux.keys("Enter")
    tmux.wait_for("Menu główne", timeout=60)
    tmux.keys("Enter")                      # Handel / Kontrahenci
    tmux.wait_for("Rekordów: ")
    tmux.keys("IC")                         # a new card
    tmux.wait_for("Kod *")
    tmux.type("ZZPELNY")
    tmux.keys("C-s")                        # the name is missing: the card says so and puts the cursor there
    tmux.wait_for("Pole „Nazwa”: pole jest wymagane")
    tmux.type("Spółka Niezapisana")
    tmux.wait_for("Spółka Niezapisana")


def _typed_name_still_there(tmux) -> None:
    screen = tmux.screen()
    assert "ZZPELNY" in screen and "Spółka Niezapisana" in screen and "Kod *" in screen, screen


def _readonly_save(tmux, tmp_path: Path) -> None:
    with _read_only_copy(tmp_path) as (db, real):
        before = _state(real)
        _login_and_new_card(tmux, db)
        tmux.keys("C-s")
        tmux.wait_for("tylko do odczytu", timeout=30)
        _typed_name_still_there(tmux)
        tmux.keys("C-s")                    # again: the same answer, the session goes on
        tmux.wait_for("tylko do odczytu")
        _typed_name_still_there(tmux)
        assert not (tmp_path / "filia.log").exists() or "Traceback" not in (tmp_path / "filia.log").read_text()
        tmux.keys("C-q")
    assert _state(real) == before and before[0] == "ok"


@pytest.mark.rule("CTF-1")
def test_read_only_database_says_so_and_keeps_the_card(tmux, tmp_path):
    _readonly_save(tmux, tmp_path)


@pytest.mark.rule("CTF-1")
def test_full_disk_says_so_and_keeps_the_card(tmux, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    demo = tmp_path / "demo.db"
    _demo(demo)
    size = demo.stat().st_size
    if not _mount("-t", "tmpfs", "-o", f"size={size + 2 * 1024 * 1024}", "tmpfs", str(disk)):
        _readonly_save(tmux, tmp_path)      # no tmpfs here: the read-only file stands in (issue 16)
        return
    try:
        db = disk / "demo.db"
        db.write_bytes(demo.read_bytes())
        before = _state(db)
        _login_and_new_card(tmux, db)
        with open(disk / "filler", "wb") as fh:            # the disk fills up while the card is open
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError:
                pass
        tmux.keys("C-s")
        tmux.wait_for("Brak miejsca na dysku", timeout=30)
        _typed_name_still_there(tmux)
        logged = (tmp_path / "filia.log").read_text(encoding="utf-8")
        assert "write failed" in logged and "Traceback" not in logged       # the cause is in the log file
        os.remove(disk / "filler")                          # space again: the same card saves
        tmux.keys("C-s")
        tmux.wait_until(lambda s: "Kod *" not in s, timeout=30)
        tmux.keys("C-q")
        tmux.wait_until(lambda s: "Rekordów" not in s, timeout=30)
        after = _state(db)
        assert after[0] == "ok" and after[1] == before[1] + 1 and after[2] == [("ZZPELNY",)]
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
