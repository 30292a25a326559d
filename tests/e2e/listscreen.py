"""Reading a list off a real terminal: rows by their code, the highlighted one by its colours (tmux
capture-pane -e: the one list line whose background differs from the others), marks by „●”."""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

SGR = re.compile(r"\x1b\[([0-9;]*)m")
GOODS_CODE = re.compile(r"\bT\d{7}\b")
CONTRACTOR_CODE = re.compile(r"\bK\d{6}\b")


def filia_command() -> list[str]:
    """The installed `filia` entry point next to this interpreter (the console script), else -m tui."""
    script = Path(sys.executable).with_name("filia")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def _backgrounds(params: str, current: str) -> str:
    """The background after one SGR sequence (tmux repeats an attribute only when it changes)."""
    parts = params.split(";") if params else ["0"]
    i = 0
    while i < len(parts):
        if parts[i] in ("0", ""):
            current = ""
        elif parts[i] == "48" and i + 2 < len(parts):
            current = ";".join(parts[i:i + 3])
            i += 2
        elif parts[i] in ("38", "58") and i + 2 < len(parts):
            i += 2
        i += 1
    return current


def rows(tmux, code=GOODS_CODE) -> list[tuple[str, str, bool, str]]:
    """(code, background, marked, text) of every list row on screen, top to bottom; the background is
    the one in force where the row's text begins."""
    raw = tmux._tmux("capture-pane", "-p", "-e", "-J", "-t", "t", check=False).stdout
    out, current = [], ""
    for line in raw.splitlines():
        plain = SGR.sub("", line)
        pieces = SGR.split(line)          # text, params, text, params, ...
        at_text = None
        for i, piece in enumerate(pieces):
            if i % 2:
                current = _backgrounds(piece, current)
            elif piece.strip() and at_text is None:
                at_text = current
        match = code.search(plain)
        if match and plain.lstrip().startswith(("●", match.group(0))):
            out.append((match.group(0), at_text or "", plain.lstrip().startswith("●"), plain))
    return out


def highlighted(tmux, code=GOODS_CODE) -> str | None:
    shown = rows(tmux, code)
    if len(shown) < 3:
        return None
    common = Counter(bg for _c, bg, _m, _t in shown).most_common(1)[0][0]
    odd = [c for c, bg, _m, _t in shown if bg != common]
    return odd[0] if len(odd) == 1 else None


def wait_highlight(tmux, wanted: str, code=GOODS_CODE) -> None:
    tmux.wait_until(lambda _s: highlighted(tmux, code) == wanted, timeout=10)


def marked(tmux, code=GOODS_CODE) -> list[str]:
    return [c for c, _bg, m, _t in rows(tmux, code) if m]


def resize(tmux, width: int, height: int) -> None:
    """Resize the terminal and wait until tmux has (the application then gets SIGWINCH)."""
    import time

    tmux._tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        size = tmux._tmux("display-message", "-p", "-t", "t", "#{pane_width}x#{pane_height}", check=False).stdout
        if size.strip() == f"{width}x{height}":
            return
        time.sleep(0.05)
    raise AssertionError(f"tmux did not resize to {width}x{height}")
