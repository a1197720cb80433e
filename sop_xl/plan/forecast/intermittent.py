"""Croston, SBA and TSB forecasts for intermittent demand (numpy; statsmodels has none).

- Croston (1972), "Forecasting and stock control for intermittent demands", Operational
  Research Quarterly 23(3): smooth the demand sizes and the intervals between demands
  separately, updating both only in periods with demand; forecast = size / interval.
- SBA, Syntetos & Boylan (2005), "The accuracy of intermittent demand estimates",
  Int. J. Forecasting 21(2): Croston's estimate is biased upwards; multiply it by
  (1 - alpha / 2).
- TSB, Teunter, Syntetos & Babai (2011), "Intermittent demand: linking forecasting to
  inventory obsolescence", EJOR 214(3): smooth the demand size (in periods with demand)
  and the probability of demand (every period); forecast = probability × size. Unlike
  Croston it decays towards zero when demand stops.

All forecasts are flat rates in units per period. The history starts at the first demand
(the engine trims leading zeros), so y[0] > 0 initialises the size; the interval starts at
the mean interval (ADI) of the fitting window, which is a fitted parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

# Smoothing constants tried when fitting; the literature recommends 0.05-0.3.
ALPHAS = (0.05, 0.1, 0.15, 0.2, 0.3)
BETAS = (0.02, 0.05, 0.1, 0.2)


def croston_rates(y: np.ndarray, alpha: float | np.ndarray, interval0: float) -> np.ndarray:
    """Croston's demand rate (units/period) known after each period.

    Returns r of length len(y) + 1 where r[t] is the forecast made after observing y[:t]
    (r[0] is nan: nothing observed yet). With an array of alphas, one column per alpha
    (shape (len(y) + 1, len(alpha))): the grid search runs them together.
    """
    alpha = np.asarray(alpha, dtype=float)
    n = y.size
    rates = np.full((n + 1, *alpha.shape), np.nan)
    demands = np.flatnonzero(y > 0)
    if demands.size == 0:
        return rates
    size = np.full(alpha.shape, y[demands[0]])
    interval = np.full(alpha.shape, float(interval0))
    rates[demands[0] + 1 :] = size / interval
    for last, t in pairwise(demands):
        size = size + alpha * (y[t] - size)
        interval = interval + alpha * ((t - last) - interval)
        rates[t + 1 :] = size / interval  # held until the next demand
    return rates


def tsb_rates(
    y: np.ndarray, alpha: float | np.ndarray, beta: float | np.ndarray, probability0: float
) -> np.ndarray:
    """TSB demand rate (units/period) known after each period; same layout as croston_rates
    (alpha and beta may be arrays of one shape: one column per pair).

    alpha smooths the demand size in periods with demand, beta smooths the probability of
    demand in every period.
    """
    alpha, beta = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(beta, float))
    n = y.size
    rates = np.full((n + 1, *alpha.shape), np.nan)
    demands = np.flatnonzero(y > 0)
    if demands.size == 0:
        return rates
    first = int(demands[0])  # first demand initialises both states
    size = np.full(alpha.shape, y[first])
    probability = np.full(alpha.shape, float(probability0))
    rates[first + 1] = probability * size
    for t in range(first + 1, n):
        if y[t] > 0:
            probability = probability + beta * (1.0 - probability)
            size = size + alpha * (y[t] - size)
        else:
            probability = probability - beta * probability
        rates[t + 1] = probability * size
    return rates


def _mean_interval(y: np.ndarray) -> float:
    """Mean periods between demands (ADI) of a window starting at a demand."""
    demands = int(np.count_nonzero(y > 0))
    return y.size / demands if demands else float(y.size)


def _in_sample_mse(y: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Mean squared one-step error per column of rates, skipping the periods before the
    first forecast (inf when there is none)."""
    predicted = rates[:-1]
    ok = ~np.isnan(predicted)
    ok[0] = False
    count = ok.sum(axis=0)
    err = np.where(ok, (y.reshape(-1, *([1] * (rates.ndim - 1))) - predicted) ** 2, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, err.sum(axis=0) / count, np.inf)


def _flat_paths(rates: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    level = np.nan_to_num(rates[origins], nan=0.0)
    return np.repeat(level[:, None], horizon, axis=1)


@dataclass(frozen=True)
class CrostonFit:
    """Croston (debias=1) or SBA (debias = 1 - alpha/2) with fixed parameters."""

    name: str
    alpha: float
    interval0: float
    debias: float

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Flat forecasts (len(origins), horizon) made after observing y[:origin]."""
        rates = croston_rates(y, self.alpha, self.interval0) * self.debias
        return _flat_paths(rates, origins, horizon)


@dataclass(frozen=True)
class TsbFit:
    """TSB with fixed parameters."""

    name: str
    alpha: float
    beta: float
    probability0: float

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Flat forecasts (len(origins), horizon) made after observing y[:origin]."""
        rates = tsb_rates(y, self.alpha, self.beta, self.probability0)
        return _flat_paths(rates, origins, horizon)


def fit_croston(y: np.ndarray, season_length: int = 12, *, sba: bool = False) -> CrostonFit:
    """Choose alpha from ALPHAS by in-sample one-step MSE (season_length is unused)."""
    interval0 = _mean_interval(y)
    alphas = np.array(ALPHAS)
    debias = 1 - alphas / 2 if sba else np.ones(alphas.size)
    mse = _in_sample_mse(y, croston_rates(y, alphas, interval0) * debias)
    best = float(alphas[int(np.argmin(mse))])  # first of equals, as min() over ALPHAS
    return CrostonFit("sba" if sba else "croston", best, interval0, 1 - best / 2 if sba else 1.0)


def fit_sba(y: np.ndarray, season_length: int = 12) -> CrostonFit:
    """SBA: Croston with the Syntetos-Boylan bias correction."""
    return fit_croston(y, season_length, sba=True)


def fit_tsb(y: np.ndarray, season_length: int = 12) -> TsbFit:
    """Choose (alpha, beta) from ALPHAS × BETAS by in-sample one-step MSE."""
    probability0 = 1.0 / _mean_interval(y)
    pairs = np.array([(a, b) for a in ALPHAS for b in BETAS])
    mse = _in_sample_mse(y, tsb_rates(y, pairs[:, 0], pairs[:, 1], probability0))
    a, b = pairs[int(np.argmin(mse))]
    return TsbFit("tsb", float(a), float(b), probability0)
