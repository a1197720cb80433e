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

import numpy as np

# Smoothing constants tried when fitting; the literature recommends 0.05-0.3.
ALPHAS = (0.05, 0.1, 0.15, 0.2, 0.3)
BETAS = (0.02, 0.05, 0.1, 0.2)


def croston_rates(y: np.ndarray, alpha: float, interval0: float) -> np.ndarray:
    """Croston's demand rate (units/period) known after each period.

    Returns r of length len(y) + 1 where r[t] is the forecast made after observing y[:t]
    (r[0] is nan: nothing observed yet).
    """
    n = y.size
    rates = np.full(n + 1, np.nan)
    size = interval = np.nan
    last = -1
    for t in range(n):
        if y[t] > 0:
            if last < 0:  # first demand initialises the size; the interval is a parameter
                size, interval = y[t], interval0
            else:
                size += alpha * (y[t] - size)
                interval += alpha * ((t - last) - interval)
            last = t
        if last >= 0:
            rates[t + 1] = size / interval
    return rates


def tsb_rates(y: np.ndarray, alpha: float, beta: float, probability0: float) -> np.ndarray:
    """TSB demand rate (units/period) known after each period; same layout as croston_rates.

    alpha smooths the demand size in periods with demand, beta smooths the probability of
    demand in every period.
    """
    n = y.size
    rates = np.full(n + 1, np.nan)
    size = probability = np.nan
    for t in range(n):
        if np.isnan(size):
            if y[t] > 0:  # first demand initialises both states
                size, probability = y[t], probability0
        elif y[t] > 0:
            probability += beta * (1.0 - probability)
            size += alpha * (y[t] - size)
        else:
            probability -= beta * probability
        if not np.isnan(size):
            rates[t + 1] = probability * size
    return rates


def _mean_interval(y: np.ndarray) -> float:
    """Mean periods between demands (ADI) of a window starting at a demand."""
    demands = int(np.count_nonzero(y > 0))
    return y.size / demands if demands else float(y.size)


def _in_sample_mse(y: np.ndarray, rates: np.ndarray) -> float:
    """Mean squared one-step error, skipping the periods before the first forecast."""
    predicted = rates[:-1]
    ok = ~np.isnan(predicted)
    ok[0] = False
    if not ok.any():
        return np.inf
    return float(np.mean((y[ok] - predicted[ok]) ** 2))


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
    best = min(
        ALPHAS,
        key=lambda a: _in_sample_mse(y, croston_rates(y, a, interval0) * (1 - a / 2 if sba else 1)),
    )
    return CrostonFit("sba" if sba else "croston", best, interval0, 1 - best / 2 if sba else 1.0)


def fit_sba(y: np.ndarray, season_length: int = 12) -> CrostonFit:
    """SBA: Croston with the Syntetos-Boylan bias correction."""
    return fit_croston(y, season_length, sba=True)


def fit_tsb(y: np.ndarray, season_length: int = 12) -> TsbFit:
    """Choose (alpha, beta) from ALPHAS × BETAS by in-sample one-step MSE."""
    probability0 = 1.0 / _mean_interval(y)
    best = min(
        ((a, b) for a in ALPHAS for b in BETAS),
        key=lambda ab: _in_sample_mse(y, tsb_rates(y, ab[0], ab[1], probability0)),
    )
    return TsbFit("tsb", best[0], best[1], probability0)
