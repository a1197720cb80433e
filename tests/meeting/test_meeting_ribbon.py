"""The ribbon's Build Meeting Pack on a master workbook file."""

from __future__ import annotations

from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.excel.ribbon import perform


def test_the_button_writes_the_pack_beside_the_master(small_master):
    run_steps(MasterWorkbook.open(small_master), CYCLE)
    text = perform("build_meeting_pack", MasterWorkbook.open(small_master))
    pack = small_master.parent / "small meeting 2026-12.xlsx"
    assert text == f"Meeting pack written: {pack} (0 open decisions carried forward)."
    assert pack.exists()
    kpis = MasterWorkbook.open(small_master).read_output_table("meeting_kpis")
    assert set(kpis["planning_month"].astype(str)) == {"2026-12"}
