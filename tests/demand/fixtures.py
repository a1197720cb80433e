"""Helpers and fixtures for the demand-side tests: the small company as validated inputs,
in memory or in a real workbook file, and a statistical forecast with round numbers (the
forecast engine is another engineer's; these tests check what the demand side does with it)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.plan import month
from sop_xl.plan.forecast import ForecastResult
from sop_xl.plan.month import forecast_result
from sop_xl.workbook.memory import MemoryBackend
from tests.small_company import frames

#: the statistical forecast the fake engine gives: pieces per month, every month
STAT = {"A": 100.0, "B": 40.0}


def company(month: str = "2026-12") -> tuple[dict[str, pd.DataFrame], dict]:
    f, s = frames(month)
    return copy.deepcopy(f), dict(s)


def make_inputs(f: dict[str, pd.DataFrame], s: dict) -> Inputs:
    """Validated inputs, read through the contract from an in-memory workbook."""
    backend = MemoryBackend()
    backend.write_sheets(input_sheets(f, {**s, "language": "en"}, "en"))
    return MasterWorkbook(backend).read_inputs()


def stat_frame(first: pd.Period, months: int, values: dict[str, float] = STAT,
               ) -> pd.DataFrame:
    """Monthly forecast frame: item, period, forecast (constant per item)."""
    rows = [(item, first + k, v) for item, v in values.items() for k in range(months)]
    return pd.DataFrame(rows, columns=["item", "period", "forecast"])


def fake_auto_forecast(values: dict[str, float] = STAT) -> Callable[..., ForecastResult]:
    """An ``auto_forecast`` stand-in: constant forecasts, ±10 % interval, one outlier
    flagged in each item's history, a note for items with under 24 months."""

    def run(history: pd.DataFrame, horizon: int, season_length: int = 12, executor=None,
            **kw) -> ForecastResult:
        items = sorted(history["item"].unique())
        last = history["period"].max()
        f = stat_frame(last + 1, horizon, {i: values.get(i, 10.0) for i in items})
        f["lower"] = f["forecast"] * 0.9
        f["upper"] = f["forecast"] * 1.1
        f["model"] = "fake"
        cleaned = history.rename(columns={"quantity": "quantity"}).copy()
        cleaned["cleaned"] = cleaned["quantity"]
        cleaned["outlier"] = False
        for item in items:  # the item's third month is an outlier, cleaned to half
            idx = cleaned.index[cleaned["item"] == item][2]
            cleaned.loc[idx, "outlier"] = True
            cleaned.loc[idx, "cleaned"] = cleaned.loc[idx, "quantity"] / 2
        n = history.groupby("item").size()
        summary = pd.DataFrame({
            "item": items, "demand_class": "smooth", "model": "fake",
            "mase": 0.5, "wape": 0.1, "n_history": [int(n[i]) for i in items],
            "note": ["" if n[i] >= 24 else f"only {n[i]} months of history" for i in items]})
        return forecast_result(f.reset_index(drop=True), summary, cleaned, 0.95)

    return run


@pytest.fixture
def fake_forecast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(month, "auto_forecast", fake_auto_forecast())


@pytest.fixture
def master(tmp_path: Path) -> Callable[..., Path]:
    """A master workbook file holding the small company (changed by ``edit``)."""

    def build(edit: Callable[[dict, dict], None] | None = None, month: str = "2026-12",
              name: str = "master.xlsx") -> Path:
        f, s = company(month)
        if edit is not None:
            edit(f, s)
        return write_master(tmp_path / name, f, s, force=True)

    return build


def grid_values(book: MasterWorkbook, key: str, measure: str) -> pd.DataFrame:
    """One measure of a grid sheet as a (block key × period) table."""
    g = book.read_output_grid(key)
    first = g.columns[0]
    g = g[g["measure"] == measure]
    return g.pivot_table(index=first, columns="period", values="value", sort=False)


def nan_equal(a, b) -> bool:
    return bool(np.allclose(np.asarray(a, float), np.asarray(b, float), equal_nan=True))
