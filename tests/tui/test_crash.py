"""An exception nobody caught in the TUI (issue 16 §3): the traceback goes to the log file, the terminal gets a
short Polish message, the exit code is nonzero, and no Rich traceback with locals is printed."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_a_crash_in_a_real_process_logs_and_says_it_in_polish(tmp_path):
    script = textwrap.dedent("""
        import sys
        from tui.app import FiliaApp
        from tui.crash import run_guarded

        class Broken(FiliaApp):
            def on_mount(self):
                secret_clerk_data = "NIP 5260250274"   # a local a Rich traceback would print
                raise RuntimeError("boom " + secret_clerk_data[:3])

        app = Broken("sqlite:///nowhere.db")
        app.run = lambda: FiliaApp.run(app, headless=True)
        sys.exit(run_guarded(app))
    """)
    log = tmp_path / "filia.log"
    env = {**os.environ, "FILIA_LOG": str(log), "FILIA_LANG": "pl", "TEXTUAL_ANIMATIONS": "none"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
                          cwd=os.getcwd())
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "Filia została zamknięta z powodu nieoczekiwanego błędu programu." in done.stderr
    assert f"Szczegóły zapisano w pliku: {log}" in done.stderr
    out = done.stdout + done.stderr
    assert "Traceback" not in out and "5260250274" not in out and "locals" not in out
    text = log.read_text(encoding="utf-8")
    assert "RuntimeError: boom NIP" in text and "Traceback" in text


async def test_a_refusal_from_a_list_command_keeps_the_session(filia_app):
    from store.errors import DatabaseProblem

    async with filia_app.run_test(size=(100, 30)) as pilot:
        filia_app.action_open_list("goods")
        await pilot.pause()

        def write(_screen=None):
            raise DatabaseProblem("Brak miejsca na dysku – zapis się nie udał, nic nie zapisano.")
        filia_app.run_guarded_command(write, filia_app.screen)
        await pilot.pause()
        assert filia_app.is_running and filia_app.crash_message is None
        assert any("Brak miejsca" in str(n.message) for n in filia_app._notifications)


async def test_an_unexpected_error_in_a_screen_ends_the_session_without_a_traceback(filia_app, tmp_path,
                                                                                    monkeypatch):
    import pytest

    monkeypatch.setenv("FILIA_LOG", str(tmp_path / "filia.log"))
    with pytest.raises(ZeroDivisionError):         # the pilot re-raises it for the test, after the app ended
        async with filia_app.run_test(size=(100, 30)) as pilot:
            filia_app.action_open_list("goods")
            await pilot.pause()
            filia_app.screen.call_later(lambda: 1 / 0)
            await pilot.pause()
    assert filia_app.return_code == 3
    assert filia_app._exit_renderables == []                  # Textual's Rich traceback was never built
    assert "nieoczekiwanego błędu" in filia_app.crash_message
    assert "ZeroDivisionError" in (tmp_path / "filia.log").read_text(encoding="utf-8")
