"""The master production schedule (主生产计划) for finished goods.

Per item and bucket: demand from the demand plan (forecast part + customer orders), on
hand, scheduled receipts and safety stock give a suggested production by the item's lot
rule. Inside the frozen fence (锁定期) production stays at the previous version's firm
quantities; a cell the planner changed on the MPS sheet is kept as firmed. Projected on
hand, discrete available-to-promise and days of supply follow. Pieces per bucket.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sop_xl.lot_sizing import LotRules, size


@dataclass
class MPSResult:
    """Rows of the MPS grid, each (items × buckets), plus cell states for colouring."""

    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]
    on_hand: np.ndarray
    states: np.ndarray  # object: None, "cell_firmed", "cell_less", "cell_more"
    frozen_changes: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


def plan(forecast: np.ndarray, orders: np.ndarray, on_hand: np.ndarray,
         receipts: np.ndarray, safety_stock: np.ndarray, rules: LotRules,
         workdays: np.ndarray, *, items: pd.Index, periods: list[str],
         frozen: int = 0, frozen_qty: np.ndarray | None = None,
         firm: np.ndarray | None = None) -> MPSResult:
    """Plan production for each item (row) and bucket (column).

    ``frozen_qty``: the previous version's production for the first ``frozen`` buckets
    (NaN = none); when None there is no previous version and nothing is frozen.
    ``firm``: quantities a planner fixed on the MPS sheet (NaN = not fixed).
    """
    n, h = forecast.shape
    demand = forecast + orders
    cum = np.concatenate([np.zeros((n, 1)), np.cumsum(demand, axis=1)], axis=1)
    production = np.zeros((n, h))
    suggested = np.zeros((n, h))
    projected = np.zeros((n, h))
    states = np.full((n, h), None, dtype=object)
    poh = on_hand.astype(float).copy()
    changes = []
    for p in range(h):
        avail = poh + receipts[:, p]
        net = demand[:, p] + safety_stock - avail
        end = np.minimum(p + rules.poq, h)
        window = cum[np.arange(n), end] - cum[:, p] + safety_stock - avail
        sug = size(net, window, rules)
        suggested[:, p] = sug
        prod = sug.copy()
        fixed = np.zeros(n, dtype=bool)
        if frozen_qty is not None and p < frozen:
            fq = np.nan_to_num(frozen_qty[:, p], nan=0.0)
            fixed |= True
            diff = np.abs(fq - sug) > 1e-6
            for i in np.flatnonzero(diff):
                changes.append((items[i], periods[p], float(fq[i]), float(sug[i])))
            prod = fq
        if firm is not None:
            f = firm[:, p]
            has = np.isfinite(f)
            prod = np.where(has, f, prod)
            fixed |= has
        production[:, p] = prod
        for i in np.flatnonzero(fixed):
            if prod[i] < sug[i] - 1e-6:
                states[i, p] = "cell_less"
            elif prod[i] > sug[i] + 1e-6:
                states[i, p] = "cell_more"
            else:
                states[i, p] = "cell_firmed"
        poh = avail + prod - demand[:, p]
        projected[:, p] = poh
    rows = {
        "forecast": forecast, "orders": orders, "demand": demand, "receipts": receipts,
        "suggested": suggested, "production": production, "projected": projected,
        "atp": available_to_promise(on_hand, receipts + production, orders),
        "dos": days_of_supply(projected, demand, workdays),
    }
    frozen_changes = pd.DataFrame(changes, columns=["item", "period", "frozen", "suggested"])
    return MPSResult(items, periods, rows, on_hand.astype(float), states, frozen_changes)


def available_to_promise(on_hand: np.ndarray, supply: np.ndarray,
                         orders: np.ndarray) -> np.ndarray:
    """Discrete ATP (APICS): in each bucket with supply (and the first), that supply less
    the customer orders until the next supply; a shortfall is taken from earlier ATP."""
    n, h = supply.shape
    atp = np.full((n, h), np.nan)
    for i in range(n):
        points = [0] + [p for p in range(1, h) if supply[i, p] > 1e-9]
        values = []
        for k, p in enumerate(points):
            nxt = points[k + 1] if k + 1 < len(points) else h
            first = on_hand[i] if p == 0 else 0.0
            values.append(first + supply[i, p] - orders[i, p:nxt].sum())
        # negative ATP borrows from the nearest earlier bucket that has some
        for k in range(len(values) - 1, 0, -1):
            if values[k] < 0:
                values[k - 1] += values[k]
                values[k] = 0.0
        for p, v in zip(points, values, strict=True):
            atp[i, p] = v
    return atp


def days_of_supply(projected: np.ndarray, demand: np.ndarray,
                   workdays: np.ndarray) -> np.ndarray:
    """Stock at the end of each bucket ÷ average demand per working day of the next three
    buckets (days); NaN where no demand follows. Mirrors the sheet's formula."""
    n, h = projected.shape
    out = np.full((n, h), np.nan)
    for p in range(h):
        lo, hi = p + 1, min(p + 3, h - 1)
        if lo > hi:
            continue
        dem = demand[:, lo:hi + 1].sum(axis=1)
        days = workdays[lo:hi + 1].sum()
        ok = dem > 0
        if days <= 0:
            continue
        out[ok, p] = np.maximum(projected[ok, p], 0) / (dem[ok] / days)
    return out
