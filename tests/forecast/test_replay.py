"""The numpy replays reproduce statsmodels' forecasts for the same parameters."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.tsa.forecasting.theta import ThetaModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from statsmodels.tsa.statespace.sarimax import SARIMAX

from sop_xl.plan.forecast.arima import ArimaFit, fit_arima
from sop_xl.plan.forecast.backtest import Calibration, plan_backtest, step_sigma, widening
from sop_xl.plan.forecast.models import SeasonalNaiveFit
from sop_xl.plan.forecast.smoothing import ThetaFit, fit_holt_winters, fit_ses_alpha


def seasonal_series(n=72, seed=1):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 200 + 1.5 * t + 50 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 8, n)


@pytest.mark.parametrize("seasonal", [None, "add", "mul"])
def test_holt_winters_replay_matches_statsmodels(seasonal):
    y = seasonal_series()
    model = ExponentialSmoothing(
        y,
        trend="add",
        damped_trend=True,
        seasonal=seasonal,
        seasonal_periods=12 if seasonal else None,
        initialization_method="heuristic",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = model.fit(use_brute=False).forecast(18)
    ours = fit_holt_winters(y, 12, seasonal=seasonal).paths(y, np.array([y.size]), 18)[0]
    np.testing.assert_allclose(ours, expected, rtol=1e-9)


def test_replay_from_an_earlier_origin_equals_fitting_the_prefix_with_fixed_parameters():
    y = seasonal_series()
    fit = fit_holt_winters(y[:48], 12, seasonal="mul")
    # Forecast from origin 48 using the longer series must only look at y[:48].
    longer = fit.paths(y, np.array([48]), 6)
    prefix = fit.paths(y[:48], np.array([48]), 6)
    np.testing.assert_allclose(longer, prefix)


def test_theta_formula_matches_statsmodels():
    y = seasonal_series(seed=3)[:40] - 0.0
    result = ThetaModel(y, deseasonalize=False).fit(use_mle=False)
    fit = ThetaFit("theta", float(result.params["alpha"]), float(result.params["b0"]))
    expected = result.forecast(12)
    np.testing.assert_allclose(fit.paths(y, np.array([y.size]), 12)[0], expected, rtol=1e-9)
    # Our grid search lands within a grid step of statsmodels' optimiser.
    assert fit_ses_alpha(y) == pytest.approx(float(result.params["alpha"]), abs=0.02)


def test_arima_replay_matches_sarimax_with_same_parameters():
    rng = np.random.default_rng(7)
    e = rng.normal(size=200)
    w = np.zeros(200)
    for t in range(1, 200):
        w[t] = 0.4 + 0.5 * w[t - 1] + e[t] + 0.3 * e[t - 1]
    y = 500 + np.cumsum(w)
    fit = fit_arima(y)
    assert fit.ar == pytest.approx(0.5, abs=0.2) and fit.ma == pytest.approx(0.3, abs=0.25)
    model = SARIMAX(y, order=(1, 1, 1), trend="c")
    expected = model.smooth([fit.drift, fit.ar, fit.ma, 1.0]).forecast(10)
    ours = ArimaFit("arima", fit.drift, fit.ar, fit.ma).paths(y, np.array([y.size]), 10)[0]
    np.testing.assert_allclose(ours, expected, rtol=1e-6)


def test_seasonal_naive_repeats_last_season():
    y = np.arange(1.0, 25.0)  # 24 months: 1..24
    paths = SeasonalNaiveFit(12).paths(y, np.array([24, 20]), 14)
    np.testing.assert_array_equal(paths[0], np.r_[np.arange(13.0, 25.0), 13, 14])
    np.testing.assert_array_equal(paths[1, :4], [9, 10, 11, 12])


def test_backtest_plan_caps_horizon_by_history():
    plan = plan_backtest(60, 18, 3)
    assert plan.horizon == 15  # a quarter of 60 months
    np.testing.assert_array_equal(plan.origins, [35, 40, 45])  # spaced 15 // 3 = 5
    assert plan_backtest(120, 18, 3).horizon == 18
    assert plan_backtest(7, 18, 3) is None


def test_backtest_plan_leaves_seasonal_models_two_seasons():
    # 36 months, seasonal candidates need 24 to fit on: origins from month 24 on.
    plan = plan_backtest(36, 18, 3, min_train=24)
    assert plan.first == 24 and plan.origins[-1] + plan.horizon == 36
    # 30 months: one origin at 24, six months ahead.
    plan = plan_backtest(30, 18, 3, min_train=24)
    np.testing.assert_array_equal(plan.origins, [24])
    assert plan.horizon == 6
    # 26 months leave two: too little to rank on (information criteria instead).
    assert plan_backtest(26, 18, 3, min_train=24) is None


def test_interval_spread_grows_with_horizon():
    y = seasonal_series()
    fit = fit_holt_winters(y, 12, seasonal="add")
    sigma = step_sigma(fit, y, 18, 12)
    assert sigma.shape == (18,)
    assert np.all(np.diff(sigma) >= 0)
    # One-step spread is near the noise (sd 8) of the generating process.
    assert 5 < sigma[0] < 14


def test_log_models_follow_growth_and_refuse_zero_demand():
    from sop_xl.plan.forecast.models import HOLT_DAMPED_LOG, THETA_LOG

    y = 100 * 1.03 ** np.arange(48)  # 3 % growth a month, no noise
    fit = THETA_LOG.fit(y, 12)
    assert fit.name == "theta_log"
    forecast = fit.paths(y, np.array([48]), 6)[0]
    assert np.all(np.diff(forecast) > 0)  # still growing
    assert forecast[0] == pytest.approx(y[-1] * 1.03, rel=0.02)
    with pytest.raises(ValueError, match="above zero"):
        HOLT_DAMPED_LOG.fit(np.r_[y[:20], 0.0, y[21:]], 12)


def test_calibration_takes_pooled_quantiles_by_step():
    rng = np.random.default_rng(3)
    # Step 0: 400 errors N(0, 1); step 1: 400 errors N(0.5, 2) (biased, wider).
    steps = np.r_[np.zeros(400, dtype=int), np.ones(400, dtype=int)]
    ratios = np.r_[rng.normal(0, 1, 400), rng.normal(0.5, 2, 400)]
    cal = Calibration.from_errors(steps, ratios, (0.8, 0.95), horizon=4)
    assert cal.lower.shape == (2, 4)
    w = np.array([widening(0.8), widening(0.95)])
    assert 1 <= w[0] < w[1] < 1.5  # the tails widen more than the middle
    np.testing.assert_allclose(cal.upper[:, 0] / w, [1.28, 1.96], atol=0.2)
    np.testing.assert_allclose(cal.upper[:, 1] / w, [0.5 + 2.56, 0.5 + 3.92], atol=0.45)
    np.testing.assert_allclose(cal.lower[:, 1] / w, [0.5 - 2.56, 0.5 - 3.92], atol=0.45)
    # Steps past the backtest keep the last measured step's quantiles.
    np.testing.assert_array_equal(cal.upper[:, 3], cal.upper[:, 1])
    assert np.all(cal.lower[0] > cal.lower[1]) and np.all(cal.upper[0] < cal.upper[1])


def test_calibration_without_enough_errors_is_normal():
    cal = Calibration.from_errors(np.zeros(10, dtype=int), np.full(10, 5.0), (0.95,), 2)
    np.testing.assert_allclose(cal.upper, np.full((1, 2), 1.959964) * widening(0.95),
                               rtol=1e-6)
    np.testing.assert_allclose(cal.lower, -cal.upper)


def test_optimised_theta_fits_no_worse_than_theta_two():
    from sop_xl.plan.forecast.smoothing import ThetaFit, fit_otm, fit_theta

    rng = np.random.default_rng(11)
    y = 100 + 3 * np.arange(40) + rng.normal(0, 6, 40)
    otm, classic = fit_otm(y), fit_theta(y)
    origins = np.arange(1, 40)

    def sse(fit: ThetaFit) -> float:
        return float(np.sum((y[1:] - fit.paths(y, origins, 1)[:, 0]) ** 2))

    assert sse(otm) <= sse(classic) + 1e-9
    assert 0.0 <= otm.weight <= 0.9


def test_dynamic_theta_replays_its_own_recursion():
    # Fiorucci et al. (2016) DOTM written out period by period, against the fitted replay.
    from sop_xl.plan.forecast.smoothing import fit_dotm

    rng = np.random.default_rng(5)
    y = 50 + 1.5 * np.arange(30) + rng.normal(0, 3, 30)
    fit = fit_dotm(y)
    a, w = fit.alpha, fit.weight
    level, mean, intercept, slope = a * y[0] + (1 - a) * fit.level0, y[0], y[0], 0.0
    one_step = []
    for i in range(1, 30):  # i observations seen
        one_step.append(level + w * (intercept * (1 - a) ** i
                                     + slope * (1 - (1 - a) ** (i + 1)) / a))
        level = a * y[i] + (1 - a) * level
        new_mean = (i * mean + y[i]) / (i + 1)
        slope = ((i - 1) * slope + 6 * (y[i] - mean) / (i + 1)) / (i + 2)
        intercept = new_mean - slope * (i + 2) / 2
        mean = new_mean
    np.testing.assert_allclose(fit.paths(y, np.arange(1, 30), 1)[:, 0], one_step, rtol=1e-9)
    forecast = fit.paths(y, np.array([30]), 6)[0]
    assert np.all(np.diff(forecast) > 0)  # the trend goes on


def test_box_cox_lambda_is_log_for_proportional_noise_and_units_for_constant_noise():
    from sop_xl.plan.forecast.models import guerrero_lambda

    rng = np.random.default_rng(3)
    t = np.arange(72)
    season = np.sin(2 * np.pi * t / 12)
    # level grows 4x; noise and season in proportion to it: the log makes them constant
    proportional = np.exp(4 + 0.02 * t + 0.3 * season + rng.normal(0, 0.05, 72))
    # the same growth with a season and noise of constant size: no transform wanted
    constant = 50 + 3 * t + 20 * season + rng.normal(0, 4, 72)
    assert guerrero_lambda(proportional, 12) <= 0.1
    assert guerrero_lambda(constant, 12) >= 0.8
    assert guerrero_lambda(constant[:12], 12) == 1.0  # one season: nothing to compare


@settings(max_examples=50, deadline=None)
@given(lam=st.sampled_from([0.0, 0.05, 0.35, 0.5, 1.0]),
       y=st.lists(st.floats(0.01, 1e5), min_size=1, max_size=20))
def test_box_cox_round_trips(lam, y):
    from sop_xl.plan.forecast.models import box_cox, inverse_box_cox

    values = np.array(y)
    np.testing.assert_allclose(inverse_box_cox(box_cox(values, lam), lam), values, rtol=1e-9)


def test_box_cox_ets_follows_a_multiplicative_season_and_refuses_zero_demand():
    from sop_xl.plan.forecast.models import ETS_BC_SEASONAL, fit_now

    t = np.arange(60)
    y = np.exp(4 + 0.02 * t + 0.3 * np.sin(2 * np.pi * t / 12))  # no noise
    fit = fit_now(ETS_BC_SEASONAL, y, 12)
    assert fit.name.endswith("_bc") and fit.lam == 0.0
    truth = np.exp(4 + 0.02 * np.arange(60, 72) + 0.3 * np.sin(2 * np.pi * np.arange(60, 72) / 12))
    np.testing.assert_allclose(fit.paths(y, np.array([60]), 12)[0], truth, rtol=0.03)
    with pytest.raises(ValueError, match="above zero"):
        ETS_BC_SEASONAL.fit(np.r_[y[:20], 0.0, y[21:]], 12)


def test_shrink_factors_pull_each_level_towards_the_median():
    from sop_xl.plan.forecast.backtest import SPREAD_SHRINK, shrink_factors

    assert SPREAD_SHRINK == 0.25
    # Finite positive levels 0.05, 0.1, 0.2: median 0.1; nan and 0 are left alone.
    factors = shrink_factors(np.array([0.05, 0.1, 0.2, np.nan, 0.0]))
    np.testing.assert_allclose(factors, [2**0.25, 1.0, 0.5**0.25, 1.0, 1.0])
    assert factors[0] == pytest.approx(1.189207, abs=1e-6)
    assert factors[2] == pytest.approx(0.840896, abs=1e-6)
    np.testing.assert_array_equal(shrink_factors(np.array([np.nan])), [1.0])
