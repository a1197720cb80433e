"""The DemandPlan sheet."""

from __future__ import annotations

from sop_xl import contract
from sop_xl.demand import DemandPlan
from sop_xl.inputs import Inputs
from sop_xl.sheets.common import blocks, item_attrs, title
from sop_xl.workbook.grid import Grid, grid_content
from sop_xl.workbook.sheet import SheetContent


def demand_sheet(inputs: Inputs, plan: DemandPlan, lang: str) -> SheetContent:
    spec = contract.sheet("demand_plan")
    measures = tuple(m.key for m in spec.measures)
    grid = Grid(spec, plan.periods, blocks(item_attrs(inputs, plan.items), plan.rows,
                                            measures),
                workdays=inputs.working_days, title=title(inputs, "demand_plan", lang))
    return grid_content(grid, lang, inputs.settings.currency)
