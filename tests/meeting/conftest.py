"""Fixtures: the small company with two sales assistants, planned with a fixed forecast."""

from __future__ import annotations

from pathlib import Path

import pytest
from meeting_support import fixed_forecast, new_master, run_month, two_assistant_frames


@pytest.fixture
def planned(tmp_path: Path, monkeypatch) -> Path:
    """The two-assistant master after a run with the statistical forecast A 100, B 40."""
    f, s = two_assistant_frames()
    master = new_master(tmp_path / "master.xlsx", f, s)
    run_month(master, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6), monkeypatch)
    return master
