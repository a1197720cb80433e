"""Outlier cleaning, the seasonality tests and working days, on seeded histories."""

import numpy as np
import pandas as pd

from sop_xl.plan.forecast import SerialExecutor, auto_forecast
from sop_xl.plan.forecast.cleaning import (
    Seasonality,
    acf_test,
    clean_outliers,
    dummy_test,
    seasonality,
)

from .conftest import long_frame

TREND = 474 + np.cumsum(np.r_[0, np.full(35, 9.5)]) + np.tile([0, 3, -2, 1], 9)


def test_a_smooth_trend_has_no_outliers_at_its_ends():
    # A one-sided median of a rising series lies above its first month and below its last.
    assert not clean_outliers(TREND, 4, seasonal=False).outlier.any()


def test_spikes_and_dips_at_the_ends_are_found_and_replaced_on_the_trend():
    for pos, value in ((0, 1500.0), (-1, 3000.0), (-1, 100.0)):
        y = TREND.copy()
        y[pos] = value
        cleaning = clean_outliers(y, 4, seasonal=False)
        assert np.flatnonzero(cleaning.outlier).tolist() == [pos % y.size]
        expected = TREND[pos]  # on the line through the neighbours, not their median
        assert abs(cleaning.values[pos] - expected) < 0.03 * expected


def test_small_wiggles_of_a_smooth_series_are_not_outliers():
    y = TREND.copy()
    y[20] *= 1.15  # a robust z far above 5 on this smooth series, but only 15 % off
    assert not clean_outliers(y, 4, seasonal=False).outlier.any()


def test_seasonality_of_short_and_long_histories():
    rng = np.random.default_rng(4)
    t = np.arange(72)
    season = 200 * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) * (1 + rng.normal(0, 0.05, 72))
    walk = 200 + np.cumsum(rng.normal(0, 8, 72))
    # 36 months: the autocorrelation test misses this season, the F-test finds it.
    assert not acf_test(season[:36], 12) and dummy_test(season[:36], 12)
    assert seasonality(season[:36], 12) is Seasonality.YES
    assert seasonality(season, 12) is Seasonality.YES
    # A wandering level is no season (differences); short histories are "perhaps".
    assert not dummy_test(walk, 12)
    assert seasonality(walk, 12) is Seasonality.NO
    assert seasonality(walk[:36], 12) is Seasonality.MAYBE
    assert seasonality(season[:23], 12) is Seasonality.NO  # under two seasons


def test_a_36_month_season_is_forecast():
    rng = np.random.default_rng(9)
    t = np.arange(48)
    mean = 200 * (1 + 0.25 * np.sin(2 * np.pi * t / 12))
    y = np.round(mean[:36] * (1 + rng.normal(0, 0.08, 36)))
    fc = auto_forecast(long_frame({"S": y}), 12, executor=SerialExecutor()).forecast
    forecast = fc["forecast"].to_numpy()
    assert np.corrcoef(forecast, mean[36:])[0, 1] > 0.9
    assert np.mean(np.abs(forecast - mean[36:])) < 0.1 * 200


def test_a_spike_is_cleaned_the_same_with_or_without_working_days():
    rng = np.random.default_rng(1)
    periods = pd.period_range("2023-01", periods=36, freq="M")
    factors = {p: (0.65 if p.month == 2 else 1.14 if p.month == 7 else 1.0) for p in periods}
    factors.update({p: 1.0 for p in pd.period_range("2026-01", periods=6, freq="M")})
    rate = 60 * (1 + rng.normal(0, 0.15, 36))
    y = np.round(rate * np.array([factors[p] for p in periods]))
    y[18] = 420.0  # July 2024: about 6x a normal July
    history = pd.DataFrame({"item": "P", "period": periods, "quantity": y})
    cleaned = {}
    for per_day in (True, False):
        result = auto_forecast(history, 6, executor=SerialExecutor(), working_days=factors,
                               per_working_day=per_day)
        c = result.cleaned
        cleaned[per_day] = c.loc[c["outlier"], ["period", "cleaned"]]
        assert list(cleaned[per_day]["period"].astype(str)) == ["2024-07"]
        # cleaned history is in calendar months either way
        assert 40 < cleaned[per_day]["cleaned"].iloc[0] < 110
    np.testing.assert_allclose(cleaned[True]["cleaned"], cleaned[False]["cleaned"])
