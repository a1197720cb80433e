"""The demo company's last month: its approved plan V001 of 2026-11 (the frozen month of
the MPS and the family plan) and what the plant made and suppliers delivered against it,
so its first meeting pack shows production-based plan achievement, schedule adherence and
supplier on-time-in-full; one family and month worked by hand."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from sop_xl.app import cycle
from sop_xl.app.cycle import PlanRun
from sop_xl.app.master import MasterWorkbook
from sop_xl.demo import build_demo, write_demo
from sop_xl.faces.meeting import write_meeting
from sop_xl.plan import month
from sop_xl.plan.forecast import ForecastResult

NOV = pd.Period("2026-11", "M")


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("demo") / "sop_master.xlsx")


@pytest.fixture(scope="module")
def run(master):
    book = MasterWorkbook.open(master)
    return PlanRun(book, book.read_inputs(), refresh_forecast=False)


def test_the_demo_keeps_last_months_approved_plan(master):
    book = MasterWorkbook.open(master)
    reg = book.read_output_table("versions")
    assert reg[["version", "planning_month", "status", "sheet"]].values.tolist() == [
        ["001", "2026-11", "approved", "V001 2026-11"]]
    assert "V001 2026-11" in book.backend.sheet_names()


def test_controllers_november_by_hand(run):
    # V001's frozen November (MPS production) against ProductionActuals, item by item:
    #   item     planned  made in November                     achieved
    #   FG-C100    151    63 + 83 (MO-002 ran 8 over its 75)     146
    #   FG-C110     70    70                                      70
    #   FG-C120     35    14 + 21 (the 21 eight days late)        35
    #   FG-C200    160    80 + 24 (56 slipped to 1 December)     104
    #   FG-C210    107    87                                      87
    #   FG-C220     59    53                                      53
    #   FG-C300     18    11 + 7                                  18
    #   FG-C310     20    16                                      16
    #   FG-C400     46    43                                      43
    #   FG-C900     10     9                                       9
    #   Controllers 676                                          581 → 581 ÷ 676 = 85.9 %
    k = run.plan_kpis.set_index(["level", "key", "month"])
    c = k.loc[("family", "Controllers", NOV)]
    assert (c["version"], c["planned"], c["actual"], c["achieved"]) == ("001", 676, 581, 581)
    assert c["achievement"] == pytest.approx(581 / 676)
    assert k.loc[("item", "FG-C200", NOV), ["planned", "actual"]].tolist() == [160, 104]
    # Pumps made 13 pieces beyond plan on some items: not counted against others' misses
    p = k.loc[("family", "Pumps", NOV)]
    assert (p["planned"], p["actual"], p["achieved"]) == (1325, 1315, 1302)
    # the two other families near plan, Controllers clearly under it
    assert k.loc[("family", "Valves", NOV), "achievement"] > 0.98
    assert k.loc[("total", "", NOV), "achievement"] == pytest.approx(3612 / 3741)


def test_controllers_schedule_adherence_by_hand(run):
    # 12 Controllers orders due in November; within ± 5 % in November: MO-003 (70 of 70),
    # MO-004 (14 + 21 of 35), MO-005 (80), MO-009 (11 + 7 of 18) → 4 of 12; MO-006 late
    # (24 in November, 56 on 1 December); the other 7 short or over (MO-002: 83 of 75)
    d = run.delivery_kpis.set_index(["kpi", "level", "key", "month"])
    c = d.loc[("schedule_adherence", "family", "Controllers", NOV)]
    assert (c["lines"], c["met"], c["late"], c["short"]) == (12, 4, 1, 7)
    assert c["rate"] == pytest.approx(1 / 3)
    # the electronics supplier behind it: well under the others
    s = d.xs(("supplier_otif", "supplier"), level=("kpi", "level"))["rate"]
    assert s.idxmin()[0] == "Shenzhen Kaixin Electronics" and s.min() < 0.6
    assert d.loc[("supplier_otif", "total", "", NOV), "rate"] > 0.85


def test_a_row_with_a_day_and_no_month_is_counted_in_its_month():
    a = build_demo().frames["production_actuals"]
    blank = a[a["month"].isna()]
    assert len(blank) and blank["date"].notna().all()   # the 1 December rows


def test_the_first_pack_shows_production_based_plan_achievement(master, tmp_path):
    company = build_demo()
    e = company.expected_demand
    f = pd.DataFrame({"item": e["item"], "period": e["month"], "forecast": e["qty"]})
    f["lower"], f["upper"], f["model"] = f["forecast"] * 0.8, f["forecast"] * 1.2, "run-rate"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(month, "auto_forecast",
                   lambda *a, **k: ForecastResult(f, pd.DataFrame(), pd.DataFrame()))
        cycle.run_steps(MasterWorkbook.open(master), cycle.CYCLE)
    report = write_meeting(master, tmp_path / "pack.xlsx")
    wb = openpyxl.load_workbook(report.path)
    cover = {r[0]: r[1:] for r in wb["Cover"].iter_rows(values_only=True) if r and r[0]}
    assert cover["Plan achievement"][0] == pytest.approx(3612 / 3741)
    assert "frozen MPS of version 001 for 2026-11" in cover["Plan achievement"][3]
    assert cover["Schedule adherence"][0] == pytest.approx(37 / 51)
    assert cover["Supplier on time in full"][0] == pytest.approx(157 / 177)
    # the family page: Controllers planned against made
    rows = [r for r in wb["Family review"].iter_rows(values_only=True) if any(r)]
    prod = next(r for r in rows if str(r[0]).startswith("Production (pcs)"))
    assert prod[1:3] == (676, 581)
    assert next(r[1] for r in rows if str(r[0]).startswith("Plan achievement")) == \
        pytest.approx(581 / 676)
