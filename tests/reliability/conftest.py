"""Fixtures for the reliability tests: a small master workbook written by sop_xl."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_company import frames

from sop_xl.template import write_master


@pytest.fixture
def master(tmp_path: Path) -> Path:
    """A fresh, valid master workbook of the small company (English)."""
    f, s = frames()
    return write_master(tmp_path / "master.xlsx", f, s)
