"""Rough-cut capacity planning (粗能力计划).

Load per resource and bucket = planned production × hours per unit (ResourceUsage);
available hours = working days of the resource's calendar × shifts × hours per shift ×
efficiency. Overloads come with the planner's options: overtime within the daily limit,
building ahead into earlier buckets with spare hours, and the rest as outsourcing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.periods import Buckets, FactoryCalendar


@dataclass
class CapacityResult:
    resources: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]       # available, load, utilisation, overload (hours)
    overloads: pd.DataFrame           # resource, bucket, period, load, available, overload,
    #                                   overtime_hours, build_ahead, outsource_hours

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


def available_hours(resources: pd.DataFrame, buckets: Buckets,
                    calendar: FactoryCalendar) -> np.ndarray:
    """Hours each resource can work in each bucket (resources × buckets)."""
    out = np.zeros((len(resources), len(buckets)))
    for k, r in enumerate(resources.itertuples(index=False)):
        days = calendar.resource_calendar(str(r.resource)).bucket_working_days(buckets)
        eff = 1.0 if pd.isna(r.efficiency) else float(r.efficiency)
        out[k] = days * r.shifts_per_day * r.hours_per_shift * eff
    return out


def load_hours(usage: pd.DataFrame, resources: pd.Index, items: pd.Index,
               production: np.ndarray) -> np.ndarray:
    """Hours of load per resource and bucket from production (items × buckets)."""
    load = np.zeros((len(resources), production.shape[1]))
    if usage.empty:
        return load
    ri = resources.get_indexer(usage["resource"])
    ii = items.get_indexer(usage["item"])
    ok = (ri >= 0) & (ii >= 0)
    hours = usage["hours_per_unit"].to_numpy(dtype=float)
    np.add.at(load, ri[ok], production[ii[ok]] * hours[ok, None])
    return load


def plan(resources: pd.DataFrame, usage: pd.DataFrame, items: pd.Index,
         production: np.ndarray, buckets: Buckets, calendar: FactoryCalendar) -> CapacityResult:
    """Load against capacity for every resource, with options for each overload."""
    index = pd.Index(resources["resource"])
    avail = available_hours(resources, buckets, calendar)
    load = load_hours(usage, index, items, production)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(avail > 0, load / avail, np.nan)
    over = np.maximum(0.0, load - avail)
    rows = {"available": avail, "load": load, "utilisation": util, "overload": over}
    return CapacityResult(index, buckets.labels, rows,
                          _options(resources, index, avail, load, buckets, calendar))


def _options(resources: pd.DataFrame, index: pd.Index, avail: np.ndarray, load: np.ndarray,
             buckets: Buckets, calendar: FactoryCalendar) -> pd.DataFrame:
    """For each overloaded bucket: overtime first, then spare hours of earlier buckets
    (build ahead), then outsourcing for what is left (hours)."""
    rows = []
    spare = np.maximum(0.0, avail - load)
    for k, r in enumerate(resources.itertuples(index=False)):
        days = calendar.resource_calendar(str(r.resource)).bucket_working_days(buckets)
        ot_cap = days * float(r.max_overtime_hours or 0)
        free = spare[k].copy()
        for p in np.flatnonzero(load[k] > avail[k] + 1e-9):
            over = load[k, p] - avail[k, p]
            ot = min(over, ot_cap[p])
            left = over - ot
            ahead = []
            for q in range(p - 1, -1, -1):
                if left <= 1e-9:
                    break
                take = min(left, free[q])
                if take > 1e-9:
                    free[q] -= take
                    left -= take
                    ahead.append(f"{buckets[q].label}: {take:,.0f} h")
            rows.append({"resource": index[k], "bucket": int(p), "period": buckets[p].label,
                         "load": load[k, p], "available": avail[k, p], "overload": over,
                         "overtime_hours": ot, "build_ahead": "; ".join(ahead),
                         "build_ahead_hours": over - ot - left, "outsource_hours": left})
    return pd.DataFrame(rows, columns=["resource", "bucket", "period", "load", "available",
                                       "overload", "overtime_hours", "build_ahead",
                                       "build_ahead_hours", "outsource_hours"])
