"""The family production plan through a real workbook: the run fills FamilyProductionPlan
and FamilyOptions, the MPS makes the chosen family production split to the items by lot
rules, production typed on the family sheet is kept by the next run and reaches the MPS,
and LibreOffice — made to recalculate, with a canary — gets the sheet's formulas to the
numbers Python cached."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from recalc import compare, recalculate, soffice_available

from sop_xl.app.cycle import CYCLE, PlanRun, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.contract.cells import cell_ref
from sop_xl.plan.versions import diff
from sop_xl.workbook.file import FileBackend
from sop_xl.workbook.package import Package
from tests.small_company import frames

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PERIODS = ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05"]

def _planned(path: Path, strategy: str) -> Path:
    f, s = frames()
    write_master(path, f, {**s, "family_strategy": strategy})
    run_steps(MasterWorkbook.open(path), CYCLE)
    return path


@pytest.fixture(scope="module")
def level(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _planned(tmp_path_factory.mktemp("family") / "master.xlsx", "level")


def _rows(path: Path, sheet: str = "FamilyProductionPlan") -> list[list]:
    return FileBackend(path).read_sheet(sheet).rows


def _row(rows: list[list], family: str, label: str) -> tuple[int, list]:
    m = rows[2].index("Measure")
    r = next(i for i, row in enumerate(rows) if row[0] == family and row[m] == label)
    return r, [rows[r][rows[2].index(p)] for p in PERIODS]


def test_level_family_plan_on_the_sheet_and_in_the_mps(level: Path) -> None:
    rows = _rows(level)
    _, demand = _row(rows, "Pumps", "Demand plan")
    _, prod = _row(rows, "Pumps", "Production")
    _, closing = _row(rows, "Pumps", "Closing stock")
    # Pumps: 20 on hand, demand 140 + 190 + 144 + 146 + 148 + 150 = 918, target stock at
    # the end = A's safety stock 10 → (918 + 10 − 20) = 908 over 6 buckets = 151.33 →
    # 152, 152, 151, 151, 151, 151 (the odd pieces first)
    assert demand == pytest.approx([140, 190, 144, 146, 148, 150])
    assert prod == [152, 152, 151, 151, 151, 151]
    assert closing == pytest.approx([32, -6, 1, 6, 9, 10])
    book = MasterWorkbook.open(level)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    mps = run.mps["production"]
    # the MPS makes exactly the family's production, B (fixed lot 50) in whole lots
    assert mps.sum(axis=0).tolist() == prod
    b = list(run.mps.items).index("B")
    assert (mps[b] % 50 == 0).all()
    assert mps[b].sum() == 300  # B's demand over the plan: 40 + 100 + 4 × 40
    opts = book.read_output_table("family_options")
    chosen = opts[opts["chosen"] == "yes"]
    assert chosen["strategy"].tolist() == ["level"]
    assert set(opts["strategy"]) == {"chase", "level", "target_dos", "target_stock"}
    chase = opts[opts["strategy"] == "chase"].iloc[0]
    assert chase["production"] == 918 and chase["end_stock"] == 20


def test_typed_family_production_is_kept_and_reaches_the_mps(level: Path,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    shutil.copy(level, path)
    rows = _rows(path)
    r, _ = _row(rows, "Pumps", "Production")
    c = rows[2].index("2027-03")
    wb = openpyxl.load_workbook(path)
    wb["FamilyProductionPlan"].cell(r + 1, c + 1).value = 200
    wb.save(path)
    for _ in range(2):  # typed once, kept by every run after
        run_steps(MasterWorkbook.open(path), ["family", "mps"], command="family")
        _, prod = _row(_rows(path), "Pumps", "Production")
        # 200 typed in March; level spreads the rest: 908 − 200 = 708 over five → 142 …
        assert prod == [142, 142, 142, 200, 141, 141]
        book = MasterWorkbook.open(path)
        run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
        assert run.mps["production"].sum(axis=0).tolist() == prod


def test_no_strategy_shows_the_items_plan_and_reports_drift(tmp_path: Path) -> None:
    path = _planned(tmp_path / "none.xlsx", "none")
    rows = _rows(path)
    _, prod = _row(rows, "Pumps", "Production")
    book = MasterWorkbook.open(path)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    assert prod == run.mps["production"].sum(axis=0).tolist()
    r, _ = _row(rows, "Pumps", "Production")
    c = rows[2].index("2027-02")
    wb = openpyxl.load_workbook(path)
    wb["FamilyProductionPlan"].cell(r + 1, c + 1).value = prod[2] + 100
    wb.save(path)
    report = run_steps(MasterWorkbook.open(path), ["family", "mps"], command="family")
    ex = report.exceptions
    drift = ex[ex["category"] == "family_drift"]  # codes; the sheet renders the words
    assert drift[["item", "period"]].values.tolist() == [["Pumps", "2027-02"]]
    assert drift["qty"].tolist() == [-100]


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice not installed")
def test_libreoffice_recalculates_the_family_sheet_to_the_python_values(
        level: Path, tmp_path: Path) -> None:
    # beside tests/recalc.py's own canaries: a wrong cached closing stock planted in a
    # copy must come back right
    planted = tmp_path / "planted.xlsx"
    rows = _rows(level)
    r, closing = _row(rows, "Pumps", "Closing stock")
    c = rows[2].index("2027-01")
    ref = cell_ref(r, c)
    pkg = Package(level)
    part = pkg.sheet("FamilyProductionPlan").part
    root = pkg.edit(part)
    cell = next(e for e in root.iter(f"{{{_MAIN}}}c") if e.get("r") == ref)
    assert cell.find(f"{{{_MAIN}}}f") is not None
    cell.find(f"{{{_MAIN}}}v").text = "999"
    pkg.save(planted)
    assert FileBackend(planted).read_sheet("FamilyProductionPlan").rows[r][c] == 999
    out = recalculate(planted, tmp_path / "out")
    theirs = FileBackend(out).read_sheet("FamilyProductionPlan")
    assert theirs.rows[r][c] == pytest.approx(closing[1]) == -6
    checked = compare(level, out, sheets=["FamilyProductionPlan"])
    # one family: opening, closing, days of supply, load, overtime
    assert checked.checked == 30
    assert not checked.bad, checked.bad[:5]


def test_the_version_carries_the_family_plan_and_the_diff_shows_it_first(
        level: Path, tmp_path: Path) -> None:
    path = tmp_path / "versions.xlsx"
    shutil.copy(level, path)
    book = MasterWorkbook.open(path)
    before = PlanRun(book, book.read_inputs(), refresh_forecast=False).snapshot()
    fam = before[(before["section"] == "family") & (before["measure"] == "production")]
    assert fam["qty"].tolist() == [152, 152, 151, 151, 151, 151]
    rows = _rows(path)
    r, _ = _row(rows, "Pumps", "Production")
    wb = openpyxl.load_workbook(path)
    wb["FamilyProductionPlan"].cell(r + 1, rows[2].index("2027-03") + 1).value = 200
    wb.save(path)
    run_steps(MasterWorkbook.open(path), ["family", "mps"], command="family")
    book = MasterWorkbook.open(path)
    after = PlanRun(book, book.read_inputs(), refresh_forecast=False).snapshot()
    d = diff(before, after)
    head = d[d["section"] == "family"]
    assert d.index[: len(head)].tolist() == head.index.tolist()  # the family plan first
    # March 151 → 200 typed; the other five buckets give up 49 pieces: 152 → 142 …
    got = dict(zip(head["period"], head["qty_diff"], strict=True))
    assert got == {"2026-12": -10, "2027-01": -10, "2027-02": -9, "2027-03": 49,
                   "2027-04": -10, "2027-05": -10}


def test_typed_target_stock_level_is_kept_and_level_aims_at_it(level: Path,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "target.xlsx"
    shutil.copy(level, path)
    rows = _rows(path)
    r, own = _row(rows, "Pumps", "Target stock level")
    assert own == [10] * 6    # A's safety stock, the family's own (Safety stocks: 10)
    wb = openpyxl.load_workbook(path)
    wb["FamilyProductionPlan"].cell(r + 1, rows[2].index("2027-05") + 1).value = 100
    wb.save(path)
    for _ in range(2):  # typed once, kept by every run after
        run_steps(MasterWorkbook.open(path), ["family", "mps"], command="family")
        rows = _rows(path)
        _, prod = _row(rows, "Pumps", "Production")
        # level reaches 100 at the end: (918 + 100 − 20) = 998 over 6 = 166.33 → the two
        # odd pieces first: 167, 167, 166, 166, 166, 166
        assert prod == [167, 167, 166, 166, 166, 166]
        assert _row(rows, "Pumps", "Target stock level")[1] == [10, 10, 10, 10, 10, 100]
        _, closing = _row(rows, "Pumps", "Closing stock")
        assert closing[-1] == pytest.approx(100)
