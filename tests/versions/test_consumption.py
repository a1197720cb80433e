"""Forecast consumption by customer orders, worked out by hand, and its invariants."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sop_xl.base.periods import Buckets, FactoryCalendar
from sop_xl.plan import transfer, versions


def test_own_period_then_backward_then_forward():
    plan = np.array([[110.0, 90.0, 104.0, 20.0]])
    orders = np.array([[30.0, 120.0, 0.0, 50.0]])
    # no window: period 1 has 30 more ordered than planned, period 3 has 30 more
    consumed, left = transfer.consume(plan, orders)
    assert consumed.tolist() == [[30.0, 90.0, 0.0, 20.0]]
    assert left.tolist() == [[0.0, 30.0, 0.0, 30.0]]
    # one period back: the 30 of period 1 come out of period 0 (110 − 30 − 30 = 50);
    # period 3's 30 out of period 2 (104 − 30 = 74)
    consumed, left = transfer.consume(plan, orders, backward=1)
    assert consumed.tolist() == [[60.0, 90.0, 30.0, 20.0]]
    assert left.sum() == 0
    # forward only: period 1's 30 go to period 2; period 3 has nothing after it
    consumed, left = transfer.consume(plan, orders, forward=1)
    assert consumed.tolist() == [[30.0, 90.0, 30.0, 20.0]]
    assert left.tolist() == [[0.0, 0.0, 0.0, 30.0]]
    # backward first, nearest first: period 3's 30 take period 2 before period 1
    consumed, _ = transfer.consume(np.array([[0.0, 40.0, 10.0, 0.0]]),
                                   np.array([[0.0, 0.0, 0.0, 30.0]]), backward=2, forward=0)
    assert consumed.tolist() == [[0.0, 20.0, 10.0, 0.0]]
    # both windows: backward before forward (SAP consumption mode 2)
    consumed, _ = transfer.consume(np.array([[20.0, 0.0, 20.0]]), np.array([[0.0, 30.0, 0.0]]),
                                   backward=1, forward=1)
    assert consumed.tolist() == [[20.0, 0.0, 10.0]]


@settings(max_examples=80, deadline=None)
@given(arrays(float, (3, 6), elements=st.floats(0, 500)),
       arrays(float, (3, 6), elements=st.floats(0, 500)),
       st.integers(0, 6), st.integers(0, 6))
def test_consumption_never_creates_or_loses_quantity(plan, orders, back, fwd):
    consumed, left = transfer.consume(plan, orders, back, fwd)
    assert (consumed >= -1e-9).all() and (consumed <= plan + 1e-9).all()
    assert (left >= -1e-9).all()
    np.testing.assert_allclose(consumed.sum(axis=1) + left.sum(axis=1), orders.sum(axis=1),
                               atol=1e-6)
    # a wider window never leaves more orders unconsumed
    _, wider = transfer.consume(plan, orders, back + 1, fwd + 1)
    assert wider.sum() <= left.sum() + 1e-6


def test_orders_by_bucket_shipped_and_consuming_quantities():
    m = pd.Period("2026-12", "M")
    b = Buckets.build(m, "month", 3)
    cal = FactoryCalendar.around(b)
    c = pd.DataFrame({"item": ["A", "A", "B", "B"], "ordered_qty": [30.0, 50.0, 100.0, 7.0],
                      "delivered_qty": [10.0, np.nan, 40.0, 2.0],
                      "due_month": [m, m + 1, m + 2, m - 1]})
    items = pd.Index(["A", "B"])
    shipped = transfer.orders_by_bucket(c, items, buckets=b, calendar=cal, planning_month=m,
                                       what="shipped")
    orders = transfer.orders_by_bucket(c, items, buckets=b, calendar=cal, planning_month=m,
                                      what="orders")
    assert shipped.tolist() == [[10.0, 0.0, 0.0], [0.0, 0.0, 40.0]]
    # B's past-due contract consumes its open 5 in the first period
    assert orders.tolist() == [[30.0, 50.0, 0.0], [5.0, 0.0, 100.0]]


def test_orders_by_bucket_in_weeks_take_the_due_date():
    """Week buckets (W49 = 11-30..12-06 … W01 = 01-04..01-10; Monday to Friday, December
    has 23 working days: 4 in W49, 5 in W50, W51, W52, 4 in W53). A dated contract is in
    the week of its working day, as the demand plan needs it (``DemandPlan.dated``); one
    given only by month is spread over the month's weeks by working days."""
    m = pd.Period("2026-12", "M")
    b = Buckets.build(m, "week", 6)
    cal = FactoryCalendar.around(b)
    c = pd.DataFrame({
        "item": ["A", "A", "B", "B", "B"],
        "ordered_qty": [46.0, 9.0, 46.0, 7.0, 10.0],
        "delivered_qty": [23.0, 0.0, 0.0, 0.0, 4.0],
        "due_month": [m, m, m, m + 1, m - 1],
        # Wednesday 12-16 (W51); Saturday 12-05, needed Friday 12-04 (W49); none (spread);
        # Tuesday 2027-01-05 (W01); past due (its open 6 on the planning date, W49)
        "due_date": [date(2026, 12, 16), date(2026, 12, 5), None, date(2027, 1, 5),
                     date(2026, 11, 20)]})
    items = pd.Index(["A", "B"])
    shipped = transfer.orders_by_bucket(c, items, buckets=b, calendar=cal, planning_month=m,
                                        what="shipped")
    orders = transfer.orders_by_bucket(c, items, buckets=b, calendar=cal, planning_month=m,
                                       what="orders")
    # A: the 23 shipped of the 12-16 contract in W51, not 4/23 … 4/23 of them per week
    assert shipped.tolist() == [[0.0, 0.0, 23.0, 0.0, 0.0, 0.0], [0.0] * 6]
    # A: 9 on 12-04 (W49), 46 on 12-16 (W51); B: 46 × 4/23, 5/23, 5/23, 5/23, 4/23 =
    # 8, 10, 10, 10, 8, the open 6 past due in W49, and 7 on 01-05 (W01)
    np.testing.assert_allclose(orders, [[9.0, 0.0, 46.0, 0.0, 0.0, 0.0],
                                        [14.0, 10.0, 10.0, 10.0, 8.0, 7.0]])


def test_a_week_transfer_consumes_in_the_week_of_the_due_date():
    """A sales version in weeks plans A at 10 a week in December; a contract for 23 due
    12-16 consumes W51's 10 and, one week back, W50's 10; 3 are beyond the plan. Spread
    over the month it would have taken 4, 5, 5, 5, 4 from each week instead."""
    labels = ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53", "2027-W01"]
    rows = [("demand", "A", "Pumps", "demand", p, 10.0, 1500.0, "") for p in labels[:5]]
    snap = pd.concat([pd.DataFrame(rows, columns=versions.SNAPSHOT_COLUMNS),
                      versions.settings_rows({"planning_month": "2026-12", "bucket": "week",
                                              "horizon": 6})], ignore_index=True)
    m = pd.Period("2026-12", "M")
    c = pd.DataFrame({"item": ["A"], "ordered_qty": [23.0], "delivered_qty": [0.0],
                      "due_month": [m], "due_date": [date(2026, 12, 16)]})
    r = transfer.requirements(snap, c, periods=6, deduct=True, backward=1)
    assert r.frame["consumed_qty"].tolist() == [0.0, 10.0, 10.0, 0.0, 0.0]
    assert r.frame["requirement"].tolist() == [10.0, 0.0, 0.0, 10.0, 10.0]
    assert r.unconsumed == 3.0
    undated = transfer.requirements(snap, c.assign(due_date=None), periods=6, deduct=True,
                                    backward=1)
    np.testing.assert_allclose(undated.frame["consumed_qty"], [4.0, 5.0, 5.0, 5.0, 4.0])


def _version(demand_a, shipped_a, production_a=()) -> pd.DataFrame:
    rows = []
    labels = ["2026-12", "2027-01", "2027-02"]
    for measure, qs in (("demand", demand_a), ("shipped", shipped_a)):
        rows += [("demand", "A", "Pumps", measure, p, q, q * 150.0, "")
                 for p, q in zip(labels, qs, strict=True) if q]
    rows += [("mps", "A", "Pumps", "production", p, q, q * 100.0, "")
             for p, q in zip(labels, production_a, strict=False) if q]
    snap = pd.DataFrame(rows, columns=versions.SNAPSHOT_COLUMNS)
    return pd.concat([snap, versions.settings_rows(
        {"planning_month": "2026-12", "bucket": "month", "horizon": 3})], ignore_index=True)


def test_requirements_sales_with_and_without_deduction():
    snap = _version([100.0, 90.0, 104.0], [10.0, 0.0, 0.0], [90.0, 95.0, 0.0])
    m = pd.Period("2026-12", "M")
    c = pd.DataFrame({"item": ["A", "A"], "ordered_qty": [30.0, 120.0],
                      "delivered_qty": [10.0, 0.0], "due_month": [m, m + 1]})
    # without deduction: the total planned sales, demand plan + shipped
    r = transfer.requirements(snap, c, periods=3)
    assert r.frame["plan_qty"].tolist() == [110.0, 90.0, 104.0]
    assert r.frame["requirement"].tolist() == [110.0, 90.0, 104.0]
    assert r.frame["value"].tolist() == [110 * 150.0, 90 * 150.0, 104 * 150.0]
    # with deduction, one period back: 110 − 30 − 30, 90 − 90, 104
    r = transfer.requirements(snap, c, periods=3, deduct=True, backward=1)
    assert r.frame["consumed_qty"].tolist() == [60.0, 90.0, 0.0]
    assert r.frame["requirement"].tolist() == [50.0, 0.0, 104.0]
    assert r.unconsumed == 0
    # two periods only; no window leaves 30 pcs of orders beyond the plan
    r = transfer.requirements(snap, c, periods=2, deduct=True)
    assert r.frame["requirement"].tolist() == [80.0, 0.0]
    assert r.unconsumed == 30.0
    assert [d.isoformat() for d in r.frame["req_date"]] == ["2026-12-01", "2027-01-01"]
    # a production plan goes as it stands, valued at cost
    r = transfer.requirements(snap, c, periods=3, plan_type="production")
    assert r.frame["requirement"].tolist() == [90.0, 95.0]
    assert r.frame["value"].tolist() == [9000.0, 9500.0]
