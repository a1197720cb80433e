"""The ribbon's version buttons on a real workbook file: save, approve (which makes the
plan active), compare, transfer — each answering the planner with a sentence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.versions import read_register
from sop_xl.excel.ribbon import perform


def _book(path: Path) -> MasterWorkbook:
    return MasterWorkbook.open(path)


def test_save_approve_compare_transfer(master: Path):
    assert perform("save_version", _book(master)) == \
        "Saved version 002 as sheet V002 2026-12 (draft)."
    text = perform("approve_version", _book(master))
    assert text.startswith("Approved version 002 (2026-12)")
    reg = read_register(_book(master)).set_index("version")
    assert reg.loc["002", "status"] == "approved"
    assert reg.loc["000", "source"] == "002"
    text = perform("compare_versions", _book(master))
    # 000 is a copy of 002, so Compare takes the version saved before it
    assert text.startswith("Compared version 001 with 002:")
    text = perform("transfer", _book(master))
    assert text.startswith("Transfer T0001: version 000 (from 002) sent")
    export = master.with_name("master_PIR_T0001.csv")  # beside the workbook
    assert text.endswith(f"export {export}.")
    assert export.exists() and len(pd.read_csv(export)) > 0


def test_approve_asks_first_and_cancel_changes_nothing(master: Path):
    asked: list[str] = []
    before = master.read_bytes()
    text = perform("approve_version", _book(master), ask=lambda q: asked.append(q) or False)
    assert text == "Approve: cancelled; nothing was changed."
    assert master.read_bytes() == before
    (question,) = asked
    assert question.startswith("Approve version 001 of 2026-12 (draft, saved ")
    assert "Its plan tab 'V001 2026-12' is locked: no one can change it afterwards" in question
    assert "It becomes the active version 000" in question
    assert "(there is no active version yet)" in question
    text = perform("approve_version", _book(master), ask=lambda q: True)
    assert text.startswith("Approved version 001 (2026-12)")
    perform("save_version", _book(master))
    asked.clear()
    perform("approve_version", _book(master), ask=lambda q: asked.append(q) or True)
    assert "now 000 is a copy of 001" in asked[0]
    assert "The approved version 001 of this month becomes superseded." in asked[0]


def test_transfer_takes_its_options_from_settings_and_asks(master: Path):
    from openpyxl import load_workbook

    perform("approve_version", _book(master))
    wb = load_workbook(master)
    ws = wb["Settings"]
    labels = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    ws.cell(labels["Transfer periods"], 2, 3)
    ws.cell(labels["Transfer export"], 2, "Excel workbook")
    ws.cell(labels["Deduct consumed quantities"], 2, False)
    wb.save(master)
    asked: list[str] = []
    text = perform("transfer", _book(master), ask=lambda q: asked.append(q) or True)
    assert asked[0].startswith("Transfer the active version 000 (copy of 001, approved, "
                               "2026-12) to demand management?")
    assert "Sales plan, Item level, 3 periods, no consumption by customer orders; the " \
           "export (XLSX) " \
           f"goes to {master.parent}." in asked[0]
    export = master.with_name("master_PIR_T0001.xlsx")
    assert export.exists() and text.endswith(f"export {export}.")
    log = _book(master).read_output_table("transfer_log")
    assert list(log["periods"]) == [3] and list(log["deduct_consumed"]) == [False]


def test_approve_with_nothing_saved_says_what_to_do(master: Path):
    book = _book(master)
    perform("approve_version", book)  # approves 001, the cycle's draft
    assert perform("approve_version", _book(master)) == \
        "No draft or proposed version of 2026-12 to approve; press Save Version first."
