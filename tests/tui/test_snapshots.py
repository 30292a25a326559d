"""Visual regressions (pytest-textual-snapshot): the main menu as the user sees it.

Update after an intended change with: pytest tests/tui/test_snapshots.py --snapshot-update
"""
from __future__ import annotations


def test_main_menu_looks_right(snap_compare, demo_url):
    from tui.app import FiliaApp

    app = FiliaApp(demo_url, operator_login="ADMIN")
    assert snap_compare(app, terminal_size=(100, 24))
