"""LibreOffice as the assistant's spreadsheet: it opens the workbook, recalculates every
formula to the values Python cached, and a file it saved is accepted by collect."""

from __future__ import annotations

import pytest
from meeting_support import fill
from recalc import compare, recalculate, soffice_available

from sop_xl.app.master import MasterWorkbook
from sop_xl.faces.assistants import collect, split
from sop_xl.workbook.file import FileBackend

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not soffice_available(), reason="needs LibreOffice")]


def test_libreoffice_recalculates_the_workbook_to_the_cached_values(planned, tmp_path):
    split(planned, tmp_path / "out")
    src = tmp_path / "out" / "2026-12 Li Na.xlsx"
    lo = recalculate(src, tmp_path / "lo")
    c = compare(src, lo, intended_errors=frozenset({"#N/A"}))
    # Forecast: 4 deviations, 4 checks; History: 4 statistical and 4 forecast lines (2 of
    # them #N/A: nothing typed for M+2 and M+3, a gap in the chart), 1 achievement and the
    # 3 cells of the total
    assert c.by_sheet == {"Forecast": 8, "History": 12} and c.bad == []
    assert c.intended_errors == 2


def test_a_file_saved_by_libreoffice_is_collected(planned, tmp_path):
    split(planned, tmp_path / "out")
    src = tmp_path / "out" / "2026-12 Li Na.xlsx"
    filled = fill(src, tmp_path / "typed" / src.name,
                  {("A", "2026-12"): 85, ("A", "2027-01"): 90, ("A", "2027-02"): 75,
                   ("A", "2027-03"): 100})
    saved = recalculate(filled, tmp_path / "in")
    report = collect(saved.parent, planned)
    assert [r.path.name for r in report.accepted] == [saved.name], report.refused
    # the check column reads clean once LibreOffice recalculated the typed numbers
    rows = FileBackend(saved).read_sheet("Forecast").rows
    assert [r[10] for r in rows[6:10]] == ["", "", "", ""]
    # and the master LibreOffice opens after collect still reads as valid
    again = recalculate(planned, tmp_path / "master_lo")
    sf = MasterWorkbook.open(again).read_inputs().sales_forecast
    assert sorted(sf[sf["assistant"] == "Li Na"]["qty"].tolist()) == [75, 85, 90, 95, 100,
                                                                      100]
