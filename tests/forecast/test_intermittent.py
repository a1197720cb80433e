"""Croston, SBA and TSB on a six-month series worked by hand."""

import numpy as np
import pytest

from sop_xl.plan.forecast.intermittent import (
    CrostonFit,
    TsbFit,
    croston_rates,
    fit_croston,
    fit_tsb,
    tsb_rates,
)

# Demand in units per month: sales in months 0, 3 and 5.
Y = np.array([3.0, 0.0, 0.0, 5.0, 0.0, 2.0])
# Mean interval (ADI) = 6 months / 3 demands = 2 months: the fitted starting interval.
ADI = 2.0


def test_croston_by_hand():
    # alpha = 0.5.
    # month 0: first demand initialises size z = 3, interval p = ADI = 2  -> rate 3/2 = 1.5
    # months 1, 2: no demand, no update                                  -> 1.5, 1.5
    # month 3: demand 5, 3 months since the last one:
    #   z = 3 + 0.5 * (5 - 3) = 4;  p = 2 + 0.5 * (3 - 2) = 2.5           -> 4/2.5 = 1.6
    # month 4: no demand                                                 -> 1.6
    # month 5: demand 2, 2 months since the last one:
    #   z = 4 + 0.5 * (2 - 4) = 3;  p = 2.5 + 0.5 * (2 - 2.5) = 2.25      -> 3/2.25 = 4/3
    rates = croston_rates(Y, 0.5, ADI)
    assert np.isnan(rates[0])
    np.testing.assert_allclose(rates[1:], [1.5, 1.5, 1.5, 1.6, 1.6, 4 / 3])
    fit = CrostonFit("croston", alpha=0.5, interval0=ADI, debias=1.0)
    np.testing.assert_allclose(fit.paths(Y, np.array([6, 4]), 3), [[4 / 3] * 3, [1.6] * 3])


def test_sba_by_hand():
    # SBA = Croston × (1 - alpha/2) = 4/3 × 0.75 = 1.0 after month 5.
    fit = CrostonFit("sba", alpha=0.5, interval0=ADI, debias=1 - 0.5 / 2)
    np.testing.assert_allclose(fit.paths(Y, np.array([6]), 2), [[1.0, 1.0]])


def test_tsb_by_hand():
    # alpha = beta = 0.5, starting probability 1/ADI = 0.5.
    # month 0: demand 3 initialises size 3, probability 0.5          -> 0.5 * 3  = 1.5
    # month 1: no demand: prob = 0.5 - 0.5*0.5 = 0.25                 -> 0.75
    # month 2: no demand: prob = 0.125                                -> 0.375
    # month 3: demand 5: prob = 0.125 + 0.5*(1 - 0.125) = 0.5625,
    #          size = 3 + 0.5*(5 - 3) = 4                             -> 2.25
    # month 4: no demand: prob = 0.28125                              -> 1.125
    # month 5: demand 2: prob = 0.28125 + 0.5*0.71875 = 0.640625,
    #          size = 4 + 0.5*(2 - 4) = 3                             -> 1.921875
    rates = tsb_rates(Y, 0.5, 0.5, 0.5)
    np.testing.assert_allclose(rates[1:], [1.5, 0.75, 0.375, 2.25, 1.125, 1.921875])
    fit = TsbFit("tsb", alpha=0.5, beta=0.5, probability0=0.5)
    np.testing.assert_allclose(fit.paths(Y, np.array([6]), 2), [[1.921875, 1.921875]])


def test_tsb_decays_after_demand_stops_but_croston_does_not():
    y = np.r_[np.tile([4.0, 0.0], 12), np.zeros(10)]
    croston = fit_croston(y)
    tsb = fit_tsb(y)
    end = np.array([y.size])
    before = np.array([24])
    assert croston.paths(y, end, 1)[0, 0] == pytest.approx(croston.paths(y, before, 1)[0, 0])
    assert tsb.paths(y, end, 1)[0, 0] < 0.6 * tsb.paths(y, before, 1)[0, 0]


def test_fitted_starting_interval_is_the_mean_interval():
    fit = fit_croston(Y)
    assert fit.interval0 == pytest.approx(ADI)
    assert fit.alpha in (0.05, 0.1, 0.15, 0.2, 0.3)
