"""The installed program in a real terminal (tmux): no variable switches licensing off, and a broken key store
is a message on the screen, not DEMO and not a traceback (issue 15 items 1 and 7)."""
from __future__ import annotations

import sys

import pytest

from keys.manager import KeyManager
from tests.e2e.conftest import tmux  # noqa: F401  (the real terminal fixture)

from .conftest import module
from .test_attacks_store import _damage

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _demo(tmux, tmp_path):
    tmux.start([sys.executable, "-m", "tui", "--db", str(tmp_path / "demo.db"), "demo", "--goods", "50",
                "--contractors", "5"])


@pytest.mark.rule("KEY-203", "KEY-262", "KEY-250")
def test_filia_no_licensing_changes_nothing(tmux, tmp_path):
    tmux.env["FILIA_NO_LICENSING"] = "1"   # the switch the program used to read
    _demo(tmux, tmp_path)
    tmux.wait_for("Menu główne", timeout=90)
    tmux.wait_for("DEMO", timeout=10)      # licensing still runs: no key store, so DEMO, marked as such
    tmux.keys("C-q")


@pytest.mark.rule("KEY-262")
@pytest.mark.parametrize("how", ["header", "page"])
def test_broken_key_store_is_a_message_on_the_screen(tmux, tmp_path, trusted, make_license, how):
    path = tmp_path / "keystore.db"                      # the Tmux environment's FILIA_KEYSTORE
    admin = KeyManager(path, trusted, None, "ADMIN", connection="admin", is_admin=True)
    admin.add_license(make_license(modules=[module(1, "START", 3)]), client_id="123456", pin="1234",
                      key_number="5000000107")
    admin.close()
    _damage(path, how)
    _demo(tmux, tmp_path)
    screen = tmux.wait_for("uszkodzony", timeout=90)
    assert "Licencja: magazyn" in screen        # the status line (cut short on a narrow terminal)
    assert "Menu główne" not in screen and "Traceback" not in screen and "| DEMO" not in screen
    tmux.keys("C-q")
    screen = tmux.wait_until(lambda s: "Traceback" not in s and "uszkodzony" not in s, timeout=20)
    assert "Traceback" not in screen
