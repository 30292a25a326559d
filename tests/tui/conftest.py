"""Pilot fixtures: a real SQLite demo database and the real FiliaApp, logged in."""
from __future__ import annotations

import pytest

from store.db import database, open_database


@pytest.fixture
def demo_url(tmp_path):
    """A small deterministic demo company in a real SQLite file."""
    from store.demo import build_demo

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(url, create=True)
    build_demo(contractors=60, goods=300, seed=3)
    yield url
    db.close()
    database.initialize(None)


@pytest.fixture
def filia_app(demo_url):
    from tui.app import FiliaApp

    return FiliaApp(demo_url, operator_login="ADMIN")
