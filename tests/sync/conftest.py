"""A synchronised HQ + branch pair (SQLite), built once per session and copied per test."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sync import sides


@dataclass
class Pair:
    hq: str
    branch: str
    folder: Path

    def hq_side(self):
        return sides.opened(self.hq)

    def branch_side(self):
        return sides.opened(self.branch)


def build_pair(base: Path, *, goods: int = 20, hq_url: str | None = None) -> Pair:
    """HQ with goods, contractor ABC, register and the KRAK card; the branch after its first sync and one
    more cycle: last DLA read = 3, last OD written = 4."""
    from sync import branch, hq

    folder = base / "wymiana"
    folder.mkdir(parents=True, exist_ok=True)
    pair = Pair(hq_url or f"sqlite:///{base / 'hq.db'}", f"sqlite:///{base / 'krak.db'}", folder)
    sides.create(pair.hq, "hq", name="Centrala")
    sides.create(pair.branch, "branch", symbol="KRAK", folder=folder)
    with pair.hq_side():
        reg = sides.hq_register()
        sides.add_goods(goods)
        sides.add_contractor("ABC", nip="1234563218")
        hq.create_branch("KRAK", folder=folder, register_gid=reg, operators=("ADMIN", "JAN"))
        from store.config import create_operator
        create_operator("JAN", "jan123")
        hq.write_first_dla("KRAK")
    with pair.branch_side():
        branch.synchronise()
    with pair.hq_side():
        hq.process_branch("KRAK")
    with pair.branch_side():
        branch.synchronise()
    return pair


@pytest.fixture(scope="session")
def pair_template(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp() / "sync-pair"
    if not (base / "krak.db").exists():
        build_pair(base)
    return base


@pytest.fixture
def pair(pair_template, tmp_path) -> Pair:
    """A copy of the template pair; the HQ card's folder points at the copy."""
    base = tmp_path / "pair"
    shutil.copytree(pair_template, base)
    p = Pair(f"sqlite:///{base / 'hq.db'}", f"sqlite:///{base / 'krak.db'}", base / "wymiana")
    from store.db import run_write
    from store.exchange.models import HqBranch
    from store.config import set_setting

    with p.hq_side():
        run_write(lambda: HqBranch.update(folder=str(p.folder)).where(HqBranch.symbol == "KRAK").execute())
    with p.branch_side():
        set_setting("exchange_folder", str(p.folder))
    return p


from tests.tui.conftest import demo_template, demo_url  # noqa: E402,F401  (the standalone demo company)
