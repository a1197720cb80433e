"""A master workbook of about 1 M cells: read, run and written, phase by phase.

    python bench/io.py [--fg 1000] [--keep DIR]

Builds a synthetic company (finished goods, components over four BOM levels, three years
of history by department) as a master workbook, puts a statistical forecast on it (seasonal
naive, so the setup is quick: forecasting speed is bench/forecast.py's subject), then times
what `sop-xl run --no-version` does after the forecast: read + validate every input, plan
(demand, MPS, MRP, capacity, projection, exceptions), lay out the sheets, and splice them
into the file. Target: read + run + write ≤ 15 s on the 2-core reference machine.
Baseline measured in the same run: openpyxl loading the same workbook (read_only) and the
same file loaded and saved by openpyxl, which is what a naive file backend would do.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sop_xl import layout as sheets
from sop_xl.app.cycle import STEPS, PlanRun, _run_log, build
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.plan.forecast import ForecastResult


def synthetic_company(n_fg: int, seed: int = 7) -> tuple[dict[str, pd.DataFrame], dict]:
    rng = np.random.default_rng(seed)
    month = pd.Period("2026-12", "M")
    n_sfg, n_rm = 3 * n_fg, 6 * n_fg
    fg = [f"FG{i:05d}" for i in range(n_fg)]
    sfg = [f"SF{i:05d}" for i in range(n_sfg)]
    rm = [f"RM{i:05d}" for i in range(n_rm)]
    kinds = ["FG"] * n_fg + ["SFG"] * n_sfg + ["RM"] * n_rm
    names = fg + sfg + rm
    n = len(names)
    items = pd.DataFrame({
        "item": names, "description": [f"Part {x}" for x in names], "item_type": kinds,
        "family": [f"FAM{i % 12:02d}" if k == "FG" else None for i, k in enumerate(kinds)],
        "uom": "pcs", "unit_cost": rng.uniform(1, 500, n).round(2),
        "price": rng.uniform(10, 900, n).round(2),
        "lead_time_days": rng.integers(2, 40, n),
        "lot_rule": rng.choice(["L4L", "FIXED", "MINMULT", "POQ"], n, p=[.6, .1, .2, .1]),
        "fixed_lot": 100.0, "min_lot": 50.0, "lot_multiple": 10.0, "poq_periods": 2,
        "safety_stock": rng.integers(0, 50, n).astype(float), "target_dos": 0.0,
        "max_stock": 0.0, "scrap_pct": 0.0,
        "supplier": [f"SUP{i % 40:02d}" if k == "RM" else None for i, k in enumerate(kinds)],
        "analog_item": None, "status": "active"})
    # BOM: FG → 3 SFG (level 1) → level-2 SFG → RM; SFG reuse makes components shared
    lines = []
    lvl1, lvl2 = sfg[: n_sfg // 2], sfg[n_sfg // 2:]
    for p in fg:
        for c in rng.choice(lvl1, 3, replace=False):
            lines.append((p, c, float(rng.integers(1, 4))))
        for c in rng.choice(rm, 2, replace=False):
            lines.append((p, c, float(rng.integers(1, 6))))
    for p in lvl1:
        lines.append((p, rng.choice(lvl2), 1.0))
        for c in rng.choice(rm, 2, replace=False):
            lines.append((p, c, float(rng.integers(1, 8))))
    for p in lvl2:
        for c in rng.choice(rm, 2, replace=False):
            lines.append((p, c, float(rng.integers(1, 8))))
    bom = pd.DataFrame(lines, columns=["parent", "component", "qty_per"]).drop_duplicates(
        ["parent", "component"])
    bom["scrap_pct"], bom["note"] = 0.0, None
    months = pd.period_range(month - 36, month - 1, freq="M")
    base = rng.gamma(2.0, 40.0, n_fg)
    season = 1 + 0.25 * np.sin(2 * np.pi * np.arange(36) / 12)
    hist = []
    for dept, share in (("Domestic Sales", 0.7), ("International Trade", 0.3)):
        q = np.maximum(0, rng.normal(base[:, None] * season * share, base[:, None] * 0.2))
        hist.append(pd.DataFrame({
            "item": np.repeat(fg, 36), "month": np.tile(months, n_fg), "department": dept,
            "channel": "direct", "ordered_qty": q.ravel().round(), "shipped_qty":
                q.ravel().round()}))
    history = pd.concat(hist, ignore_index=True)
    res = pd.DataFrame({"resource": [f"R{i}" for i in range(8)],
                        "description": [f"Line {i}" for i in range(8)],
                        "shifts_per_day": 2, "hours_per_shift": 8.0, "efficiency": 0.9,
                        "max_overtime_hours": 2.0})
    usage = pd.DataFrame({"item": fg + lvl1, "resource": [f"R{i % 8}" for i in
                                                          range(len(fg) + len(lvl1))],
                          "hours_per_unit": rng.uniform(0.05, 0.5, len(fg) + len(lvl1))})
    stock = pd.DataFrame({"item": names, "warehouse": "WH1",
                          "on_hand": rng.integers(0, 500, n).astype(float),
                          "last_movement": date(2026, 10, 1)})
    contracts = pd.DataFrame({
        "contract": [f"C{i:05d}" for i in range(n_fg)], "contract_type": "small",
        "customer": "Customer", "department": "Domestic Sales", "item": fg,
        "ordered_qty": rng.integers(10, 100, n_fg).astype(float), "delivered_qty": 0.0,
        "due_month": month + 1, "sign_date": None})
    receipts = pd.DataFrame({
        "order": [f"PO{i:05d}" for i in range(n_rm // 3)], "order_type": "purchase",
        "item": rm[: n_rm // 3], "qty": 100.0, "due_date": date(2026, 12, 15),
        "supplier": "SUP00"})
    frames = {"items": items, "bom": bom, "resources": res, "resource_usage": usage,
              "sales_history": history, "stock": stock, "contracts": contracts,
              "scheduled_receipts": receipts}
    return frames, {"company": "Bench Co", "planning_month": month, "horizon": 18,
                    "frozen_periods": 1}


def naive_forecast(history: pd.DataFrame, month: pd.Period, horizon: int) -> ForecastResult:
    h = history.groupby(["item", "month"], as_index=False)["shipped_qty"].sum()
    last_year = h[h["month"] >= month - 12]
    rows = []
    for item, g in last_year.groupby("item"):
        q = g.sort_values("month")["shipped_qty"].to_numpy()
        for k in range(horizon):
            rows.append((item, month + k, float(q[k % len(q)])))
    f = pd.DataFrame(rows, columns=["item", "period", "forecast"])
    f["lower"], f["upper"], f["model"] = f["forecast"] * 0.8, f["forecast"] * 1.2, "naive"
    cleaned = h.rename(columns={"month": "period", "shipped_qty": "quantity"})
    cleaned["cleaned"], cleaned["outlier"] = cleaned["quantity"], False
    return ForecastResult(f, pd.DataFrame({"item": f["item"].unique(), "model": "naive"}),
                          cleaned)


def cells_of(path: Path) -> int:
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(n).to_python()) * wb.get_sheet_by_name(n).width
               for n in wb.sheet_names)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fg", type=int, default=1000, help="finished goods (items = 10×)")
    ap.add_argument("--keep", type=Path, help="keep the workbook in this folder")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="sopxl-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench_master.xlsx"

    t = time.perf_counter()
    frames, settings = synthetic_company(args.fg)
    write_master(path, frames, settings, force=True)
    book = MasterWorkbook.open(path)
    inputs = book.read_inputs()
    stat = naive_forecast(inputs.sales_history, inputs.settings.planning_month, 18)
    book.write([sheets.stat_forecast_sheet(inputs, stat, "en")])
    setup = time.perf_counter() - t
    n_cells = cells_of(path)
    print(f"workbook: {path} — {path.stat().st_size / 1e6:.1f} MB, {n_cells:,} cells "
          f"({len(inputs.items):,} items, {len(inputs.bom):,} BOM lines, "
          f"{len(inputs.sales_history):,} history rows); setup {setup:.1f} s")

    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    book = MasterWorkbook.open(path)
    inputs = book.read_inputs()
    phases["read + validate inputs"] = time.perf_counter() - t0

    t = time.perf_counter()
    run = PlanRun(book, inputs, refresh_forecast=False)
    for name in ("forecast", "demand", "mps", "mrp", "purchase_plan", "capacity",
                 "projection", "exceptions"):
        getattr(run, name)
    phases["plan (read forecast sheet, demand … exceptions)"] = time.perf_counter() - t

    t = time.perf_counter()
    built = build(run, [s.key for s in STEPS if s.key not in ("forecast", "version")])
    contents = built.contents
    contents.append(_run_log(book, run, "bench", built, 0.0))
    out_cells = sum(c.n_rows * c.n_cols for c in contents)
    phases["lay out sheets"] = time.perf_counter() - t

    t = time.perf_counter()
    book.write(contents)
    phases["write (splice + atomic replace)"] = time.perf_counter() - t
    total = time.perf_counter() - t0

    for k, v in phases.items():
        print(f"  {k:<48} {v:6.2f} s")
    print(f"  {'total read + run + write':<48} {total:6.2f} s   (target ≤ 15 s: "
          f"{'met' if total <= 15 else 'MISSED'}); output sheets {out_cells:,} cells; "
          f"peak RSS {peak_mb():,.0f} MB")

    # baselines in the same run
    import openpyxl
    t = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()
    ro = time.perf_counter() - t
    t = time.perf_counter()
    wb = openpyxl.load_workbook(path)
    wb.save(folder / "openpyxl_resaved.xlsx")
    rw = time.perf_counter() - t
    print(f"baseline openpyxl read_only read of the result:   {ro:6.2f} s "
          f"(sop_xl read + validate is {ro / phases['read + validate inputs']:.1f}× faster)")
    print(f"baseline openpyxl load + save of the result:      {rw:6.2f} s "
          f"(sop_xl write is {rw / phases['write (splice + atomic replace)']:.1f}× faster)")


if __name__ == "__main__":
    main()
