"""One truth: each figure of the README's figure table, read from every place it is shown
in the second month of the two-month demo (tests/demo_months.py) — the master's sheets,
its plan version tab, the meeting pack and the sales assistants' workbooks — is the same
number everywhere (cached values, as Python wrote them; tests/foundation/
test_every_workbook_recalculates.py shows the formulas give them too)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.contract.read import read_table
from sop_xl.excel import udfs
from sop_xl.layout.grid import HEADER_ROW, WORKDAY_ROW, grid_columns
from sop_xl.workbook.file import FileBackend

REL = 1e-9


@pytest.fixture(scope="module")
def jan(demo_months):
    m = demo_months.jan
    book = MasterWorkbook.open(m.master)
    pack = FileBackend(m.pack)
    return {"book": book, "pack": {n: pack.read_sheet(n).rows for n in pack.sheet_names()},
            "books": {p.stem.split(" ", 1)[1]: FileBackend(p).read_sheet("History").rows
                      for p in m.books},
            "month": pd.Period("2027-01", "M")}


def grid(book: MasterWorkbook, key: str) -> pd.DataFrame:
    return book.read_output_grid(key)


def cells(g: pd.DataFrame, measure: str, by: str = "item") -> pd.Series:
    """(block key, period) → value of one measure of a grid."""
    f = g[g["measure"] == measure]
    return pd.Series(f["value"].to_numpy(float),
                     index=pd.MultiIndex.from_arrays([f[by].astype(str), f["period"]]))


def cover(rows: list[list]) -> dict[str, object]:
    from sop_xl.faces.meeting.data import KPI_KEYS
    return {r[0]: r[1] for r in rows[6:6 + len(KPI_KEYS)]}


def same(a, b) -> None:
    a, b = (np.asarray(x, dtype=float) for x in (a, b))
    assert a.shape == b.shape and np.allclose(a, b, rtol=REL, atol=1e-6), (a, b)


def plan_tab(book: MasterWorkbook, month: str) -> pd.DataFrame:
    """The latest version saved in ``month`` (what the meeting pack calls this version)."""
    reg = book.read_output_table("versions")
    sheet = str(reg[reg["planning_month"].astype(str) == month].iloc[-1]["sheet"])
    snap, _ = read_table(contract.sheet("plan_tab"), book.backend.read_sheet(sheet),
                         book.language)
    return snap


def test_forecast_achievement_is_forecastkpis_on_the_cover_and_in_the_log(jan):
    kpi = jan["book"].read_output_table("forecast_kpi")
    total = kpi[(kpi["level"] == "total") & (kpi["source"] == "demand_plan") &
                (kpi["lag"] == 1)]
    assert total["months"].tolist() == [1]  # December alone: the only month archived
    shown = cover(jan["pack"]["Cover"])["Forecast achievement rate"]
    log = jan["book"].read_output_table("meeting_kpis")
    logged = log[(log["planning_month"] == "2027-01") & (log["kpi"] == "forecast_achievement")]
    same([total["achievement"].iloc[0]] * 2, [shown, logged["value"].iloc[-1]])


def test_each_assistants_achievement_is_the_same_on_kpi_sheet_cover_and_own_workbook(jan):
    kpi = jan["book"].read_output_table("forecast_kpi")
    rows = jan["pack"]["Cover"]
    start = next(i for i, r in enumerate(rows) if r[0] == "Sales assistant") + 1
    on_cover = {}
    for r in rows[start:]:
        if not isinstance(r[1], float):
            break
        on_cover[r[0].split(" (")[0]] = r[1:4]
    assert len(on_cover) == 4
    for name, (forecast, shipped, rate) in on_cover.items():
        k = kpi[(kpi["level"] == "assistant") & (kpi["key"] == name) & (kpi["lag"] == 1) &
                (kpi["source"] == "sales")].iloc[0]
        hist = jan["books"][name]
        at = hist[3].index("Achievement")
        total = next(r for r in hist if r[2] == "All your items")
        on_kpi_sheet = [k["forecast"], k["actual"], k["achievement"]]
        same(on_kpi_sheet, [forecast, shipped, rate])          # the pack's cover
        same(on_kpi_sheet, total[at - 2:at + 1])               # the assistant's workbook


def test_shortages_are_the_exceptions_sheets_on_the_cover_and_for_decision(jan):
    exc = jan["book"].read_output_table("exceptions")
    short = exc[exc["category"].isin(["Shortage", "Shortage within lead time"])]
    assert cover(jan["pack"]["Cover"])["Items short"] == short["item"].nunique() > 0
    rows = jan["pack"]["For decision"]
    top = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Shortages")) + 2
    listed, more = [], False
    for r in rows[top:]:
        more = str(r[0]).startswith("…")
        if r[0] in ("", None) or more:
            break
        listed.append(r[0])
    # every item short is listed for decision, the first 25 rows and "… and n more"
    if more:
        assert len(listed) == 25 and set(listed) < set(short["item"])
    else:
        assert set(listed) == set(short["item"])


def test_overloads_are_the_same_in_options_exceptions_and_pack(jan):
    book = jan["book"]
    opts = book.read_output_table("capacity_options")
    exc = book.read_output_table("exceptions")
    over = exc[exc["category"] == "Capacity overload"]
    cap = grid(book, "capacity").pivot_table(index=["resource", "period"], columns="measure",
                                             values="value")
    above = cap[cap["load"] > cap["available"] + 1e-9].index.tolist()
    assert sorted(zip(opts["resource"], opts["period"], strict=True)) == sorted(above) == \
        sorted(zip(over["item"], over["period"], strict=True))
    assert cover(jan["pack"]["Cover"])["Overloaded resource-months"] == len(opts) > 0


def test_load_is_the_sum_of_capacityload_and_the_utilisation_on_the_cover(jan):
    book = jan["book"]
    cap = grid(book, "capacity")
    load = cells(cap, "load", "resource")
    lines = grid(book, "capacity_load")
    by_line = lines[lines["measure"] == "load"].groupby(["resource", "period"])["value"].sum()
    same(load.sort_index(), by_line.reindex(load.index).fillna(0.0).sort_index())
    avail = cells(cap, "available", "resource")
    first3 = [str(jan["month"] + k) for k in range(3)]
    pick = [p in first3 for p in load.index.get_level_values(1)]
    same([cover(jan["pack"]["Cover"])["Capacity utilisation, next 3 months"]],
         [load[pick].sum() / avail[pick].sum()])


def test_demand_production_and_stock_agree_across_sheets_version_and_pack(jan):
    book = jan["book"]
    dp, mps, proj = grid(book, "demand_plan"), grid(book, "mps"), grid(book, "projection")
    demand = cells(dp, "demand")
    same(demand, cells(mps, "demand").reindex(demand.index))
    items = proj[~proj["item"].astype(str).str.startswith("[")]
    same(demand, cells(items, "demand").reindex(demand.index))
    for m_key, p_key in (("production", "production"), ("projected", "projected"),
                         ("dos", "dos")):
        a = cells(mps, m_key)
        same(a.fillna(-1), cells(items, p_key).reindex(a.index).fillna(-1))
    # the plan version tab saved by the run
    snap = plan_tab(book, "2027-01")

    def section(sec: str, measure: str, index: pd.Index) -> pd.Series:
        """One measure of the tab, on ``index`` (the tab leaves zero cells out)."""
        s = snap[(snap["section"] == sec) & (snap["measure"] == measure)]
        return pd.Series(s["qty"].to_numpy(float), index=pd.MultiIndex.from_arrays(
            [s["key"].astype(str), s["period"].astype(str)])).reindex(index).fillna(0.0)
    same(demand, section("demand", "demand", demand.index))
    prod = cells(mps, "production")
    same(prod, section("mps", "production", prod.index))
    stock = cells(mps, "projected")
    same(stock, section("projection", "projected", stock.index))
    # families: FamilyPlan, the Projection's family rows and the pack's Families sheet
    fam_of = dp.drop_duplicates("item").set_index("item")["family"]
    by_family = demand.groupby([demand.index.get_level_values(0).map(fam_of),
                                demand.index.get_level_values(1)]).sum()
    fp = cells(grid(book, "family_plan"), "plan", "family")
    same(by_family, fp.reindex(by_family.index))
    pf = proj[proj["item"].astype(str).str.startswith("[") & proj["family"].notna()]
    same(by_family, cells(pf, "demand", "family").reindex(by_family.index))
    rows = jan["pack"]["Families"]
    for fam in sorted(set(fam_of.dropna())):
        at = next(i for i, r in enumerate(rows) if r[0] == fam)
        months = rows[at + 1][1:]
        shown = dict(zip(months, rows[at + 2][1:], strict=False))
        for p in months:
            if p:
                same([shown[p]], [by_family.get((fam, p), 0.0)])


def test_money_is_the_same_on_financialplan_and_the_packs_finance(jan):
    fin = grid(jan["book"], "financial_plan")
    total = fin[fin["family"] == "Total"].pivot_table(index="period", columns="measure",
                                                      values="value")
    rows = {r[0]: r[1:] for r in jan["pack"]["Finance"][3:10]}
    months = jan["pack"]["Finance"][2][1:]
    for label, key in (("Revenue (what can ship × price)", "revenue"),
                       ("Cost of sales (what can ship × unit cost)", "cogs"),
                       ("Gross margin", "margin"), ("Production at cost", "production_value"),
                       ("Purchases (by due month)", "purchase_value"),
                       ("Inventory value at month end", "inventory_value")):
        shown = [v for v, m in zip(rows[label], months, strict=False) if m]
        same(shown, total[key].reindex([m for m in months if m]))


def test_stock_value_slow_and_excess_agree_on_summary_and_cover(jan):
    s = jan["book"].read_output_table("slow_excess_summary")
    t = s[s["family"] == "Total"].iloc[0]
    c = cover(jan["pack"]["Cover"])
    same([c["Inventory value (CNY)"], c["Slow-moving stock (CNY)"], c["Excess stock (CNY)"]],
         [t["on_hand_value"], t["slow_value"], t["excess_value"]])


def test_item_forecast_deviations_are_the_same_on_review_and_exceptions(jan):
    book = jan["book"]
    rev = book.read_output_table("forecast_review")
    flagged = rev[rev["flagged"].astype(str) == "yes"]
    exc = book.read_output_table("exceptions")
    dev = exc[exc["category"] == "Forecast deviation"]
    assert sorted(zip(flagged["item"], flagged["month"].astype(str), strict=True)) == \
        sorted(zip(dev["item"], dev["period"].astype(str), strict=True))
    assert len(dev) > 0


def test_the_statistical_forecast_is_the_same_on_its_sheet_demand_plan_and_review(jan):
    book = jan["book"]
    stat = cells(grid(book, "stat_forecast"), "forecast")
    on_plan = cells(grid(book, "demand_plan"), "stat_forecast")
    keys = on_plan.index.intersection(stat.index)
    assert len(keys) == len(on_plan) > 0
    same(on_plan[keys], stat[keys])
    rev = book.read_output_table("forecast_review")
    idx = pd.MultiIndex.from_arrays([rev["item"].astype(str), rev["month"].astype(str)])
    same(rev["stat_forecast"], stat.reindex(idx))


def test_the_worksheet_functions_give_the_figures_the_sheets_show(jan):
    """=SOP_ACHIEVEMENT() over ForecastKPI's item rows is its total row (each source), and
    =SOP_DOS() over an MPS row's stock, demand and working days is the MPS's days of supply
    (the README's figure table: the same computation behind the function and the sheet)."""
    book = jan["book"]
    kpi = book.read_output_table("forecast_kpi")
    for source in ("demand_plan", "statistical", "sales", "naive"):
        items = kpi[(kpi["level"] == "item") & (kpi["source"] == source)]
        total = kpi[(kpi["level"] == "total") & (kpi["source"] == source)]
        same([udfs.SOP_ACHIEVEMENT(items[["actual"]].to_numpy().tolist(),
                                   items[["forecast"]].to_numpy().tolist())],
             total["achievement"])
    spec = contract.sheet("mps")
    raw = book.backend.read_sheet(book.output_name(spec))
    periods = grid_columns(spec, raw.rows[HEADER_ROW]).periods
    workdays = [float(raw.rows[WORKDAY_ROW][j]) for j, _ in periods]
    labels = [p for _, p in periods]
    mps = grid(book, "mps")
    stock, demand, dos = (cells(mps, k).unstack().reindex(columns=labels)
                          for k in ("projected", "demand", "dos"))
    checked = 0
    for item in dos.index:
        for p in range(len(labels) - 3):
            shown = dos.loc[item].iloc[p]
            if shown != shown:  # no demand follows: the sheet leaves it blank, #N/A here
                continue
            by_udf = udfs.SOP_DOS(float(stock.loc[item].iloc[p]),
                                  [demand.loc[item].iloc[p + 1:p + 4].tolist()],
                                  [workdays[p + 1:p + 4]])
            same([by_udf], [shown])
            checked += 1
    assert checked > 500  # 585 on the demo
