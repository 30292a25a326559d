"""Web status page on 127.0.0.1 (KEY-257, §14): a real server on a free loopback port."""
from __future__ import annotations

import threading

import pytest
import requests

from keys.errors import KeyStoreError
from keys.status_server import make_status_server

from .conftest import module


@pytest.fixture
def serve():
    servers = []

    def start(km, host="127.0.0.1", **kw):
        server = make_status_server(km, host, 0, **kw)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.mark.rule("KEY-154", "KEY-257", "KEY-35")
def test_one_key_page_lists_modules_and_seats(installed, manager, serve):
    admin = installed(modules=[module(2, "HANDEL", 3, options=["EDI"])])
    manager("ANNA").acquire("HANDEL")
    base = serve(admin)
    page = requests.get(base + "/", timeout=10)
    assert page.status_code == 200 and "Handel" in page.text and "Ilość aktualna" in page.text and "ANNA" in page.text
    data = requests.get(base + "/?format=json", timeout=10).json()
    assert data["modules"][0]["seats_current"] == 2 and data["seats"][0]["operator"] == "ANNA"
    assert "pin" not in page.text.lower() and "BEGIN FILIA" not in page.text


@pytest.mark.rule("KEY-155", "KEY-157", "KEY-158")
def test_several_keys_index_key_page_and_404(installed, manager, make_license, serve):
    admin = installed()
    installed(make_license(key_number="5000000108", modules=[module(3, "MAGAZYN", 1)]), key_number="5000000108")
    base = serve(admin)
    index = requests.get(base + "/", timeout=10)
    assert index.status_code == 200 and 'href="/5000000107"' in index.text and 'href="/5000000108"' in index.text
    one = requests.get(base + "/5000000108?format=json", timeout=10).json()
    assert one["key_number"] == "5000000108" and [m["code"] for m in one["modules"]] == ["MAGAZYN"]
    missing = requests.get(base + "/9999999999", timeout=10)
    assert missing.status_code == 404 and "Nie znaleziono klucza 9999999999." in missing.text


@pytest.mark.rule("KEY-257")
def test_remote_listening_needs_allow_remote_and_password(manager, serve):
    km = manager("ADMIN")
    with pytest.raises(KeyStoreError, match="tylko na adresie lokalnym"):
        make_status_server(km, "0.0.0.0", 0)
    with pytest.raises(KeyStoreError, match="wymaga hasła"):
        make_status_server(km, "0.0.0.0", 0, allow_remote=True)
    assert requests.post(serve(km) + "/", timeout=10).status_code == 405
