"""Exponential smoothing and Theta: numpy kernels and replays.

SES and Theta (ThetaModel's formula) are estimated here by a grid in numpy. Damped Holt and
Holt-Winters are estimated with the rest of the ETS family in batches (ets.py) and replay
here: `HoltWintersFit` mirrors statsmodels' `holtwinters` smoothers (error-correction form),
and `fit_holt_winters` (statsmodels' own estimate) is kept as the reference the tests check
the replay against. The backtest and the interval estimate need forecasts from many origins
with the parameters fixed; refitting there adds little and costs a fit per origin, so each
fit replays its own recursion in numpy over the series instead.

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
        # Python floats: a scalar loop over numpy scalars is three times slower.
        obs_all = y.tolist()
        level = [float(self.level0)] * (n + 1)
        trend = [float(self.trend0)] * (n + 1)
        season = self.seasons0.tolist() + [0.0] * (n + max(m, 1) - m)
        a, b, g, phi = self.alpha, self.beta, self.gamma, self.phi
        mul = self.seasonal == "mul"
        add = self.seasonal == "add"
        lv, tr = level[0], trend[0]
        for i in range(1, n + 1):
            base = lv + phi * tr
            obs = obs_all[i - 1]
            if mul:
                new = a * obs / season[i - 1] + (1 - a) * base
                season[i + m - 1] = g * obs / base + (1 - g) * season[i - 1]
            elif add:
                new = a * (obs - season[i - 1]) + (1 - a) * base
                season[i + m - 1] = g * (obs - base) + (1 - g) * season[i - 1]
            else:
                new = a * obs + (1 - a) * base
            tr = b * (new - lv) + (1 - b) * phi * tr
            lv = new
            level[i], trend[i] = lv, tr
        level, trend, season = np.array(level), np.array(trend), np.array(season)
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
    """Damped-trend Holt (seasonal=None) or Holt-Winters ("add"/"mul") estimated by
    statsmodels (heuristic start, L-BFGS): the reference for the replay and the kernel."""
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


@dataclass(frozen=True)
class ThetaFit:
    """Theta method (Assimakopoulos & Nikolopoulos 2000) as SES with drift.

    Forecast after y[:t]: SES level + w b0 (k - 1 + 1/alpha - (1-alpha)^t / alpha)
    (Hyndman & Billah 2003), w = 1 - 1/theta: 1/2 for the classic theta = 2, the form
    statsmodels' ThetaModel uses; other w for the optimised theta (fit_otm).
    """

    name: str
    alpha: float
    drift: float  # b0: slope of the linear trend, units per period
    weight: float = 0.5  # w = 1 - 1/theta

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        levels = ses_levels(y, self.alpha, float(y[0]))
        a = self.alpha
        steps = np.arange(horizon, dtype=float)[None, :]
        ages = origins.astype(float)[:, None]
        trend = self.weight * self.drift * (steps + 1 / a - (1 - a) ** ages / a)
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


MAX_THETA = 10.0  # the optimised theta line's theta stays in [1, MAX_THETA]


def fit_otm(y: np.ndarray, season_length: int = 12) -> ThetaFit:
    """Optimised Theta (Fiorucci et al. 2016, OTM): theta and the SES constant chosen
    together by in-sample one-step squared error, theta in [1, MAX_THETA].

    With the drift b0 fixed (OLS slope), the one-step forecast is linear in w = 1 - 1/theta,
    so for each constant of the SES grid the best w is a least-squares ratio: one numpy
    pass over time for the whole grid, as fit_ses_alpha.
    """
    if y.size < 3:
        raise ValueError("the optimised theta needs three periods")
    slope = float(np.polyfit(np.arange(y.size, dtype=float), y, 1)[0])
    alphas = _SES_GRID
    level = np.full(alphas.size, y[0], dtype=float)
    sr2 = np.zeros(alphas.size)  # Σ r², Σ r c, Σ c² over t = 1..n-1 (c: trend multiplier)
    src = np.zeros(alphas.size)
    scc = np.zeros(alphas.size)
    decay = np.ones(alphas.size)  # (1 - alpha)^t
    for t in range(1, y.size):
        level += alphas * (y[t - 1] - level) if t > 1 else 0.0
        decay *= 1 - alphas
        c = slope * (1 - decay) / alphas
        r = y[t] - level
        sr2 += r * r
        src += r * c
        scc += c * c
    w_max = 1 - 1 / MAX_THETA
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.clip(np.where(scc > 0, src / scc, 0.0), 0.0, w_max)
    sse = sr2 - 2 * w * src + w * w * scc
    best = int(np.argmin(sse))
    return ThetaFit("otm", float(alphas[best]), slope, float(w[best]))


@dataclass(frozen=True)
class DotmFit:
    """Dynamic optimised Theta (Fiorucci et al. 2016, DOTM): the theta line's intercept A
    and slope B are re-estimated by least squares on the history so far at every period,
    and forecasts feed back into them.

    One-step forecast after t observations: l_t + w (A_t (1-a)^t + B_t (1 - (1-a)^(t+1)) / a),
    w = 1 - 1/theta; l is SES with constant a from level0. A_t, B_t are the intercept and
    slope of y_1..y_t on time 1..t (A_1 = y_1, B_1 = 0), updated recursively.
    """

    name: str
    alpha: float
    weight: float  # w = 1 - 1/theta, in [0, 1)
    level0: float

    def states(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Level, mean, A and B after each number of observations t = 1..n (index t-1)."""
        return _dotm_states(y, self.alpha, self.level0)

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin] (origin ≥ 1)."""
        level, mean, a_, b_ = (s[origins - 1] for s in self.states(y))
        a, w = self.alpha, self.weight
        i = origins.astype(float)
        out = np.empty((origins.size, horizon))
        for k in range(horizon):
            mu = level + w * (a_ * (1 - a) ** i + b_ * (1 - (1 - a) ** (i + 1)) / a)
            out[:, k] = mu
            level = a * mu + (1 - a) * level
            new_mean = (i * mean + mu) / (i + 1)
            b_ = ((i - 1) * b_ + 6 * (mu - mean) / (i + 1)) / (i + 2)
            a_ = new_mean - b_ * (i + 2) / 2
            mean = new_mean
            i = i + 1
        return out


def _dotm_states(y: np.ndarray, alpha: float | np.ndarray, level0: float | np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """DOTM states after t = 1..n observations; alpha/level0 may be grid arrays (columns)."""
    n = y.size
    alpha = np.asarray(alpha, dtype=float)
    shape = (n, *np.broadcast_shapes(alpha.shape, np.shape(level0)))
    level = np.empty(shape)
    level[0] = alpha * y[0] + (1 - alpha) * level0
    for t in range(1, n):
        level[t] = alpha * y[t] + (1 - alpha) * level[t - 1]
    mean, a_, b_ = _dynamic_line(y)
    extra = (1,) * (len(shape) - 1)
    return level, mean.reshape(n, *extra), a_.reshape(n, *extra), b_.reshape(n, *extra)


def _dynamic_line(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Running mean, intercept A_t and slope B_t of y_1..y_t on 1..t (A_1 = y_1, B_1 = 0)."""
    n = y.size
    t = np.arange(1, n + 1, dtype=float)
    mean = np.cumsum(y) / t
    sum_ty = np.cumsum(t * y)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (sum_ty - t * (t + 1) / 2 * mean) / (t * (t * t - 1) / 12)
    slope[0] = 0.0
    intercept = mean - slope * (t + 1) / 2
    return mean, intercept, slope


_DOTM_ALPHAS = np.linspace(0.1, 0.99, 90)  # forecTheta's bounds on alpha


def fit_dotm(y: np.ndarray, season_length: int = 12) -> DotmFit:
    """DOTM by least squares of the one-step errors from the third period on (as
    forecTheta::dotm), alpha on a grid over [0.1, 0.99]; for each alpha the forecast is
    linear in (level0, w), so both come from a 2 × 2 least-squares solve, w clipped to
    [0, 1 - 1/MAX_THETA] (theta in [1, MAX_THETA])."""
    n = y.size
    if n < 4:
        raise ValueError("the dynamic theta model needs four periods")
    a = _DOTM_ALPHAS
    base, _, a_, b_ = _dotm_states(y, a, 0.0)  # levels with level0 = 0
    t = np.arange(1, n, dtype=float)[:, None]  # observations seen before y[t]
    decay = (1 - a) ** t  # weight of level0 in l_t
    trend = a_[:-1] * decay + b_[:-1] * (1 - (1 - a) ** (t + 1)) / a
    resid = y[1:, None] - base[:-1]
    use = slice(1, None)  # errors of periods 3..n
    d, c, r = decay[use], trend[use], resid[use]
    sdd, sdc, scc = (d * d).sum(0), (d * c).sum(0), (c * c).sum(0)
    srd, src = (r * d).sum(0), (r * c).sum(0)
    det = sdd * scc - sdc * sdc
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(det > 1e-12 * np.maximum(sdd * scc, 1e-300),
                     (sdd * src - sdc * srd) / det, src / np.where(scc > 0, scc, 1.0))
        w = np.clip(np.nan_to_num(w), 0.0, 1 - 1 / MAX_THETA)
        level0 = np.where(sdd > 1e-12, (srd - w * sdc) / np.where(sdd > 1e-12, sdd, 1.0), y[0])
    sse = ((r - level0 * d - w * c) ** 2).sum(0)
    best = int(np.nanargmin(np.where(np.isfinite(sse), sse, np.inf)))
    return DotmFit("dotm", float(a[best]), float(w[best]), float(level0[best]))
