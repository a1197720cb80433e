"""Rough-cut capacity: hours from the factory calendar, overload options in hours and
pieces, and the leveled plan, worked by hand on one line and two items."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl.base.periods import Buckets, FactoryCalendar
from sop_xl.plan import capacity

BUCKETS = Buckets.build(pd.Period("2027-03", "M"), "week", 4)   # four Monday-to-Friday weeks
CALENDAR = FactoryCalendar.around(BUCKETS)
RESOURCES = pd.DataFrame([{"resource": "L1", "description": "Line 1", "shifts_per_day": 1,
                           "hours_per_shift": 8.0, "efficiency": 1.0,
                           "max_overtime_hours": 2.0}])
USAGE = pd.DataFrame([{"item": "A", "resource": "L1", "hours_per_unit": 0.5},
                      {"item": "B", "resource": "L1", "hours_per_unit": 1.0}])
# load: A 0.5 h × [40, 40, 100, 40] + B 1 h × [10, 10, 30, 10] = [30, 30, 80, 30] h
PRODUCTION = np.array([[40, 40, 100, 40], [10, 10, 30, 10]], dtype=float)


def plan(frozen: int = 0) -> capacity.CapacityResult:
    return capacity.plan(RESOURCES, USAGE, pd.Index(["A", "B"]), PRODUCTION, BUCKETS,
                         CALENDAR, frozen=frozen)


def test_load_against_hours_from_the_calendar() -> None:
    r = plan()
    assert r["available"][0].tolist() == [40, 40, 40, 40]      # 5 days × 1 shift × 8 h
    assert r["overtime_max"][0].tolist() == [10, 10, 10, 10]   # 5 days × 2 h
    assert r["load"][0].tolist() == [30, 30, 80, 30]
    assert r["utilisation"][0, 2] == 2.0
    assert r["overload"][0].tolist() == [0, 0, 40, 0]


def test_overload_options_overtime_build_ahead_and_outsourcing_in_pieces() -> None:
    o = plan().overloads.iloc[0]
    # 40 h over: 10 h overtime, then the 10 spare hours of w1 and of w0, 10 h left
    assert (o["period"], o["overload"], o["overtime_hours"]) == (BUCKETS.labels[2], 40, 10)
    assert o["build_ahead_hours"] == 20
    assert o["build_ahead"] == f"{BUCKETS.labels[0]}: 10 h; {BUCKETS.labels[1]}: 10 h"
    assert o["outsource_hours"] == 10
    # the 10 h shared as the load is (A 50 h, B 30 h of 80): A 6.25 h = 12.5 pcs,
    # B 3.75 h = 3.75 pcs; whole pieces leave the plant: 13 and 4
    assert o["outsource_pcs"] == 17
    assert o["outsource_items"] == "A 13; B 4"


def test_leveled_plan_moves_production_ahead_and_stays_within_overtime() -> None:
    r = plan()
    lev = r.leveled
    # each item in w2: 1/8 to w1, 1/8 to w0, 1/8 outsourced
    np.testing.assert_allclose(lev["leveled"], [[52.5, 52.5, 62.5, 40], [13.75, 13.75, 18.75,
                                                                          10]])
    np.testing.assert_allclose(lev["outsource"][:, 2], [12.5, 3.75])
    np.testing.assert_allclose(lev["moved"].sum(axis=1), 0)
    np.testing.assert_allclose(r["leveled_load"][0], [40, 40, 50, 30])
    assert (r["leveled_load"] <= r["available"] + r["overtime_max"] + 1e-9).all()


def test_nothing_is_built_ahead_into_the_frozen_periods() -> None:
    # w0 frozen: only w1's 10 spare hours take production ahead, 20 h are outsourced
    o = plan(frozen=1).overloads.iloc[0]
    assert o["build_ahead_hours"] == 10 and o["outsource_hours"] == 20
    assert plan(frozen=1).leveled["moved"][:, 0].tolist() == [0, 0]
    # w0 and w1 frozen: nothing can move, all 30 h are outsourced
    o = plan(frozen=2).overloads.iloc[0]
    assert o["build_ahead_hours"] == 0 and o["outsource_hours"] == 30


def test_a_resource_calendar_shutdown_removes_its_hours() -> None:
    cal = FactoryCalendar.around(BUCKETS, exceptions=pd.DataFrame([{
        "start_date": pd.Timestamp("2027-03-08").date(),
        "end_date": pd.Timestamp("2027-03-09").date(), "day_type": "shutdown",
        "description": "maintenance", "resource": "L1"}]))
    regular, overtime = capacity.available_hours(RESOURCES, BUCKETS, cal)
    assert regular[0].tolist() == [40, 24, 40, 40]   # two days off in the second week
    assert overtime[0].tolist() == [10, 6, 10, 10]
