"""A planner's family-level change, typed into a real workbook file, read back on the next
run and split to the items; factors given on FamilyShares; bad cells refused; the grid
formulas recalculated by LibreOffice agree with Python.

History shares of family Pumps over the last 12 months: A 1332 / 1812 = 0.7351,
B 480 / 1812 = 0.2649 (see test_demand_plan.py).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from recalc import compare, recalculate

from sop_xl.app.cycle import run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import ValidationError
from tests.demand.fixtures import grid_values

pytestmark = pytest.mark.usefixtures("fake_forecast")


def _type_into_grid(path: Path, sheet: str, measure: str, block: str, period: str,
                    value) -> None:
    """What a planner does in Excel: type a value into one cell of a grid and save."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[3]]
    col = header.index(period) + 1
    mcol = header.index("Measure") + 1
    for row in ws.iter_rows(min_row=4):
        if row[0].value == block and row[mcol - 1].value == measure:
            ws.cell(row=row[0].row, column=col, value=value)
            break
    else:
        raise AssertionError(f"no {measure!r} row for {block!r}")
    wb.save(path)


def _type_factor(path: Path, factors: dict[str, float]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["FamilyShares"]
    header = [c.value for c in ws[1]]
    item, factor = header.index("Item") + 1, header.index("Factor (optional)") + 1
    for r in range(2, ws.max_row + 1):
        v = factors.get(ws.cell(row=r, column=item).value)
        if v is not None:
            ws.cell(row=r, column=factor, value=v)
    wb.save(path)


def test_family_change_round_trips_through_a_workbook_file(master):
    path = master()
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    _type_into_grid(path, "FamilyPlan", "Family change", "Pumps", "2027-02", 101)
    run_steps(MasterWorkbook.open(path), ["demand"])
    book = MasterWorkbook.open(path)
    split = grid_values(book, "demand_plan", "family_change")
    # 101 × 0.7351 = 74.25 and 101 × 0.2649 = 26.75 → floors 74 + 26 = 100; the last
    # piece goes to the larger remainder (B's 0.75)
    assert split.loc["A", "2027-02"] == 74
    assert split.loc["B", "2027-02"] == 27
    assert split.drop(columns="2027-02").abs().sum().sum() == 0
    dem = grid_values(book, "demand_plan", "demand")
    assert dem.loc["A", "2027-02"] == 100 + 74  # 25 projects + 75 forecast + 74
    assert dem.loc["B", "2027-02"] == 40 + 27
    fam = book.read_output_grid("family_plan").set_index(["measure", "period"])["value"]
    assert fam[("change", "2027-02")] == 101  # the typed change is kept
    assert fam[("items_plan", "2027-02")] == 140  # A 100 + B 40 before the change
    assert fam[("plan", "2027-02")] == 241
    # a third run reads the same change and gives the same split (no double counting)
    run_steps(MasterWorkbook.open(path), ["demand"])
    again = grid_values(MasterWorkbook.open(path), "demand_plan", "family_change")
    assert again.loc[["A", "B"], "2027-02"].tolist() == [74, 27]


def test_given_factors_replace_the_history_shares(master):
    path = master()
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    _type_factor(path, {"A": 3, "B": 1})
    _type_into_grid(path, "FamilyPlan", "Family change", "Pumps", "2027-03", 101)
    run_steps(MasterWorkbook.open(path), ["demand"])
    book = MasterWorkbook.open(path)
    # 101 × 3/4 = 75.75, 101 × 1/4 = 25.25 → 75 + 25 = 100; the piece goes to A (0.75)
    split = grid_values(book, "demand_plan", "family_change")
    assert split.loc[["A", "B"], "2027-03"].tolist() == [76, 25]
    shares = book.read_output_table("family_shares").set_index("item")
    assert shares.loc["A", "factor"] == 3 and shares.loc["A", "share"] == 0.75
    assert shares.loc["B", "history_share"] == pytest.approx(480 / 1812)


def test_fractional_split_when_whole_pieces_are_off(master):
    path = master(lambda f, s: s.update(whole_pieces=False))
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    _type_into_grid(path, "FamilyPlan", "Family change", "Pumps", "2027-02", 100.5)
    run_steps(MasterWorkbook.open(path), ["demand"])
    split = grid_values(MasterWorkbook.open(path), "demand_plan", "family_change")
    assert split.loc["A", "2027-02"] == pytest.approx(100.5 * 1332 / 1812)
    assert split.loc[["A", "B"], "2027-02"].sum() == pytest.approx(100.5, abs=1e-9)


@pytest.mark.parametrize(("value", "expect"), [
    ("lots", "'lots' is not a whole number (pcs)"),
    (10.5, "10.5 is not a whole number of pieces"),
])
def test_a_bad_family_change_cell_is_refused_and_nothing_written(master, value, expect):
    path = master()
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    _type_into_grid(path, "FamilyPlan", "Family change", "Pumps", "2027-01", value)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ValidationError) as err:
        run_steps(MasterWorkbook.open(path), ["demand"])
    text = err.value.render("en")
    assert "[master.xlsx] FamilyPlan!E6 (Family change 2027-01)" in text
    assert expect in text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_bad_planner_adjustment_is_refused(master):
    path = master()
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    _type_into_grid(path, "DemandPlan", "Planner adjustment", "B", "2027-01", "ten")
    with pytest.raises(ValidationError, match=r"DemandPlan!.* 'ten' is not a number"):
        run_steps(MasterWorkbook.open(path), ["mps"])


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_recalculates_the_demand_and_family_formulas(master, tmp_path):
    path = master()
    run_steps(MasterWorkbook.open(path), ["forecast", "demand"])
    _type_into_grid(path, "FamilyPlan", "Family change", "Pumps", "2027-02", 101)
    _type_into_grid(path, "DemandPlan", "Planner adjustment", "A", "2027-03", 7)
    run_steps(MasterWorkbook.open(path), ["demand"])
    lo = recalculate(path, tmp_path / "recalc")
    c = compare(path, lo, sheets=["DemandPlan", "FamilyPlan"])
    assert c.checked > 0 and c.bad == [], c.bad[:5]
    ours = CalamineWorkbook.from_path(path)
    theirs = CalamineWorkbook.from_path(lo)
    checked = 0
    for sheet, label in (("DemandPlan", "Demand plan"), ("FamilyPlan", "Family demand plan")):
        a = ours.get_sheet_by_name(sheet).to_python()
        b = theirs.get_sheet_by_name(sheet).to_python()
        mcol = a[2].index("Measure")
        # the periods: after the measure and the attributes that scroll with them
        first = next(j for j, h in enumerate(a[2]) if isinstance(h, str) and h[:4].isdigit())
        for ra, rb in zip(a[3:], b[3:], strict=True):
            if ra[mcol] != label:
                continue
            for x, y in zip(ra[first:], rb[first:], strict=True):
                assert x == pytest.approx(y)
                checked += 1
    assert checked == 3 * 6  # two items and one family, six months
    plan = grid_values(MasterWorkbook.open(lo), "demand_plan", "demand")
    assert plan.loc["A", "2027-03"] == 100 + 7
    assert plan.loc["A", "2027-02"] == 100 + 74
