"""cold_start: process start to the first frame of Filia's TUI, against a bare Textual app that
shows one DataTable, in the same run (both in a real pseudo-terminal, alternating, median).

The first frame is detected when a marker text of the screen arrives on the terminal.
Last line: cold_start s=<ours> baseline_s=<bare> ratio=<s/baseline_s>
"""
from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time

from _common import DATA, ROOT, demo_db, median

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BASELINE = DATA / "bare_datatable.py"
BASELINE_SRC = '''
from textual.app import App
from textual.widgets import DataTable

class Bare(App):
    def compose(self):
        yield DataTable()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Kod", "Nazwa")
        table.add_row("BARE-READY", "pierwsza klatka")

Bare().run()
'''


def time_to_marker(argv: list[str], marker: bytes, env: dict, timeout: float = 30.0) -> float:
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: becomes the program in a 120x40 terminal
        os.execvpe(argv[0], argv, env)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                seen += chunk
                if marker in seen:
                    return time.perf_counter() - start
        raise RuntimeError(f"marker {marker!r} not seen; output tail: {seen[-400:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    url = demo_db(10, contractors=10)
    BASELINE.write_text(BASELINE_SRC)
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "TEXTUAL_ANIMATIONS": "none",
           "FILIA_KEYSTORE": str(DATA / "cold_start_keystore.db"), "PYTHONPATH": str(ROOT)}
    ours_cmd = [sys.executable, "-m", "tui", "--db", url.replace("sqlite:///", "")]
    base_cmd = [sys.executable, str(BASELINE)]
    ours, base = [], []
    time_to_marker(ours_cmd, b"Operator", env)  # warm the OS file cache for both
    time_to_marker(base_cmd, b"BARE-READY", env)
    for _ in range(RUNS):
        ours.append(time_to_marker(ours_cmd, b"Operator", env))
        base.append(time_to_marker(base_cmd, b"BARE-READY", env))
    s, b = median(ours), median(base)
    print(f"ours: {[round(x, 3) for x in ours]}\nbare: {[round(x, 3) for x in base]}")
    print(f"cold_start s={s:.3f} baseline_s={b:.3f} ratio={s / b:.2f}")


if __name__ == "__main__":
    main()
