"""A canonical dump of a SQLite file (the key store): its schema and every row of every table, sorted.

"Nothing changed" in the attack tests = equal dumps before and after (until tests/dbdump.py covers company
databases on both engines, this one covers the key store, which is its own SQLite file)."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def dump(path: str | Path, *, ignore_settings: tuple[str, ...] = ()) -> dict[str, list]:
    """{table: sorted rows} plus {"<schema>": sorted CREATE statements}. `ignore_settings` leaves out
    keys_setting rows a test checks on its own (e.g. the clock mark under the real clock)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        out: dict[str, list] = {"<schema>": sorted(schema)}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            if table == "keys_setting":
                rows = [r for r in rows if r[0] not in ignore_settings]
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


def sqlite3_shell(path: str | Path, sql: str) -> None:
    """The attacker's own tool: the sqlite3 command-line shell on the key store file."""
    import subprocess

    res = subprocess.run(["sqlite3", str(path), sql], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr
