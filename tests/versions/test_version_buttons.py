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
    export = master.with_name("master_demand_management.csv")
    assert export.exists() and len(pd.read_csv(export)) > 0


def test_approve_with_nothing_saved_says_what_to_do(master: Path):
    book = _book(master)
    perform("approve_version", book)  # approves 001, the cycle's draft
    assert perform("approve_version", _book(master)) == \
        "No draft or proposed version of 2026-12 to approve; press Save Version first."
