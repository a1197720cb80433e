"""Two months of the small company through the meeting: November's pack with decisions
typed in, then December (history, stock and the sales assistant's round updated), whose
pack puts November beside it, compares the plan with November's version and carries the
open decisions forward. Figures worked out by hand.

Statistical forecast A 100, B 40 a month; no frozen period, so every plan below can be
followed on paper (see tests/foundation/test_cycle.py for the December plan).
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from meeting_support import fill, fixed_forecast, new_master, replace_inputs, run_month
from recalc import formula_mismatches, recalculate, soffice_available
from small_company import frames

from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import WorkbookError
from sop_xl.cli import main as cli
from sop_xl.faces.assistants import collect, split
from sop_xl.faces.meeting import write_meeting
from sop_xl.faces.meeting.data import KPI_KEYS
from sop_xl.workbook.file import FileBackend

NOV, DEC = pd.Period("2026-11", "M"), pd.Period("2026-12", "M")
FAR_NOV = (122 + 40) / (100 + 40)  # Σ shipped ÷ Σ demand plan (sop_xl.plan.accuracy)


def _month_inputs(month: str, sales_forecast: pd.DataFrame | None = None):
    f, s = frames(month)
    if sales_forecast is not None:
        f["sales_forecast"] = sales_forecast
    return f, {**s, "frozen_periods": 0}


def _type_decisions(pack: Path) -> None:
    """At November's meeting: the plan is approved (done), a proposal on the slow-moving
    castings is taken up (open), and a new topic is added (in progress)."""
    wb = openpyxl.load_workbook(pack)
    ws = wb["Decisions"]
    rows = {ws.cell(r, 3).value: r for r in range(5, ws.max_row + 1)}
    approve = next(r for t, r in rows.items() if t and t.startswith("Approve the plan"))
    slow = next(r for t, r in rows.items() if t and t.startswith("Slow-moving"))
    blank = next(r for t, r in rows.items() if t is None)
    for r, values in ((approve, {4: "Approved as proposed", 8: "Done"}),
                      (slow, {4: "Sell R1 castings back to Sup1", 5: "Purchasing",
                              6: "2027-01-31"}),
                      (blank, {3: "Second shift on ASM", 4: "Trial in January", 5: "Ops",
                               8: "In progress"})):
        for c, v in values.items():
            assert ws.cell(r, c).protection.locked is False
            ws.cell(r, c).value = v
    wb.save(pack)


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("months")
    with pytest.MonkeyPatch.context() as mp:
        f, s = _month_inputs("2026-11")
        master = new_master(tmp / "sop_master.xlsx", f, s)
        run_month(master, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-11", 6), mp)
        nov = write_meeting(master)
        _type_decisions(nov.path)
        # December: new history, stock and contracts; last month's submission stays on file
        sf = MasterWorkbook.open(master).read_inputs().sales_forecast.drop(columns="_row")
        f, s = _month_inputs("2026-12", sf)
        replace_inputs(master, f, s)
        dec_stat = fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)
        run_month(master, dec_stat, mp, ("forecast",))
        out = split(master, tmp / "out")
        src = out.files[0].path
        fill(src, tmp / "in" / src.name, {("A", "2026-12"): 80, ("A", "2027-01"): 90,
                                          ("A", "2027-02"): 75, ("A", "2027-03"): 100})
        assert collect(tmp / "in", master).accepted
        run_month(master, dec_stat, mp)
        dec = write_meeting(master)
    return master, nov, dec


def _cover(pack: Path) -> dict[str, list]:
    rows = FileBackend(pack).read_sheet("Cover").rows
    return {r[0]: r[1:4] for r in rows[6:6 + len(KPI_KEYS)]}


def test_novembers_pack_logged_its_figures_and_was_found(months):
    master, nov, dec = months
    assert nov.path.name == "sop_master meeting 2026-11.xlsx"
    assert dec.previous is not None and dec.previous.path == nov.path
    log = MasterWorkbook.open(master).read_output_table("meeting_kpis")
    assert set(log["planning_month"]) == {"2026-11", "2026-12"}
    # November had no plan version of October: no achievement figures logged for it
    assert set(log[log["planning_month"] == "2026-11"]["kpi"]) == {
        "inventory_value", "days_of_supply", "slow_moving_value", "excess_value",
        "capacity_utilisation", "overloads", "shortages"}


def _load(master: Path, months: int) -> float:
    """ASM's load hours of the first months on the master's Capacity sheet."""
    g = MasterWorkbook.open(master).read_output_grid("capacity")
    g = g[(g["measure"] == "load")]
    return float(g[g["period"].isin(["2026-12", "2027-01", "2027-02"][:months])]["value"]
                 .sum())


def test_decembers_kpis_by_hand(months):
    master, _, dec = months
    k = {x.key: x.value for x in dec.data.kpis}
    # November: plan V001 had A 20 on contract + 80 forecast = 100, B 40; shipped A 122, B 40
    assert k["forecast_achievement"] == pytest.approx(FAR_NOV)
    assert k["plan_achievement"] == pytest.approx((100 + 40) / (100 + 40))
    assert k["inventory_value"] == 20 * 100 + 30 * 10          # A and casting R1 at cost
    # A's 2,000 of stock ÷ (cost of Dec–Feb demand: A 290 × 100 + B 180 × 200) per day of
    # the 23 + 20 + 20 working days
    assert k["days_of_supply"] == pytest.approx(2000 / ((290 * 100 + 180 * 200) / 63))
    assert k["slow_moving_value"] == 30 * 10                    # R1, idle since 2025-01
    assert k["excess_value"] == 0
    # ASM load Dec–Feb, where the work is done (sop_xl.plan.capacity.work; worked by hand
    # in tests/foundation/test_cycle.py), against 184 + 160 + 160 h
    assert k["capacity_utilisation"] == pytest.approx(_load(master, 3) / 504)
    # R1, R2 and S1 are short within their lead time (the Exceptions sheet's criticals)
    assert k["overloads"] == 0 and k["shortages"] == 3
    assert dec.data.exceptions.shortages["item"].tolist() == ["R1", "R2", "S1"]
    assert "as archived in 2026-11 (lag 1)" in dec.data.kpi("forecast_achievement").basis
    assert dec.data.kpi("plan_achievement").basis.endswith("version 001 (draft) for 2026-11")


def test_the_cover_shows_them_beside_last_month(months):
    master, nov, dec = months
    cover = _cover(dec.path)
    assert cover["Forecast achievement rate"] == [pytest.approx(FAR_NOV), "—", ""]
    assert cover["Inventory value (CNY)"] == [2300, 2300, 0]
    # November: ASM's load of November's plan over 168 + 184 + 160 h (21, 23, 20 working
    # days × 8 h), as November's pack logged it
    last = nov.data.kpi("capacity_utilisation").value
    assert 0.6 < last < 0.75
    now = _load(master, 3) / 504
    assert cover["Capacity utilisation, next 3 months"] == pytest.approx(
        [now, last, now - last])
    nov_cover = _cover(nov.path)
    assert nov_cover["Capacity utilisation, next 3 months"][0] == pytest.approx(last)
    rows = FileBackend(dec.path).read_sheet("Cover").rows
    li = next(r for r in rows if r[0] == "Li Na (Domestic Sales)")
    # shipped ÷ forecast, the forecast with Domestic Sales' 20 on contract (as archived)
    assert li[1:4] == [100, 122, pytest.approx(122 / 100)]


def test_last_months_achievement_is_forecastkpis_in_the_pack_and_the_assistant_book(
        months, tmp_path):
    """One computation (ForecastKPI's rows, lag 1): Li Na forecast 80 for November plus 20
    of A on Domestic Sales' contract; 122 shipped."""
    master, _, dec = months
    kpi = MasterWorkbook.open(master).read_output_table("forecast_kpi")
    row = kpi[(kpi["level"] == "assistant") & (kpi["key"] == "Li Na") & (kpi["lag"] == 1)
              & (kpi["source"] == "sales")]
    assert row[["forecast", "actual"]].values.tolist() == [[100, 122]]
    pack = dec.data.assistants.set_index("assistant").loc["Li Na"]
    assert (pack["forecast"], pack["actual"]) == (100, 122)
    split(master, tmp_path / "out")
    raw = FileBackend(tmp_path / "out" / "2026-12 Li Na.xlsx").read_sheet("History")
    at = raw.rows[3].index("Achievement")
    assert raw.rows[4][at - 2:at + 1] == [100, 122, pytest.approx(1.22)]
    total = next(r for r in raw.rows if r[2] == "All your items")
    assert total[at - 2:at + 1] == [100, 122, pytest.approx(1.22)]
    assert row["achievement"].iloc[0] == pytest.approx(pack["achievement"]) == 1.22


def test_plan_against_last_months_version(months):
    _, _, dec = months
    assert dec.data.compared_with.version == "001"
    c = dec.data.comparison.set_index(["family", "month", "measure"])
    # December in V001 (made in November): A 90 + B 100 (C2's January was December then)
    assert c.loc[("Pumps", DEC, "demand")].tolist() == [140, 190]
    assert c.loc[("Pumps", DEC, "production")].tolist() == [140, 190]
    rows = FileBackend(dec.path).read_sheet("Versus last plan").rows
    header = rows[3]
    at = header.index("2026-12")
    block = [r for r in rows[4:13]]
    assert [r[at] for r in block[:3]] == [140, 190, -50]


def test_financial_projection_by_hand(months):
    _, _, dec = months
    first = dec.data.finance.iloc[0]
    assert first["month"] == DEC
    assert first["revenue"] == 100 * 150 + 40 * 280
    assert first["cost_of_sales"] == 100 * 100 + 40 * 200
    assert first["gross_margin"] == 8200
    rows = FileBackend(dec.path).read_sheet("Finance").rows
    assert rows[3][1] == 26200 and rows[5][1] == 8200


def test_decisions_are_logged_and_the_open_ones_carried(months):
    master, _, dec = months
    log = MasterWorkbook.open(master).read_output_table("decisions")
    assert log["decision_id"].tolist() == ["D2026-11-01", "D2026-11-02", "D2026-11-03"]
    assert log["status"].tolist() == ["done", "open", "in_progress"]
    assert set(log["reviewed_month"]) == {"2026-11"}
    assert dec.carried["decision_id"].tolist() == ["D2026-11-02", "D2026-11-03"]
    rows = FileBackend(dec.path).read_sheet("Decisions").rows
    assert rows[4][:8] == ["D2026-11-02", "2026-11", rows[4][2],
                           "Sell R1 castings back to Sup1", "Purchasing", "2027-01-31",
                           "Open", "Open"]
    assert rows[5][0] == "D2026-11-03" and rows[5][6] == "In progress"
    assert rows[6][2].startswith("Approve the plan of 2026-12 (002)")


def test_rewriting_the_pack_keeps_typed_decisions_safe(months, tmp_path):
    master, _, dec = months
    copy = tmp_path / "master.xlsx"
    shutil.copy(master, copy)
    pack = tmp_path / "pack.xlsx"
    shutil.copy(dec.path, pack)
    again = write_meeting(copy, pack, previous=months[1].path)
    assert again.logged_decisions == 0            # November's decisions are logged already
    with pytest.raises(WorkbookError, match="is the pack of 2026-12, not of a month before"):
        write_meeting(copy, tmp_path / "other.xlsx", previous=pack)
    for cell, typed in (("H5", "Done"), ("D6", "Trial extended to March"),
                        ("C12", "Price increase for B")):
        edited = tmp_path / f"pack {cell}.xlsx"
        shutil.copy(pack, edited)
        wb = openpyxl.load_workbook(edited)
        wb["Decisions"][cell] = typed
        wb.save(edited)
        with pytest.raises(WorkbookError, match="already holds decisions typed"):
            write_meeting(copy, edited, previous=months[1].path)
        assert write_meeting(copy, edited, previous=months[1].path, force=True).path == edited


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="needs LibreOffice")
def test_libreoffice_opens_the_pack_and_the_cli_renders_a_pdf(months, tmp_path):
    master, _, dec = months
    checked, bad = formula_mismatches(dec.path, recalculate(dec.path, tmp_path / "lo"))
    # cover: 11 changes; family review: Pumps' 3 rows × (difference, ratio); versus: 5
    # common months × 3 measures × (all + Pumps); finance: 6 months × (margin, margin %)
    assert checked == len(KPI_KEYS) + 3 * 2 + 5 * 3 * 2 + 6 * 2 and bad == []
    copy = tmp_path / "sop_master.xlsx"
    shutil.copy(master, copy)
    shutil.copy(months[1].path, tmp_path / months[1].path.name)
    assert cli.main(["meeting", str(copy), "--pdf"]) == 0
    pdf = tmp_path / "sop_master meeting 2026-12.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "S&OP meeting — 2026-12" in text and "Forecast achievement rate" in text
    assert f"{FAR_NOV:.1%}" in text
    assert text.count("\f") >= 5  # a page at least per sheet


def test_a_chinese_master_gives_a_chinese_pack(tmp_path, monkeypatch):
    f, s = _month_inputs("2026-12")
    master = new_master(tmp_path / "zh.xlsx", f, s, lang="zh-CN")
    run_month(master, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6), monkeypatch)
    report = write_meeting(master)
    names = FileBackend(report.path).sheet_names()
    assert names[:7] == ["封面与指标", "产品族计划", "产品族回顾", "与上月计划对比", "待决策事项",
                         "财务预测", "会议决议"]
    rows = FileBackend(report.path).read_sheet("封面与指标").rows
    assert rows[0][0] == "S&OP 会议 — 2026-12"
    assert rows[6][0] == "预测达成率" and rows[6][1] == "—"
    assert rows[8][0] == "生产计划执行率" and rows[9][0] == "供应商准时足量交付率"
    assert math.isclose(rows[10][1], 2300)
    assert "会议指标" in MasterWorkbook.open(master).backend.sheet_names()
