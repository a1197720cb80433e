"""The demand plan per item × plant (issue 17, session 4): with several plants DemandPlan
shows each item's total rows and a block per item × plant (Plant column, AutoFilter), and
the item's total is the sum over its plants, which is what the MPS nets — FamilyPlan, the
forecast archive, the saved version and the meeting pack read the same figures. The small
company with pump A shipped 70 / 30 from P1 / P2 (tests/supply/test_plants_demand.py),
statistical forecast A 100, B 40 a month, month buckets from December 2026; through real
workbook files, EN and 中文."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from support import fixed_forecast
from test_plants_demand import SHARED, shared_pump_a
from test_plants_workbook import two_plants

from sop_xl.app import versions as pv
from sop_xl.app.cycle import CYCLE, PlanRun, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master

FEB = "2027-02"
LABELS = {"en": ("DemandPlan", "Plant", "All plants", "Planner adjustment (by share)"),
          "zh-CN": ("需求计划", "工厂", "全部工厂", "计划员调整(按比例)")}


def _planned(path, monkeypatch) -> MasterWorkbook:
    monkeypatch.setattr(PlanRun, "forecast", property(
        lambda self: fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)))
    run_steps(MasterWorkbook.open(path), list(CYCLE))
    return MasterWorkbook.open(path)


def _grid(book: MasterWorkbook, key: str) -> pd.DataFrame:
    g = book.read_output_grid(key)
    assert g is not None
    return g


def _cell(g: pd.DataFrame, block: str, measure: str, period: str = FEB,
          col: str = "item") -> float:
    v = g[(g[col].astype(str) == block) & (g["measure"] == measure) & (g["period"] == period)]
    assert len(v) == 1, (block, measure, period)
    return float(v["value"].iloc[0] or 0.0)


def _plant_column(path, lang) -> dict[str, set]:
    """The Plant column of DemandPlan (its last column, under the AutoFilter): item
    cell → the plants shown on its block's rows."""
    ws = openpyxl.load_workbook(path)[LABELS[lang][0]]
    header = [c.value for c in ws[3]]
    assert header[-1] == LABELS[lang][1]
    assert ws.auto_filter.ref.endswith(
        f"{openpyxl.utils.get_column_letter(len(header))}{ws.max_row}")
    out: dict[str, set] = {}
    for r in ws.iter_rows(min_row=4, values_only=True):
        out.setdefault(r[0], set()).add(r[-1])
    return out


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_demand_plan_is_the_sum_over_the_plants(tmp_path, monkeypatch, lang) -> None:
    """February: statistical 100 a month, project "Dam" 100 pieces at 50 % shipped from
    P2. Consumed per plant: P1 keeps its 70 (the project is P2's), P2 max(30 − 50, 0) = 0
    + 50 project = 50; so A plans 120, not the company-netted 100 (100 − 50 + 50)."""
    f, s = shared_pump_a()
    f["projects"] = f["projects"].assign(qty=100.0, plant="P2")
    path = write_master(tmp_path / "m.xlsx", f, s, lang=lang)
    book = _planned(path, monkeypatch)
    d = _grid(book, "demand_plan")
    # the item's total rows, then one block per plant
    assert _cell(d, "A", "forecast_part") == pytest.approx(70.0)
    assert _cell(d, "A", "projects_weighted") == pytest.approx(50.0)
    assert _cell(d, "A", "demand") == pytest.approx(120.0)
    assert _cell(d, "A@P1", "forecast_part") == pytest.approx(70.0)
    assert _cell(d, "A@P1", "demand") == pytest.approx(70.0)
    assert _cell(d, "A@P2", "forecast_part") == pytest.approx(0.0)
    assert _cell(d, "A@P2", "projects_weighted") == pytest.approx(50.0)
    assert _cell(d, "A@P2", "demand") == pytest.approx(50.0)
    # December: 70 by Li Na for no plant + 30 by Wang Fang for P2 = P1 49, P2 51, A 100
    dec = "2026-12"
    assert [_cell(d, k, "sales_forecast", dec) for k in ("A", "A@P1", "A@P2")] == \
        pytest.approx([100.0, 49.0, 51.0])
    # every month: the item's demand is the sum of its plants'
    for p in d["period"].unique():
        assert _cell(d, "A", "demand", p) == pytest.approx(
            _cell(d, "A@P1", "demand", p) + _cell(d, "A@P2", "demand", p))
    plants = _plant_column(path, lang)
    assert plants["A"] == {LABELS[lang][2]} and plants["B"] == {LABELS[lang][2]}
    assert plants["A@P1"] == {"P1"} and plants["A@P2"] == {"P2"} and plants["B@P1"] == {"P1"}
    # the plant rows' adjustment is the item's split, not an input read back
    ws = openpyxl.load_workbook(path)[LABELS[lang][0]]
    worded = {(r[0], r[2]) for r in ws.iter_rows(min_row=4, values_only=True)
              if r[2] == LABELS[lang][3]}
    assert worded == {("A@P1", LABELS[lang][3]), ("A@P2", LABELS[lang][3]),
                      ("B@P1", LABELS[lang][3])}

    # the MPS nets 120 over the plants: customers' demand on the Projection
    pr = _grid(book, "projection")
    assert _cell(pr, "A@P1", "demand") + _cell(pr, "A@P2", "demand") == pytest.approx(120.0)
    # FamilyPlan, the forecast archive, the saved version and the meeting pack: 120 + B 40
    fam = _grid(book, "family_plan")
    assert _cell(fam, "Pumps", "plan", col="family") == pytest.approx(160.0)
    arch = book.read_frame("forecast_archive")[0]
    a = arch[(arch["source"] == "demand_plan") & (arch["item"] == "A")]
    assert float(a.loc[a["month"] == pd.Period(FEB, "M"), "qty"].iloc[0]) == \
        pytest.approx(120.0)
    reg = pv.read_register(book)
    snap = pv.read_version(book, reg, reg["version"].iloc[0])
    v = snap[(snap["section"] == "demand") & (snap["key"] == "A")
             & (snap["measure"] == "demand") & (snap["period"] == FEB)]
    assert float(v["qty"].iloc[0]) == pytest.approx(120.0)


def test_shares_only_split_every_row(tmp_path, monkeypatch) -> None:
    """No line names a plant: the item's rows are the company's, as before, and each
    plant's block is its share of them (A 70 / 30); a planner's adjustment typed on
    the item's row (10 in February) goes to the plants by the shares too."""
    f, s = two_plants(SHARED)
    path = write_master(tmp_path / "m.xlsx", f, s)
    book = _planned(path, monkeypatch)
    d = _grid(book, "demand_plan")
    for k in ("forecast_part", "projects_weighted", "demand"):
        total = _cell(d, "A", k)
        assert _cell(d, "A@P1", k) == pytest.approx(0.7 * total), k
        assert _cell(d, "A@P2", k) == pytest.approx(0.3 * total), k
    before = _cell(d, "A", "demand")
    # the planner types 10 on A's adjustment row in February and plans again
    wb = openpyxl.load_workbook(path)
    ws = wb["DemandPlan"]
    header = [c.value for c in ws[3]]
    col = header.index(FEB) + 1
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "A"
               and ws.cell(r, 3).value == "Planner adjustment")
    ws.cell(row, col).value = 10
    wb.save(path)
    book = _planned(path, monkeypatch)
    d = _grid(book, "demand_plan")
    assert _cell(d, "A", "demand") == pytest.approx(before + 10)
    assert _cell(d, "A@P1", "demand") + _cell(d, "A@P2", "demand") == \
        pytest.approx(before + 10)
    pr = _grid(book, "projection")
    assert _cell(pr, "A@P1", "demand") + _cell(pr, "A@P2", "demand") == \
        pytest.approx(before + 10)


def _events(rows: list[list]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["event", "scope", "target", "kind", "value",
                                       "start_month", "end_month", "note", "plant"])


def test_an_event_at_a_plant_acts_there_only(tmp_path) -> None:
    """March: a 1.2 promotion of A in P2's region scales P2's forecast 30 → 36 only
    (events 6; for every plant it would be 20: 14 + 6); April: 10 pieces for the Pumps
    family at P2 go to the family's items planned there, A alone (B is planned at P1
    only); May: 5 pieces of A for every plant, by the shares 3.5 / 1.5."""
    from support import small_company_run
    f, s = two_plants(SHARED)
    mar, apr, may = pd.Period("2027-03", "M"), pd.Period("2027-04", "M"), \
        pd.Period("2027-05", "M")
    f["events"] = _events([["Promo West", "item", "A", "multiply", 1.2, mar, mar, None, "P2"],
                           ["Fair", "family", "Pumps", "add", 10.0, apr, apr, None, "P2"],
                           ["Show", "item", "A", "add", 5.0, may, may, None, None]])
    run = small_company_run(write_master(tmp_path / "m.xlsx", f, s))
    d, nd = run.demand, run.supply_demand
    a, b = list(d.items).index("A"), list(d.items).index("B")
    at = {n: k for k, n in enumerate(nd.items)}
    m3, m4, m5 = 3, 4, 5
    assert nd["forecast_part"][[at["A@P1"], at["A@P2"]], m3].tolist() == \
        pytest.approx([70.0, 30.0])
    assert nd["events"][[at["A@P1"], at["A@P2"]], m3].tolist() == pytest.approx([0.0, 6.0])
    assert d["events"][a, m3] == pytest.approx(6.0)
    assert d["demand"][a, m3] == pytest.approx(106.0)
    assert nd["events"][[at["A@P1"], at["A@P2"], at["B@P1"]], m4].tolist() == \
        pytest.approx([0.0, 10.0, 0.0])
    assert d["events"][[a, b], m4].tolist() == pytest.approx([10.0, 0.0])
    assert nd["events"][[at["A@P1"], at["A@P2"]], m5].tolist() == pytest.approx([3.5, 1.5])
    # the plants' sum is the item's, and what the MPS nets
    for k in ("events", "demand"):
        assert d[k][a] == pytest.approx(nd[k][at["A@P1"]] + nd[k][at["A@P2"]])
    forecast, orders = nd.dated(run.days)
    item_forecast, item_orders = d.dated(run.days)
    assert forecast.sum() + orders.sum() == pytest.approx(item_forecast.sum()
                                                          + item_orders.sum())


@pytest.mark.parametrize(("lang", "sheet", "column"), [("en", "Events", "Plant"),
                                                        ("zh-CN", "事件", "工厂")])
def test_an_event_at_a_plant_that_does_not_plan_it_is_refused(tmp_path, lang, sheet,
                                                             column) -> None:
    from sop_xl.base.errors import ValidationError
    f, s = two_plants(SHARED)
    f["plants"] = pd.concat([f["plants"], pd.DataFrame(
        [["P3", "Warehouse", "Xi'an"]], columns=f["plants"].columns)], ignore_index=True)
    mar = pd.Period("2027-03", "M")
    f["events"] = _events([["Promo", "item", "B", "multiply", 1.2, mar, mar, None, "P2"],
                           ["Fair", "family", "Pumps", "add", 10.0, mar, mar, None, "P3"],
                           ["Show", "item", "A", "add", 5.0, mar, mar, None, "P9"]])
    path = write_master(tmp_path / "bad.xlsx", f, s, lang=lang)
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(path).read_inputs()
    got = [(p.sheet, p.row, p.column, p.cell, p.value) for p in e.value.problems]
    assert got == [(sheet, 4, column, "I4", "P9"), (sheet, 2, column, "I2", "P2"),
                   (sheet, 3, column, "I3", "P3")]
    text = str(e.value)
    if lang == "en":
        assert "Events!I2 (Plant): item B is not planned at plant 'P2'" in text
        assert "Events!I3 (Plant): no item of family Pumps is planned at plant 'P3'; " \
            "expected a plant where ItemPlants plans one of them" in text
        assert "Events!I4 (Plant): 'P9' is not in Plants" in text
    else:
        assert "产品族 Pumps 没有物料在工厂 'P3' 计划" in text
