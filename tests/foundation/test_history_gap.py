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


class _Inputs:
    """What shipped_history reads: the history, the finished goods, the planning month."""

    def __init__(self, history: pd.DataFrame) -> None:
        self.sales_history = history
        self.settings = type("S", (), {"planning_month": pd.Period("2026-12", "M")})

    def items_of_type(self, kind: str) -> pd.DataFrame:
        return pd.DataFrame({"item": ["A", "B", "C"]})


def test_the_monthly_history_is_zero_filled_from_each_items_first_month():
    p = pd.Period
    h = pd.DataFrame({
        "item": ["B", "A", "A", "A", "B", "C", "X"],
        "month": [p("2026-10", "M"), p("2026-08", "M"), p("2026-08", "M"),
                  p("2026-11", "M"), p("2026-12", "M"), p("2026-12", "M"),
                  p("2026-09", "M")],
        "shipped_qty": [5.0, 3.0, 4.0, 6.0, 99.0, 7.0, 1.0]})
    got = month.shipped_history(_Inputs(h))
    # A: Aug 3 + 4, Sep and Oct nothing sold (zero), Nov 6; B: Oct 5, Nov zero, its
    # December row is the planning month (not history yet); C has only December: no
    # history; X is not a finished good
    assert got["item"].tolist() == ["A", "A", "A", "A", "B", "B"]
    assert got["period"].astype(str).tolist() == ["2026-08", "2026-09", "2026-10",
                                                  "2026-11", "2026-10", "2026-11"]
    assert got["quantity"].tolist() == [7.0, 0.0, 0.0, 6.0, 5.0, 0.0]
