"""Shared synthetic histories for the forecast tests."""

import numpy as np
import pandas as pd


def long_frame(series: dict[str, np.ndarray], start: str = "2020-01") -> pd.DataFrame:
    """Long history frame (item, period, quantity); every series ends in the same month."""
    length = max(v.size for v in series.values())
    periods = pd.period_range(start, periods=length, freq="M")
    rows = [
        pd.DataFrame({"item": item, "period": periods[length - v.size :], "quantity": v})
        for item, v in series.items()
    ]
    return pd.concat(rows, ignore_index=True)


def seasonal(n: int = 60, seed: int = 0, level: float = 100.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level * (1 + 0.4 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 0.03 * level, n)


def intermittent(n: int = 60, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.25, rng.poisson(6, n) + 1.0, 0.0)
    y[0] = 5.0
    y[-1] = 4.0
    return y
