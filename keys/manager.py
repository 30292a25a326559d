"""KeyManager: the one small object the application uses (checkout per module screen, status line, DEMO).

    km = KeyManager(store_path, TRUSTED_KEYS, company_nip, operator)
    with km.checkout("HANDEL"):          # raises SeatRefused / NipMismatch / ClockRollback (LicenseError)
        ...                              # the screen runs; the seat is released on leaving
    km.heartbeat()                       # from a timer every km.heartbeat_s seconds; returns modules lost
    km.touch()                           # on user activity (keystroke) — cheap, no I/O
    km.status_line(); km.demo_mode; km.close()
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
from pathlib import Path
from typing import Callable

from keys import RELEASE_DATE, registry, seats
from keys.demo import demo_reason_no_license, demo_reason_no_store, demo_status
from keys.errors import KeyStoreError, LicenseError, SeatRefused
from keys.evaluate import KeyView, ModuleView
from keys.i18n import _
from keys.license_file import License
from keys.store import KeyStore
from keys.trust import TrustedKeys


BASE_MODULE = "START"  # KEY-263: required for any login; a candidate key must hold it (KEY-261)


class KeyManager:
    def __init__(self, store_path: str | Path, trusted_keys: TrustedKeys, company_nip: str | None = None,
                 operator: str = "", *, clock: Callable[[], float] = time.time, release_date: dt.date = RELEASE_DATE,
                 key_number: str | None = None, connection: str | None = None, host: str | None = None,
                 os_user: str | None = None, company_db: str = "", kind: str = "session",
                 overrides: dict | None = None, create: bool = True):
        self.company_nip = company_nip
        self.operator = operator
        self.clock = clock
        self.identity = seats.make_identity(operator, connection=connection, host=host, os_user=os_user,
                                            company_db=company_db, kind=kind)
        self._key_number = key_number
        self._held: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._last_activity = clock()
        self._forced_demo = False
        self._resolved: str | None = None
        self.problem = ""
        try:
            self.store: KeyStore | None = KeyStore(store_path, trusted_keys=trusted_keys, clock=clock,
                                                   release_date=release_date, create=create, overrides=overrides)
        except KeyStoreError as exc:
            self.store, self.problem = None, str(exc)

    # --- mode and key choice ------------------------------------------------------------------

    @property
    def demo_mode(self) -> bool:
        """KEY-262: no readable key store, no license at all, or DEMO chosen after a NIP mismatch."""
        if self._forced_demo or self.store is None:
            return True
        return not self.store.conn.execute("SELECT 1 FROM keys_license LIMIT 1").fetchone()

    def demo_reason(self) -> str:
        if self.store is None:
            return demo_reason_no_store()
        return demo_reason_no_license() if self.demo_mode else ""

    def use_demo(self) -> None:
        """The operator chose "Pracuj w trybie DEMO" after a NIP mismatch (KEY-260)."""
        self.release_all()
        self._forced_demo = True

    @property
    def heartbeat_s(self) -> int:
        return self.store.setting_int("heartbeat_s") if self.store else 60

    def _licenses(self) -> list[License]:
        return [lic for _n, lic, _m in self.store.license_rows() if isinstance(lic, License)]

    def candidates(self) -> list[License]:
        """KEY-261: keys whose NIP check passes and whose state allows use."""
        views = {v.key_number: v for v in self.keys()}
        return [lic for lic in self._licenses()
                if seats.nip_matches(lic, self.company_nip) and views.get(lic.key_number, None) is not None
                and views[lic.key_number].usable and lic.module(BASE_MODULE) is not None]

    @property
    def key_number(self) -> str | None:
        """The key this session uses: the recorded/chosen one, else the only candidate, else the first."""
        if self._key_number or self.store is None:
            return self._key_number
        if self._resolved is None:
            cands = self.candidates()
            lics = self._licenses()
            self._resolved = cands[0].key_number if cands else (lics[0].key_number if lics else None)
        return self._resolved

    def needs_choice(self) -> bool:
        """KEY-261: several keys fit and none is recorded: the app asks the operator (choose_key)."""
        return not self._key_number and len(self.candidates()) > 1

    def set_operator(self, operator: str) -> None:
        """After login / operator change: held rows show the new operator."""
        import dataclasses

        self.operator = operator
        self.identity = dataclasses.replace(self.identity, operator=operator)
        if self.store is not None and self._held:
            with self.store.transaction(check_clock=False) as (cur, _now):
                cur.execute("UPDATE keys_seat SET operator = ? WHERE instance_id = ?",
                            (operator, self.identity.instance_id))

    def choose_key(self, key_number: str) -> None:
        self._key_number = key_number

    def nip_allowed(self, key_number: str, nip: str) -> bool:
        """KEY-259: for the company-stamp form, before saving a new NIP."""
        return seats.nip_matches(registry.get_license(self.store, key_number), nip)

    # --- views --------------------------------------------------------------------------------

    def keys(self) -> list[KeyView]:
        return registry.key_views(self.store) if self.store else []

    def modules(self, key_number: str | None = None) -> list[ModuleView]:
        """Rows of "Dostępne moduły" for one key (default: the key in use), ordered by number (KEY-49)."""
        number = key_number or self.key_number
        return [m for v in self.keys() if v.key_number == number for m in v.modules]

    def seats(self, key_number: str | None = None) -> list[seats.SeatRow]:
        """Rows of "Pobrane moduły" (runs the idle purge)."""
        if self.store is None:
            return []
        with self.store.transaction() as (cur, now):
            seats.purge(self.store, cur, now)
            return seats.seat_rows(cur, key_number)

    def named_seats(self, key_number: str | None = None) -> list[tuple]:
        with self.store.transaction() as (cur, _now):
            return seats.named_rows(cur, key_number)

    # --- key list changes ---------------------------------------------------------------------

    def add_license(self, path_or_text: str | Path, *, client_id: str, pin: str, key_number: str,
                    email: str | None = None) -> str:
        """KEY-253/KEY-212; returns 'added', 'replaced' or 'same'."""
        text = str(path_or_text)
        if "BEGIN FILIA LICENSE" not in text:
            try:
                text = Path(text).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                from keys.license_file import LicenseFileError, msg_malformed

                raise LicenseFileError(msg_malformed()) from None
        _lic, outcome = registry.add_license(self._need_store(), text, client_id=client_id, pin=pin,
                                             key_number=key_number, email=email, actor=self.actor)
        self._resolved = None
        return outcome

    def remove_key(self, key_number: str) -> str:
        """KEY-255: returns the deactivation code; the caller asked "Tak/Nie" before."""
        self.release_all(key_number)
        self._resolved = None
        return registry.remove_key(self._need_store(), key_number, actor=self.actor,
                                   own_group=self.identity.group_id)

    def release_group(self, key_number: str, group_id: str) -> int:
        return seats.release_group(self._need_store(), key_number, group_id, actor=self.actor)

    def activation_request(self, key_number: str, *, temporary: bool = False) -> str:
        return registry.activation_request(self._need_store(), key_number, temporary=temporary, actor=self.actor)

    def apply_code(self, key_number: str, code: str):
        return registry.apply_code(self._need_store(), key_number, code, actor=self.actor)

    def refresh(self, *, reverify: bool = False) -> None:
        """f5 re-reads (views always read fresh); ctrl+f5 also re-verifies every stored license (KEY-214)."""
        self._resolved = None
        if reverify and self.store:
            self.store.reverify()

    @property
    def actor(self) -> str:
        return self.operator or self.identity.os_user

    def _need_store(self) -> KeyStore:
        if self.store is None:
            raise KeyStoreError(self.problem)
        return self.store

    # --- seats --------------------------------------------------------------------------------

    def acquire(self, module_code: str, *, named_identity: str | None = None) -> None:
        """Check a module out for this session (refcounted); raises a LicenseError when refused."""
        if self.demo_mode:
            return
        with self._lock:
            key = self.key_number
            if key is None:
                raise SeatRefused(demo_reason_no_license(), module=module_code)
            ref = (key, module_code)
            self._last_activity = self.clock()  # opening a module screen is activity
            if self._held.get(ref):
                self._held[ref] += 1
                return
            lic = registry.get_license(self.store, key)
            result = seats.checkout(self.store, lic, [module_code], self.identity, company_nip=self.company_nip,
                                    named_identity=named_identity)
            if module_code in result.refused:
                raise result.refused[module_code]
            self._held[ref] = 1

    def release(self, module_code: str) -> None:
        if self.demo_mode and not self._held:
            return
        with self._lock:
            for ref in [r for r in self._held if r[1] == module_code]:
                self._held[ref] -= 1
                if self._held[ref] <= 0:
                    del self._held[ref]
                    seats.release(self.store, self.identity.instance_id, ref[0], [module_code])

    @contextlib.contextmanager
    def checkout(self, module_code: str, *, named_identity: str | None = None):
        """Hold a seat of `module_code` while the block (a module screen) runs."""
        self.acquire(module_code, named_identity=named_identity)
        try:
            yield self
        finally:
            self.release(module_code)

    def held(self) -> set[str]:
        return {code for _k, code in self._held}

    def touch(self) -> None:
        """Record user activity (no I/O); the next heartbeat carries it (idle release, KEY-55)."""
        self._last_activity = self.clock()

    def heartbeat(self) -> list[str]:
        """KEY-237/KEY-241: renew the lease; returns the module codes this session lost (released by the
        administrator or by idle release). They are forgotten here; the app tells the operator."""
        if self.store is None or not self._held:
            return []
        still = seats.heartbeat(self.store, self.identity.instance_id, active_at=self._last_activity)
        with self._lock:
            lost = [ref for ref in self._held if ref not in still]
            for ref in lost:
                del self._held[ref]
        return [code for _k, code in lost]

    def lost_message(self, codes: list[str]) -> str:
        return _("Administrator zwolnił moduły tej sesji ({moduły}). Zaloguj się ponownie, aby z nich korzystać."
                 ).format(moduły=", ".join(codes))

    def release_all(self, key_number: str | None = None) -> None:
        if self.store is None:
            return
        with self._lock:
            refs = [r for r in self._held if key_number in (None, r[0])]
            for ref in refs:
                del self._held[ref]
        if key_number is None:
            seats.release(self.store, self.identity.instance_id)
        elif refs:
            seats.release(self.store, self.identity.instance_id, key_number, [code for _k, code in refs])

    def named_reset_request(self, key_number: str, module_number: int, identity: str) -> str:
        """KEY-244: request code (kind 3) for the vendor to reset a named-seat assignment."""
        return registry.activation_request(self._need_store(), key_number, module_number=module_number,
                                           identity=identity, actor=self.actor)

    def install_signal_handlers(self) -> None:
        """KEY-238: SIGTERM and SIGHUP (an SSH disconnect) free this process's seats, then end it as before.
        Call from the main thread; an app with its own handlers calls close() from them instead."""
        import signal

        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous = signal.getsignal(sig)

            def handler(signum, frame, previous=previous):
                self.close()
                if callable(previous):
                    previous(signum, frame)
                else:
                    signal.signal(signum, signal.SIG_DFL)
                    os.kill(os.getpid(), signum)

            signal.signal(sig, handler)

    def close(self) -> None:
        """Logout / exit / SIGTERM / SIGHUP (KEY-238): free this process's seats."""
        if self.store is not None:
            with contextlib.suppress(LicenseError, Exception):
                self.release_all()
            self.store.close()
            self.store = None

    # --- status line ----------------------------------------------------------------------------

    def status(self) -> tuple[str, str]:
        """(text, colour) of the status-bar indicator (KEY-250, KEY-9)."""
        if self.demo_mode:
            return demo_status(), "red"
        problem = self.store.clock_problem()
        if problem:
            return _("Licencja: zegar cofnięty"), "red"
        if self.nip_problem():
            return _("Licencja: NIP firmy niezgodny z kluczem"), "red"
        views = [v for v in self.keys() if v.key_number == self.key_number]
        if not views or not views[0].usable or not any(m.usable for m in views[0].modules):
            return _("Licencja: brak dostępnych modułów"), "red"
        v = views[0]
        text, colour = _("Licencja: OK"), "green"
        if any(m.state.startswith("out_of_warranty") for m in v.modules):
            text, colour = _("Licencja: po gwarancji"), "yellow"
        elif any(m.warning for m in v.modules):
            colour = "yellow"
        if v.state == "temporary" and v.active_until:
            text += ", " + _("aktywny tymczasowo do {godzina}").format(
                godzina=dt.datetime.fromtimestamp(v.active_until).strftime("%Y-%m-%d %H:%M"))
            if v.active_until - self.clock() < 2 * 3600:
                colour = "yellow"
        return text, colour

    def nip_problem(self) -> str:
        """The KEY-260 message when the key in use does not fit the company NIP, else ""."""
        if self.demo_mode or self.key_number is None:
            return ""
        try:
            lic = registry.get_license(self.store, self.key_number)
        except LicenseError:
            return ""
        return "" if seats.nip_matches(lic, self.company_nip) else str(seats.nip_mismatch(lic, self.company_nip))

    def status_line(self) -> str:
        return self.status()[0]

    def activation_warning(self) -> str:
        """KEY-247: shown when a dated activation has less than 2 hours left."""
        for v in self.keys():
            if v.active_until and 0 < v.active_until - self.clock() < 2 * 3600:
                left = int(v.active_until - self.clock())
                return _("Aktywacja klucza {nr_klucza} wygasa za {czas}. Aby dalej pracować, wygeneruj żądanie "
                         "aktywacji (Ctrl+F6) i przekaż je producentowi.").format(
                    nr_klucza=v.key_number, czas=f"{left // 3600} h {left % 3600 // 60} min")
        return ""


class SessionSeats:
    """The app-side adapter (tui/seats.py contract): enter_module/leave_module return or take a module code,
    refusals come back as the Polish message instead of an exception."""

    def __init__(self, manager: KeyManager):
        self.manager = manager

    def enter_module(self, module_code: str) -> str | None:
        try:
            self.manager.acquire(module_code)
        except LicenseError as exc:
            return str(exc)
        return None

    def leave_module(self, module_code: str) -> None:
        with contextlib.suppress(LicenseError):
            self.manager.release(module_code)

    def status_line(self) -> str:
        try:
            return self.manager.status_line()
        except LicenseError as exc:
            return str(exc)

    def heartbeat(self) -> str | None:
        """Call every manager.heartbeat_s seconds; returns a message when modules were lost."""
        try:
            lost = self.manager.heartbeat()
        except LicenseError as exc:
            return str(exc)
        return self.manager.lost_message(lost) if lost else None

    def touch(self) -> None:
        self.manager.touch()

    def close(self) -> None:
        self.manager.close()
