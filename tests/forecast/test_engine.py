"""auto_forecast and forecast_series end to end on small seeded histories."""

import re

import numpy as np
import pandas as pd
import pytest

from sop_xl.plan.forecast import SerialExecutor, auto_forecast, forecast_series
from sop_xl.plan.forecast import item as item_module
from sop_xl.plan.forecast.models import ModelSpec

from .conftest import intermittent, long_frame, seasonal

SERIAL = SerialExecutor()


def test_output_shape_and_periods():
    history = long_frame({"B": seasonal(seed=1), "A": seasonal(seed=2, level=50)})
    result = auto_forecast(history, 6, executor=SERIAL)
    fc = result.forecast
    assert list(fc.columns) == [
        "item", "period", "forecast", "lower", "upper",
        "lower_80", "upper_80", "lower_95", "upper_95", "model",
    ]  # fmt: skip
    assert list(fc["item"]) == ["A"] * 6 + ["B"] * 6
    assert str(fc["period"].iloc[0]) == "2025-01" and str(fc["period"].iloc[5]) == "2025-06"
    assert isinstance(fc["period"].dtype, pd.PeriodDtype)
    np.testing.assert_array_equal(fc["lower"], fc["lower_95"])  # main level = highest
    assert (fc["lower_80"] >= fc["lower_95"]).all() and (fc["upper_80"] <= fc["upper_95"]).all()
    assert list(result.summary["item"]) == ["A", "B"]
    assert set(result.summary.columns) >= {"item", "demand_class", "model", "mase", "wape"}


def test_strongly_seasonal_item_gets_seasonal_models():
    history = long_frame({"S": seasonal(n=72, seed=4)})
    row = auto_forecast(history, 12, executor=SERIAL).summary.iloc[0]
    assert row["demand_class"] == "smooth" and row["seasonal"]
    members = row["model"].removeprefix("combo(").removesuffix(")").split("+")
    seasonal_member = re.compile(r"hw_.*|.*_sa|ets\(\w,\w+,[AM]\)(_bc)?")
    assert all(seasonal_member.fullmatch(m) for m in members), members
    assert row["mase"] < row["mase_naive"]


def test_seasonal_forecast_follows_the_season():
    y = seasonal(n=72, seed=5)
    fc = forecast_series(y, 12)
    expected = 100 * (1 + 0.4 * np.sin(2 * np.pi * np.arange(72, 84) / 12))
    assert np.mean(np.abs(fc - expected)) < 6  # noise sd is 3 units


def test_intermittent_item_gets_croston_family():
    history = long_frame({"I": intermittent(seed=3)})
    row = auto_forecast(history, 6, executor=SERIAL).summary.iloc[0]
    assert row["demand_class"] in ("intermittent", "lumpy")
    members = row["model"].removeprefix("combo(").removesuffix(")").split("+")
    assert {"croston", "sba", "tsb"} & set(members), row["model"]
    assert not {"holt_damped", "theta", "arima"} & set(members)


def test_new_item_from_analog():
    old = seasonal(n=48, seed=6, level=200)
    new = 0.5 * old[-5:]  # launched 5 months ago, selling half of the old item
    history = long_frame({"OLD": old, "NEW": new})
    result = auto_forecast(history, 6, executor=SERIAL, analogs={"NEW": "OLD"})
    summary = result.summary.set_index("item")
    assert summary.loc["NEW", "demand_class"] == "new"
    assert summary.loc["NEW", "model"] == "analog:OLD"
    assert "only 5 months of history: forecast from analog OLD" in summary.loc["NEW", "note"]
    fc = result.forecast.set_index(["item", "period"])["forecast"]
    np.testing.assert_allclose(fc.loc["NEW"].to_numpy(), 0.5 * fc.loc["OLD"].to_numpy())


def test_new_item_from_family_profile():
    f1, f2 = seasonal(n=48, seed=7, level=100), seasonal(n=48, seed=8, level=300)
    new = 0.1 * (f1[-4:] + f2[-4:])
    history = long_frame({"F1": f1, "F2": f2, "NEW": new})
    families = {"F1": "pumps", "F2": "pumps", "NEW": "pumps"}
    result = auto_forecast(history, 6, executor=SERIAL, families=families)
    summary = result.summary.set_index("item")
    assert summary.loc["NEW", "model"] == "family:pumps"
    assert "forecast from family pumps profile (2 items" in summary.loc["NEW", "note"]
    fc = result.forecast.set_index(["item", "period"])["forecast"]
    expected = 0.1 * (fc.loc["F1"].to_numpy() + fc.loc["F2"].to_numpy())
    np.testing.assert_allclose(fc.loc["NEW"].to_numpy(), expected)


def test_new_item_without_analog_says_so():
    history = long_frame({"OLD": seasonal(n=36), "NEW": np.array([4.0, 6.0, 5.0])})
    summary = auto_forecast(history, 3, executor=SERIAL).summary.set_index("item")
    assert summary.loc["NEW", "note"] == (
        "only 3 months of history and no usable analog or family: forecast = its average "
        "of the last 3 months"
    )


def test_new_item_ramping_up_is_forecast_at_its_recent_level():
    old = np.full(36, 100.0)
    ramp = np.array([5.0, 12, 20, 35, 45, 50])  # a launch: the first months say little
    history = long_frame({"OLD": old, "NEW": ramp, "LONE": ramp})
    result = auto_forecast(history, 4, executor=SERIAL, analogs={"NEW": "OLD"})
    fc = result.forecast.set_index(["item", "period"])["forecast"]
    # The analog sells 100 a month; the new item sold 130 in its last three months.
    np.testing.assert_allclose(fc.loc["NEW"].to_numpy(), 130 / 300 * fc.loc["OLD"].to_numpy())
    np.testing.assert_allclose(fc.loc["LONE"].to_numpy(), 130 / 3)


def test_outlier_is_flagged_and_cleaned():
    rng = np.random.default_rng(9)
    y = 300 + rng.normal(0, 10, 48)
    y[38] = 950.0  # 2024-03 in a history running 2021-01 .. 2024-12
    history = long_frame({"P": y}, start="2021-01")
    result = auto_forecast(history, 6, executor=SERIAL)
    cleaned = result.cleaned
    flagged = cleaned[cleaned["outlier"]]
    assert list(flagged["period"].astype(str)) == ["2024-03"]
    assert flagged["quantity"].iloc[0] == 950.0
    assert 270 < flagged["cleaned"].iloc[0] < 330
    note = result.summary["note"].iloc[0]
    assert note.startswith("outlier cleaned at 2024-03 (was 950, now ")
    assert result.forecast["forecast"].max() < 340  # the spike did not lift the forecast


def test_discontinued_item_forecasts_zero():
    y = np.r_[np.full(30, 20.0), np.zeros(8)]
    result = auto_forecast(long_frame({"D": y}), 4, executor=SERIAL)
    assert result.summary["demand_class"].iloc[0] == "discontinued"
    assert result.summary["note"].iloc[0].startswith("no demand in the last 8 periods")
    assert (result.forecast[["forecast", "lower", "upper"]].to_numpy() == 0).all()


def test_failing_item_falls_back_and_says_so(monkeypatch):
    def broken(y, m):
        raise RuntimeError("boom")

    spec = ModelSpec("broken", broken)
    monkeypatch.setattr(item_module, "candidates", lambda *a, **k: [spec])
    result = auto_forecast(long_frame({"X": seasonal(n=40)}), 3, executor=SERIAL)
    row = result.summary.iloc[0]
    assert row["model"] == "seasonal_naive"
    assert row["note"] == "model fitting failed (RuntimeError: boom); fallback seasonal_naive"
    assert len(result.forecast) == 3


def test_integer_periods_and_missing_months_are_zero():
    history = pd.DataFrame(
        {"item": ["A"] * 4, "period": [1, 2, 5, 6], "quantity": [5.0, 6.0, 7.0, 8.0]}
    )
    result = auto_forecast(history, 2, executor=SERIAL)
    assert list(result.forecast["period"]) == [7, 8]
    np.testing.assert_array_equal(result.cleaned["quantity"], [5, 6, 0, 0, 7, 8])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="lacks column"):
        auto_forecast(pd.DataFrame({"item": ["A"], "quantity": [1.0]}), 3)
    with pytest.raises(ValueError, match="negative"):
        auto_forecast(pd.DataFrame({"item": ["A"], "period": [1], "quantity": [-1.0]}), 3)


def test_forecast_series_by_name():
    y = np.array([10.0, 12, 11, 13, 12, 14, 13, 15])
    np.testing.assert_array_equal(forecast_series(y, 3, model="naive"), [15, 15, 15])
    np.testing.assert_allclose(forecast_series(y, 2, model="mean"), [12.5, 12.5])
    with pytest.raises(ValueError, match="unknown model"):
        forecast_series(y, 3, model="prophet")


def test_progress_is_reported():
    calls = []
    history = long_frame({f"I{i}": seasonal(n=30, seed=i) for i in range(3)})
    auto_forecast(
        history, 2, executor=SERIAL, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (3, 3)


def test_calm_and_volatile_bands_are_shrunk_towards_each_other(monkeypatch):
    from sop_xl.plan.forecast import backtest

    t = np.arange(72)
    season = 100 * (1 + 0.4 * np.sin(2 * np.pi * t / 12))
    rng = np.random.default_rng(8)
    calm, volatile = season + rng.normal(0, 2, 72), season + rng.normal(0, 12, 72)
    history = long_frame({"C": calm, "V": volatile})

    def half_widths(shrink: float) -> np.ndarray:
        monkeypatch.setattr(backtest, "SPREAD_SHRINK", shrink)
        fc = auto_forecast(history, 6, executor=SERIAL).forecast
        first = fc.groupby("item").nth(0).set_index("item")
        return (first["upper_80"] - first["forecast"]).loc[["C", "V"]].to_numpy()

    plain, shrunk = half_widths(0.0), half_widths(0.25)
    # Both items share one calibration, so at step 1 their half-widths are in the ratio of
    # their one-step sigmas; the scale-free levels are sigma_1 over the last year's mean.
    recent = np.array([calm[-12:].mean(), volatile[-12:].mean()])
    level = plain / recent  # proportional to each item's level (same calibration factor)
    assert level[1] > 3 * level[0]
    # Shrinking multiplies each sigma by (median level / level) ** 1/4; the two-item median
    # is their mean, so the calm / volatile ratio grows by (level_V / level_C) ** 1/4.
    expected = (level[1] / level[0]) ** 0.25
    assert (shrunk[0] / shrunk[1]) / (plain[0] / plain[1]) == pytest.approx(expected, rel=1e-9)
