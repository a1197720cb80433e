"""Rolling-origin backtest, accuracy measures, model selection and interval widths.

Backtest: a few forecast origins near the end of the history, each forecasting the
planning horizon (capped by history length). Each candidate is fitted once, at the first
origin, and replayed with fixed parameters from the later origins: refitting at every
origin multiplies the cost and changes the ranking little.

Selection: lowest MASE over all backtest errors; WAPE breaks ties; the equal-weight
combination of the best few is a candidate like any other.

Intervals: forecast ± multiplier × sigma_k, where sigma_k is the root mean squared
k-step-ahead error of the final model replayed from every past origin of the history
(empirical, by step, not a model formula; in-sample, so slightly narrow for short
histories), and the multiplier is the normal quantile or, when larger, the same quantile
of the item's own standardised errors (demand errors have heavier tails than normal).
Steps with fewer than MIN_ERRORS past errors extend the last reliable one by the square
root of the step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from sop_xl.plan.forecast.models import Fitted

MIN_ERRORS = 6  # past k-step errors needed to estimate the step-k spread


@dataclass(frozen=True)
class BacktestPlan:
    """Where the backtest forecasts from (training lengths, in periods) and how far."""

    origins: np.ndarray
    horizon: int

    @property
    def first(self) -> int:
        """Training length at the earliest origin, where candidates are fitted."""
        return int(self.origins[0])


def plan_backtest(n: int, horizon: int, n_origins: int) -> BacktestPlan | None:
    """Origins spaced by horizon // n_origins, the last one `horizon` periods before the end.

    The backtest horizon is the planning horizon capped at a quarter of the history, so
    that at least about half the history is left to fit on. None when the history is too
    short to hold out anything useful (under 8 periods).
    """
    if n < 8 or n_origins < 1:
        return None
    h = max(1, min(horizon, n // 4))
    step = max(1, h // n_origins)
    last = n - h
    origins = np.array([last - step * i for i in range(n_origins - 1, -1, -1)], dtype=np.int64)
    origins = origins[origins >= max(4, n // 3)]
    if origins.size == 0:
        return None
    return BacktestPlan(origins, h)


def actuals(y: np.ndarray, plan: BacktestPlan) -> np.ndarray:
    """Actual values aligned with backtest forecasts, shape (origins, horizon)."""
    return y[plan.origins[:, None] + np.arange(plan.horizon)[None, :]]


def mase_scale(y: np.ndarray, season_length: int) -> float:
    """In-sample mean absolute seasonal-naive error (lag m; lag 1 if too short), units."""
    lag = season_length if y.size > season_length + 1 else 1
    if y.size <= lag:
        return float(np.mean(np.abs(y))) or 1.0
    scale = float(np.mean(np.abs(y[lag:] - y[:-lag])))
    if scale > 0:
        return scale
    return float(np.mean(np.abs(y))) or 1.0


@dataclass(frozen=True)
class Score:
    """Backtest accuracy of one candidate."""

    mase: float  # mean absolute error / mase_scale, unitless
    wape: float  # sum |error| / sum actual, unitless (inf when actual sums to 0)

    @property
    def key(self) -> tuple[float, float]:
        """Sort key: MASE first, WAPE breaks ties."""
        return (round(self.mase, 12), round(self.wape, 12))


def score(forecasts: np.ndarray, actual: np.ndarray, scale: float) -> Score:
    """MASE and WAPE of backtest forecasts against actuals."""
    abs_err = np.abs(actual - forecasts)
    total = float(np.sum(np.abs(actual)))
    wape = float(abs_err.sum()) / total if total > 0 else (0.0 if abs_err.sum() == 0 else math.inf)
    return Score(float(abs_err.mean()) / scale, wape)


@dataclass(frozen=True)
class Spread:
    """Forecast error spread of a fitted model, measured on its own history."""

    sigma: np.ndarray  # RMSE of the k-step error, k = 1..horizon, units, non-decreasing
    standardized: np.ndarray  # every past |error| / sigma of its step (unitless, pooled)

    def multipliers(self, levels: tuple[float, ...]) -> np.ndarray:
        """Half-width of each central interval in sigmas: the normal quantile, or the
        errors' own quantile when they have heavier tails (demand errors usually do)
        and there are at least MIN_TAIL_ERRORS of them."""
        normal = np.array([NormalDist().inv_cdf(0.5 + level / 2) for level in levels])
        if self.standardized.size < MIN_TAIL_ERRORS:
            return normal
        return np.maximum(normal, np.quantile(self.standardized, levels))


MIN_TAIL_ERRORS = 30


def step_spread(fitted: Fitted, y: np.ndarray, horizon: int, season_length: int) -> Spread:
    """Spread of the k-step forecast error, k = 1..horizon, from every past origin.

    sigma is non-decreasing in k: a planner reads a narrowing band as a bug, and the
    uncertainty of a further month is never really smaller.
    """
    n = y.size
    first = max(2, min(season_length, n - MIN_ERRORS))
    origins = np.arange(first, n, dtype=np.int64)
    sigma = np.full(horizon, np.nan)
    errors = np.zeros((0, horizon))
    valid = np.zeros((0, horizon), dtype=bool)
    if origins.size:
        paths = np.clip(fitted.paths(y, origins, horizon), 0.0, None)
        targets = origins[:, None] + np.arange(horizon)[None, :]
        valid = targets < n
        errors = np.where(valid, y[np.minimum(targets, n - 1)] - paths, 0.0)
        counts = valid.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            rmse = np.sqrt((errors**2).sum(axis=0) / counts)
        sigma = np.where(counts >= MIN_ERRORS, rmse, np.nan)
    if np.isnan(sigma[0]):
        # Too short to measure: spread of the history itself, growing like a random walk.
        base = float(np.std(y, ddof=1)) if n > 1 else float(abs(y[0])) if n else 0.0
        return Spread(base * np.sqrt(np.arange(1, horizon + 1)), np.zeros(0))
    known = np.flatnonzero(~np.isnan(sigma))
    last = int(known[-1])
    steps = np.arange(horizon)
    extended = sigma[last] * np.sqrt((steps + 1) / (last + 1))
    sigma = np.where(steps > last, extended, sigma)
    sigma = np.where(np.isnan(sigma), extended, sigma)  # holes cannot occur; kept safe
    sigma = np.maximum.accumulate(sigma)
    use = valid & (sigma[None, :] > 0)
    standardized = (np.abs(errors) / np.where(sigma > 0, sigma, 1.0)[None, :])[use]
    return Spread(sigma, standardized)
