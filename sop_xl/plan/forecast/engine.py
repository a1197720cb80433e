"""auto_forecast: statistical forecasts for every item of a demand history.

pandas stays at this boundary: the long history frame becomes one numpy array per item,
the items are cut into fixed chunks and forecast by an executor (item.py), and the
results come back as long frames sorted by item and period, so the output is identical
whatever executor ran it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.plan.forecast.backtest import Calibration, shrink_factors
from sop_xl.plan.forecast.blas import single_threaded_blas
from sop_xl.plan.forecast.executor import Executor, ProcessExecutor, SerialExecutor
from sop_xl.plan.forecast.item import (
    ForecastSettings,
    Group,
    ItemForecast,
    ItemInput,
    forecast_chunk,
)
from sop_xl.plan.forecast.models import ALL_MODELS, MEAN, fit_now

CHUNK_SIZE = 128  # items per unit of work: fixed, so results never depend on the executor

Progress = Callable[[int, int], None]  # (items done, items in total)


@dataclass(frozen=True)
class ForecastResult:
    """What auto_forecast returns.

    forecast: item, period, forecast, lower, upper (at the main service level),
        lower_80, upper_80, lower_95, upper_95 (one pair per level), model.
    summary: one row per item: item, demand_class, model, mase, wape, mase_naive,
        n_history, adi, cv2, seasonal, note. mase/wape: the chosen forecast's
        rolling-origin backtest; mase_naive: the (seasonal) naive forecast's, for
        comparison (forecast value added).
    cleaned: item, period, quantity, cleaned, outlier (True where cleaning replaced it).
    """

    forecast: pd.DataFrame
    summary: pd.DataFrame
    cleaned: pd.DataFrame
    levels: tuple[float, ...] = (0.8, 0.95)
    service_level: float = 0.95


@dataclass(frozen=True)
class _Timeline:
    """Maps the history's periods (pd.Period or int) to integer positions and back."""

    start: int  # ordinal of position 0
    freq: object | None  # pandas frequency when periods are pd.Period, else None

    def labels(self, positions: np.ndarray) -> pd.Index | np.ndarray:
        ordinals = self.start + np.asarray(positions, dtype=np.int64)
        if self.freq is None:
            return ordinals
        return pd.PeriodIndex.from_ordinals(ordinals, freq=self.freq)

    def label(self, position: int) -> str:
        return str(self.labels(np.array([position]))[0])


def _level_name(level: float) -> str:
    return f"{level * 100:g}".replace(".", "_")


def _prepare(
    history: pd.DataFrame,
) -> tuple[list[str], list[int], list[np.ndarray], _Timeline, int]:
    """Items (sorted), first-demand positions, demand arrays to the end, timeline, length."""
    missing = {"item", "period", "quantity"} - set(history.columns)
    if missing:
        raise ValueError(f"history lacks column(s): {', '.join(sorted(missing))}")
    if history.empty:
        raise ValueError("history is empty")
    quantity = pd.to_numeric(history["quantity"], errors="coerce").fillna(0.0).to_numpy(float)
    if (quantity < 0).any():
        row = int(np.flatnonzero(quantity < 0)[0])
        raise ValueError(f"history has negative quantity at row {row}: {quantity[row]}")
    periods = history["period"]
    if isinstance(periods.dtype, pd.PeriodDtype):
        freq = periods.dtype.freq
        ordinals = periods.array.asi8.astype(np.int64)
    else:
        freq = None
        ordinals = pd.to_numeric(periods).to_numpy(np.int64)
    start = int(ordinals.min())
    length = int(ordinals.max()) - start + 1
    codes, items = pd.factorize(history["item"].astype(str), sort=True)
    grid = np.zeros((len(items), length))
    np.add.at(grid, (codes, ordinals - start), quantity)
    firsts: list[int] = []
    arrays: list[np.ndarray] = []
    for row in grid:
        demand = np.flatnonzero(row > 0)
        first = int(demand[0]) if demand.size else length - 1
        firsts.append(first)
        arrays.append(row[first:].copy())
    return list(items), firsts, arrays, _Timeline(start, freq), length


def _run(
    inputs: list[ItemInput],
    settings: ForecastSettings,
    executor: Executor | None,
    progress: Progress | None,
) -> list[ItemForecast]:
    chunks = [(settings, inputs[i : i + CHUNK_SIZE]) for i in range(0, len(inputs), CHUNK_SIZE)]
    if executor is None:
        executor = ProcessExecutor()
    results: list[ItemForecast] = []
    for done in executor.map(forecast_chunk, chunks):
        results.extend(done)
        if progress is not None:
            progress(len(results), len(inputs))
    return results


def _shrink_spreads(results: list[ItemForecast]) -> None:
    """Shrink each continuous item's sigma towards the run's typical scale-free error level
    (backtest.shrink_factors), and its calibration ratios (errors / sigma) to match; before
    new items borrow a spread and before the pooled calibration."""
    members = [r for r in results if r.group == Group.CONTINUOUS]
    factors = shrink_factors(np.array([r.volatility for r in members]))
    for result, factor in zip(members, factors, strict=True):
        result.sigma = result.sigma * factor
        result.calib_ratios = result.calib_ratios / factor


# A new item is scaled to its last RECENT months: launches ramp up, and the months just
# past say more about next month than the first ones.
RECENT = 3


def _scaled_from(result: ItemForecast, sources: Sequence[ItemForecast]) -> float | None:
    """Ratio of the item's demand to the sources' over the item's last RECENT periods.

    Every history ends in the same period, so the last k values line up."""
    k = min(RECENT, result.cleaned.size)
    item_total = float(result.cleaned[-k:].sum())
    if any(source.cleaned.size < k for source in sources):
        return None  # a source younger than the item's window: no common months
    source_total = float(sum(source.cleaned[-k:].sum() for source in sources))
    if source_total <= 0 or item_total <= 0:
        return None
    return item_total / source_total


def _resolve_new_items(
    results: list[ItemForecast], analogs: Mapping[str, str], families: Mapping[str, str]
) -> None:
    """Forecast new items from their analog item or their family, scaled to their level
    of the last RECENT months; without either, at that level."""
    by_item = {r.item: r for r in results}

    def established(name: str) -> bool:
        found = by_item.get(name)
        return found is not None and found.demand_class.value not in ("new", "discontinued")

    members: dict[str, list[str]] = {}
    for name, family in families.items():
        if established(name):
            members.setdefault(family, []).append(name)
    for result in results:
        if result.demand_class.value != "new":
            continue
        n = result.classification.n_history
        months = f"only {n} month{'s' if n != 1 else ''} of history"
        analog = analogs.get(result.item)
        if analog is not None and established(analog):
            source = by_item[analog]
            ratio = _scaled_from(result, [source])
            if ratio is not None:
                result.forecast = ratio * source.forecast
                result.sigma = ratio * source.sigma
                result.model = f"analog:{analog}"
                result.notes.append(
                    f"{months}: forecast from analog {analog} (scaled ×{ratio:.3g})"
                )
                continue
        family = families.get(result.item)
        names = sorted(n for n in members.get(family, []) if n != result.item) if family else []
        if names:
            sources = [by_item[n] for n in names]
            ratio = _scaled_from(result, sources)
            if ratio is not None:
                total = np.sum([s.forecast for s in sources], axis=0)
                spread = np.sqrt(np.sum([s.sigma**2 for s in sources], axis=0))
                result.forecast, result.sigma = ratio * total, ratio * spread
                result.model = f"family:{family}"
                result.notes.append(
                    f"{months}: forecast from family {family} profile "
                    f"({len(names)} items, scaled ×{ratio:.3g})"
                )
                continue
        k = min(RECENT, result.cleaned.size)
        result.forecast = np.full(result.forecast.size, float(result.cleaned[-k:].mean()))
        result.notes.append(
            f"{months} and no usable analog or family: forecast = its average of the last "
            f"{k} month{'s' if k != 1 else ''}"
        )


def _frames(
    results: list[ItemForecast],
    firsts: list[int],
    inputs: list[ItemInput],
    timeline: _Timeline,
    length: int,
    levels: tuple[float, ...],
    service_level: float,
    horizon: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n_items = len(results)
    steps = np.arange(horizon)
    forecast = np.concatenate([r.forecast for r in results]) if results else np.zeros(0)
    sigma = np.concatenate([r.sigma for r in results]) if results else np.zeros(0)
    columns: dict[str, object] = {
        "item": np.repeat([r.item for r in results], horizon),
        "period": timeline.labels(np.tile(length + steps, n_items)),
        "forecast": forecast,
    }
    calibration = {
        group: Calibration.from_errors(
            np.concatenate([r.calib_steps for r in results if r.group == group] or [[]]),
            np.concatenate([r.calib_ratios for r in results if r.group == group] or [[]]),
            levels, horizon)
        for group in (Group.CONTINUOUS, Group.INTERMITTENT)
    }
    bands = {}
    for i, level in enumerate(levels):
        lo = np.concatenate([calibration[r.group].lower[i] for r in results] or [[]])
        hi = np.concatenate([calibration[r.group].upper[i] for r in results] or [[]])
        lower = np.clip(forecast + lo * sigma, 0.0, None)
        bands[level] = (np.minimum(lower, forecast), forecast + hi * sigma)
    columns["lower"], columns["upper"] = bands[service_level]
    for level in levels:
        name = _level_name(level)
        columns[f"lower_{name}"], columns[f"upper_{name}"] = bands[level]
    columns["model"] = np.repeat([r.model for r in results], horizon)
    forecast_frame = pd.DataFrame(columns)

    summary = pd.DataFrame(
        {
            "item": [r.item for r in results],
            "demand_class": [r.demand_class.value for r in results],
            "model": [r.model for r in results],
            "mase": [r.mase for r in results],
            "wape": [r.wape for r in results],
            "mase_naive": [r.mase_naive for r in results],
            "n_history": [r.classification.n_history for r in results],
            "adi": [r.classification.adi for r in results],
            "cv2": [r.classification.cv2 for r in results],
            "seasonal": [r.seasonal for r in results],
            "note": ["; ".join(r.notes) for r in results],
        }
    )
    sizes = [inp.values.size for inp in inputs]
    positions = np.concatenate([f + np.arange(s) for f, s in zip(firsts, sizes, strict=True)])
    cleaned = pd.DataFrame(
        {
            "item": np.repeat([r.item for r in results], sizes),
            "period": timeline.labels(positions),
            "quantity": np.concatenate([inp.values for inp in inputs]),
            "cleaned": np.concatenate([r.cleaned for r in results]),
            "outlier": np.concatenate([r.outlier for r in results]),
        }
    )
    return forecast_frame, summary, cleaned


def auto_forecast(
    history: pd.DataFrame,
    horizon: int,
    season_length: int = 12,
    executor: Executor | None = None,
    *,
    levels: Sequence[float] = (0.8, 0.95),
    service_level: float | None = None,
    n_origins: int = 3,
    analogs: Mapping[str, str] | None = None,
    families: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    min_history: int = 12,
    inactive_periods: int = 6,
    outlier_z: float = 5.0,
    clean_outliers: bool = True,
    combine_best: int = 3,
    use_arima: bool = True,
    working_days: Mapping[object, float] | None = None,
    per_working_day: bool = True,
) -> ForecastResult:
    """Forecast every item of a long demand history `horizon` periods past its last period.

    history: columns item, period (pd.Period or int), quantity (units, ≥ 0). Each item
        runs from its first demand to the last period of the whole history; missing
        periods are zero demand.
    executor: where items are forecast; default a process pool over all cores.
    levels: interval coverage probabilities; `service_level` (default the highest) is
        the one shown as lower/upper.
    n_origins: rolling-origin backtest origins per item.
    analogs / families: item → analog item / item → family, used for items with fewer
        than `min_history` periods.
    progress: called with (items done, items in total) as work completes.
    inactive_periods: trailing periods without demand after which an item is
        discontinued (at least 3 × its usual demand interval).
    outlier_z: robust z-score above which a point is cleaned (flagged in `cleaned`).
    combine_best: how many of the best backtested models are averaged (1 = pick the best).
    use_arima: include the ARIMA candidates (the slowest statsmodels fits).
    working_days: period → working days ÷ an average period's (working_days.day_factors),
        for the history and the horizon; missing periods count 1. Outliers are then found
        on demand per working day, and with `per_working_day` the models fit demand per
        working day and the forecast is multiplied back by the factors of its periods.
    """
    if horizon < 1:
        raise ValueError("horizon must be at least 1 period")
    levels = tuple(sorted(float(x) for x in levels))
    if not levels or not all(0 < x < 1 for x in levels):
        raise ValueError("levels must be probabilities between 0 and 1, e.g. (0.8, 0.95)")
    service_level = levels[-1] if service_level is None else float(service_level)
    if service_level not in levels:
        levels = tuple(sorted((*levels, service_level)))
    settings = ForecastSettings(
        horizon=horizon,
        season_length=season_length,
        n_origins=n_origins,
        min_history=min_history,
        inactive_periods=inactive_periods,
        outlier_z=outlier_z,
        clean=clean_outliers,
        combine_best=combine_best,
        use_arima=use_arima,
        levels=levels,
        per_working_day=per_working_day and working_days is not None,
    )
    items, firsts, arrays, timeline, length = _prepare(history)
    factors = None
    if working_days is not None:
        labels = timeline.labels(np.arange(length + horizon))
        factors = np.array([float(working_days.get(p, 1.0)) for p in labels])
        if not np.all(factors > 0):
            raise ValueError("working-day factors must be above zero")
    inputs = [
        ItemInput(item, values, None if factors is None else factors[first:length])
        for item, values, first in zip(items, arrays, firsts, strict=True)
    ]
    results = _run(inputs, settings, executor, progress)
    _shrink_spreads(results)
    _resolve_new_items(results, analogs or {}, families or {})
    if settings.per_working_day and factors is not None:
        future = factors[length:]
        for result, inp in zip(results, inputs, strict=True):
            result.forecast, result.sigma = result.forecast * future, result.sigma * future
            result.cleaned = result.cleaned * inp.factors
    for result, inp, first in zip(results, inputs, firsts, strict=True):
        for pos in np.flatnonzero(result.outlier):
            result.notes.append(
                f"outlier cleaned at {timeline.label(first + int(pos))} "
                f"(was {inp.values[pos]:.6g}, now {result.cleaned[pos]:.6g})"
            )
    frames = _frames(results, firsts, inputs, timeline, length, levels, service_level, horizon)
    return ForecastResult(*frames, levels=levels, service_level=service_level)


def forecast_series(
    values: np.ndarray | Sequence[float], horizon: int, model: str = "auto", season_length: int = 12
) -> np.ndarray:
    """Forecast one series (units per period) `horizon` periods ahead; see forecast_block."""
    return forecast_block(np.asarray(values, dtype=float)[None, :], horizon, model,
                          season_length)[0]


def forecast_block(
    values: np.ndarray, horizon: int, model: str = "auto", season_length: int = 12,
    executor: Executor | None = None,
) -> np.ndarray:
    """Forecast each row of a block (series × periods, units per period, the periods
    aligned) `horizon` periods ahead; for the SOP_FORECAST worksheet function.

    model: "auto" (classification, backtest and selection as auto_forecast does, all rows
    in one batch through the executor; default in this process) or one model name: naive,
    seasonal_naive, mean, ses, holt_damped, theta, arima, hw_additive, hw_multiplicative,
    croston, sba, tsb, or a variant of ses/holt_damped/theta/arima with '_sa' (on
    seasonally adjusted demand), '_log' (on log demand; needs demand in every period) or
    '_log_sa'. Empty cells (nan) are zero demand; each row's leading zeros are ignored; a
    row without demand forecasts 0. A named model a row is too short for falls back to
    the mean. Returns non-negative forecasts, rows × horizon.
    """
    block = np.nan_to_num(np.atleast_2d(np.asarray(values, dtype=float)), nan=0.0)
    if horizon < 1:
        raise ValueError("horizon must be at least 1 period")
    if (block < 0).any():
        row = int(np.flatnonzero((block < 0).any(axis=1))[0])
        raise ValueError(f"demand cannot be negative (row {row + 1})")
    spec = None
    if model != "auto":
        spec = ALL_MODELS.get(model)
        if spec is None:
            raise ValueError(f"unknown model {model!r}; choose one of: auto, "
                             f"{', '.join(ALL_MODELS)}")
    out = np.zeros((block.shape[0], horizon))
    rows: list[int] = []
    inputs: list[ItemInput] = []
    for r, y in enumerate(block):
        demand = np.flatnonzero(y > 0)
        if demand.size:
            rows.append(r)
            inputs.append(ItemInput(f"row {r + 1}", y[demand[0]:]))
    if not inputs:
        return out
    if spec is None:
        with single_threaded_blas():
            results = _run(inputs, ForecastSettings(horizon, season_length),
                           executor or SerialExecutor(), None)
        for r, result in zip(rows, results, strict=True):
            out[r] = result.forecast
        return out
    origin = np.array([0], dtype=np.int64)
    for r, item in zip(rows, inputs, strict=True):
        fit_spec = spec if spec.fits_in(item.values.size, season_length) else MEAN
        try:
            fitted = fit_now(fit_spec, item.values, season_length)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            fitted = fit_now(MEAN, item.values, season_length)
        origin[0] = item.values.size
        path = fitted.paths(item.values, origin, horizon)[0]
        out[r] = np.clip(np.nan_to_num(path, nan=0.0), 0.0, None)
    return out


__all__ = ["ForecastResult", "Progress", "auto_forecast", "forecast_block", "forecast_series"]
