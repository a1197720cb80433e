"""Demand lines that name their shipping plant (issue 17, inputs): SalesForecast, Projects
and Contracts with a plant go to that plant's node whole, lines without one by ItemPlants'
demand shares, and the forecast is consumed per plant. The small company
(tests/small_company.py) with pump A shipped 70 / 30 from P1 (assembly) and P2 (supplied
from P1 in 4 working days); flat statistical forecast A 100, B 40 a month; month buckets
from December 2026, the first four months near term."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import small_company_run as _run
from test_plants_workbook import ITEM_PLANTS, two_plants

from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import write_master
from sop_xl.base.errors import ValidationError

P = pd.Period
SHARED = pd.concat([ITEM_PLANTS, pd.DataFrame(
    [["A", "P1", "make", None, None, 0.7], ["A", "P2", "transfer", "P1", 4, 0.3]],
    columns=[*ITEM_PLANTS.columns, "demand_share"])], ignore_index=True)


def shared_pump_a() -> tuple[dict, dict]:
    f, s = two_plants(SHARED)
    # December: 100 forecast, 70 by Li Na for no plant in particular, 30 by Wang Fang
    # for P2; January 90 for no plant
    f["sales_forecast"] = pd.DataFrame(
        [["Li Na", "Domestic Sales", "A", P("2026-12", "M"), 70.0, None, None],
         ["Wang Fang", "Domestic Sales", "A", P("2026-12", "M"), 30.0, None, "P2"],
         ["Li Na", "Domestic Sales", "A", P("2027-01", "M"), 90.0, None, None]],
        columns=["assistant", "department", "item", "month", "qty", "reason", "plant"])
    return f, s


def test_a_forecast_line_with_a_plant_goes_there_the_rest_by_the_shares(tmp_path) -> None:
    f, s = shared_pump_a()
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    d, nd = run.demand, run.supply_demand
    a, a1, a2 = (list(d.items).index("A"), list(nd.items).index("A@P1"),
                 list(nd.items).index("A@P2"))
    sf = nd["sales_forecast"]
    # December: P2 30 + 0.3 × 70 = 51, P1 0.7 × 70 = 49; January 90 by the shares
    assert sf[a2, :2].tolist() == pytest.approx([51.0, 27.0])
    assert sf[a1, :2].tolist() == pytest.approx([49.0, 63.0])
    assert d["sales_forecast"][a, :2].tolist() == [100.0, 90.0]
    # near-term months with a submitted forecast: the forecast part is the assistants'
    np.testing.assert_allclose(nd["forecast_part"][[a1, a2], :2], [[49, 63], [51, 27]])
    assert nd.from_sales[a2, :2].all() and nd.from_sales[a1, :2].all()
    # the dated plan the MPS nets carries the same pieces through December
    forecast, _ = nd.dated(run.days)
    dec = run.days.by_bucket(forecast)[:, 0]
    assert dec[a2] == pytest.approx(51.0) and dec[a1] == pytest.approx(49.0)


def test_the_forecast_is_consumed_per_plant(tmp_path) -> None:
    f, s = shared_pump_a()
    # project "Dam": 100 pieces in February at 50 %, shipped from P2 → 50 weighted there
    f["projects"] = f["projects"].assign(qty=100.0, plant="P2")
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    d, nd = run.demand, run.supply_demand
    a, a1, a2 = (list(d.items).index("A"), list(nd.items).index("A@P1"),
                 list(nd.items).index("A@P2"))
    feb = 2
    # netted for the company as a whole, 100 − 50 = 50 forecast beside the project's 50
    company = run.item_demand
    assert company["forecast_part"][a, feb] == 50.0 and company["demand"][a, feb] == 100.0
    # the demand plan tells the plants' truth: 70 + 0 forecast, 50 project, 120
    assert d["forecast_part"][a, feb] == pytest.approx(70.0)
    assert d["demand"][a, feb] == pytest.approx(120.0)
    # per plant: P1's 70 is not consumed by a project P2 ships; P2's 30 is, to nothing
    assert nd["projects_weighted"][[a1, a2], feb].tolist() == [0.0, 50.0]
    assert nd["projects_unweighted"][[a1, a2], feb].tolist() == [0.0, 100.0]
    assert nd["forecast_part"][[a1, a2], feb].tolist() == pytest.approx([70.0, 0.0])
    assert nd["demand"][[a1, a2], feb].tolist() == pytest.approx([70.0, 50.0])
    # March, with nothing known: the statistical forecast 70 / 30
    assert nd["demand"][[a1, a2], 3].tolist() == pytest.approx([70.0, 30.0])
    assert not nd.from_sales[[a1, a2], feb].any()


def test_lines_without_a_plant_plan_as_before(tmp_path) -> None:
    f, s = two_plants(SHARED)
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    d, nd = run.demand, run.supply_demand
    a, a1, a2 = (list(d.items).index("A"), list(nd.items).index("A@P1"),
                 list(nd.items).index("A@P2"))
    for k in ("forecast_part", "projects_weighted", "sales_forecast", "demand"):
        np.testing.assert_allclose(nd[k][a1], 0.7 * d[k][a], err_msg=k)
        np.testing.assert_allclose(nd[k][a2], 0.3 * d[k][a], err_msg=k)


@pytest.mark.parametrize(("lang", "sheets", "column"), [
    ("en", ("SalesForecast", "Projects"), "Shipping plant"),
    ("zh-CN", ("销售预测", "项目"), "发货工厂")])
def test_a_plant_that_does_not_plan_the_item_is_refused(tmp_path, lang, sheets,
                                                         column) -> None:
    f, s = shared_pump_a()
    # B has no ItemPlants row: it is planned at the home plant P1 only
    f["sales_forecast"].loc[len(f["sales_forecast"])] = [
        "Li Na", "Domestic Sales", "B", P("2026-12", "M"), 10.0, None, "P2"]
    f["sales_forecast"].loc[len(f["sales_forecast"])] = [
        "Li Na", "Domestic Sales", "B", P("2027-01", "M"), 10.0, None, "P1"]
    f["projects"] = f["projects"].assign(plant="HZ")
    path = write_master(tmp_path / "bad.xlsx", f, s, lang=lang)
    with pytest.raises(ValidationError) as e:
        MasterWorkbook.open(path).read_inputs()
    got = [(p.sheet, p.row, p.column, p.cell, p.value) for p in e.value.problems]
    assert got == [(sheets[1], 2, column, "I2", "HZ"), (sheets[0], 5, column, "G5", "P2")]
    text = str(e.value)
    if lang == "en":
        assert "SalesForecast!G5 (Shipping plant): item B is not planned at plant 'P2'; " \
            "expected a plant where ItemPlants plans it (or blank: shared by the demand " \
            "shares)" in text
        assert "Projects!I2 (Shipping plant): 'HZ' is not in Plants" in text
    else:
        assert "物料 B 未在工厂 'P2' 计划" in text


_BUILT: dict[str, object] = {}


def _built(tmp_path_factory) -> object:
    """One run of the shared-pump workbook (its item plan names no plant)."""
    if "run" not in _BUILT:
        f, s = shared_pump_a()
        f["sales_forecast"]["plant"] = None
        path = write_master(tmp_path_factory.mktemp("prop") / "m.xlsx", f, s)
        _BUILT["run"] = _run(path)
    return _BUILT["run"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([None, "P1", "P2"]), min_size=7, max_size=7))
def test_naming_plants_moves_pieces_between_plants_and_loses_none(tmp_path_factory,
                                                                  where) -> None:
    """Property: whichever plants the lines of A name, the plants' contracts, projects
    and sales forecast add up to the item's, piece for piece, and so do the customer
    orders the MPS nets; every forecast part is ≥ 0."""
    from sop_xl.plan.demand import PARTS
    from sop_xl.plan.plants import PER_PLANT_ROWS, item_totals, node_demand
    run = _built(tmp_path_factory)
    inp = run.inputs
    sf = inp.sales_forecast.assign(plant=where[:3])
    c = inp.contracts.assign(plant=[where[3] if i == "A" else None
                                    for i in inp.contracts["item"]])
    p = inp.projects.assign(plant=where[4])
    nd = node_demand(run.item_demand, run.network, dataclasses.replace(
        inp, sales_forecast=sf, contracts=c, projects=p))
    d = run.item_demand
    of = pd.Index(d.items).get_indexer(run.network.item_of(nd.items))
    for k in ("sales_forecast", "projects_weighted", "projects_unweighted",
              "small_contracts", "large_contracts", "adjustment"):
        total = np.zeros_like(d[k])
        np.add.at(total, of, nd[k])
        np.testing.assert_allclose(total, d[k], atol=1e-9, err_msg=k)
    assert (nd["forecast_part"] >= 0).all()
    _, orders = nd.dated(run.days)
    _, item_orders = d.dated(run.days)
    assert orders.sum() == pytest.approx(item_orders.sum())
    # the demand plan per item (DemandPlan, FamilyPlan, archive, version) is the sum over
    # the plants of every row, and its dated plan is what the MPS nets over the plants
    tot = item_totals(nd, d, run.network)
    for k in PER_PLANT_ROWS:
        total = np.zeros_like(tot[k])
        np.add.at(total, of, nd[k])
        np.testing.assert_allclose(tot[k], total, atol=1e-9, err_msg=k)
    np.testing.assert_allclose(tot["demand"], sum(tot[k] for k in PARTS), atol=1e-9)
    for node_part, item_part in zip(nd.dated(run.days), tot.dated(run.days), strict=True):
        folded = np.zeros_like(item_part)
        np.add.at(folded, of, node_part)
        np.testing.assert_allclose(item_part, folded, atol=1e-9)


def test_an_assistant_forecast_split_over_plants_is_one_forecast(tmp_path) -> None:
    """Li Na's December 100 for A given as 70 from P1 and 30 from P2: her workbook shows
    100 on file, the deviation check and the forecast archive see one line of 100."""
    from sop_xl.faces.assistants.assignment import assign
    from sop_xl.faces.assistants.figures import department_shares, figures_for, submitted_deviations
    from sop_xl.plan.demand import archive_rows
    f, s = shared_pump_a()
    f["sales_forecast"] = f["sales_forecast"].assign(
        assistant="Li Na", plant=["P1", "P2", None], reason=[None, "west tender", None])
    run = _run(write_master(tmp_path / "m.xlsx", f, s))
    inp, stat = run.inputs, run.forecast.forecast
    m = inp.settings.planning_month
    a = assign(inp.sales_forecast, inp.sales_history, inp.items, m)
    shares = department_shares(inp.sales_history, m, a)
    lines = figures_for(a.by_assistant["Li Na"], inp, stat, shares).lines
    dec = lines[(lines["item"] == "A") & (lines["month"] == m)]
    # her workbook (a master with plants) shows each plant's line, 100 in all, and
    # checks each against its part of the reference (in the proportion on file)
    assert dec["plant"].tolist() == ["P1", "P2"]
    assert dec["on_file"].tolist() == [70.0, 30.0]
    assert [r if isinstance(r, str) else None for r in dec["reason"]] == [None, "west tender"]
    total = figures_for(a.by_assistant["Li Na"], dataclasses.replace(
        inp, plants=inp.plants.iloc[:0]), stat, shares).lines
    ref = total.loc[(total["item"] == "A") & (total["month"] == m), "reference"].iloc[0]
    assert dec["reference"].tolist() == [round(0.7 * ref), round(0.3 * ref)]
    dev = submitted_deviations(inp, stat, a)
    assert dev.loc[dev["month"] == m, ["assistant", "item", "qty"]].values.tolist() == [
        ["Li Na", "A", 100.0]]
    arch = archive_rows(inp, run.demand, stat, "2026-12-01 08:00")
    sales = arch[(arch["source"] == "sales") & (arch["month"] == m)]
    assert sales["submitted_qty"].tolist() == [100.0]
