"""The MPS engine against hand-worked examples: netting with a fixed lot, ATP, target days
of supply, the frozen fence and the planning time fence, firm cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_xl.plan import mps
from sop_xl.plan.lot_sizing import CODES, LotRules

NAN = np.nan


def rules(rule: str = "L4L", *, fixed: float = 0, minimum: float = 0, multiple: float = 0,
          poq: int = 1, n: int = 1) -> LotRules:
    return LotRules(np.full(n, CODES[rule], dtype=np.int8), np.full(n, float(fixed)),
                    np.full(n, float(minimum)), np.full(n, float(multiple)),
                    np.full(n, poq if rule == "POQ" else 1, dtype=np.int64))


def run(forecast, orders, on_hand, ss, lot, *, receipts=None, workdays=None, **kw):
    f = np.atleast_2d(np.asarray(forecast, float))
    o = np.atleast_2d(np.asarray(orders, float))
    h = f.shape[1]
    r = np.zeros_like(f) if receipts is None else np.atleast_2d(np.asarray(receipts, float))
    wd = np.full(h, 20.0) if workdays is None else np.asarray(workdays, float)
    return mps.plan(f, o, np.atleast_1d(np.asarray(on_hand, float)), r,
                    np.atleast_1d(np.asarray(ss, float)), lot, wd,
                    items=pd.Index([f"I{k}" for k in range(len(f))]),
                    periods=[f"P{k}" for k in range(h)], **kw)


def test_fixed_lot_netting_atp_and_days_of_supply_worked_by_hand() -> None:
    # on hand 60, safety stock 10, fixed lot 50; demand = forecast + orders
    # p0: net 55+10-60=5 -> 50, end 55 | p1: 40+10-55<0 -> 0, end 15
    # p2: 35+10-15=30 -> 50, end 30     | p3: 30+10-30=10 -> 50, end 50
    # p4: 30+10-50<0 -> 0, end 20       | p5: 30+10-20=20 -> 50, end 40
    r = run([30] * 6, [25, 10, 5, 0, 0, 0], 60, 10, rules("FIXED", fixed=50))
    assert r["demand"][0].tolist() == [55, 40, 35, 30, 30, 30]
    assert r["production"][0].tolist() == [50, 0, 50, 50, 0, 50]
    assert r["projected"][0].tolist() == [55, 15, 30, 50, 20, 40]
    # ATP: p0 60+50-(25+10)=75; p2 50-5=45; p3 50; p5 50; no supply elsewhere
    np.testing.assert_array_equal(r["atp"][0], [75, NAN, 45, 50, NAN, 50])
    # days of supply at p0: 55 / ((40+35+30) / 60 working days) = 31.43
    assert r["dos"][0, 0] == pytest.approx(55 / (105 / 60))
    assert np.isnan(r["dos"][0, 5])  # no demand follows the last period
    assert (r.states == None).all()  # noqa: E711 - nothing fixed, all as suggested


def test_atp_borrows_a_later_shortfall_from_earlier_supply() -> None:
    # on hand 10; supply 20 in P1 and P3; orders 5, 10, 20, 30.
    # raw ATP: P0 10-5=5; P1 20-(10+20)=-10; P3 20-30=-10 → P3 borrows from P1, P1 from P0
    supply = np.array([[0, 20, 0, 20.0]])
    orders = np.array([[5, 10, 20, 30.0]])
    want = [-15, 0, NAN, 0]
    np.testing.assert_array_equal(mps.available_to_promise(np.array([10.0]), supply, orders),
                                  [want])
    np.testing.assert_array_equal(
        mps.available_to_promise_stepwise(np.array([10.0]), supply, orders), [want])


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=9),
       st.integers(0, 80))
@settings(max_examples=150, deadline=None)
def test_closed_form_atp_equals_the_textbook_procedure(cells, on_hand) -> None:
    supply = np.array([[s for s, _ in cells]], float)
    orders = np.array([[o for _, o in cells]], float)
    oh = np.array([float(on_hand)])
    np.testing.assert_allclose(mps.available_to_promise(oh, supply, orders),
                               mps.available_to_promise_stepwise(oh, supply, orders))


def test_target_days_of_supply_raise_production_like_the_sap_macro() -> None:
    # 40 a period, 20 working days each: 2 pcs a day ahead, so 20 days = 40 pcs of stock
    r = run([40] * 6, [0] * 6, 0, 0, rules(), target_dos=np.array([20.0]))
    assert r["target_stock"][0].tolist() == [40, 40, 40, 40, 40, 0]
    assert r["production"][0].tolist() == [80, 40, 40, 40, 40, 0]
    assert r["projected"][0].tolist() == [40, 40, 40, 40, 40, 0]
    np.testing.assert_allclose(r["dos"][0, :5], 20.0)


def test_frozen_fence_keeps_the_previous_plan_and_moves_only_for_orders() -> None:
    previous = np.array([[60, 40, NAN, NAN, NAN]])
    r = run([50] * 5, [0, 120, 0, 0, 0], 0, 0, rules(), frozen=2, frozen_qty=previous,
            fence=3)
    # P0 keeps 60 (demand needs 50); P1: orders 120 > 60 + 40 frozen → +20 for the orders
    assert r["production"][0].tolist() == [60, 60, 150, 50, 50]
    assert r["suggested"][0, :2].tolist() == [50, 160]
    assert r.states[0].tolist() == ["cell_more", "cell_less", None, None, None]
    ch = r.frozen_changes.set_index("period")
    assert ch.loc["P0", "kind"] == "frozen_kept" and ch.loc["P0", "previous"] == 60
    assert ch.loc["P1", "kind"] == "order_change"
    assert ch.loc["P1", "production"] == 60
    assert "P2" not in ch.index  # no previous quantity there: nothing to compare


def test_planning_time_fence_reports_a_change_against_the_previous_version() -> None:
    previous = np.array([[50, 50, 30, 50]])
    r = run([50] * 4, [0] * 4, 0, 0, rules(), frozen=1, frozen_qty=previous, fence=3)
    ch = r.frozen_changes
    assert ch[["period", "kind", "previous", "production"]].values.tolist() == [
        ["P2", "fence_change", 30.0, 50.0]]


def test_a_firm_cell_is_kept_and_coloured_by_how_it_compares() -> None:
    firm = np.full((1, 4), NAN)
    firm[0, 1] = 10.0
    firm[0, 2] = 50.0
    r = run([50] * 4, [0] * 4, 0, 0, rules(), firm=firm)
    # P1 short by 40, P2 firm at 50 against a suggestion of 90, P3 makes up the 40
    assert r["production"][0].tolist() == [50, 10, 50, 90]
    assert r["suggested"][0].tolist() == [50, 50, 90, 90]
    assert r.states[0].tolist() == [None, "cell_less", "cell_less", None]
    firm[0, 2] = 90.0
    r = run([50] * 4, [0] * 4, 0, 0, rules(), firm=firm)
    assert r["production"][0].tolist() == [50, 10, 90, 50]
    assert r.states[0].tolist() == [None, "cell_less", "cell_firmed", None]


def test_poq_covers_the_next_periods_and_target_stock() -> None:
    # POQ 3 periods, safety stock 5: P0 covers 10+20+30 plus 5 of safety stock
    r = run([10, 20, 30, 40, 50, 60], [0] * 6, 0, 5, rules("POQ", poq=3))
    assert r["production"][0].tolist() == [65, 0, 0, 150, 0, 0]
    assert r["projected"][0].tolist() == [55, 35, 5, 115, 65, 5]


@given(st.lists(st.integers(0, 80), min_size=2, max_size=8), st.integers(0, 100),
       st.integers(0, 30), st.sampled_from(["L4L", "FIXED", "MINMULT", "POQ"]))
@settings(max_examples=120, deadline=None)
def test_conservation_and_safety_stock_after_planning(demand, on_hand, ss, rule) -> None:
    lot = rules(rule, fixed=25, minimum=20, multiple=10, poq=2)
    r = run([demand], [[0] * len(demand)], on_hand, ss, lot)
    prod, proj = r["production"][0], r["projected"][0]
    # on hand + receipts − demand = ending stock, period by period
    np.testing.assert_allclose(proj, on_hand + np.cumsum(prod - np.asarray(demand)))
    # nothing is produced without a requirement: a period with production needs it
    need = np.asarray(demand) + ss - np.concatenate([[on_hand], proj[:-1]])
    assert (prod[need <= 1e-9] == 0).all()
    # and after planning the stock never falls below safety stock
    assert (proj >= ss - 1e-9).all()


@given(st.lists(st.integers(0, 60), min_size=3, max_size=8), st.integers(0, 50),
       st.integers(1, 30), st.data())
@settings(max_examples=100, deadline=None)
def test_stock_below_safety_stock_after_planning_is_always_flagged(demand, on_hand, ss,
                                                                  data) -> None:
    """Firm cells and the frozen fence may leave stock below safety stock; every such dip
    (its first period) is on the exception list."""
    from sop_xl.plan.alerts import ExceptionList, below

    h = len(demand)
    firm = np.array([[data.draw(st.sampled_from([NAN, NAN, 0.0, 10.0])) for _ in range(h)]])
    previous = np.array([[data.draw(st.sampled_from([0.0, 20.0])) for _ in range(h)]])
    r = run([demand], [[0] * h], on_hand, ss, rules(), firm=firm, frozen=2,
            frozen_qty=previous)
    ex = ExceptionList("en")
    below(r["projected"], np.array([float(ss)]), r.items, r.periods, ex, "mps")
    flagged = set(ex.frame()["period"])
    low = r["projected"][0] < ss - 1e-6
    starts = [p for p in range(h) if low[p] and (p == 0 or not low[p - 1])]
    assert {r.periods[p] for p in starts} <= flagged
    # and nothing is flagged where stock is at or above safety stock
    assert flagged <= {r.periods[p] for p in range(h) if low[p]}
