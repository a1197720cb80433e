"""The exponential smoothing (ETS) family, estimated for many series at once in numpy.

A mirror of statsmodels' `ETSModel` and of Hyndman's forecast::ets (Hyndman, Koehler, Ord
& Snyder 2008, "Forecasting with Exponential Smoothing", tables 2.2-2.3): error additive or
multiplicative; trend none, additive or additive damped; season none, additive or
multiplicative; the member chosen by AICc. As ets does by default, multiplicative trends
and the unstable additive-error / multiplicative-season members are left out, and a series
with a zero gets additive members only.

Estimation, made for 10,000 series on two cores:
- initial states by the heuristic of Hyndman et al. (2008, section 2.6.1), as statsmodels'
  `initialization_method="heuristic"` computes them;
- smoothing parameters (alpha, beta, gamma, phi) by a grid search of the likelihood, every
  grid point of every series of a batch advanced through time together (one numpy pass per
  season type), then a finer grid around each series' best point. Additive and
  multiplicative errors share one pass: with the same parameters both give the same fitted
  values (Hyndman et al. 2008, section 2.5) and differ only in the likelihood.
- log-likelihood as statsmodels' `ETSModel.loglike` computes it (tests check it):
  -n/2 (log(2π mean(r²)) + 1) - [M error] Σ log|ŷ|, r = y - ŷ (A) or (y - ŷ)/ŷ (M); a
  multiplicative season is updated in forecast::ets' error-correction form
  (s + gamma e / (l + phi b)), where statsmodels uses the Holt-Winters form (sixth digit);
  AICc = -2 logL + 2k + 2k(k+1)/(n-k-1), k = parameters + initial states (m - 1 free
  seasonal terms) + 1, as forecast::ets counts them.

The fitted member replays its forecasts with smoothing.HoltWintersFit (error-correction
form; beta there is beta / alpha here). Units: y and states in demand units per period;
parameters unitless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np

from sop_xl.plan.forecast.smoothing import HoltWintersFit

NONE, ADD, DAMPED, MUL = 0, 1, 2, 2  # trend: NONE/ADD/DAMPED; season: NONE/ADD/MUL

# Coarse grid (first pass); beta ≤ alpha and gamma ≤ 1 - alpha as in forecast::ets.
ALPHAS = np.array([0.02, 0.08, 0.2, 0.4, 0.65, 0.9])
BETAS = np.array([0.005, 0.03, 0.1, 0.25])
GAMMAS = np.array([0.005, 0.05, 0.15, 0.3])
PHIS = np.array([0.85, 0.92, 0.98])
# Second pass: each parameter times these factors around the first pass' best point.
REFINE = np.array([0.6, 1.0, 1.6])
PHI_STEPS = np.array([-0.03, 0.0, 0.03])
BOUNDS = {"alpha": (1e-4, 0.9999), "phi": (0.8, 0.98)}
_FLOOR = 1e-12


@dataclass(frozen=True)
class Member:
    """One ETS member: error 'A'/'M', trend NONE/ADD/DAMPED, season NONE/ADD/MUL."""

    error: str
    trend: int
    season: int

    @property
    def name(self) -> str:
        """Hyndman's notation, e.g. 'ets(M,Ad,M)'."""
        t = ("N", "A", "Ad")[self.trend]
        s = ("N", "A", "M")[self.season]
        return f"ets({self.error},{t},{s})"

    def n_params(self, m: int) -> int:
        """Smoothing parameters + initial states + the error variance (forecast::ets)."""
        smoothing = 1 + (self.trend != NONE) + (self.season != NONE) + (self.trend == DAMPED)
        states = 1 + (self.trend != NONE) + ((m - 1) if self.season != NONE else 0)
        return smoothing + states + 1


def members(*, positive: bool, seasonal: bool) -> list[Member]:
    """The family forecast::ets searches by default (no multiplicative trend, no A,*,M)."""
    seasons = (NONE, ADD, MUL) if seasonal else (NONE,)
    out = []
    for error in ("A", "M") if positive else ("A",):
        for season in seasons:
            if season == MUL and (error == "A" or not positive):
                continue
            for trend in (NONE, ADD, DAMPED):
                out.append(Member(error, trend, season))
    return out


@dataclass(frozen=True)
class EtsFit:
    """A fitted ETS member; forecasts replay with fixed parameters and initial states."""

    name: str
    member: Member
    alpha: float
    beta: float  # state-space form: b_t = phi b_{t-1} + beta e_t (/s for M season)
    gamma: float
    phi: float
    level0: float
    trend0: float
    seasons0: np.ndarray
    loglike: float
    aicc: float

    @property
    def replay(self) -> HoltWintersFit:
        """The same recursion in error-correction form (statsmodels holtwinters)."""
        season = {NONE: None, ADD: "add", MUL: "mul"}[self.member.season]
        return HoltWintersFit(
            name=self.name,
            alpha=self.alpha,
            beta=self.beta / self.alpha if self.member.trend != NONE else 0.0,
            gamma=self.gamma,
            phi=self.phi if self.member.trend == DAMPED else 1.0,
            level0=self.level0,
            trend0=self.trend0 if self.member.trend != NONE else 0.0,
            seasonal=season,
            seasons0=self.seasons0 if season else np.zeros(0),
        )

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        return self.replay.paths(y, origins, horizon)


def min_length(m: int, seasonal: bool) -> int:
    """Periods the heuristic initial states need (statsmodels' limits)."""
    return max(2 * m, 10 + 2 * (m // 2)) if seasonal and m > 1 else 10


def initial_states(y: np.ndarray, m: int, season: int) -> tuple[float, float, np.ndarray]:
    """Heuristic initial level, trend and m seasonal terms (Hyndman et al. 2008, 2.6.1).

    As statsmodels' `_initialization_heuristic`: with a season, a centred 2×m moving
    average over the first min(5, n // m) cycles gives the trend, the mean detrended value
    by phase the seasonal terms (normalised to sum 0 / mean 1); level and trend are the
    intercept and slope of a line through the first ten (trend) values at times 1..10.
    """
    seasons = np.zeros(m) if season == ADD else np.ones(m)
    base = y
    if season != NONE:
        need = 10 + 2 * (m // 2)
        cycles = max(min(5, y.size // m), int(np.ceil(need / m)))
        window = y[: m * cycles]
        if m % 2:
            trend = np.convolve(window, np.full(m, 1.0 / m), mode="valid")
            offset = m // 2
        else:
            weights = np.r_[0.5, np.ones(m - 1), 0.5] / m
            trend = np.convolve(window, weights, mode="valid")
            offset = m // 2
        detrended = np.full(m * cycles, np.nan)
        part = window[offset : offset + trend.size]
        detrended[offset : offset + trend.size] = part - trend if season == ADD else part / trend
        seasons = np.nanmean(detrended.reshape(cycles, m), axis=0)
        seasons = seasons - seasons.mean() if season == ADD else seasons / seasons.mean()
        base = trend
    t = np.arange(1, 11, dtype=float)
    slope, intercept = np.polyfit(t, base[:10], 1)
    return float(intercept), float(slope), seasons


def initial_states_many(y: np.ndarray, n: np.ndarray, m: int, season: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """initial_states for every row of y (series × time, left-aligned; n: lengths), in
    whole-array steps: level (S,), trend (S,), seasonal terms (S, m)."""
    rows = y.shape[0]
    seasons = np.zeros((rows, m)) if season == ADD else np.ones((rows, m))
    if season == NONE:
        base = y[:, :10]
    else:
        need = 10 + 2 * (m // 2)
        cycles = np.maximum(np.minimum(5, n // m), int(np.ceil(need / m)))
        width = m * int(cycles.max())
        window = np.zeros((rows, width))
        take = min(width, y.shape[1])
        window[:, :take] = np.nan_to_num(y[:, :take])
        weights = np.full(m, 1.0 / m) if m % 2 else np.r_[0.5, np.ones(m - 1), 0.5] / m
        span = weights.size
        trend = sum(weights[k] * window[:, k : width - span + 1 + k] for k in range(span))
        offset = m // 2
        pos = offset + np.arange(trend.shape[1])
        inside = pos[None, :] + (span - 1 - offset) < np.minimum(m * cycles, n)[:, None]
        part = window[:, offset : offset + trend.shape[1]]
        with np.errstate(divide="ignore", invalid="ignore"):
            detrended = part - trend if season == ADD else part / trend
        detrended = np.where(inside, detrended, 0.0)
        phase = pos % m
        sums = np.zeros((rows, m))
        counts = np.zeros((rows, m))
        for p in range(m):
            sums[:, p] = detrended[:, phase == p].sum(axis=1)
            counts[:, p] = inside[:, phase == p].sum(axis=1)
        seasons = sums / counts
        seasons = (seasons - seasons.mean(axis=1, keepdims=True) if season == ADD
                   else seasons / seasons.mean(axis=1, keepdims=True))
        base = trend[:, :10]
    t = np.arange(1, 11, dtype=float) - 5.5
    slope = (base * t).sum(axis=1) / (t * t).sum()
    intercept = base.mean(axis=1) - slope * 5.5
    return intercept, slope, seasons


@dataclass(frozen=True)
class _Grid:
    """Parameter columns of one pass: each array (series, columns)."""

    alpha: np.ndarray
    beta: np.ndarray
    gamma: np.ndarray
    phi: np.ndarray
    trend: np.ndarray  # (columns,) NONE / ADD / DAMPED


def _coarse(season: int, trends: Sequence[int], n_series: int) -> _Grid:
    cols = []
    gammas = GAMMAS if season != NONE else np.zeros(1)
    for trend in trends:
        betas = BETAS if trend != NONE else np.zeros(1)
        phis = PHIS if trend == DAMPED else np.ones(1)
        for a, b, g, p in product(ALPHAS, betas, gammas, phis):
            if b <= a and g <= 1 - a:
                cols.append((a, b, g, p, trend))
    arr = np.array(cols, dtype=float)
    tile = np.ones((n_series, 1))
    return _Grid(arr[:, 0] * tile, arr[:, 1] * tile, arr[:, 2] * tile, arr[:, 3] * tile,
                 arr[:, 4].astype(int))


def _refined(best: _Grid, season: int) -> _Grid:
    """A local grid around each series' best point of each trend type (one column per
    trend in `best`)."""
    parts = []
    for j, trend in enumerate(best.trend):
        fb = REFINE if trend != NONE else np.ones(1)
        fg = REFINE if season != NONE else np.ones(1)
        fp = PHI_STEPS if trend == DAMPED else np.zeros(1)
        fa_, fb_, fg_, fp_ = (f.ravel()[None, :] for f in np.meshgrid(REFINE, fb, fg, fp,
                                                                       indexing="ij"))
        a = np.clip(best.alpha[:, j : j + 1] * fa_, *BOUNDS["alpha"])
        b = np.minimum(best.beta[:, j : j + 1] * fb_, a)
        g = np.minimum(best.gamma[:, j : j + 1] * fg_, 1 - a)
        p0 = best.phi[:, j : j + 1]
        p = np.clip(p0 + fp_, *BOUNDS["phi"]) if trend == DAMPED else np.broadcast_to(p0, a.shape)
        parts.append((a, b, g, p, np.full(a.shape[1], trend)))
    return _Grid(*(np.concatenate([part[i] for part in parts], axis=1) for i in range(4)),
                 np.concatenate([part[4] for part in parts]))


@dataclass(frozen=True)
class _Pass:
    """Likelihood terms of every column of a grid, per series."""

    sse: np.ndarray  # Σ e², units²
    sse_rel: np.ndarray  # Σ (e / ŷ)²
    log_fitted: np.ndarray  # Σ log|ŷ|


def _run(y: np.ndarray, n: np.ndarray, m: int, season: int, grid: _Grid,
         level0: np.ndarray, trend0: np.ndarray, seasons0: np.ndarray, relative: bool) -> _Pass:
    """Advance every column of every series through its history; sums of the errors.

    y: (series, T) left-aligned, nan-padded; n: each series' length.
    """
    s_count, width = grid.alpha.shape
    level = np.repeat(level0[:, None], width, axis=1)
    has_trend = (grid.trend != NONE)[None, :]
    trend = np.where(has_trend, trend0[:, None], 0.0)
    beta = np.where(has_trend, grid.beta, 0.0)
    alpha, gamma, phi = grid.alpha, grid.gamma, grid.phi
    season_state = None
    if season != NONE:
        season_state = np.repeat(seasons0.T[:, :, None], width, axis=2)  # (m, series, cols)
    sse = np.zeros((s_count, width))
    sse_rel = np.zeros((s_count, width)) if relative else sse
    log_fitted = np.zeros((s_count, width)) if relative else sse
    for t in range(y.shape[1]):
        obs = y[:, t][:, None]
        live = (t < n)[:, None]
        damped = phi * trend
        base = level + damped
        if season == NONE:
            fitted = base
            error = obs - fitted
            level_error = error
        else:
            s = season_state[t % m]
            if season == ADD:
                fitted = base + s
                error = obs - fitted
                level_error = error
                season_state[t % m] = s + gamma * error
            else:
                fitted = base * s
                error = obs - fitted
                level_error = error / s
                season_state[t % m] = s + gamma * (error / base)
        level = base + alpha * level_error
        trend = damped + beta * level_error
        sse += np.where(live, error * error, 0.0)
        if relative:
            safe = np.where(live, np.abs(fitted), 1.0)
            safe = np.maximum(safe, _FLOOR)
            sse_rel += np.where(live, (error / safe) ** 2, 0.0)
            log_fitted += np.log(safe)
    return _Pass(sse, sse_rel, log_fitted)


def _loglike(p: _Pass, n: np.ndarray, error: str) -> np.ndarray:
    nn = n[:, None].astype(float)
    if error == "A":
        return -nn / 2 * (np.log(2 * np.pi * np.maximum(p.sse / nn, _FLOOR)) + 1)
    return (-nn / 2 * (np.log(2 * np.pi * np.maximum(p.sse_rel / nn, _FLOOR)) + 1)
            - p.log_fitted)


def _aicc(loglike: np.ndarray, k: int, n: np.ndarray) -> np.ndarray:
    nn = n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        penalty = np.where(nn - k - 1 > 0, 2 * k * (k + 1) / (nn - k - 1), np.inf)
    return -2 * loglike + 2 * k + penalty


def fit_many(series: Sequence[np.ndarray], m: int, *, seasonal: Sequence[bool],
             only: Member | None = None, additive: bool = False) -> list[EtsFit | None]:
    """Fit the ETS family to each series (units/period); None where it cannot be fitted.

    The member with the lowest AICc is chosen (forecast::ets); with `only`, that one member
    is fitted by its likelihood (damped Holt, Holt-Winters). seasonal: per series, whether
    seasonal members are tried (they also need min_length(m, True) periods). additive:
    additive error and season only (a series on log scale).
    """
    out: list[EtsFit | None] = [None] * len(series)
    groups: dict[int, list[int]] = {}
    for i, y in enumerate(series):
        y = np.asarray(y, dtype=float)
        if y.size < 10 or not np.all(np.isfinite(y)):
            continue
        wants_season = bool(seasonal[i]) and m > 1 and y.size >= min_length(m, True)
        if only is not None and only.season != NONE and not wants_season:
            continue
        groups.setdefault(NONE, []).append(i)
        if wants_season:
            groups.setdefault(ADD, []).append(i)
            if np.all(y > 0) and not additive:
                groups.setdefault(MUL, []).append(i)
    best: dict[int, tuple[float, EtsFit]] = {}
    for season, idx in groups.items():
        if only is not None and only.season != season:
            continue
        for i, fit in _fit_season(series, idx, m, season, only, additive):
            score = fit.aicc
            if i not in best or score < best[i][0]:
                best[i] = (score, fit)
    for i, (_, fit) in best.items():
        out[i] = fit
    return out


def _best(p: _Pass, n: np.ndarray, grid: _Grid, trends: Sequence[int],
          errors: Sequence[str]) -> dict[tuple[int, str], tuple[np.ndarray, np.ndarray]]:
    """Best column and its log-likelihood per series, for each (trend, error) pair."""
    picks = {}
    for error in errors:
        ll = _loglike(p, n, error)
        ll = np.where(np.isfinite(ll), ll, -np.inf)
        for trend in trends:
            masked = np.where((grid.trend == trend)[None, :], ll, -np.inf)
            cols = np.argmax(masked, axis=1)
            picks[trend, error] = (cols, masked[np.arange(cols.size), cols])
    return picks


def _take(grid: _Grid, cols: list[np.ndarray], trends: list[int]) -> _Grid:
    rows = np.arange(grid.alpha.shape[0])
    stack = np.column_stack
    return _Grid(stack([grid.alpha[rows, c] for c in cols]),
                 stack([grid.beta[rows, c] for c in cols]),
                 stack([grid.gamma[rows, c] for c in cols]),
                 stack([grid.phi[rows, c] for c in cols]),
                 np.array(trends, dtype=int))


def _fit_season(series: Sequence[np.ndarray], idx: list[int], m: int, season: int,
                only: Member | None, additive: bool = False) -> list[tuple[int, EtsFit]]:
    """Best member of one season type for each series in idx (coarse grid, then local)."""
    ys = [np.asarray(series[i], dtype=float) for i in idx]
    n = np.array([y.size for y in ys])
    y = np.full((len(ys), int(n.max())), np.nan)
    for r, v in enumerate(ys):
        y[r, : v.size] = v
    level0, trend0, seasons0 = initial_states_many(y, n, m, season)
    if season == NONE:
        seasons0 = np.zeros((len(ys), 0))
    positive = np.array([bool(np.all(v > 0)) and not additive for v in ys])
    trends = [only.trend] if only is not None else [NONE, ADD, DAMPED]
    if only is not None:
        errors = [only.error]
    elif season == MUL:
        errors = ["M"]
    else:
        errors = ["A", "M"] if positive.any() else ["A"]
    relative = "M" in errors
    grid = _coarse(season, trends, len(ys))
    with np.errstate(all="ignore"):
        p = _run(y, n, m, season, grid, level0, trend0, seasons0, relative)
        picks = _best(p, n, grid, trends, errors)
        seeds = list(picks)
        grid = _refined(_take(grid, [picks[k][0] for k in seeds], [k[0] for k in seeds]),
                        season)
        p = _run(y, n, m, season, grid, level0, trend0, seasons0, relative)
        picks = _best(p, n, grid, trends, errors)
    keys = [k for k in picks if k[1] == "A" or positive.any()]
    aicc = np.vstack([_aicc(picks[k][1], Member(k[1], k[0], season).n_params(m), n)
                      for k in keys])
    for row, (_, error) in enumerate(keys):
        if error == "M":
            aicc[row, ~positive] = np.inf
    aicc = np.where(np.isfinite(aicc), aicc, np.inf)
    winner = np.argmin(aicc, axis=0)
    results: list[tuple[int, EtsFit]] = []
    for r, i in enumerate(idx):
        if not np.isfinite(aicc[winner[r], r]):
            continue
        trend, error = keys[winner[r]]
        member = Member(error, trend, season)
        c = picks[trend, error][0][r]
        results.append((i, EtsFit(
            name=member.name,
            member=member,
            alpha=float(grid.alpha[r, c]),
            beta=float(grid.beta[r, c]) if trend != NONE else 0.0,
            gamma=float(grid.gamma[r, c]) if season != NONE else 0.0,
            phi=float(grid.phi[r, c]) if trend == DAMPED else 1.0,
            level0=float(level0[r]),
            trend0=float(trend0[r]) if trend != NONE else 0.0,
            seasons0=seasons0[r].copy() if season != NONE else np.zeros(0),
            loglike=float(picks[trend, error][1][r]),
            aicc=float(aicc[winner[r], r]),
        )))
    return results
