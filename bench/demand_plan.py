"""Demand-side speed at company scale: the demand plan, the sales-forecast review, the
archive rows, a year of accuracy KPIs and the sheets, for N finished goods.

    /tmp/venv/bin/python bench/demand_plan.py [N ...]      (default 200 1000 4000)

Prints seconds per stage and per 1,000 items, measured in the same run (the machine is
shared: compare ratios, not absolute figures). No forecast engine runs: the statistical
forecast is given.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from sop_xl.contract.planning_inputs import Inputs
from sop_xl.contract.settings import Settings
from sop_xl.layout.demand_sheets import demand_sheet, family_plan_sheet, review_sheet
from sop_xl.layout.kpi import kpi_sheet
from sop_xl.plan import accuracy, demand

P = pd.Period
MONTH = P("2026-12", "M")
DEPTS = ("Domestic Sales", "International Trade")


def company(n: int, seed: int = 1) -> tuple[Inputs, pd.DataFrame]:
    """n finished goods in n/20 families, 36 months of history in two departments, a
    contract and a project per 5 items, an M+3 forecast per 2 items, 10 events."""
    rng = np.random.default_rng(seed)
    items = [f"FG{i:05d}" for i in range(n)]
    fam = [f"F{i % max(n // 20, 1):03d}" for i in range(n)]
    it = pd.DataFrame({"item": items, "description": items, "item_type": "FG", "family": fam,
                       "analog_item": None})
    level = rng.gamma(2.0, 50.0, n)
    months = [MONTH - 36 + k for k in range(36)]
    rows = []
    for i, item in enumerate(items):
        q = rng.poisson(level[i], (36, 2)).astype(float)
        for k, m in enumerate(months):
            for d, dept in enumerate(DEPTS):
                rows.append((item, m, dept, "x", q[k, d] * 1.05, q[k, d]))
    hist = pd.DataFrame(rows, columns=["item", "month", "department", "channel",
                                       "ordered_qty", "shipped_qty"])
    k = np.arange(0, n, 5)
    contracts = pd.DataFrame({
        "contract": [f"C{i}" for i in k], "contract_type": np.where(k % 2, "small", "large"),
        "customer": "c", "department": [DEPTS[i % 2] for i in k],
        "item": [items[i] for i in k], "ordered_qty": level[k] * 2, "delivered_qty": 0.0,
        "due_month": [MONTH + int(i % 6) for i in k], "sign_date": None})
    projects = pd.DataFrame({
        "project": [f"P{i}" for i in k], "customer": "c", "department": DEPTS[0],
        "item": [items[i] for i in k], "qty": level[k] * 3, "month": MONTH + 2,
        "probability": 0.5, "note": None})
    sf = pd.DataFrame([(f"SA{i % 7}", DEPTS[i % 2], items[i], MONTH + m,
                        float(rng.poisson(level[i])), None)
                       for i in range(0, n, 2) for m in range(4)],
                      columns=["assistant", "department", "item", "month", "qty", "reason"])
    events = pd.DataFrame([(f"E{j}", "family", fam[j * 7 % n], "add" if j % 2 else "multiply",
                            30.0 if j % 2 else 1.1, MONTH + 3, MONTH + 5, None)
                           for j in range(10)],
                          columns=["event", "scope", "target", "kind", "value", "start_month",
                                   "end_month", "note"])
    empty = pd.DataFrame()
    cal = pd.DataFrame(columns=["start_date", "end_date", "day_type", "description",
                                "resource"])
    inputs = Inputs(Settings(MONTH, horizon=18), it, empty, empty, empty, cal, hist,
                    contracts, projects, events, sf, empty, empty)
    stat = pd.DataFrame([(item, MONTH + m, level[i] * 2) for i, item in enumerate(items)
                         for m in range(18)], columns=["item", "period", "forecast"])
    return inputs, stat


def year_of_archive(inputs: Inputs, stat: pd.DataFrame) -> pd.DataFrame:
    """Twelve monthly archives like the runs of the last year would have written."""
    frames = []
    for back in range(12, 0, -1):
        s = inputs.settings
        earlier = Inputs(Settings(s.planning_month - back, horizon=18), inputs.items,
                         inputs.bom, inputs.resources, inputs.resource_usage, inputs.calendar,
                         inputs.sales_history, inputs.contracts, inputs.projects,
                         inputs.events, inputs.sales_forecast.assign(
                             month=inputs.sales_forecast["month"] - back), inputs.stock,
                         inputs.scheduled_receipts)
        st = stat.assign(period=stat["period"] - back)
        plan = demand.plan(earlier, st)
        frames.append(demand.archive_rows(earlier, plan, st, "bench"))
    return pd.concat(frames, ignore_index=True)


@contextmanager
def timed(label: str, n: int, out: dict):
    t0 = time.perf_counter()
    yield
    dt = time.perf_counter() - t0
    out[label] = dt
    print(f"  {label:<28} {dt:8.2f} s   {dt / n * 1000:8.3f} s per 1,000 items", flush=True)


def main(sizes: list[int]) -> None:
    results = {}
    for n in sizes:
        print(f"{n} finished goods")
        inputs, stat = company(n)
        t: dict[str, float] = {}
        with timed("demand plan", n, t):
            plan = demand.plan(inputs, stat)
        with timed("archive rows", n, t):
            demand.archive_rows(inputs, plan, stat, "bench")
        with timed("sheets (plan, family, review)", n, t):
            demand_sheet(inputs, plan, "en")
            family_plan_sheet(inputs, plan, "en")
            review_sheet(inputs, plan, "en")
        archive = year_of_archive(inputs, stat)
        print(f"  archive: {len(archive):,} rows for a year")
        with timed("accuracy (rows + scorecard)", n, t):
            rows = accuracy.comparison_rows(archive, inputs.sales_history,
                                            planning_month=MONTH)
            kpis = accuracy.scorecard(rows, inputs.items.set_index("item")["family"])
        print(f"  KPI table: {len(kpis):,} rows from {len(rows):,} comparison rows")
        with timed("KPI sheet", n, t):
            kpi_sheet(inputs, kpis, "en")
        results[n] = t
    if len(sizes) > 1:
        a, b = sizes[0], sizes[-1]
        print(f"growth {a} → {b} items (×{b / a:g}):")
        for k in results[a]:
            print(f"  {k:<28} ×{results[b][k] / max(results[a][k], 1e-9):6.1f}")


if __name__ == "__main__":
    main([int(x) for x in sys.argv[1:]] or [200, 1000, 4000])
