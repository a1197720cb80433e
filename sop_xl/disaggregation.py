"""Disaggregation of a total by proportional factors, in whole units that add up exactly.

A family total of 100 split 1 : 1 : 1 must give 34, 33, 33 — not 33.33 three times, which
no plant can build, nor 33, 33, 33, which loses a piece. The largest-remainder (Hamilton)
method gives each part the whole units of its exact quota and hands the units left over
to the parts with the largest fractional remainders (ties: the larger weight, then the
earlier part), so the parts always add back to the total — SAP's disaggregation by
proportional factors with rounding.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["largest_remainder"]


def largest_remainder(total: float, weights: Sequence[float] | np.ndarray,
                      decimals: int = 0) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` into multiples of 10^-``decimals``.

    ``total`` must itself be a whole number of those units; weights must be ≥ 0 with a
    positive sum. A negative total is split like its absolute value, with the sign kept.
    """
    w = np.asarray(weights, dtype=float).ravel()
    if w.size == 0:
        raise ValueError("there are no weights to split the total by")
    if np.isnan(w).any() or (w < 0).any():
        raise ValueError("weights must be numbers ≥ 0")
    if w.sum() <= 0:
        raise ValueError("weights add up to 0; nothing to split by")
    if decimals < 0 or decimals > 9:
        raise ValueError(f"decimals must be between 0 and 9; got {decimals}")
    unit = 10.0 ** -decimals
    units = round(abs(total) / unit)
    if abs(units * unit - abs(total)) > 1e-9 * max(1.0, abs(total)):
        raise ValueError(f"total {total:g} is not a whole number of {unit:g}; "
                         f"use more decimals")
    # quotas rounded to 1e-9 so 2.9999999999 from float division counts as 3
    quota = np.round(units * w / w.sum(), 9)
    base = np.floor(quota)
    left = round(units - base.sum())
    if left > 0:
        # largest remainder first; then larger weight; then earlier position (stable)
        order = np.lexsort((np.arange(w.size), -w, -(quota - base)))
        base[order[:left]] += 1
    sign = -1.0 if total < 0 else 1.0
    return np.round(sign * base * unit, decimals)
