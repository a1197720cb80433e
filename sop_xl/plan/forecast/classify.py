"""Demand classification of an item's history (Syntetos-Boylan 2005 ADI/CV² scheme).

ADI (average demand interval, in periods) = periods of history / periods with demand.
CV² = squared coefficient of variation of the non-zero demand sizes.
Cut-offs ADI 1.32 and CV² 0.49 are from Syntetos, Boylan & Croston (2005), "On the
categorization of demand patterns", J. Operational Research Society 56(5).

Two classes come before the scheme: an item with too little history is *new*, and an
item with no demand in its last periods is *discontinued*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49


class DemandClass(StrEnum):
    """Demand pattern of one item; it decides which models are tried."""

    SMOOTH = "smooth"
    ERRATIC = "erratic"
    INTERMITTENT = "intermittent"
    LUMPY = "lumpy"
    NEW = "new"
    DISCONTINUED = "discontinued"


@dataclass(frozen=True)
class Classification:
    """An item's demand class with the figures that decided it."""

    demand_class: DemandClass
    adi: float  # periods per period with demand; inf when there was no demand
    cv2: float  # of non-zero demand sizes; nan when fewer than two demands
    n_history: int  # periods from the first demand to the end of the data
    trailing_zeros: int  # periods without demand at the end of the data


def adi_cv2(values: np.ndarray) -> tuple[float, float]:
    """ADI (periods) and CV² (unitless) of a demand history."""
    nonzero = values[values > 0]
    if nonzero.size == 0:
        return math.inf, math.nan
    adi = values.size / nonzero.size
    if nonzero.size < 2:
        return adi, math.nan
    # scale first: squaring a tiny mean underflows to zero
    cv2 = float((nonzero / nonzero.mean()).var())
    return adi, cv2


def classify(
    values: np.ndarray, *, min_history: int = 12, inactive_periods: int = 6
) -> Classification:
    """Classify one item's history (periods from its first demand to the end of the data).

    An item is discontinued when its trailing run of zero periods is at least
    `inactive_periods` and at least three of its usual demand intervals (3 × ADI of the
    history before the run): a lumpy item with a sale every 4 months is not discontinued
    after 6 quiet months. An item is new when it has fewer than `min_history` periods.
    """
    values = np.asarray(values, dtype=float)
    n = int(values.size)
    nonzero_at = np.flatnonzero(values > 0)
    if nonzero_at.size == 0:
        return Classification(DemandClass.DISCONTINUED, math.inf, math.nan, n, n)
    trailing = n - 1 - int(nonzero_at[-1])
    adi, cv2 = adi_cv2(values[: n - trailing])
    if trailing >= max(inactive_periods, math.ceil(3 * adi)):
        return Classification(DemandClass.DISCONTINUED, adi, cv2, n, trailing)
    if n < min_history:
        return Classification(DemandClass.NEW, adi, cv2, n, trailing)
    adi, cv2 = adi_cv2(values)
    erratic = not math.isnan(cv2) and cv2 >= CV2_CUTOFF
    if adi < ADI_CUTOFF:
        demand_class = DemandClass.ERRATIC if erratic else DemandClass.SMOOTH
    else:
        demand_class = DemandClass.LUMPY if erratic else DemandClass.INTERMITTENT
    return Classification(demand_class, adi, cv2, n, trailing)
