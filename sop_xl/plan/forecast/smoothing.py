"""Exponential smoothing and Theta: parameters from statsmodels, replay in numpy.

statsmodels estimates the Holt and Holt-Winters parameters once (`ExponentialSmoothing`
with heuristic initial states and `use_brute=False`, the fast options). SES and Theta
(ThetaModel's formula) are small enough for numpy kernels. The backtest and the interval
estimate then need forecasts from many origins with those parameters fixed; refitting
there adds little and costs a fit per origin, so each fit replays its own recursion in
numpy over the series instead. The
recursions mirror statsmodels' `holtwinters` smoothers (error-correction form), and the
tests check the replay against statsmodels' own forecasts.

Units: y and forecasts are in demand units per period; smoothing constants are unitless.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing

# SES constants tried in the grid search (0.01 .. 0.99).
_SES_GRID = np.linspace(0.01, 0.99, 99)


def ses_levels(y: np.ndarray, alpha: float, level0: float) -> np.ndarray:
    """Level known after each period: lv[t] is the forecast made after y[:t]."""
    levels = np.empty(y.size + 1)
    level = levels[0] = level0
    for t in range(y.size):
        level += alpha * (y[t] - level)
        levels[t + 1] = level
    return levels


def fit_ses_alpha(y: np.ndarray) -> float:
    """SES constant minimising in-sample one-step squared error, level starting at y[0].

    A grid over all constants at once (numpy over the grid, one pass over time) is
    faster than a scalar optimiser in Python and as good at two decimals.
    """
    sse = np.zeros(_SES_GRID.size)
    level = np.full(_SES_GRID.size, y[0], dtype=float)
    for value in y[1:]:
        error = value - level
        sse += error * error
        level += _SES_GRID * error
    return float(_SES_GRID[int(np.argmin(sse))])


@dataclass(frozen=True)
class SesFit:
    """Simple exponential smoothing with fixed constant and initial level."""

    name: str
    alpha: float
    level0: float

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Flat forecasts (len(origins), horizon) made after observing y[:origin]."""
        levels = ses_levels(y, self.alpha, self.level0)
        return np.repeat(levels[origins][:, None], horizon, axis=1)


def fit_ses(y: np.ndarray, season_length: int = 12) -> SesFit:
    """Simple exponential smoothing (numpy kernel; statsmodels' SimpleExpSmoothing agrees)."""
    return SesFit("ses", fit_ses_alpha(y), float(y[0]))


@dataclass(frozen=True)
class HoltWintersFit:
    """Holt / Holt-Winters with damped additive trend, fixed parameters and initial states.

    seasonal is None, "add" or "mul"; seasons0 holds the m initial seasonal terms.
    """

    name: str
    alpha: float
    beta: float
    gamma: float
    phi: float
    level0: float
    trend0: float
    seasonal: str | None
    seasons0: np.ndarray

    def states(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Level, trend (n+1 each) and seasonal terms (n+m) after each period.

        s[t] is the seasonal term used for y[t]; level[t], trend[t] are known after y[:t].
        """
        n, m = y.size, self.seasons0.size
        level = np.empty(n + 1)
        trend = np.empty(n + 1)
        season = np.empty(n + max(m, 1))
        level[0], trend[0] = self.level0, self.trend0
        season[:m] = self.seasons0
        a, b, g, phi = self.alpha, self.beta, self.gamma, self.phi
        mul = self.seasonal == "mul"
        add = self.seasonal == "add"
        for i in range(1, n + 1):
            base = level[i - 1] + phi * trend[i - 1]
            obs = y[i - 1]
            if mul:
                level[i] = a * obs / season[i - 1] + (1 - a) * base
                season[i + m - 1] = g * obs / base + (1 - g) * season[i - 1]
            elif add:
                level[i] = a * (obs - season[i - 1]) + (1 - a) * base
                season[i + m - 1] = g * (obs - base) + (1 - g) * season[i - 1]
            else:
                level[i] = a * obs + (1 - a) * base
            trend[i] = b * (level[i] - level[i - 1]) + (1 - b) * phi * trend[i - 1]
        return level, trend, season

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        level, trend, season = self.states(y)
        steps = np.arange(1, horizon + 1)
        damped = np.cumsum(self.phi**steps)  # phi + phi² + ... + phi^k
        base = level[origins][:, None] + damped[None, :] * trend[origins][:, None]
        if self.seasonal is None:
            return base
        m = self.seasons0.size
        terms = season[origins[:, None] + (steps[None, :] - 1) % m]
        return base * terms if self.seasonal == "mul" else base + terms


def fit_holt_winters(
    y: np.ndarray, season_length: int = 12, *, seasonal: str | None = None
) -> HoltWintersFit:
    """Damped-trend Holt (seasonal=None) or Holt-Winters ("add"/"mul") via statsmodels."""
    model = ExponentialSmoothing(
        y,
        trend="add",
        damped_trend=True,
        seasonal=seasonal,
        seasonal_periods=season_length if seasonal else None,
        initialization_method="heuristic",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; the backtest judges the fit
        params = model.fit(use_brute=False).params
    name = {None: "holt_damped", "add": "hw_additive", "mul": "hw_multiplicative"}[seasonal]
    seasons0 = np.asarray(params["initial_seasons"], dtype=float) if seasonal else np.zeros(0)
    return HoltWintersFit(
        name=name,
        alpha=float(params["smoothing_level"]),
        beta=float(params["smoothing_trend"]),
        gamma=float(params["smoothing_seasonal"]) if seasonal else 0.0,
        phi=float(params["damping_trend"]),
        level0=float(params["initial_level"]),
        trend0=float(params["initial_trend"]),
        seasonal=seasonal,
        seasons0=seasons0,
    )


def fit_holt_damped(y: np.ndarray, season_length: int = 12) -> HoltWintersFit:
    """Holt's linear trend with damping (Gardner & McKenzie 1985)."""
    return fit_holt_winters(y, season_length, seasonal=None)


def fit_hw_additive(y: np.ndarray, season_length: int = 12) -> HoltWintersFit:
    """Holt-Winters, damped trend, additive season."""
    return fit_holt_winters(y, season_length, seasonal="add")


def fit_hw_multiplicative(y: np.ndarray, season_length: int = 12) -> HoltWintersFit:
    """Holt-Winters, damped trend, multiplicative season (needs y > 0)."""
    return fit_holt_winters(y, season_length, seasonal="mul")


@dataclass(frozen=True)
class ThetaFit:
    """Theta method (Assimakopoulos & Nikolopoulos 2000) as SES with drift.

    Forecast after y[:t]: SES level + b0/2 * (k - 1 + 1/alpha - (1-alpha)^t / alpha)
    (Hyndman & Billah 2003), the form statsmodels' ThetaModel uses for theta = 2.
    """

    name: str
    alpha: float
    drift: float  # b0: slope of the linear trend, units per period

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        levels = ses_levels(y, self.alpha, float(y[0]))
        a = self.alpha
        steps = np.arange(horizon, dtype=float)[None, :]
        ages = origins.astype(float)[:, None]
        trend = 0.5 * self.drift * (steps + 1 / a - (1 - a) ** ages / a)
        return levels[origins][:, None] + trend


def fit_theta(y: np.ndarray, season_length: int = 12) -> ThetaFit:
    """Theta as statsmodels' ThetaModel estimates it with use_mle=False: drift b0 = OLS
    slope of y on time, SES constant by least squares with the level starting at y[0].

    The SES constant comes from the numpy grid (fit_ses_alpha): ThetaModel's own fit
    goes through a state-space optimiser at ~6 ms a series for the same number.
    The series given is already seasonally adjusted by the caller when seasonal.
    """
    slope = float(np.polyfit(np.arange(y.size, dtype=float), y, 1)[0]) if y.size > 1 else 0.0
    return ThetaFit("theta", fit_ses_alpha(y), slope)
