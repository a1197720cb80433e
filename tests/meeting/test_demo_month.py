"""A month of the demo company: the sales-assistant round (four assistants in two
departments, a year of submissions on file) and the meeting pack, the statistical forecast
fixed at the demo's run-rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from demo_months import demo_frames, run_rate_forecast
from meeting_support import fill, forecast_rows

from sop_xl.app import cycle
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.demo import build_demo
from sop_xl.demo.company import ASSISTANTS
from sop_xl.demo.sales import DEVIATIONS, owned
from sop_xl.faces.assistants import collect, needs_reason, split
from sop_xl.faces.meeting import write_meeting
from sop_xl.plan import month

M = pd.Period("2026-12", "M")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    company = build_demo()
    tmp = tmp_path_factory.mktemp("demo")
    master = write_master(tmp / "sop_master.xlsx", demo_frames(company), company.settings)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(month, "auto_forecast", lambda *a, **k: run_rate_forecast(company))
        cycle.run_steps(MasterWorkbook.open(master), ["forecast"])
    report = split(master, tmp / "out")
    return company, master, report, tmp


def test_each_assistant_gets_the_families_their_department_sells(demo):
    _, _, report, _ = demo
    assert [f.assistant for f in report.files] == sorted(ASSISTANTS)
    assert report.unassigned.empty
    for f in report.files:
        expected = {p.code for p in owned(f.assistant) if p.pattern != "discontinued"}
        assert {r["item"] for r in forecast_rows(f.path)} == expected
        assert f.department == ASSISTANTS[f.assistant][0]


def test_the_planted_deviations_need_a_reason(demo):
    """Under the demo's own rule: beyond 30 %, and at least 5 pcs and 10,000 CNY."""
    company, _, report, _ = demo
    s = company.settings
    price = company.frames["items"].set_index("item")["price"]
    paths = {f.assistant: f.path for f in report.files}
    for assistant, item, lag, factor, _ in DEVIATIONS:
        row = next(r for r in forecast_rows(paths[assistant])
                   if r["item"] == item and r["month"] == str(M + lag))
        assert needs_reason(row["qty"], row["reference"], s["deviation_threshold"],
                            s["deviation_min_qty"], s["deviation_min_value"], price[item]), \
            (assistant, item, factor)
        assert row["reason"]  # the demo's assistant gave one


def test_all_four_collected(demo):
    _, master, report, tmp = demo
    typed: dict[tuple[str, str, str], float] = {}
    for f in report.files:
        rows = forecast_rows(f.path)
        qty = {(r["item"], r["month"]): (r["on_file"] if r["on_file"] is not None
                                         else r["reference"]) for r in rows}
        why = {(r["item"], r["month"]): r["reason"] or "Confirmed with the customer"
               for r in rows if needs_reason(qty[(r["item"], r["month"])], r["reference"],
                                             0.2)}
        fill(f.path, tmp / "in" / f.path.name, qty, why)
        typed.update({(f.assistant, i, m): q for (i, m), q in qty.items()})
    result = collect(tmp / "in", master)
    assert not result.refused and result.missing == []
    assert len(result.accepted) == 4
    sf = MasterWorkbook.open(master).read_inputs().sales_forecast
    now = sf[sf["month"] >= M]
    got = {(a, i, str(m)): q for a, i, m, q in
           zip(now["assistant"], now["item"], now["month"], now["qty"], strict=True)}
    assert got == typed
    older = sf[sf["month"] < M]
    assert len(older) > 0 and older["month"].min() == M - 12


def test_the_meeting_pack_of_the_collected_month(demo):
    company, master, _, _ = demo
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(month, "auto_forecast", lambda *a, **k: run_rate_forecast(company))
        cycle.run_steps(MasterWorkbook.open(master), cycle.CYCLE)
    report = write_meeting(master)
    d = report.data
    items = company.frames["items"].set_index("item")
    stock = company.frames["stock"]
    value = (stock["on_hand"] * stock["item"].map(items["unit_cost"])).sum()
    assert d.kpi("inventory_value").value == pytest.approx(value)
    idle = [(M.start_time.year - s.year) * 12 + M.start_time.month - s.month
            for s in stock["last_movement"]]
    slow = stock[[i >= 6 for i in idle]]
    assert d.kpi("slow_moving_value").value == pytest.approx(
        (slow["on_hand"] * slow["item"].map(items["unit_cost"])).sum())
    # the overloads are the master's Capacity sheet's cells with load above available
    grid = MasterWorkbook.open(master).read_output_grid("capacity")
    cap = grid.pivot_table(index=["resource", "period"], columns="measure", values="value")
    over = cap[cap["load"] > cap["available"] + 1e-9].index.tolist()
    ov = d.exceptions.overloads
    assert sorted(zip(ov["resource"], ov["period"], strict=True)) == sorted(over)
    assert d.kpi("overloads").value == len(over)
    # the valve line is the bottleneck the demo is sized around (demo.load(): over
    # capacity in January at the run-rate); worked between release and due date, with
    # stock to draw on, the plan keeps it just under capacity there
    jan = cap.loc[("AL-VC", str(M + 1))]
    assert 0.9 < jan["load"] / jan["available"] <= 1.0 + 1e-9 or ("AL-VC", str(M + 1)) in over
    # the planted sales-forecast deviations are on the list for decision, with reasons
    dev = d.exceptions.deviations
    for assistant, item, lag, _, reason in DEVIATIONS:
        hit = dev[(dev["assistant"] == assistant) & (dev["item"] == item)
                  & (dev["month"] == M + lag)]
        assert hit["reason"].tolist() == [reason]
    assert sorted(set(d.family_plan["family"])) == ["Controllers", "Pumps", "Valves"]
    assert d.family_plan.groupby("family").size().tolist() == [18, 18, 18]
    # November's forecasts are on file in SalesForecast but were never archived by a run
    # (this is the master's first): no achievement on another basis than ForecastKPI's
    assert d.assistants.empty and np.isnan(d.kpi("forecast_achievement").value)
    # the shortages are the Exceptions sheet's; planned on dates the demo month has none
    # (tests/supply/test_dates.py), so the non-empty case is the small company's
    # (tests/foundation/test_one_truth.py, tests/meeting/test_meeting_pack.py: R1, R2, S1)
    exc = MasterWorkbook.open(master).read_output_table("exceptions")
    short = exc[exc["category"].isin(["Shortage", "Shortage within lead time"])]
    assert set(d.exceptions.shortages["item"]) == set(short["item"])
    assert d.kpi("shortages").value == short["item"].nunique()
