"""Plan achievement through a workbook: plan November, approve it, report what the plant
made in ProductionActuals, plan December: PlanKPI judges November's production against the
frozen part of the approved November MPS."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from sop_xl.app import versions as pv
from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import ValidationError
from sop_xl.workbook.file import FileBackend
from tests.small_company import frames


def test_plan_achievement_of_the_approved_frozen_month(tmp_path: Path) -> None:
    f, s = frames("2026-11")
    path = write_master(tmp_path / "master.xlsx", f, {**s, "frozen_periods": 1})
    run_steps(MasterWorkbook.open(path), CYCLE)
    book = MasterWorkbook.open(path)
    pv.approve(book, "001", by="manager")
    tab = next(n for n in FileBackend(path).sheet_names() if n.startswith("V001"))
    snap = FileBackend(path).read_sheet(tab).rows
    h = snap[0]
    planned = {r[h.index("Item / resource")]: r[h.index("Quantity")] for r in snap[1:]
               if r[h.index("Section")] == "mps" and r[h.index("Measure")] == "production"
               and r[h.index("Period")] == "2026-11"}
    a, b = planned["A"], planned.get("B", 0.0)
    assert a > 10
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Planning month")
    ws.cell(row, 2).value = "2026-12"
    pa = wb["ProductionActuals"]
    # A made 10 short of its plan (reported by day, the month left blank), B 20 beyond it
    pa.cell(2, 1).value, pa.cell(2, 3).value, pa.cell(2, 4).value = "A", a - 10, \
        datetime(2026, 11, 20)
    pa.cell(3, 1).value, pa.cell(3, 2).value, pa.cell(3, 3).value = "B", "2026-11", b + 20
    wb.save(path)
    run_steps(MasterWorkbook.open(path), ["achievement"], command="achievement")
    kpi = MasterWorkbook.open(path).read_output_table("plan_kpi")
    fam = kpi[(kpi["level"] == "family") & (kpi["key"] == "Pumps")].iloc[0]
    # Pumps, November: achieved min(a − 10, a) + min(b + 20, b) = a + b − 10 of a + b
    assert str(fam["month"]) == "2026-11" and fam["version"] == "001"
    assert fam["planned"] == pytest.approx(a + b)
    assert fam["actual"] == pytest.approx(a + b + 10)
    assert fam["achieved"] == pytest.approx(a + b - 10)
    assert fam["achievement"] == pytest.approx((a + b - 10) / (a + b), abs=1e-4)
    asm = kpi[(kpi["level"] == "resource") & (kpi["key"] == "ASM")].iloc[0]
    # hours: A 0.5 h, B 1 h a piece → achieved 0.5 (a − 10) + b of 0.5 a + b
    assert asm["planned"] == pytest.approx(0.5 * a + b)
    assert asm["achieved"] == pytest.approx(0.5 * (a - 10) + b)
    # the meeting pack's cover takes it (and says from what)
    from sop_xl.faces.meeting.data import gather

    pack = gather(MasterWorkbook.open(path)).kpi("plan_achievement")
    assert pack.value == pytest.approx((a + b - 10) / (a + b), abs=1e-4)
    assert "ProductionActuals" in pack.basis and "version 001" in pack.basis


def test_a_production_row_needs_its_month_or_its_day(tmp_path: Path) -> None:
    f, s = frames("2026-12")
    path = write_master(tmp_path / "master.xlsx", f, s)
    wb = openpyxl.load_workbook(path)
    pa = wb["ProductionActuals"]
    rows = (("A", None, 5, None), ("A", "2026-11", 5, datetime(2026, 10, 30)),
            ("B", None, 5, datetime(2026, 11, 3)))
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            pa.cell(r, c).value = v
    wb.save(path)
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(path).read_inputs()
    text = str(e.value)
    assert "ProductionActuals!B2 (Month): is blank and so is the completion day" in text
    assert "ProductionActuals!D3 (Completed on): 2026-10-30 is not in the month 2026-11" \
        in text
    assert "row 4" not in text and "!B4" not in text and "!D4" not in text
