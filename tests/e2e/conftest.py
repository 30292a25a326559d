"""A real terminal for end-to-end tests: tmux with a private socket, screen polled, never slept on."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest


class Tmux:
    def __init__(self, tmp_path, width: int = int(os.environ.get("FILIA_E2E_COLS", 140)),
                 height: int = int(os.environ.get("FILIA_E2E_ROWS", 40))):
        self.socket = f"filia-e2e-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.width, self.height = width, height
        # COLUMNS and LINES as an xdist worker's environment holds them (and some shells export them): Python's
        # shutil.get_terminal_size, hence Textual, prefers them to the terminal's size, so Filia drops them when a
        # terminal answers (tui.commands.run.follow_terminal_size); the list repaint test's resize proves it
        self.env = {**os.environ, "COLUMNS": "80", "LINES": "24", "TERM": "xterm-256color", "LANG": "C.UTF-8",
                    "TEXTUAL_ANIMATIONS": "none",
                    "HOME": str(tmp_path), "FILIA_KEYSTORE": str(tmp_path / "keystore.db"),
                    "FILIA_LOG": str(tmp_path / "filia.log"), "FILIA_LANG": "pl",
                    "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}

    def _tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, check=check,
                              capture_output=True, text=True)

    def start(self, command: list[str]) -> None:
        cmd = " ".join(subprocess.list2cmdline([c]) for c in command)
        self._tmux("new-session", "-d", "-s", "t", "-x", str(self.width), "-y", str(self.height), cmd)
        # without an attached client some tmux set-ups fall back to 80x24; pin the size
        self._tmux("set-option", "-t", "t", "window-size", "manual", check=False)
        self._tmux("resize-window", "-t", "t", "-x", str(self.width), "-y", str(self.height), check=False)

    def keys(self, *names: str) -> None:
        """Named keys (IC, DC, F5, C-n, Enter, Escape, Tab ...)."""
        for name in names:
            self._tmux("send-keys", "-t", "t", name)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "t", "-l", text)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-J", "-t", "t", check=False).stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear within {timeout}s. Screen:\n{self.screen()}")

    def wait_until(self, predicate, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"the screen did not reach the expected state within {timeout}s:\n{self.screen()}")

    def close(self) -> None:
        self._tmux("kill-server", check=False)


@pytest.fixture
def tmux(tmp_path):
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required for the end-to-end tests in CI")
        pytest.skip("tmux is not installed")
    term = Tmux(tmp_path)
    yield term
    term.close()
