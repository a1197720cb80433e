"""Seasonality test, seasonal indices and outlier cleaning of a demand history.

- Seasonality: the 90% autocorrelation test at the seasonal lag used by the M3/M4
  benchmarks (Naive2, Theta): seasonal when |r_m| > 1.645 · sqrt((1 + 2 Σ_{k<m} r_k²) / n).
- Seasonal indices: classical decomposition (centred 2×m moving average).
- Outliers: robust z-score (median / 1.4826·MAD) of the seasonally adjusted series
  against the median of its neighbours (spikes on a log scale, dips in units). Flagged
  points are replaced by that median (re-seasonalised); the engine reports every
  replacement, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_Z90 = 1.645  # one-sided 90% normal quantile of the classical seasonality test


def autocorrelation(y: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample autocorrelations r_0..r_max_lag (r_0 = 1)."""
    centred = y - y.mean()
    denom = float(centred @ centred)
    if denom <= 0:
        return np.zeros(max_lag + 1)
    return np.array(
        [1.0] + [float(centred[k:] @ centred[:-k]) / denom for k in range(1, max_lag + 1)]
    )


def is_seasonal(y: np.ndarray, season_length: int) -> bool:
    """90% autocorrelation test at lag m; needs at least three seasons of data."""
    m = season_length
    if m < 2 or y.size < 3 * m:
        return False
    r = autocorrelation(y, m)
    limit = _Z90 * np.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / y.size)
    return bool(abs(r[m]) > limit)


def centred_moving_average(y: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average (2×m for even m), nan where the window does not fit."""
    if window % 2:
        weights = np.full(window, 1.0 / window)
    else:
        weights = np.r_[0.5, np.ones(window - 1), 0.5] / window
    out = np.full(y.size, np.nan)
    half = weights.size // 2
    if y.size >= weights.size:
        out[half : y.size - half] = np.convolve(y, weights, mode="valid")
    return out


@dataclass(frozen=True)
class SeasonalIndex:
    """Seasonal terms by phase (phase = period number within the series, mod m)."""

    terms: np.ndarray  # length m; factors (multiplicative) or units (additive)
    multiplicative: bool

    def adjust(self, y: np.ndarray, start: int = 0) -> np.ndarray:
        """Seasonally adjusted copy of y, y[0] being at phase `start`."""
        phase = (start + np.arange(y.size)) % self.terms.size
        return y / self.terms[phase] if self.multiplicative else y - self.terms[phase]

    def apply(self, values: np.ndarray, phases: np.ndarray) -> np.ndarray:
        """Put the season back on values at the given phases."""
        terms = self.terms[phases % self.terms.size]
        return values * terms if self.multiplicative else values + terms


def seasonal_index(y: np.ndarray, season_length: int) -> SeasonalIndex:
    """Classical decomposition indices; multiplicative when all y > 0, else additive."""
    m = season_length
    trend = centred_moving_average(y, m)
    multiplicative = bool(np.all(y > 0))
    ok = ~np.isnan(trend)
    if multiplicative:
        ok &= trend > 0
    detrended = np.where(ok, y / np.where(ok, trend, 1.0) if multiplicative else y - trend, np.nan)
    phase = np.arange(y.size) % m
    terms = np.array(
        [
            np.nanmean(detrended[phase == p]) if np.any(ok & (phase == p)) else np.nan
            for p in range(m)
        ]
    )
    neutral = 1.0 if multiplicative else 0.0
    terms = np.where(np.isnan(terms), neutral, terms)
    terms = np.clip(terms / terms.mean(), 0.001, None) if multiplicative else terms - terms.mean()
    return SeasonalIndex(terms, multiplicative)


def neighbour_median(y: np.ndarray, window: int) -> np.ndarray:
    """Median of the `window` // 2 periods either side of each period, the period itself
    left out (so an outlier cannot pull its own baseline); fewer neighbours at the ends."""
    half = window // 2
    padded = np.pad(y.astype(float), half, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    neighbours = np.delete(windows, half, axis=1)
    return np.nanmedian(neighbours, axis=1)


@dataclass(frozen=True)
class Cleaning:
    """A cleaned history and which periods were replaced."""

    values: np.ndarray
    outlier: np.ndarray  # bool per period


def clean_outliers(
    y: np.ndarray, season_length: int, *, seasonal: bool, z_limit: float = 5.0, window: int = 7
) -> Cleaning:
    """Replace points whose robust z-score exceeds z_limit (see module docstring).

    Spikes are scored on log(1 + demand): demand is skewed, and a month at three times
    the usual level is as remarkable at 10 units as at 1,000, while the long right tail
    of erratic demand is not flagged wholesale. Dips are scored in units (on a log scale
    every low month of a small item would look extreme). Replacements are the
    neighbours' median, in units, with the season put back.
    """
    if y.size < window + 2:
        return Cleaning(y.copy(), np.zeros(y.size, dtype=bool))
    index = seasonal_index(y, season_length) if seasonal else None
    adjusted = np.maximum(index.adjust(y), 0.0) if index else y
    baseline = neighbour_median(adjusted, window)
    spikes = _robust_z(np.log1p(adjusted), window) > z_limit
    dips = _robust_z(adjusted, window) < -z_limit
    outlier = spikes | dips
    if not outlier.any():
        return Cleaning(y.copy(), outlier)
    replacement = index.apply(baseline, np.arange(y.size)) if index else baseline
    cleaned = np.where(outlier, np.maximum(replacement, 0.0), y)
    return Cleaning(cleaned, outlier)


def _robust_z(x: np.ndarray, window: int) -> np.ndarray:
    """Robust z-score of each point against the median of its neighbours."""
    residual = x - neighbour_median(x, window)
    centre = np.median(residual)
    spread = 1.4826 * np.median(np.abs(residual - centre))
    if spread <= 1e-9 * max(1.0, float(np.abs(x).max())):
        return np.zeros(x.size)
    return (residual - centre) / spread
