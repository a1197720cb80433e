"""Last month not closed yet: no SalesHistory row for any item in M−1. The forecast must
not read it as a month of zero sales, and must still start in the planning month."""

from __future__ import annotations

import pandas as pd
import pytest
from small_company import frames

from sop_xl.app.cycle import PlanRun
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.plan import month


def _forecast(tmp_path, drop_last: bool) -> pd.DataFrame:
    f, s = frames()
    h = f["sales_history"]
    if drop_last:
        f["sales_history"] = h[h["month"] < s["planning_month"] - 1]
    path = write_master(tmp_path / f"m{drop_last}.xlsx", f, s)
    book = MasterWorkbook.open(path)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=True)
    hist = month.shipped_history(run.inputs)
    assert hist["period"].max() == s["planning_month"] - (2 if drop_last else 1)
    fc = run.forecast.forecast
    return fc[fc["item"] == "B"]


def test_an_open_last_month_is_not_zero_sales(tmp_path):
    # B ships a steady 40 a month: with November missing, the forecast stays near 40
    b = _forecast(tmp_path, drop_last=True)
    assert b["period"].min() == pd.Period("2026-12", "M")
    assert len(b) >= 6
    assert b["forecast"].iloc[0] == pytest.approx(40, rel=0.05)
