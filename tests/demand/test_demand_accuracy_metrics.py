"""Accuracy metrics on a small table worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_xl.plan.accuracy import (
    achievement_rate,
    bias,
    comparison_rows,
    fva,
    mape,
    mase,
    naive_scale,
    scorecard,
    wape,
)

P = pd.Period

ACTUAL = [90.0, 110.0, 50.0]
FORECAST = [100.0, 100.0, 40.0]


def test_achievement_rate_is_actual_over_forecast():
    # Σ actual 250 ÷ Σ forecast 240
    assert achievement_rate(ACTUAL, FORECAST) == pytest.approx(250 / 240)
    assert achievement_rate([80], [100]) == pytest.approx(0.8)  # 20 % short
    assert math.isnan(achievement_rate([5], [0]))


def test_error_measures_by_hand():
    # errors 10, 10, 10
    assert wape(ACTUAL, FORECAST) == pytest.approx(30 / 250)
    assert mape(ACTUAL, FORECAST) == pytest.approx((10 / 90 + 10 / 110 + 10 / 50) / 3)
    assert bias(ACTUAL, FORECAST) == pytest.approx((240 - 250) / 250)
    # in-sample 10, 20, 15, 25: changes 10, 5, 10 → scale 25/3; MAE 10 → 1.2
    assert naive_scale([10, 20, 15, 25]) == pytest.approx(25 / 3)
    assert mase(ACTUAL, FORECAST, insample=[10, 20, 15, 25]) == pytest.approx(1.2)
    # one scale per pair: errors 10, 10, 10 over scales 10, 20, 5 → mean(1, 0.5, 2)
    assert mase(ACTUAL, FORECAST, scale=[10, 20, 5]) == pytest.approx(3.5 / 3)


def test_mape_skips_zero_actuals_and_blanks_are_ignored():
    assert mape([0, 100], [5, 90]) == pytest.approx(0.1)
    assert wape([90, np.nan, 110], [100, 7, 100]) == pytest.approx(20 / 200)
    assert achievement_rate([90, 110, np.nan], [100, 100, 50]) == pytest.approx(1.0)


def test_forecast_value_added():
    # the sales forecast misses by 30 in all (WAPE 0.12), naive by 60 (WAPE 0.24):
    # FVA = 0.24 − 0.12 = +0.12, the sales forecast adds value
    naive = [120.0, 80.0, 50.0]
    assert fva(ACTUAL, FORECAST, naive) == pytest.approx(60 / 250 - 30 / 250)
    # compared on the same pairs only: the reference's blank drops the third pair
    assert fva(ACTUAL, FORECAST, [120.0, 80.0, np.nan]) == pytest.approx(60 / 200 - 20 / 200)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="3 values but forecast has 2"):
        wape([1, 2, 3], [1, 2])


_PCS = st.floats(0, 1e6).map(lambda x: round(x, 3))  # quantities in pieces, to 0.001


@given(st.lists(st.tuples(_PCS, _PCS), min_size=1, max_size=30))
def test_perfect_forecast_and_wape_identity(pairs):
    a = np.array([p[0] for p in pairs])
    f = np.array([p[1] for p in pairs])
    if a.sum() > 0:
        assert wape(a, a) == 0.0
        # WAPE is never below |bias|: netting errors can only shrink them (to float
        # rounding, relative: both reach 2e7 when the actuals are tiny)
        assert wape(a, f) >= abs(bias(a, f)) * (1 - 1e-12) - 1e-9


def test_kpis_share_item_forecasts_to_departments_and_assistants():
    """Item X ships 60 (D1) and 40 (D2) a month in Sep-Nov 2026, then 70 and 20 in
    December. Made in November for December: statistical 100; S1 and S2 of D1 forecast
    50 and 30, S3 of D2 forecasts 25 (sales views, pieces)."""
    hist = pd.DataFrame(
        [("X", P(m, "M"), d, q) for m in ("2026-09", "2026-10", "2026-11")
         for d, q in (("D1", 60.0), ("D2", 40.0))]
        + [("X", P("2026-12", "M"), "D1", 70.0), ("X", P("2026-12", "M"), "D2", 20.0)],
        columns=["item", "month", "department", "shipped_qty"])
    nov, dec = P("2026-11", "M"), P("2026-12", "M")
    arch = pd.DataFrame(
        [(nov, dec, 1, "statistical", "", "", "X", 100.0),
         (nov, dec, 1, "sales", "S1", "D1", "X", 50.0),
         (nov, dec, 1, "sales", "S2", "D1", "X", 30.0),
         (nov, dec, 1, "sales", "S3", "D2", "X", 25.0)],
        columns=["made_month", "month", "lag", "source", "assistant", "department", "item",
                 "qty"])
    rows = comparison_rows(arch, hist, planning_month=P("2027-01", "M"), share_months=3)
    r = rows.set_index("assistant")
    # D1 holds 60 % of X: statistical 60, actual 70, shared 50:30 between S1 and S2
    assert r.loc["S1", ["actual", "statistical", "naive"]].tolist() == \
        pytest.approx([70 * 50 / 80, 60 * 50 / 80, 60 * 50 / 80])
    assert r.loc["S3", ["actual", "statistical", "sales", "naive"]].tolist() == \
        pytest.approx([20, 40, 25, 40])
    k = scorecard(rows, {"X": "F"}).set_index(["level", "key", "source"])
    d1 = k.loc[("department", "D1", "sales")]
    assert (d1["actual"], d1["forecast"]) == pytest.approx((70, 80))
    assert d1["wape"] == pytest.approx(10 / 70) and d1["fva_stat"] == pytest.approx(0.0)
    s3 = k.loc[("assistant", "S3", "sales")]
    assert s3["wape"] == pytest.approx(0.25) and s3["fva_stat"] == pytest.approx(1.0 - 0.25)
    t = k.loc[("total", "", "statistical")]
    assert t["achievement"] == pytest.approx(0.9) and t["wape"] == pytest.approx(30 / 90)
    assert k.loc[("item", "X", "sales"), "achievement"] == pytest.approx(90 / 105)
