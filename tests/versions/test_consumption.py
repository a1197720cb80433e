"""Forecast consumption by customer orders, worked out by hand, and its invariants."""

from __future__ import annotations

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
