"""Fixtures of the catalogue screens' tests: the demo company as a BRANCH database (import the fixture)."""
from __future__ import annotations

import pytest

from store.db import database
from tests.conftest import open_copy


@pytest.fixture
def branch_app(tmp_path, branch_template):
    """The branch demo (a copy of the session's template, tests/tui/conftest.py)."""
    from tui.app import FiliaApp

    db = open_copy(branch_template, tmp_path / "branch.db")
    yield FiliaApp(f"sqlite:///{tmp_path / 'branch.db'}", operator_login="ADMIN")
    db.close()
    database.initialize(None)
