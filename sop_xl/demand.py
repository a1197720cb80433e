"""The demand plan (需求计划), as the seed company builds it.

Near term (``near_term_months``): open small contracts + open large contracts + projects
about to be signed × probability + the sales assistants' forecast, which excludes those
projects. Further out: the statistical forecast net of what contracts and projects already
cover. Events add to or multiply the forecast part; a planner's adjustment row is added last.
All quantities are pieces per bucket; arrays are (items × buckets).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sop_xl.inputs import Inputs
from sop_xl.periods import bucket_months, month_weights

MEASURES = ("small_contracts", "large_contracts", "projects_weighted", "projects_unweighted",
            "sales_forecast", "stat_forecast", "forecast_part", "events", "adjustment",
            "demand")


@dataclass
class DemandPlan:
    """Per finished good and bucket, each part of the demand plan (pieces)."""

    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]
    #: (item, bucket) pairs whose forecast part came from the sales assistants
    from_sales: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    past_due_orders: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]

    def frame(self, measure: str) -> pd.DataFrame:
        return pd.DataFrame(self.rows[measure], index=self.items, columns=self.periods)

    @property
    def orders(self) -> np.ndarray:
        """Customer orders: open small and large contract quantities (pieces)."""
        return self.rows["small_contracts"] + self.rows["large_contracts"]


def _monthly(frame: pd.DataFrame, items: pd.Index, qty: np.ndarray, months: pd.Series,
             inputs: Inputs, past_due_to_first: bool = True) -> np.ndarray:
    """Monthly quantities per item → (items × buckets); months before the plan go to the
    first bucket (past due) when asked, months after it are dropped."""
    b = inputs.buckets
    out = np.zeros((len(items), len(b)))
    if frame.empty:
        return out
    first = inputs.settings.planning_month
    plan_months = bucket_months(b)
    weights = month_weights(b, inputs.factory_calendar, plan_months)
    m_index = {m: k for k, m in enumerate(plan_months)}
    rows = items.get_indexer(frame["item"])
    for r, m, q in zip(rows, months, qty, strict=True):
        if r < 0 or not np.isfinite(q) or q == 0:
            continue
        if m < first:
            if past_due_to_first:
                out[r, 0] += q
            continue
        k = m_index.get(m)
        if k is not None:
            out[r] += q * weights[k]
    return out


def plan(inputs: Inputs, stat_forecast: pd.DataFrame,
         adjustments: pd.DataFrame | None = None) -> DemandPlan:
    """Build the demand plan for every finished good.

    ``stat_forecast``: long frame item, period (pandas Period[M]), forecast (pieces/month).
    ``adjustments``: long frame item, period (bucket label), value — what a planner typed
    in the adjustment row last time; kept as it was.
    """
    s = inputs.settings
    fg = inputs.items_of_type("FG")
    items = pd.Index(fg["item"], name="item")
    b = inputs.buckets
    periods = b.labels
    rows: dict[str, np.ndarray] = {}

    c = inputs.contracts
    open_qty = (c["ordered_qty"] - c["delivered_qty"].fillna(0)).clip(lower=0).to_numpy()
    for kind in ("small", "large"):
        mask = (c["contract_type"] == kind).to_numpy()
        rows[f"{kind}_contracts"] = _monthly(c[mask], items, open_qty[mask],
                                             c["due_month"][mask], inputs)
    p = inputs.projects
    qty = p["qty"].to_numpy()
    prob = p["probability"].to_numpy()
    rows["projects_weighted"] = _monthly(p, items, qty * prob, p["month"], inputs, False)
    rows["projects_unweighted"] = _monthly(p, items, qty, p["month"], inputs, False)

    sf = inputs.sales_forecast
    rows["sales_forecast"] = _monthly(sf, items, sf["qty"].to_numpy(), sf["month"], inputs,
                                      False)
    submitted = _monthly(sf, items, np.ones(len(sf)), sf["month"], inputs, False) > 0

    st = stat_forecast
    st = st[st["item"].isin(items)]
    rows["stat_forecast"] = _monthly(st, items, st["forecast"].to_numpy(dtype=float),
                                     st["period"], inputs, False)

    known = rows["small_contracts"] + rows["large_contracts"] + rows["projects_weighted"]
    net_stat = np.maximum(rows["stat_forecast"] - known, 0.0)
    near = _near_term_mask(inputs)
    from_sales = submitted & near[None, :]
    rows["forecast_part"] = np.where(from_sales, rows["sales_forecast"], net_stat)
    rows["events"] = _events(inputs, items, rows["forecast_part"])
    rows["adjustment"] = _adjustments(adjustments, items, periods)
    rows["demand"] = (known + rows["forecast_part"] + rows["events"] + rows["adjustment"])
    past_due = c[(c["due_month"] < s.planning_month).to_numpy() & (open_qty > 0)]
    return DemandPlan(items, periods, rows, from_sales, past_due)


def _near_term_mask(inputs: Inputs) -> np.ndarray:
    """Buckets that fall in the near-term months (M .. M + near_term_months − 1)."""
    s = inputs.settings
    end = (s.planning_month + s.near_term_months).start_time.date()
    return np.array([p.start < end for p in inputs.buckets])


def _events(inputs: Inputs, items: pd.Index, forecast: np.ndarray) -> np.ndarray:
    """Promotions: "add" puts pieces per month on the item (or shares them over the family
    by forecast); "multiply" scales the forecast part. Result is the change (pieces)."""
    out = np.zeros_like(forecast)
    ev = inputs.events
    if ev.empty:
        return out
    fam = inputs.items.set_index("item")["family"].reindex(items).fillna("").to_numpy()
    plan_months = bucket_months(inputs.buckets)
    weights = month_weights(inputs.buckets, inputs.factory_calendar, plan_months)
    for e in ev.itertuples(index=False):
        sel = items == e.target if e.scope == "item" else fam == e.target
        if not sel.any():
            continue
        span = np.zeros(len(inputs.buckets))
        for k, m in enumerate(plan_months):
            if e.start_month <= m <= e.end_month:
                span += weights[k]
        if e.kind == "multiply":
            out[sel] += forecast[sel] * (e.value - 1.0) * span[None, :]
        else:
            share = forecast[sel].sum(axis=1)
            share = share / share.sum() if share.sum() > 0 else np.full(sel.sum(), 1 / sel.sum())
            out[sel] += share[:, None] * e.value * span[None, :]
    return out


def _adjustments(adjustments: pd.DataFrame | None, items: pd.Index,
                 periods: list[str]) -> np.ndarray:
    out = np.zeros((len(items), len(periods)))
    if adjustments is None or adjustments.empty:
        return out
    a = adjustments.dropna(subset=["value"])
    r = items.get_indexer(a["item"])
    c = pd.Index(periods).get_indexer(a["period"])
    ok = (r >= 0) & (c >= 0)
    np.add.at(out, (r[ok], c[ok]), a["value"].to_numpy(dtype=float)[ok])
    return out
