"""The seat pool (KEY-235 … KEY-243): lease rows in the key store, heartbeat, idle release, named seats.

A row is one (instance, key, module). A seat is taken by a connection group (host + OS user +
SSH_CONNECTION): several starts in one group share one seat (KEY-53). Rows die when their lease
is not renewed by a heartbeat for `lease_s` (a killed process) or when the session shows no
activity for `idle_release_s` (idle release, KEY-55); named assignments never die (KEY-68).

Rows are written by every session, so anyone who can run Filia can also write them by hand. A row
therefore proves nothing by itself: of the groups holding a module, only the first `seats` (by their
oldest row) hold it, at checkout and at every heartbeat; a row slipped in by hand can at most push a
session out of the pool, never add a seat (issue 15 item 2).
"""
from __future__ import annotations

import hashlib
import os
import socket
import uuid
from dataclasses import dataclass, field

from stdnum.pl import nip as stdnip

from keys.errors import ClockRollback, KeyRemovalRefused, LicenseError, NipMismatch, SeatRefused
from keys.evaluate import KeyView, evaluate
from keys.i18n import _
from keys.license_file import License


@dataclass(frozen=True)
class Identity:
    """Who asks for seats: one running Filia process (or the exchange service, kind='service')."""
    operator: str
    os_user: str
    host: str
    connection: str
    pid: int
    company_db: str = ""
    kind: str = "session"
    instance_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def group_id(self) -> str:
        return group_id(self.host, self.os_user, self.connection)


def group_id(host: str, os_user: str, connection: str) -> str:
    """KEY-235: sha256(host \n os_user \n SSH_CONNECTION or 'local')."""
    return hashlib.sha256(f"{host}\n{os_user}\n{connection}".encode()).hexdigest()


def make_identity(operator: str, *, connection: str | None = None, host: str | None = None,
                  os_user: str | None = None, company_db: str = "", kind: str = "session") -> Identity:
    # SSH_CONNECTION is the user's to set: it can merge or split the groups of one OS user, never reach
    # another user's group, because the OS user comes from the process's uid (issue 15 item 5).
    conn = connection if connection is not None else (os.environ.get("SSH_CONNECTION") or "local")
    from keys.store import os_user_name

    user = os_user or os_user_name()
    return Identity(operator=operator or "", os_user=user, host=host or socket.gethostname(), connection=conn,
                    pid=os.getpid(), company_db=company_db, kind=kind)


@dataclass(frozen=True)
class SeatRow:
    key_number: str
    module_number: int
    module_code: str
    group_id: str
    instance_id: str
    kind: str
    operator: str
    os_user: str
    host: str
    connection: str
    pid: int
    company_db: str
    started_at: float
    refreshed_at: float

    def holder(self) -> str:
        conn = _("lokalne") if self.connection == "local" else self.connection.split(" ")[0]
        who = self.operator or self.os_user
        return f"{who} ({self.os_user}@{self.host}, {conn})"


@dataclass
class CheckoutResult:
    granted: list[str] = field(default_factory=list)
    refused: dict[str, LicenseError] = field(default_factory=dict)


_SEAT_COLS = ("key_number, module_number, module_code, group_id, instance_id, kind, operator, os_user, host, "
              "connection, pid, company_db, started_at, refreshed_at")


def purge(ks, cur, now: float) -> int:
    """KEY-239: drop rows whose lease ran out or whose session was idle too long, and rows stamped in the
    future (a process with a clock far ahead must not hold a seat until that date)."""
    from keys.clock import TOLERANCE_S

    lease, idle = ks.setting_int("lease_s", cur), ks.setting_int("idle_release_s", cur)
    cur.execute("DELETE FROM keys_seat WHERE refreshed_at < ? OR (kind != 'service' AND active_at < ?) "
                "OR refreshed_at > ? OR active_at > ?", (now - lease, now - idle, now + TOLERANCE_S, now + TOLERANCE_S))
    return cur.rowcount


def pool_groups(cur, key_number: str, module_number: int) -> list[str]:
    """Groups holding a (non-named) module, oldest first; the first `seats` of them hold it."""
    return [g for (g,) in cur.execute(
        "SELECT group_id FROM keys_seat WHERE key_number = ? AND module_number = ? AND kind != 'named' "
        "GROUP BY group_id ORDER BY MIN(id)", (key_number, module_number))]


def named_identities(cur, key_number: str, module_number: int) -> list[str]:
    """Named assignments, oldest first; the first `seats` of them hold a seat."""
    return [i for (i,) in cur.execute(
        "SELECT identity FROM keys_named_seat WHERE key_number = ? AND module_number = ? "
        "ORDER BY assigned_at, rowid", (key_number, module_number))]


def _capacity(cur, key_number: str, module) -> int:
    return max(0, module.seats - min(module.seats, len(named_identities(cur, key_number, module.number))))


def holds(cur, key_number: str, module, group: str, named_identity: str | None) -> bool:
    """Does this group (or named identity) hold a seat of the module now, by rank?"""
    if module.named:
        return named_identity is not None and named_identity in named_identities(cur, key_number, module.number)[
            :module.seats]
    return group in pool_groups(cur, key_number, module.number)[:_capacity(cur, key_number, module)]


def held_counts(cur, key_number: str) -> dict[int, int]:
    """Distinct groups holding each module plus its assigned named seats (KEY-236)."""
    counts: dict[int, int] = {}
    for number, n in cur.execute("SELECT module_number, COUNT(DISTINCT group_id) FROM keys_seat WHERE key_number = ? "
                                 "AND kind != 'named' GROUP BY module_number", (key_number,)):
        counts[number] = n
    for number, n in cur.execute("SELECT module_number, COUNT(*) FROM keys_named_seat WHERE key_number = ? "
                                 "GROUP BY module_number", (key_number,)):
        counts[number] = counts.get(number, 0) + n
    return counts


def view(ks, cur, now: float, lic: License) -> KeyView:
    """The evaluated key (KEY-230); a license issued after `now` means the clock is behind the vendor's."""
    from keys.clock import TOLERANCE_S, rollback_message

    issued = issued_epoch(lic.issued_at)
    if issued is not None and now < issued - TOLERANCE_S:
        raise ClockRollback(rollback_message(now, issued))
    return evaluate(lic, ks.activation_state(lic.key_number, cur), ks.setting("installation_id", cur) or "",
                    ks.today(now, cur), now, ks.release_date, held_counts(cur, lic.key_number))


def issued_epoch(issued_at: str) -> float | None:
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(issued_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).timestamp()


def nip_matches(lic: License, company_nip: str | None) -> bool:
    """KEY-259: only firm and multi-firm keys are checked; an empty or invalid stamp NIP fails."""
    if lic.key_type not in ("firm", "multi_firm"):
        return True
    compact = stdnip.compact(company_nip or "")
    return bool(compact) and stdnip.is_valid(compact) and compact in lic.nips


def nip_mismatch(lic: License, company_nip: str | None) -> NipMismatch:
    expected = ", ".join(lic.nips)
    msg = _("Numer NIP firmy ({nip_firmy}) jest niezgodny z numerem NIP zapisanym w kluczu {nr_klucza} "
            "({nip_klucza}). Moduły z tego klucza nie zostaną pobrane. Możesz poprawić NIP w pieczątce firmy "
            "(wymaga uprawnień administratora) albo wskazać inny klucz. Zmiana NIP musi być zgodna z warunkami "
            "licencji: wolno użyć tylko numeru NIP, do którego firma ma prawo.").format(
        nip_firmy=company_nip or "—", nr_klucza=lic.key_number, nip_klucza=expected)
    return NipMismatch(msg, key_number=lic.key_number, expected=lic.nips, company_nip=company_nip or "")


def _holders(cur, key_number: str, number: int, named: bool) -> tuple[str, ...]:
    if named:
        return tuple(r[0] for r in cur.execute("SELECT identity FROM keys_named_seat WHERE key_number = ? AND "
                                               "module_number = ? ORDER BY assigned_at", (key_number, number)))
    rows = [SeatRow(*r) for r in cur.execute(f"SELECT {_SEAT_COLS} FROM keys_seat WHERE key_number = ? AND "
                                             "module_number = ? ORDER BY started_at", (key_number, number))]
    seen: dict[str, str] = {}
    for r in rows:
        seen.setdefault(r.group_id, r.holder())
    return tuple(seen.values())


def no_seat_error(lic: License, code: str, name: str, used: int, total: int, holders: tuple[str, ...]) -> SeatRefused:
    msg = _("Brak wolnej licencji modułu {moduł} w kluczu {nr_klucza}: zajęte {zajęte} z {ilość}. Moduł nie będzie "
            "dostępny w tej sesji.").format(moduł=name, nr_klucza=lic.key_number, zajęte=used, ilość=total)
    if holders:
        msg += " " + _("Licencje zajmują: {kto}.").format(kto="; ".join(holders))
    return SeatRefused(msg, module=code, holders=holders)


def checkout(ks, lic: License, codes: list[str], ident: Identity, *, company_nip: str | None,
             named_identity: str | None = None) -> CheckoutResult:
    """KEY-236: one transaction; each module granted or refused on its own."""
    result = CheckoutResult()
    with ks.transaction() as (cur, now):
        purge(ks, cur, now)
        if not nip_matches(lic, company_nip):
            err = nip_mismatch(lic, company_nip)
            result.refused = {code: err for code in codes}
            ks.event(cur, now, ident.operator or ident.os_user, "nip_mismatch", lic.key_number, company_nip or "")
            return result
        kv = view(ks, cur, now, lic)
        for code in codes:
            mod, mv = lic.module(code), kv.module(code)
            if mod is None or mv is None:
                result.refused[code] = SeatRefused(_("Moduł {moduł} w kluczu {nr_klucza} jest niedostępny: {powód}.")
                                                   .format(moduł=code, nr_klucza=lic.key_number,
                                                           powód=_("klucz nie zawiera tego modułu")), module=code)
                continue
            if not mv.usable:
                result.refused[code] = SeatRefused(_("Moduł {moduł} w kluczu {nr_klucza} jest niedostępny: {powód}.")
                                                   .format(moduł=mod.name, nr_klucza=lic.key_number, powód=mv.reason),
                                                   module=code)
                continue
            args = (lic.key_number, mod.number, code, ident.group_id, ident.instance_id)
            if mod.named:
                identity = named_identity or (ident.operator if mod.named_by == "operator" else ident.host)
                assigned = named_identities(cur, lic.key_number, mod.number)
                if identity and identity not in assigned and len(assigned) < mod.seats and mv.seats_initial:
                    cur.execute("INSERT INTO keys_named_seat VALUES (?, ?, ?, ?, ?)",
                                (lic.key_number, mod.number, identity, now, now))
                    ks.event(cur, now, identity, "named_assign", lic.key_number, code)
                    assigned.append(identity)
                if not identity or identity not in assigned[:mv.seats_initial]:
                    result.refused[code] = no_seat_error(lic, code, mod.name, mv.held, mv.seats_initial,
                                                         _holders(cur, lic.key_number, mod.number, True))
                    continue
                cur.execute("UPDATE keys_named_seat SET last_used_at = ? WHERE key_number = ? AND module_number = ? "
                            "AND identity = ?", (now, lic.key_number, mod.number, identity))
                _insert(cur, args, "named", ident, now)
                result.granted.append(code)
                continue
            groups = pool_groups(cur, lic.key_number, mod.number)
            capacity = min(mv.seats_initial, _capacity(cur, lic.key_number, mod))
            if ident.group_id in groups[:capacity] or (ident.group_id not in groups and len(groups) < capacity):
                _insert(cur, args, ident.kind, ident, now)
                result.granted.append(code)
            else:
                result.refused[code] = no_seat_error(lic, code, mod.name, mv.held, mv.seats_initial,
                                                     _holders(cur, lic.key_number, mod.number, False))
    return result


def _insert(cur, args, kind: str, ident: Identity, now: float) -> None:
    cur.execute("INSERT INTO keys_seat(key_number, module_number, module_code, group_id, instance_id, kind, operator, "
                "os_user, host, connection, pid, company_db, started_at, refreshed_at, active_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(instance_id, key_number, module_number) DO UPDATE SET refreshed_at = excluded.refreshed_at, "
                "active_at = excluded.active_at",
                (*args, kind, ident.operator, ident.os_user, ident.host, ident.connection, ident.pid,
                 ident.company_db, now, now, now))


def heartbeat(ks, ident: Identity, *, active_at: float | None = None,
              named: dict[str, str] | None = None) -> set[tuple[str, str]]:
    """KEY-237: renew this instance's lease; return the (key, module) rows it still holds. The activity time
    is written first and the purge runs before the lease is renewed, so a session that was idle, or stopped
    longer than the lease, loses its rows here too. Rows that no longer rank within the seats are given back."""
    with ks.transaction() as (cur, now):
        if active_at is not None:
            cur.execute("UPDATE keys_seat SET active_at = MAX(active_at, ?) WHERE instance_id = ?",
                        (min(active_at, now), ident.instance_id))
        purge(ks, cur, now)
        cur.execute("UPDATE keys_seat SET refreshed_at = ? WHERE instance_id = ?", (now, ident.instance_id))
        mine = cur.execute("SELECT key_number, module_number, module_code FROM keys_seat WHERE instance_id = ?",
                           (ident.instance_id,)).fetchall()
        licenses: dict[str, License | None] = {}
        still: set[tuple[str, str]] = set()
        for key_number, number, code in mine:
            if key_number not in licenses:
                from keys.registry import get_license

                try:
                    licenses[key_number] = get_license(ks, key_number, cur)
                except LicenseError:
                    licenses[key_number] = None
            lic = licenses[key_number]
            mod = next((m for m in lic.modules if m.number == number), None) if lic else None
            if mod is not None and holds(cur, key_number, mod, ident.group_id, (named or {}).get(code)):
                still.add((key_number, code))
            else:
                cur.execute("DELETE FROM keys_seat WHERE instance_id = ? AND key_number = ? AND module_number = ?",
                            (ident.instance_id, key_number, number))
        return still


def release(ks, instance_id: str, key_number: str | None = None, codes: list[str] | None = None) -> int:
    """KEY-238: delete this instance's rows (all, or the given modules). Works even with a wrong clock."""
    with ks.transaction(check_clock=False) as (cur, _now):
        if codes is None:
            cur.execute("DELETE FROM keys_seat WHERE instance_id = ?", (instance_id,))
        else:
            cur.execute("DELETE FROM keys_seat WHERE instance_id = ? AND key_number = ? AND module_code IN (%s)"
                        % ",".join("?" * len(codes)), (instance_id, key_number, *codes))
        return cur.rowcount


def release_group(ks, key_number: str, group: str, *, actor: str) -> int:
    """KEY-241: the administrator frees a group's seats; refused for service rows; named assignments stay."""
    with ks.transaction() as (cur, now):
        if cur.execute("SELECT 1 FROM keys_seat WHERE key_number = ? AND group_id = ? AND kind = 'service'",
                       (key_number, group)).fetchone():
            raise KeyRemovalRefused(_("Modułów pobranych przez usługę wymiany danych nie można zwolnić w tym "
                                      "miejscu. Zatrzymaj usługę, aby je zwolnić."), rule="KEY-241")
        cur.execute("DELETE FROM keys_seat WHERE key_number = ? AND group_id = ? AND kind != 'named'",
                    (key_number, group))
        n = cur.rowcount
        ks.event(cur, now, actor, "release", key_number, group)
        return n


def seat_rows(cur, key_number: str | None = None) -> list[SeatRow]:
    sql = f"SELECT {_SEAT_COLS} FROM keys_seat"
    args: tuple = ()
    if key_number:
        sql, args = sql + " WHERE key_number = ?", (key_number,)
    return [SeatRow(*r) for r in cur.execute(sql + " ORDER BY key_number, module_number, started_at", args)]


def named_rows(cur, key_number: str | None = None) -> list[tuple]:
    sql = "SELECT key_number, module_number, identity, assigned_at, last_used_at FROM keys_named_seat"
    if key_number:
        return cur.execute(sql + " WHERE key_number = ? ORDER BY module_number", (key_number,)).fetchall()
    return cur.execute(sql + " ORDER BY key_number, module_number").fetchall()
