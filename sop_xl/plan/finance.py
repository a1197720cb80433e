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


@dataclass(frozen=True)
class FinishedGoods:
    """The MPS's finished goods as money needs them: one row per item, buckets across."""

    items: pd.Index
    family: np.ndarray      # per item ("" without a family)
    on_hand: np.ndarray     # pieces at the start
    supply: np.ndarray      # receipts + production (pieces, items × buckets)
    demand: np.ndarray      # pieces, items × buckets
    production: np.ndarray  # pieces, items × buckets
    price: np.ndarray       # money per piece
    cost: np.ndarray        # unit cost, money per piece
    #: what can ship (pieces, items × buckets) as the Projection sheet computes it
    #: (sop_xl.plan.inventory.shipped); from supply and demand when None
    shipped: np.ndarray | None = None


@dataclass(frozen=True)
class Components:
    """Everything below the MPS: projected stock and the purchases, valued at cost."""

    projected: np.ndarray   # projected on hand (pieces, components × buckets)
    cost: np.ndarray        # unit cost per component
    purchases: np.ndarray   # receipts of purchased parts at cost (money, any rows × buckets)


@dataclass
class FinancialPlan:
    """Money per row and month: one row per family of ``families``, then the components,
    then the total (len(families) + 2 rows)."""

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


def project(buckets: Buckets, *, finished: FinishedGoods,
            components: Components) -> FinancialPlan:
    """Money per family and month, finished goods by family, then the components, then
    the total."""
    fg, fg_family, on_hand = finished.items, finished.family, finished.on_hand
    supply, demand, production = finished.supply, finished.demand, finished.production
    price, cost = finished.price, finished.cost
    labels, idx, last = month_map(buckets)
    m = len(labels)
    ship = shipments(on_hand, supply, demand) if finished.shipped is None \
        else finished.shipped
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
    comp["purchase_value"] = by_month(components.purchases).sum(axis=0, keepdims=True)
    comp["inventory_value"] = (np.maximum(components.projected, 0)
                               * components.cost[:, None])[:, last].sum(axis=0, keepdims=True)
    for k in rows:
        rows[k] = np.vstack([rows[k], comp[k]])
        rows[k] = np.vstack([rows[k], rows[k].sum(axis=0, keepdims=True)])
    rows["margin"] = rows["revenue"] - rows["cogs"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["margin_pct"] = np.where(rows["revenue"] > 0, rows["margin"] / rows["revenue"],
                                      np.nan)
    return FinancialPlan(fams, labels, rows)
