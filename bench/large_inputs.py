"""Large inputs: 20,000 items and 60 months of history, loaded and validated; and the same
company's ERP data imported with 156 weeks of history from Parquet, then planned.

Target (issue "Reliability"): ``MasterWorkbook.read_inputs`` on 20,000 items (15,000
finished goods with 60 months of history each = 900,000 history rows, near Excel's
1,048,576-row limit), 50,000 BOM lines, 20,000 stock rows, 60,000 sales-forecast rows in
under 30 s with a peak RSS under 2 GB.

The workbook is generated once (about a minute) and cached in ``--cache`` (default
/tmp/sop_xl_bench). The measurement runs in a fresh process so its peak RSS is the read's
own. ``--profile`` prints the top functions by cumulative time.

    python bench/large_inputs.py [--items 20000] [--months 60] [--profile]
                                 [--scenario workbook|erp|both] [--weeks 156]

Scenario ``erp`` (issue 18): 20,000 items (one plant) whose master data, stock and open
orders come as SAP-style exports (MM60, CS12, MB52, ME2N, VA05 CSV files) and whose sales
history is a Parquet file of 20,000 items × 156 weeks (3.12 million rows). In a fresh
process: ``sop-xl import`` (every line checked, the history checked and aggregated by
DuckDB, the Parquet file put beside the workbook), validate (``read_inputs``), and the
month as ``sop-xl run`` does it split into forecast, plan (demand … exceptions) and write,
each timed, with the process's peak memory. Target: peak memory ≤ 4 GB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FORMAT = 4  # bump when the generated workbook changes


def build_frames(n_items: int, months: int, seed: int = 7) -> tuple[dict[str, pd.DataFrame],
                                                                     dict]:
    """A large, valid company: 75 % finished goods, 12.5 % semi-finished, 12.5 % purchased."""
    rng = np.random.default_rng(seed)
    plan = pd.Period("2026-12", "M")
    n_fg = n_items * 3 // 4
    n_sfg = n_items // 8
    n_rm = n_items - n_fg - n_sfg
    fg = [f"FG{i:06d}" for i in range(n_fg)]
    sfg = [f"SF{i:06d}" for i in range(n_sfg)]
    rm = [f"RM{i:06d}" for i in range(n_rm)]
    codes = fg + sfg + rm
    types = ["FG"] * n_fg + ["SFG"] * n_sfg + ["RM"] * n_rm
    n = len(codes)
    items = pd.DataFrame({
        "item": codes, "description": [f"Article {c}" for c in codes], "item_type": types,
        "family": [f"Fam{i % 40:02d}" if t == "FG" else None for i, t in enumerate(types)],
        "uom": "pcs", "unit_cost": rng.uniform(1, 500, n).round(2),
        "price": rng.uniform(2, 900, n).round(2),
        "lead_time_days": rng.integers(1, 60, n), "lot_rule": "L4L",
        "fixed_lot": 0.0, "min_lot": 0.0, "lot_multiple": 0.0, "poq_periods": 1,
        "safety_stock": rng.integers(0, 50, n).astype(float), "target_dos": 0.0,
        "max_stock": 0.0, "scrap_pct": 0.0,
        "supplier": [f"Sup{i % 300:03d}" if t == "RM" else None for i, t in enumerate(types)],
        "analog_item": None, "status": "active"})
    # BOM: each FG uses one semi-finished and two purchased parts; each SFG two purchased
    parents, comps = [], []
    for i, p in enumerate(fg):
        parents += [p, p, p]
        comps += [sfg[i % n_sfg], rm[(2 * i) % n_rm], rm[(2 * i + 1) % n_rm]]
    for i, p in enumerate(sfg):
        parents += [p, p]
        comps += [rm[(3 * i) % n_rm], rm[(3 * i + 7) % n_rm]]
    bom = pd.DataFrame({"parent": parents, "component": comps,
                        "qty_per": rng.integers(1, 5, len(parents)).astype(float),
                        "scrap_pct": 0.0, "note": None})
    resources = pd.DataFrame({"resource": [f"L{i:02d}" for i in range(20)],
                              "description": "Line", "shifts_per_day": 2,
                              "hours_per_shift": 8.0, "efficiency": 1.0,
                              "max_overtime_hours": 2.0})
    usage = pd.DataFrame({"item": fg, "resource": [f"L{i % 20:02d}" for i in range(n_fg)],
                          "hours_per_unit": 0.1})
    month_list = [plan - months + k for k in range(months)]
    hist = pd.DataFrame({
        "item": np.repeat(fg, months), "month": month_list * n_fg,
        "department": "Domestic Sales", "channel": "direct",
        "ordered_qty": rng.integers(0, 500, n_fg * months).astype(float),
        "shipped_qty": rng.integers(0, 500, n_fg * months).astype(float)})
    fc_months = [plan + k for k in range(4)]
    sales_fc = pd.DataFrame({"assistant": "Li Na", "department": "Domestic Sales",
                             "item": np.repeat(fg, 4), "month": fc_months * n_fg,
                             "qty": rng.integers(0, 400, n_fg * 4).astype(float),
                             "reason": None})
    stock = pd.DataFrame({"item": codes, "warehouse": "WH1",
                          "on_hand": rng.integers(0, 1000, n).astype(float),
                          "last_movement": pd.Timestamp("2026-11-03").date()})
    n_c = max(n_fg // 3, 1)
    contracts = pd.DataFrame({"contract": [f"C{i:06d}" for i in range(n_c)],
                              "contract_type": "small", "customer": "Acme",
                              "department": "Domestic Sales", "item": fg[:n_c],
                              "ordered_qty": 100.0, "delivered_qty": 0.0, "due_month": plan + 1,
                              "sign_date": pd.Timestamp("2026-10-01").date()})
    receipts = pd.DataFrame({"order": [f"PO{i:06d}" for i in range(n_rm)],
                             "order_type": "purchase", "item": rm, "qty": 500.0,
                             "due_date": pd.Timestamp("2026-12-15").date(), "supplier": "Sup1"})
    empty = {k: pd.DataFrame() for k in ("projects", "events", "calendar")}
    settings = {"company": "Large Co", "planning_month": plan, "horizon": 18}
    return {"items": items, "bom": bom, "resources": resources, "resource_usage": usage,
            "sales_history": hist, "sales_forecast": sales_fc, "stock": stock,
            "contracts": contracts, "scheduled_receipts": receipts, **empty}, settings


def large_master(cache: Path, n_items: int, months: int) -> Path:
    """The cached workbook, generated when missing."""
    from sop_xl.app.template import write_master

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"large_inputs_{n_items}x{months}_v{FORMAT}.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        f, s = build_frames(n_items, months)
        write_master(path, f, s, force=True)
        print(f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
    return path


def measure(path: Path, profile: bool, baseline: str | None) -> dict:
    """Open, read and validate; seconds (all, and the file reading part) and peak RSS of
    this process. With ``baseline`` (a git revision) the contract's read_table of that
    revision is timed on the same raw sheets afterwards, for a same-run ratio."""
    from sop_xl.app.master import MasterWorkbook

    t0 = time.perf_counter()
    if profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
    book = MasterWorkbook.open(path)
    reading = [0.0]
    raw_read = book.backend.read_sheet

    def timed_read(name: str):
        t = time.perf_counter()
        try:
            return raw_read(name)
        finally:
            reading[0] += time.perf_counter() - t

    book.backend.read_sheet = timed_read  # type: ignore[method-assign]
    inputs = book.read_inputs()
    seconds = time.perf_counter() - t0
    if profile:
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    rss_mb = peak_rss_mb()
    out = {"seconds": seconds, "reading": reading[0], "peak_rss_mb": rss_mb,
           "items": len(inputs.items), "history_rows": len(inputs.sales_history),
           "bom_lines": len(inputs.bom),
           "cells": sum(f.shape[0] * (f.shape[1] - 1) for f in (
               inputs.items, inputs.bom, inputs.sales_history, inputs.stock,
               inputs.sales_forecast, inputs.contracts, inputs.scheduled_receipts))}
    del inputs
    if baseline:
        out.update(_compare(book, baseline))
    return out


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux: VmHWM of /proc/self/status, because
    ru_maxrss of a freshly started child still holds its parent's peak (the kernel keeps
    the forked copy's high-water mark across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 2**20


def _compare(book, revision: str) -> dict:
    """read_table of ``revision`` against today's, on the same raw sheets (seconds)."""
    import importlib.util
    import tempfile

    from sop_xl import contract
    from sop_xl.contract import read as current

    src = subprocess.run(["git", "show", f"{revision}:sop_xl/contract/read.py"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(src)
    spec = importlib.util.spec_from_file_location("read_baseline", fh.name)
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)  # type: ignore[union-attr]
    t_old = t_new = 0.0
    for s in contract.inputs():
        name = book.sheet_name(s)
        if name is None or s.layout is not contract.Layout.TABLE:
            continue
        raw = book.backend.read_sheet(name)
        t = time.perf_counter()
        old.read_table(s, raw)
        t_old += time.perf_counter() - t
        t = time.perf_counter()
        current.read_table(s, raw)
        t_new += time.perf_counter() - t
        del raw
    return {"baseline": revision, "read_table_old": t_old, "read_table_new": t_new}


# -- scenario erp: ERP exports and a Parquet history, imported and planned -----------------

def erp_company(cache: Path, n_items: int, weeks: int) -> Path:
    """The export folder (cached): SAP-style CSVs, the weekly history as Parquet, and a
    master workbook holding what no ERP report gives (Settings, resources, sales forecast)."""
    folder = cache / f"erp_{n_items}x{weeks}_v{FORMAT}"
    if (folder / "done").exists():
        return folder
    t0 = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    f, settings = build_frames(n_items, 60)
    it = f["items"]
    made = it["item_type"] != "RM"
    sap_type = it["item_type"].map({"FG": "FERT", "SFG": "HALB", "RM": "ROH"})
    pd.DataFrame({"Material": it["item"], "Material Description": it["description"],
                  "Material Type": sap_type, "Material Group": it["family"],
                  "Base Unit of Measure": "PC", "Standard price": it["unit_cost"],
                  "In-house production": np.where(made, it["lead_time_days"], 0),
                  "Planned Deliv. Time": np.where(made, 0, it["lead_time_days"]),
                  "Lot size": "EX", "Safety Stock": it["safety_stock"]}
                 ).to_csv(folder / "MM60_materials.csv", index=False)
    b = f["bom"]
    pd.DataFrame({"Material": b["parent"], "Component": b["component"],
                  "Component quantity": b["qty_per"], "Base quantity": 1.0}
                 ).to_csv(folder / "CS12_bom.csv", index=False)
    st = f["stock"]
    pd.DataFrame({"Material": st["item"], "Storage Location": st["warehouse"],
                  "Unrestricted": st["on_hand"]}).to_csv(folder / "MB52_stock.csv",
                                                         index=False)
    r = f["scheduled_receipts"]
    pd.DataFrame({"Purchasing Document": r["order"], "Item": 10, "Material": r["item"],
                  "Scheduled Quantity": r["qty"], "Quantity Delivered": 0.0,
                  "Delivery Date": pd.to_datetime(r["due_date"]).dt.strftime("%d.%m.%Y"),
                  "Vendor": r["supplier"]}).to_csv(folder / "ME2N_purchase.csv", index=False)
    c = f["contracts"]
    pd.DataFrame({"Sales Document": c["contract"], "Sales Document Type": "OR",
                  "Material": c["item"], "Order Quantity": c["ordered_qty"],
                  "Delivered Quantity": c["delivered_qty"], "Sales Office": c["department"],
                  "Req.dlv.date": [f"20.{m.month:02d}.{m.year}" for m in c["due_month"]]}
                 ).to_csv(folder / "VA05_orders.csv", index=False)
    # 156 weeks ending before the planning month, every item, in the planning's work week
    rng = np.random.default_rng(5)
    plan = settings["planning_month"]
    end = pd.Timestamp(plan.start_time) - pd.Timedelta(days=6)  # whole weeks before M
    monday = end - pd.Timedelta(days=end.day_of_week) - pd.Timedelta(weeks=weeks - 1)
    week_starts = pd.date_range(monday, periods=weeks, freq="7D").date
    codes = it["item"].to_numpy()
    n = len(codes) * weeks
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.table({
        "item": pa.array(np.repeat(codes, weeks)),
        "week": pa.array(np.tile(week_starts, len(codes))),
        "department": pa.array(np.full(n, "Domestic Sales")),
        "channel": pa.array(np.full(n, "direct")),
        "ordered_qty": pa.array(rng.integers(0, 120, n).astype(float)),
        "shipped_qty": pa.array(rng.integers(0, 120, n).astype(float))})
    pq.write_table(table, folder / "VF05_sales_history.parquet", row_group_size=500_000)
    from sop_xl.app.template import write_master
    keep = {k: f[k] for k in ("resources", "resource_usage", "sales_forecast")}
    write_master(folder / "master.xlsx", keep,
                 {**settings, "history_file": "sales_history.parquet"}, force=True)
    (folder / "done").write_text("ok")
    print(f"generated {folder.name} in {time.perf_counter() - t0:.0f} s", flush=True)
    return folder


def measure_erp(folder: Path) -> dict:
    """In this (fresh) process: import, validate, forecast, plan, write; seconds each."""
    import shutil
    import tempfile

    from sop_xl.app.cycle import CYCLE, run_steps
    from sop_xl.app.imports import import_sources
    from sop_xl.app.master import MasterWorkbook

    work = Path(tempfile.mkdtemp(prefix="sopxl-bench-"))
    master = work / "master.xlsx"
    shutil.copyfile(folder / "master.xlsx", master)
    exports = work / "exports"
    exports.mkdir()
    for p in folder.iterdir():
        if p.suffix in (".csv", ".parquet"):
            os.symlink(p, exports / p.name)
    out: dict = {}
    t = time.perf_counter()
    rep = import_sources(MasterWorkbook.open(master), exports, "sap")
    out["import"] = time.perf_counter() - t
    out["imported"] = rep.sheets
    out["rss_import"] = peak_rss_mb()
    t = time.perf_counter()
    inputs = MasterWorkbook.open(master).read_inputs()
    out["validate"] = time.perf_counter() - t
    out["history_rows"] = len(inputs.sales_history)
    out["rss_validate"] = peak_rss_mb()
    del inputs
    marks: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    run_steps(MasterWorkbook.open(master), [k for k in CYCLE if k != "version"],
              progress=lambda text: marks.append((time.perf_counter() - t0, text)))
    total = time.perf_counter() - t0
    marks.append((total, "end"))
    phases = {"read + validate": 0.0, "forecast": 0.0, "plan": 0.0, "write": 0.0}
    for (at, text), (nxt, _) in itertools.pairwise(marks):
        phase = ("read + validate" if text.startswith("reading") else
                 "forecast" if text.startswith("forecast") else
                 "write" if text.startswith("writing") else "plan")
        phases[phase] += nxt - at
    out.update(phases)
    out["run"] = total
    out["peak_rss_mb"] = peak_rss_mb()
    out["file_mb"] = master.stat().st_size / 1e6
    shutil.rmtree(work, ignore_errors=True)
    return out


def report_erp(r: dict, n_items: int, weeks: int) -> None:
    print(f"ERP import + plan: {n_items:,} items, {weeks} weeks of history from Parquet "
          f"({n_items * weeks:,} rows → {r['history_rows']:,} item-months), one plant")
    print(f"  import     {r['import']:7.1f} s   (SAP-style exports + Parquet checked by "
          f"DuckDB; peak so far {r['rss_import']:,.0f} MB)")
    print(f"  validate   {r['validate']:7.1f} s   (all input sheets + history file, rules "
          f"across sheets; peak so far {r['rss_validate']:,.0f} MB)")
    print(f"  sop-xl run without a version: {r['run']:.1f} s")
    for k in ("read + validate", "forecast", "plan", "write"):
        print(f"    {k:15s} {r[k]:7.1f} s")
    print(f"  peak RSS   {r['peak_rss_mb']:7,.0f} MB   target ≤ 4096 MB "
          f"({r['peak_rss_mb'] / 4096:.0%} of target); workbook {r['file_mb']:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=20_000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/sop_xl_bench"))
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--baseline", metavar="REV",
                    help="also time contract/read.py's read_table of this git revision")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    ap.add_argument("--measure-erp", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--scenario", choices=["workbook", "erp", "both"], default="both")
    ap.add_argument("--weeks", type=int, default=156)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.profile, args.baseline)))
        return
    if args.measure_erp:
        print(json.dumps(measure_erp(args.measure_erp), default=str))
        return
    if args.scenario in ("erp", "both"):
        folder = erp_company(args.cache, args.items, args.weeks)
        out = subprocess.run([sys.executable, __file__, "--measure-erp", str(folder)],
                             check=True, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        report_erp(json.loads(out.stdout.strip().splitlines()[-1]), args.items, args.weeks)
        if args.scenario == "erp":
            return
    path = large_master(args.cache, args.items, args.months)
    cmd = [sys.executable, __file__, "--measure", str(path)] + (
        ["--profile"] if args.profile else []) + (
        ["--baseline", args.baseline] if args.baseline else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    if args.profile:
        print(out.stderr)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    size = path.stat().st_size / 1e6
    print(f"read_inputs: {r['items']:,} items, {r['history_rows']:,} history rows, "
          f"{r['bom_lines']:,} BOM lines, {r['cells']:,} input cells ({size:.0f} MB file)")
    print(f"  time       {r['seconds']:6.1f} s    target < 30 s   "
          f"({r['seconds'] / 30:.0%} of target; {r['cells'] / r['seconds'] / 1e6:.2f} M cells/s)")
    print(f"    of which {r['reading']:6.1f} s reading the file (calamine + formula/error scan), "
          f"{r['seconds'] - r['reading']:.1f} s coercion and validation")
    print(f"  peak RSS   {r['peak_rss_mb']:6.0f} MB   target < 2048 MB "
          f"({r['peak_rss_mb'] / 2048:.0%} of target)")
    if "baseline" in r:
        print(f"  read_table on the same sheets: {r['baseline']} {r['read_table_old']:.1f} s, "
              f"now {r['read_table_new']:.1f} s "
              f"({r['read_table_old'] / r['read_table_new']:.1f}x faster)")


if __name__ == "__main__":
    main()
