"""The batched ETS kernel against statsmodels' ETSModel, and its batch independence."""

import warnings

import numpy as np
import pytest
from statsmodels.tsa.arima.estimators.hannan_rissanen import hannan_rissanen as sm_hr
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from sop_xl.plan.forecast import ets
from sop_xl.plan.forecast.arima import hannan_rissanen


def seasonal_growth(n=60, seed=1):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) * (1 + 0.01 * t) * (
        1 + rng.normal(0, 0.05, n))


def _statsmodels(fit: ets.EtsFit, y: np.ndarray) -> ETSModel:
    member = fit.member
    trend = None if member.trend == ets.NONE else "add"
    season = {ets.NONE: None, ets.ADD: "add", ets.MUL: "mul"}[member.season]
    return ETSModel(
        y, error={"A": "add", "M": "mul"}[member.error], trend=trend,
        damped_trend=member.trend == ets.DAMPED, seasonal=season,
        seasonal_periods=12 if season else None, initialization_method="known",
        initial_level=fit.level0, initial_trend=fit.trend0 if trend else None,
        initial_seasonal=fit.seasons0 if season else None,
    )


@pytest.mark.parametrize("member", ets.members(positive=True, seasonal=True),
                         ids=lambda m: m.name)
def test_log_likelihood_is_statsmodels_for_every_member(member):
    y = seasonal_growth()
    fit = ets.fit_many([y], 12, seasonal=[True], only=member)[0]
    assert fit.member == member
    params = [fit.alpha]
    params += [fit.beta] if member.trend != ets.NONE else []
    params += [fit.gamma] if member.season != ets.NONE else []
    params += [fit.phi] if member.trend == ets.DAMPED else []
    expected = _statsmodels(fit, y).loglike(np.array(params))
    # statsmodels updates a multiplicative season in Holt-Winters form (gamma / (1 - alpha)
    # times y / new level); forecast::ets and this kernel in error-correction form, which
    # differs in the sixth digit. Everything else is the same formula.
    rel = 1e-5 if member.season == ets.MUL else 1e-9
    assert fit.loglike == pytest.approx(expected, rel=rel)


@pytest.mark.parametrize("member", [ets.Member("A", ets.DAMPED, ets.NONE),
                                    ets.Member("M", ets.ADD, ets.MUL)], ids=str)
def test_grid_estimate_is_near_statsmodels_optimum(member):
    y = seasonal_growth(seed=3)
    fit = ets.fit_many([y], 12, seasonal=[True], only=member)[0]
    model = _statsmodels(fit, y)
    free = ETSModel(y, error=model.error, trend=model.trend, damped_trend=model.damped_trend,
                    seasonal=model.seasonal, seasonal_periods=model.seasonal_periods,
                    initialization_method="heuristic")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        best = free.fit(disp=False).llf
    # within 1.5 log-likelihood units of L-BFGS (same heuristic start; grid of 2 passes)
    assert fit.loglike > best - 1.5


def test_seasonal_series_gets_a_seasonal_member_and_flat_one_does_not():
    rng = np.random.default_rng(5)
    flat = 50 + rng.normal(0, 3, 60)
    fits = ets.fit_many([seasonal_growth(), flat], 12, seasonal=[True, True])
    assert fits[0].member.season != ets.NONE
    assert fits[1].member.season == ets.NONE and fits[1].member.trend == ets.NONE


def test_a_series_is_fitted_the_same_alone_or_in_a_batch():
    rng = np.random.default_rng(2)
    batch = [seasonal_growth(n, seed=n) * rng.uniform(0.5, 3) for n in (24, 37, 60, 90)]
    batch.append(np.r_[0.0, seasonal_growth(40)])  # a zero: additive members only
    together = ets.fit_many(batch, 12, seasonal=[True] * 5)
    for y, fit in zip(batch, together, strict=True):
        alone = ets.fit_many([y], 12, seasonal=[True])[0]
        assert (alone.name, alone.alpha, alone.beta, alone.gamma, alone.phi, alone.aicc) == (
            fit.name, fit.alpha, fit.beta, fit.gamma, fit.phi, fit.aicc)
        np.testing.assert_array_equal(alone.seasons0, fit.seasons0)
    assert together[-1].member.error == "A"


def test_too_short_series_are_not_fitted():
    assert ets.fit_many([np.arange(1.0, 10.0)], 12, seasonal=[True]) == [None]
    only_seasonal = ets.Member("A", ets.NONE, ets.ADD)
    assert ets.fit_many([np.arange(1.0, 23.0)], 12, seasonal=[True], only=only_seasonal) == [None]


@pytest.mark.parametrize("m", [1, 4, 7, 12])
def test_batched_initial_states_equal_the_single_series_heuristic(m):
    rng = np.random.default_rng(m)
    for season in (ets.NONE, ets.ADD, ets.MUL):
        if m == 1 and season != ets.NONE:
            continue
        low = ets.min_length(m, season != ets.NONE)
        ys = [rng.gamma(5, 20, int(rng.integers(low, low + 40))) for _ in range(20)]
        n = np.array([v.size for v in ys])
        grid = np.full((len(ys), n.max()), np.nan)
        for i, v in enumerate(ys):
            grid[i, : v.size] = v
        level, trend, seasons = ets.initial_states_many(grid, n, m, season)
        for i, v in enumerate(ys):
            one = ets.initial_states(v, m, season)
            np.testing.assert_allclose([level[i], trend[i]], one[:2], rtol=1e-9)
            np.testing.assert_allclose(seasons[i], one[2], rtol=1e-9, atol=1e-12)


def test_hannan_rissanen_port_equals_statsmodels():
    rng = np.random.default_rng(0)
    for _ in range(40):
        n = int(rng.integers(25, 130))
        e = rng.normal(size=n)
        w = np.zeros(n)
        phi0, theta0 = rng.uniform(-0.9, 0.9, 2)
        for t in range(1, n):
            w[t] = 0.3 + phi0 * w[t - 1] + e[t] + theta0 * e[t - 1]
        for p in (0, 1):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                params, _ = sm_hr(w, ar_order=p, ma_order=1, demean=True)
            expected = (params.ar_params[0] if p else 0.0, params.ma_params[0])
            np.testing.assert_allclose(hannan_rissanen(w, p), expected, atol=1e-9)
