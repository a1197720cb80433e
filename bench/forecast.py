"""Speed and accuracy of auto_forecast on synthetic monthly demand (mixed demand classes).

Prints, all measured in the same run:
- wall time of auto_forecast (classification, cleaning, rolling-origin backtest,
  selection, intervals) on N series × 60 months (default N = 10,000; target ≤ 60 s on
  2 cores, issue 20; ≤ 120 s, issue 14), and peak RSS (target < 2 GB);
- the same work as a plain serial loop of statsmodels fits (default fit options, a refit
  at every backtest origin and for the final forecast; the ETS family as every member by
  ETSModel, the best by AICc), timed on a sample and scaled to N, and the ratio (target
  ≥ 8×);
- sMAPE and MASE on a 12-month holdout, beside the peer statsforecast AutoETS and
  AutoTheta on a sample of the same series (skipped with a message when statsforecast
  is not installed).

Run: python bench/forecast.py [--n 10000] [--loop-sample 40] [--peer-sample 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import warnings
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from sop_xl.plan.forecast import ProcessExecutor, auto_forecast, ets
from sop_xl.plan.forecast.blas import single_threaded_blas
from sop_xl.plan.forecast.classify import DemandClass, classify
from sop_xl.plan.forecast.cleaning import Seasonality, seasonality
from sop_xl.plan.forecast.intermittent import fit_croston, fit_sba, fit_tsb

HISTORY, HOLDOUT, M = 60, 12, 12
CLASSES = ("seasonal", "trend", "erratic", "intermittent", "lumpy", "new", "discontinued")
WEIGHTS = (0.30, 0.20, 0.15, 0.15, 0.12, 0.04, 0.04)


def synthetic(n: int, seed: int = 42) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """n series of HISTORY + HOLDOUT months, by kind; returns series and kind by item."""
    rng = np.random.default_rng(seed)
    total = HISTORY + HOLDOUT
    t = np.arange(total)
    kinds = rng.choice(len(CLASSES), size=n, p=WEIGHTS)
    series, kind_of = {}, {}
    for i, k in enumerate(kinds):
        kind = CLASSES[k]
        level = rng.lognormal(4, 1)
        if kind == "seasonal":
            amp = rng.uniform(0.2, 0.6)
            y = level * (1 + amp * np.sin(2 * np.pi * (t + rng.integers(12)) / 12))
            y *= 1 + rng.normal(0, 0.08, total)
        elif kind == "trend":
            y = level * (1 + rng.uniform(-0.008, 0.015) * t) + rng.normal(0, 0.1 * level, total)
        elif kind == "erratic":
            y = rng.gamma(0.9, level, total)
        elif kind in ("intermittent", "lumpy"):
            p = rng.uniform(0.15, 0.5)
            size = (
                rng.gamma(8, level / 8, total)
                if kind == "intermittent"
                else rng.gamma(0.7, level, total)
            )
            y = np.where(rng.random(total) < p, size, 0.0)
        elif kind == "new":
            y = np.zeros(total)
            start = HISTORY - rng.integers(3, 11)
            y[start:] = level * (1 + rng.normal(0, 0.1, total - start))
        else:  # discontinued
            y = level * (1 + rng.normal(0, 0.1, total))
            y[HISTORY - rng.integers(8, 20) :] = 0.0
        name = f"SKU{i:05d}"
        series[name] = np.maximum(np.round(y, 1), 0.0)
        kind_of[name] = kind
    return series, kind_of


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """sMAPE in percent; periods where both are 0 count as 0 error."""
    denom = np.abs(actual) + np.abs(forecast)
    terms = np.where(denom > 0, 200 * np.abs(actual - forecast) / np.where(denom > 0, denom, 1), 0)
    return float(np.mean(terms))


def mase(train: np.ndarray, actual: np.ndarray, forecast: np.ndarray) -> float:
    """MASE scaled by the in-sample seasonal-naive MAE (nan when that is 0)."""
    scale = np.mean(np.abs(train[M:] - train[:-M]))
    return float(np.mean(np.abs(actual - forecast)) / scale) if scale > 0 else np.nan


def _ets_members_plain(train: np.ndarray, h: int, seasonal: bool) -> None:
    """Hyndman's ets search done the plain way: every member by statsmodels' ETSModel
    (default options), the best by AICc."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    positive = bool((train > 0).all())
    best = None
    for member in ets.members(positive=positive, seasonal=seasonal and train.size >= 2 * M):
        season = {ets.NONE: None, ets.ADD: "add", ets.MUL: "mul"}[member.season]
        try:
            fit = ETSModel(
                train, error={"A": "add", "M": "mul"}[member.error],
                trend=None if member.trend == ets.NONE else "add",
                damped_trend=member.trend == ets.DAMPED, seasonal=season,
                seasonal_periods=M if season else None,
            ).fit(disp=False)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if best is None or fit.aicc < best.aicc:
            best = fit
    if best is not None:
        best.forecast(h)


def _plain_loop_item(y: np.ndarray, horizon: int) -> None:
    """The same candidates and backtest as auto_forecast, done the plain way: default
    statsmodels fit options and a refit at every origin and for the final forecast."""
    from statsmodels.tsa.forecasting.theta import ThetaModel
    from statsmodels.tsa.holtwinters import ExponentialSmoothing, SimpleExpSmoothing
    from statsmodels.tsa.seasonal import seasonal_decompose
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = y[np.flatnonzero(y > 0)[0] :] if (y > 0).any() else y
    cls = classify(y).demand_class
    if cls in (DemandClass.NEW, DemandClass.DISCONTINUED):
        return
    n = y.size
    h = min(horizon, n // 4)
    step = max(1, h // 3)
    origins = [n - h - step * i for i in (2, 1, 0)] + [n]
    season = seasonality(y, M)
    positive = bool((y > 0).all())
    for origin in origins:
        train = y[:origin]
        if cls in (DemandClass.INTERMITTENT, DemandClass.LUMPY):
            for fit in (fit_croston, fit_sba, fit_tsb):
                fit(train)
            SimpleExpSmoothing(train, initialization_method="estimated").fit().forecast(h)
            continue
        if season is not Seasonality.YES:  # the plain pool
            ThetaModel(train, period=M, deseasonalize=False).fit().forecast(h)
            ExponentialSmoothing(
                train, trend="add", damped_trend=True, initialization_method="estimated"
            ).fit().forecast(h)
            SimpleExpSmoothing(train, initialization_method="estimated").fit().forecast(h)
            for order in ((0, 1, 1), (1, 1, 1)):
                SARIMAX(train, order=order, trend="c").fit(disp=False).forecast(h)
        if season is not Seasonality.NO and train.size >= 2 * M:  # the seasonal pool
            model = "multiplicative" if positive else "additive"
            index = seasonal_decompose(train, model=model, period=M).seasonal
            adjusted = train / index if positive else train - index
            ThetaModel(train, period=M, deseasonalize=True).fit().forecast(h)
            ExponentialSmoothing(
                adjusted, trend="add", damped_trend=True, initialization_method="estimated"
            ).fit().forecast(h)
            if not positive:
                SimpleExpSmoothing(adjusted, initialization_method="estimated").fit().forecast(h)
            for order in ((0, 1, 1), (1, 1, 1)):
                SARIMAX(adjusted, order=order, trend="c").fit(disp=False).forecast(h)
            ExponentialSmoothing(
                train, trend="add", damped_trend=True, seasonal="mul" if positive else "add",
                seasonal_periods=M, initialization_method="estimated",
            ).fit().forecast(h)
        _ets_members_plain(train, h, seasonal=season is not Seasonality.NO)


def _peer_item(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from statsforecast.models import AutoETS, AutoTheta

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nz = np.flatnonzero(y > 0)
        x = y[nz[0] :] if nz.size else y
        if x.size < 3:
            x = y
        try:
            ets = AutoETS(season_length=M).forecast(x, HOLDOUT)["mean"]
        except Exception:  # the peer failing on a series is its own problem; naive stands in
            ets = np.repeat(x[-1], HOLDOUT)
        try:
            theta = AutoTheta(season_length=M).forecast(x, HOLDOUT)["mean"]
        except Exception:
            theta = np.repeat(x[-1], HOLDOUT)
    return np.maximum(ets, 0), np.maximum(theta, 0)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the pool's workers), s."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--loop-sample", type=int, default=40)
    parser.add_argument("--peer-sample", type=int, default=1000)
    args = parser.parse_args()

    series, kind_of = synthetic(args.n)
    periods = pd.period_range("2020-01", periods=HISTORY, freq="M")
    names = list(series)
    history = pd.DataFrame(
        {
            "item": np.repeat(names, HISTORY),
            "period": np.tile(periods, len(names)),
            "quantity": np.concatenate([series[k][:HISTORY] for k in names]),
        }
    )
    print(f"{args.n} synthetic monthly series × {HISTORY} months, horizon {HOLDOUT}")

    start = time.perf_counter()
    cpu_start = _cpu_seconds()
    result = auto_forecast(history, HOLDOUT, M, ProcessExecutor())
    ours_seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    print(f"auto_forecast (process pool, all cores): {ours_seconds:.1f} s (target ≤ 60 s); "
          f"{cpu:.0f} CPU s in all processes, {1000 * cpu / len(names):.1f} ms a series "
          f"(wall × cores ÷ CPU = {ours_seconds * (os.cpu_count() or 1) / cpu:.1f}: "
          f"above 1, other work shared the cores)")
    print(
        "demand classes: "
        + ", ".join(f"{k} {v}" for k, v in result.summary["demand_class"].value_counts().items())
    )

    rng = np.random.default_rng(0)
    sample = rng.choice(names, size=min(args.loop_sample, len(names)), replace=False)
    start = time.perf_counter()
    # Single-threaded BLAS here too (see sop_xl/plan/forecast/blas.py): with two BLAS threads
    # the same loop ran 4x slower on this machine, which would flatter the ratio.
    with warnings.catch_warnings(), single_threaded_blas():
        warnings.simplefilter("ignore")
        for name in sample:
            _plain_loop_item(series[name][:HISTORY], HOLDOUT)
    loop_seconds = (time.perf_counter() - start) / len(sample) * len(names)
    print(
        f"plain serial statsmodels loop: {loop_seconds:.0f} s estimated for {len(names)} series "
        f"(timed on {len(sample)}); ratio {loop_seconds / ours_seconds:.1f}× (target ≥ 8×)"
    )

    ours = {
        item: g["forecast"].to_numpy() for item, g in result.forecast.groupby("item", sort=False)
    }
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        peer_names: list[str] = []
        print("statsforecast is not installed: peer comparison skipped (pip install statsforecast)")
    else:
        peer_names = list(rng.choice(names, size=min(args.peer_sample, len(names)), replace=False))
        start = time.perf_counter()
        with Pool() as pool:
            peer = dict(
                zip(
                    peer_names,
                    pool.map(_peer_item, [series[k][:HISTORY] for k in peer_names], chunksize=20),
                    strict=True,
                )
            )
        peer_seconds = time.perf_counter() - start
        print(
            f"statsforecast AutoETS + AutoTheta on {len(peer_names)} series: {peer_seconds:.1f} s "
            f"(≈ {peer_seconds / len(peer_names) * len(names):.0f} s for {len(names)})"
        )

    def report(label: str, subset: list[str], forecasts: dict[str, np.ndarray]) -> None:
        sm = [smape(series[k][HISTORY:], forecasts[k]) for k in subset]
        ms = [mase(series[k][:HISTORY], series[k][HISTORY:], forecasts[k]) for k in subset]
        print(f"  {label:<32} sMAPE {np.mean(sm):6.2f}   MASE {np.nanmean(ms):6.3f}")

    print("holdout accuracy (12 months):")
    report(f"auto_forecast, all {len(names)}", names, ours)
    if peer_names:
        print(f" on the {len(peer_names)}-series peer sample:")
        report("auto_forecast", peer_names, ours)
        report("statsforecast AutoETS", peer_names, {k: v[0] for k, v in peer.items()})
        report("statsforecast AutoTheta", peer_names, {k: v[1] for k, v in peer.items()})
        report(
            "mean of AutoETS and AutoTheta",
            peer_names,
            {k: (v[0] + v[1]) / 2 for k, v in peer.items()},
        )
    actual = np.concatenate([series[k][HISTORY:] for k in names])
    fc = result.forecast  # same item order as names (sorted, and names are sorted)
    for level in result.levels:
        name = f"{level * 100:g}"
        inside = (fc[f"lower_{name}"] <= actual) & (actual <= fc[f"upper_{name}"])
        print(f"  {name}% interval coverage on the holdout: {inside.mean():.1%}")
    by_kind: dict[str, list[str]] = {}
    for k in names:
        by_kind.setdefault(kind_of[k], []).append(k)
    print(" auto_forecast by generated kind:")
    for kind, subset in by_kind.items():
        report(kind, subset, ours)
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: main {main_rss:.0f} MB, largest worker {worker_rss:.0f} MB (target < 2 GB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
