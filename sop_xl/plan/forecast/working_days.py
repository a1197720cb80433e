"""Working-day adjustment of monthly demand (春节效应): the same business ships less in a
month with fewer working days, and Spring Festival moves between January and February.

History is divided by each month's working days relative to the average month before the
models see it, and the forecast is multiplied back by the working days of the months it
covers — so a seasonal model does not have to learn a holiday that moves, and February
2027 with its shutdown is forecast low because the factory calendar says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

FORECAST_COLUMNS = ("forecast", "lower", "upper")


def day_factors(days: Mapping[pd.Period, float]) -> dict[pd.Period, float]:
    """Each month's working days ÷ the average month's (1.0 = an average month)."""
    values = np.array([d for d in days.values() if d > 0], dtype=float)
    mean = float(values.mean()) if values.size else 0.0
    return {m: (d / mean if mean > 0 and d > 0 else 1.0) for m, d in days.items()}


def to_average_month(history: pd.DataFrame, factors: Mapping[pd.Period, float]) -> pd.DataFrame:
    """History (item, period, quantity) restated as pieces per average-length month."""
    if history.empty:
        return history
    f = history["period"].map(factors).fillna(1.0).to_numpy(float)
    return history.assign(quantity=history["quantity"].to_numpy(float) / f)


def to_calendar_month(frame: pd.DataFrame, factors: Mapping[pd.Period, float],
                      columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Forecast rows (item, period, forecast, lower, upper, …) back in pieces per calendar
    month: each value × its month's working-day factor."""
    if frame.empty or "period" not in frame:
        return frame
    f = frame["period"].map(factors).fillna(1.0).to_numpy(float)
    cols = columns or tuple(c for c in frame.columns if c in FORECAST_COLUMNS
                            or c.startswith(("lower_", "upper_")))
    return frame.assign(**{c: frame[c].to_numpy(float) * f for c in cols})
