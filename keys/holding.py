"""Seats held by one running session, kept honest while it runs (KEY-234, KEY-237 … KEY-241, issue 15 items 3-4).

A session counts what it uses (refcounts per module). What it lost is remembered with the reason:

- `lapsed`: its rows went away by idle release, a lease that ran out while the process was stopped, or a
  row pushed out of the pool; its next piece of work takes the seat again (START first), or is refused with
  the names of those who hold the seats now;
- `released`: the administrator released its group (KEY-241) or removed the key; never taken back;
- `expired`: a re-evaluation (every 2 hours, and at the first heartbeat after the company's midnight) found
  the module unusable (subscription or time limit ended, activation ended, NIP changed); its row is given
  back and new work is refused with the KEY-240 reason until a checkout succeeds again.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

from keys import registry, seats
from keys.errors import LicenseError, SeatRefused
from keys.i18n import _

BASE_MODULE = "START"      # KEY-263: required for any login; a candidate key must hold it (KEY-261)
REEVALUATE_S = 2 * 3600    # KEY-234 / KEY-99


@dataclass(frozen=True)
class Loss:
    kind: str           # lapsed | released | expired
    message: str = ""   # for expired: the KEY-240 reason


class SeatHolding:
    """Mixin of KeyManager: needs self.store, self.identity, self.clock, self._lock, self.key_number,
    self.company_nip, self.demo_mode, self.broken, self.problem, self.heartbeat_s."""

    def init_holding(self) -> None:
        self._held: dict[tuple[str, str], int] = {}
        self._lost: dict[tuple[str, str], Loss] = {}
        self._since: dict[tuple[str, str], float] = {}
        self._named: dict[str, str] = {}
        self._last_activity = self.clock()
        self._last_beat = self.clock()
        self._evaluated: tuple[float, object] | None = None   # (when, company date)

    # --- taking and giving back ------------------------------------------------------------------

    def acquire(self, module_code: str, *, named_identity: str | None = None) -> None:
        """Check a module out for this session (refcounted); raises a LicenseError when refused.
        A session that lost its base module takes it back first (or is refused)."""
        if self.broken:
            from keys.errors import KeyStoreError

            raise KeyStoreError(self.problem)
        if self.demo_mode:
            return
        with self._lock:
            key = self.key_number
            if key is None:
                from keys.demo import demo_reason_no_license

                raise SeatRefused(demo_reason_no_license(), module=module_code)
            self._last_activity = self.clock()  # opening a module screen is activity
            base = (key, BASE_MODULE)
            if module_code != BASE_MODULE and base in self._lost:
                self._take_back(base)
            ref = (key, module_code)
            if ref in self._held:
                if ref in self._lost:
                    self._take_back(ref)
                self._held[ref] += 1
                return
            self._checkout(ref, named_identity)
            self._held[ref] = 1

    def _checkout(self, ref: tuple[str, str], named_identity: str | None) -> None:
        key, code = ref
        lic = registry.get_license(self.store, key)
        mod = lic.module(code)
        if mod is not None and mod.named:
            named_identity = named_identity or (self.identity.operator if mod.named_by == "operator"
                                                else self.identity.host)
        result = seats.checkout(self.store, lic, [code], self.identity, company_nip=self.company_nip,
                                named_identity=named_identity)
        if code in result.refused:
            raise result.refused[code]
        if mod is not None and mod.named:
            self._named[code] = named_identity
        self._since[ref] = self.clock()
        self._mark_evaluated()

    def _take_back(self, ref: tuple[str, str]) -> None:
        """Lapsed or expired: check out again; released by the administrator: never (KEY-241)."""
        loss = self._lost[ref]
        if loss.kind == "released":
            raise SeatRefused(self.lost_message([ref[1]], "released"), module=ref[1])
        try:
            self._checkout(ref, self._named.get(ref[1]))
        except SeatRefused as exc:
            if loss.kind != "lapsed":
                raise
            raise SeatRefused(_("Licencja modułu {moduł} tej sesji została zwolniona z powodu bezczynności albo "
                                "przerwy w pracy programu i nie można jej pobrać ponownie.").format(moduł=ref[1])
                              + " " + str(exc), module=ref[1], holders=exc.holders) from None
        del self._lost[ref]

    def release(self, module_code: str) -> None:
        if self.demo_mode and not self._held:
            return
        with self._lock:
            for ref in [r for r in self._held if r[1] == module_code]:
                self._held[ref] -= 1
                if self._held[ref] <= 0:
                    self._forget(ref)
                    seats.release(self.store, self.identity.instance_id, ref[0], [module_code])

    def _forget(self, ref) -> None:
        for table in (self._held, self._lost, self._since):
            table.pop(ref, None)

    @contextlib.contextmanager
    def checkout(self, module_code: str, *, named_identity: str | None = None):
        """Hold a seat of `module_code` while the block (a module screen) runs."""
        self.acquire(module_code, named_identity=named_identity)
        try:
            yield self
        finally:
            self.release(module_code)

    def held(self) -> set[str]:
        """Modules this session holds now (lost ones excluded)."""
        return {code for ref in self._held if ref not in self._lost for code in (ref[1],)}

    def losses(self) -> dict[str, Loss]:
        return {code: loss for (_k, code), loss in self._lost.items()}

    def release_all(self, key_number: str | None = None) -> None:
        if self.store is None or not self._held:
            return  # nothing taken: no transaction (a locked store would only make closing wait)
        with self._lock:
            refs = [r for r in self._held if key_number in (None, r[0])]
            for ref in refs:
                self._forget(ref)
        if key_number is None:
            seats.release(self.store, self.identity.instance_id)
        elif refs:
            seats.release(self.store, self.identity.instance_id, key_number, [code for _k, code in refs])

    # --- while the session runs --------------------------------------------------------------------

    def touch(self) -> None:
        """Record user activity (no I/O); the next heartbeat carries it (idle release, KEY-55)."""
        self._last_activity = self.clock()

    def heartbeat(self) -> list[str]:
        """KEY-237/KEY-241/KEY-234: renew the lease, learn what was lost and why, re-evaluate when due.
        Returns the module codes lost since the last heartbeat (the app tells the operator)."""
        if self.store is None or not self._held:
            return []
        still = seats.heartbeat(self.store, self.identity, active_at=self._last_activity, named=self._named)
        now = self.clock()
        self._last_beat = now
        newly = self._record_losses(still)
        if self._reevaluation_due(now):
            newly += self._reevaluate()
        return newly

    def heartbeat_due(self) -> bool:
        return self.store is not None and bool(self._held) and self.clock() - self._last_beat >= self.heartbeat_s

    def _released_by_admin(self, ref) -> bool:
        key, _code = ref
        since = self._since.get(ref, 0.0)
        return bool(self.store.read(
            "SELECT 1 FROM keys_event WHERE key_number = ? AND at >= ? AND "
            "((kind = 'release' AND detail = ?) OR kind = 'remove') LIMIT 1",
            (key, since, self.identity.group_id)))

    def _mark_evaluated(self) -> None:
        now = self.clock()
        self._evaluated = (now, self.store.today(now))

    def _reevaluation_due(self, now: float) -> bool:
        if self._evaluated is None:
            return True
        when, day = self._evaluated
        return now - when >= REEVALUATE_S or self.store.today(now) != day

    def _reevaluate(self) -> list[str]:
        """Held modules that became unusable are given back and remembered as expired (KEY-234)."""
        self._mark_evaluated()
        views = {v.key_number: v for v in registry.key_views(self.store)}
        expired = []
        with self._lock:
            for ref in [r for r in self._held if r not in self._lost]:
                key, code = ref
                reason = self._unusable_reason(views.get(key), key, code)
                if reason:
                    self._lost[ref] = Loss("expired", reason)
                    expired.append(ref)
        for key, code in expired:
            seats.release(self.store, self.identity.instance_id, key, [code])
        return [code for _k, code in expired]

    def _unusable_reason(self, view, key: str, code: str) -> str:
        if view is None:
            return _("Moduł {moduł} w kluczu {nr_klucza} jest niedostępny: {powód}.").format(
                moduł=code, nr_klucza=key, powód=_("klucz nie jest aktywny"))
        try:
            lic = registry.get_license(self.store, key)
        except LicenseError as exc:
            return str(exc)
        if not seats.nip_matches(lic, self.company_nip):
            return str(seats.nip_mismatch(lic, self.company_nip))
        mv = view.module(code)
        if mv is None or not mv.usable:
            reason = mv.reason if mv is not None else _("klucz nie zawiera tego modułu")
            return _("Moduł {moduł} w kluczu {nr_klucza} jest niedostępny: {powód}.").format(
                moduł=mv.name if mv is not None else code, nr_klucza=key, powód=reason)
        return ""

    def ensure(self, codes: list[str]) -> None:
        """Before new work: heartbeat when one is due (a process just resumed from SIGSTOP learns its lease
        ran out here), then take back what was lost, START first; raises a LicenseError when refused."""
        if self.demo_mode or self.store is None:
            return
        if self.heartbeat_due():
            self.heartbeat()
        else:
            self._notice_taken()
        key = self.key_number
        wanted = [BASE_MODULE] + [c for c in codes if c != BASE_MODULE]
        with self._lock:
            for code in wanted:
                ref = (key, code)
                if ref in self._lost:
                    self._take_back(ref)

    def _notice_taken(self) -> None:
        """A row another session's purge removed since the last heartbeat is a loss now, not at the next beat
        (up to heartbeat_s later): new work must not start on a seat someone else holds. One read, no write."""
        if self._held:
            self._record_losses(set(self.store.read(
                "SELECT key_number, module_code FROM keys_seat WHERE instance_id = ?", (self.identity.instance_id,))))

    def _record_losses(self, present: set) -> list[str]:
        """Held seats whose rows are not in `present` are lost (released by the administrator, or lapsed);
        returns the codes lost just now."""
        newly = []
        with self._lock:
            for ref in self._held:
                if ref not in present and ref not in self._lost:
                    self._lost[ref] = Loss("released" if self._released_by_admin(ref) else "lapsed")
                    newly.append(ref[1])
        return newly

    # --- messages ----------------------------------------------------------------------------------

    def lost_message(self, codes: list[str], kind: str | None = None) -> str:
        """What the operator is told about lost modules; says which of the reasons it was."""
        kinds = {kind} if kind else {self.losses().get(c, Loss("released")).kind for c in codes}
        if kinds == {"expired"}:
            return " ".join(dict.fromkeys(self.losses()[c].message for c in codes if c in self.losses()))
        if "released" in kinds:
            return _("Administrator zwolnił moduły tej sesji ({moduły}). Zaloguj się ponownie, aby z nich "
                     "korzystać.").format(moduły=", ".join(codes))
        return _("Licencja modułów tej sesji ({moduły}) została zwolniona z powodu bezczynności albo przerwy w "
                 "pracy programu. Przy następnej czynności program spróbuje pobrać ją ponownie.").format(
            moduły=", ".join(codes))
