"""The supply sheets through a real workbook file: LibreOffice recalculates every live
formula and must get the numbers Python cached; a planner's edits (a production cell on
the MPS, a firm order on PlannedOrders) move the projection at once and are kept by the
next run."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from recalc import compare, recalculate

from sop_xl.app.cycle import CYCLE, PlanRun, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.workbook.file import FileBackend
from tests.small_company import frames

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed"),
]
GRIDS = ("MPS", "MRP", "Projection", "Capacity", "LeveledPlan", "FinancialPlan")


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    f, s = frames()
    path = write_master(tmp_path_factory.mktemp("supply") / "master.xlsx", f,
                        {**s, "slushy_periods": 3})
    run_steps(MasterWorkbook.open(path), CYCLE)
    return path


def _find(rows: list[list], item: str, label: str, period: str) -> tuple[int, int]:
    col = rows[2].index(period)
    measure_col = next(j for j, v in enumerate(rows[2]) if v == "Measure")
    r = next(i for i, row in enumerate(rows) if row[0] == item and row[measure_col] == label)
    return r, col


def test_libreoffice_recalculates_every_supply_formula_to_the_python_values(
        planned: Path, tmp_path: Path) -> None:
    out = recalculate(planned, tmp_path)
    c = compare(planned, out, sheets=list(GRIDS))
    assert all(c.by_sheet.get(sheet, 0) > 0 for sheet in GRIDS), c.by_sheet
    assert not c.bad, c.bad[:5]
    assert c.checked > 250


def test_a_planners_edits_move_the_plan_and_are_kept(planned: Path, tmp_path: Path) -> None:
    path = tmp_path / "edited.xlsx"
    shutil.copy(planned, path)
    mps = FileBackend(path).read_sheet("MPS").rows
    r, c = _find(mps, "A", "Planned production", "2027-02")
    suggested = mps[r - 1][c]
    projected_before = mps[r + 1][c]
    orders = FileBackend(path).read_sheet("PlannedOrders").rows
    head = orders[0]
    k = next(i for i, row in enumerate(orders) if row[0] == "R2" and row[4] == "2027-02")
    wb = openpyxl.load_workbook(path)
    wb["MPS"].cell(r + 1, c + 1).value = suggested - 30
    po = wb["PlannedOrders"]
    po.cell(k + 1, head.index("Firm") + 1).value = "yes"
    po.cell(k + 1, head.index("Quantity (pcs)") + 1).value = 500
    wb.save(path)

    # live formulas: LibreOffice moves A's projected on hand down by the 30 pcs
    out = recalculate(path, tmp_path / "lo")
    assert FileBackend(out).read_sheet("MPS").rows[r + 1][c] == pytest.approx(
        projected_before - 30)

    # the next run keeps the edit as a firm cell below the suggestion, and the firm order
    book = MasterWorkbook.open(path)
    run_steps(book, ["mps", "mrp", "capacity", "projection"], command="mps")
    mps = FileBackend(path).read_sheet("MPS").rows
    assert mps[r][c] == suggested - 30
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    i = list(run.mps.items).index("A")
    assert run.mps.states[i, 2] == "cell_less"
    orders = FileBackend(path).read_sheet("PlannedOrders").rows
    firm = [row for row in orders[1:] if row[0] == "R2" and row[4] == "2027-02"]
    kinds = [(row[7], row[9], row[10]) for row in firm]
    assert kinds[0] == (500.0, "firm", "yes")
    # anything the firm 500 does not cover is planned on top, never folded into it
    assert all(k[1:] == ("planned", "no") for k in kinds[1:])
    # and LibreOffice still agrees with every formula after the re-run
    out = recalculate(path, tmp_path / "lo2")
    c = compare(path, out, sheets=["MPS", "MRP", "Projection"])
    assert not c.bad, c.bad[:5]


def test_next_month_the_frozen_period_keeps_last_months_plan(tmp_path: Path) -> None:
    """Plan November, save the version; plan December: its first (frozen) month keeps the
    production November's version planned for December, unless orders need more."""
    f, s = frames("2026-11")
    path = write_master(tmp_path / "master.xlsx", f, {**s, "frozen_periods": 1})
    run_steps(MasterWorkbook.open(path), CYCLE)
    book = MasterWorkbook.open(path)
    tab = next(n for n in book.backend.sheet_names() if n.startswith("V001"))
    snap = book.backend.read_sheet(tab).rows
    head = snap[0]
    col = {k: head.index(k) for k in ("Section", "Item / resource", "Measure", "Period",
                                      "Quantity")}
    before = {r[col["Item / resource"]]: r[col["Quantity"]] for r in snap[1:]
              if r[col["Section"]] == "mps" and r[col["Measure"]] == "production"
              and r[col["Period"]] == "2026-12"}
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Planning month")
    ws.cell(row, 2).value = "2026-12"
    wb.save(path)
    book = MasterWorkbook.open(path)
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    got = dict(zip(run.mps.items, run.mps["production"][:, 0], strict=True))
    changes = run.mps.frozen_changes
    frozen = changes[changes["kind"].isin(["frozen_kept", "order_change"])]
    fence = changes[changes["kind"] == "fence_change"]
    assert not frozen.empty and set(frozen["period"]) == {"2026-12"}
    # after the frozen month, up to the planning time fence (3 periods), changes against
    # November's version are reported for approval
    assert set(fence["period"]) <= {"2027-01", "2027-02"}
    for item, qty in before.items():
        raised = changes[(changes["item"] == item) & (changes["kind"] == "order_change")]
        if raised.empty:
            assert got[item] == pytest.approx(qty), item
        else:  # customer orders inside the frozen month needed more
            assert got[item] > qty
    assert sorted(before) == ["A", "B"]
    # every frozen cell is fixed, coloured by how it compares with today's suggestion
    assert set(run.mps.states[:, 0]) <= {"cell_firmed", "cell_less", "cell_more"}
