"""KeyManager: the one small object the application uses (checkout per module screen, status line, DEMO).

    km = KeyManager(store_path, TRUSTED_KEYS, company_nip, operator)
    with km.checkout("HANDEL"):          # raises SeatRefused / NipMismatch / ClockRollback (LicenseError)
        ...                              # the screen runs; the seat is released on leaving
    km.heartbeat()                       # from a timer every km.heartbeat_s seconds; returns modules lost
    km.ensure(["HANDEL"])                # before new work: takes back a lapsed seat or raises (keys.holding)
    km.touch()                           # on user activity (keystroke) — cheap, no I/O
    km.status_line(); km.demo_mode; km.close()

Changing the key list, activations, settings and other groups' seats needs `is_admin` (KEY-251): the TUI
passes the operator's administrator flag, the CLI the key store's owner (keys.cli).
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
from keys.clock import MonotonicSource
from keys.demo import demo_reason_no_license, demo_reason_no_store, demo_status
from keys.errors import AdminRequired, KeyStoreError, LicenseError
from keys.evaluate import KeyView, ModuleView
from keys.holding import BASE_MODULE, SeatHolding
from keys.i18n import _
from keys.license_file import License
from keys.store import KeyStore
from keys.trust import TrustedKeys

__all__ = ["BASE_MODULE", "KeyManager", "SessionSeats"]


class KeyManager(SeatHolding):
    def __init__(self, store_path: str | Path, trusted_keys: TrustedKeys, company_nip: str | None = None,
                 operator: str = "", *, clock: Callable[[], float] = time.time, release_date: dt.date = RELEASE_DATE,
                 key_number: str | None = None, connection: str | None = None, host: str | None = None,
                 os_user: str | None = None, company_db: str = "", kind: str = "session",
                 overrides: dict | None = None, create: bool = True, is_admin: bool = False,
                 monotonic: MonotonicSource | None = None, time_zone: str | None = None):
        self.company_nip = company_nip
        self.operator = operator
        self.is_admin = is_admin
        self.clock = clock
        self.identity = seats.make_identity(operator, connection=connection, host=host, os_user=os_user,
                                            company_db=company_db, kind=kind)
        self._key_number = key_number
        self._lock = threading.Lock()
        self._forced_demo = False
        self._resolved: str | None = None
        self.problem = ""
        self.store_missing = False
        self.init_holding()
        try:
            self.store: KeyStore | None = KeyStore(store_path, trusted_keys=trusted_keys, clock=clock,
                                                   release_date=release_date, create=create, overrides=overrides,
                                                   monotonic=monotonic, time_zone=time_zone)
        except KeyStoreError as exc:
            # KEY-262: only a store that does not exist (and could not be made) means DEMO; one that exists
            # but cannot be used is refused with its message, or deleting it would bypass the pool.
            self.store, self.problem = None, str(exc)
            self.store_missing = not os.path.lexists(store_path)

    # --- mode and key choice ------------------------------------------------------------------

    @property
    def demo_mode(self) -> bool:
        """KEY-262: no key store yet, no license in it, or DEMO chosen after a NIP mismatch."""
        if self._forced_demo:
            return True
        if self.store is None:
            return self.store_missing
        return not self.store.read("SELECT 1 FROM keys_license LIMIT 1")

    @property
    def broken(self) -> bool:
        """The key store exists but cannot be used: everything is refused with `problem`, no DEMO."""
        return self.store is None and not self.store_missing and bool(self.problem)

    def demo_reason(self) -> str:
        if self.broken:
            return self.problem
        if self.store is None:
            return demo_reason_no_store() + (f" ({self.problem})" if self.problem else "")
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

    def set_operator(self, operator: str, *, is_admin: bool = False) -> None:
        """After login / operator change: held rows show the new operator; rights follow the operator."""
        import dataclasses

        self.operator = operator
        self.is_admin = is_admin
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
        if self.broken:
            raise KeyStoreError(self.problem)
        return registry.key_views(self.store) if self.store else []

    def modules(self, key_number: str | None = None) -> list[ModuleView]:
        """Rows of "Dostępne moduły" for one key (default: the key in use), ordered by number (KEY-49)."""
        number = key_number or self.key_number
        return [m for v in self.keys() if v.key_number == number for m in v.modules]

    def seats(self, key_number: str | None = None) -> list[seats.SeatRow]:
        """Rows of "Pobrane moduły" (runs the idle purge)."""
        if self.store is None:
            if self.broken:
                raise KeyStoreError(self.problem)
            return []
        with self.store.transaction() as (cur, now):
            seats.purge(self.store, cur, now)
            return seats.seat_rows(cur, key_number)

    def named_seats(self, key_number: str | None = None) -> list[tuple]:
        if self.store is None:
            return []
        with self.store.transaction() as (cur, _now):
            return seats.named_rows(cur, key_number)

    # --- key list changes ---------------------------------------------------------------------

    def add_license(self, path_or_text: str | Path, *, client_id: str, pin: str, key_number: str,
                    email: str | None = None) -> str:
        """KEY-253/KEY-212; returns 'added', 'replaced' or 'same'."""
        self.require_admin()
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
        self.require_admin()
        self.release_all(key_number)
        self._resolved = None
        return registry.remove_key(self._need_store(), key_number, actor=self.actor,
                                   own_group=self.identity.group_id)

    def release_group(self, key_number: str, group_id: str) -> int:
        self.require_admin()
        return seats.release_group(self._need_store(), key_number, group_id, actor=self.actor)

    def activation_request(self, key_number: str, *, temporary: bool = False, clock_reset: bool = False) -> str:
        self.require_admin()
        return registry.activation_request(self._need_store(), key_number, temporary=temporary,
                                           clock_reset=clock_reset, actor=self.actor)

    def apply_code(self, key_number: str, code: str):
        self.require_admin()
        return registry.apply_code(self._need_store(), key_number, code, actor=self.actor)

    def refresh(self, *, reverify: bool = False) -> None:
        """f5 re-reads, ctrl+f5 re-verifies (KEY-107, KEY-214): every view reads the store and verifies every
        stored license and activation code again, so both only forget the key chosen for this session."""
        self._resolved = None

    def set_setting(self, name: str, value) -> None:
        self.require_admin()
        self._need_store().set_setting(name, value, actor=self.actor)

    def restore_defaults(self) -> None:
        self.require_admin()
        self._need_store().restore_defaults(actor=self.actor)

    def require_admin(self) -> None:
        """KEY-251: keys/ cannot read operators; the caller says whether this actor is an administrator."""
        if not self.is_admin:
            raise AdminRequired(_("Ta funkcja wymaga uprawnień administratora."))

    @property
    def actor(self) -> str:
        return self.operator or self.identity.os_user

    def _need_store(self) -> KeyStore:
        if self.store is None:
            raise KeyStoreError(self.problem)
        return self.store

    def named_reset_request(self, key_number: str, module_number: int, identity: str) -> str:
        """KEY-244: request code (kind 3) for the vendor to reset a named-seat assignment."""
        self.require_admin()
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
        if self.broken:
            return _("Licencja: magazyn kluczy niedostępny"), "red"
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
            from keys.clock import zone

            text += ", " + _("aktywny tymczasowo do {godzina}").format(godzina=dt.datetime.fromtimestamp(
                v.active_until, zone(self.store.time_zone)).strftime("%Y-%m-%d %H:%M"))
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


from keys.session import SessionSeats  # noqa: E402  (the app adapter lives beside)
