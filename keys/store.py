"""The installation's key store: its own SQLite file shared by every session (KEY-220 … KEY-223).

WAL, busy_timeout 5000 ms, every change in one BEGIN IMMEDIATE transaction, times are UTC epoch
seconds from an injected clock. Tables are created with plain SQL here (never by store/ models).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from keys import RELEASE_DATE
from keys.clock import check_and_advance, check_only
from keys.errors import KeyStoreError, LicenseError
from keys.i18n import _
from keys.license_file import License, verify
from keys.trust import TrustedKeys

SCHEMA = """
CREATE TABLE IF NOT EXISTS keys_setting (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys_license (
    key_number TEXT PRIMARY KEY, serial INTEGER NOT NULL, license_id TEXT NOT NULL, file_text TEXT NOT NULL,
    client_id TEXT NOT NULL, email TEXT NOT NULL DEFAULT '', added_at REAL NOT NULL, added_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys_license_history (
    license_id TEXT PRIMARY KEY, key_number TEXT NOT NULL, serial INTEGER NOT NULL, file_text TEXT NOT NULL,
    replaced_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS keys_activation (
    key_number TEXT PRIMARY KEY, kind TEXT, valid_until REAL, installation_id TEXT,
    open_request_nonce TEXT, open_request_kind INTEGER, applied_at REAL, applied_by TEXT);
CREATE TABLE IF NOT EXISTS keys_seat (
    id INTEGER PRIMARY KEY, key_number TEXT NOT NULL, module_number INTEGER NOT NULL, module_code TEXT NOT NULL,
    group_id TEXT NOT NULL, instance_id TEXT NOT NULL, kind TEXT NOT NULL, operator TEXT NOT NULL,
    os_user TEXT NOT NULL, host TEXT NOT NULL, connection TEXT NOT NULL, pid INTEGER NOT NULL,
    company_db TEXT NOT NULL, started_at REAL NOT NULL, refreshed_at REAL NOT NULL, active_at REAL NOT NULL,
    UNIQUE (instance_id, key_number, module_number));
CREATE INDEX IF NOT EXISTS keys_seat_module ON keys_seat(key_number, module_number, group_id);
CREATE TABLE IF NOT EXISTS keys_named_seat (
    key_number TEXT NOT NULL, module_number INTEGER NOT NULL, identity TEXT NOT NULL, assigned_at REAL NOT NULL,
    last_used_at REAL NOT NULL, PRIMARY KEY (key_number, module_number, identity));
CREATE TABLE IF NOT EXISTS keys_code_used (code_hash TEXT PRIMARY KEY, used_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS keys_event (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, key_number TEXT,
    detail TEXT NOT NULL DEFAULT '');
"""

# name: (default, low, high) — KEY-264, plus lease_s (crash lease) and clock_tolerance_s (rollback check).
SETTINGS = {
    "idle_release_s": (1800, 60, 86400),
    "heartbeat_s": (60, 10, 600),
    "lease_s": (300, 30, 86400),
    "clock_tolerance_s": (300, 0, 86400),
    "log_level": (0, 0, 3),
    "http_port": (5150, 1, 65535),
}
TEXT_SETTINGS = {"admin_email": "", "web_password_hash": ""}


def default_path() -> Path:
    """KEY-220 default: the per-user data dir of Filia; FILIA_KEYSTORE / FILIA_KEY_STORE override it."""
    env = os.environ.get("FILIA_KEYSTORE") or os.environ.get("FILIA_KEY_STORE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("filia", appauthor=False)) / "keystore.db"


class KeyStore:
    """One open key store. `overrides` replaces stored numeric settings for this process only (tests, bench)."""

    def __init__(self, path: str | os.PathLike, *, trusted_keys: TrustedKeys, clock: Callable[[], float] = time.time,
                 release_date: dt.date = RELEASE_DATE, create: bool = True, overrides: dict | None = None):
        self.path = Path(path)
        self.trusted_keys = tuple(trusted_keys)
        self.clock = clock
        self.release_date = release_date
        self.overrides = dict(overrides or {})
        self._verified: dict[str, License | str] = {}
        self._tx_lock = threading.Lock()
        if not create and not self.path.exists():
            raise KeyStoreError(_("Magazyn kluczy {ścieżka} nie istnieje.").format(ścieżka=self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            self.conn = sqlite3.connect(str(self.path), timeout=5.0, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA busy_timeout = 5000")
            if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._init_schema()
            if fresh:
                with contextlib.suppress(OSError):
                    os.chmod(self.path, 0o660)
        except sqlite3.DatabaseError as exc:
            raise KeyStoreError(_("Nie można otworzyć magazynu kluczy {ścieżka}: {powód}").format(
                ścieżka=self.path, powód=exc)) from exc

    def _init_schema(self) -> None:
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'keys_event'").fetchone():
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in SCHEMA.split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            self.conn.execute("INSERT OR IGNORE INTO keys_setting(name, value) VALUES ('installation_id', ?)",
                              (str(uuid.uuid4()),))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()

    # --- transactions ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, check_clock: bool = True):
        """BEGIN IMMEDIATE … COMMIT; yields (cursor, now). Refuses when the clock was moved back."""
        with self._tx_lock:  # one connection may be used from a timer and a worker thread
            cur = self.conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise KeyStoreError(_("Magazyn kluczy jest zajęty, spróbuj ponownie: {powód}").format(
                    powód=exc)) from exc
            try:
                now = self.clock()
                if check_clock:
                    try:
                        check_and_advance(cur, now, self.setting_int("clock_tolerance_s", cur))
                    except LicenseError as exc:
                        from keys.log import logger

                        logger(self.setting_int("log_level", cur)).error("clock_rollback %s", exc)
                        raise
                yield cur, now
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def clock_problem(self) -> str | None:
        return check_only(self.conn.cursor(), self.clock(), self.setting_int("clock_tolerance_s"))

    # --- settings -------------------------------------------------------------------------------

    def setting(self, name: str, cur=None) -> str | None:
        row = (cur or self.conn).execute("SELECT value FROM keys_setting WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def setting_int(self, name: str, cur=None) -> int:
        if name in self.overrides:
            return self.overrides[name]
        value = self.setting(name, cur)
        return int(value) if value is not None else SETTINGS[name][0]

    def set_setting(self, name: str, value, *, actor: str) -> None:
        """KEY-264: validated; heartbeat_s must stay at most a third of idle_release_s and lease_s."""
        if name in TEXT_SETTINGS:
            stored = str(value)
        elif name in SETTINGS:
            _default, low, high = SETTINGS[name]
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = None
            if number is None or not low <= number <= high:
                raise KeyStoreError(_("Nieprawidłowa wartość parametru {nazwa}: {zakres}.").format(
                    nazwa=name, zakres=f"{low} … {high}"), rule="KEY-264")
            current = {n: self.setting_int(n) for n in ("idle_release_s", "heartbeat_s", "lease_s")}
            current[name] = number
            if name in current and min(current["idle_release_s"], current["lease_s"]) < 3 * current["heartbeat_s"]:
                raise KeyStoreError(_("Nieprawidłowa wartość parametru {nazwa}: {zakres}.").format(
                    nazwa=name, zakres=_("heartbeat_s nie więcej niż 1/3 idle_release_s i lease_s")), rule="KEY-264")
            stored = str(number)
        else:
            raise KeyStoreError(_("Nieznany parametr {nazwa}.").format(nazwa=name), rule="KEY-264")
        with self.transaction() as (cur, now):
            cur.execute("INSERT INTO keys_setting(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET "
                        "value = excluded.value", (name, stored))
            self.event(cur, now, actor, "setting", None, f"{name}={stored}")

    def restore_defaults(self, *, actor: str) -> None:
        """KEY-137: idle release, heartbeat, log level … back to defaults; e-mail and installation id kept."""
        with self.transaction() as (cur, now):
            cur.execute("DELETE FROM keys_setting WHERE name IN (%s)" % ",".join("?" * len(SETTINGS)),
                        tuple(SETTINGS))
            self.event(cur, now, actor, "settings_default", None, "")

    def settings(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {n: self.setting_int(n) for n in SETTINGS}
        out.update({n: self.setting(n) or d for n, d in TEXT_SETTINGS.items()})
        return out

    @property
    def installation_id(self) -> str:
        return self.setting("installation_id") or ""

    # --- licenses ---------------------------------------------------------------------------------

    def verified(self, text: str) -> License | str:
        """The License of a stored text, or the refusal message (KEY-214); cached by text hash."""
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest not in self._verified:
            from keys.errors import LicenseFileError

            try:
                self._verified[digest] = verify(text, self.trusted_keys)
            except LicenseFileError as exc:
                self._verified[digest] = str(exc)
        return self._verified[digest]

    def reverify(self) -> None:
        """ctrl+f5 (KEY-107, KEY-214): forget cached verifications."""
        self._verified.clear()

    def license_rows(self, cur=None) -> list[tuple[str, License | str, dict]]:
        rows = (cur or self.conn).execute(
            "SELECT key_number, file_text, client_id, email, added_at, added_by FROM keys_license "
            "ORDER BY key_number").fetchall()
        return [(r[0], self.verified(r[1]), {"client_id": r[2], "email": r[3], "added_at": r[4], "added_by": r[5]})
                for r in rows]

    def activation(self, key_number: str, cur=None) -> dict | None:
        row = (cur or self.conn).execute(
            "SELECT kind, valid_until, installation_id, open_request_nonce, applied_at FROM keys_activation "
            "WHERE key_number = ?", (key_number,)).fetchone()
        if row is None:
            return None
        return {"kind": row[0], "valid_until": row[1], "installation_id": row[2], "open_request_nonce": row[3],
                "applied_at": row[4]}

    def activation_state(self, key_number: str, cur=None) -> dict | None:
        """The activation as evaluate() wants it: None while no activation was ever applied."""
        act = self.activation(key_number, cur)
        return act if act and act["kind"] else None

    def event(self, cur, at: float, actor: str, kind: str, key_number: str | None, detail: str) -> None:
        """Audit row (keys_event) and a log line at level info (warning for a NIP mismatch)."""
        cur.execute("INSERT INTO keys_event(at, actor, kind, key_number, detail) VALUES (?, ?, ?, ?, ?)",
                    (at, actor, kind, key_number, detail))
        from keys.log import logger

        log = logger(self.setting_int("log_level", cur))
        (log.warning if kind == "nip_mismatch" else log.info)("%s key=%s actor=%s %s", kind, key_number, actor, detail)

    def events(self, limit: int = 100) -> list[tuple]:
        return self.conn.execute("SELECT at, actor, kind, key_number, detail FROM keys_event ORDER BY id DESC "
                                 "LIMIT ?", (limit,)).fetchall()

    def today(self, now: float | None = None) -> dt.date:
        """"Today" = the local calendar date of the (injected) clock."""
        return dt.datetime.fromtimestamp(self.clock() if now is None else now).date()
