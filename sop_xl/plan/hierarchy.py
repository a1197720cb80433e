"""Product families (产品族): aggregation of items to families and months, and
disaggregation of a family quantity back to its items by proportional factors.

This is SAP PP-SOP's "aggregation and disaggregation" (综合与分解): a plan made at product
group level is broken down to materials by proportional factors, taken either from history
(each item's share of the family's shipments over a window) or given by the planner. A
disaggregation sums back exactly to the family quantity; when whole pieces are wanted the
split is rounded by the largest-remainder (Hamilton) method, which keeps every item within
one piece of its exact share and the total unchanged.

Quantities are pieces; shares and factors are fractions that sum to 1 within a family.
Pure functions over numpy/pandas, usable from worksheet functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["NO_FAMILY", "aggregate", "disaggregate", "family_of", "historical_shares",
           "largest_remainder", "normalise_factors"]

#: the family an item without one is counted under
NO_FAMILY = "(no family)"


def family_of(items: pd.Index | list[str] | np.ndarray,
              families: Mapping[str, str] | pd.Series) -> np.ndarray:
    """Each item's family; blank or missing → ``NO_FAMILY``."""
    fam = pd.Series(families, dtype=object) if not isinstance(families, pd.Series) \
        else families
    out = pd.Series(pd.Index(items)).map(fam)
    out = out.where(out.notna() & (out.astype(str).str.strip() != ""), NO_FAMILY)
    return out.astype(str).to_numpy()


def aggregate(frame: pd.DataFrame, families: Mapping[str, str] | pd.Series, *,
              value: str | list[str] = "qty", item: str = "item", period: str = "period",
              by: tuple[str, ...] = (), freq: str | None = "M") -> pd.DataFrame:
    """Sum item quantities to families and (with ``freq="M"``) calendar months.

    ``frame``: long rows with ``item``, ``period`` (pandas Period of any frequency, or a
    date) and the ``value`` column(s) in pieces. ``by`` keeps further columns (e.g.
    department) in the grouping. Returns family, period, *by, value(s), sorted; a week
    that spans two months counts in the month of its first day (use month buckets for
    exact family months)."""
    values = [value] if isinstance(value, str) else list(value)
    if frame.empty:
        cols = {"family": pd.Series(dtype=object), period: pd.Series(dtype=object)}
        cols.update({b: pd.Series(dtype=object) for b in by})
        cols.update({v: pd.Series(dtype=float) for v in values})
        return pd.DataFrame(cols)
    f = frame[[item, period, *by, *values]].copy()
    f["family"] = family_of(f[item].astype(str).to_numpy(), families)
    if freq is not None:
        p = f[period]
        if isinstance(p.dtype, pd.PeriodDtype):
            f[period] = p.dt.asfreq(freq, how="start")
        else:
            f[period] = pd.PeriodIndex(pd.to_datetime(p), freq=freq)
    out = f.groupby(["family", period, *by], sort=True, dropna=False)[values].sum()
    return out.reset_index()


def normalise_factors(weights: np.ndarray | list[float]) -> np.ndarray:
    """Weights → shares summing to 1; all-zero weights share equally.

    Raises ValueError for a negative or non-finite weight (a factor is a proportion)."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty list of numbers")
    if not np.isfinite(w).all():
        raise ValueError("weights must be finite numbers")
    if (w < 0).any():
        raise ValueError(f"weights must not be negative; got {w[w < 0][0]:g}")
    s = w.sum()
    return w / s if s > 0 else np.full(w.size, 1.0 / w.size)


def largest_remainder(total: float, weights: Sequence[float] | np.ndarray,
                      decimals: int = 0) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` into multiples of 10^-``decimals`` that
    add back exactly (largest-remainder / Hamilton method, SAP's disaggregation by
    proportional factors with rounding): each part gets the whole units of its quota, the
    units left over go to the largest fractional remainders (ties: the larger weight, then
    the earlier part). A family total of 100 split 1 : 1 : 1 gives 34, 33, 33.

    ``total`` must be a whole number of units; weights ≥ 0 with a positive sum. A negative
    total is split like its absolute value, with the sign kept."""
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
        order = np.lexsort((np.arange(w.size), -w, -(quota - base)))
        base[order[:left]] += 1
    sign = -1.0 if total < 0 else 1.0
    return np.round(sign * base * unit, decimals)


def disaggregate(total: float | np.ndarray | list[float], weights: np.ndarray | list[float],
                 *, whole: bool = False) -> np.ndarray:
    """Split a family quantity to its items by proportional factors, summing back exactly.

    ``total``: one quantity (pieces) or one per period (1-D array); ``weights``: one
    non-negative factor per item (normalised here; all zero → equal shares). Returns
    (items,) or (items × periods). ``whole=True`` gives whole pieces by the largest-
    remainder method; each total must then be a whole number (ValueError otherwise)."""
    shares = normalise_factors(weights)
    t = np.asarray(total, dtype=float)
    scalar = t.ndim == 0
    t = np.atleast_1d(t)
    if not np.isfinite(t).all():
        raise ValueError("the total to split must be a finite number")
    if not whole:
        out = shares[:, None] * t[None, :]
        # put float rounding on the largest share so the column sums back exactly
        k = int(np.argmax(shares))
        out[k] += t - out.sum(axis=0)
    else:
        if (np.abs(t - np.round(t)) > 1e-9).any():
            bad = t[np.abs(t - np.round(t)) > 1e-9][0]
            raise ValueError(f"{bad:g} is not a whole number of pieces")
        out = np.column_stack([largest_remainder(round(x), shares) for x in t])
    return out[:, 0] if scalar else out


def historical_shares(history: pd.DataFrame, families: Mapping[str, str] | pd.Series, *,
                      end: pd.Period, months: int, items: list[str] | pd.Index | None = None,
                      item: str = "item", period: str = "month",
                      value: str = "shipped_qty") -> pd.Series:
    """Each item's share of its family over the ``months`` months ending with ``end``
    (inclusive), from history rows (item, month, quantity in pieces).

    ``items``: the items to give a share (default: every item in ``families``); an item
    without history in the window gets 0; a family with no history at all in the window
    shares equally. Returns a Series indexed by item; shares sum to 1 per family."""
    fam = pd.Series(families, dtype=object) if not isinstance(families, pd.Series) \
        else families
    idx = pd.Index(items if items is not None else fam.index, dtype=object)
    start = end - months + 1
    h = history
    if not h.empty:
        h = h[(h[period] >= start) & (h[period] <= end) & h[item].isin(idx)]
    qty = (h.groupby(item)[value].sum() if not h.empty else pd.Series(dtype=float))
    qty = qty.reindex(idx).fillna(0.0).clip(lower=0.0)
    f = pd.Series(family_of(idx, fam), index=idx)
    out = pd.Series(0.0, index=idx)
    for _, members in f.groupby(f, sort=False):
        out[members.index] = normalise_factors(qty[members.index].to_numpy())
    return out
