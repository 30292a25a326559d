"""Issue 15 item 8 (KEY-251): changing keys, activations, settings and other groups' seats needs the
operator's administrator flag in the TUI, and the key store's owner (or root) on the command line — write
access is not enough, every clerk has it. Refusals change nothing (compared by dump)."""
from __future__ import annotations

import os
import subprocess

import pytest

from keys.errors import AdminRequired

from .conftest import module
from .other_user import is_root, run_filia, shared_dir
from .store_dump import dump

KEY = "5000000107"


@pytest.mark.rule("KEY-251")
def test_keys_refuses_changes_from_a_non_administrator(installed, manager, make_license, store_path, vendor_key):
    installed(modules=[module(1, "START", 3), module(2, "HANDEL", 2)])
    anna = manager("ANNA", connection="ssh-a")
    anna.acquire("HANDEL")
    anna.keys()
    jan = manager("JAN", connection="ssh-b")  # an operator without the administrator flag
    before = dump(store_path)
    attempts = [
        lambda: jan.add_license(make_license(key_number="5000000108"), client_id="123456", pin="1234",
                                key_number="5000000108"),
        lambda: jan.remove_key(KEY),
        lambda: jan.release_group(KEY, anna.identity.group_id),
        lambda: jan.activation_request(KEY),
        lambda: jan.set_setting("idle_release_s", 600),
        lambda: jan.restore_defaults(),
    ]
    for attempt in attempts:
        with pytest.raises(AdminRequired, match="Ta funkcja wymaga uprawnień administratora."):
            attempt()
    assert dump(store_path) == before


@pytest.mark.rule("KEY-251", "KEY-252")
async def test_non_admin_operator_sees_the_key_manager_read_only(demo_url, installed, manager, store_path):
    from store.config import create_operator
    from tui.app import FiliaApp
    from tui.screens.key_manager import AddKeyDialog, KeyManagerScreen

    from keys.session import SessionSeats

    installed(modules=[module(1, "START", 3), module(2, "HANDEL", 2)])
    create_operator("JAN", "haslo123", name="Jan Kowalski", is_admin=False)
    seats = SessionSeats(manager("", connection="ssh-jan", nip="5260250274", is_admin=True))  # rights come from
    app = FiliaApp(demo_url, operator_login="JAN", seats=seats)                            # the operator
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.action_key_manager()
        await pilot.pause()
        assert isinstance(app.screen, KeyManagerScreen)
        before = dump(store_path)
        for key in ("insert", "delete", "ctrl+f6"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, KeyManagerScreen) and not isinstance(app.screen, AddKeyDialog)
        assert dump(store_path) == before
        rights = str(app.screen.query_one("#km-rights").render())
        assert "Ta funkcja wymaga uprawnień administratora." in rights
        assert app.screen.query_one("#km-modules").row_count == 2  # the list itself is readable
        said = [str(n.message) for n in app._notifications]
        assert said.count("Ta funkcja wymaga uprawnień administratora.") == 3


@pytest.fixture
def owned_store(trusted, make_license):
    """A key store owned by root that every user may write (as KEY-220 wants: seat rows), in a shared dir."""
    if not is_root():
        pytest.skip("a store owned by another user needs root to set up")
    from keys.manager import KeyManager

    workdir = shared_dir()
    path = workdir / "keystore.db"
    admin = KeyManager(path, trusted, None, "ADMIN", connection="admin", is_admin=True)
    admin.add_license(make_license(modules=[module(1, "START", 3)]), client_id="123456", pin="1234", key_number=KEY)
    admin.close()
    path.chmod(0o666)
    (workdir / "key.lic").write_text(make_license(key_number="5000000108"), encoding="utf-8")
    (workdir / "key.lic").chmod(0o644)
    yield workdir, path
    subprocess.run(["rm", "-rf", str(workdir)], check=False)


@pytest.mark.rule("KEY-251", "KEY-256")
@pytest.mark.parametrize("argv", [
    ["settings", "idle_release_s", "600"],
    ["settings", "--defaults"],
    ["remove", "--key", KEY, "--yes"],
    ["release", "--key", KEY, "--group", "0"],
    ["request", "--key", KEY],
    ["activate", "--key", KEY, "FILIA PL 00000"],
    ["add", "{dir}/key.lic", "--client-id", "123456", "--key-number", "5000000108", "--pin-stdin"],
    ["init", "--idle-release", "900"],
])
def test_cli_changes_need_the_key_store_owner(owned_store, argv):
    workdir, path = owned_store
    before = dump(path)
    env = {"FILIA_KEYSTORE": str(path), "FILIA_LANG": "pl", "HOME": str(workdir), "PATH": "/usr/bin:/bin",
           "FILIA_KEYS_LOG": str(workdir / "keys.log"), "FILIA_LOG": str(workdir / "filia.log")}
    code, out, err = run_filia(["keys", *[a.format(dir=workdir) for a in argv]], env, workdir)
    assert code == 1, (out, err)
    assert "Ta funkcja wymaga uprawnień administratora." in err and "właściciel (root)" in err
    assert dump(path) == before
    assert os.stat(path).st_uid == 0


@pytest.mark.rule("KEY-251", "KEY-256")
def test_cli_reading_commands_stay_open_to_every_user(owned_store):
    workdir, path = owned_store
    env = {"FILIA_KEYSTORE": str(path), "FILIA_LANG": "pl", "HOME": str(workdir), "PATH": "/usr/bin:/bin",
           "FILIA_KEYS_LOG": str(workdir / "keys.log"), "FILIA_LOG": str(workdir / "filia.log")}
    code, out, err = run_filia(["keys", "settings"], env, workdir)
    assert code == 0 and "idle_release_s=1800" in out, err
