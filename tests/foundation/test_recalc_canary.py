"""The recalculation helper can fail: a wrong cached value planted in a workbook must be
replaced by LibreOffice, or ``recalculate`` raises. The helper the tests used before (a
fresh LibreOffice profile) keeps the planted value — the canary catches it."""

from __future__ import annotations

from pathlib import Path

import pytest
from recalc import (
    CANARY_RIGHT,
    PLANTED,
    NotRecalculated,
    compare,
    plant_wrong_value,
    recalculate,
    soffice_available,
    write_canary,
)

from sop_xl.cli.main import main
from sop_xl.workbook.file import FileBackend

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not soffice_available(), reason="needs LibreOffice")]


@pytest.fixture
def planned(small_master: Path) -> Path:
    assert main(["run", str(small_master), "--quiet"]) == 0
    return small_master


def test_the_old_helper_keeps_a_planted_value_and_the_canary_says_so(tmp_path):
    canary = write_canary(tmp_path / "canary.xlsx")
    with pytest.raises(NotRecalculated, match=r"did not recalculate canary\.xlsx"):
        recalculate(canary, tmp_path / "old", force=False)


def test_the_old_helper_would_hide_a_wrong_value_in_a_master(planned, tmp_path):
    """What the old helper let through: LibreOffice hands the planted value back."""
    with pytest.raises(NotRecalculated, match=r"kept the planted value .* DemandPlan!"):
        recalculate(planned, tmp_path / "old", force=False)


def test_the_helper_replaces_the_planted_value_with_the_python_one(planned, tmp_path):
    planted = tmp_path / "planted.xlsx"
    spot = plant_wrong_value(planned, planted)
    assert FileBackend(planted).read_sheet(spot.sheet).rows[spot.row][spot.col] == PLANTED
    lo = recalculate(planted, tmp_path / "new")
    got = FileBackend(lo).read_sheet(spot.sheet).rows[spot.row][spot.col]
    assert got == pytest.approx(spot.python) and got != PLANTED
    canary = FileBackend(tmp_path / "new" / "planted" / "sopxl-recalc-canary-recalculated.xlsx")
    assert canary.read_sheet("Canary").rows[0][1] == CANARY_RIGHT


def test_the_comparison_names_a_cell_python_got_wrong(planned, tmp_path):
    """Python's cached value wrong (planted in "ours"): the comparison with LibreOffice's
    recalculation names that cell and only that one."""
    lo = recalculate(planned, tmp_path / "lo")
    assert compare(planned, lo).bad == []
    wrong = tmp_path / "wrong.xlsx"
    spot = plant_wrong_value(planned, wrong)
    c = compare(wrong, lo)
    assert len(c.bad) == 1 and c.bad[0].startswith(f"{spot.sheet}!{spot.ref} ")
    assert str(PLANTED) in c.bad[0]
