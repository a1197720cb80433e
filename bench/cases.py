"""The five user cases of issue 14, as a new user meets them; prints what happens.

1. SOP_FORECAST(history, 12, "auto") on 8 synthetic series of 36 months with ±20-30 %
   seasonality (and 4 of 48 months): does the forecast follow the season?
2. Demo FG-P210 (36 months, seasonal): which model, and why.
3. Demo FG-P130 (one month of 420 pieces, about 7x normal): cleaned with and without the
   per-working-day restatement?
4. Demo FG-P150 (new item, 6 months, last two 43 and 48): the level it is forecast at.
5. Interval coverage on the synthetic holdout of bench/forecast.py (first N series; the
   bench prints it for all 10,000).

Reads workbooks/demo/sop_master.xlsx (run `sop-xl demo` first in a fresh checkout). Run:
    python bench/cases.py [--coverage-n 2000]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/forecast.py

from sop_xl.excel.udfs import SOP_FORECAST
from sop_xl.plan.forecast import ProcessExecutor, auto_forecast

ROOT = Path(__file__).resolve().parent.parent
SEED = 2027  # not a seed any development generator uses


def seasonal_series(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n months of ±20-30 % seasonality around 200 with 8 % noise; the next 12 true means."""
    amp = rng.uniform(0.2, 0.3)
    phase = rng.integers(12)
    t = np.arange(n + 12)
    mean = 200 * (1 + amp * np.sin(2 * np.pi * (t + phase) / 12))
    y = np.round(mean[:n] * (1 + rng.normal(0, 0.08, n)))
    return y, mean[n:]


def follows_season(forecast: np.ndarray, truth: np.ndarray) -> bool:
    """Correlates with the true season (r > 0.7) and carries at least half its swing."""
    if np.std(forecast) == 0:
        return False
    r = float(np.corrcoef(forecast, truth)[0, 1])
    return r > 0.7 and np.std(forecast) >= 0.5 * np.std(truth)


def case_short_seasonal() -> None:
    rng = np.random.default_rng(SEED)
    for n, count in ((36, 8), (48, 4)):
        found, errors = 0, []
        for _ in range(count):
            y, truth = seasonal_series(n, rng)
            fc = np.array(SOP_FORECAST([[v] for v in y], 12, "auto"), dtype=float).ravel()
            found += follows_season(fc, truth)
            errors.append(np.mean(np.abs(fc - truth)) / np.mean(truth))
        print(f"1. SOP_FORECAST auto, {n} months: follows the season in {found} of {count}; "
              f"mean abs error {100 * np.mean(errors):.1f} % of the level")


def demo_runs() -> dict[bool, tuple[object, pd.DataFrame]]:
    from sop_xl.app.cycle import PlanRun
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.plan import month

    book = MasterWorkbook.open(ROOT / "workbooks" / "demo" / "sop_master.xlsx")
    inputs = book.read_inputs()
    runs = {}
    for per_day in (True, False):
        settings = dataclasses.replace(inputs.settings, forecast_working_days=per_day)
        run = PlanRun(book, dataclasses.replace(inputs, settings=settings), refresh_forecast=True)
        runs[per_day] = (run.forecast, month.shipped_history(run.inputs))
    return runs


def case_demo() -> None:
    runs = demo_runs()
    result, history = runs[True]
    summary = result.summary.set_index("item")
    fc = result.forecast.set_index("item")
    row = summary.loc["FG-P210"]
    print(f"2. FG-P210 ({row['n_history']} months, seasonal={row['seasonal']}): model "
          f"{row['model']}; backtest MASE {row['mase']:.3f} (seasonal naive "
          f"{row['mase_naive']:.3f}); note: {row['note'] or '-'}")
    months = np.round(fc.loc["FG-P210", "forecast"].to_numpy()[:12], 0)
    print(f"   first 12 months of forecast: {months.tolist()}")
    for per_day in (True, False):
        cleaned = runs[per_day][0].cleaned
        flagged = cleaned[(cleaned["item"] == "FG-P130") & cleaned["outlier"]]
        what = ", ".join(f"{p} {q:.0f}→{c:.0f}" for p, q, c in
                         zip(flagged["period"], flagged["quantity"], flagged["cleaned"],
                             strict=True)) or "not cleaned"
        print(f"3. FG-P130 spike, per working day {'on ' if per_day else 'off'}: {what}")
    h = history[history["item"] == "FG-P150"]["quantity"].to_numpy()
    row = summary.loc["FG-P150"]
    print(f"4. FG-P150 history {h.astype(int).tolist()}: model {row['model']}; forecast of the "
          f"next 3 months {np.round(fc.loc['FG-P150', 'forecast'].to_numpy()[:3], 1).tolist()}, "
          f"mean of 12 {fc.loc['FG-P150', 'forecast'][:12].mean():.1f}")


def case_coverage(n: int) -> None:
    from forecast import HISTORY, HOLDOUT, M, synthetic

    series, _ = synthetic(max(n, 1))
    names = list(series)[:n]
    periods = pd.period_range("2020-01", periods=HISTORY, freq="M")
    history = pd.DataFrame({"item": np.repeat(names, HISTORY),
                            "period": np.tile(periods, len(names)),
                            "quantity": np.concatenate([series[k][:HISTORY] for k in names])})
    fc = auto_forecast(history, HOLDOUT, M, ProcessExecutor()).forecast
    actual = np.concatenate([series[k][HISTORY:] for k in names])
    cells = []
    for level in (80, 95):
        inside = (fc[f"lower_{level}"] <= actual) & (actual <= fc[f"upper_{level}"])
        cells.append(f"{level} % interval {100 * inside.mean():.1f} %")
    print(f"5. coverage on the synthetic holdout ({n} series × {HOLDOUT} months): "
          + ", ".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coverage-n", type=int, default=2000)
    args = parser.parse_args()
    case_short_seasonal()
    case_demo()
    case_coverage(args.coverage_n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
