"""Rough-cut capacity planning (粗能力计划) and a leveled plan proposal.

Load per resource and bucket = the pieces worked in the bucket × hours per unit
(ResourceUsage, the bill of resources of APICS rough-cut capacity planning); available
hours = working days of the resource's factory calendar × shifts × hours per shift ×
efficiency. A production order is worked evenly over its working days from release to the
day before it is due (its lead time), so its load falls in the buckets where the work is
done (``work``), not in the bucket it is due in.

Each overload comes with the planner's options, in the order a plant uses them: overtime
in the overloaded bucket up to the daily limit; building ahead into earlier buckets with
spare regular hours, nearest first and never into the frozen fence; and outsourcing what is
left, in hours and in whole pieces of the items that load the resource (shared in proportion
to their load). The leveled plan applies those options to the items' production: what is built
ahead moves to the earlier buckets, what is outsourced leaves the plant — the constrained
supply plan S&OP step 3 asks for (SAP PP-SOP "resource leveling").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.base.periods import Buckets, FactoryCalendar
from sop_xl.plan.dates import PlanDays

_TOL = 1e-9
OVERLOAD_COLUMNS = ["resource", "bucket", "period", "load", "available", "overload",
                    "overtime_hours", "overtime_max", "build_ahead", "build_ahead_hours",
                    "outsource_hours", "outsource_pcs", "outsource_items"]


@dataclass
class Leveled:
    """The leveled plan per item (items × buckets, pieces): production as planned, moved
    in (+) or out (−) by building ahead, outsourced, and what the plant then makes."""

    items: pd.Index
    rows: dict[str, np.ndarray]  # planned, moved, outsource, leveled

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


@dataclass
class CapacityResult:
    resources: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]  # available, overtime_max, load, utilisation, overload,
    #                              leveled_load (hours)
    overloads: pd.DataFrame      # OVERLOAD_COLUMNS
    leveled: Leveled

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


def available_hours(resources: pd.DataFrame, buckets: Buckets,
                    calendar: FactoryCalendar) -> tuple[np.ndarray, np.ndarray]:
    """Regular hours and the most overtime hours each resource can work in each bucket
    (resources × buckets), on the working days of its plant (a resource naming one) and
    its own."""
    regular = np.zeros((len(resources), len(buckets)))
    overtime = np.zeros_like(regular)
    for k, r in enumerate(resources.itertuples(index=False)):
        plant = getattr(r, "plant", None)
        cal = calendar.for_plant(plant.strip()) if isinstance(plant, str) and plant.strip() \
            else calendar
        days = cal.resource_calendar(str(r.resource)).bucket_working_days(buckets)
        eff = 1.0 if pd.isna(r.efficiency) else float(r.efficiency)
        regular[k] = days * r.shifts_per_day * r.hours_per_shift * eff
        ot = getattr(r, "max_overtime_hours", 0.0)
        overtime[k] = days * (0.0 if pd.isna(ot) else float(ot))
    return regular, overtime


def work(days: PlanDays, n_items: int, pos: np.ndarray, release: np.ndarray,
         due: np.ndarray, qty: np.ndarray, plant: np.ndarray | None = None) -> np.ndarray:
    """Pieces worked in each bucket (items × buckets) by production orders: ``qty`` started
    pieces of item ``pos``, released on day ``release`` and due on day ``due`` (positions
    on the plan's working days), worked evenly on the days from release to the day before
    it is due. What should have started before the planning date is worked from day 0; an
    order with no working day left (due on day 0, or past due) is worked on day 0; days
    after the plan are left out. ``plant``: each item's plant (its row in ``days``' per-plant
    calendars): an order is worked only on the days its plant works (on every day from
    release to due when its plant works none of them)."""
    n_days = len(days)
    out = np.zeros((n_items, len(days.buckets)))
    if not len(pos) or not n_days:
        return out
    pos = np.asarray(pos, dtype=np.int64)
    start = np.clip(np.asarray(release, dtype=np.int64), 0, n_days - 1)
    end = np.maximum(np.asarray(due, dtype=np.int64) - 1, start)   # last working day
    qty = np.asarray(qty, dtype=float)
    last = np.minimum(end + 1, n_days)
    if plant is not None and days.per_plant:
        kinds, row = np.unique(np.asarray(plant, dtype=np.int64), return_inverse=True)
        plant_works = np.array([days.works(int(k)) for k in kinds])   # plants × days
        counted = np.concatenate([np.zeros((len(kinds), 1), np.int64),
                                  np.cumsum(plant_works, axis=1)], axis=1)
        works = plant_works[row]                                        # items × days
        # the plant's working days from release to the day before due (within the plan;
        # past its end the order's days count as the axis's, as without plant calendars)
        beyond = np.maximum(end + 1 - n_days, 0)
        k = row[pos]
        n_work = counted[k, last] - counted[k, start] + beyond
        worked = n_work > 0
        step = np.zeros((n_items, n_days + 1))
        rate = qty[worked] / n_work[worked]
        np.add.at(step, (pos[worked], start[worked]), rate)
        np.add.at(step, (pos[worked], last[worked]), -rate)
        daily = np.cumsum(step[:, :n_days], axis=1) * works
        pos, start, end, last, qty = (a[~worked] for a in (pos, start, end, last, qty))
    else:
        daily = np.zeros((n_items, n_days))
    rate = qty / (end - start + 1)
    step = np.zeros((n_items, n_days + 1))
    np.add.at(step, (pos, start), rate)
    np.add.at(step, (pos, last), -rate)
    return days.by_bucket(daily + np.cumsum(step[:, :n_days], axis=1))


def usage_matrix(usage: pd.DataFrame, resources: pd.Index, items: pd.Index) -> np.ndarray:
    """Hours per unit (resources × items)."""
    u = np.zeros((len(resources), len(items)))
    if usage.empty:
        return u
    ri = resources.get_indexer(usage["resource"].astype(str))
    ii = items.get_indexer(usage["item"].astype(str))
    ok = (ri >= 0) & (ii >= 0)
    np.add.at(u, (ri[ok], ii[ok]), usage["hours_per_unit"].to_numpy(dtype=float)[ok])
    return u


def load_hours(usage: pd.DataFrame, resources: pd.Index, items: pd.Index,
               production: np.ndarray) -> np.ndarray:
    """Hours of load per resource and bucket from pieces worked (items × buckets)."""
    return usage_matrix(usage, resources, items) @ production


def plan(resources: pd.DataFrame, usage: pd.DataFrame, items: pd.Index,
         production: np.ndarray, buckets: Buckets, calendar: FactoryCalendar, *,
         frozen: int = 0) -> CapacityResult:
    """Load against capacity for every resource, the options for each overload and the
    leveled plan. ``production``: pieces worked in each bucket (items × buckets, see
    ``work``); ``frozen``: buckets nothing may be built ahead into."""
    index = pd.Index(resources["resource"].astype(str))
    items = pd.Index(items).astype(str)
    avail, ot_max = available_hours(resources, buckets, calendar)
    u = usage_matrix(usage, index, items)
    prod = np.asarray(production, dtype=float)
    load = u @ prod
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(avail > 0, load / avail, np.nan)
    over = np.maximum(0.0, load - avail)
    moves, frame = _options(index, items, u, prod, avail, ot_max, load, buckets, frozen)
    leveled = _level(items, u, prod, moves)
    lev = u @ leveled["leveled"]
    with np.errstate(divide="ignore", invalid="ignore"):
        lev_util = np.where(avail > 0, lev / avail, np.nan)
    rows = {"available": avail, "overtime_max": ot_max, "load": load, "utilisation": util,
            "overload": over, "leveled_load": lev, "leveled_utilisation": lev_util}
    return CapacityResult(index, buckets.labels, rows, frame, leveled)


@dataclass
class _Move:
    """What one overload (resource r, bucket p) does to the items loading r in p: the
    share of their production built ahead into each earlier bucket and outsourced."""

    resource: int
    bucket: int
    ahead: dict[int, float]   # earlier bucket → share of the load placed there
    outsource: float          # share of the load outsourced


def _options(index: pd.Index, items: pd.Index, u: np.ndarray, prod: np.ndarray,
             avail: np.ndarray, ot_max: np.ndarray, load: np.ndarray, buckets: Buckets,
             frozen: int) -> tuple[list[_Move], pd.DataFrame]:
    """Per overloaded resource and bucket, earliest first: overtime, then build ahead into
    the nearest earlier non-frozen buckets' spare regular hours, then outsource."""
    rows, moves = [], []
    labels = buckets.labels
    for k in range(len(index)):
        free = np.maximum(0.0, avail[k] - load[k])
        for p in np.flatnonzero(load[k] > avail[k] + _TOL):
            over = load[k, p] - avail[k, p]
            ot = min(over, ot_max[k, p])
            left = over - ot
            ahead: dict[int, float] = {}
            for q in range(p - 1, frozen - 1, -1):
                if left <= _TOL:
                    break
                take = min(left, free[q])
                if take > _TOL:
                    free[q] -= take
                    left -= take
                    ahead[q] = take
            share = u[k] * prod[:, p]            # hours of each item on this resource
            total = share.sum()
            pcs = np.divide(share / total * left, u[k], out=np.zeros_like(share),
                            where=u[k] > 0) if total > 0 else np.zeros_like(share)
            pcs = np.ceil(pcs - 1e-6)            # whole pieces leave the plant
            who = np.argsort(-pcs, kind="stable")[: int((pcs > 0).sum())]
            moves.append(_Move(k, int(p), {q: h / load[k, p] for q, h in ahead.items()},
                               left / load[k, p]))
            rows.append({
                "resource": index[k], "bucket": int(p), "period": labels[p],
                "load": load[k, p], "available": avail[k, p], "overload": over,
                "overtime_hours": ot, "overtime_max": ot_max[k, p],
                "build_ahead": "; ".join(f"{labels[q]}: {h:,.0f} h"
                                         for q, h in sorted(ahead.items())),
                "build_ahead_hours": sum(ahead.values()), "outsource_hours": left,
                "outsource_pcs": float(pcs.sum()),
                "outsource_items": "; ".join(f"{items[i]} {pcs[i]:,.0f}" for i in who)})
    frame = pd.DataFrame(rows, columns=OVERLOAD_COLUMNS)
    return moves, frame.sort_values(["bucket", "resource"], kind="stable") \
        .reset_index(drop=True)


def _level(items: pd.Index, u: np.ndarray, prod: np.ndarray, moves: list[_Move]) -> Leveled:
    """Apply the options to the items: an item loading several overloaded resources
    follows the one that needs the largest share of it moved (so each is relieved)."""
    n, h = prod.shape
    best: dict[tuple[int, int], _Move] = {}
    for m in moves:
        gone = sum(m.ahead.values()) + m.outsource
        for i in np.flatnonzero((u[m.resource] > 0) & (prod[:, m.bucket] > 0)):
            cur = best.get((int(i), m.bucket))
            if cur is None or gone > sum(cur.ahead.values()) + cur.outsource:
                best[(int(i), m.bucket)] = m
    moved = np.zeros((n, h))
    outsource = np.zeros((n, h))
    for (r, p), m in best.items():
        qty = prod[r, p]
        for q, share in m.ahead.items():
            moved[r, q] += qty * share
            moved[r, p] -= qty * share
        outsource[r, p] += qty * m.outsource
    return Leveled(items, {"planned": prod, "moved": moved, "outsource": outsource,
                           "leveled": prod + moved - outsource})
