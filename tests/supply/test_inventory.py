"""Inventory projection with family totals, slow-moving and excess stock, and the plan in
money — numbers worked by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from sop_xl.base.periods import Buckets
from sop_xl.layout.common import named_families, named_rows
from sop_xl.plan import finance, inventory
from sop_xl.plan.mps import MPSResult

ITEMS = pd.DataFrame([
    {"item": "X", "description": "X", "item_type": "FG", "family": "F", "unit_cost": 10.0,
     "price": 15.0, "safety_stock": 5.0, "max_stock": 50.0},
    {"item": "Y", "description": "Y", "item_type": "FG", "family": "F", "unit_cost": 20.0,
     "price": 30.0, "safety_stock": 0.0, "max_stock": 0.0},
    {"item": "Z", "description": "Z", "item_type": "FG", "family": "G", "unit_cost": 1.0,
     "price": 2.0, "safety_stock": 0.0, "max_stock": 0.0},
])


def mps_result() -> MPSResult:
    demand = np.array([[10, 10, 10], [5, 5, 5], [1, 1, 1]], float)
    production = np.array([[0, 10, 20], [5, 5, 5], [2, 0, 0]], float)
    rows = {"demand": demand, "production": production, "receipts": np.zeros((3, 3))}
    return MPSResult(pd.Index(["X", "Y", "Z"]), ["P0", "P1", "P2"], rows,
                     np.array([20.0, 5.0, 0.0]), np.full((3, 3), None, object))


def test_projection_per_item_and_family_in_pieces_and_money() -> None:
    p = inventory.project(mps_result(), ITEMS, np.array([20.0, 20.0, 20.0]))
    assert p["projected"].tolist() == [[10, 10, 20], [5, 5, 5], [1, 0, -1]]
    assert p["value"].tolist() == [[100, 100, 200], [100, 100, 100], [1, 0, -1]]
    assert p.families.tolist() == ["F", "G", ""]   # "" is the grand total
    f = p.family_rows
    assert f["projected"].tolist() == [[15, 15, 25], [1, 0, -1], [16, 15, 24]]
    assert f["value"].tolist() == [[200, 200, 300], [1, 0, -1], [201, 200, 299]]
    assert p.family_on_hand.tolist() == [25, 0, 25]
    # family days of supply: 15 pcs ÷ ((15 + 15) pcs / 40 working days) = 20 days
    assert f["dos"][0, 0] == pytest.approx(20.0)


STOCK = pd.DataFrame([
    {"item": "X", "warehouse": "W1", "on_hand": 20.0, "last_movement": date(2026, 11, 10)},
    {"item": "Y", "warehouse": "W1", "on_hand": 5.0, "last_movement": date(2026, 1, 15)},
    {"item": "Y", "warehouse": "W2", "on_hand": 3.0, "last_movement": None},
    {"item": "Z", "warehouse": "W3", "on_hand": 100.0, "last_movement": date(2027, 2, 1)},
])


def test_slow_moving_and_excess_with_quantity_value_and_family_summary() -> None:
    ahead = pd.Series({"X": 15.0, "Y": 30.0, "Z": 2.0})
    lst = inventory.slow_and_excess(STOCK, ITEMS, ahead, pd.Timestamp("2027-03-01"), 6)
    # Y idle 14 months: all 8 pcs slow-moving (160); Z 100 − 2 = 98 excess (98);
    # X idle 4 months, 20 − 15 = 5 excess (50); largest value first
    assert lst["item"].tolist() == ["Y", "Z", "X"]
    assert lst["months_idle"].tolist() == [14, 1, 4]
    assert lst["slow_qty"].tolist() == [8, 0, 0]
    assert lst["excess_qty"].tolist() == [0, 98, 5]
    assert (lst["slow_value"] + lst["excess_value"]).tolist() == [160, 98, 50]
    assert lst["status"].tolist() == ["slow-moving", "excess", "excess"]
    assert lst.loc[0, "warehouses"] == "W1, W2"
    summary = inventory.slow_excess_summary(lst, STOCK, ITEMS)
    assert summary["row"].tolist()[-1] == "total" and summary["family"].tolist()[-1] == ""
    s = summary.set_index("family")
    assert s.loc["F", "on_hand_value"] == 360 and s.loc["G", "on_hand_value"] == 100
    assert s.loc["F", "share"] == pytest.approx(210 / 360)
    total = summary.iloc[-1]
    assert total["slow_value"] == 160 and total["excess_value"] == 148
    assert total["share"] == pytest.approx(308 / 460)
    # the layout names the components and total rows in the workbook's language
    assert named_rows(summary, "zh-CN")["family"].tolist()[-1] == "合计"


def test_shipments_carry_a_backlog_instead_of_negative_stock() -> None:
    ship = finance.shipments(np.array([0.0]), np.array([[10.0, 30, 0]]),
                             np.array([[20.0, 10, 5]]))
    assert ship.tolist() == [[10, 20, 5]]


def test_financial_projection_by_family_and_month() -> None:
    b = Buckets.build(pd.Period("2027-01", "M"), "month", 3)
    plan = finance.project(
        b, finished=finance.FinishedGoods(
            items=pd.Index(["X"]), family=np.array(["F"], object), on_hand=np.array([0.0]),
            supply=np.array([[10.0, 30, 0]]), demand=np.array([[20.0, 10, 5]]),
            production=np.array([[10.0, 30, 0]]), price=np.array([100.0]),
            cost=np.array([60.0])),
        components=finance.Components(projected=np.array([[50.0, 20, -5]]),
                                      cost=np.array([2.0]),
                                      purchases=np.array([[0.0, 100, 0]])))
    assert plan.families == ["F"]  # then the components row, then the total
    assert named_families(plan, "en").families == ["F", "(components)", "Total"]
    assert named_families(plan, "zh-CN").families == ["F", "(物料)", "合计"]
    assert plan["revenue"].tolist() == [[1000, 2000, 500], [0, 0, 0], [1000, 2000, 500]]
    assert plan["cogs"][0].tolist() == [600, 1200, 300]
    assert plan["margin"][2].tolist() == [400, 800, 200]
    np.testing.assert_allclose(plan["margin_pct"][0], 0.4)
    assert plan["production_value"][0].tolist() == [600, 1800, 0]
    assert plan["purchase_value"][1].tolist() == [0, 100, 0]
    # stock at month end: finished goods [0, 10, 5] × 60; components [50, 20, 0] × 2
    assert plan["inventory_value"].tolist() == [[0, 600, 300], [100, 40, 0], [100, 640, 300]]


def test_weeks_are_summed_into_the_month_of_their_monday() -> None:
    b = Buckets.build(pd.Period("2027-03", "M"), "week", 6)
    labels, idx, last = finance.month_map(b)
    assert labels == ["2027-03", "2027-04"]
    assert idx.tolist() == [0, 0, 0, 0, 0, 1]   # Mar 1, 8, 15, 22, 29 | Apr 5
    assert last.tolist() == [4, 5]
