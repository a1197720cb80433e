"""The demo company over three sites (sop_xl.demo.plants, ``sop-xl demo --plants``):
castings and machining in Taizhou (HD-02) supplying assembly in Hangzhou (HD-01), and a
regional warehouse in Chengdu (HD-03) shipping 30 % of the regional pumps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_xl.app.cycle import PlanRun
from sop_xl.app.master import MasterWorkbook
from sop_xl.demo import write_demo
from sop_xl.demo.plants import REGIONAL_SHARE, REGIONAL_TRANSIT


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> PlanRun:
    path = write_demo(tmp_path_factory.mktemp("plants") / "m.xlsx", plants=True)
    book = MasterWorkbook.open(path)
    return PlanRun(book, book.read_inputs(), refresh_forecast=False)


def test_the_regional_warehouse_is_supplied_by_the_assembly_plant(run) -> None:
    m, d = run.mps, run.demand
    items = list(m.items)
    a, b = items.index("FG-P100@HD-01"), items.index("FG-P100@HD-03")
    k = list(d.items).index("FG-P100")
    # Chengdu's December forecast: the domestic office's lines for Chengdu plus 30 % of
    # the lines that name no plant (the international office's)
    sf = run.inputs.sales_forecast
    dec = sf[(sf["item"] == "FG-P100") & (sf["month"] == run.inputs.settings.planning_month)]
    named = dec.loc[dec["plant"] == "HD-03", "qty"].sum()
    blank = dec.loc[dec["plant"].isna(), "qty"].sum()
    assert named > 0 and blank > 0
    nd = run.supply_demand
    np.testing.assert_allclose(nd["sales_forecast"][list(nd.items).index("FG-P100@HD-03"), 0],
                               named + REGIONAL_SHARE * blank)
    # Hangzhou's demand is its own plus what Chengdu receives, shipped 4 of Chengdu's
    # working days before it arrives (its stocktake days do not count); the two plants'
    # own demand is the item's
    arrive = m.daily["production"][b]
    shipped = np.zeros_like(arrive)
    days = run.days
    np.add.at(shipped, days.release_map(int(days.plant_index(["HD-03"])[0]),
                                        REGIONAL_TRANSIT), arrive)
    own = m.daily["demand"][a] - shipped
    assert own.min() >= -1e-9 and shipped.sum() > 0
    np.testing.assert_allclose(own.sum() + m["demand"][b].sum(), d["demand"][k].sum(),
                               rtol=1e-9)


def test_chengdu_keeps_its_own_calendar(run) -> None:
    """Chengdu's stocktake (2027-01-13..15, a FactoryCalendar row for HD-03 only): the
    other sites work those days, Chengdu neither sells nor receives on them."""
    days = run.days
    assert days.per_plant and days.plants == ("HD-01", "HD-02", "HD-03")
    # on the axis and not Chengdu's: the Saturdays only Taizhou works, and the stocktake
    dates = pd.to_datetime(days.dates)
    off = ~days.works(2)
    weekdays_off = dates[off & (dates.day_of_week < 5)].strftime("%Y-%m-%d").tolist()
    assert weekdays_off == ["2027-01-13", "2027-01-14", "2027-01-15"]
    assert (dates[off & (dates.day_of_week >= 5)].day_of_week == 5).all()
    assert days.works(1)[off].all()
    assert days.works(0)[off & (dates.day_of_week < 5)].all()
    m = run.mps
    west = np.array([str(i).endswith("@HD-03") for i in m.items])
    off = ~days.works(2)
    assert m.daily["demand"][west][:, off].sum() == 0
    assert m.daily["production"][west][:, off].sum() == 0
    assert m.daily["demand"][west].sum() > 0
    # the month is spread over Chengdu's own working days: the stocktake week (Mon 11,
    # Tue 12 worked) needs 2/5 of a full week, on its Monday (over the company's days it
    # was a full week's share)
    row = m.daily["demand"][list(m.items).index("FG-P100@HD-03")]
    on = {d: row[k] for k, d in enumerate(days.dates.astype(str))}
    assert on["2027-01-04"] > 0 and on["2027-01-12"] == 0
    assert on["2027-01-11"] == pytest.approx(0.4 * on["2027-01-04"], rel=1e-12)
    assert on["2027-01-18"] == pytest.approx(on["2027-01-04"], rel=1e-12)


def test_machined_parts_are_made_in_taizhou_and_shipped_to_hangzhou(run) -> None:
    r = run.mrp
    names = list(r.item_names)
    x, y = names.index("MC-CAS-ES1@HD-01"), names.index("MC-CAS-ES1@HD-02")
    np.testing.assert_allclose(r.daily["gross"][y], r.daily["releases"][x])
    assert r.daily["releases"][x].sum() > 0
    # the castings are bought in Taizhou only, and the CNC cell loads only with its parts
    assert not any(n.startswith("CA-CAS-ES1@HD-01") for n in names)
    usage = run.supply_inputs.resource_usage
    assert set(usage.loc[usage["resource"] == "MC-CNC", "item"].str[-5:]) == {"HD-02"}
    assert set(usage.loc[usage["resource"] != "MC-CNC", "item"].str[-5:]) == {"HD-01"}


def test_taizhou_works_saturdays(run) -> None:
    """Taizhou (HD-02) works Monday to Saturday (its Work week on Plants), Hangzhou and
    Chengdu the company's Monday to Friday. December 2026: 27 working days in Taizhou, 23
    in the others; the CNC cell's regular hours 27 × 3 shifts × 8 h × 0.85 = 550.8 (over
    Monday to Friday: 469.2); January 2027: 31 days − 5 Sundays − New Year = 25 → 510."""
    from datetime import date
    cal = run.inputs.factory_calendar
    december = (date(2026, 12, 1), date(2026, 12, 31))
    assert [cal.for_plant(p).working_days(*december) for p in run.days.plants] == [23, 27, 23]
    cap = run.capacity
    cnc = list(cap.resources).index("MC-CNC")
    assert cap.periods[:2] == ["2026-12", "2027-01"]
    np.testing.assert_allclose(cap["available"][cnc][:2], [550.8, 510.0])
    # Taizhou's orders start on its Saturdays; Hangzhou's only on a make-up Saturday of
    # the company's calendar (a FactoryCalendar workday row), never an ordinary one
    o = run.mrp.orders
    saturday = o["release_date"].dt.day_of_week == 5
    assert saturday[o["item"].str.endswith("@HD-02")].sum() > 0
    hz = o[saturday & o["item"].str.endswith("@HD-01")]["release_date"]
    rows = run.inputs.calendar
    make_up = set(pd.to_datetime(rows.loc[rows["day_type"] == "workday", "start_date"]))
    assert set(hz) <= make_up


def test_exceptions_name_the_plant(run) -> None:
    ex = run.exceptions
    nodes = ex[ex["item"].astype(str).str.contains("@")]
    assert set(nodes["item"].str.split("@").str[1]) >= {"HD-01", "HD-02"}


def test_the_meeting_pack_shows_the_total_and_each_plant(run) -> None:
    from sop_xl.faces.meeting.data import family_plan
    fp = family_plan(run)
    assert set(fp["plant"]) == {"HD-01", "HD-03"}
    first = fp[fp["month"] == fp["month"].min()]
    # the company's demand is the demand plan's; a plant's own demand adds what it ships
    # to another plant, and the company's supply leaves the transfers out
    d = run.demand
    np.testing.assert_allclose(first["demand"].sum(), d["demand"][:, 0].sum())
    hz, cd = first[first["plant"] == "HD-01"], first[first["plant"] == "HD-03"]
    assert hz["plant_demand"].sum() > hz["demand"].sum()
    # Chengdu's own supply is only the service kits it packs (the pumps it receives are
    # transfers)
    p = run.projection
    kit = list(p.items).index("FG-P900@HD-03")
    months = [pd.Period(b.start, "M") for b in run.inputs.buckets]
    packed = sum(p["supply"][kit, j] for j, m in enumerate(months) if m == months[0])
    assert packed > 0
    assert cd["plant_supply"].sum() >= cd["supply"].sum() == pytest.approx(packed)


def test_the_service_kit_is_packed_in_two_plants_with_chengdus_own_bom(run) -> None:
    """FG-P900, the pump service kit, is packed in Hangzhou (70 % of its demand) and in
    Chengdu (30 %). Chengdu's BOM (lines for HD-03) packs it in the returnable crate
    RM-CRT-S instead of the carton RM-CTN; its seal, bearings and O-ring come from
    Hangzhou by transfer. Per kit packed in Chengdu: 1 crate, 2 bearings; none of
    Hangzhou's cartons."""
    from sop_xl.demo.plants import KIT, KIT_SHARE
    lines = {(p, c): q for p, c, q in run.network.bom[["parent", "component", "qty_per"]]
             .itertuples(index=False)}
    assert {c: q for (p, c), q in lines.items() if p == f"{KIT}@HD-03"} == {
        "RM-MSL-35@HD-03": 1.0, "RM-BRG-6308@HD-03": 2.0, "RM-ORK-M@HD-03": 1.0,
        "RM-CRT-S@HD-03": 1.0}
    assert {c: q for (p, c), q in lines.items() if p == f"{KIT}@HD-01"} == {
        "RM-MSL-35@HD-01": 1.0, "RM-BRG-6308@HD-01": 2.0, "RM-ORK-M@HD-01": 1.0,
        "RM-CTN@HD-01": 1.0}
    # both plants plan the kit for their share of its demand
    nd, d = run.supply_demand, run.demand
    k = list(d.items).index(KIT)
    here = list(nd.items).index(f"{KIT}@HD-03")
    np.testing.assert_allclose(nd["demand"][here], KIT_SHARE * d["demand"][k])
    r = run.mrp
    names = list(r.item_names)

    def total(kind: str, node: str) -> float:
        return float(r.daily[kind][names.index(node)].sum())

    packed = total("releases", f"{KIT}@HD-03")
    assert packed > 0 and total("releases", f"{KIT}@HD-01") > 0
    assert total("gross", "RM-CRT-S@HD-03") == pytest.approx(packed)
    assert total("gross", "RM-BRG-6308@HD-03") == pytest.approx(2 * packed)
    assert "RM-CTN@HD-03" not in names
    # Hangzhou ships Chengdu's bearings: its gross holds what Chengdu's node releases
    hz = r.daily["gross"][names.index("RM-BRG-6308@HD-01")].sum()
    assert hz >= total("releases", "RM-BRG-6308@HD-03") > 0
