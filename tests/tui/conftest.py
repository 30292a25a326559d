"""Pilot fixtures: a real SQLite demo company and the real FiliaApp, logged in.

Each test gets its own copy of a demo database built once per session (tests/conftest.py
database_template): building the demo for every test cost ~0.7 s each."""
from __future__ import annotations

import pytest

from store.db import database
from tests.conftest import database_template, open_copy


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    from store.demo import build_demo

    return database_template(tmp_path_factory, "demo-60-300-3",
                             lambda: build_demo(contractors=60, goods=300, seed=3))


@pytest.fixture(scope="session")
def branch_template(tmp_path_factory):
    from store.demo import build_demo

    return database_template(tmp_path_factory, "branch-5-40-5",
                             lambda: build_demo(contractors=5, goods=40, seed=5, role="branch"))


@pytest.fixture
def demo_url(tmp_path, demo_template):
    """A small deterministic demo company in a real SQLite file (a copy of the session's template)."""
    db = open_copy(demo_template, tmp_path / "demo.db")
    yield f"sqlite:///{tmp_path / 'demo.db'}"
    db.close()
    database.initialize(None)


@pytest.fixture
def filia_app(demo_url):
    from tui.app import FiliaApp

    return FiliaApp(demo_url, operator_login="ADMIN")
