"""A saved plan version with several plants (issue 17): a node supplied by transfer
records its planned transfers as transfers, not production, so plan achievement, the
meeting pack's "versus last plan" and the production-plan transfer to demand management
count what the plants make; a version saved before (transfers as production) still reads
the same way. Through a real two-plant workbook: the small company (tests/small_company.py)
with pump A made in P1 and 25 % of its demand shipped from P2, supplied from P1 in 4
working days."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from test_plants_workbook import planned_with_a_transfer

from sop_xl.app import readback
from sop_xl.app import versions as pv
from sop_xl.app.cycle import PlanRun
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.transfer import transfer
from sop_xl.faces.meeting.data import compared_plan, comparison
from sop_xl.plan import versions as v

MONTHS = ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05"]
# A@P2: nothing on hand, safety stock 10, customers ¼ of A's demand: December 25 (¼ of
# Li Na's 80 and C1's 20 open), January 22.5 (¼ of 90), then 25. Planned transfers:
# 25 + 10 = 35; 22.5 − 0 rounded up to whole pieces = 23 (10.5 left); 25 a month.
TRANSFERS = [35.0, 23.0, 25.0, 25.0, 25.0, 25.0]
# A@P1: 20 on hand, safety stock 10; December: its customers 75 plus what leaves for P2
# in December, 41 (the 35 and 6 of January's 23, shipped 4 working days ahead):
# 116 + 10 − 20 = 106.
MADE_A = [106.0, 91.0, 99.0, 103.0, 98.0, 94.0]
MADE_B = [50.0, 100.0, 50.0, 50.0, 50.0]


def _rows(snap: pd.DataFrame, key: str, measure: str) -> list[float]:
    s = snap[(snap["section"] == "mps") & (snap["key"] == key) & (snap["measure"] == measure)]
    return s.sort_values("period")["qty"].tolist()


def _old_style(snap: pd.DataFrame) -> pd.DataFrame:
    """What a version saved before this change held: planned transfers as production."""
    s = snap.copy()
    s.loc[s["measure"] == v.TRANSFERS, "measure"] = "production"
    return s.sort_values(["section", "key", "measure", "period"], kind="stable") \
        .reset_index(drop=True)


def _next_month(book: MasterWorkbook) -> PlanRun:
    """The plan run of January: December's version is last month's plan."""
    i = book.read_inputs()
    s = dataclasses.replace(i.settings, planning_month=pd.Period("2027-01", "M"))
    return PlanRun(book, dataclasses.replace(i, settings=s), refresh_forecast=False)


@pytest.fixture
def master(tmp_path, monkeypatch):
    return planned_with_a_transfer(tmp_path, monkeypatch)   # saves version 001


def test_a_version_records_planned_transfers_apart_from_production(master) -> None:
    book = MasterWorkbook.open(master)
    snap = pv.read_version(book, pv.read_register(book), "001")
    assert _rows(snap, "A@P2", v.TRANSFERS) == TRANSFERS
    assert _rows(snap, "A@P2", "production") == []
    assert _rows(snap, "A@P1", "production") == MADE_A
    assert _rows(snap, "B@P1", "production") == MADE_B
    assert _rows(snap, "A@P1", v.TRANSFERS) == []
    t = snap[(snap["key"] == "A@P2") & (snap["measure"] == v.TRANSFERS)]
    assert t["value"].tolist()[0] == 3500.0   # at A's cost, 100 a piece
    run = PlanRun(book, book.read_inputs(), refresh_forecast=False)
    p = run.projection
    a1 = list(p.items).index("A@P1")
    assert p["demand"][a1, 0] + p["transfers_out"][a1, 0] == 75.0 + 41.0
    assert run.mps["production"][list(run.mps.items).index("A@P2")].tolist() == TRANSFERS
    assert p["production"][a1].tolist() == MADE_A


def test_production_plan_plan_achievement_and_pack_count_what_is_made(master) -> None:
    pv.approve(MasterWorkbook.open(master), "001", by="Zhao Min")
    pv.activate(MasterWorkbook.open(master), "001", by="Zhao Min")
    _check_readers(master)


def test_a_version_saved_before_reads_its_transfers_apart(master) -> None:
    book = MasterWorkbook.open(master)
    reg = pv.read_register(book)
    new = pv.read_version(book, reg, "001")
    old = _old_style(new)
    assert _rows(old, "A@P2", "production") == TRANSFERS
    contents, rec = pv.version_sheets(book, old, book.read_settings(), "en",
                                      note="saved before transfers were apart")
    pv.write(book, contents)
    assert rec.version == "002"
    book = MasterWorkbook.open(master)
    reg = pv.read_register(book)
    # read back exactly as written: the hash of the old form holds
    assert _rows(pv.read_version(book, reg, "002"), "A@P2", "production") == TRANSFERS
    # the same plan recorded two ways is no change of plan
    assert pv.diff_versions(book, "001", "002").empty
    pv.approve(MasterWorkbook.open(master), "002", by="Zhao Min")
    pv.activate(MasterWorkbook.open(master), "002", by="Zhao Min")
    _check_readers(master)


def _check_readers(master) -> None:
    # the production plan sent to demand management: what P1 makes, not P2's transfers
    got = transfer(MasterWorkbook.open(master), plan_type="production").requirements
    assert set(zip(got["item"], got["plant"], strict=True)) == {("A", "P1"), ("B", "P1")}
    dec = got[got["period"] == "2026-12"].set_index("item")["requirement"]
    assert dec.to_dict() == {"A": 106.0, "B": 50.0}
    # plan achievement of December, in January: the frozen production per item
    book = MasterWorkbook.open(master)
    run = _next_month(book)
    k = run.plan_kpis
    assert k[k["level"] == "item"].set_index("key")["planned"].to_dict() == {
        "A": 106.0, "B": 50.0}
    # January is frozen as December's plan had it, P2's transfers as P1's production
    nodes = pd.Index(["A@P1", "A@P2", "B@P1"])
    frozen = readback.frozen_production(book, run.supply_inputs, nodes)
    assert frozen is not None and frozen[:, 0].tolist() == [91.0, 23.0, 100.0]
    # the meeting pack's "versus last plan": the pump family's December production is
    # 106 + 50 = 156 made (not 191 with P2's 35 transfers), now as then
    last = compared_plan(book, run, pd.Period("2027-01", "M"))
    assert last is not None and last.planning_month == "2026-12"
    c = comparison(PlanRun(book, book.read_inputs(), refresh_forecast=False).snapshot(),
                   last)
    dec = c[(c["measure"] == "production") & (c["month"] == pd.Period("2026-12", "M"))]
    assert dec[["family", "now", "last"]].values.tolist() == [["Pumps", 156.0, 156.0]]
