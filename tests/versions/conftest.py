"""Fixtures: the small company planned once per session, and a private copy per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from version_fixtures import company

from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master


@pytest.fixture(scope="session")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The company after one full cycle: version 001 saved (draft)."""
    f, s = company()
    path = write_master(tmp_path_factory.mktemp("planned") / "master.xlsx", f, s)
    run_steps(MasterWorkbook.open(path), CYCLE)
    return path


@pytest.fixture
def master(planned: Path, tmp_path: Path) -> Path:
    """A private copy of the planned workbook."""
    out = tmp_path / "master.xlsx"
    shutil.copy(planned, out)
    return out
