"""The worksheet functions called as plain Python (xlwings decorators attach nothing here),
with results worked out by hand, and the engine formulas under them."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_xl.excel import udfs
from sop_xl.plan.accuracy import achievement_rate, mape, wape
from sop_xl.plan.hierarchy import largest_remainder
from sop_xl.plan.stock_policy import days_of_supply, demand_sigma, safety_stock, z_value

# -- engine formulas ---------------------------------------------------------------------


def test_z_value_and_safety_stock_by_hand() -> None:
    assert z_value(0.95) == pytest.approx(1.644854, abs=1e-6)
    assert z_value(0.5) == pytest.approx(0.0, abs=1e-12)
    # σ 10 pcs/month, lead time 4 months, 95 %: 1.644854 × 10 × 2 = 32.897
    assert safety_stock(10, 4, 0.95) == pytest.approx(32.8971, abs=1e-4)
    assert safety_stock(10, 0, 0.95) == 0.0
    with pytest.raises(ValueError, match="lead time must be ≥ 0"):
        safety_stock(10, -1, 0.95)
    with pytest.raises(ValueError, match="between 0 and 1"):
        z_value(1.0)


def test_demand_sigma_is_the_sample_standard_deviation() -> None:
    # 8, 10, 12: mean 10, squares 4 + 0 + 4 = 8, / (3 − 1) = 4, √4 = 2
    assert demand_sigma([8, 10, 12]) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="at least 2 periods"):
        demand_sigma([5])


def test_days_of_supply_by_hand() -> None:
    # 120 pcs; next periods 100 + 200 pcs over 20 + 20 working days = 7.5 pcs/day → 16 days
    assert days_of_supply(120, [100, 200], [20, 20]) == pytest.approx(16.0)
    assert days_of_supply(-5, [100], [20]) == 0.0
    assert math.isnan(days_of_supply(50, [0, 0], [20, 20]))


def test_achievement_wape_mape_by_hand() -> None:
    actual = [100, 50, 0, np.nan]
    forecast = [80, 60, 10, 40]
    # blank actual in period 4 is left out: Σa 150, Σf 150 → 100 %
    assert achievement_rate(actual, forecast) == pytest.approx(1.0)
    # |20| + |10| + |10| = 40 over Σ|a| 150
    assert wape(actual, forecast) == pytest.approx(40 / 150)
    # periods with a ≠ 0: 20/100 and 10/50 → mean 0.2
    assert mape(actual, forecast) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="3 values but forecast has 2"):
        wape([1, 2, 3], [1, 2])


def test_largest_remainder_by_hand() -> None:
    assert list(largest_remainder(100, [1, 1, 1])) == [34, 33, 33]
    # quotas 14.29, 28.57, 57.14: floors 14 + 28 + 57 = 99, largest remainder .57 → 29
    assert list(largest_remainder(100, [1, 2, 4])) == [14, 29, 57]
    assert list(largest_remainder(10.5, [1, 1], decimals=1)) == [5.3, 5.2]
    assert list(largest_remainder(-7, [1, 1])) == [-4, -3]
    with pytest.raises(ValueError, match="not a whole number"):
        largest_remainder(10.5, [1, 1])
    with pytest.raises(ValueError, match="add up to 0"):
        largest_remainder(10, [0, 0])


@given(st.integers(0, 10**6), st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1,
                                        max_size=30).filter(lambda w: sum(w) > 0))
def test_largest_remainder_sums_back_and_stays_within_one_of_the_quota(total, weights) -> None:
    parts = largest_remainder(total, weights)
    assert parts.sum() == total
    quota = total * np.asarray(weights) / sum(weights)
    assert np.all(np.abs(parts - quota) < 1 + 1e-6)
    assert np.all(parts == np.round(parts))


# -- the worksheet functions --------------------------------------------------------------

SEASON = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]


def test_forecast_spills_in_the_orientation_of_its_history() -> None:
    column = [[v] for v in SEASON + SEASON]
    out = udfs.SOP_FORECAST(column, 3.0, "seasonal_naive", 12.0)
    assert out == [[10.0], [20.0], [30.0]]  # the same month one year earlier
    row = [SEASON + SEASON]
    assert udfs.SOP_FORECAST(row, 2.0, "seasonal_naive") == [[10.0, 20.0]]


def test_forecast_trims_blank_ends_and_reads_inner_blanks_as_no_demand() -> None:
    # 13 values after trimming; seasonal naive repeats positions 2..13 of the trimmed series
    column = [[None], [5.0], [None], *[[v] for v in SEASON[1:]], [None], [""]]
    assert udfs.SOP_FORECAST(column, 2.0, "seasonal_naive") == [[0.0], [20.0]]


@pytest.mark.parametrize(("args", "message"), [
    (([[1.0], ["abc"]], 3.0), "#VALUE! history (value 2) must be a number; got 'abc'"),
    # an error cell passes its own error on, as Excel's functions do
    (([[1.0], ["#N/A"]], 3.0), "#N/A history (value 2) holds the error #N/A"),
    (([[1.0], ["#REF!"]], 3.0), "#VALUE! history (value 2) holds the error #REF!"),
    (([[1.0], [2.0]], 0.0), "#NUM! horizon must be ≥ 1; got 0"),
    (([[1.0], [2.0]], 2.5), "#NUM! horizon must be a whole number; got 2.5"),
    (([[1.0], [2.0]], None), "#VALUE! horizon is blank; expected a number"),
    (([[1.0], [-2.0]], 2.0), "#NUM! history holds a negative quantity (-2); demand cannot"),
    (([[1.0, 2.0], [3.0, -4.0]], 2.0), "#NUM! history holds a negative quantity in row 2 "
                                       "(-4)"),
    (([[1.0, "x"], [3.0, 4.0]], 2.0), "#VALUE! history (row 1, period 2) must be a number"),
    (([[None], [None]], 2.0), "#VALUE! history needs at least 1 number(s); got 0"),
])
def test_forecast_bad_arguments_name_the_problem(args, message) -> None:
    out = udfs.SOP_FORECAST(*args)
    assert isinstance(out, str)
    assert out.startswith(message)


def test_forecast_of_a_block_spills_one_row_per_item() -> None:
    # three items in rows, 24 months across; a blank column selected beyond the data
    block = [[*SEASON, *SEASON, None],
             [*[5.0] * 24, None],
             [None] * 25]
    out = udfs.SOP_FORECAST(block, 3.0, "seasonal_naive")
    assert out == [[10.0, 20.0, 30.0], [5.0, 5.0, 5.0], [0.0, 0.0, 0.0]]
    # each row is what the single-row call gives
    auto = udfs.SOP_FORECAST([[*SEASON, *SEASON], [*[3.0, 9.0] * 12]], 4.0)
    for got, row in zip(auto, ([*SEASON, *SEASON], [*[3.0, 9.0] * 12]), strict=True):
        assert got == pytest.approx(udfs.SOP_FORECAST([row], 4.0)[0])


def test_forecast_block_goes_through_the_engine_once(monkeypatch) -> None:
    from sop_xl.plan.forecast import engine

    calls = []
    real = engine.forecast_chunk
    monkeypatch.setattr(engine, "forecast_chunk", lambda chunk: calls.append(
        len(chunk[1])) or real(chunk))
    rows = [[float((i + k) % 7 + 1) for k in range(24)] for i in range(10)]
    out = udfs.SOP_FORECAST(rows, 6.0)
    assert len(out) == 10 and all(len(r) == 6 for r in out)
    assert calls == [10]  # one batch of ten series, not ten calls


def test_forecast_unknown_model() -> None:
    out = udfs.SOP_FORECAST([[1.0], [2.0], [3.0]], 2.0, "crystal_ball")
    assert out.startswith("#VALUE! unknown model 'crystal_ball'")


def test_safety_stock_from_sigma_or_history() -> None:
    assert udfs.SOP_SAFETYSTOCK(10.0, 4.0, 0.95) == pytest.approx(32.8971, abs=1e-4)
    # history 8, 10, 12 → σ 2; lead time 1 → 1.644854 × 2
    assert udfs.SOP_SAFETYSTOCK([[8.0], [10.0], [12.0]], 1.0, 0.95) == pytest.approx(3.2897,
                                                                                     abs=1e-4)
    assert udfs.SOP_SAFETYSTOCK([[10.0]], 4.0, 0.95) == pytest.approx(32.8971, abs=1e-4)


@pytest.mark.parametrize(("args", "message"), [
    ((10.0, -1.0, 0.95), "#NUM! lead time must be ≥ 0; got -1"),
    ((10.0, "two", 0.95), "#VALUE! lead time must be a number; got 'two'"),
    ((10.0, None, 0.95), "#VALUE! lead time is blank; expected a number"),
    ((10.0, 2.0, 95.0), "#NUM! service level must be between 0 and 1 (e.g. 95%); got 95"),
    ((-3.0, 2.0, 0.9), "#NUM! the demand standard deviation must be ≥ 0; got -3"),
    ((10.0, True, 0.9), "#VALUE! lead time must be a number; got True"),
    ((10.0, date(2026, 1, 1), 0.9), "#VALUE! lead time must be a number; got the date "
                                    "2026-01-01"),
])
def test_safety_stock_bad_arguments(args, message) -> None:
    assert udfs.SOP_SAFETYSTOCK(*args) == message


def test_days_of_supply_function() -> None:
    assert udfs.SOP_DOS(120.0, [[100.0, 200.0]], 20.0) == pytest.approx(16.0)
    assert udfs.SOP_DOS(120.0, [[100.0], [200.0]], [[10.0], [30.0]]) == pytest.approx(16.0)
    assert udfs.SOP_DOS(5.0, [[0.0]], 20.0).startswith("#N/A no demand")
    assert udfs.SOP_DOS(5.0, [[1.0], [2.0]], [[20.0], [20.0], [20.0]]) == \
        "#VALUE! demand has 2 periods but working days 3"
    assert udfs.SOP_DOS(5.0, [[1.0], [None]], 20.0) == \
        "#VALUE! demand (value 2) is blank; expected a number"


def test_accuracy_functions() -> None:
    a = [[100.0], [50.0], [0.0], [None]]
    f = [[80.0], [60.0], [10.0], [40.0]]
    assert udfs.SOP_ACHIEVEMENT(a, f) == pytest.approx(1.0)
    assert udfs.SOP_WAPE(a, f) == pytest.approx(40 / 150)
    assert udfs.SOP_MAPE(a, f) == pytest.approx(0.2)
    assert udfs.SOP_WAPE([[1.0], [2.0]], [[1.0]]) == \
        "#VALUE! actual has 2 periods but forecast 1"
    assert udfs.SOP_MAPE([[0.0]], [[3.0]]) == "#DIV/0! every actual is 0; MAPE is undefined"
    assert udfs.SOP_ACHIEVEMENT([[1.0], [None]], [[None], [2.0]]) == \
        "#N/A no period has both an actual and a forecast"


def test_disaggregate_function() -> None:
    assert udfs.SOP_DISAGGREGATE(100.0, [[1.0], [1.0], [1.0]]) == [[34.0], [33.0], [33.0]]
    assert udfs.SOP_DISAGGREGATE(100.0, [[1.0, 2.0, 4.0]]) == [[14.0, 29.0, 57.0]]
    assert udfs.SOP_DISAGGREGATE(10.5, [[1.0], [1.0]], 1.0) == [[5.3], [5.2]]
    assert udfs.SOP_DISAGGREGATE("x", [[1.0]]) == "#VALUE! total must be a number; got 'x'"


def test_lot_size_function() -> None:
    assert udfs.SOP_LOTSIZE(30.0) == 30.0
    # fixed lot 50: 120 needs 3 lots
    assert udfs.SOP_LOTSIZE(120.0, "FIXED", 50.0) == 150.0
    # minimum 100, multiple 25: 30 → 100; 110 → 125
    assert udfs.SOP_LOTSIZE(30.0, "MINMULT", 0.0, 100.0, 25.0) == 100.0
    assert udfs.SOP_LOTSIZE(110.0, "minmult", None, 100.0, 25.0) == 125.0
    assert udfs.SOP_LOTSIZE(0.0, "L4L") == 0.0
    assert udfs.SOP_LOTSIZE(10.0, "FIXED").startswith("#NUM! rule FIXED needs a fixed lot")
    assert udfs.SOP_LOTSIZE(10.0, "WEEKLY").startswith(
        "#VALUE! rule 'WEEKLY' is not a lot-size rule")


def test_every_udf_is_listed_and_named_for_excel() -> None:
    public = {n for n in dir(udfs) if n.startswith("SOP_")}
    assert public == set(udfs.UDF_NAMES)
    for name in udfs.UDF_NAMES:
        assert name.isidentifier() and name.isupper()  # a legal VBA Function name
        assert callable(getattr(udfs, name))


def test_plan_achievement_function_by_hand() -> None:
    # the Controllers of the demo's November, item by item (tests/meeting/test_demo_actuals):
    # planned 151, 70, 160, 20; made 146, 70, 104, 16 → 336 of 401
    planned = [[151.0], [70.0], [160.0], [20.0]]
    assert udfs.SOP_PLANACHIEVEMENT(planned, [[146.0], [70.0], [104.0], [16.0]]) == \
        pytest.approx(336 / 401)
    # 30 over on one item does not make up another's 30 short; a blank made is nothing
    assert udfs.SOP_PLANACHIEVEMENT([[100.0, 50.0, 10.0]], [[70.0, 80.0, None]]) == \
        pytest.approx(120 / 160)
    # an unplanned item adds nothing; it is the same as the engine's
    from sop_xl.plan.achievement import rate
    assert udfs.SOP_PLANACHIEVEMENT([[None], [40.0]], [[5.0], [40.0]]) == rate([0, 40], [5, 40])
    assert udfs.SOP_PLANACHIEVEMENT([[0.0]], [[3.0]]).startswith("#DIV/0! nothing is planned")
    assert udfs.SOP_PLANACHIEVEMENT([[1.0], [2.0]], [[1.0]]) == \
        "#VALUE! planned has 2 items but produced 1"
    assert udfs.SOP_PLANACHIEVEMENT([[-1.0]], [[1.0]]).startswith("#NUM! planned must be ≥ 0")
