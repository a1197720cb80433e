"""The statistical forecast of one item: classify, clean, backtest, select, forecast.

Runs in worker processes; takes and returns plain numpy data (no pandas, no periods),
so that it pickles cheaply and gives the same numbers whatever executor runs it.

Each item's procedure is a generator: where it needs models fitted it yields the list of
fits (some done at once, some `Deferred` to the batched ETS kernel) and receives them
fitted. `drive` runs the items of a chunk side by side, so every deferred fit of a round
is done in one batch (ets.py); the kernel treats each series apart, so the numbers do not
depend on which items share a batch.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

import numpy as np

from sop_xl.plan.forecast import backtest
from sop_xl.plan.forecast.blas import single_threaded_blas
from sop_xl.plan.forecast.classify import Classification, DemandClass, classify
from sop_xl.plan.forecast.cleaning import Cleaning, Seasonality, clean_outliers, seasonality
from sop_xl.plan.forecast.models import (
    ETS,
    ETS_SEASONAL,
    MEAN,
    NAIVE,
    SEASONAL_NAIVE,
    Deferred,
    Fitted,
    ModelSpec,
    candidates,
    combination,
    resolve,
)


@dataclass(frozen=True)
class ForecastSettings:
    """How the engine forecasts; see auto_forecast for the meaning of each field."""

    horizon: int
    season_length: int = 12
    n_origins: int = 3
    min_history: int = 12
    inactive_periods: int = 6
    outlier_z: float = 5.0
    clean: bool = True
    combine_best: int = 3
    use_arima: bool = True
    levels: tuple[float, ...] = (0.8, 0.95)
    per_working_day: bool = False  # models fit demand per working day (ItemInput.factors)


@dataclass(frozen=True)
class ItemInput:
    """One item's demand from its first demand to the end of the data (units/period).

    factors: each period's working days ÷ an average period's (working_days.py), or None.
    Outliers are found on whichever reading of the history (calendar months or per working
    day) leaves the smaller noise (_cleaned), so the same months are cleaned whether or not
    the models then work per working day.
    """

    item: str
    values: np.ndarray
    factors: np.ndarray | None = None

    def model_values(self, settings: ForecastSettings) -> np.ndarray:
        """Demand in the units the models work in (per average working month or per period)."""
        values = np.asarray(self.values, dtype=float)
        if settings.per_working_day and self.factors is not None:
            return values / self.factors
        return values


class Group:
    """Which pool of backtest errors calibrates an item's intervals."""

    CONTINUOUS = "continuous"
    INTERMITTENT = "intermittent"


@dataclass
class ItemForecast:
    """What the engine learned about one item."""

    item: str
    forecast: np.ndarray  # units per period, horizon long, ≥ 0
    sigma: np.ndarray  # RMS k-step error in sample, units, horizon long
    model: str
    classification: Classification
    cleaned: np.ndarray  # history after outlier cleaning, in the models' units
    outlier: np.ndarray  # bool per history period
    seasonal: bool = False
    mase: float = math.nan  # chosen forecast, rolling-origin backtest
    wape: float = math.nan
    mase_naive: float = math.nan  # naive benchmark on the same backtest
    notes: list[str] = field(default_factory=list)
    group: str = Group.CONTINUOUS
    # backtest errors of the chosen forecast / sigma of their step, and those steps
    calib_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    calib_ratios: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # scale-free error level: in-sample one-step RMS error / mean demand of the last
    # max(m, 4) periods (unitless); nan where that mean is 0 or no model was fitted
    volatility: float = math.nan

    @property
    def demand_class(self) -> DemandClass:
        """The item's demand class."""
        return self.classification.demand_class


# A generator that yields lists of fits to make and returns an ItemForecast.
Procedure = Generator[list[object], list[object], ItemForecast]
_FIT_ERRORS = (ValueError, ArithmeticError, np.linalg.LinAlgError)


def _start(spec: ModelSpec, y: np.ndarray, m: int) -> object:
    """spec.fit, with a failure returned as the exception (the candidate drops out)."""
    try:
        return spec.fit(y, m)
    except _FIT_ERRORS as exc:
        return exc


def _fallback_spec(n: int, m: int) -> ModelSpec:
    """Seasonal naive when a full season exists, else the mean."""
    return SEASONAL_NAIVE if n > m else MEAN


def _final_forecast(
    fitted: Fitted, y: np.ndarray, settings: ForecastSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Forecast from the end of y, and its error spread by step; both clipped to ≥ 0."""
    origin = np.array([y.size], dtype=np.int64)
    forecast = np.clip(fitted.paths(y, origin, settings.horizon)[0], 0.0, None)
    sigma = backtest.step_sigma(fitted, y, settings.horizon, settings.season_length)
    if not (np.all(np.isfinite(forecast)) and np.all(np.isfinite(sigma))):
        raise FloatingPointError(f"{fitted.name} produced a non-finite forecast")
    return forecast, sigma


@dataclass(frozen=True)
class Selection:
    """Outcome of the backtest: the chosen models, best first, and their accuracy."""

    chosen: list[ModelSpec]  # one model, or the members of the combination
    score: backtest.Score  # of the chosen forecast (the combination's, if several)
    benchmark: backtest.Score | None  # seasonal naive (or naive) on the same backtest
    plan: backtest.BacktestPlan
    all_paths: np.ndarray  # the mean of every candidate's backtest paths


def _min_train(specs: Sequence[ModelSpec], m: int) -> int:
    """The shortest training window every candidate fits in."""
    return max(s.min_train(m) for s in specs)


def _select(
    y: np.ndarray, specs: list[ModelSpec], benchmark: ModelSpec, settings: ForecastSettings
) -> Generator[list[object], list[object], Selection | None]:
    """Backtest the candidates and the benchmark; None when the history is too short.

    The candidates are ranked by MASE (WAPE breaks ties) and the best `combine_best`
    are averaged: a three-origin backtest ranks models well but picks a single winner
    noisily, and combinations are robust (M3, M4). The naive benchmark is reported,
    never combined.
    """
    m = settings.season_length
    plan = backtest.plan_backtest(y.size, settings.horizon, settings.n_origins,
                                  _min_train(specs, m))
    if plan is None:
        return None
    train = y[: plan.first]
    tried = [s for s in [*specs, benchmark] if s.fits_in(plan.first, m)]
    fitted = yield [_start(s, train, m) for s in tried]
    actual = backtest.actuals(y, plan)
    scale = backtest.mase_scale(y, m)
    scored: list[tuple[ModelSpec, np.ndarray, backtest.Score]] = []
    benchmark_score = None
    for spec, fit in zip(tried, fitted, strict=True):
        if isinstance(fit, Exception):
            continue  # a candidate that cannot be fitted here is simply not a candidate
        try:
            paths = np.clip(fit.paths(y, plan.origins, plan.horizon), 0.0, None)
        except _FIT_ERRORS:
            continue
        if not np.all(np.isfinite(paths)):
            continue
        if spec is benchmark:
            benchmark_score = backtest.score(paths, actual, scale)
        else:
            scored.append((spec, paths, backtest.score(paths, actual, scale)))
    if not scored:
        return None
    ranked = sorted(scored, key=lambda t: t[2].key)  # stable: ties keep candidate order
    # Of the four intermittent candidates (Croston, SBA, TSB, SES) combine at most two:
    # Croston and SBA differ only by a factor, a "best three" would be nearly all.
    intermittent = specs[0].name == "croston"
    k = min(2, settings.combine_best) if intermittent else settings.combine_best
    best = ranked[: max(1, k)]
    paths = np.mean([t[1] for t in best], axis=0)
    return Selection([t[0] for t in best], backtest.score(paths, actual, scale),
                     benchmark_score, plan, np.mean([t[1] for t in scored], axis=0))


def forecast_item(item: ItemInput, settings: ForecastSettings) -> Procedure:
    """Statistical forecast of one item; never raises for bad data (falls back instead).

    Forecast, sigma and cleaned history come back in the models' units (per average
    working month with settings.per_working_day); the engine restates them."""
    values = item.model_values(settings)
    m, h = settings.season_length, settings.horizon
    cls = classify(
        values, min_history=settings.min_history, inactive_periods=settings.inactive_periods
    )
    no_outlier = np.zeros(values.size, dtype=bool)
    result = ItemForecast(item.item, np.zeros(h), np.zeros(h), "", cls, values, no_outlier)

    if cls.demand_class is DemandClass.DISCONTINUED:
        result.model = "zero"
        result.notes.append(
            "no demand in history: forecast 0"
            if cls.trailing_zeros == values.size
            else f"no demand in the last {cls.trailing_zeros} periods: discontinued, forecast 0"
        )
        return result
    if cls.demand_class is DemandClass.NEW:
        # The engine replaces this with an analog or family forecast when it has one.
        result.model = "mean"
        result.forecast = np.full(h, float(values.mean()))
        result.sigma = np.full(h, float(values.std(ddof=1)) if values.size > 1 else 0.0)
        return result

    try:
        yield from _statistical(values, item.factors, settings, result)
    except Exception as exc:  # one bad item must never stop the run
        spec = _fallback_spec(values.size, m)
        result.forecast, result.sigma = _final_forecast(spec.fit(values, m), values, settings)
        result.model = spec.name
        result.calib_steps, result.calib_ratios = np.zeros(0, dtype=np.int64), np.zeros(0)
        result.notes.append(
            f"model fitting failed ({type(exc).__name__}: {exc}); fallback {spec.name}"
        )
    return result


def _cleaned(values: np.ndarray, factors: np.ndarray | None, settings: ForecastSettings
             ) -> tuple[np.ndarray, np.ndarray]:
    """Outliers found on the basis that explains the item's demand better, replaced in the
    models' units: the same months and the same replacement in either mode.

    With working days given, the history is read both in calendar months and per working
    day; the basis whose robust noise (the spread of log demand around its season and
    local level, cleaning.Cleaning.spread) is smaller is the one the months are judged
    on. Restating per working day helps only where demand follows working days: where it
    does not, it adds the working-day swing to the noise and hides a spike; where it
    does, a short month is no outlier. Neither choice depends on the mode the models
    work in."""
    if factors is None:
        cleaning = _clean_on(values, settings)
        return cleaning.values, cleaning.outlier
    models_per_day = settings.per_working_day  # values are then already per working day
    calendar = values * factors if models_per_day else values
    cleaning = _clean_on(calendar, settings)
    per_day = _clean_on(calendar / factors, settings)
    if per_day.spread < cleaning.spread:
        replaced = per_day.values if models_per_day else per_day.values * factors
        outlier = per_day.outlier
    else:
        replaced = cleaning.values / factors if models_per_day else cleaning.values
        outlier = cleaning.outlier
    return np.where(outlier, replaced, values), outlier


def _clean_on(basis: np.ndarray, settings: ForecastSettings) -> Cleaning:
    """Outliers of one reading of the history (calendar months or per working day)."""
    m = settings.season_length
    # Seasonal indices only on clear evidence: an outlier inflates its own phase's index
    # (two or three values a phase in a short history) and would flag the other years.
    return clean_outliers(basis, m, seasonal=seasonality(basis, m) is Seasonality.YES,
                          z_limit=settings.outlier_z)


def _statistical(values: np.ndarray, factors: np.ndarray | None, settings: ForecastSettings,
                 result: ItemForecast) -> Procedure:
    """Clean, select and forecast a smooth/erratic/intermittent/lumpy item in place."""
    m = settings.season_length
    continuous = result.demand_class in (DemandClass.SMOOTH, DemandClass.ERRATIC)
    result.group = Group.CONTINUOUS if continuous else Group.INTERMITTENT
    y = values
    season = Seasonality.NO
    if continuous:
        season = seasonality(values, m)
        if settings.clean:
            cleaned, outlier = _cleaned(values, factors, settings)
            if outlier.any():
                y, result.cleaned, result.outlier = cleaned, cleaned, outlier
                season = seasonality(y, m)
                # One spike can make a smooth item look erratic: classify what is left.
                result.classification = classify(
                    y,
                    min_history=settings.min_history,
                    inactive_periods=settings.inactive_periods,
                )
        result.seasonal = season is not Seasonality.NO
    specs = candidates(
        result.demand_class,
        seasonal=season,
        positive=bool(np.all(y > 0)),
        use_arima=settings.use_arima,
    )
    benchmark = SEASONAL_NAIVE if result.seasonal else NAIVE
    selection = yield from _select(y, specs, benchmark, settings)
    if selection is None:
        # Too short to backtest: the ETS member with the lowest AICc on the whole history
        # (information criteria need no holdout), else the naive fallback.
        spec = ETS_SEASONAL if result.seasonal and ETS_SEASONAL.fits_in(y.size, m) else ETS
        chosen = [spec] if continuous and spec.fits_in(y.size, m) else []
        if chosen:
            result.notes.append(f"history too short to backtest: {spec.name} chosen by AICc")
        else:
            chosen = [_fallback_spec(y.size, m)]
            result.notes.append(f"history too short to backtest: fallback {chosen[0].name}")
    else:
        chosen = selection.chosen
        result.mase, result.wape = selection.score.mase, selection.score.wape
        if selection.benchmark is not None:
            result.mase_naive = selection.benchmark.mase
    refits = yield [_start(spec, y, m) for spec in chosen]
    fitted: list[Fitted] = [f for f in refits if not isinstance(f, Exception)]
    if not fitted:
        spec = _fallback_spec(y.size, m)
        fitted = [spec.fit(y, m)]
        result.notes.append(f"final fit of {chosen[0].name} failed: fallback {spec.name}")
    final = fitted[0] if len(fitted) == 1 else combination(fitted)
    result.forecast, result.sigma = _final_forecast(final, y, settings)
    result.model = final.name
    recent = float(np.mean(y[-max(m, 4):]))
    if recent > 0 and result.sigma.size:
        result.volatility = float(result.sigma[0]) / recent
    if selection is not None:
        # Calibration errors: of the mean of all candidates, not of the chosen ones, which
        # were chosen for small errors on these very origins (selection bias: on M1 and
        # Tourism their errors understate the holdout's by a further 10-15 %).
        plan = selection.plan
        errors = backtest.actuals(y, plan) - selection.all_paths
        steps = np.broadcast_to(np.arange(plan.horizon), errors.shape)
        ok = result.sigma[steps] > 0
        result.calib_steps = steps[ok].astype(np.int64)
        result.calib_ratios = errors[ok] / result.sigma[steps][ok]
    return result


def drive(procedures: Sequence[Procedure]) -> list[ItemForecast]:
    """Run item procedures side by side; each round's deferred fits go in one batch."""
    results: list[ItemForecast | None] = [None] * len(procedures)
    waiting: dict[int, list[object]] = {}

    def advance(i: int, reply: list[object] | None) -> None:
        try:
            waiting[i] = procedures[i].send(reply)  # type: ignore[arg-type]
        except StopIteration as stop:
            results[i] = stop.value

    for i in range(len(procedures)):
        advance(i, None)
    while waiting:
        asked, waiting = waiting, {}
        slots = [(i, j) for i in sorted(asked) for j, r in enumerate(asked[i])
                 if isinstance(r, Deferred)]
        done = resolve([asked[i][j] for i, j in slots])  # type: ignore[misc]
        for (i, j), fit in zip(slots, done, strict=True):
            asked[i][j] = fit
        for i in sorted(asked):
            advance(i, asked[i])
    return [r for r in results if r is not None]


def forecast_one(item: ItemInput, settings: ForecastSettings) -> ItemForecast:
    """One item on its own (the worksheet function)."""
    return drive([forecast_item(item, settings)])[0]


def forecast_chunk(chunk: tuple[ForecastSettings, list[ItemInput]]) -> list[ItemForecast]:
    """Forecast a chunk of items (the unit of work an executor ships to a worker)."""
    settings, items = chunk
    with single_threaded_blas():
        return drive([forecast_item(item, settings) for item in items])
