"""Key manager screen on a real key store file: rows, F5 refresh, Delete with confirmation (KEY-252..KEY-255)."""
from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import DataTable

from keys.manager import KeyManager
from tests.keys.conftest import FakeClock, module
from tui.screens.key_manager import KeyManagerScreen


class _Host(App):
    def __init__(self, km):
        super().__init__()
        self.km = km

    def on_mount(self) -> None:
        self.push_screen(KeyManagerScreen(self.km))


@pytest.fixture
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("FILIA_KEYS_LOG", str(tmp_path / "keys.log"))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from keys.license_file import new_payload, sign_payload
    from keys.trust import trusted_from

    vendor = Ed25519PrivateKey.generate()
    trusted = trusted_from(vendor)
    clock = FakeClock("2030-06-01T10:00:00")
    path = tmp_path / "keystore.db"
    admin = KeyManager(path, trusted, None, "ADMIN", clock=clock, connection="console", is_admin=True)
    text = sign_payload(new_payload(key_number="5000000107", client_id="123456", pin="1234",
                                    activation_required=False, acronym="SKLEP",
                                    modules=[module(1, "START", 3), module(2, "HANDEL", 2, options=["EDI"])]), vendor)
    admin.add_license(text, client_id="123456", pin="1234", key_number="5000000107")
    others = []

    def session(op, conn):
        km = KeyManager(path, trusted, None, op, clock=clock, connection=conn)
        others.append(km)
        return km

    yield admin, session
    for km in others + [admin]:
        km.close()


def _rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.mark.rule("KEY-37", "KEY-56", "KEY-181", "KEY-252")
async def test_modules_and_seats_rows_and_f5_refresh(setup):
    admin, session = setup
    app = _Host(admin)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        modules = screen.query_one("#km-modules", DataTable)
        assert [r[:6] for r in _rows(modules)] == [["1", "Start", "3", "3", "", "2030-12-31"],
                                                   ["2", "Handel", "2", "2", "EDI", "2030-12-31"]]
        session("ANNA", "10.1.1.1 5000 10.0.0.1 22").acquire("HANDEL")
        assert _rows(modules)[1][3] == "2"  # nothing changes until F5
        await pilot.press("f5")
        await pilot.pause()
        assert _rows(modules)[1][3] == "1"
        seats = screen.query_one("#km-seats", DataTable)
        assert [(r[0], r[1], r[4]) for r in _rows(seats)] == [("HANDEL", "ANNA", "10.1.1.1")]
        assert "Licencja: OK" in str(screen.query_one("#km-status").render())


@pytest.mark.rule("KEY-93", "KEY-94", "KEY-182", "KEY-255")
async def test_delete_asks_naming_the_key_no_keeps_yes_removes(setup):
    admin, _session = setup
    app = _Host(admin)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        question = str(app.screen.query_one("#confirm-message").render())
        assert "Po usunięciu klucza 5000000107" in question
        await pilot.press("escape")  # "Nie"
        await pilot.pause()
        assert [v.key_number for v in admin.keys()] == ["5000000107"]
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("t")  # "Tak"
        await pilot.pause()
        assert "FILIA PL" in str(app.screen.query_one("#message-text").render())
        await pilot.press("escape")
        await pilot.pause()
        assert admin.keys() == [] and admin.demo_mode
        assert app.screen.query_one("#km-modules", DataTable).row_count == 0


@pytest.mark.rule("KEY-251")
async def test_non_admin_cannot_delete(setup):
    admin, _session = setup

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(KeyManagerScreen(admin, is_admin=False))

    app = Host()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, KeyManagerScreen)
        assert [v.key_number for v in admin.keys()] == ["5000000107"]


@pytest.mark.rule("KEY-183", "KEY-253")
async def test_insert_adds_key_from_file_and_wrong_pin_keeps_dialog(setup, tmp_path):
    admin, _session = setup
    admin.remove_key("5000000107")
    lic = admin.store.conn.execute("SELECT file_text FROM keys_license_history").fetchone()[0]
    path = tmp_path / "key.lic"
    path.write_text(lic, encoding="utf-8")
    app = _Host(admin)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("insert")
        await pilot.pause()
        for value in (str(path), "123456", "9999", "5000000107", "admin@firma.pl"):
            await pilot.press(*value)
            await pilot.press("enter")
        await pilot.pause()
        assert "Nieprawidłowy PIN" in str(app.screen.query_one("#add-error").render())
        pin = app.screen.query_one("#add-pin")
        pin.value = "1234"
        app.screen.submit()
        await pilot.pause()
        assert isinstance(app.screen, KeyManagerScreen)
        assert app.screen.query_one("#km-modules", DataTable).row_count == 2


async def test_key_manager_dialogs_fit_80x24(setup):
    """Every dialog of the key manager fits a 80×24 terminal (it was 84 and 100 columns wide)."""
    from tui.screens.key_manager import ActivationDialog, AddKeyDialog

    admin, _session = setup
    app = _Host(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for dialog in (AddKeyDialog(admin, ask_email=True), ActivationDialog(admin, "5000000107")):
            app.push_screen(dialog)
            await pilot.pause()
            await pilot.pause()
            box = dialog.query_one("Vertical").region
            assert box.x >= 0 and box.y >= 0 and box.right <= 80 and box.bottom <= 24, (type(dialog).__name__, box)
            dialog.dismiss(None)
            await pilot.pause()
        await pilot.press("delete")                 # the question naming the key
        await pilot.pause()
        box = app.screen.query_one("Vertical").region
        assert box.right <= 80 and box.bottom <= 24, box
