"""Warehouses whose stock may not be planned (quarantine, consignment, reserved stock).

The small company (tests/small_company.py) with its MRP worked by hand in
tests/foundation/test_cycle.py: R1 (min lot 100, multiple 25, 30 on hand in RM-WH) feeds
173 pieces on 12-01, so its first order, due 12-01, is 173 − 30 = 143 rounded up to 150.
A lot of 25 more pieces in quarantine must change nothing; the same lot in a nettable
warehouse lowers it to 173 − 55 = 118, rounded up to 125.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from small_company import frames
from support import small_company_run as _run

from sop_xl.app.cycle import PlanRun, _held_stock_notice
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import ValidationError


def _with_lot(nettable: bool | None) -> tuple[dict[str, pd.DataFrame], dict]:
    """The small company with 25 more pieces of R1 in QC-WH; ``nettable`` None: no
    Warehouses sheet at all (a workbook made before it existed)."""
    f, s = frames()
    f["stock"] = pd.concat([f["stock"], pd.DataFrame(
        [["R1", "QC-WH", 25.0, date(2026, 11, 28)]], columns=f["stock"].columns)],
        ignore_index=True)
    if nettable is not None:
        f["warehouses"] = pd.DataFrame(
            [["FG-WH", "Finished goods", "P1", True], ["RM-WH", "Purchased parts", "P1", True],
             ["QC-WH", "Incoming inspection", "P1", nettable]],
            columns=["warehouse", "description", "plant", "nettable"])
    return f, s


def _r1(run: PlanRun, measure: str) -> list[float]:
    r = run.mrp
    return r[measure][list(r.items).index("R1")].round(6).tolist()


def _first_r1_order(run: PlanRun) -> tuple[str, float]:
    o = run.mrp.orders
    first = o[o["item"] == "R1"].iloc[0]
    return str(first["due_date"].date()), float(first["qty"])


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_stock_in_quarantine_is_kept_out_of_the_plan(tmp_path, lang) -> None:
    got = {}
    for case in (None, True, False):
        f, s = _with_lot(case)
        run = _run(write_master(tmp_path / f"{case}.xlsx", f, s, lang=lang))
        got[case] = (run.inputs.on_hand()["R1"], _first_r1_order(run),
                     _r1(run, "planned_receipts"))
    f, s = frames()
    plain = _run(write_master(tmp_path / "plain.xlsx", f, s, lang=lang))
    # no Warehouses sheet, or QC-WH nettable: 30 + 25 on hand, 173 − 55 = 118 → 125
    assert got[None] == got[True]
    assert got[True][:2] == (55.0, ("2026-12-01", 125.0))
    assert got[True][2][0] == got[False][2][0] - 25
    # QC-WH not nettable: as if the lot were not there, 173 − 30 = 143 → 150
    assert got[False] == (30.0, ("2026-12-01", 150.0), _r1(plain, "planned_receipts"))


def test_the_run_says_which_stock_it_left_out(tmp_path) -> None:
    f, s = _with_lot(False)
    inputs = MasterWorkbook.open(write_master(tmp_path / "m.xlsx", f, s)).read_inputs()
    assert inputs.held_stock().to_dict("records") == [
        {"item": "R1", "warehouse": "QC-WH", "on_hand": 25.0}]
    assert _held_stock_notice(inputs, "en") == [
        "stock kept out of the plan (Warehouses: not nettable): 1 items in QC-WH: R1 25 pcs"]
    assert _held_stock_notice(inputs, "zh-CN") == [
        "未计入计划的库存(仓库表：不可净算)：1 个物料，位于 QC-WH：R1 25 pcs"]
    f, s = _with_lot(True)
    inputs = MasterWorkbook.open(write_master(tmp_path / "n.xlsx", f, s)).read_inputs()
    assert _held_stock_notice(inputs, "en") == []


def test_a_stock_row_in_an_unlisted_warehouse_is_refused(tmp_path) -> None:
    f, s = _with_lot(False)
    f["warehouses"] = f["warehouses"].iloc[:2]  # QC-WH missing from the list
    path = write_master(tmp_path / "typo.xlsx", f, s)
    with pytest.raises(ValidationError) as err:
        MasterWorkbook.open(path).read_inputs()
    problems = err.value.problems
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("Stock", 4, "Warehouse", "QC-WH")]
    text = err.value.render()
    assert "typo.xlsx" in text and "Warehouses" in text and "QC-WH" in text


def test_the_nettable_flag_must_be_yes_or_no(tmp_path) -> None:
    f, s = _with_lot(False)
    f["warehouses"]["nettable"] = f["warehouses"]["nettable"].astype(object)
    f["warehouses"].loc[2, "nettable"] = "maybe"
    path = write_master(tmp_path / "flag.xlsx", f, s)
    with pytest.raises(ValidationError) as err:
        MasterWorkbook.open(path).read_inputs()
    [p] = err.value.problems
    assert (p.sheet, p.row, p.column, p.value) == ("Warehouses", 4, "Nettable", "maybe")
