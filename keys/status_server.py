"""`filia keys serve`: read-only status page (KEY-257), 127.0.0.1:5150 by default, standard-library WSGI."""
from __future__ import annotations

import base64
import datetime as dt
import html
import ipaddress
import json
import socket
import socketserver
import threading
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from keys.errors import KeyStoreError
from keys.i18n import _
from keys.license_file import check_pin


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ts(value: float | None) -> str:
    return dt.datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def key_data(view, seat_rows) -> dict:
    """What the page shows: KEY-37 columns and the seats; never PIN hash, license text or codes."""
    return {
        "key_number": view.key_number, "identification": view.identification, "key_type": view.key_type,
        "state": view.state_label, "colour": view.colour,
        "time_limit": view.time_limit.isoformat() if view.time_limit else None,
        "active_until": _ts(view.active_until) or None,
        "modules": [{"number": m.number, "name": m.name, "code": m.code, "seats_initial": m.seats_initial,
                     "seats_current": m.seats_current, "options": list(m.options), "expiry": m.expiry.isoformat(),
                     "state": m.state, "colour": m.colour} for m in view.modules],
        "seats": [{"module": s.module_code, "operator": s.operator, "os_user": s.os_user, "host": s.host,
                   "connection": "lokalne" if s.connection == "local" else s.connection.split(" ")[0],
                   "kind": s.kind, "started_at": _ts(s.started_at), "refreshed_at": _ts(s.refreshed_at)}
                  for s in seat_rows if s.key_number == view.key_number],
    }


def _page(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html lang=\"pl\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>").encode("utf-8")


def _table(headers: list[str], rows: list[list], colours: list[str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = ""
    for i, row in enumerate(rows):
        style = f' style="color:{colours[i]}"' if colours else ""
        body += f"<tr{style}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
    return f"<table border=\"1\"><tr>{head}</tr>{body}</table>"


def key_html(data: dict) -> str:
    mods = _table([_("Numer"), _("Moduł"), _("Ilość początkowa"), _("Ilość aktualna"), _("Opcje"), _("Data ważności")],
                  [[m["number"], m["name"], m["seats_initial"], m["seats_current"], ", ".join(m["options"]),
                    m["expiry"]] for m in data["modules"]], [m["colour"] for m in data["modules"]])
    seats = _table([_("Moduł"), _("Operator"), _("Użytkownik systemu"), _("Komputer"), _("Połączenie"),
                    _("Pobrano"), _("Ostatnie odświeżenie")],
                   [[s["module"], s["operator"], s["os_user"], s["host"], s["connection"], s["started_at"],
                     s["refreshed_at"]] for s in data["seats"]])
    return (f"<p>{html.escape(_('Stan'))}: {html.escape(data['state'])}</p><h2>{html.escape(_('Dostępne moduły'))}"
            f"</h2>{mods}<h2>{html.escape(_('Pobrane moduły'))}</h2>{seats}")


def host_allowed(header: str | None, allowed: set[str] | None) -> bool:
    """DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends `Host: evil.example`; only the
    names of this machine's loopback (or the address the server listens on) are answered."""
    if allowed is None:
        return True
    if not header:
        return False
    try:
        name = urlsplit("//" + header).hostname or ""
    except ValueError:
        return False
    return name.lower() in allowed


def loopback_names(host: str) -> set[str]:
    return {"localhost", "127.0.0.1", "::1", host.strip("[]").lower()}


def make_app(manager, *, password_required: bool = False, allowed_hosts: set[str] | None = None):
    """WSGI app over a KeyManager; every request runs the idle purge through the views (KEY-239).
    Requests are answered one at a time (one key store connection), but a slow client no longer blocks
    others: the server reads each connection in its own thread."""
    lock = threading.Lock()

    def app(environ, start_response):
        with lock:
            return answer(environ, start_response)

    def answer(environ, start_response):
        def send(status: str, body: bytes, ctype: str = "text/html; charset=utf-8", extra=()):
            start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body))), *extra])
            return [body]

        if not host_allowed(environ.get("HTTP_HOST"), allowed_hosts):
            return send("421 Misdirected Request", _("Nieznany adres serwera w nagłówku Host.").encode("utf-8"),
                        "text/plain; charset=utf-8")
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return send("405 Method Not Allowed", b"", extra=[("Allow", "GET")])
        if password_required and not _authorised(manager, environ.get("HTTP_AUTHORIZATION", "")):
            return send("401 Unauthorized", b"", extra=[("WWW-Authenticate", 'Basic realm="Filia"')])
        as_json = parse_qs(environ.get("QUERY_STRING", "")).get("format") == ["json"]
        path = environ.get("PATH_INFO", "/").strip("/")
        try:
            views, seat_rows = manager.keys(), manager.seats()
        except KeyStoreError as exc:
            return send("503 Service Unavailable", str(exc).encode())
        except Exception as exc:  # noqa: BLE001 - e.g. clock rollback: say it, do not crash the server
            return send("503 Service Unavailable", str(exc).encode("utf-8"), "text/plain; charset=utf-8")
        if path:
            view = next((v for v in views if v.key_number == path), None)
            if view is None:
                text = _("Nie znaleziono klucza {nr_klucza}.").format(nr_klucza=path)
                if as_json:
                    return send("404 Not Found", json.dumps({"error": text}, ensure_ascii=False).encode(),
                                "application/json")
                return send("404 Not Found", _page(text, ""))
            views = [view]
        if len(views) == 1:
            data = key_data(views[0], seat_rows)
            if as_json:
                return send("200 OK", json.dumps(data, ensure_ascii=False).encode(), "application/json")
            return send("200 OK", _page(_("Klucz {nr_klucza}").format(nr_klucza=data["key_number"]), key_html(data)))
        index = [{"key_number": v.key_number, "label": f"{v.key_number} [{v.identification}]"} for v in views]
        if as_json:
            return send("200 OK", json.dumps({"keys": index}, ensure_ascii=False).encode(), "application/json")
        links = "".join(f'<li><a href="/{html.escape(k["key_number"])}">{html.escape(k["label"])}</a></li>'
                        for k in index)
        return send("200 OK", _page(_("Menadżer kluczy"), f"<ul>{links}</ul>"))

    return app


def _authorised(manager, header: str) -> bool:
    stored = manager.store.setting("web_password_hash") if manager.store else None
    if not stored or not header.startswith("Basic "):
        return False
    try:
        _user, _sep, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return check_pin(password, stored)


class _QuietHandler(WSGIRequestHandler):
    timeout = 15  # a client that connects and says nothing is dropped

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _ThreadingServer6(_ThreadingServer):
    address_family = socket.AF_INET6


def make_status_server(manager, host: str = "127.0.0.1", port: int = 5150, *, allow_remote: bool = False):
    """KEY-257: loopback unless allow_remote, which needs a web password set in the key store. Several
    clients at once; IPv6 addresses (`::1`) get an IPv6 socket; a bind that fails is a Polish message."""
    host = host.strip("[]")
    if not is_loopback(host):
        if not allow_remote:
            raise KeyStoreError(_("Strona stanu może słuchać tylko na adresie lokalnym (127.0.0.1). Użyj "
                                  "--allow-remote i ustaw hasło, aby udostępnić ją w sieci."), rule="KEY-257")
        if not (manager.store and manager.store.setting("web_password_hash")):
            raise KeyStoreError(_("Udostępnienie strony stanu w sieci wymaga hasła (filia keys web-password)."),
                                rule="KEY-257")
    remote = not is_loopback(host)
    # Remote pages are guarded by the password; a loopback page has only the Host check.
    app = make_app(manager, password_required=remote, allowed_hosts=None if remote else loopback_names(host))
    server_class = _ThreadingServer6 if ":" in host else _ThreadingServer
    try:
        return make_server(host, port, app, server_class=server_class, handler_class=_QuietHandler)
    except OSError as exc:
        raise KeyStoreError(_("Nie można uruchomić strony stanu na adresie {host} i porcie {port}: {powód}.").format(
            host=host, port=port, powód=exc.strerror or exc), rule="KEY-257") from None
