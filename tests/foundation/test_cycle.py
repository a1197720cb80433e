"""The whole month on the small company, with the numbers worked out by hand.

The statistical forecast is fixed (A: 100/month, B: 40/month) so every figure below can be
followed on paper. Calendar: Monday–Friday, 2027-01-01 a holiday; buckets are months
2026-12 .. 2027-05; receipts are due on the first day of their bucket.
"""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
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


def test_mrp_explodes_three_levels_with_lead_time_offset(small_master):
    run = _run(small_master)
    r = run.mrp
    # finished goods release 5 working days before their due date: the Dec order was due
    # to start in November (past due → Dec), the Jan order starts 2026-12-24, and so on.
    # S1 = 1 per A + 2 per B:  Dec (90+90) + 2×(50+100) = 480; Jan 100 + 2×50 = 200 ...
    assert _row(r, "gross", "S1") == [480, 200, 200, 200, 100, 0]
    # S1 lead time 10 working days: Jan's 200 is released 2026-12-17, in December
    assert _row(r, "planned_releases", "S1") == [680, 200, 200, 100, 0, 0]
    # R1 under S1: min lot 100, multiple 25, 30 on hand: Dec 680−30 = 650
    assert _row(r, "gross", "R1") == [680, 200, 200, 100, 0, 0]
    assert _row(r, "planned_receipts", "R1") == [650, 200, 200, 100, 0, 0]
    # R2 = 2 per A + 4 per B, less the 100 on order due 2026-12-10
    assert _row(r, "gross", "R2") == [960, 400, 400, 400, 200, 0]
    assert _row(r, "planned_receipts", "R2") == [860, 400, 400, 400, 200, 0]
    past_due = r.orders[r.orders["past_due"]]
    assert set(past_due["item"]) == {"S1", "R1", "R2"}
    pp = run.purchase_plan
    assert set(pp["item"]) == {"R1", "R2"}
    r1 = pp[pp["item"] == "R1"].iloc[0]
    assert r1["supplier"] == "Sup1" and r1["qty"] == 650 and r1["value"] == 6500


def test_capacity_load_against_working_days(small_master):
    c = _run(small_master).capacity
    # ASM: A 0.5 h/pc, B 1 h/pc. Dec: 90×0.5 + 50 = 95 h of 23 days × 8 h = 184 h.
    # Jan: 45 + 100 = 145 h of (21 weekdays − New Year) × 8 = 160 h
    assert c["load"][0][:2].tolist() == [95, 145]
    assert c["available"][0][:2].tolist() == [184, 160]
    assert c["utilisation"][0][0] == pytest.approx(95 / 184)


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
    assert (run.exceptions["category"] == "Change in frozen period").any()


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
