"""Working-day adjustment of monthly demand (春节效应): the same business ships less in a
month with fewer working days, and Spring Festival moves between January and February.

auto_forecast(working_days=day_factors(...)) divides history by each month's working days
relative to the average month before the models see it, and multiplies the forecast back
by the working days of the months it covers — so a seasonal model does not have to learn a
holiday that moves, and February 2027 with its shutdown is forecast low because the factory
calendar says so. Outliers are looked for per working day even when the models work per
calendar month, so the same months are cleaned in both modes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def day_factors(days: Mapping[pd.Period, float]) -> dict[pd.Period, float]:
    """Each month's working days ÷ the average month's (1.0 = an average month)."""
    values = np.array([d for d in days.values() if d > 0], dtype=float)
    mean = float(values.mean()) if values.size else 0.0
    return {m: (d / mean if mean > 0 and d > 0 else 1.0) for m, d in days.items()}
