"""Split → fill as a sales assistant would → collect, on the small company, with the
figures worked out by hand.

Statistical forecast: A 100/month, B 40/month. A sells only through Domestic Sales (Li
Na), B only through International Trade (Zhang Wei). Open for Domestic Sales: small
contract C1, 20 of A in December; project P1, 50 of A × 50 % in February. For International
Trade: large contract C2, 100 of B in January.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from meeting_support import (
    fill,
    fixed_forecast,
    forecast_rows,
    new_master,
    run_month,
    two_assistant_frames,
)
from support import file_hash

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import ValidationError
from sop_xl.cli import main as cli
from sop_xl.faces.assistants import collect, split
from sop_xl.faces.assistants.manifest import MANIFEST_SHEET
from sop_xl.layout.render import table_content
from sop_xl.workbook.file import FileBackend

P = pd.Period
DEC, JAN, FEB, MAR = ("2026-12", "2027-01", "2027-02", "2027-03")


def _files(out: Path) -> dict[str, Path]:
    return {p.stem.split(" ", 1)[1]: p for p in sorted(out.glob("*.xlsx"))}


def _li_na(tmp: Path, src: Path, feb_reason: str | None = "Dam project brought forward"
           ) -> Path:
    return fill(src, tmp / "in" / src.name,
                {("A", DEC): 85, ("A", JAN): 90, ("A", FEB): 130, ("A", MAR): 100},
                {("A", FEB): feb_reason} if feb_reason else {})


def _zhang_wei(tmp: Path, src: Path) -> Path:
    return fill(src, tmp / "in" / src.name,
                {("B", DEC): 40, ("B", JAN): 30, ("B", FEB): 40, ("B", MAR): 35})


def test_split_gives_each_assistant_their_items_and_figures(planned, tmp_path):
    report = split(planned, tmp_path / "out")
    files = _files(tmp_path / "out")
    assert set(files) == {"Li Na", "Zhang Wei"}
    assert [f.items for f in report.files] == [1, 1]
    li = forecast_rows(files["Li Na"])
    assert [r["item"] for r in li] == ["A"] * 4
    assert [r["month"] for r in li] == [DEC, JAN, FEB, MAR]
    # reference = 100 − Domestic Sales' contracts (20 in Dec) and projects × p (25 in Feb)
    assert [r["reference"] for r in li] == [80, 100, 75, 100]
    assert [r["known"] for r in li] == [20, 0, 25, 0]
    # the submission on file is shown and pre-filled; M+2 and M+3 are still to be typed
    assert [r["on_file"] for r in li] == [80, 90, None, None]
    assert [r["qty"] for r in li] == [80, 90, None, None]
    zw = forecast_rows(files["Zhang Wei"])
    # International Trade's large contract C2 covers January: 40 − 100 → 0
    assert [r["reference"] for r in zw] == [40, 0, 40, 40]
    assert zw[1]["reason"] == "Spot orders besides C2"


def test_history_sheet_in_the_first_month(planned, tmp_path):
    split(planned, tmp_path / "out")
    raw = FileBackend(_files(tmp_path / "out")["Li Na"]).read_sheet("History")
    header = raw.rows[3]
    shipped = raw.rows[4]
    assert header[3] == "2024-12" and header[26] == "2026-11"  # 24 months of history
    # A ships 100 + 2 × (k mod 12) in the k-th month of the small company's history
    assert shipped[26] == 122 and shipped[3] == 100
    # no forecast for November in the ForecastArchive yet (the first run archived
    # December's): no achievement rather than one on another basis than ForecastKPI's
    at = header.index("Achievement")
    assert shipped[at - 2:at + 1] == ["", "", ""]
    total = next(r for r in raw.rows if r[2] == "All your items")
    assert total[at - 2:at + 1] == [0, 0, ""]
    # both lines ahead are the Forecast sheet's figures plus contracts/projects: the
    # statistical reference 80 + 20 and the forecast typed 80 + 20
    assert raw.rows[5][header.index("2026-12")] == 100
    assert raw.rows[6][header.index("2026-12")] == 100
    assert raw.rows[5][header.index("2027-02")] == 75 + 25     # P1 50 × 0.5 in February


def test_split_protects_all_but_the_input_cells(planned, tmp_path):
    split(planned, tmp_path / "out")
    wb = openpyxl.load_workbook(_files(tmp_path / "out")["Li Na"])
    ws = wb["Forecast"]
    assert ws.protection.sheet and wb["History"].protection.sheet
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row
                if c.protection.locked is False}
    assert unlocked == {f"{col}{r}" for col in "HJ" for r in range(7, 11)}
    assert wb[MANIFEST_SHEET].sheet_state == "veryHidden"
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"whole", "textLength"} <= kinds
    assert len(wb["Charts"]._charts) == 1


def test_round_trip_replaces_exactly_the_submitting_assistants_rows(planned, tmp_path):
    before = MasterWorkbook.open(planned).read_frame("sales_forecast")[0]
    split(planned, tmp_path / "out")
    files = _files(tmp_path / "out")
    _li_na(tmp_path, files["Li Na"])
    report = collect(tmp_path / "in", planned)
    assert [r.assistant for r in report.accepted] == ["Li Na"] and report.written
    assert report.missing == ["Zhang Wei"]
    book = MasterWorkbook.open(planned)
    sf = book.read_frame("sales_forecast")[0]
    mine = sf[(sf["assistant"] == "Li Na") & (sf["month"] >= P(DEC, "M"))]
    assert mine["qty"].tolist() == [85, 90, 130, 100]
    assert mine["reason"].tolist()[2] == "Dam project brought forward"
    # every other row as it was: Li Na's June and November rows, all of Zhang Wei's
    keep = ~((before["assistant"] == "Li Na") & (before["month"] >= P(DEC, "M")))
    cols = ["assistant", "department", "item", "month", "qty"]
    others = sf[~((sf["assistant"] == "Li Na") & (sf["month"] >= P(DEC, "M")))]
    pd.testing.assert_frame_equal(others[cols].reset_index(drop=True),
                                  before[keep][cols].reset_index(drop=True))
    log = book.read_output_table("submissions")
    assert log["assistant"].tolist() == ["Li Na"]
    assert log["file_hash"].tolist() == [file_hash(tmp_path / "in" / files["Li Na"].name)]
    assert log[["rows", "flagged", "status"]].values.tolist() == [[4, 1, "accepted"]]
    assert log["planning_month"].tolist() == [DEC]


def test_collect_keeps_a_planners_own_column_and_other_sheets(planned, tmp_path):
    wb = openpyxl.load_workbook(planned)
    ws = wb["SalesForecast"]
    ws["H1"], ws["H3"] = "My note", "checked with Li Na"   # row 3: Li Na, November
    wb.create_sheet("My pivot")["A1"] = "planner's own sheet"
    wb.save(planned)
    fb = FileBackend(planned)
    own, items = fb.sheet_xml("My pivot"), fb.read_sheet("Items").rows
    split(planned, tmp_path / "out")
    _li_na(tmp_path, _files(tmp_path / "out")["Li Na"])
    collect(tmp_path / "in", planned)
    fb = FileBackend(planned)
    assert fb.sheet_xml("My pivot") == own
    assert fb.read_sheet("Items").rows == items
    rows = fb.read_sheet("SalesForecast").rows
    assert rows[0][7] == "My note" and rows[2][7] == "checked with Li Na"
    MasterWorkbook.open(planned).read_inputs()  # still valid


def test_every_assistant_in_gives_the_expected_sales_forecast(planned, tmp_path):
    split(planned, tmp_path / "out")
    files = _files(tmp_path / "out")
    _li_na(tmp_path, files["Li Na"])
    _zhang_wei(tmp_path, files["Zhang Wei"])
    report = collect(tmp_path / "in", planned)
    assert sorted(r.assistant for r in report.accepted) == ["Li Na", "Zhang Wei"]
    assert report.missing == []
    sf = MasterWorkbook.open(planned).read_inputs().sales_forecast
    got = {(a, str(m)): q for a, m, q in zip(sf["assistant"], sf["month"], sf["qty"],
                                             strict=True)}
    assert got == {("Li Na", "2026-06"): 100, ("Li Na", "2026-11"): 95,
                   ("Li Na", DEC): 85, ("Li Na", JAN): 90, ("Li Na", FEB): 130,
                   ("Li Na", MAR): 100, ("Zhang Wei", "2026-11"): 45,
                   ("Zhang Wei", DEC): 40, ("Zhang Wei", JAN): 30, ("Zhang Wei", FEB): 40,
                   ("Zhang Wei", MAR): 35}


# -- refusals ----------------------------------------------------------------------------
def _refused(report, name: str) -> list[str]:
    return [p.code for p in report.refused[name]]


def test_missing_reason_and_bad_numbers_are_refused_with_the_cells(planned, tmp_path):
    split(planned, tmp_path / "out")
    src = _files(tmp_path / "out")["Li Na"]
    bad = fill(src, tmp_path / "in" / src.name,
               {("A", DEC): -5, ("A", JAN): 12.5, ("A", FEB): 130, ("A", MAR): "lots"})
    before = file_hash(planned)
    report = collect(tmp_path / "in", planned)
    assert not report.written and file_hash(planned) == before
    problems = report.refused[bad.name]
    assert [(p.code, p.cell) for p in problems] == [
        ("below_min", "H7"), ("bad_type", "H8"), ("asst_reason_required", "J9"),
        ("bad_type", "H10")]
    text = problems[2].render()
    assert text.startswith(f"[{bad.name}] Forecast!J9 (Reason): forecast 130 departs from "
                           "the statistical forecast 75 by more than 20%")


def test_a_changed_protected_cell_is_refused(planned, tmp_path):
    split(planned, tmp_path / "out")
    src = _files(tmp_path / "out")["Li Na"]
    filled = _li_na(tmp_path, src)
    wb = openpyxl.load_workbook(filled)
    wb["Forecast"]["E7"] = 120          # the statistical forecast, typed over
    wb["History"]["D5"].value = 0       # a month of history
    wb.save(filled)
    report = collect(tmp_path / "in", planned)
    problems = report.refused[filled.name]
    assert [(p.code, p.sheet, p.cell) for p in problems] == [
        ("asst_protected_changed", "Forecast", "E7"),
        ("asst_protected_changed", "History", "D5")]
    assert "it held 80, now 120" in problems[0].render()


def test_a_file_for_another_month_is_refused(planned, tmp_path):
    split(planned, tmp_path / "out")
    src = _files(tmp_path / "out")["Li Na"]
    _li_na(tmp_path, src)
    wb = openpyxl.load_workbook(planned)   # the planner moves on to January
    st = wb["Settings"]
    for r in range(2, st.max_row + 1):
        if st.cell(r, 1).value == "Planning month":
            st.cell(r, 2).value = pd.Timestamp("2027-01-01").to_pydatetime()
    wb.save(planned)
    report = collect(tmp_path / "in", planned)
    assert _refused(report, src.name) == ["asst_wrong_month"]
    assert "is for planning month 2026-12, but the master plans 2027-01" in \
        report.refused[src.name][0].render()


def test_duplicates_are_refused_unless_replace_and_then_logged(planned, tmp_path):
    split(planned, tmp_path / "out")
    src = _files(tmp_path / "out")["Li Na"]
    first = _li_na(tmp_path, src)
    assert collect(tmp_path / "in", planned).accepted
    again = collect(tmp_path / "in", planned)        # the same file: already in
    assert again.skipped == {first.name: again.skipped[first.name]} and not again.written
    second = fill(src, tmp_path / "in2" / src.name,
                  {("A", DEC): 70, ("A", JAN): 90, ("A", FEB): 75, ("A", MAR): 100})
    refused = collect(tmp_path / "in2", planned)
    assert _refused(refused, second.name) == ["asst_duplicate"]
    assert "pass --replace" in refused.refused[second.name][0].render()
    replaced = collect(tmp_path / "in2", planned, replace=True)
    assert replaced.accepted and second.name in replaced.replaced
    book = MasterWorkbook.open(planned)
    sf = book.read_inputs().sales_forecast
    assert sf[(sf["assistant"] == "Li Na") & (sf["month"] == P(DEC, "M"))]["qty"].tolist() \
        == [70]
    log = book.read_output_table("submissions")
    assert log["status"].tolist() == ["accepted", "replaced"]
    assert log["note"].iloc[1].startswith(f"replaces {first.name} collected ")
    assert file_hash(first)[:12] in log["note"].iloc[1]


def test_two_files_of_one_assistant_and_foreign_files_are_refused(planned, tmp_path):
    split(planned, tmp_path / "out")
    src = _files(tmp_path / "out")["Li Na"]
    a = _li_na(tmp_path, src)
    shutil.copy(a, tmp_path / "in" / "Li Na final.xlsx")
    openpyxl.Workbook().save(tmp_path / "in" / "notes.xlsx")
    (tmp_path / "in" / "~$locked.xlsx").write_bytes(b"owner file of Excel")
    report = collect(tmp_path / "in", planned)
    assert set(report.refused) == {a.name, "Li Na final.xlsx", "notes.xlsx"}
    assert _refused(report, a.name) == ["asst_two_files"]
    assert _refused(report, "notes.xlsx") == ["asst_not_ours"]


def test_master_guards_its_input_sheets(planned):
    book = MasterWorkbook.open(planned)
    sf = book.read_frame("sales_forecast")[0]
    content = table_content(contract.sheet("sales_forecast"), sf, "en")
    with pytest.raises(ValidationError):
        book.write([content])
    with pytest.raises(ValidationError):
        book.write_inputs([content], reason="a run")
    items = table_content(contract.sheet("items"), book.read_frame("items")[0], "en")
    with pytest.raises(ValidationError):
        book.write_inputs([items], reason="assistants collect")


def test_the_commands_print_who_is_in_and_exit_4_on_a_refusal(planned, tmp_path, capsys):
    assert cli.main(["assistants", "split", str(planned), "--out",
                     str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "2 workbook(s) for planning month 2026-12" in out
    assert "2026-12 Li Na.xlsx: Li Na (Domestic Sales), 1 items" in out
    files = _files(tmp_path / "out")
    _li_na(tmp_path, files["Li Na"], feb_reason=None)       # February's reason missing
    assert cli.main(["assistants", "collect", str(tmp_path / "in"), str(planned)]) == 4
    out = capsys.readouterr().out
    assert "refused   2026-12 Li Na.xlsx:" in out and "give a reason" in out
    assert "Nothing written to master.xlsx." in out
    assert "Not submitted yet for 2026-12: Li Na, Zhang Wei" in out
    _li_na(tmp_path, files["Li Na"])
    assert cli.main(["assistants", "collect", str(tmp_path / "in"), str(planned)]) == 0
    out = capsys.readouterr().out
    assert "accepted  2026-12 Li Na.xlsx: Li Na, 4 rows, 1 beyond the threshold" in out
    assert "Not submitted yet for 2026-12: Zhang Wei" in out
    assert cli.main(["assistants", "collect", str(tmp_path / "nowhere"), str(planned)]) == 3
    assert "nowhere: is not a folder" in capsys.readouterr().err


def test_a_chinese_master_gives_chinese_workbooks_and_messages(tmp_path, monkeypatch):
    f, s = two_assistant_frames()
    master = new_master(tmp_path / "master_zh.xlsx", f, s, lang="zh-CN")
    run_month(master, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6), monkeypatch)
    split(master, tmp_path / "out")
    src = _files(tmp_path / "out")["Li Na"]
    wb = openpyxl.load_workbook(src)
    assert wb.sheetnames == ["预测填报", "历史与达成", "图表", MANIFEST_SHEET]
    assert wb["预测填报"]["H6"].value == "您的预测(件)"
    fill(src, tmp_path / "in" / src.name,
         {("A", DEC): 85, ("A", JAN): 90, ("A", FEB): 130, ("A", MAR): 100}, sheet="预测填报")
    report = collect(tmp_path / "in", master)
    [problem] = report.refused[src.name]
    assert problem.render("zh-CN").endswith(
        "预测填报!J9 (原因说明): 预测 130 与统计预测 75 的偏差超过 20%；请填写原因")
    fill(src, tmp_path / "in" / src.name,
         {("A", DEC): 85, ("A", JAN): 90, ("A", FEB): 130, ("A", MAR): 100},
         {("A", FEB): "项目提前"}, sheet="预测填报")
    assert collect(tmp_path / "in", master).accepted
    book = MasterWorkbook.open(master)
    assert "提交记录" in book.backend.sheet_names()
    sf = book.read_inputs().sales_forecast
    assert sf[(sf["month"] == P(FEB, "M"))]["reason"].tolist() == ["项目提前"]
