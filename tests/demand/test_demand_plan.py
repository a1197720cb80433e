"""The demand plan's parts, events, the far-term ship ratio and the deviation flags, on the
small company (planning month 2026-12, near term 4 months), worked out by hand.

The small company: A has small contract C1 (30 ordered, 10 delivered, due 2026-12),
project P1 (50 pcs in 2027-02 at 50 %), Li Na's forecast 80 (Dec) and 90 (Jan); B has
large contract C2 (100 pcs due 2027-01) and no sales forecast. The statistical forecast
is A 100, B 40 a month. History (last 12 months): A shipped 100, 102, ..., 122 (1332 in
all, ordered 1200), B 40 a month (480, ordered 480).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_xl.plan import demand
from sop_xl.plan.alerts import ExceptionList
from tests.demand.fixtures import company, make_inputs, stat_frame

P = pd.Period
M = P("2026-12", "M")


def _plan(edit=None, **kw):
    f, s = company()
    if edit:
        edit(f, s)
    inputs = make_inputs(f, s)
    return inputs, demand.plan(inputs, stat_frame(M, 12), **kw)


def _row(plan, measure, item):
    return plan.frame(measure).loc[item].tolist()


def test_four_parts_and_the_forecast_part_rule():
    def edit(f, s):  # a past-due contract: 5 open since October, planned in December
        f["contracts"].loc[len(f["contracts"])] = ["C0", "small", "Old", "Domestic Sales", "A",
                                                   5.0, 0.0, P("2026-10", "M"), None]
    _, plan = _plan(edit)
    assert plan.periods == ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05"]
    assert _row(plan, "small_contracts", "A") == [25, 0, 0, 0, 0, 0]  # 20 + 5 past due
    assert _row(plan, "large_contracts", "B") == [0, 100, 0, 0, 0, 0]
    assert _row(plan, "projects_weighted", "A") == [0, 0, 25, 0, 0, 0]
    assert _row(plan, "projects_unweighted", "A") == [0, 0, 50, 0, 0, 0]
    assert _row(plan, "sales_forecast", "A") == [80, 90, 0, 0, 0, 0]
    # A: sales forecast where submitted; Feb: 100 − 25 projects; then the statistical
    assert _row(plan, "forecast_part", "A") == [80, 90, 75, 100, 100, 100]
    # B: no sales forecast; the large contract covers January's 40 entirely
    assert _row(plan, "forecast_part", "B") == [40, 0, 40, 40, 40, 40]
    assert _row(plan, "demand", "A") == [105, 90, 100, 100, 100, 100]
    assert _row(plan, "demand", "B") == [40, 100, 40, 40, 40, 40]
    assert plan.from_sales[0].tolist() == [True, True, False, False, False, False]
    assert plan.past_due_orders["contract"].tolist() == ["C0"]
    # the demand plan is the sum of its parts, in every cell
    parts = sum(plan[k] for k in demand.PARTS)
    assert np.array_equal(parts, plan["demand"])


def test_sales_forecast_beyond_the_near_term_is_not_used():
    def edit(f, s):
        s["near_term_months"] = 1
    _, plan = _plan(edit)
    # January's 90 is outside a one-month near term: the statistical 100 is used
    assert _row(plan, "forecast_part", "A")[:2] == [80, 100]


def test_events_add_and_multiply_on_item_and_family():
    def edit(f, s):
        f["events"] = pd.DataFrame([
            ["Fair", "item", "B", "add", 10.0, P("2027-03", "M"), P("2027-04", "M"), None],
            ["Promo", "family", "Pumps", "multiply", 1.2, P("2027-05", "M"),
             P("2027-05", "M"), None],
            ["Promo2", "item", "A", "multiply", 1.5, P("2027-05", "M"), P("2027-05", "M"),
             None],
            ["Show", "family", "Pumps", "add", 30.0, P("2027-04", "M"), P("2027-04", "M"),
             None],
        ], columns=["event", "scope", "target", "kind", "value", "start_month", "end_month",
                    "note"])
    _, plan = _plan(edit)
    # family add of 30 in April split by history shares A 1332/1812, B 480/1812:
    # quotas 22.05 and 7.95 → 22 and 8 in whole pieces
    # May: A's factors compound, 100 × (1.2 × 1.5 − 1) = 80; B 40 × 0.2 = 8
    assert _row(plan, "events", "A") == pytest.approx([0, 0, 0, 0, 22, 80])
    assert _row(plan, "events", "B") == pytest.approx([0, 0, 0, 10, 10 + 8, 8])
    assert _row(plan, "demand", "A")[5] == pytest.approx(180)


def test_multiply_event_in_weekly_buckets_scales_whole_weeks_fully():
    def edit(f, s):
        s.update(bucket="week", horizon=8)
        f["events"] = pd.DataFrame([["Promo", "item", "A", "multiply", 2.0, P("2027-01", "M"),
                                     P("2027-01", "M"), None]],
                                   columns=["event", "scope", "target", "kind", "value",
                                            "start_month", "end_month", "note"])
    _inputs, plan = _plan(edit)
    assert plan.periods[0] == "2026-W49" and plan.periods[-1] == "2027-W03"
    ev = plan.frame("events").loc["A"]
    fp = plan.frame("forecast_part").loc["A"]
    # weeks of 4, 11 and 18 January lie wholly in January: the factor applies in full (×2)
    for w in ("2027-W01", "2027-W02", "2027-W03"):
        assert fp[w] > 0 and ev[w] == pytest.approx(fp[w])
    # week of 28 Dec: Mon-Thu in December, Fri 1 Jan a holiday → no January working day
    assert ev["2026-W53"] == pytest.approx(0.0)
    assert ev["2026-W52"] == pytest.approx(0.0)


def test_far_term_by_ship_ratio():
    def edit(f, s):
        s["far_method"] = "ship_ratio"
    ordered = stat_frame(M, 12, {"A": 100.0, "B": 50.0})
    _, plan = _plan(edit, ordered_forecast=ordered)
    # ratio A = 1332 shipped / 1200 ordered = 1.11, B = 480 / 480 = 1
    assert plan.shares.loc["A", "ship_ratio"] == pytest.approx(1.11)
    assert plan.shares.loc["B", "ship_ratio"] == pytest.approx(1.0)
    assert _row(plan, "ship_ratio_forecast", "A") == pytest.approx([111] * 6)
    # A: sales where submitted, Feb 111 − 25 projects, then 111; B: 50, Jan covered
    assert _row(plan, "forecast_part", "A") == pytest.approx([80, 90, 86, 111, 111, 111])
    assert _row(plan, "forecast_part", "B") == pytest.approx([50, 0, 50, 50, 50, 50])


def test_ship_ratio_keeps_the_statistical_basis_without_ordered_history():
    def edit(f, s):
        s["far_method"] = "ship_ratio"
        f["sales_history"].loc[f["sales_history"]["item"] == "B", "ordered_qty"] = np.nan
    ordered = stat_frame(M, 12, {"A": 100.0})
    _, plan = _plan(edit, ordered_forecast=ordered)
    assert np.isnan(plan.shares.loc["B", "ship_ratio"])
    assert _row(plan, "forecast_part", "B") == [40, 0, 40, 40, 40, 40]


def test_deviation_flags_compare_the_sales_view_with_the_statistical():
    def edit(f, s):
        s["deviation_threshold"] = 0.05
        f["sales_forecast"].loc[2] = ["Wang Wei", "International Trade", "B", M, 0.0,
                                      "customer stopped"]
    _inputs, plan = _plan(edit)
    rev = plan.review.set_index(["item", "month"])
    # A Dec: 20 contract + 80 sales = 100 vs 100 → 0 %; A Jan: 90 vs 100 → −10 % > 5 %
    assert rev.loc[("A", M), "sales_total"] == 100
    assert rev.loc[("A", M), "deviation"] == pytest.approx(0.0)
    assert not rev.loc[("A", M), "flagged"]
    assert rev.loc[("A", M + 1), "deviation"] == pytest.approx(-0.10)
    assert rev.loc[("A", M + 1), "flagged"]
    # B Dec: Wang Wei expects nothing against a statistical 40 → −100 %
    assert rev.loc[("B", M), "deviation"] == pytest.approx(-1.0)
    assert rev.loc[("B", M), "reasons"] == "Wang Wei: customer stopped"
    assert plan.flagged[0].tolist() == [False, True, False, False, False, False]
    ex = ExceptionList("en")
    demand.demand_exceptions(plan, ex)
    rows = ex.frame()
    assert rows["item"].tolist() == ["B", "A"]  # sorted by period
    assert rows["qty"].tolist() == [-40.0, -10.0]
    assert "by -100%" in rows["message"][0] and "Wang Wei" in rows["message"][0]


@pytest.mark.parametrize(("min_qty", "min_value", "flagged"), [
    (5, 0, True), (10, 0, True), (11, 0, False), (10, 1500, True), (10, 1501, False)])
def test_a_deviation_is_also_large_enough_in_pieces_and_money(min_qty, min_value, flagged):
    """A Jan: 90 against 100 is −10 % beyond 5 %, and 10 pcs, 10 × 150 = 1,500 CNY."""
    def edit(f, s):
        s.update(deviation_threshold=0.05, deviation_min_qty=min_qty,
                 deviation_min_value=min_value)
    _inputs, plan = _plan(edit)
    rev = plan.review.set_index(["item", "month"])
    assert rev.loc[("A", M + 1), "flagged"] == flagged
    ex = ExceptionList("en")
    demand.demand_exceptions(plan, ex)
    assert ("A" in set(ex.frame()["item"])) == flagged


def test_the_deviation_rule_by_hand():
    rule = demand.DeviationRule(0.3, min_qty=5, min_value=1000)
    # 6 against 3 is +100 % but 3 pieces: not a topic; 9 against 3 is 6 pieces
    assert rule.flags([6, 9, 9, 131, 125], [3, 3, 3, 100, 100],
                      [500, 500, 100, 50, 50]).tolist() == [False, True, False, True, False]
    # against a reference of 0 any quantity is beyond the share, still at least the minimum
    assert rule.flags([4, 5], [0, 0], [1000, 1000]).tolist() == [False, True]


def test_flag_where_the_statistical_forecast_is_zero():
    def edit(f, s):
        f["items"].loc[len(f["items"])] = ["N", "New pump", "FG", "Pumps", "pcs", 1.0, 2.0, 5,
                                           "L4L", 0, 0, 0, 1, 0, 0, 0, 0.0, None, None, "new"]
        f["sales_forecast"].loc[2] = ["Li Na", "Domestic Sales", "N", M, 12.0, None]
    _inputs, plan = _plan(edit)
    rev = plan.review.set_index(["item", "month"])
    assert rev.loc[("N", M), "flagged"]
    assert np.isnan(rev.loc[("N", M), "deviation"])
    ex = ExceptionList("zh-CN")
    demand.demand_exceptions(plan, ex)
    assert "统计预测为 0" in ex.frame()["message"].iloc[0]


def test_negative_demand_after_a_planner_change_is_an_exception():
    adj = pd.DataFrame({"item": ["B"], "period": ["2027-02"], "value": [-55.0]})
    _, plan = _plan(adjustments=adj)
    assert _row(plan, "demand", "B")[2] == -15
    ex = ExceptionList("en")
    demand.demand_exceptions(plan, ex)
    f = ex.frame()
    assert f["category"].tolist() == ["Negative demand"]
    assert (f["item"].iloc[0], f["period"].iloc[0], f["qty"].iloc[0]) == ("B", "2027-02", -15)
