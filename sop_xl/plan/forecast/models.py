"""The forecasting models the engine can choose from, and which are tried per demand class.

Every model is fitted once on a training window (`fit(y, m) -> fitted`) and the fitted
object replays its forecasts from any origins with its parameters fixed:
`fitted.paths(y, origins, horizon)` returns an (origins × horizon) array, row i being the
forecast made after observing y[:origins[i]]. The backtest, the final forecast and the
interval estimate all go through `paths`, so every model is judged the same way.

The exponential smoothing models (ETS family, damped Holt, Holt-Winters) are estimated for
many series at once (ets.py): their `fit` returns a `Deferred` request that the chunk
driver (item.py) fits together with every other item's, then finishes (wraps) per item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from sop_xl.plan.forecast import arima, ets, intermittent, smoothing
from sop_xl.plan.forecast.classify import DemandClass
from sop_xl.plan.forecast.cleaning import SeasonalIndex, Seasonality, seasonal_index


class Fitted(Protocol):
    """A model with its parameters fixed."""

    name: str

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray: ...


def _same(fitted: Fitted) -> Fitted:
    return fitted


@dataclass(frozen=True)
class Deferred:
    """An ETS-kernel fit to be done in a batch: the series it is fitted on (already
    transformed), which members, and how to wrap the fitted member for this item."""

    series: np.ndarray
    season_length: int
    seasonal: bool  # seasonal members allowed
    only: ets.Member | None  # one member by likelihood, or None: the family by AICc
    name: str | None = None  # the fitted model's name (default: ets.Member.name)
    additive: bool = False  # additive members only (log scale)
    finish: Callable[[Fitted], Fitted] = _same


FitFunction = Callable[[np.ndarray, int], "Fitted | Deferred"]


def then(result: Fitted | Deferred, wrap: Callable[[Fitted], Fitted]) -> Fitted | Deferred:
    """Apply wrap to a fitted model now, or to a deferred one once it is fitted."""
    if isinstance(result, Deferred):
        inner = result.finish
        return replace(result, finish=lambda fitted: wrap(inner(fitted)))
    return wrap(result)


def resolve(requests: Sequence[Deferred]) -> list[Fitted | Exception]:
    """Fit deferred requests, grouped by season length and member, one batch per group.

    Each series' result does not depend on the others in its batch (the kernel is
    elementwise over series), so results are the same however items are batched.
    """
    out: list[Fitted | Exception] = [ValueError("not fitted")] * len(requests)
    groups: dict[tuple[int, ets.Member | None, bool], list[int]] = {}
    for i, r in enumerate(requests):
        groups.setdefault((r.season_length, r.only, r.additive), []).append(i)
    for (m, only, additive), idx in groups.items():
        fits = ets.fit_many([requests[i].series for i in idx], m,
                            seasonal=[requests[i].seasonal for i in idx], only=only,
                            additive=additive)
        for i, fit in zip(idx, fits, strict=True):
            r = requests[i]
            if fit is None:
                out[i] = ValueError(f"{r.name or 'ets'}: too short or not admissible")
                continue
            try:
                out[i] = r.finish(replace(fit, name=r.name) if r.name else fit)
            except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
                out[i] = exc
    return out


def fit_now(spec: ModelSpec, y: np.ndarray, m: int) -> Fitted:
    """Fit one model at once (deferred ones alone); raises ValueError when it cannot."""
    result = spec.fit(y, m)
    if isinstance(result, Deferred):
        result = resolve([result])[0]
        if isinstance(result, Exception):
            raise result
    return result


@dataclass(frozen=True)
class NaiveFit:
    """Last value carried forward."""

    name: str = "naive"

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        return np.repeat(y[origins - 1][:, None], horizon, axis=1)


@dataclass(frozen=True)
class SeasonalNaiveFit:
    """Same period last season."""

    season_length: int
    name: str = "seasonal_naive"

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        m = self.season_length
        steps = np.arange(horizon)
        # Before a full season is seen, the earliest period stands in for last season's.
        return y[np.maximum(origins[:, None] - m + steps[None, :] % m, 0)]


@dataclass(frozen=True)
class MeanFit:
    """Average of the whole history so far (also the last-resort fallback)."""

    name: str = "mean"

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        means = np.cumsum(y)[origins - 1] / origins
        return np.repeat(means[:, None], horizon, axis=1)


@dataclass(frozen=True)
class SeasonallyAdjustedFit:
    """An inner model fitted on the seasonally adjusted series, season put back after."""

    name: str
    inner: Fitted
    index: SeasonalIndex

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        adjusted = self.inner.paths(self.index.adjust(y), origins, horizon)
        phases = origins[:, None] + np.arange(horizon)[None, :]
        return self.index.apply(adjusted, phases)


@dataclass(frozen=True)
class CombinationFit:
    """Equal-weight mean of several fitted models (combinations are robust; M3, M4)."""

    name: str
    members: tuple[Fitted, ...]

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Mean of the members' forecasts."""
        return np.mean([m.paths(y, origins, horizon) for m in self.members], axis=0)


@dataclass(frozen=True)
class LogFit:
    """An inner model fitted on log demand; forecasts are exp of its forecasts.

    Demand is mostly multiplicative (growth in %, noise in proportion to level); on the
    M3 monthly data Theta on log scale scored sMAPE 13.6 against 13.9 in units. The
    back-transform gives the median, not the mean, of the forecast distribution.
    """

    name: str
    inner: Fitted

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        logged = self.inner.paths(np.log(np.maximum(y, _TINY)), origins, horizon)
        return np.exp(np.clip(logged, -700.0, 700.0))


_TINY = 1e-9


def guerrero_lambda(y: np.ndarray, m: int) -> float:
    """Box-Cox λ in [0, 1] by Guerrero's method (1993), as forecast::BoxCox.lambda: the λ
    that makes sd / mean^(1-λ) most nearly constant over consecutive blocks of one season
    (two periods without a season). 0 is the log, 1 demand as it is; λ outside [0, 1]
    (stronger than log, or a power above one) is no shape demand takes."""
    block = m if m > 1 else 2
    k = y.size // block
    if k < 2:
        return 1.0
    blocks = y[y.size - k * block:].reshape(k, block)
    means, sds = blocks.mean(axis=1), blocks.std(axis=1, ddof=1)
    grid = np.linspace(0.0, 1.0, 21)
    ratios = sds[None, :] / means[None, :] ** (1.0 - grid[:, None])
    cv = ratios.std(axis=1, ddof=1) / np.maximum(ratios.mean(axis=1), _TINY)
    return float(grid[int(np.argmin(cv))])


def box_cox(y: np.ndarray, lam: float) -> np.ndarray:
    """Box-Cox transform of positive demand (log at λ = 0)."""
    return np.log(y) if lam == 0 else (y**lam - 1.0) / lam


def inverse_box_cox(z: np.ndarray, lam: float) -> np.ndarray:
    """Back to units (the median of the forecast distribution, not its mean)."""
    if lam == 0:
        return np.exp(np.clip(z, -700.0, 700.0))
    return np.maximum(lam * z + 1.0, 0.0) ** (1.0 / lam)


@dataclass(frozen=True)
class BoxCoxFit:
    """An inner model fitted on Box-Cox transformed demand, λ fixed at fit time."""

    name: str
    inner: Fitted
    lam: float

    def paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts (len(origins), horizon) made after observing y[:origin]."""
        z = self.inner.paths(box_cox(np.maximum(y, _TINY), self.lam), origins, horizon)
        return inverse_box_cox(z, self.lam)


def _box_cox(fit: FitFunction) -> FitFunction:
    """Wrap a model so it runs on Box-Cox demand, λ by Guerrero on the training window
    (strictly positive series only)."""

    def fit_box_cox(y: np.ndarray, m: int) -> Fitted | Deferred:
        if np.any(y <= 0):
            raise ValueError("Box-Cox models need demand above zero in every period")
        lam = guerrero_lambda(y, m)
        return then(fit(box_cox(y, lam), m),
                    lambda inner: BoxCoxFit(inner.name + "_bc", inner, lam))

    return fit_box_cox


def combination(members: Sequence[Fitted]) -> CombinationFit:
    """Combine fitted models; the name lists the members, e.g. 'combo(theta+hw_additive)'."""
    return CombinationFit("combo(" + "+".join(m.name for m in members) + ")", tuple(members))


def _adjusted(fit: FitFunction) -> FitFunction:
    """Wrap a non-seasonal model so it runs on the seasonally adjusted series."""

    def fit_adjusted(y: np.ndarray, m: int) -> Fitted | Deferred:
        index = seasonal_index(y, m)
        return then(fit(index.adjust(y), m),
                    lambda inner: SeasonallyAdjustedFit(inner.name + "_sa", inner, index))

    return fit_adjusted


def _logged(fit: FitFunction) -> FitFunction:
    """Wrap a model so it runs on log demand (strictly positive series only)."""

    def fit_logged(y: np.ndarray, m: int) -> Fitted | Deferred:
        if np.any(y <= 0):
            raise ValueError("log-scale models need demand above zero in every period")
        return then(fit(np.log(y), m), lambda inner: LogFit(inner.name + "_log", inner))

    return fit_logged


@dataclass(frozen=True)
class ModelSpec:
    """A candidate model: how to fit it and how much history it needs."""

    name: str
    fit: FitFunction
    min_seasons: float = 0.0  # training periods needed, in seasons ...
    min_periods: int = 3  # ... and at least this many periods
    kernel_season: bool = False  # ... and what the ETS kernel's seasonal start needs

    def min_train(self, m: int) -> int:
        """Training periods needed with season length m."""
        need = max(self.min_periods, int(np.ceil(self.min_seasons * m)))
        return max(need, ets.min_length(m, True)) if self.kernel_season else need

    def fits_in(self, n: int, m: int) -> bool:
        """Whether a training window of n periods is long enough."""
        return n >= self.min_train(m)


def _fit_naive(y: np.ndarray, m: int) -> Fitted:
    return NaiveFit()


def _fit_seasonal_naive(y: np.ndarray, m: int) -> Fitted:
    return SeasonalNaiveFit(m)


def _fit_mean(y: np.ndarray, m: int) -> Fitted:
    return MeanFit()


def _kernel(member: ets.Member | None, name: str | None, *, seasonal: bool,
            additive: bool = False) -> FitFunction:
    """A fit done by the batched ETS kernel: one member by likelihood, or the family."""

    def fit(y: np.ndarray, m: int) -> Deferred:
        if not np.all(np.isfinite(y)):
            raise ValueError("non-finite demand")
        return Deferred(np.asarray(y, dtype=float), m, seasonal, member, name, additive)

    return fit


_A, _M = "A", "M"
NAIVE = ModelSpec("naive", _fit_naive, min_periods=1)
SEASONAL_NAIVE = ModelSpec("seasonal_naive", _fit_seasonal_naive, min_seasons=1, min_periods=1)
MEAN = ModelSpec("mean", _fit_mean, min_periods=1)
SES = ModelSpec("ses", smoothing.fit_ses, min_periods=3)
# Damped Holt and Holt-Winters are ETS members fitted by least squares (A error), as
# statsmodels' ExponentialSmoothing fits them; the kernel estimates them in batches.
HOLT_DAMPED = ModelSpec(
    "holt_damped", _kernel(ets.Member(_A, ets.DAMPED, ets.NONE), "holt_damped", seasonal=False),
    min_periods=10,
)
THETA = ModelSpec("theta", smoothing.fit_theta, min_periods=6)
OTM = ModelSpec("otm", smoothing.fit_otm, min_periods=6)
DOTM = ModelSpec("dotm", smoothing.fit_dotm, min_periods=6)
ARIMA = ModelSpec("arima", arima.fit_arima, min_periods=12)
HW_ADDITIVE = ModelSpec(
    "hw_additive", _kernel(ets.Member(_A, ets.DAMPED, ets.ADD), "hw_additive", seasonal=True),
    min_seasons=2, min_periods=12, kernel_season=True,
)
HW_MULTIPLICATIVE = ModelSpec(
    "hw_multiplicative",
    _kernel(ets.Member(_A, ets.DAMPED, ets.MUL), "hw_multiplicative", seasonal=True),
    min_seasons=2, min_periods=12, kernel_season=True,
)
# The ETS family, member by AICc (forecast::ets): without seasonal members, and with.
ETS = ModelSpec("ets", _kernel(None, None, seasonal=False), min_periods=10)
ETS_SEASONAL = ModelSpec(
    "ets_seasonal", _kernel(None, None, seasonal=True), min_seasons=2, min_periods=10,
    kernel_season=True,
)
# The additive ETS family on log demand (positive series): multiplicative season, trend
# and noise, the trend damped or none.
ETS_LOG = ModelSpec("ets_log", _logged(_kernel(None, None, seasonal=False, additive=True)),
                    min_periods=10)
ETS_LOG_SEASONAL = ModelSpec(
    "ets_log_seasonal", _logged(_kernel(None, None, seasonal=True, additive=True)),
    min_seasons=2, min_periods=10, kernel_season=True,
)
# The additive ETS family on Box-Cox demand, λ by Guerrero (between log and units).
ETS_BC = ModelSpec("ets_bc", _box_cox(_kernel(None, None, seasonal=False, additive=True)),
                   min_periods=10)
ETS_BC_SEASONAL = ModelSpec(
    "ets_bc_seasonal", _box_cox(_kernel(None, None, seasonal=True, additive=True)),
    min_seasons=2, min_periods=10, kernel_season=True,
)
CROSTON = ModelSpec("croston", intermittent.fit_croston, min_periods=4)
SBA = ModelSpec("sba", intermittent.fit_sba, min_periods=4)
TSB = ModelSpec("tsb", intermittent.fit_tsb, min_periods=4)

# Seasonally adjusted variants: the same models on deseasonalised data (classical
# decomposition), the way the M3/M4 benchmarks run SES, Holt and Theta. The suffix
# '_sa' in a model name means 'fitted on seasonally adjusted demand'.
SES_SA = ModelSpec("ses_sa", _adjusted(smoothing.fit_ses), min_seasons=2, min_periods=3)
HOLT_DAMPED_SA = ModelSpec(
    "holt_damped_sa", _adjusted(HOLT_DAMPED.fit), min_seasons=2, min_periods=10
)
THETA_SA = ModelSpec("theta_sa", _adjusted(smoothing.fit_theta), min_seasons=2, min_periods=6)
OTM_SA = ModelSpec("otm_sa", _adjusted(smoothing.fit_otm), min_seasons=2, min_periods=6)
DOTM_SA = ModelSpec("dotm_sa", _adjusted(smoothing.fit_dotm), min_seasons=2, min_periods=6)
ARIMA_SA = ModelSpec("arima_sa", _adjusted(arima.fit_arima), min_seasons=2, min_periods=12)

# Log-scale variants, for items with demand in every period.
SES_LOG = ModelSpec("ses_log", _logged(smoothing.fit_ses), min_periods=3)
HOLT_DAMPED_LOG = ModelSpec("holt_damped_log", _logged(HOLT_DAMPED.fit), min_periods=10)
THETA_LOG = ModelSpec("theta_log", _logged(smoothing.fit_theta), min_periods=6)
ARIMA_LOG = ModelSpec("arima_log", _logged(arima.fit_arima), min_periods=12)
SES_LOG_SA = ModelSpec(
    "ses_log_sa", _adjusted(_logged(smoothing.fit_ses)), min_seasons=2, min_periods=3
)
HOLT_DAMPED_LOG_SA = ModelSpec(
    "holt_damped_log_sa",
    _adjusted(_logged(HOLT_DAMPED.fit)),
    min_seasons=2,
    min_periods=10,
)
THETA_LOG_SA = ModelSpec(
    "theta_log_sa", _adjusted(_logged(smoothing.fit_theta)), min_seasons=2, min_periods=6
)
ARIMA_LOG_SA = ModelSpec(
    "arima_log_sa", _adjusted(_logged(arima.fit_arima)), min_seasons=2, min_periods=12
)

ALL_MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        NAIVE, SEASONAL_NAIVE, MEAN, SES, HOLT_DAMPED, THETA, OTM, OTM_SA, DOTM, DOTM_SA, ARIMA,
        HW_ADDITIVE, HW_MULTIPLICATIVE, ETS, ETS_SEASONAL, ETS_LOG, ETS_LOG_SEASONAL,
        ETS_BC, ETS_BC_SEASONAL, CROSTON, SBA, TSB,
        SES_SA, HOLT_DAMPED_SA, THETA_SA, ARIMA_SA,
        SES_LOG, HOLT_DAMPED_LOG, THETA_LOG, ARIMA_LOG,
        SES_LOG_SA, HOLT_DAMPED_LOG_SA, THETA_LOG_SA, ARIMA_LOG_SA,
    )
}  # fmt: skip


# Candidate pools of smooth and erratic items, by (seasonal, demand > 0 in every period).
POOLS: dict[tuple[bool, bool], tuple[ModelSpec, ...]] = {
    (True, True): (THETA_SA, HOLT_DAMPED_SA, HW_MULTIPLICATIVE, ARIMA_SA, ETS_SEASONAL,
                   ETS_BC_SEASONAL),
    (False, True): (THETA, HOLT_DAMPED, SES, ARIMA, ETS),
    (True, False): (THETA_SA, HOLT_DAMPED_SA, SES_SA, HW_ADDITIVE, ARIMA_SA, ETS_SEASONAL),
    (False, False): (THETA, HOLT_DAMPED, SES, ARIMA, ETS),
}
INTERMITTENT_POOL = (CROSTON, SBA, TSB, SES)
_ARIMAS = {ARIMA, ARIMA_SA, ARIMA_LOG, ARIMA_LOG_SA}


def candidates(
    demand_class: DemandClass, *, seasonal: bool | Seasonality, positive: bool,
    use_arima: bool = True,
) -> list[ModelSpec]:
    """Models tried for an item of this class (the naive benchmark is scored apart).

    Smooth and erratic items: Theta, damped Holt and ARIMA (on seasonally adjusted demand
    when the series is seasonal), Holt-Winters, and the ETS family by AICc; a seasonal
    item with demand above zero in every period also gets the additive ETS family on
    Box-Cox demand (λ by Guerrero) and Holt-Winters multiplicative; otherwise SES joins.
    Where only one seasonality test of two finds a season, both pools compete.
    Intermittent and lumpy items: Croston, SBA, TSB and SES.
    """
    if demand_class in (DemandClass.INTERMITTENT, DemandClass.LUMPY):
        return list(INTERMITTENT_POOL)
    if seasonal is Seasonality.MAYBE:  # one test of two: the backtest decides
        plain = [s for s in POOLS[False, positive] if s is not ETS]
        specs = [*POOLS[True, positive], *(s for s in plain if s not in POOLS[True, positive])]
    else:
        specs = list(POOLS[bool(seasonal), positive])
    return specs if use_arima else [s for s in specs if s not in _ARIMAS]
