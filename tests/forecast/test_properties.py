"""Properties that hold for any demand history."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sop_xl.plan.forecast import SerialExecutor, auto_forecast, forecast_series

demand = arrays(
    np.float64,
    st.integers(1, 40),
    elements=st.one_of(st.just(0.0), st.floats(0, 1e4, allow_nan=False, allow_infinity=False)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=demand,
    horizon=st.integers(1, 12),
    model=st.sampled_from(["auto", "naive", "theta", "croston", "hw_additive"]),
)
def test_forecast_series_is_non_negative_and_horizon_long(values, horizon, model):
    fc = forecast_series(values, horizon, model=model)
    assert fc.shape == (horizon,)
    assert np.all(np.isfinite(fc)) and np.all(fc >= 0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=demand, horizon=st.integers(1, 8))
def test_intervals_are_ordered_and_non_negative(values, horizon):
    history = pd.DataFrame({"item": "X", "period": np.arange(values.size), "quantity": values})
    fc = auto_forecast(history, horizon, executor=SerialExecutor()).forecast
    assert len(fc) == horizon
    cols = ["lower_95", "lower_80", "forecast", "upper_80", "upper_95"]
    data = fc[cols].to_numpy()
    assert np.all(np.isfinite(data)) and np.all(data >= 0)
    assert np.all(np.diff(data, axis=1) >= 0)  # lower_95 ≤ lower_80 ≤ forecast ≤ ...
