"""Fixtures of the catalogue screens' tests: the demo company as a BRANCH database (import the fixture)."""
from __future__ import annotations

import pytest

from store.db import database, open_database


@pytest.fixture
def branch_app(tmp_path):
    from store.demo import build_demo
    from tui.app import FiliaApp

    url = f"sqlite:///{tmp_path / 'branch.db'}"
    db = open_database(url, create=True)
    build_demo(contractors=5, goods=40, seed=5, role="branch")
    yield FiliaApp(url, operator_login="ADMIN")
    db.close()
    database.initialize(None)
