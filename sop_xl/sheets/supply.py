"""The supply sheets: MPS, MRP, purchase plan, capacity, inventory projection."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.capacity import CapacityResult
from sop_xl.inputs import Inputs
from sop_xl.inventory import Projection
from sop_xl.mps import MPSResult
from sop_xl.mrp import MRPResult
from sop_xl.periods import week_label
from sop_xl.sheets.common import ON_HAND, blocks, item_attrs, title
from sop_xl.workbook.cells import col_letter
from sop_xl.workbook.grid import Grid, GridCondition, grid_content
from sop_xl.workbook.render import table_content
from sop_xl.workbook.sheet import Box, CondFormat, SheetContent


def mps_sheet(inputs: Inputs, mps: MPSResult, lang: str) -> SheetContent:
    spec = contract.sheet("mps")
    measures = tuple(m.key for m in spec.measures)
    attrs = item_attrs(inputs, mps.items, ("lot_rule", "safety_stock"), lang)
    it = inputs.items.set_index("item").reindex(mps.items)
    target = it["target_dos"].fillna(0).to_numpy(float)
    for a, t in zip(attrs, target, strict=True):
        a["_target_dos"] = t
    grid = Grid(spec, mps.periods,
                blocks(attrs, mps.rows, measures, {"projected": mps.on_hand},
                        {"production": mps.states}),
                workdays=inputs.working_days, frozen=inputs.settings.frozen_periods,
                opening_label=ON_HAND, title=title(inputs, "mps", lang),
                conditions=[GridCondition("projected", "{cell}<{attr:safety_stock}", "bad")])
    return grid_content(grid, lang, inputs.settings.currency)


def mrp_sheet(inputs: Inputs, mrp: MRPResult, lang: str) -> SheetContent:
    spec = contract.sheet("mrp")
    measures = tuple(m.key for m in spec.measures)
    attrs = item_attrs(inputs, mrp.items, ("item_type", "lead_time_days", "safety_stock"),
                       lang)
    for a, llc in zip(attrs, mrp.llc.to_numpy(), strict=True):
        a["llc"] = int(llc)
    grid = Grid(spec, mrp.periods, blocks(attrs, mrp.rows, measures,
                                            {"projected": mrp.on_hand}),
                workdays=inputs.working_days, frozen=inputs.settings.frozen_periods,
                opening_label=ON_HAND, title=title(inputs, "mrp", lang),
                conditions=[GridCondition("projected", "{cell}<{attr:safety_stock}", "bad")])
    return grid_content(grid, lang, inputs.settings.currency)


def purchase_plan(inputs: Inputs, mrp: MRPResult) -> pd.DataFrame:
    """Planned orders of purchased parts as purchase-plan lines (pieces, money)."""
    it = inputs.items.set_index("item")
    o = mrp.orders
    o = o[o["item"].map(it["item_type"]) == "RM"]
    if o.empty:
        return pd.DataFrame(columns=contract.sheet("purchase_plan").keys)
    cost = o["item"].map(it["unit_cost"]).fillna(0).to_numpy(float)
    qty = np.ceil(o["release_qty"].to_numpy(float) - 1e-9)
    f = pd.DataFrame({
        "supplier": o["item"].map(it["supplier"]).fillna(""),
        "item": o["item"], "description": o["item"].map(it["description"]),
        "release_date": o["release_date"], "release_week": [week_label(d) for d in
                                                            o["release_date"]],
        "due_date": o["due_date"], "qty": qty, "unit_cost": cost, "value": qty * cost,
        "status": np.where(o["past_due"], "past due", "planned"), "pegging": o["pegging"],
    })
    return f.sort_values(["supplier", "release_date", "item"]).reset_index(drop=True)


def purchase_sheet(inputs: Inputs, frame: pd.DataFrame, lang: str) -> SheetContent:
    spec = contract.sheet("purchase_plan")
    sheet = table_content(spec, frame, lang, currency=inputs.settings.currency)
    st = spec.keys.index("status")
    if len(frame):
        sheet.cond_formats.append(CondFormat(Box(1, st, len(frame), st),
                                             f'{col_letter(st)}2="past due"', "bad"))
    return sheet


def capacity_sheet(inputs: Inputs, cap: CapacityResult, lang: str) -> SheetContent:
    spec = contract.sheet("capacity")
    res = inputs.resources.set_index("resource").reindex(cap.resources)
    attrs = [{"resource": r, "description": d} for r, d in
             zip(cap.resources, res["description"], strict=True)]
    grid = Grid(spec, cap.periods, blocks(attrs, cap.rows, tuple(m.key for m in spec.measures)),
                workdays=inputs.working_days, title=title(inputs, "capacity", lang),
                conditions=[GridCondition("utilisation", "{cell}>1", "bad"),
                            GridCondition("utilisation", "AND({cell}>0.9,{cell}<=1)", "warn")])
    return grid_content(grid, lang, inputs.settings.currency)


def projection_sheet(inputs: Inputs, proj: Projection, lang: str) -> SheetContent:
    spec = contract.sheet("projection")
    attrs = item_attrs(inputs, proj.items, ("unit_cost",))
    grid = Grid(spec, proj.periods,
                blocks(attrs, proj.rows, tuple(m.key for m in spec.measures),
                        {"projected": proj.on_hand}),
                workdays=inputs.working_days, opening_label=ON_HAND,
                title=title(inputs, "projection", lang),
                # safety stock and maximum are the next two rows of the same block
                conditions=[GridCondition("projected", "{cell}<{below:1}", "bad"),
                            GridCondition("projected", "AND({below:2}>0,{cell}>{below:2})",
                                          "warn")])
    return grid_content(grid, lang, inputs.settings.currency)
