"""The demand sheets: DemandPlan, FamilyPlan, FamilyShares, ForecastReview and the
ForecastArchive log — and reading back what a planner typed into them (the planner
adjustment row, the family change row, the family factors), cell by cell, so a bad cell
is an error naming sheet, cell, value and expectation instead of being ignored."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.messages import message
from sop_xl.contract.cells import col_letter
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.common import blocks, item_attrs, title
from sop_xl.layout.grid import FIRST_ROW, Grid, GridMap, grid_content
from sop_xl.layout.links import Wiring, demand_shape
from sop_xl.layout.plants import plant_grid
from sop_xl.layout.render import input_validations, table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent
from sop_xl.layout.styles import CELL_STYLES
from sop_xl.plan.demand import DemandPlan
from sop_xl.plan.hierarchy import NO_FAMILY
from sop_xl.plan.plants import NodeDemand


def demand_sheet(inputs: Inputs, plan: DemandPlan, lang: str,
                 wiring: Wiring | None = None, nodes: NodeDemand | None = None
                 ) -> SheetContent:
    """DemandPlan: a block per finished good; with several plants (``nodes``: the plan
    split to item × plant) each item's block is the total over its plants, and a block
    per item × plant follows the items' blocks, with a Plant column to filter on."""
    s = inputs.settings
    spec = contract.sheet("demand_plan")
    measures = demand_shape(plan).measures
    attrs = item_attrs(inputs, plan.items)
    sh = plan.shares.reindex(plan.items)
    for a, share, ratio in zip(attrs, sh["share"], sh["ship_ratio"], strict=True):
        a["family_share"] = share
        a["ship_ratio"] = ratio
    states = {
        "forecast_part": np.where(plan.from_sales, "cell_sales", None),
        "sales_forecast": np.where(plan.flagged, "cell_flag", None),
    }
    states = {k: v for k, v in states.items() if (v != None).any()}  # noqa: E711
    far = (message("far_ship_ratio", lang, n=s.share_months) if plan.far_method == "ship_ratio"
           else message("far_statistical", lang))
    sep = message("legend_separator", lang)
    head = f"{title(inputs, 'demand_plan', lang)} — " + sep.join([
        message("near_term", lang, n=s.near_term_months), far,
        message("flag_legend", lang, thr=s.deviation_threshold, qty=s.deviation_min_qty,
                value=s.deviation_min_value, currency=s.currency)])
    rows = blocks(attrs, plan.rows, measures, states=states)
    if nodes is not None:
        rows += _plant_blocks(inputs, plan, nodes, measures)
    grid = Grid(spec, plan.periods, rows,
                workdays=inputs.working_days, title=head, measures=measures)
    if wiring is not None:
        families, fam_rows, _ = family_frame(plan)
        wiring.demand_plan(grid, families, fam_rows["change"])
    sheet = grid_content(grid, lang, s.currency)
    if nodes is None:
        return sheet
    return _per_plant(sheet, grid, inputs, plan, nodes, lang)


def _node_order(plan: DemandPlan, nodes: NodeDemand) -> np.ndarray:
    """The plant rows in the order of their items, each item's plants as planned."""
    item = pd.Series(nodes.items.astype(str)).str.rsplit("@", n=1).str[0]
    at = pd.Index(plan.items.astype(str)).get_indexer(item)
    return np.lexsort((np.arange(len(at)), at))


def _plant_blocks(inputs: Inputs, plan: DemandPlan, nodes: NodeDemand,
                  measures: tuple[str, ...]) -> list:
    """A block per item × plant after the items' blocks (so FamilyPlan's sums and the
    adjustment read back see the items' rows only): the node's name in the Item column,
    the item's description and family."""
    order = _node_order(plan, nodes)
    names = nodes.items[order]
    items = pd.Index(pd.Series(names.astype(str)).str.rsplit("@", n=1).str[0])
    attrs = item_attrs(inputs, items)
    for a, node in zip(attrs, names, strict=True):
        a["item"] = node
    states = {
        "forecast_part": np.where(nodes.from_sales[order], "cell_sales", None),
        "sales_forecast": np.where(nodes.flagged[order], "cell_flag", None),
    }
    states = {k: v for k, v in states.items() if (v != None).any()}  # noqa: E711
    rows = {k: np.asarray(v)[order] for k, v in nodes.rows.items()}
    return blocks(attrs, rows, measures, states=states)


def _per_plant(sheet: SheetContent, grid: Grid, inputs: Inputs, plan: DemandPlan,
               nodes: NodeDemand, lang: str) -> SheetContent:
    """DemandPlan with several plants: the Plant column ("All plants" on the items'
    total rows) and each plant row's adjustment worded as its share of the item's —
    not an input (a planner types the adjustment on the item's row), so it is not read
    back and not yellow."""
    assert nodes.plant is not None
    plants = [message("all_plants", lang)] * len(plan.items) + \
        [str(p) for p in nodes.plant[_node_order(plan, nodes)]]
    lay = GridMap(grid)
    nm = len(lay.measures)
    if "adjustment" in lay.offset and "events" in lay.offset:
        label = message("adjustment_by_share", lang)
        idx = sheet.style_index
        for b in range(len(plan.items), len(grid.blocks)):
            top = FIRST_ROW + b * nm
            row = top + lay.offset["adjustment"]
            sheet.rows[row][lay.measure_col] = label
            if idx is not None:
                idx[row] = idx[top + lay.offset["events"]]
    return plant_grid(sheet, grid, inputs, lang, plants=plants)


def family_frame(plan: DemandPlan) -> tuple[pd.Index, dict[str, np.ndarray], list[str]]:
    """Families of the plan's items, their rows (families × buckets) and member lists."""
    fam = plan.shares["family"].reindex(plan.items).fillna(NO_FAMILY).to_numpy()
    families = pd.Index(sorted(set(fam)), name="family")
    onehot = (fam[None, :] == families.to_numpy()[:, None]).astype(float)
    change = onehot @ plan["family_change"]
    rows = {"stat_forecast": onehot @ plan["stat_forecast"],
            "items_plan": onehot @ plan["demand"] - change,
            "change": change}
    rows["plan"] = rows["items_plan"] + rows["change"]
    members = [", ".join(plan.items[fam == f]) for f in families]
    return families, rows, members


def family_plan_sheet(inputs: Inputs, plan: DemandPlan, lang: str,
                      wiring: Wiring | None = None) -> SheetContent:
    spec = contract.sheet("family_plan")
    families, rows, members = family_frame(plan)
    attrs = [{"family": f, "members": m} for f, m in zip(families, members, strict=True)]
    grid = Grid(spec, plan.periods, blocks(attrs, rows, tuple(m.key for m in spec.measures)),
                workdays=inputs.working_days, title=title(inputs, "family_plan", lang))
    if wiring is not None:
        wiring.family_plan(grid, families, rows["change"])
    return grid_content(grid, lang, inputs.settings.currency)


def family_shares_sheet(inputs: Inputs, plan: DemandPlan, lang: str) -> SheetContent:
    spec = contract.sheet("family_shares")
    sh = plan.shares.reindex(plan.items)
    desc = inputs.items.set_index("item")["description"].reindex(plan.items)
    frame = pd.DataFrame({"family": sh["family"].to_numpy(), "item": plan.items,
                          "description": desc.to_numpy(),
                          "history_share": sh["history_share"].to_numpy(float),
                          "factor": sh["factor"].to_numpy(float),
                          "share": sh["share"].to_numpy(float)})
    frame = frame.sort_values(["family", "item"], kind="stable").reset_index(drop=True)
    sheet = table_content(spec, frame, lang, currency=inputs.settings.currency)
    j = spec.keys.index("factor")
    last = max(len(frame), 1)
    col = spec.column("factor")
    sheet.style(1, j, last, j, CELL_STYLES["input"].but(numfmt="0.00"))
    sheet.validations = [replace(v, box=Box(1, j, last, j))
                         for v in input_validations([col], lang, 1, last)]
    return sheet


def review_sheet(inputs: Inputs, plan: DemandPlan, lang: str) -> SheetContent:
    spec = contract.sheet("forecast_review")
    f = plan.review.copy()
    if not f.empty:
        f["flagged"] = np.where(f["flagged"].astype(bool), message("yes", lang), "")
    sheet = table_content(spec, f, lang, currency=inputs.settings.currency)
    if len(f):
        j = spec.keys.index("flagged")
        sheet.cond_formats.append(CondFormat(
            Box(1, 0, len(f), len(spec.columns) - 1),
            f'${col_letter(j)}2="{message("yes", lang)}"', "bad"))
    return sheet


def archive_sheet(inputs: Inputs, archive: pd.DataFrame, lang: str) -> SheetContent:
    return table_content(contract.sheet("forecast_archive"), archive, lang,
                         currency=inputs.settings.currency)
