"""Statistical forecast (统计预测), first pass: seasonal naive or Holt-Winters (statsmodels
ETS), chosen per item on a one-year holdout by mean absolute error.

``auto_forecast`` is the one entry point the sheets, the CLI and the worksheet functions use.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ForecastResult", "auto_forecast", "forecast_series"]

_Z = {0.8: 1.2816, 0.9: 1.6449, 0.95: 1.96}


@dataclass
class ForecastResult:
    forecast: pd.DataFrame  # item, period, forecast, lower, upper, model
    summary: pd.DataFrame   # item, demand_class, model, mase, wape, n_history, note
    cleaned: pd.DataFrame   # item, period, quantity, cleaned, outlier


def _seasonal_naive(y: np.ndarray, h: int, m: int) -> np.ndarray:
    if len(y) >= m:
        return np.array([y[len(y) - m + (i % m)] for i in range(h)], dtype=float)
    return np.full(h, y[-1] if len(y) else 0.0)


def _ets(y: np.ndarray, h: int, m: int) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    seasonal = "add" if len(y) >= 2 * m else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal=seasonal,
                                   seasonal_periods=m if seasonal else None,
                                   initialization_method="heuristic"
                                   if seasonal else "estimated").fit()
    return np.asarray(fit.forecast(h), dtype=float)


_MODELS = {"seasonal_naive": _seasonal_naive, "ets": _ets}


def forecast_series(values: np.ndarray, horizon: int, model: str = "auto",
                    season_length: int = 12) -> np.ndarray:
    """Forecast one series (pieces per period); "auto" picks by holdout error."""
    y = np.asarray(values, dtype=float)
    if model == "auto":
        model = _select(y, season_length)[0]
    return np.maximum(_MODELS[model](y, horizon, season_length), 0.0)


def _select(y: np.ndarray, m: int) -> tuple[str, float, float]:
    """(model, MASE, residual sd) of the model with the lowest holdout error."""
    hold = min(m, max(len(y) // 3, 1))
    train, test = y[:-hold], y[-hold:]
    scale = np.mean(np.abs(np.diff(train))) if len(train) > 1 else 1.0
    scale = scale if scale > 0 else 1.0
    best = ("seasonal_naive", np.inf, 0.0)
    if len(train) < 4:
        return "seasonal_naive", np.nan, float(np.std(y)) if len(y) else 0.0
    for name, fn in _MODELS.items():
        try:
            f = fn(train, hold, m)
        except Exception:  # a failing model is skipped, the run goes on
            continue
        err = np.mean(np.abs(test - f)) / scale
        if err < best[1]:
            best = (name, float(err), float(np.std(test - f)))
    return best


def auto_forecast(history: pd.DataFrame, horizon: int, season_length: int = 12,
                  executor=None, *, levels: tuple[float, ...] = (0.8, 0.95),
                  **_: object) -> ForecastResult:
    """Forecast every item of a long history frame (item, period, quantity) ``horizon``
    periods past its last period."""
    out, summary, cleaned = [], [], []
    level = max(levels)
    z = _Z.get(level, 1.96)
    for item, g in history.sort_values("period").groupby("item", sort=True):
        first, last = g["period"].min(), g["period"].max()
        idx = pd.period_range(first, last, freq=first.freq)
        y = g.groupby("period")["quantity"].sum().reindex(idx, fill_value=0.0).to_numpy(float)
        model, mase, sd = _select(y, season_length)
        f = np.maximum(_MODELS[model](y, horizon, season_length), 0.0)
        future = pd.period_range(last + 1, periods=horizon, freq=first.freq)
        band = z * sd * np.sqrt(np.arange(1, horizon + 1))
        out.append(pd.DataFrame({"item": item, "period": future, "forecast": f,
                                 "lower": np.maximum(f - band, 0.0), "upper": f + band,
                                 "model": model}))
        note = "" if len(y) >= 2 * season_length else f"only {len(y)} months of history"
        summary.append({"item": item, "demand_class": "", "model": model, "mase": mase,
                        "wape": np.nan, "n_history": len(y), "note": note})
        cleaned.append(pd.DataFrame({"item": item, "period": idx, "quantity": y,
                                     "cleaned": y, "outlier": False}))
    cols = ["item", "period", "forecast", "lower", "upper", "model"]
    return ForecastResult(
        pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=cols),
        pd.DataFrame(summary), pd.concat(cleaned, ignore_index=True) if cleaned else
        pd.DataFrame(columns=["item", "period", "quantity", "cleaned", "outlier"]))
