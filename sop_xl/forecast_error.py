"""Forecast error and achievement over paired periods of actuals and forecasts.

* achievement rate (预测达成率) = Σ actual ÷ Σ forecast — what sales delivered of what
  it forecast; 100 % is on target;
* WAPE = Σ |actual − forecast| ÷ Σ |actual| — weighted absolute percentage error;
* MAPE = mean over periods with actual ≠ 0 of |actual − forecast| ÷ |actual|.

Definitions as in Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd
ed., §5.8, and Kolassa & Schütz (2007) for WAPE. Periods where either value is missing
(NaN, a blank cell) are left out of all three. Results are fractions (0.12 = 12 %).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["achievement_rate", "mape", "paired", "wape"]

Values = Sequence[float] | np.ndarray


def paired(actual: Values, forecast: Values) -> tuple[np.ndarray, np.ndarray]:
    """Actual and forecast as float arrays, periods with a missing value dropped."""
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    if a.shape != f.shape:
        raise ValueError(f"actual has {a.size} periods but forecast {f.size}")
    keep = ~(np.isnan(a) | np.isnan(f))
    if not keep.any():
        raise ValueError("no period has both an actual and a forecast")
    return a[keep], f[keep]


def achievement_rate(actual: Values, forecast: Values) -> float:
    """Σ actual ÷ Σ forecast."""
    a, f = paired(actual, forecast)
    if f.sum() == 0:
        raise ValueError("the forecast adds up to 0; achievement is undefined")
    return float(a.sum() / f.sum())


def wape(actual: Values, forecast: Values) -> float:
    """Σ |actual − forecast| ÷ Σ |actual|."""
    a, f = paired(actual, forecast)
    scale = np.abs(a).sum()
    if scale == 0:
        raise ValueError("actuals add up to 0; WAPE is undefined")
    return float(np.abs(a - f).sum() / scale)


def mape(actual: Values, forecast: Values) -> float:
    """Mean of |actual − forecast| ÷ |actual| over periods with a non-zero actual."""
    a, f = paired(actual, forecast)
    nz = a != 0
    if not nz.any():
        raise ValueError("every actual is 0; MAPE is undefined")
    return float(np.mean(np.abs(a[nz] - f[nz]) / np.abs(a[nz])))
