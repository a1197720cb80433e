"""Dates inside, buckets outside: the plan's working days, and textbook MRP examples worked
by hand on dates (Orlicky; APICS CPIM) — lead times shorter than a bucket over several
levels, a POQ window with a scheduled receipt and safety stock inside it, scrap in whole
pieces, past-due releases against the planning date — and the property that month and
week buckets give the same orders for every lot rule but periods of supply.

Calendar: Monday to Friday, 2027-01-01 a holiday."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_xl.app.cycle import PlanRun
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.periods import Buckets, FactoryCalendar, bucket_months, month_weights
from sop_xl.plan import mps, mrp
from sop_xl.plan.dates import PlanDays
from sop_xl.plan.lot_sizing import LotRules
from tests.supply.test_mrp import bom, items
from tests.support import fixed_forecast

NEW_YEAR = pd.DataFrame([{"start_date": date(2027, 1, 1), "end_date": date(2027, 1, 1),
                          "day_type": "holiday", "description": "New Year", "resource": None}])


def plan_days(kind: str, horizon: int, month: str = "2027-01",
              planning_date: date | None = None) -> PlanDays:
    b = Buckets.build(pd.Period(month, "M"), kind, horizon)
    return PlanDays.build(b, FactoryCalendar.around(b, exceptions=NEW_YEAR), planning_date)


def dated(days: PlanDays, rows: dict[str, list[tuple[str, float]]]) -> np.ndarray:
    """{item: [(date, qty), …]} → (items × days), each on the day it is needed."""
    out = np.zeros((len(rows), len(days)))
    for r, pairs in enumerate(rows.values()):
        for when, q in pairs:
            out[r, days.demand_day([when])[0]] += q
    return out


def orders(r: mrp.MRPResult) -> list[tuple[str, str, str, float, float]]:
    o = r.orders
    return [(i, str(d.date()), str(rd.date()), q, s) for i, d, rd, q, s in zip(
        o["item"], o["due_date"], o["release_date"], o["qty"], o["release_qty"],
        strict=True)]


# -- the day axis ----------------------------------------------------------------------------

def test_dates_of_the_plan_and_how_buckets_sum_them() -> None:
    d = plan_days("month", 2, "2026-12")
    assert str(d.dates[0]) == "2026-12-01" and str(d.dates[-1]) == "2027-01-29"
    assert d.workdays.tolist() == [23, 20]                    # 1 January is a holiday
    # a requirement on the holiday is needed the working day before, a receipt can be
    # used the working day after; before the plan is past due (day 0), after it is out
    assert [str(d.dates[k]) for k in d.demand_day([date(2027, 1, 1), date(2027, 1, 2)])] \
        == ["2026-12-31", "2026-12-31"]
    assert [str(d.dates[k]) for k in d.supply_day([date(2027, 1, 1)])] == ["2027-01-04"]
    assert d.demand_day([date(2026, 11, 20), date(2027, 3, 1)]).tolist() == [0, len(d)]
    # days before and after the axis, counted on the calendar
    assert str(d.date_of(-1)) == "2026-11-30" and str(d.date_of(len(d))) == "2027-02-01"
    # a month's quantity is spread over its working days (2 a day here) and each week's
    # part is needed on that week's first working day in the month
    months = bucket_months(d.buckets)
    daily = d.spread_months(np.array([[46.0, 40.0]]), months)
    due = np.flatnonzero(daily[0])
    assert [str(d.dates[t]) for t in due] == [
        "2026-12-01", "2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28",
        "2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25"]
    assert daily[0, due].tolist() == [8, 10, 10, 10, 8, 10, 10, 10, 10]
    # and sums back by bucket, month or week
    assert d.by_bucket(daily).tolist() == [[46.0, 40.0]]
    w = plan_days("week", 9, "2026-12")
    daily_w = w.spread_months(np.array([[46.0, 40.0]]), months)
    weights = month_weights(w.buckets, w.calendar, months)
    np.testing.assert_allclose(w.by_bucket(daily_w), np.array([[46.0, 40.0]]) @ weights)


def test_a_planning_date_before_the_month_shows_its_days_in_the_first_bucket() -> None:
    d = plan_days("month", 2, "2026-12", planning_date=date(2026, 11, 26))
    assert str(d.dates[0]) == "2026-11-26"
    assert d.workdays.tolist() == [26, 20] and d.bucket[:3].tolist() == [0, 0, 0]


# -- textbook examples, worked by hand --------------------------------------------------------

def test_multi_level_lead_times_shorter_than_a_bucket_stay_in_their_month() -> None:
    # A (3 working days) ← 2 B (4 days) ← 1 C (2 days). 50 A are due Wednesday 01-20.
    # Back-scheduled on working days: A released Friday 01-15; B needed then, 100 less
    # 30 on hand = 70, released Monday 01-11; C needed 01-11, 70, released Thursday 01-07.
    # In month buckets every level stays in January: nothing moves a month early and
    # nothing is past due (the bucket engine put B's need on 1 January and released C in
    # December).
    it = items(("A", "FG", 3, "L4L", 0, 0, 0, 1, 0), ("B", "SFG", 4, "L4L", 0, 0, 0, 1, 0),
               ("C", "RM", 2, "L4L", 0, 0, 0, 1, 0))
    b = bom(("A", "B", 2.0), ("B", "C", 1.0))
    for kind, horizon in (("month", 2), ("week", 9)):
        days = plan_days(kind, horizon)
        prod = dated(days, {"A": [(date(2027, 1, 20), 50)]})
        r = mrp.plan(it, b, pd.Index(["A"]), prod, pd.Series({"B": 30.0}), None, days)
        assert orders(r) == [("B", "2027-01-15", "2027-01-11", 70.0, 70.0),
                             ("C", "2027-01-11", "2027-01-07", 70.0, 70.0)], kind
        assert r.actions.empty
        jan = days.bucket_of(days.demand_day([date(2027, 1, 11)]))[0]
        assert r["gross"][r.items.get_loc("B"), jan] == 100
        if kind == "month":
            assert r["planned_releases"].tolist() == [[70, 0], [70, 0]]


def test_poq_covers_its_window_with_a_receipt_and_safety_stock_inside_it() -> None:
    # X: POQ 2 weeks, safety stock 10, 25 on hand, lead 5. Requirements: Mon 03-01 10,
    # Wed 03-03 10, Mon 03-08 20, Wed 03-10 20, Mon 03-15 30, Mon 03-22 30; a scheduled
    # receipt of 15 arrives Friday 03-12.
    # 03-01: 25 − 10 = 15, above safety stock. 03-03: 15 − 10 = 5 < 10: the first
    # shortfall, so the order is due 03-03 and covers its window, 03-03 to the end of the
    # second week (03-12). The stock must stay ≥ 10 on every day of it; the receipt comes
    # after the 03-10 requirement, so it cannot cover it: the largest shortfall is on
    # 03-10, 10 + (10 + 20 + 20) − 15 = 45. With 45 the window needs no second order and
    # ends at 15 + 45 − 50 + 15 = 25 (netting the receipt over the whole window, 30, would
    # leave the stock at −5 on 03-10).
    # 03-15: 25 − 30 = −5 < 10: the next window, 03-15 to 03-26: 30 + 30 + 10 − 25 = 45.
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("X", "RM", 5, "POQ", 0, 0, 0, 2, 10))
    days = plan_days("week", 6, "2027-03")
    need = {"X": [(date(2027, 3, 1), 10), (date(2027, 3, 3), 10), (date(2027, 3, 8), 20),
                  (date(2027, 3, 10), 20), (date(2027, 3, 15), 30), (date(2027, 3, 22), 30)]}
    # P (lead 5) is due a week after each requirement of X
    prod = np.zeros((1, len(days)))
    for d, q in need["X"]:
        prod[0, days.demand_day([d])[0] + 5] += q
    sr = pd.DataFrame({"order": ["PO9"], "item": ["X"], "qty": [15.0],
                       "due_date": [date(2027, 3, 12)]})
    r = mrp.plan(it, bom(("P", "X", 1.0)), pd.Index(["P"]), prod, pd.Series({"X": 25.0}),
                 sr, days)
    assert orders(r) == [("X", "2027-03-03", "2027-02-24", 45.0, 45.0),
                         ("X", "2027-03-15", "2027-03-08", 45.0, 45.0)]
    k = r.items.get_loc("X")
    proj = r.daily["projected"][k]
    assert proj.min() >= 10
    assert proj[days.demand_day([date(2027, 3, 12)])[0]] == 25
    # the receipt would have been needed on 03-03: reschedule it in (not a second order)
    a = r.actions.set_index("kind")
    assert str(a.loc["expedite", "need_date"].date()) == "2027-03-03"
    # past due: the first order, due 03-03 with 5 days of lead time, should have been
    # released on 02-24; stock covers demand meanwhile (only safety stock is short)
    assert a.loc["past_due_release", "covered_qty"] == 0


def test_scrap_component_and_item_in_whole_pieces_at_every_level() -> None:
    # APICS: component scrap (BOM, 10 %) raises the parent's requirement of it; item
    # shrinkage (Items, 5 %) raises the quantity started. 95 A due Tue 03-09:
    # A started ⌈95 / 0.95⌉ = 100 on 03-02 (5 days); B needs 100 × 1 × 1.1 = 110 on 03-02,
    # B itself scraps 3 %: started ⌈110 / 0.97⌉ = ⌈113.4⌉ = 114 on 02-25 (3 days, past due);
    # C (kg, 0.25 kg per B) needs 28.5 kg now and keeps the fraction.
    it = items(("A", "FG", 5, "L4L", 0, 0, 0, 1, 0, 0.05), ("B", "SFG", 3, "L4L", 0, 0, 0, 1, 0,
                                                             0.03),
               ("C", "RM", 2, "L4L", 0, 0, 0, 1, 0, 0.0, "kg"))
    b = pd.DataFrame([{"parent": "A", "component": "B", "qty_per": 1.0, "scrap_pct": 0.1},
                      {"parent": "B", "component": "C", "qty_per": 0.25, "scrap_pct": 0.0}])
    days = plan_days("week", 4, "2027-03")
    prod = dated(days, {"A": [(date(2027, 3, 9), 95)]})
    r = mrp.plan(it, b, pd.Index(["A"]), prod, pd.Series(dtype=float), None, days)
    assert orders(r) == [("B", "2027-03-02", "2027-02-25", 110.0, 114.0),
                         ("C", "2027-03-01", "2027-02-25", 28.5, 28.5)]
    assert r.daily["releases"][r.items.get_loc("B")].sum() == 114


def test_a_release_is_past_due_only_before_the_planning_date() -> None:
    # Y (10 working days) needs 40 on Wed 12-09 and 40 on Wed 12-16, nothing on hand:
    # the first order is released 11-25, the second 12-02.
    it = items(("P", "FG", 1, "L4L", 0, 0, 0, 1, 0), ("Y", "RM", 10, "L4L", 0, 0, 0, 1, 0))
    b = bom(("P", "Y", 1.0))
    for planning, late in ((None, [True, False]), (date(2026, 11, 25), [False, False]),
                           (date(2026, 11, 26), [True, False])):
        days = plan_days("month", 2, "2026-12", planning_date=planning)
        prod = np.zeros((1, len(days)))
        for d in (date(2026, 12, 10), date(2026, 12, 17)):
            prod[0, days.demand_day([d])[0]] = 40
        r = mrp.plan(it, b, pd.Index(["P"]), prod, pd.Series(dtype=float), None, days)
        o = r.orders
        assert [str(x.date()) for x in o["release_date"]] == ["2026-11-25", "2026-12-02"]
        assert o["past_due"].tolist() == late, planning
        # a past-due order's components are needed now; shown in the first bucket
        assert r["planned_releases"][0, 0] == 80


# -- months and weeks give the same orders ------------------------------------------------------

@st.composite
def plants(draw):
    """Finished goods with monthly demand, up to 3 levels below, every lot rule but POQ."""
    n = draw(st.integers(2, 7))
    rows = []
    for k in range(n):
        rule = draw(st.sampled_from(["L4L", "FIXED", "MINMULT"]))
        rows.append((f"I{k}", "FG" if k < 2 else "SFG", draw(st.sampled_from([1, 3, 7, 12, 23])),
                     rule, draw(st.sampled_from([0, 30, 45])), draw(st.sampled_from([0, 20])),
                     draw(st.sampled_from([0, 5])), 1,
                     float(draw(st.sampled_from([0, 0, 10, 25]))),
                     draw(st.sampled_from([0.0, 0.05])), draw(st.sampled_from(["pcs", "kg"]))))
    lines = set()
    for c in range(2, n):
        lines.add((f"I{draw(st.integers(0, c - 1))}", f"I{c}"))
    b = [(p, c, draw(st.sampled_from([0.5, 1.0, 2.0]))) for p, c in sorted(lines)]
    demand = [[float(draw(st.sampled_from([0, 40, 75, 120]))) for _ in range(4)]
              for _ in range(2)]
    on_hand = {f"I{k}": float(draw(st.sampled_from([0, 30, 200]))) for k in range(n)}
    sr = [(f"PO{j}", f"I{draw(st.integers(0, n - 1))}", float(draw(st.integers(5, 60))),
           date(2027, 3, 1) + pd.Timedelta(days=draw(st.integers(-10, 100))))
          for j in range(draw(st.integers(0, 4)))]
    dos = [float(draw(st.sampled_from([0, 0, 4, 7.5]))) for _ in range(2)]
    return items(*rows), bom(*b), demand, on_hand, sr, dos


def _plan(kind: str, horizon: int, plant) -> pd.DataFrame:
    it, b, demand, on_hand, sr, dos = plant
    days = plan_days(kind, horizon, "2027-03")
    months = list(pd.period_range("2027-03", periods=4, freq="M"))
    fg = pd.Index(["I0", "I1"])
    receipts = pd.DataFrame(sr, columns=["order", "item", "qty", "due_date"])
    daily_r = np.zeros((2, len(days)))
    for item, q, when in zip(receipts["item"], receipts["qty"], receipts["due_date"],
                             strict=True):
        d = days.supply_day([when])[0]
        if item in fg and d < len(days):
            daily_r[fg.get_loc(item), d] += q
    rules = LotRules.from_items(it, fg)
    ss = it.set_index("item").loc[fg, "safety_stock"].to_numpy(float)
    m = mps.plan(days.spread_months(np.array(demand), months), np.zeros((2, len(days))),
                 pd.Series(on_hand).reindex(fg).to_numpy(float), daily_r, ss, rules, days,
                 items=fg, target_dos=np.array(dos))
    r = mrp.plan(it, b, fg, m.daily["production"], pd.Series(on_hand), receipts, days,
                 end_demand=m.daily["demand"])
    i, t = np.nonzero(m.daily["production"] > 1e-9)
    fg_orders = pd.DataFrame({"item": fg[i], "due_date": days.dates[t],
                              "qty": m.daily["production"][i, t]})
    below = pd.DataFrame({"item": r.orders["item"],
                          "due_date": r.orders["due_date"].to_numpy(dtype="datetime64[D]"),
                          "qty": r.orders["qty"]})
    both = pd.concat([fg_orders, below], ignore_index=True)
    return both.sort_values(["item", "due_date"], kind="stable").reset_index(drop=True)


@given(plants())
@settings(max_examples=60, deadline=None)
def test_month_and_week_buckets_give_the_same_orders(plant) -> None:
    """March to June 2027 in 4 month buckets and in 18 week buckets (to 4 July): the same
    orders, item by item, due date and quantity, for lot-for-lot, fixed lots and minimum
    + multiple, with safety stock, target days of supply, scrap and scheduled receipts."""
    months, weeks = _plan("month", 4, plant), _plan("week", 18, plant)
    pd.testing.assert_frame_equal(months, weeks, check_exact=False, atol=1e-6)


def test_poq_is_the_rule_that_changes_with_the_buckets() -> None:
    # P (1 day) is made 10 a day from 03-02 to 03-31, so X needs 10 every working day from
    # 03-01 to 03-30 (22 days). POQ 1 period: one order for the month in month buckets,
    # one a week in week buckets (its window counts buckets)
    it = items(("P", "FG", 1, "L4L", 0, 0, 0, 1, 0), ("X", "RM", 1, "POQ", 0, 0, 0, 1, 0))
    got = {}
    for kind, horizon in (("month", 1), ("week", 5)):
        days = plan_days(kind, horizon, "2027-03")
        march = days.dates <= np.datetime64("2027-03-31")
        prod = np.where(march & (np.arange(len(days)) > 0), 10.0, 0.0)[None, :]
        r = mrp.plan(it, bom(("P", "X", 1.0)), pd.Index(["P"]), prod, pd.Series(dtype=float),
                     None, days)
        got[kind] = r.orders["qty"].tolist()
    assert got["month"] == [220.0] and got["week"] == [50.0, 50.0, 50.0, 50.0, 20.0]


def test_the_same_workbook_in_weeks_plans_the_same_orders(tmp_path) -> None:
    """The small company switched from months to weeks: every order below the MPS and
    every finished-good production day is the same (its lot rules have no POQ). The
    forecast ends with May, so the week that runs into June adds no demand."""
    from tests.small_company import frames

    got = {}
    for kind, horizon in (("month", 6), ("week", 27)):
        f, s = frames()
        path = write_master(tmp_path / f"{kind}.xlsx", f, {**s, "bucket": kind,
                                                           "horizon": horizon})
        book = MasterWorkbook.open(path)
        run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
        run.__dict__["forecast"] = fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)
        o = run.mrp.orders
        last = np.datetime64("2027-05-31")
        o = o[o["due_date"].to_numpy(dtype="datetime64[D]") <= last]
        prod = run.mps.daily["production"]
        dates = run.days.dates
        fg = [(item, str(dates[t]), prod[i, t]) for i, item in enumerate(run.mps.items)
              for t in np.flatnonzero(prod[i] > 0) if dates[t] <= last]
        got[kind] = (list(zip(o["item"], o["due_date"].astype(str), o["qty"], strict=True)),
                     fg)
    assert got["month"][0] == got["week"][0]
    month_fg, week_fg = got["month"][1], got["week"][1]
    assert [x[:2] for x in month_fg] == [x[:2] for x in week_fg]
    np.testing.assert_allclose([x[2] for x in month_fg], [x[2] for x in week_fg])
    assert len(got["month"][0]) > 10


def test_the_planning_date_is_set_in_settings_and_checked(tmp_path) -> None:
    """Settings "Planning date": a release before it is past due; it may be up to 31 days
    before the planning month, not in it or after it."""
    from sop_xl.base.errors import ValidationError
    from tests.small_company import frames

    f, s = frames()
    path = write_master(tmp_path / "early.xlsx", f, {**s, "planning_date": date(2026, 11, 26)})
    book = MasterWorkbook.open(path)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    run.__dict__["forecast"] = fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)
    assert str(run.days.planning_date) == "2026-11-26"
    # S1 (10 working days) due 12-07 was released 11-23: past due on 11-26 as on 12-01,
    # but the one due 12-14, released 11-30, is not late any more
    o = run.mrp.orders
    s1 = o[o["item"] == "S1"].set_index(o[o["item"] == "S1"]["due_date"].dt.strftime("%m-%d"))
    assert bool(s1.loc["12-07", "past_due"]) and not bool(s1.loc["12-14", "past_due"])
    for bad in (date(2026, 10, 20), date(2026, 12, 2)):
        path = write_master(tmp_path / f"{bad}.xlsx", f, {**s, "planning_date": bad})
        with pytest.raises(ValidationError) as err:
            MasterWorkbook.open(path).read_inputs()
        text = err.value.render()
        assert "(Planning date)" in text and "2026-10-31 … 2026-12-01" in text


def test_a_contract_with_a_due_date_is_needed_on_that_day(tmp_path) -> None:
    """Contracts "Due date": C1's 20 open pieces of A (due month 2026-12) are needed on
    Wednesday 12-16, not spread over December; dated 12-20, a Sunday, on Friday 12-18. C2
    (B, 100 pieces in January, no date) stays spread over January's weeks. A date outside
    the due month is refused."""
    from sop_xl.base.errors import ValidationError
    from tests.small_company import frames

    def plan(due: date, kind: str = "month", horizon: int = 6) -> PlanRun:
        f, s = frames()
        c = f["contracts"].assign(due_date=[due, None])
        path = write_master(tmp_path / f"{due}{kind}.xlsx", {**f, "contracts": c},
                            {**s, "bucket": kind, "horizon": horizon})
        book = MasterWorkbook.open(path)
        run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
        run.__dict__["forecast"] = fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)
        return run

    for due, day in ((date(2026, 12, 16), "2026-12-16"), (date(2026, 12, 20), "2026-12-18")):
        for kind, horizon in (("month", 6), ("week", 27)):
            run = plan(due, kind, horizon)
            _, orders = run.demand.dated(run.days)
            a, b = run.demand.items.get_loc("A"), run.demand.items.get_loc("B")
            dates = run.days.dates.astype(str)
            assert {dates[t]: orders[a, t] for t in np.flatnonzero(orders[a])} == {day: 20}
            jan = (dates >= "2027-01-01") & (dates <= "2027-01-31")
            assert orders[b, jan].sum() == pytest.approx(100) and (orders[b] > 0).sum() == 4
            # the grid's contract row sums the same days: the bucket of the day
            row = run.demand["small_contracts"][a]
            k = int(run.days.bucket[list(dates).index(day)])
            assert row[k] == 20 and row.sum() == 20, kind
    f, s = frames()
    c = f["contracts"].assign(due_date=[date(2027, 1, 5), None])
    path = write_master(tmp_path / "bad.xlsx", {**f, "contracts": c}, s)
    with pytest.raises(ValidationError) as err:
        MasterWorkbook.open(path).read_inputs()
    assert "2027-01-05 is not in the due month 2026-12" in err.value.render()


def test_a_contract_item_may_be_due_on_two_days_of_a_month(tmp_path) -> None:
    """The Contracts key is contract + item + due month + due date (an ERP's two schedule
    lines of one month): C1's A due 12-09 and 12-16 are two rows, each needed on its day
    (10 + 20 open pieces); the same day twice is a duplicate, named by row."""
    from sop_xl.base.errors import ValidationError
    from tests.small_company import frames
    f, s = frames()
    c = f["contracts"]
    c1 = c.iloc[[0]].assign(ordered_qty=10.0, delivered_qty=0.0, due_date=date(2026, 12, 9))
    two = pd.concat([c1, c.assign(due_date=[date(2026, 12, 16), None])], ignore_index=True)
    path = write_master(tmp_path / "two.xlsx", {**f, "contracts": two}, s)
    book = MasterWorkbook.open(path)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    run.__dict__["forecast"] = fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)
    _, orders = run.demand.dated(run.days)
    a = run.demand.items.get_loc("A")
    dates = run.days.dates.astype(str)
    assert {dates[t]: orders[a, t] for t in np.flatnonzero(orders[a])} == {
        "2026-12-09": 10, "2026-12-16": 20}
    same = pd.concat([c1, c1.assign(ordered_qty=5.0), c.iloc[[1]]], ignore_index=True)
    path = write_master(tmp_path / "same.xlsx", {**f, "contracts": same}, s)
    with pytest.raises(ValidationError) as err:
        MasterWorkbook.open(path).read_inputs()
    assert "Contracts!A3 (Contract): 'C1 / A / 2026-12 / 2026-12-09' is a duplicate of row " \
        "2; each contract + item + due month + due date may appear once" in err.value.render()
