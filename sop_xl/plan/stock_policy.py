"""Stock-policy formulas a planner types into cells: safety stock and days of supply.

Safety stock for a cycle service level (the probability of no stock-out while a
replenishment is on its way) under normally distributed demand::

    SS = z × σ × √L

with z the standard normal quantile of the service level, σ the standard deviation of
demand per period (pieces) and L the lead time in the same periods (Silver, Pyke &
Peterson, *Inventory Management and Production Planning and Scheduling*, 3rd ed., §7.7).
When only a demand history is at hand, σ is its sample standard deviation.

Days of supply is stock ÷ average demand per working day, the formula the MPS and
projection grids use (sop_xl.plan.mps.days_of_supply).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

__all__ = ["days_of_supply", "demand_sigma", "safety_stock", "z_value"]


def z_value(service_level: float) -> float:
    """Standard normal quantile of a service level strictly between 0 and 1 (0.95 → 1.645)."""
    p = float(service_level)
    if not 0.0 < p < 1.0 or math.isnan(p):
        raise ValueError(f"service level must be between 0 and 1 (e.g. 95%); got {service_level:g}")
    return NormalDist().inv_cdf(p)


def demand_sigma(history: Sequence[float] | np.ndarray) -> float:
    """Sample standard deviation (n − 1) of demand per period, from at least two periods."""
    y = np.asarray(history, dtype=float)
    y = y[~np.isnan(y)]
    if y.size < 2:
        raise ValueError(f"a demand history needs at least 2 periods to estimate its spread; "
                         f"got {y.size}")
    return float(np.std(y, ddof=1))


def safety_stock(sigma: float, lead_time: float, service_level: float) -> float:
    """z × σ × √(lead time) in pieces; ``sigma`` per period, ``lead_time`` in periods."""
    if sigma < 0 or math.isnan(sigma):
        raise ValueError(f"the demand standard deviation must be ≥ 0; got {sigma:g}")
    if lead_time < 0 or math.isnan(lead_time):
        raise ValueError(f"lead time must be ≥ 0; got {lead_time:g}")
    return z_value(service_level) * sigma * math.sqrt(lead_time)


def days_of_supply(on_hand: float, demand: Sequence[float] | np.ndarray,
                   working_days: Sequence[float] | np.ndarray) -> float:
    """Days the stock lasts: on hand ÷ (Σ demand ÷ Σ working days) of the coming periods.

    Negative stock counts as none (0 days), as in the planning grids; NaN when no demand
    follows (stock that never runs out has no finite cover)."""
    d = np.asarray(demand, dtype=float)
    w = np.asarray(working_days, dtype=float)
    if d.shape != w.shape:
        raise ValueError(f"demand has {d.size} periods but working days {w.size}")
    if (d < 0).any():
        raise ValueError("demand cannot be negative")
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("working days must be ≥ 0 and add up to more than 0")
    total = d.sum()
    if total <= 0:
        return math.nan
    return max(float(on_hand), 0.0) / (total / w.sum())
