"""`filia keys …` sub-commands (KEY-256). The tui layer registers them and passes the trusted keys and
the company NIP; exit codes: 0 success, 1 refused (message on stderr), 2 wrong usage;
`status` exits 0 green, 1 yellow, 2 DEMO or no usable module (KEY-250).

The CLI has no operators (KEY-251): commands that change the key list, activations, settings or other
groups' seats are for the key store file's owner or root, and record the OS user as actor. Write access is
not enough: every user who runs Filia must be able to write the file (seat rows), see docs/decisions.md."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
import time
from pathlib import Path

from keys.errors import LicenseError
from keys.i18n import _
from keys.trust import TrustedKeys

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.allow_abbrev = False  # "--key" of a sub-command must not read as an abbreviation of "--keystore"
    parser.add_argument("--keystore", "--key-store", dest="keystore",
                        help=_("ścieżka magazynu kluczy (domyślnie FILIA_KEYSTORE lub katalog danych użytkownika)"))
    parser.add_argument("--nip", help=_("NIP firmy do sprawdzenia (domyślnie z pieczątki firmy w bazie --db)"))
    sub = parser.add_subparsers(dest="keys_command", metavar="POLECENIE")
    p = sub.add_parser("init", help=_("utwórz magazyn kluczy (bez pytań, można powtarzać)"))
    p.add_argument("--port", type=int)
    p.add_argument("--idle-release", type=int)
    p.add_argument("--log-level", type=int)
    p.add_argument("--time-zone", help=_("strefa czasowa firmy dla dat licencji (domyślnie Europe/Warsaw)"))
    p = sub.add_parser("status", help=_("stan licencji (kod wyjścia 0 zielony, 1 żółty, 2 DEMO)"))
    p.add_argument("--key")
    p.add_argument("--json", action="store_true")
    sub.add_parser("list", help=_("lista kluczy"))
    p = sub.add_parser("add", help=_("dodaj klucz z pliku licencji"))
    p.add_argument("file")
    p.add_argument("--client-id", required=True)
    p.add_argument("--key-number", required=True)
    p.add_argument("--email")
    p.add_argument("--pin-stdin", action="store_true", help=_("czytaj PIN ze standardowego wejścia"))
    p = sub.add_parser("remove", help=_("usuń klucz"))
    p.add_argument("--key", required=True)
    p.add_argument("--yes", action="store_true")
    p = sub.add_parser("seats", help=_("pobrane moduły"))
    p.add_argument("--key")
    p = sub.add_parser("release", help=_("zwolnij moduły grupy połączeń"))
    p.add_argument("--key", required=True)
    p.add_argument("--group", required=True)
    sub.add_parser("update", help=_("aktualizuj moduły: sprawdź ponownie podpisy (Ctrl+F5)"))
    p = sub.add_parser("request", help=_("żądanie aktywacji offline"))
    p.add_argument("--key", required=True)
    p.add_argument("--temporary", action="store_true")
    p.add_argument("--clock", action="store_true",
                   help=_("żądanie kodu producenta ustawiającego znacznik czasu (zegar przestawiony w przyszłość)"))
    p.add_argument("--output", help=_("zapisz żądanie do pliku"))
    p = sub.add_parser("activate", help=_("zastosuj kod aktywacyjny"))
    p.add_argument("--key", required=True)
    p.add_argument("code", nargs="?")
    p.add_argument("--code-file")
    p = sub.add_parser("reset-request", help=_("żądanie zresetowania modułu nazwanego"))
    p.add_argument("--key", required=True)
    p.add_argument("--module", type=int, required=True)
    p.add_argument("--identity", required=True)
    p = sub.add_parser("settings", help=_("pokaż lub zmień ustawienia"))
    p.add_argument("name", nargs="?")
    p.add_argument("value", nargs="?")
    p.add_argument("--defaults", action="store_true", help=_("przywróć ustawienia domyślne"))
    sub.add_parser("pack-logs", help=_("spakuj logi menadżera kluczy do folderu tymczasowego"))
    sub.add_parser("web-password", help=_("ustaw hasło strony stanu (czytane ze standardowego wejścia)"))
    p = sub.add_parser("serve", help=_("strona stanu WWW (tylko do odczytu)"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int)
    p.add_argument("--allow-remote", action="store_true")
    # vendor tool (the private key is never in the repository)
    p = sub.add_parser("keygen", help=_("[producent] utwórz parę kluczy producenta"))
    p.add_argument("output")
    p = sub.add_parser("issue", help=_("[producent] wystaw plik licencji z opisu JSON"))
    p.add_argument("spec")
    p.add_argument("--vendor-key", required=True)
    p.add_argument("--output", "-o")
    p = sub.add_parser("answer", help=_("[producent] odpowiedz na żądanie aktywacji"))
    p.add_argument("request")
    p.add_argument("--vendor-key", required=True)
    p.add_argument("--hours", type=int, default=None, help=_("ważność w godzinach (domyślnie: 24 dla tymczasowej)"))
    p = sub.add_parser("verify", help=_("sprawdź plik licencji"))
    p.add_argument("file")


def _err(message: str) -> None:
    print(_("Błąd: {msg}").format(msg=message), file=sys.stderr)


def run(args, *, trusted_keys: TrustedKeys, store_path: Path, company_nip: str | None = None,
        clock=time.time, stdin=None) -> int:
    """Run one `filia keys` command; returns the exit code."""
    stdin = stdin or sys.stdin
    cmd = getattr(args, "keys_command", None)
    if cmd is None:
        cmd = "status"
        args.key, args.json = None, False
    try:
        if cmd in ("keygen", "issue", "answer", "verify"):
            from keys import vendor

            return vendor.run(cmd, args, trusted_keys=trusted_keys, clock=clock)
        from keys.manager import KeyManager

        if changes_store(cmd, args):
            require_owner(Path(store_path))
        km = KeyManager(store_path, trusted_keys, args.nip or company_nip, "", clock=clock,
                        key_number=getattr(args, "key", None) if cmd == "status" else None, is_admin=True,
                        time_zone=getattr(args, "time_zone", None))
        try:
            if km.store is None and (cmd != "status" or km.broken):
                raise LicenseError(km.problem)  # a store that cannot be used: its message, no DEMO (KEY-262)
            return _COMMANDS[cmd](km, args, stdin)
        finally:
            km.close()
    except LicenseError as exc:
        _err(str(exc))
        return EXIT_REFUSED


CHANGING = {"add", "remove", "activate", "release", "request", "reset-request", "web-password"}


def changes_store(cmd: str, args) -> bool:
    if cmd == "settings":
        return bool(args.defaults or args.value is not None)
    if cmd == "init":
        return any(getattr(args, n, None) is not None for n in ("port", "idle_release", "log_level", "time_zone"))
    return cmd in CHANGING


def require_owner(path: Path) -> None:
    """KEY-251 on the command line: the key store's owner or root (a store not made yet: its maker)."""
    import os

    from keys.errors import AdminRequired

    euid = os.geteuid()
    try:
        owner = os.stat(path).st_uid
    except FileNotFoundError:
        return
    except OSError:
        return  # the store itself will say what is wrong with it
    if euid in (0, owner):
        return
    import pwd

    try:
        name = pwd.getpwuid(owner).pw_name
    except KeyError:
        name = str(owner)
    raise AdminRequired(_("Ta funkcja wymaga uprawnień administratora.") + " " + _(
        "Zmiany w magazynie kluczy {ścieżka} może wprowadzać tylko jego właściciel ({właściciel}) albo root."
    ).format(ścieżka=path, właściciel=name))


def _init(km, args, _stdin) -> int:
    for name, value in (("http_port", args.port), ("idle_release_s", args.idle_release), ("log_level", args.log_level),
                        ("time_zone", args.time_zone)):
        if value is not None:
            km.set_setting(name, value)
    print(_("Magazyn kluczy: {ścieżka}").format(ścieżka=km.store.path))
    print(_("Identyfikator instalacji: {id}").format(id=km.store.installation_id))
    return EXIT_OK


def _status(km, args, _stdin) -> int:
    text, colour = km.status()
    views = km.keys() if km.store else []
    if args.json:
        from keys.status_server import key_data

        seats = km.seats()
        print(json.dumps({"status": text, "colour": colour, "demo": km.demo_mode,
                          "keys": [key_data(v, seats) for v in views]}, ensure_ascii=False, indent=1))
    else:
        print(text)
        if km.demo_mode:
            print(km.demo_reason())
        elif km.nip_problem():
            print(km.nip_problem())
        for v in views:
            print(f"{v.key_number} [{v.identification}] — {v.state_label}")
            for m in v.modules:
                mark = {"green": " ", "yellow": "!", "red": "⚠"}[m.colour]
                extra = m.reason or m.warning
                print(f"  {mark} {m.number:>3} {m.name:<24} {m.seats_current}/{m.seats_initial}  "
                      f"{m.expiry.isoformat()}  {','.join(m.options)}" + (f"  ({extra})" if extra else ""))
        warning = km.activation_warning() if km.store else ""
        if warning:
            print(warning)
    return {"green": 0, "yellow": 1}.get(colour, 2)


def _list(km, _args, _stdin) -> int:
    views = km.keys()
    has_limit = any(v.time_limit for v in views)
    for v in views:
        limit = ""
        if has_limit and v.key_type != "partner":
            limit = v.time_limit.isoformat() if v.time_limit else _("Bez ograniczeń")
        until = dt.datetime.fromtimestamp(v.active_until).strftime("%Y-%m-%d %H:%M") if v.active_until else ""
        from keys.evaluate import KEY_TYPE_LABELS

        print("\t".join([v.identification, v.key_number, _(KEY_TYPE_LABELS.get(v.key_type, "")), v.state_label,
                         until, limit]).rstrip())
        if v.error:
            print("\t" + v.error)
    if not views:
        print(_("Brak kluczy w magazynie {ścieżka}.").format(ścieżka=km.store.path))
    return EXIT_OK


def _add(km, args, stdin) -> int:
    pin = stdin.readline().rstrip("\n") if args.pin_stdin else getpass.getpass(_("PIN: "))
    outcome = km.add_license(Path(args.file), client_id=args.client_id, pin=pin, key_number=args.key_number,
                             email=args.email)
    print({"added": _("Dodano klucz {nr_klucza}."), "replaced": _("Zastąpiono licencję klucza {nr_klucza}."),
           "same": _("Ten plik licencji klucza {nr_klucza} jest już wczytany.")}[outcome].format(
        nr_klucza=args.key_number))
    view = next((v for v in km.keys() if v.key_number == args.key_number), None)
    if view and view.state == "not_fetched":
        print(_("Klucz wymaga aktywacji: filia keys request --key {nr_klucza}").format(nr_klucza=args.key_number))
    return EXIT_OK


def _remove(km, args, _stdin) -> int:
    if not args.yes:
        _err(_("Po usunięciu klucza {nr_klucza} jego moduły przestaną być dostępne w tej instalacji. Potwierdź "
               "opcją --yes.").format(nr_klucza=args.key))
        return EXIT_USAGE
    code = km.remove_key(args.key)
    print(_("Usunięto klucz {nr_klucza}. Kod dezaktywacji dla producenta:").format(nr_klucza=args.key))
    print(code)
    return EXIT_OK


def _seats(km, args, _stdin) -> int:
    for s in km.seats(args.key):
        print("\t".join([s.key_number, s.module_code, s.operator, s.os_user, s.host,
                         _("lokalne") if s.connection == "local" else s.connection.split(" ")[0], s.kind,
                         dt.datetime.fromtimestamp(s.started_at).strftime("%Y-%m-%d %H:%M:%S"), s.group_id[:12]]))
    return EXIT_OK


def _release(km, args, _stdin) -> int:
    groups = {s.group_id for s in km.seats(args.key) if s.group_id.startswith(args.group)}
    if len(groups) != 1:
        _err(_("Nie znaleziono jednoznacznie grupy {grupa}.").format(grupa=args.group))
        return EXIT_REFUSED
    n = km.release_group(args.key, groups.pop())
    print(_("Zwolniono wierszy: {n}.").format(n=n))
    return EXIT_OK


def _update(km, _args, _stdin) -> int:
    km.refresh(reverify=True)
    for v in km.keys():
        print(f"{v.key_number}: {v.state_label}" + (f" — {v.error}" if v.error else ""))
    return EXIT_OK


def _request(km, args, _stdin) -> int:
    code = km.activation_request(args.key, temporary=args.temporary, clock_reset=args.clock)
    email = km.store.settings().get("admin_email") or ""
    print(code)
    if args.output:
        Path(args.output).write_text(
            code + "\n\n" + _("Przekaż powyższy kod producentowi (e-mail lub telefon), a otrzymany kod aktywacyjny "
                              "wpisz poleceniem: filia keys activate --key {nr_klucza} KOD").format(
                nr_klucza=args.key) + "\n", encoding="utf-8")
    print(f"mailto:aktywacja@filia.example?subject=FILIA%20{args.key}&body={code.replace(' ', '%20')}"
          + (f"&cc={email}" if email else ""))
    return EXIT_OK


def _activate(km, args, _stdin) -> int:
    code = Path(args.code_file).read_text(encoding="utf-8") if args.code_file else (args.code or "")
    if not code.strip():
        _err(_("Podaj kod aktywacyjny albo --code-file."))
        return EXIT_USAGE
    view = km.apply_code(args.key, code.strip())
    print(view.state_label if view else _("Kod producenta został zastosowany."))
    return EXIT_OK


def _reset_request(km, args, _stdin) -> int:
    print(km.named_reset_request(args.key, args.module, args.identity))
    print(_("Otrzymany kod wpisz poleceniem: filia keys activate --key {nr_klucza} KOD").format(nr_klucza=args.key))
    return EXIT_OK


def _settings(km, args, _stdin) -> int:
    if args.defaults:
        km.restore_defaults()
    elif args.name and args.value is not None:
        km.set_setting(args.name, args.value)
    for name, value in km.store.settings().items():
        if name != "web_password_hash" and (not args.name or name == args.name):
            print(f"{name}={value}")
    return EXIT_OK


def _pack_logs(_km, _args, _stdin) -> int:
    from keys.log import pack_logs

    print(pack_logs())
    return EXIT_OK


def _web_password(km, _args, stdin) -> int:
    from keys.license_file import hash_pin

    password = stdin.readline().rstrip("\n")
    if len(password) < 8:
        _err(_("Hasło musi mieć co najmniej 8 znaków."))
        return EXIT_REFUSED
    km.set_setting("web_password_hash", hash_pin(password))
    return EXIT_OK


def _serve(km, args, _stdin) -> int:
    from keys.status_server import make_status_server

    port = args.port if args.port is not None else km.store.setting_int("http_port")
    server = make_status_server(km, args.host, port, allow_remote=args.allow_remote)
    host = args.host.strip("[]")
    shown = f"[{host}]" if ":" in host else host
    print(_("Strona stanu licencji: http://{host}:{port}/").format(host=shown, port=server.server_port),
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


_COMMANDS = {"init": _init, "status": _status, "list": _list, "add": _add, "remove": _remove, "seats": _seats,
             "release": _release, "update": _update, "request": _request, "activate": _activate,
             "reset-request": _reset_request, "settings": _settings, "web-password": _web_password, "pack-logs": _pack_logs, "serve": _serve}
