"""Planning per plant through real workbook files (issue 17): the small company
(tests/small_company.py) with its housing S1 cast and its casting R1 bought in a second
plant P2 and shipped to the assembly plant P1 in 3 working days; EN and 中文."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from small_company import frames
from support import fixed_forecast
from support import small_company_run as _run

from sop_xl.app.cycle import CYCLE, PlanRun, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import PlanningError, ValidationError

PLANTS = pd.DataFrame([["P1", "Assembly", "Hangzhou"], ["P2", "Castings", "Suzhou"]],
                      columns=["plant", "description", "city"])
ITEM_PLANTS = pd.DataFrame(
    [["S1", "P1", "transfer", "P2", 3], ["S1", "P2", "make", None, None],
     ["R1", "P2", "buy", None, None]],
    columns=["item", "plant", "procurement", "source_plant", "transit_days"])


def two_plants(item_plants: pd.DataFrame = ITEM_PLANTS) -> tuple[dict, dict]:
    f, s = frames()
    f["plants"] = PLANTS
    f["item_plants"] = item_plants
    # R1's 30 pieces lie in the casting plant's warehouse
    f["stock"] = f["stock"].assign(warehouse=["FG-WH", "RM-WH2"])
    f["warehouses"] = pd.DataFrame([["FG-WH", "Finished goods", "P1", True],
                                    ["RM-WH2", "Castings plant", "P2", True]],
                                   columns=["warehouse", "description", "plant", "nettable"])
    return f, s


def test_transfers_are_dependent_demand_on_the_source_plant(tmp_path) -> None:
    f, s = two_plants()
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    assert list(run.mps.items) == ["A@P1", "B@P1"]
    o = run.mrp.orders
    moved = o[o["item"] == "S1@P1"]
    # each transfer ships 3 working days before it arrives; the first is past due
    assert (moved["release_day"] == moved["due_day"] - 3).all()
    assert moved.iloc[0][["due_date", "release_date", "qty"]].tolist() == [
        pd.Timestamp("2026-12-01"), pd.Timestamp("2026-11-26"), 130.0]
    r = run.mrp
    names = list(r.item_names)
    gross_p2 = r.daily["gross"][names.index("S1@P2")]
    releases_p1 = r.daily["releases"][names.index("S1@P1")]
    assert gross_p2.tolist() == releases_p1.tolist()
    # the casting plant's stock of R1 is on hand there, and nowhere else
    assert r.on_hand_all[names.index("R1@P2")] == 30.0
    assert "R1@P1" not in names and "S1" not in names
    assert run.notices == ["planned per plant: 2 plants, 6 item × plant nodes, "
                           "1 transfer lanes"]


@pytest.mark.parametrize(("lang", "plant", "source"), [("en", "Plant", "Source plant"),
                                                        ("zh-CN", "工厂", "调出工厂")])
def test_supply_sheets_carry_the_plant(tmp_path, monkeypatch, lang, plant, source) -> None:
    f, s = two_plants()
    path = write_master(tmp_path / "m.xlsx", f, s, lang=lang)
    monkeypatch.setattr(PlanRun, "forecast", property(
        lambda self: fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)))
    run_steps(MasterWorkbook.open(path), list(CYCLE))
    wb = openpyxl.load_workbook(path)
    by_key = {ws.title: ws for ws in wb.worksheets}
    mps = by_key["MPS" if lang == "en" else "主生产计划"]
    header = [c.value for c in mps[3]]
    assert header[-1] == plant and mps.auto_filter.ref.endswith(
        f"{openpyxl.utils.get_column_letter(len(header))}{mps.max_row}")
    rows = list(mps.iter_rows(min_row=4, values_only=True))
    assert {(r[0], r[-1]) for r in rows if r[0]} == {("A@P1", "P1"), ("B@P1", "P1")}
    mrp = by_key["MRP" if lang == "en" else "物料需求计划"]
    rule = [c.value for c in mrp[3]].index("Lot rule" if lang == "en" else "批量规则")
    notes = {r[0]: r[rule] for r in mrp.iter_rows(min_row=4, values_only=True) if r[0]}
    assert notes["S1@P1"] == ("Lot-for-lot; transfer from P2, 3 working days" if lang == "en"
                              else "批对批; 从 P2 调拨，3 个工作日")
    assert notes["S1@P2"] == ("Lot-for-lot" if lang == "en" else "批对批")
    orders = by_key["PlannedOrders" if lang == "en" else "计划订单"]
    head = [c.value for c in orders[1]]
    assert head[-2:] == [plant, source]
    got = {(r[0], r[-2], r[-1]) for r in orders.iter_rows(min_row=2, values_only=True)
           if r[0]}
    assert got == {("S1@P1", "P1", "P2"), ("S1@P2", "P2", None), ("R1@P2", "P2", None),
                   ("R2@P1", "P1", None)}


def test_one_plant_on_plants_plans_as_without_the_sheet(tmp_path) -> None:
    f, s = frames()
    plain = _run(write_master(tmp_path / "plain.xlsx", f, s))
    f["plants"] = PLANTS.iloc[:1]
    one = _run(write_master(tmp_path / "one.xlsx", f, s))
    assert one.network is None
    pd.testing.assert_frame_equal(one.mrp.orders, plain.mrp.orders)
    for k in plain.mps.rows:
        np.testing.assert_array_equal(one.mps.rows[k], plain.mps.rows[k])


def test_a_cycle_of_transfers_names_its_rows(tmp_path) -> None:
    ip = pd.DataFrame([["S1", "P1", "transfer", "P2", 3], ["S1", "P2", "transfer", "P1", 2]],
                      columns=["item", "plant", "procurement", "source_plant", "transit_days"])
    f, s = two_plants(ip)
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    with pytest.raises(PlanningError) as e:
        run.mps  # noqa: B018
    assert "ItemPlants" in str(e.value) and "P1 → P2 → P1" in str(e.value) \
        and "rows 2, 3" in str(e.value)


def test_a_transfer_without_another_source_plant_is_refused(tmp_path) -> None:
    ip = pd.DataFrame([["S1", "P1", "transfer", "P1", 3], ["S1", "P2", "make", None, None],
                       ["R1", "P3", "buy", None, None]],
                      columns=["item", "plant", "procurement", "source_plant", "transit_days"])
    f, s = two_plants(ip)
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(write_master(tmp_path / "bad.xlsx", f, s)).read_inputs()
    got = [(p.sheet, p.row, p.column, p.value) for p in e.value.problems]
    assert ("ItemPlants", 2, "Source plant", "P1") in got
    assert ("ItemPlants", 4, "Plant", "P3") in got


def planned_with_a_transfer(tmp_path, monkeypatch):
    """The two-plant company with 25 % of A shipped from P2 (transferred from P1 in 4
    working days), a fixed forecast (A 100, B 40 a month), planned and version 001
    saved: the path of its master."""
    ip = pd.concat([ITEM_PLANTS, pd.DataFrame(
        [["A", "P1", "make", None, None, 0.75], ["A", "P2", "transfer", "P1", 4, 0.25]],
        columns=[*ITEM_PLANTS.columns, "demand_share"])], ignore_index=True)
    f, s = two_plants(ip)
    path = write_master(tmp_path / "m.xlsx", f, s)
    monkeypatch.setattr(PlanRun, "forecast", property(
        lambda self: fixed_forecast({"A": 100.0, "B": 40.0}, "2026-12", 6)))
    run_steps(MasterWorkbook.open(path), list(CYCLE))
    return path


def test_the_production_plan_is_transferred_per_plant(tmp_path, monkeypatch) -> None:
    from sop_xl.app import versions as pv
    from sop_xl.app.transfer import export_frame, transfer
    path = planned_with_a_transfer(tmp_path, monkeypatch)
    pv.approve(MasterWorkbook.open(path), "001", by="Zhao Min")
    pv.activate(MasterWorkbook.open(path), "001", by="Zhao Min")
    got = transfer(MasterWorkbook.open(path), plan_type="production")
    fr = got.requirements
    # what P2 receives from P1 is a transfer, not production (test_plants_versions.py)
    assert set(zip(fr["item"], fr["plant"], strict=True)) == {("A", "P1"), ("B", "P1")}
    assert fr.loc[fr["item"] == "A", "description"].eq("Pump A").all()
    assert list(export_frame(fr).columns)[-1] == "plant"


def test_a_contract_ships_from_the_plant_it_names(tmp_path) -> None:
    ip = pd.concat([ITEM_PLANTS, pd.DataFrame(
        [["A", "P1", "make", None, None, 0.75], ["A", "P2", "transfer", "P1", 4, 0.25]],
        columns=[*ITEM_PLANTS.columns, "demand_share"])], ignore_index=True)
    f, s = two_plants(ip)
    # C1: 30 ordered, 10 delivered, due in the planning month: 20 open pieces from P2
    f["contracts"] = f["contracts"].assign(plant=["P2", None])
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    d, nd = run.demand, run.supply_demand
    a, a1, a2 = list(d.items).index("A"), list(nd.items).index("A@P1"), \
        list(nd.items).index("A@P2")
    assert nd["small_contracts"][a2, 0] == 20.0 and nd["small_contracts"][a1].sum() == 0
    # the rest of A's demand by the shares, and nothing lost or made up
    np.testing.assert_allclose(nd["demand"][a1] + nd["demand"][a2], d["demand"][a])
    np.testing.assert_allclose(nd["forecast_part"][a2], 0.25 * d["forecast_part"][a])
    _, orders = nd.dated(run.days)
    assert orders[a2].sum() == 20.0 and orders[a1].sum() == 0.0


def test_plan_achievement_sums_the_made_nodes_per_item(tmp_path, monkeypatch) -> None:
    from sop_xl.app import readback
    ip = pd.concat([ITEM_PLANTS, pd.DataFrame(
        [["A", "P1", "make", None, None, 0.75], ["A", "P2", "transfer", "P1", 4, 0.25]],
        columns=[*ITEM_PLANTS.columns, "demand_share"])], ignore_index=True)
    f, s = two_plants(ip)
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    # last month's plan tab per node: A made 70 at P1 (30 of them moved on to P2), B 40
    tab = pd.DataFrame({"item": ["A@P1", "A@P2", "B@P1"], "qty": [70.0, 30.0, 40.0],
                        "month": [pd.Period("2026-11", "M")] * 3, "version": "001"})
    monkeypatch.setattr(readback, "approved_frozen_plans", lambda book, inputs: tab)
    k = run.plan_kpis
    items = k[k["level"] == "item"].set_index("key")["planned"]
    assert items.to_dict() == {"A": 70.0, "B": 40.0}


def test_stock_counts_only_in_its_plant_and_only_when_nettable(tmp_path) -> None:
    def with_lot(warehouse: str) -> PlanRun:
        f, s = two_plants()
        f["stock"] = pd.concat([f["stock"], pd.DataFrame(
            [["R1", warehouse, 25.0, f["stock"]["last_movement"].iloc[1]]],
            columns=f["stock"].columns)], ignore_index=True)
        f["warehouses"] = pd.concat([f["warehouses"], pd.DataFrame(
            [["QC-WH2", "Inspection, castings plant", "P2", False],
             ["RM-WH1", "Assembly plant store", "P1", True]],
            columns=f["warehouses"].columns)], ignore_index=True)
        return _run(write_master(tmp_path / f"{warehouse}.xlsx", f, s))

    def r1(run: PlanRun) -> tuple[float, list]:
        r = run.mrp
        o = r.orders[r.orders["item"] == "R1@P2"]
        return (float(r.on_hand_all[list(r.item_names).index("R1@P2")]),
                o[["due_day", "qty"]].values.tolist())

    f, s = two_plants()
    plain = r1(_run(write_master(tmp_path / "plain.xlsx", f, s)))
    assert plain[0] == 30.0
    # 25 more in P2's quarantine: not nettable, as if they were not there
    assert r1(with_lot("QC-WH2")) == plain
    # 25 more in the assembly plant: P1's stock, not the castings plant's, which plans
    # exactly as before; R1 gets a node in P1 holding them
    there = with_lot("RM-WH1")
    assert r1(there) == plain
    r = there.mrp
    assert r.on_hand_all[list(r.item_names).index("R1@P1")] == 25.0
