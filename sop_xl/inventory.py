"""Inventory projection per finished good, in pieces and money, against safety stock and
maximum, with days of supply; and the slow-moving (呆滞) and excess (冗余) stock lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from sop_xl.mps import MPSResult, days_of_supply


@dataclass
class Projection:
    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]  # demand, supply, projected, safety_stock, max_stock, value, dos
    on_hand: np.ndarray
    unit_cost: np.ndarray

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


def project(mps: MPSResult, items: pd.DataFrame, workdays: np.ndarray) -> Projection:
    """The MPS as stock: opening + supply − demand per bucket, valued at unit cost."""
    it = items.set_index("item").reindex(mps.items)
    cost = it["unit_cost"].fillna(0).to_numpy(dtype=float)
    h = len(mps.periods)
    supply = mps["receipts"] + mps["production"]
    projected = mps.on_hand[:, None] + np.cumsum(supply - mps["demand"], axis=1)
    rows = {
        "demand": mps["demand"], "supply": supply, "projected": projected,
        "safety_stock": np.repeat(it["safety_stock"].fillna(0).to_numpy(float)[:, None], h, 1),
        "max_stock": np.repeat(it["max_stock"].fillna(0).to_numpy(float)[:, None], h, 1),
        "value": projected * cost[:, None],
        "dos": days_of_supply(projected, mps["demand"], workdays),
    }
    return Projection(mps.items, mps.periods, rows, mps.on_hand, cost)


def slow_and_excess(stock: pd.DataFrame, items: pd.DataFrame, demand_ahead: pd.Series,
                    today: date, slow_months: int) -> pd.DataFrame:
    """Stock with no movement for ``slow_months`` (slow-moving) and stock above the demand
    of the months ahead (excess), per item: quantity and value."""
    if stock.empty:
        return pd.DataFrame(columns=["item", "family", "on_hand", "last_movement",
                                     "months_idle", "slow_qty", "excess_qty", "value"])
    st = stock.groupby("item").agg(on_hand=("on_hand", "sum"),
                                   last_movement=("last_movement", "max")).reset_index()
    it = items.set_index("item")
    st["family"] = st["item"].map(it["family"]).fillna("")
    cost = st["item"].map(it["unit_cost"]).fillna(0).to_numpy(float)
    months_idle = np.array([
        np.nan if lm is None or pd.isna(lm) else
        (today.year - lm.year) * 12 + (today.month - lm.month) for lm in st["last_movement"]])
    st["months_idle"] = months_idle
    slow = np.nan_to_num(months_idle, nan=0) >= slow_months
    need = st["item"].map(demand_ahead).fillna(0).to_numpy(float)
    st["slow_qty"] = np.where(slow, st["on_hand"], 0.0)
    st["excess_qty"] = np.where(slow, 0.0, np.maximum(0.0, st["on_hand"] - need))
    st["value"] = (st["slow_qty"] + st["excess_qty"]) * cost
    return st[(st["slow_qty"] > 0) | (st["excess_qty"] > 0)].reset_index(drop=True)
