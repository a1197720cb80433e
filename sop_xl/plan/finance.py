"""The plan in money (财务预测): revenue, cost of goods, margin, production and purchase
value and inventory value by month, per product family and in total — the financial
projection the pre-S&OP meeting reviews (DOMAIN.md, step 4).

Shipments are what the plan can deliver: each bucket serves its demand plus any backlog
from stock and supply, the rest waits (a constrained view: a short plan shows as lower
revenue, not as negative stock). Revenue at the item's price, cost of goods and production
at unit cost; purchases are the planned and scheduled receipts of purchased parts; the
inventory value is finished goods and components at the end of each month. Weekly plans
are summed into calendar months (stock: the month's last bucket).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.base.periods import Buckets

MEASURES = ("revenue", "cogs", "margin", "margin_pct", "production_value", "purchase_value",
            "inventory_value")
FLOWS = ("revenue", "cogs", "production_value", "purchase_value")


@dataclass
class FinancialPlan:
    """Per family row (components last, total last of all) and month: money."""

    families: list[str]
    months: list[str]
    rows: dict[str, np.ndarray]

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


def shipments(on_hand: np.ndarray, supply: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """What can be shipped per bucket: demand + backlog, limited by stock + supply."""
    n, h = demand.shape
    out = np.zeros((n, h))
    stock = np.maximum(on_hand.astype(float), 0.0)
    backlog = np.zeros(n)
    for p in range(h):
        avail = stock + supply[:, p]
        need = demand[:, p] + backlog
        ship = np.clip(np.minimum(avail, need), 0.0, None)
        out[:, p] = ship
        stock = avail - ship
        backlog = need - ship
    return out


def month_map(buckets: Buckets) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Month labels, each bucket's month index, and each month's last bucket. A week
    belongs to the month its Monday is in."""
    months = [f"{p.start.year:04d}-{p.start.month:02d}" for p in buckets]
    labels = list(dict.fromkeys(months))
    idx = np.array([labels.index(m) for m in months])
    last = np.array([np.flatnonzero(idx == k)[-1] for k in range(len(labels))])
    return labels, idx, last


def project(buckets: Buckets, fg: pd.Index, fg_family: np.ndarray, on_hand: np.ndarray,
            supply: np.ndarray, demand: np.ndarray, production: np.ndarray,
            price: np.ndarray, cost: np.ndarray, components: np.ndarray,
            component_cost: np.ndarray, purchases: np.ndarray,
            component_label: str = "(components)", total_label: str = "Total",
            shipped: np.ndarray | None = None) -> FinancialPlan:
    """Money per family and month.

    Finished goods (rows of ``fg``): on hand, supply (receipts + production), demand,
    production (pieces), price and unit cost. ``components``: projected on hand of every
    component (items × buckets) and ``component_cost``; ``purchases``: receipts of
    purchased parts valued at cost (money, items × buckets, any item order); ``shipped``:
    what can ship (pieces; computed from the others when None)."""
    labels, idx, last = month_map(buckets)
    m = len(labels)
    # what can ship, as the Projection sheet computes it (sop_xl.plan.inventory.shipped)
    ship = shipments(on_hand, supply, demand) if shipped is None else shipped
    end_stock = on_hand[:, None] + np.cumsum(supply - ship, axis=1)

    def by_month(values: np.ndarray) -> np.ndarray:
        out = np.zeros((values.shape[0], m))
        np.add.at(out.T, idx, values.T)
        return out

    per_item = {
        "revenue": by_month(ship * price[:, None]),
        "cogs": by_month(ship * cost[:, None]),
        "production_value": by_month(production * cost[:, None]),
        "purchase_value": np.zeros((len(fg), m)),
        "inventory_value": (end_stock * cost[:, None])[:, last],
    }
    fams = sorted({str(f) for f in fg_family if f})
    groups = [fg_family == f for f in fams]
    rows = {k: np.array([v[g].sum(axis=0) for g in groups]).reshape(len(groups), m)
            for k, v in per_item.items()}
    comp = {k: np.zeros((1, m)) for k in per_item}
    comp["purchase_value"] = by_month(purchases).sum(axis=0, keepdims=True)
    comp["inventory_value"] = (np.maximum(components, 0) * component_cost[:, None])[:, last] \
        .sum(axis=0, keepdims=True)
    for k in rows:
        rows[k] = np.vstack([rows[k], comp[k]])
        rows[k] = np.vstack([rows[k], rows[k].sum(axis=0, keepdims=True)])
    rows["margin"] = rows["revenue"] - rows["cogs"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["margin_pct"] = np.where(rows["revenue"] > 0, rows["margin"] / rows["revenue"],
                                      np.nan)
    return FinancialPlan([*fams, component_label, total_label], labels, rows)
