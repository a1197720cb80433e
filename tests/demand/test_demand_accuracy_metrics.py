"""Accuracy metrics on a small table worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_xl.accuracy import achievement_rate, bias, fva, mape, mase, naive_scale, wape

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


@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1e6)), min_size=1, max_size=30))
def test_perfect_forecast_and_wape_identity(pairs):
    a = np.array([p[0] for p in pairs])
    f = np.array([p[1] for p in pairs])
    if a.sum() > 0:
        assert wape(a, a) == 0.0
        # WAPE is never below |bias|: netting errors can only shrink them
        assert wape(a, f) >= abs(bias(a, f)) - 1e-9
