"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from sop_xl.plan.forecast import ForecastResult


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sheet_parts(path: Path) -> dict[str, str]:
    """sheet name → its worksheet part, read namespace-aware (any producer's prefixes)."""
    from sop_xl.workbook.package import Package

    pkg = Package(path)
    try:
        return {s.name: s.part for s in pkg.sheets}
    finally:
        pkg.close()


def fixed_forecast(levels: dict[str, float], first: str, n: int) -> ForecastResult:
    """A flat statistical forecast: ``levels[item]`` pieces a month for ``n`` months."""
    months = pd.period_range(first, periods=n, freq="M")
    rows = [(i, m, q) for i, q in levels.items() for m in months]
    f = pd.DataFrame(rows, columns=["item", "period", "forecast"])
    f["lower"], f["upper"], f["model"] = f["forecast"] * 0.8, f["forecast"] * 1.2, "fixed"
    return ForecastResult(f, pd.DataFrame(), pd.DataFrame())


def small_company_run(path: Path):
    """A PlanRun of the small company's master (tests/small_company.py) with its flat
    forecast fixed (A 100, B 40 pieces a month from December, six months)."""
    from sop_xl.app.cycle import PlanRun
    from sop_xl.app.master import MasterWorkbook

    book = MasterWorkbook.open(path)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    run.__dict__["forecast"] = fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)
    return run
