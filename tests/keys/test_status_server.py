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


@pytest.mark.rule("KEY-257")
def test_a_page_asked_for_under_another_host_name_is_refused(installed, manager, serve):
    """DNS rebinding: evil.example resolved to 127.0.0.1 must not read the page from a browser."""
    admin = installed()
    manager("ANNA").acquire("HANDEL")
    base = serve(admin)
    rebound = requests.get(base + "/?format=json", headers={"Host": "evil.example:5150"}, timeout=10)
    assert rebound.status_code == 421 and "ANNA" not in rebound.text and "5000000107" not in rebound.text
    for host in ("localhost:5150", "127.0.0.1", "[::1]:5150"):
        assert requests.get(base + "/", headers={"Host": host}, timeout=10).status_code == 200, host


@pytest.mark.rule("KEY-257")
def test_an_idle_client_does_not_block_the_next_one(installed, serve):
    import socket

    admin = installed()
    base = serve(admin)
    port = int(base.rsplit(":", 1)[1])
    idle = socket.create_connection(("127.0.0.1", port))  # connects and says nothing
    idle.sendall(b"GET / HTTP/1.1\r\n")                    # ... or half a request
    try:
        page = requests.get(base + "/", timeout=3)
        assert page.status_code == 200 and "Handel" in page.text
        pages = []
        threads = [threading.Thread(target=lambda: pages.append(requests.get(base + "/", timeout=5).status_code))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert pages == [200] * 4
    finally:
        idle.close()


def _serve_binary(tmp_path, *args):
    import os
    import subprocess
    import sys

    env = dict(os.environ, FILIA_KEYSTORE=str(tmp_path / "ks.db"), FILIA_LANG="pl",
               FILIA_KEYS_LOG=str(tmp_path / "keys.log"), FILIA_LOG=str(tmp_path / "filia.log"))
    return subprocess.Popen([sys.executable, "-m", "tui.cli", "keys", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


@pytest.mark.rule("KEY-257", "KEY-256")
def test_serve_on_ipv6_loopback_works_from_the_real_binary(tmp_path):
    proc = _serve_binary(tmp_path, "--host", "::1", "--port", "0")
    try:
        line = proc.stdout.readline()
        assert line.startswith("Strona stanu licencji: http://[::1]:"), (line, proc.stderr.read() if proc.poll()
                                                                         is not None else "")
        url = line.split(": ", 1)[1].strip()
        page = requests.get(url + "?format=json", timeout=10)
        assert page.status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.rule("KEY-257", "KEY-256")
def test_serve_on_a_port_in_use_is_a_message_not_a_traceback(tmp_path):
    import socket

    busy = socket.socket(socket.AF_INET6)
    busy.bind(("::1", 0))
    busy.listen()
    try:
        proc = _serve_binary(tmp_path, "--host", "::1", "--port", str(busy.getsockname()[1]))
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 1 and "Nie można uruchomić strony stanu na adresie ::1" in err
        assert "Traceback" not in err
    finally:
        busy.close()
