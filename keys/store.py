"""The installation's key store: its own SQLite file shared by every session (KEY-220 … KEY-223).

WAL, busy_timeout 5000 ms, every change in one BEGIN IMMEDIATE transaction, times are UTC epoch
seconds from an injected clock. Tables are created with plain SQL here (never by store/ models).

Grants come only from vendor-signed material (issue 15 item 2): a license is its stored file text and
an activation its stored response code, both verified again at every evaluation; the other columns are
copies for people reading the file and are never trusted.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from keys import RELEASE_DATE
from keys import activation as act
from keys import clock as clk
from keys.errors import KeyStoreError, LicenseError, LicenseFileError
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
    open_request_nonce TEXT, open_request_kind INTEGER, applied_at REAL, applied_by TEXT, response_code TEXT);
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

# name: (default, low, high) — KEY-264, plus lease_s (crash lease). The clock tolerance is a constant
# (keys.clock.TOLERANCE_S), not a setting: a user must not be able to widen it.
SETTINGS = {
    "idle_release_s": (1800, 60, 86400),
    "heartbeat_s": (60, 10, 600),
    "lease_s": (300, 30, 86400),
    "log_level": (0, 0, 3),
    "http_port": (5150, 1, 65535),
}
TEXT_SETTINGS = {"admin_email": "", "web_password_hash": "", clk.TIME_ZONE: clk.DEFAULT_ZONE}


def default_path() -> Path:
    """KEY-220 default: the per-user data dir of Filia; FILIA_KEYSTORE / FILIA_KEY_STORE override it."""
    env = os.environ.get("FILIA_KEYSTORE") or os.environ.get("FILIA_KEY_STORE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("filia", appauthor=False)) / "keystore.db"


def os_user_name() -> str:
    """The OS user of this process, from its uid (USER and LOGNAME are the user's to set)."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def problem_message(path: Path, exc: BaseException) -> str:
    """What is wrong with an existing key store and what to do, in Polish (KEY-262: never DEMO)."""
    text = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return _("Magazyn kluczy {ścieżka} jest zablokowany przez inny program. Zamknij program, który go "
                 "używa (np. sqlite3), i spróbuj ponownie.").format(ścieżka=path)
    if isinstance(exc, sqlite3.DatabaseError) and ("readonly" in text or "read-only" in text):
        return read_only_message(path)
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError) \
            or "malformed" in text or "not a database" in text:
        return _("Magazyn kluczy {ścieżka} jest uszkodzony ({powód}). Odtwórz go z kopii zapasowej albo poproś "
                 "administratora o pomoc; program nie uruchomi się w trybie DEMO, dopóki plik istnieje."
                 ).format(ścieżka=path, powód=exc)
    return _("Nie można otworzyć magazynu kluczy {ścieżka}: {powód}. Sprawdź ścieżkę i uprawnienia do pliku."
             ).format(ścieżka=path, powód=getattr(exc, "strerror", None) or exc)


def read_only_message(path: Path) -> str:
    return _("Magazyn kluczy {ścieżka} jest tylko do odczytu dla użytkownika {użytkownik}. Każdy użytkownik "
             "programu Filia musi móc zapisywać ten plik i jego katalog (grupa z bitem setgid, prawa 0660); "
             "poproś administratora o poprawienie uprawnień.").format(ścieżka=path, użytkownik=os_user_name())


def _check_access(path: Path) -> None:
    """An existing store this user cannot read or write is refused with a message, never used half-way."""
    if not path.is_file():
        raise KeyStoreError(_("Magazyn kluczy {ścieżka} nie jest zwykłym plikiem. Wskaż plik magazynu kluczy "
                              "(--keystore) albo usuń to, co leży pod tą ścieżką.").format(ścieżka=path))
    if not os.access(path, os.R_OK):
        raise KeyStoreError(_("Nie można odczytać magazynu kluczy {ścieżka}: brak uprawnień użytkownika "
                              "{użytkownik}. Poproś administratora o dostęp do pliku.").format(
            ścieżka=path, użytkownik=os_user_name()))
    sidecars_missing = not all(Path(f"{path}{s}").exists() for s in ("-wal", "-shm"))
    if not os.access(path, os.W_OK) or (sidecars_missing and not os.access(path.parent, os.W_OK)) \
            or any(Path(f"{path}{s}").exists() and not os.access(f"{path}{s}", os.W_OK) for s in ("-wal", "-shm")):
        raise KeyStoreError(read_only_message(path))


class KeyStore:
    """One open key store. `overrides` replaces stored numeric settings for this process only (tests, bench)."""

    def __init__(self, path: str | os.PathLike, *, trusted_keys: TrustedKeys, clock: Callable[[], float] = time.time,
                 release_date: dt.date = RELEASE_DATE, create: bool = True, overrides: dict | None = None,
                 monotonic: clk.MonotonicSource | None = None, time_zone: str | None = None):
        self.path = Path(path)
        self.trusted_keys = tuple(trusted_keys)
        self.clock = clock
        self.release_date = release_date
        self.overrides = dict(overrides or {})
        self.mono = monotonic or clk.MonotonicSource()
        self._tx_lock = threading.RLock()  # reads inside a transaction re-enter
        self.conn: sqlite3.Connection | None = None
        fresh = not os.path.lexists(self.path)
        if fresh and not create:
            raise KeyStoreError(_("Magazyn kluczy {ścieżka} nie istnieje.").format(ścieżka=self.path))
        try:
            if fresh:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            else:
                _check_access(self.path)
            self.conn = sqlite3.connect(str(self.path), timeout=5.0, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA busy_timeout = 5000")
            if not fresh:
                verdict = self.conn.execute("PRAGMA quick_check").fetchone()[0]
                if verdict != "ok":
                    raise sqlite3.DatabaseError(verdict)
            if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._init_schema(time_zone)
            if fresh:
                with contextlib.suppress(OSError):
                    os.chmod(self.path, 0o660)
        except KeyStoreError:
            self._close_quietly()
            raise
        except (sqlite3.Error, OSError) as exc:
            self._close_quietly()
            raise KeyStoreError(problem_message(self.path, exc)) from None

    def _close_quietly(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None

    def _init_schema(self, time_zone: str | None) -> None:
        cols = {r[1] for r in self.conn.execute("PRAGMA table_info(keys_activation)")}
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'keys_event'").fetchone() \
                and "response_code" in cols:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in SCHEMA.split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            if cols and "response_code" not in cols:
                # A store made before activations were kept as signed codes: its activations cannot be
                # checked any more and grant nothing until the key is activated again.
                self.conn.execute("ALTER TABLE keys_activation ADD COLUMN response_code TEXT")
            self.conn.execute("INSERT OR IGNORE INTO keys_setting(name, value) VALUES ('installation_id', ?)",
                              (str(uuid.uuid4()),))
            zone = time_zone if time_zone and clk.valid_zone(time_zone) else clk.DEFAULT_ZONE
            self.conn.execute("INSERT OR IGNORE INTO keys_setting(name, value) VALUES (?, ?)", (clk.TIME_ZONE, zone))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._close_quietly()

    def problem(self, exc: BaseException) -> KeyStoreError:
        return KeyStoreError(problem_message(self.path, exc))

    # --- transactions ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, check_clock: bool = True):
        """BEGIN IMMEDIATE … COMMIT; yields (cursor, now). Refuses when the clock was moved back."""
        with self._tx_lock:  # one connection may be used from a timer and a worker thread
            try:
                cur = self.conn.cursor()
                cur.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self.problem(exc) from None
            try:
                now = self.clock()
                if check_clock:
                    try:
                        clk.check_and_advance(cur, now, self.mono)
                    except LicenseError as exc:
                        from keys.log import logger

                        logger(self.setting_int("log_level", cur)).error("clock_rollback %s", exc)
                        raise
                yield cur, now
                cur.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    cur.execute("ROLLBACK")
                raise self.problem(exc) from None
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    cur.execute("ROLLBACK")
                raise

    def read(self, sql: str, args: tuple = ()) -> list[tuple]:
        """A read outside a transaction; a broken file becomes a KeyStoreError, not a traceback."""
        try:
            with self._tx_lock:
                return self.conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise self.problem(exc) from None

    def clock_problem(self) -> str | None:
        try:
            with self._tx_lock:
                return clk.check_only(self.conn.cursor(), self.clock())
        except sqlite3.Error as exc:
            raise self.problem(exc) from None

    # --- settings -------------------------------------------------------------------------------

    def setting(self, name: str, cur=None) -> str | None:
        sql, args = "SELECT value FROM keys_setting WHERE name = ?", (name,)
        rows = cur.execute(sql, args).fetchall() if cur is not None else self.read(sql, args)
        return rows[0][0] if rows else None

    def setting_int(self, name: str, cur=None) -> int:
        if name in self.overrides:
            return self.overrides[name]
        value = self.setting(name, cur)
        try:
            return int(value) if value is not None else SETTINGS[name][0]
        except ValueError:
            return SETTINGS[name][0]

    def set_setting(self, name: str, value, *, actor: str) -> None:
        """KEY-264: validated; heartbeat_s must stay at most a third of idle_release_s and lease_s."""
        if name == clk.TIME_ZONE:
            if not clk.valid_zone(str(value)):
                raise KeyStoreError(_("Nieprawidłowa wartość parametru {nazwa}: {zakres}.").format(
                    nazwa=name, zakres=_("nazwa strefy czasowej, np. Europe/Warsaw")), rule="KEY-264")
            stored = str(value)
        elif name in TEXT_SETTINGS:
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
        """KEY-137: idle release, heartbeat, log level … back to defaults; e-mail, zone and installation id kept."""
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

    @property
    def time_zone(self) -> str:
        return self.setting(clk.TIME_ZONE) or clk.DEFAULT_ZONE

    # --- licenses and activations -------------------------------------------------------------------

    def verified(self, text: str) -> License | str:
        """The License of a stored text, or the refusal message (KEY-214); verified every time it is read."""
        try:
            return verify(text, self.trusted_keys)
        except LicenseFileError as exc:
            return str(exc)

    def license_rows(self, cur=None) -> list[tuple[str, License | str, dict]]:
        """(key number, License or refusal, informative columns). A text signed for another key number than
        its row is refused: the row's own columns are never believed."""
        sql = "SELECT key_number, file_text, email, added_at, added_by FROM keys_license ORDER BY key_number"
        rows = cur.execute(sql).fetchall() if cur is not None else self.read(sql)
        out = []
        for number, text, email, added_at, added_by in rows:
            lic = self.verified(text)
            if isinstance(lic, License) and lic.key_number != number:
                from keys.license_file import msg_malformed

                lic = msg_malformed()
            meta = {"client_id": lic.client_id if isinstance(lic, License) else "", "email": email,
                    "added_at": added_at, "added_by": added_by}
            out.append((number, lic, meta))
        return out

    def activation_state(self, key_number: str, cur=None) -> dict | None:
        """The activation as evaluate() wants it, derived only from the stored response code (KEY-233):
        None while no code was applied; an installation id of "" when the code does not verify."""
        sql = "SELECT response_code FROM keys_activation WHERE key_number = ?"
        rows = cur.execute(sql, (key_number,)).fetchall() if cur is not None else self.read(sql, (key_number,))
        code = rows[0][0] if rows else None
        if not code:
            return None
        try:
            resp = act.parse_response(code)
            if resp.key_number != key_number or resp.kind not in (act.FULL, act.TEMPORARY):
                raise act.invalid_code()
            act.verify_response(resp, self.installation_id if cur is None else self.setting("installation_id", cur),
                                self.trusted_keys)
        except LicenseError as exc:
            return {"kind": None, "valid_until": None, "installation_id": "", "error": str(exc)}
        return {"kind": "temporary" if resp.kind == act.TEMPORARY else "full",
                "valid_until": resp.valid_until_min * 60 if resp.valid_until_min else None,
                "installation_id": self.installation_id if cur is None else self.setting("installation_id", cur)}

    def event(self, cur, at: float, actor: str, kind: str, key_number: str | None, detail: str) -> None:
        """Audit row (keys_event) and a log line at level info (warning for a NIP mismatch)."""
        cur.execute("INSERT INTO keys_event(at, actor, kind, key_number, detail) VALUES (?, ?, ?, ?, ?)",
                    (at, actor, kind, key_number, detail))
        from keys.log import logger

        log = logger(self.setting_int("log_level", cur))
        (log.warning if kind == "nip_mismatch" else log.info)("%s key=%s actor=%s %s", kind, key_number, actor, detail)

    def events(self, limit: int = 100) -> list[tuple]:
        return self.read("SELECT at, actor, kind, key_number, detail FROM keys_event ORDER BY id DESC LIMIT ?",
                         (limit,))

    def today(self, now: float | None = None, cur=None) -> dt.date:
        """"Today" for limits: the company's date (keys.clock.company_today), never the process's TZ."""
        zone = (self.setting(clk.TIME_ZONE, cur) if cur is not None else self.time_zone) or clk.DEFAULT_ZONE
        return clk.company_today(self.clock() if now is None else now, zone)
