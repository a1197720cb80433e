"""The sales assistants' M+3 workbooks of a master with several plants (issue 17, session
4): each line carries its shipping plant (an input, blank = shared by the plants that ship
the item), and collect writes the plants back instead of replacing plant-named lines
with unnamed ones. The two-assistant small company (tests/meeting/meeting_support.py)
with pump A shipped 70 / 30 from P1 / P2; Li Na has December on file as 60 from P1 and 20
from P2, January 90 for no plant. Statistical forecast A 100, B 40 a month."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from meeting_support import fixed_forecast, new_master, run_month, two_assistant_frames
from support import file_hash

from sop_xl.app.master import MasterWorkbook
from sop_xl.faces.assistants import collect, split

P = pd.Period
DEC, JAN, FEB, MAR = ("2026-12", "2027-01", "2027-02", "2027-03")
PLANTS = pd.DataFrame([["P1", "Assembly", "Hangzhou"], ["P2", "Regional", "Chengdu"]],
                      columns=["plant", "description", "city"])
ITEM_PLANTS = pd.DataFrame(
    [["A", "P1", "make", None, None, 0.7], ["A", "P2", "transfer", "P1", 4, 0.3]],
    columns=["item", "plant", "procurement", "source_plant", "transit_days", "demand_share"])
SHEET = {"en": ("Forecast", "Shipping plant"), "zh-CN": ("预测填报", "发货工厂")}


def _master(tmp: Path, monkeypatch, lang: str = "en") -> Path:
    f, s = two_assistant_frames()
    f["plants"], f["item_plants"] = PLANTS, ITEM_PLANTS
    sf = f["sales_forecast"].assign(plant=None)
    dec = (sf["assistant"] == "Li Na") & (sf["month"] == P(DEC, "M"))
    sf = pd.concat([sf[~dec], pd.DataFrame(
        [["Li Na", "Domestic Sales", "A", P(DEC, "M"), 60.0, None, "P1"],
         ["Li Na", "Domestic Sales", "A", P(DEC, "M"), 20.0, "west", "P2"]],
        columns=sf.columns)], ignore_index=True)
    f["sales_forecast"] = sf
    master = new_master(tmp / "master.xlsx", f, s, lang=lang)
    run_month(master, fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6), monkeypatch)
    return master


def _rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [{"row": r, "item": ws.cell(r, 1).value, "month": ws.cell(r, 4).value,
             "reference": ws.cell(r, 5).value, "known": ws.cell(r, 6).value,
             "on_file": ws.cell(r, 7).value, "qty": ws.cell(r, 8).value,
             "plant": ws.cell(r, 12).value}
            for r in range(7, ws.max_row + 1) if ws.cell(r, 1).value is not None]


def _type(src: Path, out: Path, sheet: str, by_row: dict[int, tuple]) -> Path:
    """Type (forecast, plant) into the unlocked cells of the given rows, then save."""
    wb = openpyxl.load_workbook(src)
    ws = wb[sheet]
    for r, (qty, plant) in by_row.items():
        for col, v in ((8, qty), (12, plant)):
            cell = ws.cell(r, col)
            assert cell.protection.locked is False, f"{cell.coordinate} is locked"
            cell.value = v
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def test_the_plant_goes_out_and_comes_back(tmp_path, monkeypatch) -> None:
    master = _master(tmp_path, monkeypatch)
    split(master, tmp_path / "out")
    src = tmp_path / "out" / "2026-12 Li Na.xlsx"
    ws = openpyxl.load_workbook(src)["Forecast"]
    assert ws.cell(6, 12).value == "Shipping plant"
    rows = _rows(src, "Forecast")
    # December on file per plant; its reference 100 − 20 on contract = 80, split 60 : 20
    assert [(r["month"], r["plant"], r["on_file"], r["reference"], r["known"])
            for r in rows] == [
        (DEC, "P1", 60, 60, 15), (DEC, "P2", 20, 20, 5), (JAN, None, 90, 100, 0),
        (FEB, None, None, 75, 25), (MAR, None, None, 100, 0)]
    # the History sheet sums December's two lines: 80 + 20 on contract, 60 + 20 + 20
    hist = openpyxl.load_workbook(src)["History"]
    head = [c.value for c in hist[4]]
    c = head.index(DEC) + 1
    assert hist.cell(5 + 1, c).value.startswith("=") and "COUNT(" in hist.cell(5 + 2, c).value
    # Li Na moves 5 to P1, ships January from P2, February and March by the shares
    _type(src, tmp_path / "in" / src.name, "Forecast",
                   {7: (65, "P1"), 8: (20, "P2"), 9: (90, "P2"), 10: (75, None),
                    11: (100, None)})
    report = collect(tmp_path / "in", master)
    assert report.written and not report.refused
    sf = MasterWorkbook.open(master).read_frame("sales_forecast")[0]
    mine = sf[(sf["assistant"] == "Li Na") & (sf["month"] >= P(DEC, "M"))]
    assert [(str(m), q, p if isinstance(p, str) else None) for m, q, p in
            zip(mine["month"], mine["qty"], mine["plant"], strict=True)] == [
        (DEC, 65, "P1"), (DEC, 20, "P2"), (JAN, 90, "P2"), (FEB, 75, None), (MAR, 100, None)]
    assert mine["reason"].tolist()[1] == "west"   # P2's reason, on file, kept as shown
    # Zhang Wei's lines untouched
    zw = sf[sf["assistant"] == "Zhang Wei"]
    assert zw["qty"].tolist() == [45, 40, 30]
    # planned: January's 90 ships from P2 whole
    from support import small_company_run
    run = small_company_run(master)
    nd = run.supply_demand
    jan = 1
    at = {n: k for k, n in enumerate(nd.items)}
    assert nd["sales_forecast"][at["A@P2"], jan] == pytest.approx(90.0)
    assert nd["sales_forecast"][at["A@P1"], jan] == pytest.approx(0.0)
    assert run.demand["sales_forecast"][list(run.demand.items).index("A"), jan] == \
        pytest.approx(90.0)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_plant_that_does_not_ship_the_item_is_refused(tmp_path, monkeypatch, lang) -> None:
    master = _master(tmp_path, monkeypatch, lang)
    split(master, tmp_path / "out")
    sheet, column = SHEET[lang]
    src = next((tmp_path / "out").glob("* Li Na.xlsx"))
    bad = _type(src, tmp_path / "in" / src.name, sheet,
                {7: (60, "P1"), 8: (20, "P1"), 9: (90, "P9"), 10: (75, None), 11: (100, None)})
    before = file_hash(master)
    report = collect(tmp_path / "in", master)
    assert not report.written and file_hash(master) == before
    got = [(p.code, p.sheet, p.row, p.column, p.cell, p.value)
           for p in report.refused[bad.name]]
    assert got == [("asst_plant_twice", sheet, 8, column, "L8", "P1"),
                   ("asst_unknown_plant", sheet, 9, column, "L9", "P9")]
    text = [p.render(lang) for p in report.refused[bad.name]]
    if lang == "en":
        assert text[1] == (f"[{bad.name}] Forecast!L9 (Shipping plant): plant 'P9' does not "
                           "ship item A; expected one of P1, P2 or blank (shared by the "
                           "plants that ship it)")
        assert "item A for 2026-12 from plant P1 is given twice (rows 7, 8)" in text[0]
    else:
        assert "工厂 'P9' 不发货物料 A" in text[1] and "预测填报!L9" in text[1]
