"""Transfer of a plan version to demand management (需求管理), the pure side: planned
independent requirements (PIR) from a version's snapshot, consumed by customer orders.

The workbook side (which version may go, the DemandManagement sheet, the export file and
the TransferLog) is ``sop_xl.app.transfer``.

**What is transferred.** A *sales* plan transfers the period's total planned sales: the
demand plan (open orders + forecast + projects + events + adjustments) plus what was
already shipped against orders due in the period (the demand plan leaves shipped
quantities out because they need no more supply; the ERP's sales orders include them). A
*production* plan transfers the MPS planned production as it stands.

**Consumption** (deduct consumed quantities, sales plans only). Customer orders due in the
plan — shipped or still open, from today's Contracts sheet — consume the planned sales, as
SAP's forecast consumption does with sales orders: each order first takes from its own
period (the bucket of its Due date; one given only by month is spread over its month),
then from up to ``backward`` earlier periods (nearest first), then up to ``forward``
later periods (SAP consumption mode 2, backward then forward). Orders of a
month before the version's planning month count with their open quantity in the first
period. The requirement transferred is what is left, never below zero, so that the ERP's
open sales orders plus the requirement give back the plan; order quantity no plan was left
for is reported as "orders beyond plan". Worked example: tests/versions/test_transfer.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.base.periods import Buckets, FactoryCalendar, bucket_months, month_weights
from sop_xl.plan.dates import PlanDays

PLAN_TYPES = ("sales", "production")


def orders_by_bucket(contracts: pd.DataFrame, items: pd.Index, *, buckets: Buckets,
                     calendar: FactoryCalendar, planning_month: pd.Period,
                     what: str) -> np.ndarray:
    """Customer-order quantities per item and bucket (pieces), (items × buckets).

    ``what="shipped"``: delivered quantity of contracts due in or after the planning
    month. ``what="orders"``: what consumes the plan — the ordered quantity (shipped or
    open) of those contracts, plus the open quantity of contracts due before the planning
    month, in the first bucket. Dated as the demand plan dates them
    (``DemandPlan.dated``): a contract with a Due date in the bucket of the working day it
    is needed (that day or the one before; after the plan: left out), one given only by
    month spread over its month's buckets by working days. (The planning date is never
    after the planning month's first day, so no dated contract of the plan is before it.)"""
    out = np.zeros((len(items), len(buckets)))
    if contracts is None or contracts.empty:
        return out
    months = bucket_months(buckets)
    weights = month_weights(buckets, calendar, months)
    m_index = {m: k for k, m in enumerate(months)}
    ordered = contracts["ordered_qty"].to_numpy(float)
    delivered = np.nan_to_num(contracts["delivered_qty"].to_numpy(float), nan=0.0)
    rows = items.get_indexer(contracts["item"].astype(str))
    dated = contracts["due_date"].notna().to_numpy(bool) if "due_date" in contracts else \
        np.zeros(len(contracts), bool)
    bucket = np.full(len(contracts), -1, dtype=np.int64)
    if dated.any():
        days = PlanDays.build(buckets, calendar)
        day = days.demand_day(contracts["due_date"][dated])
        bucket[dated] = days.bucket_of(day)
    for r, due, o, dl, b in zip(rows, contracts["due_month"], ordered, delivered, bucket,
                                strict=True):
        if r < 0 or due is None or due is pd.NaT:
            continue
        if due < planning_month:
            if what == "orders":
                out[r, 0] += max(o - dl, 0.0)
            continue
        q = dl if what == "shipped" else o
        if b >= 0:
            if b < len(buckets):
                out[r, b] += q
            continue
        k = m_index.get(due)
        if k is None:
            continue
        out[r] += q * weights[k]
    return out


def consume(plan: np.ndarray, orders: np.ndarray, backward: int = 0,
            forward: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Orders consume the plan (items × periods, pieces): each period's orders take from
    their own period, then up to ``backward`` earlier periods, nearest first, then up to
    ``forward`` later periods. Returns (consumed per plan cell, order quantity left
    unconsumed per order cell)."""
    remaining = np.clip(np.nan_to_num(plan, nan=0.0), 0.0, None)
    start = remaining.copy()
    left = np.zeros_like(remaining)
    n = remaining.shape[1] if remaining.ndim == 2 else 0
    for p in range(n):
        q = np.clip(np.nan_to_num(orders[:, p], nan=0.0), 0.0, None).copy()
        window = [p, *range(p - 1, max(p - backward, 0) - 1, -1),
                  *range(p + 1, min(p + forward, n - 1) + 1)]
        for t in window:
            take = np.minimum(q, remaining[:, t])
            remaining[:, t] -= take
            q -= take
        left[:, p] = q
    return start - remaining, left


def plan_matrix(snapshot: pd.DataFrame, section: str, measures: tuple[str, ...],
                items: pd.Index, periods: list[str]) -> np.ndarray:
    """The sum of some measures of a snapshot section as an (items × periods) array."""
    s = snapshot[(snapshot["section"] == section) & snapshot["measure"].isin(measures)]
    out = np.zeros((len(items), len(periods)))
    r = items.get_indexer(s["key"])
    c = pd.Index(periods).get_indexer(s["period"])
    ok = (r >= 0) & (c >= 0)
    np.add.at(out, (r[ok], c[ok]), s["qty"].to_numpy(float)[ok])
    return out


def unit_values(snapshot: pd.DataFrame, section: str, measure: str) -> pd.Series:
    """Money per piece by item as the version valued it (price for demand, cost for MPS)."""
    s = snapshot[(snapshot["section"] == section) & (snapshot["measure"] == measure)]
    g = s.groupby("key")[["qty", "value"]].sum()
    return (g["value"] / g["qty"].where(g["qty"] != 0)).fillna(0.0)


def version_buckets(snapshot: pd.DataFrame, calendar: pd.DataFrame | None = None) -> tuple[
        Buckets, FactoryCalendar]:
    """The buckets and factory calendar of a version, from its own key settings."""
    st = snapshot[snapshot["section"] == "settings"].set_index("key")
    month = pd.Period(str(st.at["planning_month", "text"]), "M")
    kind = str(st.at["bucket", "text"]) if "bucket" in st.index else "month"
    horizon = int(st.at["horizon", "qty"])
    week = str(st.at["work_week", "text"]) if "work_week" in st.index else "mon-fri"
    buckets = Buckets.build(month, kind, horizon)
    return buckets, FactoryCalendar.around(buckets, week, calendar)


@dataclass
class Requirements:
    """Planned independent requirements per item and period, with their make-up."""

    #: item, family, period, req_date, plan_qty, consumed_qty, requirement (pcs), value
    frame: pd.DataFrame
    unconsumed: float  # order quantity no plan was left for (pieces)


def by_family(snapshot: pd.DataFrame, plan_type: str, items: pd.Index, plan: np.ndarray,
              unit: pd.Series, family_of: pd.Series, labels: list[str]) -> tuple[
                  pd.Index, np.ndarray, pd.Series]:
    """The items' plan summed per family (an item without a family stays itself), valued
    at the families' mean money per piece. A production plan sends the family production
    the version decided (its section ``family``, there when a strategy was chosen) in
    place of the sum of its items' MPS, as SAP transfers a product group's plan."""
    fam = family_of.reindex(items).fillna("").astype(str).to_numpy()
    fam = np.where(fam == "", items.astype(str), fam)
    families = pd.Index(sorted(set(fam)), name="item")
    g = families.get_indexer(fam)
    out = np.zeros((len(families), plan.shape[1]))
    np.add.at(out, g, plan)
    value = np.zeros(len(families))
    np.add.at(value, g, np.clip(plan, 0.0, None).sum(axis=1) * unit.reindex(items)
              .fillna(0.0).to_numpy())
    qty = np.clip(out, 0.0, None).sum(axis=1)
    per_piece = pd.Series(np.divide(value, qty, out=np.zeros_like(value), where=qty > 0),
                          index=families)
    if plan_type == "production":
        decided = snapshot[(snapshot["section"] == "family")
                           & (snapshot["measure"] == "production")]
        has = families.isin(set(decided["key"].astype(str)))
        if has.any():
            out[has] = plan_matrix(snapshot, "family", ("production",), families, labels)[has]
    return families, out, per_piece


def requirements(snapshot: pd.DataFrame, contracts: pd.DataFrame | None, *, periods: int,
                 plan_type: str = "sales", deduct: bool = False, backward: int = 0,
                 forward: int = 0, calendar: pd.DataFrame | None = None,
                 level: str = "item") -> Requirements:
    """What a transfer of this version sends to demand management (see the module doc).
    ``level="family"``: one requirement per family (product group) and period
    (``by_family``); customer orders of its items consume the family's plan."""
    buckets, cal = version_buckets(snapshot, calendar)
    labels = buckets.labels
    measures: tuple[str, ...]
    if plan_type == "sales":
        sec, measures, unit_of = "demand", ("demand", "shipped"), ("demand", "demand")
    else:
        sec, measures, unit_of = "mps", ("production",), ("mps", "production")
    rows = snapshot[(snapshot["section"] == sec) & snapshot["measure"].isin(measures)]
    items = pd.Index(sorted(set(rows["key"])), name="item")
    plan = plan_matrix(snapshot, sec, measures, items, labels)
    family_of = rows.groupby("key")["family"].first()
    unit_s = unit_values(snapshot, *unit_of).reindex(items).fillna(0.0)
    if level == "family":
        items, plan, unit_s = by_family(snapshot, plan_type, items, plan, unit_s, family_of,
                                        labels)
        if contracts is not None and len(contracts):
            to = family_of[family_of.fillna("").astype(str) != ""].astype(str)
            item = contracts["item"].astype(str)
            contracts = contracts.assign(item=item.map(to).fillna(item))
        family_of = pd.Series(items.astype(str), index=items)
    consumed = np.zeros_like(plan)
    left = np.zeros_like(plan)
    if deduct:
        month = pd.Period(buckets.start, "M")
        orders = orders_by_bucket(contracts, items, buckets=buckets, calendar=cal,
                                  planning_month=month, what="orders")
        consumed, left = consume(plan, orders, backward, forward)
    req = np.clip(plan, 0.0, None) - consumed
    fam = family_of.reindex(items).fillna("").to_numpy()
    unit = unit_s.reindex(items).fillna(0.0).to_numpy()
    n = periods
    ii, pp = np.nonzero((np.abs(plan[:, :n]) > 1e-9) | (consumed[:, :n] > 1e-9))
    frame = pd.DataFrame({
        "item": items[ii].astype(str), "family": fam[ii],
        "period": np.asarray(labels)[pp],
        "req_date": [buckets[int(p)].start for p in pp],
        "plan_qty": plan[ii, pp], "consumed_qty": consumed[ii, pp],
        "requirement": req[ii, pp], "value": req[ii, pp] * unit[ii]})
    return Requirements(frame, float(left[:, :n].sum()))
