"""Bad input is reported cell by cell, all in one pass, and the file is left untouched."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pytest
from small_company import frames
from support import file_hash

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import ValidationError, WorkbookError
from sop_xl.cli.main import main
from sop_xl.workbook.package import Package


def _bad_master(tmp_path, lang="en"):
    f, s = frames()
    items = f["items"].astype(object)
    items.loc[1, "lead_time_days"] = "ten"          # Items!H3: text in a number column
    items.loc[4, "item_type"] = "Widget"            # Items!C6: not an allowed type
    f["items"] = pd.concat([items, items.iloc[[0]]], ignore_index=True)  # Items row 7: dup A
    bom = f["bom"].astype(object)
    bom.loc[1, "qty_per"] = None                    # BOM!C3: blank required
    bom.loc[3, "qty_per"] = -2.0                    # BOM!C5: below the minimum
    bom.loc[4, "component"] = "ZZ"                  # BOM!B6: not in Items
    f["bom"] = bom
    hist = f["sales_history"].astype(object)
    hist.loc[0, "month"] = pd.Period("2027-03", "M")  # SalesHistory!B2: in the future
    f["sales_history"] = hist
    return write_master(tmp_path / "bad.xlsx", f, s, lang=lang)


def _problems(path):
    with pytest.raises(ValidationError) as err:
        MasterWorkbook.open(path).read_inputs()
    return err.value.problems


def test_every_problem_is_found_in_one_pass_with_its_cell(tmp_path):
    path = _bad_master(tmp_path)
    found = {(p.code, p.sheet, p.cell) for p in _problems(path)}
    assert ("bad_type", "Items", "H3") in found
    assert ("not_allowed", "Items", "C6") in found
    assert ("duplicate_key", "Items", "A7") in found
    assert ("required", "BOM", "C3") in found
    assert ("below_min", "BOM", "C5") in found


def test_cross_sheet_rules_run_once_cells_are_clean(tmp_path):
    f, s = frames()
    f["bom"].loc[4, "component"] = "ZZ"
    f["sales_history"].loc[0, "month"] = pd.Period("2027-03", "M")
    f["contracts"].loc[0, "delivered_qty"] = 99.0
    path = write_master(tmp_path / "refs.xlsx", f, s)
    found = {(p.code, p.sheet, p.cell) for p in _problems(path)}
    assert ("unknown_ref", "BOM", "B6") in found
    assert ("future_month", "SalesHistory", "B2") in found
    assert ("delivered_gt_ordered", "Contracts", "G2") in found


def test_messages_name_workbook_sheet_cell_value_and_expectation(tmp_path):
    path = _bad_master(tmp_path)
    text = {p.cell: p.render("en") for p in _problems(path)}
    assert text["H3"] == ("[bad.xlsx] Items!H3 (Lead time (days)): 'ten' is not a whole "
                          "number ≥ 1 and ≤ 365 (days)")
    assert "one of Finished good, Semi-finished, Purchased part" in text["C6"]


def test_messages_in_chinese_for_a_chinese_workbook(tmp_path):
    path = _bad_master(tmp_path, lang="zh-CN")
    problems = _problems(path)
    err = ValidationError(problems, "zh-CN")
    text = err.render()
    assert "未写入任何内容" in text
    assert "物料!H3 (提前期(天)): 'ten' 不是整数 ≥ 1 且 ≤ 365 (天)" in text


def test_bom_cycle_names_its_path_and_rows(tmp_path):
    f, s = frames()
    f["items"] = pd.concat([f["items"], f["items"].iloc[[2]].assign(item="S2")],
                           ignore_index=True)
    extra = pd.DataFrame([["S1", "S2", 1.0, 0.0, None], ["S2", "S1", 1.0, 0.0, None]],
                         columns=f["bom"].columns)
    f["bom"] = pd.concat([f["bom"], extra], ignore_index=True)
    path = write_master(tmp_path / "cycle.xlsx", f, s)
    cyc = [p for p in _problems(path) if p.code == "bom_cycle"]
    assert len(cyc) == 1
    assert cyc[0].params["path"] == "S1 → S2 → S1"
    assert cyc[0].params["rows"] == "7, 8"


def test_missing_sheet_and_missing_column(tmp_path):
    f, s = frames()
    path = write_master(tmp_path / "m.xlsx", f, s)
    pkg = Package(path)
    pkg.put_sheets([], remove=["Stock"])
    pkg.save(path)
    wb = openpyxl.load_workbook(path)
    wb["BOM"]["C1"].value = "Qty"
    wb.save(path)
    found = {(p.code, p.sheet) for p in _problems(path)}
    assert ("sheet_missing", "Stock") in found
    assert ("column_missing", "BOM") in found


def test_formula_without_value_error_cell_and_merged_cells(tmp_path):
    f, s = frames()
    path = write_master(tmp_path / "m.xlsx", f, s)
    wb = openpyxl.load_workbook(path)
    ws = wb["Stock"]
    ws["C2"].value = "=1/0"            # openpyxl stores no calculated value
    ws["C3"].value = "#N/A"            # an error value
    wb["BOM"].merge_cells("A2:B2")
    wb.save(path)
    found = {(p.code, p.sheet, p.cell) for p in _problems(path)}
    assert ("formula_in_input", "Stock", "C2") in found
    assert ("cell_error", "Stock", "C3") in found
    assert ("merged_cells", "BOM", "A2") in found


def test_validate_exits_4_and_leaves_the_file_byte_identical(tmp_path, capsys):
    path = _bad_master(tmp_path)
    before = file_hash(path)
    assert main(["validate", str(path)]) == 4
    assert "Items!H3" in capsys.readouterr().err
    assert main(["run", str(path), "--quiet"]) == 4
    assert file_hash(path) == before


def test_not_a_workbook(tmp_path):
    csv = tmp_path / "items.csv"
    csv.write_text("item,qty\nA,1\n")
    with pytest.raises(WorkbookError) as err:
        MasterWorkbook.open(csv)
    assert "CSV" in str(err.value)
    trunc = tmp_path / "t.xlsx"
    f, s = frames()
    good = write_master(tmp_path / "g.xlsx", f, s)
    trunc.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(WorkbookError) as err:
        MasterWorkbook.open(trunc)
    assert "damaged" in str(err.value) or "truncated" in str(err.value)


def test_dates_as_iso_text_are_accepted_ambiguous_text_is_not(tmp_path):
    f, s = frames()
    stock = f["stock"].astype(object)
    stock.loc[0, "last_movement"] = "2026-11-20"
    stock.loc[1, "last_movement"] = "20/11/2026"
    f["stock"] = stock
    path = write_master(tmp_path / "d.xlsx", f, s)
    probs = _problems(path)
    assert [(p.code, p.cell) for p in probs] == [("bad_type", "D3")]
    f["stock"].loc[1, "last_movement"] = date(2025, 1, 5)
    path = write_master(tmp_path / "d2.xlsx", f, s)
    assert MasterWorkbook.open(path).read_inputs().stock["last_movement"].iloc[0] == \
        date(2026, 11, 20)
