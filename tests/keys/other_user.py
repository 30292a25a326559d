"""Run the real `filia` entry point (tui.cli.main) in a child process as another OS user.

As root the child drops to `nobody`: file permissions then mean what they mean for a clerk's account. The
interpreter's own files may be unreadable to `nobody` (a Python under /root), so everything the command
needs is imported before the fork. Not root: the child runs as this user (permission tests then use modes
that bind the owner too; an "other user" test skips).
"""
from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

NOBODY = 65534


def is_root() -> bool:
    return os.geteuid() == 0


def shared_dir() -> Path:
    """A directory both users can enter and write (pytest's tmp_path is 0700 root)."""
    path = Path(tempfile.mkdtemp(prefix="filia-keys-"))
    path.chmod(0o777)
    return path


def _preload() -> None:
    import argparse  # noqa: F401
    import getpass  # noqa: F401
    import logging.handlers  # noqa: F401
    import pwd  # noqa: F401
    import sqlite3  # noqa: F401
    import zipfile  # noqa: F401
    from zoneinfo import ZoneInfo

    import platformdirs  # noqa: F401
    import polib  # noqa: F401
    from stdnum.pl import nip  # noqa: F401

    import keys.cli  # noqa: F401
    import keys.manager  # noqa: F401
    import keys.status_server  # noqa: F401
    import keys.vendor  # noqa: F401
    import tui.cli
    import tui.commands.keys  # noqa: F401
    import tui.commands.run  # noqa: F401

    ZoneInfo("Europe/Warsaw")
    tui.cli.build_parser(["keys"])


def run_filia(argv: list[str], env: dict[str, str], workdir: Path, *, as_other: bool = True) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `filia ARGV` run by another user (or this one when not root)."""
    _preload()
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = 98
        try:
            if as_other and is_root():
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            os.environ.clear()
            os.environ.update(env)
            for fd, path in ((1, out_path), (2, err_path)):
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
                os.dup2(handle, fd)
                os.close(handle)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            from tui.cli import main

            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:  # noqa: BLE001 - report it like a crash the user would see
            traceback.print_exc()
            code = 97
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out_path.read_text(encoding="utf-8"), err_path.read_text(
        encoding="utf-8")
