"""Fixtures: the small company with two sales assistants, planned with a fixed forecast."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from meeting_support import fixed_forecast, new_master, run_month
from small_company import frames

P = pd.Period


def two_assistant_frames(month: str = "2026-12") -> tuple[dict[str, pd.DataFrame], dict]:
    """The small company; Li Na (Domestic Sales) forecasts A, Zhang Wei (International
    Trade) forecasts B. Each has last month's submission on file (months M−1..M+1), and Li
    Na an old row from June that is history."""
    f, s = frames(month)
    m = P(month, "M")
    f["sales_forecast"] = pd.DataFrame([
        ["Li Na", "Domestic Sales", "A", m - 6, 100.0, None],
        ["Li Na", "Domestic Sales", "A", m - 1, 95.0, None],
        ["Li Na", "Domestic Sales", "A", m, 80.0, None],
        ["Li Na", "Domestic Sales", "A", m + 1, 90.0, None],
        ["Zhang Wei", "International Trade", "B", m - 1, 45.0, None],
        ["Zhang Wei", "International Trade", "B", m, 40.0, None],
        ["Zhang Wei", "International Trade", "B", m + 1, 30.0, "Spot orders besides C2"],
    ], columns=["assistant", "department", "item", "month", "qty", "reason"])
    return f, s


@pytest.fixture
def planned(tmp_path: Path, monkeypatch) -> Path:
    """The two-assistant master after a run with the statistical forecast A 100, B 40."""
    f, s = two_assistant_frames()
    master = new_master(tmp_path / "master.xlsx", f, s)
    run_month(master, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6), monkeypatch)
    return master
