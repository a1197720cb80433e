"""The pure rules of the sales-assistant round: who forecasts what, the statistical
reference, the deviation flag and the achievement rate."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from small_company import frames

from sop_xl.contract.planning_inputs import Inputs
from sop_xl.contract.settings import Settings
from sop_xl.faces.assistants import achievement, assign, needs_reason
from sop_xl.faces.assistants.figures import (
    achievement_total,
    department_shares,
    figures_for,
    known_demand,
)

M = pd.Period("2026-12", "M")
DOM, INT = "Domestic Sales", "International Trade"


def _items() -> pd.DataFrame:
    rows = [("X1", "Pumps", "active"), ("X2", "Pumps", "active"), ("X3", "Valves", "active"),
            ("X4", "Pumps", "discontinued"), ("X5", "Valves", "active"),
            ("X6", "Pumps", "new"), ("X7", "Valves", "active")]
    f = pd.DataFrame(rows, columns=["item", "family", "status"])
    f["item_type"] = "FG"
    return pd.concat([f, pd.DataFrame([{"item": "R", "family": None, "status": "active",
                                        "item_type": "RM"}])], ignore_index=True)


def _forecasts(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["assistant", "department", "item", "month", "qty"])


def _history(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["department", "item", "month", "shipped_qty"])


def test_split_rule_own_rows_then_the_departments_sales_then_unassigned():
    sf = _forecasts([("Li Na", DOM, "X1", M, 10.0), ("Li Na", DOM, "X2", M - 1, 5.0),
                     ("Li Na", DOM, "X3", M - 3, 5.0),      # older: assigns nothing
                     ("Wang Fang", DOM, "X5", M + 1, 8.0)])
    h = _history([(DOM, "X3", M - 2, 4.0),    # a valve nobody in Domestic forecasts
                  (DOM, "X6", M - 1, 2.0),    # a new pump
                  (DOM, "X4", M - 1, 1.0),    # discontinued: never sent out
                  (DOM, "X7", M - 13, 9.0),   # sold more than 12 months ago only
                  (INT, "X1", M - 1, 3.0),    # no International Trade assistant
                  (INT, "R", M - 1, 3.0)])    # not a finished good
    a = assign(sf, h, _items(), M)
    assert a.assistants() == ["Li Na", "Wang Fang"]
    assert a.by_assistant["Li Na"].items == ("X1", "X2", "X6")       # Items-sheet order
    assert a.by_assistant["Li Na"].from_history == ("X6",)
    assert a.by_assistant["Wang Fang"].items == ("X3", "X5")
    assert a.by_assistant["Wang Fang"].department == DOM
    assert a.unassigned.values.tolist() == [[INT, "X1", "Pumps"]]


def _inputs(**frames_) -> Inputs:
    f, s = frames()
    f.update(frames_)
    return Inputs(settings=Settings.from_values(s), **f)


def test_shares_and_reference_per_department():
    # A sold 60 by Domestic Sales and 40 by International Trade over the last year
    h = _history([(DOM, "A", M - 1, 60.0), (INT, "A", M - 2, 40.0),
                  (DOM, "A", M - 20, 500.0)])          # older than 12 months: not used
    hist = h.assign(channel=None, ordered_qty=h["shipped_qty"])
    sf = _forecasts([("Li Na", DOM, "A", M, 50.0), ("Zhang Wei", INT, "A", M, 30.0)]) \
        .assign(reason=None)
    inputs = _inputs(sales_history=hist, sales_forecast=sf)
    a = assign(sf, hist, inputs.items, M)
    shares = department_shares(hist, M, a)
    assert shares == {("Li Na", "A"): pytest.approx(0.6), ("Zhang Wei", "A"): pytest.approx(0.4)}
    # Domestic Sales has C1 (20 of A in December) and P1 (50 × 0.5 in February)
    assert known_demand(inputs, DOM).to_dict() == {("A", M): 20.0, ("A", M + 2): 25.0}
    assert known_demand(inputs, INT).get(("A", M), 0.0) == 0.0
    stat = pd.DataFrame({"item": "A", "period": [M + k for k in range(4)],
                         "forecast": 100.0})
    li = figures_for(a.by_assistant["Li Na"], inputs, stat, shares).lines
    zw = figures_for(a.by_assistant["Zhang Wei"], inputs, stat, shares).lines
    assert li["reference"].tolist() == [40, 60, 35, 60]     # 0.6 × 100 − 20, −0, −25, −0
    assert zw["reference"].tolist() == [40, 40, 40, 40]     # 0.4 × 100, no contracts
    assert (li["reference"] + li["known"]).tolist() == [60] * 4  # ahead of contracts


def test_flag_and_achievement_by_hand():
    assert needs_reason(121, 100, 0.2) and not needs_reason(120, 100, 0.2)
    assert needs_reason(79, 100, 0.2) and not needs_reason(80, 100, 0.2)
    assert needs_reason(1, 0, 0.2) and not needs_reason(0, 0, 0.2)
    # achievement = shipped ÷ forecast, the one definition sop_xl uses (sop_xl.plan.accuracy)
    assert achievement(122, 95) == pytest.approx(122 / 95)
    assert achievement(100, 250) == pytest.approx(0.4)
    assert math.isnan(achievement(5, 0)) and math.isnan(achievement(10, float("nan")))
    assert achievement_total([100, 50], [90, 70]) == pytest.approx(150 / 160)


qty = st.floats(0, 1e6, allow_nan=False)


@given(qty, qty, st.floats(0, 10))
def test_flag_properties(q, r, t):
    assert not needs_reason(r, r, t)                         # on the reference: no flag
    if needs_reason(q, r, t + 0.5):                          # a looser threshold flags less
        assert needs_reason(q, r, t)


@given(qty, st.floats(1e-3, 1e6))
def test_achievement_properties(a, f):
    v = achievement(a, f)
    assert v >= 0.0
    assert achievement(f, f) == 1.0
    assert v == pytest.approx(achievement_total([a], [f]))
