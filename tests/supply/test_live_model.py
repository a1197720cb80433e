"""The workbook is one live model, tried as a planner tries it: open the planned master in
LibreOffice, type into two yellow cells — A's planned production on the MPS and B's
planner adjustment on DemandPlan — let it recalculate, and read every sheet that derives
from them. Hand-checked on the small company (statistical forecast A 100, B 40 a month;
A costs 100 and sells at 150, B 200 and 280; A takes 0.5 h on ASM, B 1 h).

Arithmetic follows at once (projection, days of supply, family totals, money, load); what
only a run recomputes (netting, lot sizing, leveling) says in its title that it is stale
and which button refreshes it; the next run keeps both edits and is up to date again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from recalc import compare, recalculate, soffice_available, type_cells
from small_company import frames
from support import fixed_forecast

from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.contract.cells import cell_ref
from sop_xl.plan import month
from sop_xl.workbook.file import FileBackend

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not soffice_available(), reason="needs LibreOffice")]
FEB, MAR = "2027-02", "2027-03"


def _run(path: Path, steps) -> None:
    """``sop-xl run`` with the statistical forecast fixed at A 100, B 40 a month."""
    with pytest.MonkeyPatch.context() as mp:
        stat = fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)
        mp.setattr(month, "auto_forecast", lambda *a, **k: stat)
        run_steps(MasterWorkbook.open(path), steps)


class Sheets:
    """The grids of a workbook file, cell by (block key, measure label, period)."""

    def __init__(self, path: Path) -> None:
        self.fb = FileBackend(path)
        self.rows = {n: self.fb.read_sheet(n).rows for n in self.fb.sheet_names()}

    def at(self, sheet: str, key: str, measure: str, period: str) -> tuple[int, int]:
        rows = self.rows[sheet]
        head = rows[2]
        m = head.index("Measure")
        # the attributes are left of the periods, either side of the measure (by header)
        attrs = head.index("2026-12")
        r = next(i for i, row in enumerate(rows) if key in row[:attrs] and row[m] == measure)
        return r, head.index(period)

    def get(self, sheet: str, key: str, measure: str, period: str) -> float:
        r, c = self.at(sheet, key, measure, period)
        return self.rows[sheet][r][c]

    def title(self, sheet: str) -> str:
        return self.rows[sheet][0][0]


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    f, s = frames()
    path = write_master(tmp_path_factory.mktemp("live") / "master.xlsx", f,
                        {**s, "slushy_periods": 0})
    _run(path, CYCLE)
    return path


@pytest.fixture(scope="module")
def edited(planned, tmp_path_factory) -> tuple[Sheets, Sheets, Path]:
    """The planner's two edits typed in LibreOffice, recalculated and saved."""
    before = Sheets(planned)
    tmp = tmp_path_factory.mktemp("edited")
    a_prod = before.at("MPS", "A", "Planned production", FEB)
    b_adj = before.at("DemandPlan", "B", "Planner adjustment", MAR)
    edits = [["MPS", cell_ref(*a_prod), before.rows["MPS"][a_prod[0]][a_prod[1]] + 30],
             ["DemandPlan", cell_ref(*b_adj), 20]]
    out = type_cells(planned, tmp / "edited.xlsx", edits, tmp / "profile")
    return before, Sheets(out), out


def _delta(before: Sheets, after: Sheets, sheet: str, key: str, measure: str,
           periods: tuple[str, ...] = ("2026-12", "2027-01", FEB, MAR, "2027-04", "2027-05")
           ) -> list[float]:
    return [round(after.get(sheet, key, measure, p) - before.get(sheet, key, measure, p), 6)
            for p in periods]


def test_the_edits_reach_the_mps_and_its_projection(edited):
    before, after, _ = edited
    # B's adjustment: demand plan, the MPS forecast and demand, projected on hand
    assert _delta(before, after, "DemandPlan", "B", "Demand plan") == [0, 0, 0, 20, 0, 0]
    assert _delta(before, after, "MPS", "B", "Forecast") == [0, 0, 0, 20, 0, 0]
    assert _delta(before, after, "MPS", "B", "Demand") == [0, 0, 0, 20, 0, 0]
    assert _delta(before, after, "MPS", "B", "Projected on hand") == [0, 0, 0, -20, -20, -20]
    # A's production: projected on hand from February on
    assert _delta(before, after, "MPS", "A", "Projected on hand") == [0, 0, 30, 30, 30, 30]
    # the family plan adds the items up
    assert _delta(before, after, "FamilyPlan", "Pumps", "Items' plan before change") == \
        [0, 0, 0, 20, 0, 0]
    assert _delta(before, after, "FamilyPlan", "Pumps", "Family demand plan") == \
        [0, 0, 0, 20, 0, 0]


def test_the_projection_reads_the_mps_and_adds_up_the_family(edited):
    before, after, _ = edited
    d = _delta
    assert d(before, after, "Projection", "A", "Supply") == [0, 0, 30, 0, 0, 0]
    assert d(before, after, "Projection", "A", "Planned production") == [0, 0, 30, 0, 0, 0]
    assert d(before, after, "Projection", "A", "Projected on hand") == [0, 0, 30, 30, 30, 30]
    assert d(before, after, "Projection", "A", "Value (CNY)") == [0, 0, 3000, 3000, 3000,
                                                                   3000]
    assert d(before, after, "Projection", "B", "Demand") == [0, 0, 0, 20, 0, 0]
    assert d(before, after, "Projection", "B", "Projected on hand") == [0, 0, 0, -20, -20,
                                                                       -20]
    assert d(before, after, "Projection", "[Pumps]", "Projected on hand") == \
        [0, 0, 30, 10, 10, 10]
    assert d(before, after, "Projection", "[Pumps]", "Value (CNY)") == \
        [0, 0, 3000, -1000, -1000, -1000]
    # B ships its 20 more in March from the stock it had planned (30 → 10), and runs 20
    # short in May (0 → −20), when it can ship 20 less
    assert [after.get("Projection", "B", "Projected on hand", p) for p in (MAR, "2027-05")] \
        == [10, -20]
    assert d(before, after, "Projection", "B", "Can ship") == [0, 0, 0, 20, 0, -20]
    # days of supply are the MPS's
    for item in ("A", "B"):
        for p in (FEB, MAR):
            assert after.get("Projection", item, "Days of supply (days)", p) == \
                after.get("MPS", item, "Days of supply (days)", p)


def test_money_follows_quantities_at_price_and_cost(edited):
    before, after, _ = edited
    d = _delta
    for fam in ("Pumps", "Total"):
        assert d(before, after, "FinancialPlan", fam, "Production at cost (CNY)") == \
            [0, 0, 3000, 0, 0, 0]                                  # 30 × 100
        # B: 20 more shipped in March, 20 less in May (short)
        assert d(before, after, "FinancialPlan", fam, "Revenue (CNY)") == \
            [0, 0, 0, 5600, 0, -5600]                              # 20 × 280
        assert d(before, after, "FinancialPlan", fam, "Cost of goods sold (CNY)") == \
            [0, 0, 0, 4000, 0, -4000]                              # 20 × 200
        assert d(before, after, "FinancialPlan", fam, "Gross margin (CNY)") == \
            [0, 0, 0, 1600, 0, -1600]
        # stock at cost: A 30 × 100 from February; B 20 × 200 less in March and April,
        # none in May either way (short, not negative stock)
        assert d(before, after, "FinancialPlan", fam, "Inventory value (month end) (CNY)") \
            == [0, 0, 3000, -1000, -1000, 3000]


def test_the_load_is_pieces_worked_at_hours_per_piece_and_waits_for_a_run(edited, tmp_path):
    """The pieces worked are Python's (each order spread over its working days from release
    to due): an MPS edit leaves them, the load and Capacity as they were, under a stale
    banner; the load is still pieces worked × hours per piece and Capacity its sum; the next
    run works the moved production where it is done."""
    before, after, path = edited
    d = _delta
    for measure in ("Pieces worked", "Load hours (h)"):
        assert d(before, after, "CapacityLoad", "A", measure) == [0] * 6
    assert d(before, after, "Capacity", "ASM", "Load hours (h)") == [0] * 6
    for p in ("2026-12", "2027-01", FEB, MAR):
        assert after.get("CapacityLoad", "A", "Load hours (h)", p) == pytest.approx(
            0.5 * after.get("CapacityLoad", "A", "Pieces worked", p))
        assert after.get("Capacity", "ASM", "Load hours (h)", p) == pytest.approx(
            sum(after.get("CapacityLoad", i, "Load hours (h)", p) for i in ("A", "B")))
    for sheet in ("CapacityLoad", "Capacity", "LeveledPlan"):
        assert "Press Capacity (or run sop-xl capacity)" in after.title(sheet), sheet
    copy = tmp_path / "master.xlsx"
    shutil.copy(path, copy)
    _run(copy, ["capacity"])
    again = Sheets(copy)
    worked = _delta(before, again, "CapacityLoad", "A", "Pieces worked")
    # the MPS nets the planner's 30 in February against March's lot-for-lot production:
    # work moves from March into February (a 5-day lead time), none is lost or made up
    assert _delta(before, again, "MPS", "A", "Planned production") == [0, 0, 30, -30, 0, 0]
    assert worked[2] > 0 and worked[3] == -worked[2] and sum(worked) == 0
    assert _delta(before, again, "CapacityLoad", "A", "Load hours (h)") == \
        [0.5 * w for w in worked]
    assert "✓" in again.title("CapacityLoad")


def test_what_only_a_run_recomputes_says_it_is_stale(edited):
    before, after, _ = edited
    for sheet in ("DemandPlan", "MPS", "MRP", "CapacityLoad", "Capacity", "LeveledPlan",
                  "FinancialPlan"):
        assert "✓" in before.title(sheet) and "⚠" not in before.title(sheet), sheet
    assert "Demand changed after this MPS was planned" in after.title("MPS")
    assert "Press Run MPS (or run sop-xl mps)" in after.title("MPS")
    assert "Press Run MRP (or run sop-xl mrp)" in after.title("MRP")
    assert "Press Capacity (or run sop-xl capacity)" in after.title("Capacity")
    assert "Press Capacity" in after.title("LeveledPlan")
    assert "Press Run MRP" in after.title("FinancialPlan")
    # no family change was typed: the demand plan is not stale
    assert "⚠" not in after.title("DemandPlan")
    # Python's numbers stay as the run wrote them until the next run: the MRP's netting
    assert after.rows["MRP"][3:] == before.rows["MRP"][3:]


def test_the_next_run_keeps_the_edits_and_is_up_to_date(edited, tmp_path):
    before, _, path = edited
    copy = tmp_path / "master.xlsx"
    shutil.copy(path, copy)
    _run(copy, ["demand"])
    again = Sheets(copy)
    assert again.get("DemandPlan", "B", "Planner adjustment", MAR) == 20
    assert again.get("MPS", "A", "Planned production", FEB) == \
        before.get("MPS", "A", "Planned production", FEB) + 30
    for sheet in ("MPS", "MRP", "Capacity", "LeveledPlan", "FinancialPlan"):
        assert "✓" in again.title(sheet), sheet
    lo = recalculate(copy, tmp_path / "lo")
    c = compare(copy, lo)
    assert c.bad == [] and c.checked > 400
    assert all("✓" in Sheets(lo).title(s) for s in ("MPS", "MRP", "Capacity"))
