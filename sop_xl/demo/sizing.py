"""The capacity load the demo was sized for: a check on the data, not a planning engine.

Demand is the run-rate with the events applied, plus open large contracts and
probability-weighted projects; production equals demand in the same month (no stock, no
lot sizes, no lead-time offset) and is exploded through the BOM; each resource's hours are
set against its working days from the factory calendar (resource shutdowns included) ×
shifts × hours per shift × efficiency, without overtime.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sop_xl.base.periods import Buckets, FactoryCalendar
from sop_xl.demo.products import FG, explode


def nominal_demand(frames: Mapping[str, pd.DataFrame], expected: pd.DataFrame,
                   planning: pd.Period, horizon: int) -> pd.DataFrame:
    """Finished-good demand (items × months) the plan should roughly meet."""
    cols = [planning + i for i in range(horizon)]
    base = expected.pivot(index="item", columns="month", values="qty").reindex(
        index=list(FG), columns=cols, fill_value=0.0)
    family = frames["items"].set_index("item")["family"]
    for ev in frames["events"].itertuples(index=False):
        span = [m for m in cols if ev.start_month <= m <= ev.end_month]
        rows = [ev.target] if ev.scope == "item" else \
            [i for i in base.index if family.get(i) == ev.target]
        if ev.kind == "multiply":
            base.loc[rows, span] *= ev.value
        else:
            base.loc[rows, span] += ev.value
    c = frames["contracts"]
    large = c[c["contract_type"] == "large"]
    for item, month, q in zip(large["item"], large["due_month"],
                              large["ordered_qty"] - large["delivered_qty"], strict=True):
        if month in base.columns:
            base.at[item, month] += q
    pr = frames["projects"]
    for item, month, q, prob in zip(pr["item"], pr["month"], pr["qty"], pr["probability"],
                                    strict=True):
        if month in base.columns:
            base.at[item, month] += q * prob
    return base


def nominal_load(frames: Mapping[str, pd.DataFrame], expected: pd.DataFrame,
                 planning: pd.Period, horizon: int, work_week: str = "mon-fri") -> pd.DataFrame:
    """Load of every resource (rows) per month (columns) as a fraction of capacity."""
    demand = nominal_demand(frames, expected, planning, horizon)
    need = {m: explode(demand[m].to_dict()) for m in demand.columns}
    buckets = Buckets.build(planning, "month", horizon)
    # FactoryCalendar skips every row whose resource is truthy, and a blank resource reads
    # as NaN (truthy): give it "" so that factory-wide rows apply.
    exceptions = frames["calendar"].assign(resource=frames["calendar"]["resource"].fillna(""))
    cal = FactoryCalendar.around(buckets, work_week, exceptions)
    usage = frames["resource_usage"]
    out = {}
    for r in frames["resources"].itertuples(index=False):
        days = cal.resource_calendar(r.resource).bucket_working_days(buckets)
        per_day = r.shifts_per_day * r.hours_per_shift * r.efficiency
        mine = usage[usage["resource"] == r.resource]
        hours = [sum(need[m].get(i, 0.0) * h for i, h in
                     zip(mine["item"], mine["hours_per_unit"], strict=True))
                 for m in demand.columns]
        out[r.resource] = [h / (d * per_day) for h, d in zip(hours, days, strict=True)]
    return pd.DataFrame(out, index=demand.columns).T
