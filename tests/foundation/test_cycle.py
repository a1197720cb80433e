"""The whole month on the small company, with the numbers worked out by hand.

The statistical forecast is fixed (A: 100/month, B: 40/month) so every figure below can be
followed on paper. Calendar: Monday–Friday, 2027-01-01 a holiday; buckets are months
2026-12 .. 2027-05 over a plan on working days: a month's forecast and contracts are needed
on the first working day of each of its weeks, in proportion to the working days, and
orders are due on the day of their first shortfall.
"""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
from support import fixed_forecast

from sop_xl.app.cycle import PlanRun, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.plan.forecast import ForecastResult


def _stat(first: str = "2026-12") -> ForecastResult:
    return fixed_forecast({"A": 100.0, "B": 40.0}, first, 6)


def _run(path, stat=None) -> PlanRun:
    book = MasterWorkbook.open(path)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    run.__dict__["forecast"] = stat or _stat()
    return run


def _row(result, measure, item):
    return result[measure][list(result.items).index(item)].round(6).tolist()


def test_demand_plan_four_parts(small_master):
    d = _run(small_master).demand
    # A: Dec = open small contract 30−10 + sales forecast 80; Jan = sales forecast 90;
    # Feb = project 50×0.5 + statistical 100 net of that project; Mar–May statistical 100
    assert _row(d, "small_contracts", "A") == [20, 0, 0, 0, 0, 0]
    assert _row(d, "projects_weighted", "A") == [0, 0, 25, 0, 0, 0]
    assert _row(d, "projects_unweighted", "A") == [0, 0, 50, 0, 0, 0]
    assert _row(d, "forecast_part", "A") == [80, 90, 75, 100, 100, 100]
    assert _row(d, "demand", "A") == [100, 90, 100, 100, 100, 100]
    # B: the large contract (100 in Jan) covers more than the statistical 40 → forecast 0
    assert _row(d, "large_contracts", "B") == [0, 100, 0, 0, 0, 0]
    assert _row(d, "demand", "B") == [40, 100, 40, 40, 40, 40]


def test_mps_lot_for_lot_and_fixed_lot(small_master):
    m = _run(small_master).mps
    # A: on hand 20, safety stock 10, lot-for-lot: Dec 100+10−20 = 90, then demand
    assert _row(m, "production", "A") == [90, 90, 100, 100, 100, 100]
    assert _row(m, "projected", "A") == [10] * 6
    # B: fixed lot 50: Dec 40 → 50 (10 left); Jan 100−10 → 100; Feb 30 → 50 (20) ...
    assert _row(m, "production", "B") == [50, 100, 50, 50, 50, 0]
    assert _row(m, "projected", "B") == [10, 10, 20, 30, 40, 0]
    # ATP for B: Dec 50−0 orders; Jan 100 − 100 ordered on contract C2
    assert _row(m, "atp", "B")[:2] == [50, 0]


def test_mrp_explodes_three_levels_on_working_days(small_master):
    run = _run(small_master)
    m, r, days = run.mps, run.mrp, run.days

    def day(text: str) -> int:
        return int(days.demand_day([pd.Timestamp(text).date()])[0])

    # B: fixed lot 50, nothing on hand. Demand is needed on the first working day of each
    # week of its month: December's 40 over 23 working days is 6.96 on 12-01 (4 days),
    # 8.70 on the Mondays 12-07, 12-14, 12-21 and 6.96 on 12-28 — the first order is due
    # 12-01 and leaves 10. January's contract, 100 over 20 working days, is 25 on each of
    # the Mondays 01-04 (New Year's Day is off), 01-11, 01-18, 01-25: 10 − 25 < 0 on
    # 01-04, so the next 50 are due then (35 left, 10 after 01-11), the next on 01-18
    b = list(m.items).index("B")
    due = [str(days.dates[t]) for t in np.flatnonzero(m.daily["production"][b])]
    assert due[:4] == ["2026-12-01", "2027-01-04", "2027-01-18", "2027-02-08"]
    # B's order due 01-04 starts 5 working days earlier, 12-25 (01-01 is off), and needs
    # its 2 S1 a piece that day, beside the S1 of A's order due 01-04
    a = list(m.items).index("A")
    s1 = r.items.get_loc("S1")
    assert r.daily["gross"][s1, day("2026-12-25")] == 100 + m.daily["production"][a,
                                                                               day("2027-01-04")]
    # S1 is made lot-for-lot in 10 working days: the order due 12-25 starts 12-11
    o = r.orders
    s1_order = o[(o["item"] == "S1") & (o["due_date"] == "2026-12-25")].iloc[0]
    assert str(s1_order["release_date"].date()) == "2026-12-11" and not s1_order["past_due"]
    assert s1_order["qty"] == 100 + m.daily["production"][a, day("2027-01-04")]
    # R1 under S1 (min lot 100, multiple 25, 30 on hand, 20 working days): on 12-01 it
    # feeds the S1 orders that should have started by then (due 12-01, 12-07 and 12-14,
    # released 11-17, 11-23 and 11-30): 130 + 21 + 22 = 173, less 30 on hand is 143,
    # rounded to 150; released 11-03, past due
    r1 = o[o["item"] == "R1"]
    assert o[(o["item"] == "S1") & o["past_due"]]["qty"].tolist() == [130, 21, 22]
    assert r.daily["gross"][r.items.get_loc("R1"), 0] == 173
    assert (str(r1["due_date"].iloc[0].date()), r1["qty"].iloc[0]) == ("2026-12-01", 150)
    assert str(r1["release_date"].iloc[0].date()) == "2026-11-03"
    assert (r1["qty"] % 25 == 0).all() and (r1["qty"] >= 100).all()
    # R2: the 100 on order due 12-10 covers December's requirements first
    r2 = r.items.get_loc("R2")
    assert r["planned_receipts"][r2, 0] == r["gross"][r2, 0] - 100
    past_due = r.orders[r.orders["past_due"]]
    assert set(past_due["item"]) == {"S1", "R1", "R2"}
    # the buckets sum the days
    np.testing.assert_allclose(r["gross"].sum(axis=1), r.daily["gross"][:r.n_kept].sum(1))
    pp = run.purchase_plan
    assert set(pp["item"]) == {"R1", "R2"}
    first = pp[pp["item"] == "R1"].iloc[0]
    assert first["supplier"] == "Sup1" and first["qty"] == 150 and first["value"] == 1500


def test_capacity_load_where_the_work_is_done(small_master):
    c = _run(small_master).capacity
    # B (1 h a piece) is made in 50s with a lead time of 5 working days: the order due
    # 12-01 was due to start in November, so all of it is worked on 12-01; the one due
    # 01-04 is worked 12-25 to 12-31, in December too; the ones due 01-18 and 02-08 are
    # worked in the week before, in January and February
    b = list(c.leveled.items).index("B")
    assert c.leveled["planned"][b].tolist() == [100, 50, 50, 50, 50, 0]
    # ASM: 23 working days × 8 h in December; January has 21 weekdays less New Year
    assert c["available"][0][:2].tolist() == [184, 160]
    a = list(c.leveled.items).index("A")
    np.testing.assert_allclose(c["load"][0], 0.5 * c.leveled["planned"][a] + c.leveled[
        "planned"][b])


def test_planner_firmed_cell_is_kept_and_coloured(small_master):
    assert run_steps(MasterWorkbook.open(small_master), ["forecast", "demand", "mps"])
    wb = openpyxl.load_workbook(small_master)
    ws = wb["MPS"]
    header = [c.value for c in ws[3]]
    col = header.index("2027-02") + 1
    measure = header.index("Measure") + 1
    row = next(r for r in range(4, ws.max_row + 1)
               if ws.cell(r, 1).value == "A"
               and ws.cell(r, measure).value == "Planned production")
    ws.cell(row, col).value = 130
    wb.save(small_master)
    run = _run(small_master)
    m = run.mps
    prod = _row(m, "production", "A")
    assert prod[2] == 130  # kept
    # the 30 extra pieces carry into March: 100 + 10 − 40 = 70
    assert prod[3] == 70
    assert m.states[list(m.items).index("A"), 2] == "cell_more"


def test_frozen_period_keeps_the_previous_versions_production(small_master):
    run_steps(MasterWorkbook.open(small_master), ["forecast", "demand", "mps", "version"])
    # next month: planning month 2027-01, and sales now expects 150 of A in January
    wb = openpyxl.load_workbook(small_master)
    st = wb["Settings"]
    for r in range(2, st.max_row + 1):
        if st.cell(r, 1).value == "Planning month":
            st.cell(r, 2).value = pd.Timestamp("2027-01-01").to_pydatetime()
    sf = wb["SalesForecast"]
    sf["E3"].value = 150
    wb.save(small_master)
    run = _run(small_master, _stat("2027-01"))
    m = run.mps
    a = list(m.items).index("A")
    assert m.periods[0] == "2027-01"
    assert m["production"][a, 0] == 90          # frozen at last month's plan
    assert m["suggested"][a, 0] > 90            # demand now needs more
    assert m.states[a, 0] == "cell_less"
    ch = m.frozen_changes
    assert ch[(ch["item"] == "A") & (ch["bucket"] == 0)]["previous"].tolist() == [90.0]
    assert (run.exceptions["category"] == "frozen_change").any()


def test_projection_value_is_stock_times_cost(small_master):
    run = _run(small_master)
    p = run.projection
    a = list(p.items).index("A")
    assert np.allclose(p["value"][a], p["projected"][a] * 100.0)


def test_the_accuracy_step_alone_plans_nothing(small_master, monkeypatch):
    """Forecast accuracy reads the archive and the history; it needs no demand plan, MPS,
    MRP or capacity, so none is computed and the Exceptions sheet is left as it was."""
    from sop_xl.plan import demand, month

    run_steps(MasterWorkbook.open(small_master), ["forecast", "demand"])
    before = MasterWorkbook.open(small_master).read_output_table("exceptions")

    def refuse(*_a, **_k):
        raise AssertionError("the accuracy step planned something")

    for module, name in ((demand, "plan"), (month, "mps"), (month, "mrp"),
                         (month, "capacity")):
        monkeypatch.setattr(module, name, refuse)
    report = run_steps(MasterWorkbook.open(small_master), ["accuracy"], command="accuracy")
    assert report.exceptions is None
    assert report.sheets == ["ForecastKPI", "RunLog"]
    book = MasterWorkbook.open(small_master)
    assert book.read_output_table("exceptions").equals(before)
    assert book.read_output_table("run_log")["summary"].fillna("").tolist()[-1] == ""


def test_each_step_writes_the_sheets_it_names(small_master):
    from sop_xl.app.cycle import STEPS, PlanRun

    book = MasterWorkbook.open(small_master)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    run.__dict__["forecast"] = _stat()
    for step in STEPS:
        keys = [c.key for c in step.build(run)]
        assert sorted(keys) == sorted(step.sheets), step.key
