"""How a master workbook carries years of plan versions: size, lock check, command time.

Builds the small test company's master, then adds ``--months`` months of plan versions
(``--per-month`` each; the last of each month approved, the others superseded drafts) of a
company with ``--items`` finished goods over an 18-month horizon, snapshot sizes as the
cycle writes them. Then measures, in the same run:

* the file size, and the size of one plan tab;
* ``read_inputs`` (every planning command's first step, which runs the lock check) with
  the register's fingerprints valid (our own writes keep tab XML byte for byte) and with
  them stale (after a re-save by Excel every locked tab is read and hashed);
* one command that writes (the MPS step) and ``version save``-like writes of a new tab;
* the same after ``archive --before`` moves the first year into a sidecar workbook.

Run: python bench/versions_history.py [--items 100] [--months 24] [--per-month 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from small_company import frames  # noqa: E402

from sop_xl.app import versions as pv  # noqa: E402
from sop_xl.app.cycle import run_steps  # noqa: E402
from sop_xl.app.master import MasterWorkbook  # noqa: E402
from sop_xl.app.template import write_master  # noqa: E402
from sop_xl.layout.version_sheets import plan_tab_content, register_sheet  # noqa: E402
from sop_xl.plan import versions as v  # noqa: E402

HORIZON = 18


def synthetic_snapshot(month: pd.Period, items: int, rng: np.random.Generator) -> pd.DataFrame:
    """A snapshot shaped like the cycle's: demand parts, MPS, projection, capacity, purchases."""
    keys = pd.Index([f"FG{i:04d}" for i in range(items)])
    fam = pd.Series([f"F{i % 12}" for i in range(items)], index=keys)
    periods = [str(month + k) for k in range(HORIZON)]
    shape = (items, HORIZON)

    def qty(p_zero: float = 0.0) -> np.ndarray:
        a = np.round(rng.gamma(2.0, 60.0, shape), 0)
        a[rng.random(shape) < p_zero] = 0
        return a

    price = rng.uniform(50, 500, items)
    cost = price * 0.7
    demand = {"forecast_part": qty(), "small_contracts": qty(0.7), "large_contracts": qty(0.85),
              "projects_weighted": qty(0.9) * 0.5, "shipped": qty(0.95)}
    demand["demand"] = sum(demand[k] for k in ("forecast_part", "small_contracts",
                                               "large_contracts", "projects_weighted"))
    parts = [
        v.section_rows("demand", keys, periods, demand, list(demand), family=fam,
                       value_per_unit=price),
        v.section_rows("mps", keys, periods, {"production": qty(0.2)}, ["production"],
                       family=fam, value_per_unit=cost),
        v.section_rows("projection", keys, periods, {"projected": qty()}, ["projected"],
                       family=fam, value_per_unit=cost),
        v.section_rows("capacity", pd.Index([f"R{i}" for i in range(10)]), periods,
                       {"load": qty()[:10], "available": qty()[:10]}, ["load", "available"]),
    ]
    n_po = items * 6
    parts.append(pd.DataFrame({
        "section": "purchase", "key": [f"RM{i:04d}" for i in rng.integers(0, items * 3, n_po)],
        "family": [f"Sup{i}" for i in rng.integers(0, 20, n_po)], "measure": "purchase_qty",
        "period": [f"{month.year}-W{w:02d}" for w in rng.integers(1, 53, n_po)],
        "qty": np.round(rng.gamma(2, 200, n_po)), "value": np.round(rng.gamma(2, 2000, n_po)),
        "text": ""}))
    parts.append(v.settings_rows({"planning_month": str(month), "bucket": "month",
                                  "horizon": HORIZON, "company": "Bench Co"}))
    snap = pd.concat(parts, ignore_index=True)
    return snap.sort_values(["section", "key", "measure", "period"], kind="stable") \
        .reset_index(drop=True)


def build(path: Path, items: int, months: int, per_month: int) -> pd.Period:
    f, s = frames("2026-12")
    write_master(path, f, s, force=True)
    book = MasterWorkbook.open(path)
    first = pd.Period("2026-12", "M") - months + 1
    rng = np.random.default_rng(7)
    rows, tabs = [], []
    n = 0
    for k in range(months):
        month = first + k
        for j in range(per_month):
            n += 1
            vid = f"{n:03d}"
            snap = synthetic_snapshot(month, items, rng)
            rec = v.new_record(vid, month, snap, created_at="2026-12-01 08:00:00", author="bench")
            row = rec.row()
            if j == per_month - 1:
                row.update(status="approved", approved_by="bench", approved_at=rec.created_at)
            elif per_month > 1:
                row.update(status="superseded", approved_by="bench", approved_at=rec.created_at)
            rows.append(row)
            tabs.append(plan_tab_content(snap, vid, rec.sheet, "en"))
    reg = pd.DataFrame(rows)
    # written in a few batches, as months of saves would leave it
    for lo in range(0, len(tabs), 8):
        pv.write(book, tabs[lo:lo + 8])
        book = MasterWorkbook.open(path)
    pv.write(book, [register_sheet(reg, "en")])
    # the first write after that checks every locked tab in full and records fingerprints
    MasterWorkbook.open(path).write([])
    return first


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(path: Path, label: str, baseline: Path) -> dict[str, float]:
    size = path.stat().st_size / 2**20
    base_read = timed(lambda: MasterWorkbook.open(baseline).read_inputs())
    fast = timed(lambda: MasterWorkbook.open(path).read_inputs())
    stale = path.with_name(path.stem + "_stale.xlsx")
    shutil.copy(path, stale)
    b = MasterWorkbook.open(stale)
    reg = pv.read_register(b)
    reg["fingerprint"] = ""  # as after a re-save in Excel: every locked tab is re-read
    pv.write(b, [register_sheet(reg, "en")])
    slow = timed(lambda: MasterWorkbook.open(stale).read_inputs(), repeat=1)
    refresh = timed(lambda: run_steps(MasterWorkbook.open(stale), ["mps"]), repeat=1)
    after = timed(lambda: MasterWorkbook.open(stale).read_inputs(), repeat=1)
    base_cmd = timed(lambda: run_steps(MasterWorkbook.open(baseline), ["mps"]), repeat=2)
    cmd = timed(lambda: run_steps(MasterWorkbook.open(path), ["mps"]), repeat=2)
    locked = int((reg["approved_at"] != "").sum())
    print(f"\n{label}: {size:.1f} MB, {len(reg)} versions ({locked} locked, "
          f"{int((reg['location'] != '').sum())} archived)")
    print(f"  read_inputs + lock check, fingerprints valid : {fast:6.2f} s "
          f"(no versions: {base_read:.2f} s, ×{fast / base_read:.1f})")
    print(f"  read_inputs + lock check, fingerprints stale : {slow:6.2f} s "
          f"(×{slow / base_read:.1f})")
    print(f"  then a writing command (mps), refreshing them: {refresh:6.2f} s; the next "
          f"read_inputs {after:.2f} s")
    print(f"  a writing command (mps step)                 : {cmd:6.2f} s "
          f"(no versions: {base_cmd:.2f} s, ×{cmd / base_cmd:.1f})")
    stale.unlink()
    return {"size": size, "fast": fast, "slow": slow, "cmd": cmd}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--per-month", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        baseline = d / "baseline.xlsx"
        f, s = frames("2026-12")
        write_master(baseline, f, s)
        run_steps(MasterWorkbook.open(baseline), ["mps"])
        path = d / "master.xlsx"
        t0 = time.perf_counter()
        first = build(path, args.items, args.months, args.per_month)
        snap = synthetic_snapshot(first, args.items, np.random.default_rng(1))
        print(f"{args.months} months × {args.per_month} versions of {args.items} finished "
              f"goods, {HORIZON}-month horizon: {len(snap):,} rows per plan tab; built in "
              f"{time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        h = v.content_hash(snap)
        t_hash = time.perf_counter() - t0
        t0 = time.perf_counter()
        v.cell_tags(snap)
        t_tags = time.perf_counter() - t0
        print(f"one tab: content hash {t_hash * 1000:.0f} ms, check tags "
              f"{t_tags * 1000:.0f} ms ({h[:8]})")
        full = measure(path, f"{args.months} months in the master", baseline)
        t0 = time.perf_counter()
        res = pv.archive(MasterWorkbook.open(path), first + args.months // 2)
        t_arch = time.perf_counter() - t0
        print(f"\narchive --before {first + args.months // 2}: {len(res.versions)} versions "
              f"in {t_arch:.1f} s; sidecar {res.path.stat().st_size / 2**20:.1f} MB")
        part = measure(path, f"last {args.months - args.months // 2} months in the master",
                       baseline)
        print(f"\narchiving halves the file (×{part['size'] / full['size']:.2f}) and the "
              f"writing command (×{part['cmd'] / full['cmd']:.2f}); the stale-fingerprint "
              f"check ×{part['slow'] / full['slow']:.2f}")


if __name__ == "__main__":
    main()
