"""A large company's month, file to file, as a planner runs it: `sop-xl run MASTER`.

    python bench/month.py [--items 10000] [--buckets month|week|both] [--cache DIR]

Generates (once, cached) a company of 10,000 items: 3,000 finished goods in 30 families,
five BOM levels with 30,000 lines, 20 resources, 36 months of history in two sales
departments, contracts, stock and open orders; writes it as a master workbook; then runs
`sop-xl run` on a copy in a fresh process, exactly as a user would, and reads the
timestamps of its progress lines to split the wall time into the steps of the month (read
+ validate, accuracy, forecast, demand, MPS, MRP, capacity, projection, finance, version,
exceptions, write). Prints per step its seconds and share of the whole, the peak memory of
the run, the file size and one summary line per variant: 18 monthly periods, and a weekly
variant of 52 weeks.

Targets (issue 20, 2-core machine): the whole month ≤ 60 s without the forecast and
≤ 120 s with it; peak memory ≤ 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FORMAT = 2  # bump when the generated company changes
LEVEL_SHARE = (0.30, 0.15, 0.15, 0.15, 0.25)   # items per low-level code 0..4

# progress line (what `sop-xl run` prints) → the step of the month it starts
STEP_OF = (
    ("reading and validating", "read + validate"),
    ("forecast accuracy", "accuracy"),
    ("statistical forecast", "forecast"),
    ("forecast", "forecast"),
    ("demand plan", "demand"),
    ("master production schedule", "mps"),
    ("material requirements", "mrp"),
    ("rough-cut capacity", "capacity"),
    ("inventory projection", "projection"),
    ("projection", "projection"),
    ("financial", "finance"),
    ("save plan version", "version"),
    ("exceptions", "exceptions"),
    ("writing the workbook", "write"),
)
_LINE = re.compile(r"^\[\s*([0-9.]+)s(?: cpu\s*([0-9.]+)s)?\] (.*)$")


def company(n_items: int, seed: int = 11) -> tuple[dict[str, pd.DataFrame], dict]:
    """The frames of a valid master: five exact BOM levels, shared components."""
    rng = np.random.default_rng(seed)
    month = pd.Period("2026-12", "M")
    counts = (np.array(LEVEL_SHARE) * n_items).astype(int)
    counts[-1] += n_items - counts.sum()
    level = np.repeat(np.arange(5), counts)
    first = np.concatenate([[0], np.cumsum(counts)])
    prefix = np.array(["FG", "SA", "SB", "SC", "RM"])[level]
    names = np.array([f"{p}{k:05d}" for p, k in zip(prefix, range(n_items), strict=True)],
                     dtype=object)
    n_lines = 3 * n_items
    pairs: set[tuple[int, int]] = set()
    for lv in range(1, 5):  # every item below the top has a parent one level up
        kids = np.arange(first[lv], first[lv + 1])
        parents = rng.integers(first[lv - 1], first[lv], len(kids))
        pairs.update(zip(parents.tolist(), kids.tolist(), strict=True))
    while len(pairs) < n_lines:
        k = n_lines - len(pairs)
        p = rng.integers(0, first[4], k)
        lv = np.minimum(level[p] + np.where(rng.random(k) < 0.8, 1, 2), 4)
        c = first[lv] + (rng.random(k) * counts[lv]).astype(int)
        pairs.update(zip(p.tolist(), c.tolist(), strict=True))
    par, com = np.array(sorted(pairs)).T
    bom = pd.DataFrame({"parent": names[par], "component": names[com],
                        "qty_per": rng.choice([1.0, 1.0, 2.0, 4.0], len(par)),
                        "scrap_pct": 0.0, "note": None})
    kinds = np.where(level == 0, "FG", np.where(level == 4, "RM", "SFG"))
    rules = rng.choice(["L4L", "FIXED", "MINMULT", "POQ"], n_items, p=[0.45, 0.15, 0.3, 0.1])
    # On dates a lot-for-lot component is ordered on every working day one of its parents
    # starts an order: with the same rules for every level (format 1) the month planned
    # 1.77 M orders, more rows than an Excel sheet holds. Components are ordered per period
    # instead, as companies of this size do (SAP's weekly / monthly lot sizes).
    lfl_component = (rules == "L4L") & (level > 0)
    rules = np.where(lfl_component, "POQ", rules)
    items = pd.DataFrame({
        "item": names, "description": [f"Part {x}" for x in names], "item_type": kinds,
        "family": [f"Family {i % 30:02d}" if k == "FG" else None
                   for i, k in enumerate(kinds)],
        "uom": "pcs", "unit_cost": rng.uniform(1, 500, n_items).round(2),
        "price": np.where(level == 0, rng.uniform(600, 2000, n_items), 0).round(2),
        "lead_time_days": rng.integers(2, 30, n_items), "lot_rule": rules,
        "fixed_lot": np.where(rules == "FIXED", 100.0, 0.0),
        "min_lot": np.where(rules == "MINMULT", 50.0, 0.0),
        "lot_multiple": np.where(rules == "MINMULT", 10.0, 0.0),
        "poq_periods": np.where(rules == "POQ", np.where(lfl_component, 1, 2), 1),
        "safety_stock": rng.integers(0, 50, n_items).astype(float), "target_dos": 0.0,
        "max_stock": 0.0, "scrap_pct": 0.0,
        "supplier": [f"Supplier {i % 60:02d}" if k == "RM" else None
                     for i, k in enumerate(kinds)],
        "analog_item": None, "status": "active"})
    fg = names[level == 0]
    n_fg = len(fg)
    months = pd.period_range(month - 36, month - 1, freq="M")
    base = rng.gamma(2.0, 30.0, n_fg)
    season = 1 + 0.25 * np.sin(2 * np.pi * (np.arange(36) + rng.integers(0, 12)) / 12)
    hist = []
    for dept, share in (("Domestic Sales", 0.7), ("International Trade", 0.3)):
        q = np.maximum(0, rng.normal(base[:, None] * season * share,
                                     base[:, None] * 0.25 * share)).round()
        hist.append(pd.DataFrame({
            "item": np.repeat(fg, 36), "month": np.tile(months, n_fg), "department": dept,
            "channel": "direct", "ordered_qty": q.ravel(), "shipped_qty": q.ravel()}))
    history = pd.concat(hist, ignore_index=True)
    resources = pd.DataFrame({"resource": [f"R{i:02d}" for i in range(20)],
                              "description": [f"Work centre {i}" for i in range(20)],
                              "shifts_per_day": 2, "hours_per_shift": 8.0,
                              "efficiency": 0.9, "max_overtime_hours": 2.0})
    made = names[level < 4]
    usage = pd.DataFrame({"item": made, "resource": [f"R{i % 20:02d}" for i in
                                                     range(len(made))],
                          "hours_per_unit": rng.uniform(0.01, 0.2, len(made)).round(3)})
    stock = pd.DataFrame({"item": names, "warehouse": "WH1",
                          "on_hand": rng.integers(0, 400, n_items).astype(float),
                          "last_movement": date(2026, 10, 1)})
    contracts = pd.DataFrame({
        "contract": [f"C{i:05d}" for i in range(n_fg)], "contract_type": "small",
        "customer": "Customer", "department": "Domestic Sales", "item": fg,
        "ordered_qty": rng.integers(5, 60, n_fg).astype(float), "delivered_qty": 0.0,
        "due_month": month + 1, "sign_date": None})
    buy = names[level == 4]
    receipts = pd.DataFrame({
        "order": [f"PO{i:05d}" for i in range(len(buy) // 2)], "order_type": "purchase",
        "item": buy[: len(buy) // 2], "qty": 200.0, "due_date": date(2026, 12, 15),
        "supplier": "Supplier 00"})
    frames = {"items": items, "bom": bom, "resources": resources, "resource_usage": usage,
              "sales_history": history, "stock": stock, "contracts": contracts,
              "scheduled_receipts": receipts}
    return frames, {"company": "Bench Month Co", "planning_month": month, "horizon": 18,
                    "frozen_periods": 1, "bucket": "month"}


def master(cache: Path, n_items: int, bucket: str) -> Path:
    """The generated master workbook, built once per size, bucket and format."""
    from sop_xl.app.template import write_master

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"month-{n_items}-{bucket}-v{FORMAT}.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        frames, settings = company(n_items)
        if bucket == "week":
            settings = {**settings, "bucket": "week", "horizon": 52}
        write_master(path, frames, settings, force=True)
        print(f"  (generated {path.name} in {time.perf_counter() - t0:.0f} s)")
    return path


def steps_of(stderr: str, total: float, total_cpu: float) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds per step of the month, from the progress lines' timestamps
    (CPU: the run's own and that of the workers it finished with, SOP_XL_PROGRESS_CPU)."""
    marks: list[tuple[float, float, str]] = []
    for line in stderr.splitlines():
        m = _LINE.match(line.strip())
        if not m:
            continue
        text = m.group(3).lower()
        step = next((s for key, s in STEP_OF if text.startswith(key)), None)
        if text.startswith("done"):
            step = "end"
        if step:
            marks.append((float(m.group(1)), float(m.group(2) or 0.0), step))
    out: dict[str, tuple[float, float]] = {}
    ends = [*marks[1:], (total, total_cpu, "end")]
    for (t, c, step), (t_next, c_next, _) in zip(marks, ends, strict=True):
        if step != "end":
            w0, c0 = out.get(step, (0.0, 0.0))
            out[step] = (w0 + max(t_next - t, 0.0), c0 + max(c_next - c, 0.0))
    return out


def run_month(path: Path, work: Path) -> dict:
    """`sop-xl run` on a copy, in a fresh process: wall time, steps, peak memory, size."""
    target = work / path.name
    shutil.copy(path, target)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu0 = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sop_xl.cli.main", "run", str(target)],
                          capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT),
                               "SOP_XL_PROGRESS_CPU": "1"})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"sop-xl run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu0
    # CPU of the run and every process it started (forecast workers): on a shared
    # machine wall time says as much about the neighbours as about the code
    return {"wall": wall, "cpu": cpu, "steps": steps_of(proc.stderr, wall, cpu),
            "largest": largest(target),
            # ru_maxrss of children is the largest child so far: the run is the largest
            "peak_mb": max(peak, before) / 1024, "size_mb": target.stat().st_size / 2**20}


def largest(path: Path, n: int = 4) -> list[tuple[str, int]]:
    """The ``n`` sheets with most rows (from each part's dimension), name and rows: what
    decides the file size and whether Excel can hold it (1,048,576 rows a sheet)."""
    import zipfile

    from sop_xl.workbook.package import Package

    pkg = Package(path)
    parts = {e.name: e.part for e in pkg.sheets}
    pkg.close()
    rows = []
    with zipfile.ZipFile(path) as z:
        for name, part in parts.items():
            with z.open(part) as fh:
                head = fh.read(4096).decode("utf-8", "replace")
            m = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
            rows.append((name, int(m.group(1)) if m else 0))
    return sorted(rows, key=lambda x: -x[1])[:n]


def report(label: str, r: dict) -> None:
    steps, wall, cpu = r["steps"], r["wall"], r["cpu"]
    print(f"\n{label}")
    print(f"  {'step':<16}{'seconds':>9}{'share':>8}{'CPU s':>9}{'share':>8}")
    for step, (sec, c) in sorted(steps.items(), key=lambda kv: -kv[1][1]):
        print(f"  {step:<16}{sec:>9.1f}{sec / wall:>8.0%}{c:>9.1f}{c / max(cpu, 1e-9):>8.0%}")
    untimed = wall - sum(s for s, _ in steps.values())
    untimed_cpu = cpu - sum(c for _, c in steps.values())
    print(f"  {'(start-up)':<16}{untimed:>9.1f}{untimed / wall:>8.0%}{untimed_cpu:>9.1f}"
          f"{untimed_cpu / max(cpu, 1e-9):>8.0%}")
    print("  largest sheets: " + ", ".join(f"{s} {n:,} rows" for s, n in r["largest"]))
    no_fc, fc = wall - steps.get("forecast", (0.0, 0.0))[0], steps.get("forecast", (0, 0))
    slowest = max(steps, key=lambda s: steps[s][1]) if steps else "-"
    print(f"  summary: whole month {wall:.1f} s (target 120), without the forecast "
          f"{no_fc:.1f} s (target 60), peak {r['peak_mb']:,.0f} MB (target 4,096), "
          f"file {r['size_mb']:.1f} MB; slowest step (CPU): {slowest}")
    print(f"  CPU: whole month {cpu:.1f} s, without the forecast {cpu - fc[1]:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} at the end (wall / CPU "
          f"{wall / max(cpu, 1e-9):.2f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--buckets", choices=["month", "week", "both"], default="both")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/sop_xl_bench"))
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    work = args.cache / "month-runs"
    work.mkdir(parents=True, exist_ok=True)
    print(f"bench/month.py: {args.items:,} items, {os.cpu_count()} cores")
    results = {}
    for bucket in (["month", "week"] if args.buckets == "both" else [args.buckets]):
        path = master(args.cache, args.items, bucket)
        label = (f"{bucket}ly buckets: 18 months" if bucket == "month"
                 else "weekly buckets: 52 weeks")
        results[bucket] = run_month(path, work)
        report(label, results[bucket])
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
