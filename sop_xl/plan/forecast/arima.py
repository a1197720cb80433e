"""A small ARIMA set: ARIMA(0,1,1) and ARIMA(1,1,1) with drift.

Parameters come from statsmodels' Hannan-Rissanen estimator on the differenced series
(regression-based, ~2 ms) rather than SARIMAX maximum likelihood (20-40 ms with drift;
~80 ms for a seasonal SARIMAX on 60 months, too slow for 10,000 items). Seasonality is
taken out before (the caller fits on seasonally adjusted data). The order is chosen by
AICc of the conditional residuals. Replay with fixed parameters runs the conditional
(CSS) residual recursion in numpy; once the start-up residuals have died out it equals
the Kalman filter's forecast of SARIMAX with the same parameters (checked in the tests).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from statsmodels.tsa.arima.estimators.hannan_rissanen import hannan_rissanen

ORDERS = ((0, 1, 1), (1, 1, 1))


@dataclass(frozen=True)
class ArimaFit:
    """ARIMA(p,1,q) with drift: w_t = c + phi w_{t-1} + e_t + theta e_{t-1}, w = Δy."""

    name: str
    drift: float  # c, units per period
    ar: float  # phi (0 when p = 0)
    ma: float  # theta (0 when q = 0)

    def residuals(self, y: np.ndarray) -> np.ndarray:
        """Conditional one-step errors e of the differenced series (pre-sample e = 0)."""
        w = np.diff(y)
        errors = np.zeros(w.size)
        for i in range(w.size):
            predicted = self.drift
            if i > 0:
                predicted += self.ar * w[i - 1] + self.ma * errors[i - 1]
            errors[i] = w[i] - predicted
        return errors

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin] (origin ≥ 2)."""
        w = np.diff(y)
        errors = self.residuals(y)
        # The last difference seen at origin t is w[t-2]; its error is errors[t-2].
        last_w = w[origins - 2]
        last_e = errors[origins - 2]
        level = y[origins - 1].astype(float)
        out = np.empty((origins.size, horizon))
        for k in range(horizon):
            step = self.drift + self.ar * last_w + self.ma * last_e
            level = level + step
            out[:, k] = level
            last_w, last_e = step, 0.0
        return out


def _aicc(loglike: float, n_params: int, n_obs: int) -> float:
    return (
        -2 * loglike + 2 * n_params + 2 * n_params * (n_params + 1) / max(n_obs - n_params - 1, 1)
    )


def fit_arima(y: np.ndarray, season_length: int = 12) -> ArimaFit:
    """Best ARIMA(p,1,q)+drift of ORDERS by AICc (season_length unused: data is adjusted)."""
    w = np.diff(y)
    mean = float(w.mean())
    best: tuple[float, ArimaFit] | None = None
    for p, _, q in ORDERS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            params, _ = hannan_rissanen(w, ar_order=p, ma_order=q, demean=True)
        # Keep the recursion stable and invertible: |phi|, |theta| < 1.
        ar = float(np.clip(params.ar_params[0], -0.98, 0.98)) if p else 0.0
        ma = float(np.clip(params.ma_params[0], -0.98, 0.98)) if q else 0.0
        fit = ArimaFit("arima", drift=mean * (1 - ar), ar=ar, ma=ma)
        errors = fit.residuals(y)
        sigma2 = float(np.mean(errors**2))
        if not np.isfinite(sigma2):
            continue
        n_params = p + q + 2  # + drift + variance
        loglike = -0.5 * w.size * (np.log(2 * np.pi * max(sigma2, 1e-300)) + 1)
        aicc = _aicc(loglike, n_params, w.size)
        if best is None or aicc < best[0]:
            best = (aicc, fit)
    if best is None:
        raise ValueError("no ARIMA order could be estimated")
    return best[1]
