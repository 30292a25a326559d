"""The key list: add, replace, remove a license; request and apply activation codes (KEY-212, KEY-253, KEY-255,
KEY-245 … KEY-249)."""
from __future__ import annotations

import re

from keys import activation as act
from keys.errors import ActivationError, AddKeyRefused, KeyRemovalRefused, LicenseFileError
from keys.evaluate import KeyView
from keys.i18n import _
from keys.license_file import License, check_pin, verify
from keys.seats import purge, view

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
        issued = _issued_epoch(lic.issued_at)
        if issued is not None and now < issued - ks.setting_int("clock_tolerance_s", cur):
            from keys.clock import rollback_message
            from keys.errors import ClockRollback

            raise ClockRollback(rollback_message(now, issued))
        row = cur.execute("SELECT serial, file_text, client_id, license_id FROM keys_license WHERE key_number = ?",
                          (lic.key_number,)).fetchone()
        outcome = "added"
        if row is not None:
            serial, old_text, old_client, old_id = row
            if old_text.strip() == text.strip():
                return lic, "same"
            if lic.serial <= serial or old_client != lic.client_id:
                raise AddKeyRefused(_("Ten plik licencji jest starszy niż plik już wczytany dla klucza {nr_klucza} "
                                      "(wersja {serial} ≤ {serial_zapisany}). Plik nie został wczytany.").format(
                    nr_klucza=lic.key_number, serial=lic.serial, serial_zapisany=serial), rule="KEY-212")
            cur.execute("INSERT OR REPLACE INTO keys_license_history VALUES (?, ?, ?, ?, ?)",
                        (old_id, lic.key_number, serial, old_text, now))
            cur.execute("UPDATE keys_license SET serial = ?, license_id = ?, file_text = ?, added_at = ?, "
                        "added_by = ? WHERE key_number = ?",
                        (lic.serial, lic.license_id, text, now, actor, lic.key_number))
            outcome = "replaced"
        else:
            cur.execute("INSERT INTO keys_license VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (lic.key_number, lic.serial, lic.license_id, text, lic.client_id, (email or "").strip(),
                         now, actor))
        if email and not ks.setting("admin_email", cur):
            cur.execute("INSERT OR REPLACE INTO keys_setting(name, value) VALUES ('admin_email', ?)", (email.strip(),))
        ks.event(cur, now, actor, outcome, lic.key_number, f"serial={lic.serial}")
    return lic, outcome


def _issued_epoch(issued_at: str) -> float | None:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(issued_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


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


def get_license(ks, key_number: str) -> License:
    for number, lic, _meta in ks.license_rows():
        if number == key_number:
            if isinstance(lic, str):
                raise LicenseFileError(lic)
            return lic
    raise AddKeyRefused(_("Nie znaleziono klucza {nr_klucza}.").format(nr_klucza=key_number), rule="KEY-257")


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
                       identity: str | None = None, actor: str = "") -> str:
    """KEY-245: a new request code; its nonce replaces any open one."""
    get_license(ks, key_number)
    kind = act.RESET if module_number is not None else (act.TEMPORARY if temporary else act.FULL)
    with ks.transaction() as (cur, now):
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
    """KEY-246: check the response code in order; on success write the activation in one transaction."""
    resp = act.parse_response(code)
    if resp.key_number != key_number:
        raise act.invalid_code()
    act.verify_response(resp, ks.installation_id, ks.trusted_keys)
    lic = get_license(ks, key_number)
    with ks.transaction() as (cur, now):
        row = cur.execute("SELECT open_request_nonce FROM keys_activation WHERE key_number = ?",
                          (key_number,)).fetchone()
        used = cur.execute("SELECT 1 FROM keys_code_used WHERE code_hash = ?", (act.code_hash(resp),)).fetchone()
        if used or row is None or row[0] != resp.nonce.hex():
            raise ActivationError(_("Kod aktywacyjny dotyczy wcześniejszego żądania albo został już wykorzystany. "
                                    "Wygeneruj nowe żądanie (Ctrl+F6)."))
        until = resp.valid_until_min * 60 if resp.valid_until_min else None
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
        cur.execute("UPDATE keys_activation SET kind = ?, valid_until = ?, installation_id = ?, "
                    "open_request_nonce = NULL, applied_at = ?, applied_by = ? WHERE key_number = ?",
                    (kind, until, ks.installation_id, now, actor, key_number))
        ks.event(cur, now, actor, "activate", key_number, kind)
        return view(ks, cur, now, lic)
