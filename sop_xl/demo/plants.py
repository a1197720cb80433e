"""The demo company over three sites (issue 17), written by ``sop-xl demo --plants``.

HD-01 in Hangzhou assembles and tests pumps, valves and controllers (the assembly lines and
the test bench); HD-02 in Taizhou buys the castings from the foundries and machines them on
the CNC cell, Monday to Saturday (its own work week), shipping the machined parts to
Hangzhou in 2 of Hangzhou's working days; HD-03 in Chengdu is
a regional warehouse that ships 30 % of the end-suction and in-line pumps to customers in
the west, supplied from Hangzhou in 4 working days. Stock lies in the plant of its
warehouse: the castings in Taizhou's store, a third of the regional pumps' stock in Chengdu.
The domestic sales office names the site that ships its regional pumps' forecast, and the
Chengdu district heating project ships from Chengdu. Chengdu keeps its own calendar on top
of the company's: the warehouse closes Wednesday to Friday of the second full week of the
month after planning for its annual stocktake, so transfers into it count around those days.
Two transfer orders are on their way when the month is planned. Chengdu also packs the
pump service kits for the west itself (30 % of them, Hangzhou the rest), from a seal,
bearings and an O-ring Hangzhou ships it in 4 working days, in the returnable crate of its
site deliveries instead of a carton: the kit's BOM for Chengdu (a BOM line with a plant).

The standard demo (``sop-xl demo``) stays one plant: it is the single-plant regression
anchor whose plan must not move.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from sop_xl.demo.company import DOMESTIC, typed_frame

ASSEMBLY, MACHINING, REGIONAL = "HD-01", "HD-02", "HD-03"
MACHINING_TRANSIT = 2      # working days Taizhou → Hangzhou
REGIONAL_TRANSIT = 4       # working days Hangzhou → Chengdu
REGIONAL_SHARE = 0.3       # of the regional pumps' demand, shipped from Chengdu
REGIONAL_PUMPS = ("FG-P1", "FG-P2")   # end-suction and in-line pumps
CASTINGS_WH, REGIONAL_WH = "TZ-CAS", "CD-FG"
KIT = "FG-P900"            # the pump service kit, packed in Hangzhou and in Chengdu
KIT_SHARE = 0.3            # of the kits' demand, packed and shipped in Chengdu
CARTON, CRATE = "RM-CTN", "RM-CRT-S"   # Chengdu packs the kit in a crate, not a carton


def plants_frame() -> pd.DataFrame:
    return typed_frame("plants", [
        {"plant": ASSEMBLY, "description": "Assembly and test plant", "city": "Hangzhou"},
        {"plant": MACHINING, "description": "Castings and machining plant", "city": "Taizhou",
         "work_week": "mon-sat"},
        {"plant": REGIONAL, "description": "Regional warehouse West", "city": "Chengdu"},
    ])


def calendar_frame(single: pd.DataFrame, planning: pd.Period) -> pd.DataFrame:
    """The company's calendar rows (every plant) and Chengdu's stocktake: Wednesday to
    Friday of the second full week of the month after ``planning``."""
    first = (planning + 1).start_time.date()
    monday = first + timedelta(days=(7 - first.weekday()) % 7 + 7)
    rows = single.to_dict("records")
    rows.append({"start_date": monday + timedelta(days=2),
                 "end_date": monday + timedelta(days=4), "day_type": "holiday",
                 "description": "Chengdu warehouse closed: annual stocktake",
                 "resource": None, "plant": REGIONAL})
    rows.sort(key=lambda r: (r["start_date"], r["day_type"]))
    return typed_frame("calendar", rows)


def kit_bom(bom: pd.DataFrame) -> list[dict]:
    """The service kit's BOM lines for Chengdu: Hangzhou's (the lines without a plant)
    with the returnable crate in place of the carton."""
    lines = bom[bom["parent"] == KIT].to_dict("records")
    return [{**line, "component": CRATE if line["component"] == CARTON
             else line["component"], "plant": REGIONAL} for line in lines]


def bom_frame(single: pd.DataFrame) -> pd.DataFrame:
    """The one-plant demo's BOM (every plant's) and Chengdu's own kit BOM."""
    return pd.concat([single, typed_frame("bom", kit_bom(single))], ignore_index=True)


def item_plants_frame(items: pd.DataFrame, bom: pd.DataFrame | None = None) -> pd.DataFrame:
    """Machined parts (MC-*) made in Taizhou from castings bought there, transferred to
    Hangzhou; the regional pumps shipped 70 / 30 from Hangzhou and Chengdu; the service
    kit packed 70 / 30 in Hangzhou and Chengdu, Chengdu's parts shipped from Hangzhou."""
    codes = items["item"].astype(str)
    rows = []
    for c in codes[codes.str.startswith("CA-")]:
        rows.append({"item": c, "plant": MACHINING, "procurement": "buy"})
    for c in codes[codes.str.startswith("MC-")]:
        rows.append({"item": c, "plant": MACHINING, "procurement": "make"})
        rows.append({"item": c, "plant": ASSEMBLY, "procurement": "transfer",
                     "source_plant": MACHINING, "transit_days": MACHINING_TRANSIT})
    fg = items[(items["item_type"] == "FG") & codes.str.startswith(REGIONAL_PUMPS)]
    for c in fg["item"]:
        rows.append({"item": c, "plant": ASSEMBLY, "procurement": "make",
                     "demand_share": 1 - REGIONAL_SHARE})
        rows.append({"item": c, "plant": REGIONAL, "procurement": "transfer",
                     "source_plant": ASSEMBLY, "transit_days": REGIONAL_TRANSIT,
                     "demand_share": REGIONAL_SHARE})
    if bom is not None:
        rows.append({"item": KIT, "plant": ASSEMBLY, "procurement": "make",
                     "demand_share": 1 - KIT_SHARE})
        rows.append({"item": KIT, "plant": REGIONAL, "procurement": "make",
                     "demand_share": KIT_SHARE})
        for line in kit_bom(bom):
            rows.append({"item": line["component"], "plant": REGIONAL,
                         "procurement": "transfer", "source_plant": ASSEMBLY,
                         "transit_days": REGIONAL_TRANSIT})
    return typed_frame("item_plants", rows)


def warehouses_frame(single: pd.DataFrame) -> pd.DataFrame:
    """The one-plant demo's warehouses in Hangzhou, Taizhou's castings store and the
    regional warehouse."""
    extra = typed_frame("warehouses", [
        {"warehouse": CASTINGS_WH, "description": "Castings and materials store, Taizhou",
         "plant": MACHINING, "nettable": True},
        {"warehouse": REGIONAL_WH, "description": "Regional finished goods, Chengdu",
         "plant": REGIONAL, "nettable": True}])
    return pd.concat([single, extra], ignore_index=True)


def stock_frame(single: pd.DataFrame, bom: pd.DataFrame) -> pd.DataFrame:
    """Castings and the materials only Taizhou's machined parts use in Taizhou's store
    (quarantine stays in Hangzhou's inspection); materials both plants use, half in each
    (a shared component); a third of each regional pump's stock in Chengdu."""
    st = single.copy()
    machined = bom["parent"].astype(str).str.startswith("MC-")
    used_there = set(bom.loc[machined, "component"].astype(str))
    used_here = set(bom.loc[~machined, "component"].astype(str))
    item = st["item"].astype(str)
    store = st["warehouse"] != "QC-WH"
    there = store & (item.str.startswith("CA-") | (item.isin(used_there)
                                                     & ~item.isin(used_here)))
    st.loc[there, "warehouse"] = CASTINGS_WH
    both = store & item.isin(used_there & used_here) & (st["on_hand"] > 0)
    half = st[both].copy()
    half["on_hand"] = (half["on_hand"] / 2).round()
    st.loc[both, "on_hand"] = st.loc[both, "on_hand"] - half["on_hand"].to_numpy()
    half["warehouse"] = CASTINGS_WH
    st = pd.concat([st, half], ignore_index=True)
    pumps = st["item"].astype(str).str.startswith(REGIONAL_PUMPS) & (st["on_hand"] > 0)
    moved = st[pumps].copy()
    moved["on_hand"] = (moved["on_hand"] / 3).round()
    st.loc[pumps, "on_hand"] = st.loc[pumps, "on_hand"] - moved["on_hand"].to_numpy()
    moved = moved.groupby("item", as_index=False, sort=False).agg(
        on_hand=("on_hand", "sum"), last_movement=("last_movement", "max"))
    moved["warehouse"] = REGIONAL_WH
    return pd.concat([st, moved[st.columns]], ignore_index=True)


def resources_frame(single: pd.DataFrame) -> pd.DataFrame:
    """The CNC cell stands in Taizhou, the lines and the test bench in Hangzhou."""
    return single.assign(plant=[MACHINING if r == "MC-CNC" else ASSEMBLY
                                for r in single["resource"]])


def receipts_plant(items: pd.Series) -> list[str]:
    """Open orders of castings and machined parts are Taizhou's."""
    return [MACHINING if str(i).startswith(("CA-", "MC-")) else ASSEMBLY for i in items]


def sales_forecast_frame(single: pd.DataFrame) -> pd.DataFrame:
    """The domestic sales office knows which site ships its regional pumps: each of
    its lines splits into the west's part (from Chengdu, 30 %) and the rest (from
    Hangzhou); the international lines name no plant and are shared by the demand
    shares."""
    sf = single.copy()
    sf["plant"] = None
    mine = sf["item"].astype(str).str.startswith(REGIONAL_PUMPS) & \
        (sf["department"] == DOMESTIC)
    west = sf[mine].copy()
    west["qty"] = (west["qty"] * REGIONAL_SHARE).round()
    west["plant"] = REGIONAL
    west["reason"] = None
    sf.loc[mine, "qty"] = sf.loc[mine, "qty"] - west["qty"].to_numpy()
    sf.loc[mine, "plant"] = ASSEMBLY
    return pd.concat([sf, west], ignore_index=True)


def projects_frame(single: pd.DataFrame) -> pd.DataFrame:
    """The Chengdu district heating retrofit's regional pumps ship from Chengdu."""
    pr = single.copy()
    pr["plant"] = None
    chengdu = pr["project"].astype(str).str.startswith("Chengdu") & \
        pr["item"].astype(str).str.startswith(REGIONAL_PUMPS)
    pr.loc[chengdu, "plant"] = REGIONAL
    return pr


def transfer_orders_frame(planning: pd.Period) -> pd.DataFrame:
    """Transfer orders already on their way when the month is planned (ScheduledReceipts,
    type transfer): 40 machined housings Taizhou → Hangzhou arriving on the 2nd, 20 pumps
    Hangzhou → Chengdu on the 3rd."""
    start = planning.start_time
    return typed_frame("scheduled_receipts", [
        {"order": f"TO-{start:%y%m}-001", "order_type": "transfer", "item": "MC-CAS-ES1",
         "qty": 40.0, "due_date": (start + pd.Timedelta(days=1)).date(),
         "supplier": MACHINING, "plant": ASSEMBLY},
        {"order": f"TO-{start:%y%m}-002", "order_type": "transfer", "item": "FG-P100",
         "qty": 20.0, "due_date": (start + pd.Timedelta(days=2)).date(),
         "supplier": ASSEMBLY, "plant": REGIONAL}])
