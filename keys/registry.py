"""The key list: add, replace, remove a license; request and apply activation codes (KEY-212, KEY-253, KEY-255,
KEY-245 … KEY-249)."""
from __future__ import annotations

import re

from keys import activation as act
from keys.clock import TOLERANCE_S, rollback_message
from keys.errors import ActivationError, AddKeyRefused, ClockRollback, KeyRemovalRefused, LicenseFileError
from keys.evaluate import KeyView
from keys.i18n import _
from keys.license_file import License, check_pin, verify
from keys.seats import issued_epoch, purge, view

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_add(ks, text: str, *, client_id: str, pin: str, key_number: str, email: str | None) -> License:
    """KEY-253 checks in order; the first failure refuses."""
    lic = verify(text, ks.trusted_keys)
    if key_number.strip() != lic.key_number:
        raise AddKeyRefused(_("Numer klucza nie zgadza się z plikiem licencji."))
    if client_id.strip() != lic.client_id:
        raise AddKeyRefused(_("ID Klienta nie zgadza się z plikiem licencji."))
    if not check_pin(pin, lic.pin_hash):
        raise AddKeyRefused(_("Nieprawidłowy PIN dla klucza {nr_klucza}.").format(nr_klucza=lic.key_number))
    if email and not EMAIL_RE.match(email.strip()):
        raise AddKeyRefused(_("Nieprawidłowy adres e-mail."))
    return lic


def add_license(ks, text: str, *, client_id: str, pin: str, key_number: str, email: str | None = None,
                actor: str) -> tuple[License, str]:
    """Store a license (or replace it by a higher serial, KEY-212). Returns (license, 'added'|'replaced'|'same')."""
    lic = check_add(ks, text, client_id=client_id, pin=pin, key_number=key_number, email=email)
    with ks.transaction() as (cur, now):
        issued = issued_epoch(lic.issued_at)
        if issued is not None and now < issued - TOLERANCE_S:
            raise ClockRollback(rollback_message(now, issued))
        row = cur.execute("SELECT file_text, license_id FROM keys_license WHERE key_number = ?",
                          (lic.key_number,)).fetchone()
        outcome = "added"
        if row is not None and row[0].strip() == text.strip():
            return lic, "same"
        current = ks.verified(row[0]) if row is not None else None
        seen, seen_texts = highest_serial(ks, cur, lic.key_number)
        older = seen is not None and (lic.serial < seen or lic.serial == seen and text.strip() not in seen_texts)
        if older or isinstance(current, License) and current.client_id != lic.client_id:
            raise AddKeyRefused(_("Ten plik licencji jest starszy niż plik już wczytany dla klucza {nr_klucza} "
                                  "(wersja {serial} ≤ {serial_zapisany}). Plik nie został wczytany.").format(
                nr_klucza=lic.key_number, serial=lic.serial, serial_zapisany=seen if seen is not None else lic.serial),
                rule="KEY-212")
        if row is not None:
            old_serial = current.serial if isinstance(current, License) else 0
            cur.execute("INSERT OR REPLACE INTO keys_license_history VALUES (?, ?, ?, ?, ?)",
                        (row[1], lic.key_number, old_serial, row[0], now))
            cur.execute("UPDATE keys_license SET serial = ?, license_id = ?, file_text = ?, client_id = ?, "
                        "added_at = ?, added_by = ? WHERE key_number = ?",
                        (lic.serial, lic.license_id, text, lic.client_id, now, actor, lic.key_number))
            outcome = "replaced"
        else:
            cur.execute("INSERT INTO keys_license VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (lic.key_number, lic.serial, lic.license_id, text, lic.client_id, (email or "").strip(),
                         now, actor))
        if email and not ks.setting("admin_email", cur):
            cur.execute("INSERT OR REPLACE INTO keys_setting(name, value) VALUES ('admin_email', ?)", (email.strip(),))
        ks.event(cur, now, actor, outcome, lic.key_number, f"serial={lic.serial}")
    return lic, outcome


def highest_serial(ks, cur, key_number: str) -> tuple[int | None, set[str]]:
    """The highest serial of this key number ever loaded here and the texts that carry it, read from the
    signed texts (current and history: a removed key's files stay in the history, so remove + add cannot
    go back to an older file; the same file may come back)."""
    texts = [r[0] for r in cur.execute("SELECT file_text FROM keys_license WHERE key_number = ? UNION ALL "
                                       "SELECT file_text FROM keys_license_history WHERE key_number = ?",
                                       (key_number, key_number))]
    found = [(lic.serial, text.strip()) for text in texts
             if isinstance(lic := ks.verified(text), License) and lic.key_number == key_number]
    if not found:
        return None, set()
    top = max(serial for serial, _text in found)
    return top, {text for serial, text in found if serial == top}


def key_views(ks) -> list[KeyView]:
    """Every key of the store, evaluated now (runs the idle purge, KEY-239)."""
    out = []
    with ks.transaction() as (cur, now):
        purge(ks, cur, now)
        for key_number, lic, _meta in ks.license_rows(cur):
            if isinstance(lic, License):
                out.append(view(ks, cur, now, lic))
            else:
                out.append(KeyView(key_number=key_number, key_type="", client_id=_meta["client_id"], client_name="",
                                   identification="", nips=(), time_limit=None, state="inactive",
                                   state_label=_("Nieaktywny"), colour="red", active_until=None, usable=False,
                                   modules=(), error=lic))
    return out


def get_license(ks, key_number: str, cur=None) -> License:
    """The verified license of one key (KEY-214: verified at every read)."""
    sql = "SELECT file_text FROM keys_license WHERE key_number = ?"
    rows = cur.execute(sql, (key_number,)).fetchall() if cur is not None else ks.read(sql, (key_number,))
    if not rows:
        raise AddKeyRefused(_("Nie znaleziono klucza {nr_klucza}.").format(nr_klucza=key_number), rule="KEY-257")
    lic = ks.verified(rows[0][0])
    if isinstance(lic, License) and lic.key_number != key_number:
        from keys.license_file import msg_malformed

        lic = msg_malformed()
    if isinstance(lic, str):
        raise LicenseFileError(lic)
    return lic


def remove_key(ks, key_number: str, *, actor: str, own_group: str | None = None) -> str:
    """KEY-255: refused while other groups hold seats; else remove everything of the key; return deactivation code."""
    get_license(ks, key_number)
    with ks.transaction() as (cur, now):
        purge(ks, cur, now)
        groups = {g for (g,) in cur.execute("SELECT DISTINCT group_id FROM keys_seat WHERE key_number = ? AND "
                                            "kind != 'named'", (key_number,))} - {own_group}
        if groups:
            raise KeyRemovalRefused(_("Nie można usunąć klucza {nr_klucza}: jego moduły są pobrane przez {n} "
                                      "użytkowników. Zwolnij je na zakładce Pobrane moduły.").format(
                nr_klucza=key_number, n=len(groups)))
        row = cur.execute("SELECT license_id, serial, file_text FROM keys_license WHERE key_number = ?",
                          (key_number,)).fetchone()
        cur.execute("INSERT OR REPLACE INTO keys_license_history VALUES (?, ?, ?, ?, ?)",
                    (row[0], key_number, row[1], row[2], now))
        for table in ("keys_license", "keys_activation", "keys_seat", "keys_named_seat"):
            cur.execute(f"DELETE FROM {table} WHERE key_number = ?", (key_number,))
        ks.event(cur, now, actor, "remove", key_number, "")
        return act.deactivation_code(key_number, ks.installation_id, now)


def activation_request(ks, key_number: str, *, temporary: bool = False, module_number: int | None = None,
                       identity: str | None = None, clock_reset: bool = False, actor: str = "") -> str:
    """KEY-245: a new request code; its nonce replaces any open one. A clock-reset request works with a
    wrong clock (that is what it is for)."""
    get_license(ks, key_number)
    kind = act.CLOCK if clock_reset else act.RESET if module_number is not None else \
        (act.TEMPORARY if temporary else act.FULL)
    with ks.transaction(check_clock=not clock_reset) as (cur, now):
        req = act.new_request(kind, key_number, ks.installation_id, now, module_number=module_number,
                              identity=identity)
        cur.execute("INSERT INTO keys_activation(key_number, open_request_nonce, open_request_kind) VALUES (?, ?, ?) "
                    "ON CONFLICT(key_number) DO UPDATE SET open_request_nonce = excluded.open_request_nonce, "
                    "open_request_kind = excluded.open_request_kind", (key_number, req.nonce.hex(), kind))
        if kind == act.RESET:
            cur.execute("INSERT OR REPLACE INTO keys_setting(name, value) VALUES (?, ?)",
                        (f"reset_request:{key_number}", f"{module_number}\n{identity}"))
        ks.event(cur, now, actor, "request", key_number, str(kind))
        return act.build_request(req)


def apply_code(ks, key_number: str, code: str, *, actor: str) -> KeyView | None:
    """KEY-246: check the response code in order; on success keep the code itself (it is verified again at
    every evaluation) in one transaction. A CLOCK code sets the clock mark to the vendor's time."""
    resp = act.parse_response(code)
    if resp.key_number != key_number:
        raise act.invalid_code()
    act.verify_response(resp, ks.installation_id, ks.trusted_keys)
    lic = get_license(ks, key_number)
    with ks.transaction(check_clock=resp.kind != act.CLOCK) as (cur, now):
        row = cur.execute("SELECT open_request_nonce, open_request_kind FROM keys_activation WHERE key_number = ?",
                          (key_number,)).fetchone()
        used = cur.execute("SELECT 1 FROM keys_code_used WHERE code_hash = ?", (act.code_hash(resp),)).fetchone()
        if used or row is None or row[0] != resp.nonce.hex() or row[1] != resp.kind:
            raise ActivationError(_("Kod aktywacyjny dotyczy wcześniejszego żądania albo został już wykorzystany. "
                                    "Wygeneruj nowe żądanie (Ctrl+F6)."))
        until = resp.valid_until_min * 60 if resp.valid_until_min else None
        if resp.kind == act.CLOCK:
            from keys.clock import reset_mark

            cur.execute("INSERT INTO keys_code_used VALUES (?, ?)", (act.code_hash(resp), now))
            cur.execute("UPDATE keys_activation SET open_request_nonce = NULL WHERE key_number = ?", (key_number,))
            reset_mark(cur, float(until or 0), ks.mono)
            purge(ks, cur, now)
            ks.event(cur, now, actor, "clock_reset", key_number, str(until))
            return None
        if until is not None and until <= now:
            from keys.clock import fmt_time

            raise ActivationError(_("Kod aktywacyjny wygasł {data}.").format(data=fmt_time(until)))
        cur.execute("INSERT INTO keys_code_used VALUES (?, ?)", (act.code_hash(resp), now))
        if resp.kind == act.RESET:
            spec = ks.setting(f"reset_request:{key_number}", cur) or "\n"
            number, identity = spec.split("\n", 1)
            cur.execute("DELETE FROM keys_named_seat WHERE key_number = ? AND module_number = ? AND identity = ?",
                        (key_number, int(number or 0), identity))
            cur.execute("DELETE FROM keys_setting WHERE name = ?", (f"reset_request:{key_number}",))
            cur.execute("UPDATE keys_activation SET open_request_nonce = NULL WHERE key_number = ?", (key_number,))
            ks.event(cur, now, actor, "reset", key_number, f"{number}:{identity}")
            return None
        kind = "temporary" if resp.kind == act.TEMPORARY else "full"
        cur.execute("UPDATE keys_activation SET kind = ?, valid_until = ?, installation_id = ?, response_code = ?, "
                    "open_request_nonce = NULL, applied_at = ?, applied_by = ? WHERE key_number = ?",
                    (kind, until, ks.installation_id, act.format_code(resp.fields() + resp.signature), now, actor,
                     key_number))
        ks.event(cur, now, actor, "activate", key_number, kind)
        return view(ks, cur, now, lic)
