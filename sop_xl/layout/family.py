"""The family production plan's sheets: FamilyProductionPlan (a planning grid per family,
production yellow, closing stock, days of supply, load and overtime as live formulas,
each strategy's production and stock below) and FamilyOptions (the strategies' figures
side by side, the chosen one marked); and PlanKPI, how the plant kept to the plan."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.messages import message
from sop_xl.contract.cells import col_letter
from sop_xl.contract.model import SheetSpec, unit_label
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.common import ON_HAND, blocks, title
from sop_xl.layout.grid import Grid, GridCondition, grid_content
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent
from sop_xl.plan.family_plan import FamilyProductionPlan


def family_production_sheet(inputs: Inputs, plan: FamilyProductionPlan, members: list[str],
                            lang: str) -> SheetContent:
    """The grid: a block per family; production typed by the planner differs from the
    suggestion (red below it, green above, as on the MPS)."""
    spec = contract.sheet("family_production")
    attrs = [{"family": f, "members": m, "key_resource": k or None,
              "hours_per_piece": None if not np.isfinite(h) else float(h),
              "unit_cost": float(c), "target_dos": float(d), "safety_stock": float(t)}
             for f, m, k, h, c, d, t in zip(plan.families, members, plan.key_resource,
                                            plan.hours_per_piece, plan.unit_cost,
                                            plan.target_dos, plan.own_stock, strict=True)]
    rows = plan.rows()
    typed = np.isfinite(plan.typed)
    prod = plan.chosen.production
    states = np.where(typed & (prod < plan.suggested - 1e-9), "cell_less",
                      np.where(typed & (prod > plan.suggested + 1e-9), "cell_more",
                               np.where(typed, "cell_firmed", None)))
    s = inputs.settings
    grid = Grid(spec, plan.periods,
                blocks(attrs, rows, tuple(m.key for m in spec.measures),
                       {"closing": plan.opening}, {"production": states}),
                workdays=inputs.working_days, frozen=s.frozen_periods,
                opening_label=ON_HAND, title=title(inputs, "family_production", lang),
                conditions=[
                    GridCondition("closing", "{cell}<0", "bad"),
                    GridCondition("production", "{cell}<{above:1}", "bad"),
                    GridCondition("production", "{cell}>{above:1}", "good"),
                    GridCondition("overtime", "AND(ISNUMBER({cell}),{cell}>0)", "warn")])
    return grid_content(grid, lang, s.currency)


def family_options_sheet(inputs: Inputs, plan: FamilyProductionPlan,
                         lang: str) -> SheetContent:
    """The options table, the chosen strategy's rows marked (and shown bold)."""
    spec = contract.sheet("family_options")
    t = plan.options_table.copy()
    t["chosen"] = np.where(t["chosen"].astype(bool), message("yes", lang), "")
    sheet = table_content(spec, t, lang, currency=inputs.settings.currency)
    if len(t):
        j = spec.keys.index("chosen")
        sheet.cond_formats.append(CondFormat(
            Box(1, 0, len(t), len(spec.columns) - 1),
            f'${col_letter(j)}2="{message("yes", lang)}"', "good"))
    return sheet


def plan_kpi_sheet(inputs: Inputs, kpis: pd.DataFrame, lang: str) -> SheetContent:
    """PlanKPI: plan achievement by total, family, resource and item per month; months
    below 95 % marked."""
    spec = contract.sheet("plan_kpi")
    k = kpis.assign(unit=[unit_label(u, lang) for u in kpis["unit"]]) if len(kpis) else kpis
    sheet = table_content(spec, k, lang, currency=inputs.settings.currency)
    _mark_below_95(sheet, spec, "achievement", len(k))
    return sheet


def delivery_kpi_sheet(inputs: Inputs, kpis: pd.DataFrame, lang: str) -> SheetContent:
    """DeliveryKPI: supplier on-time-in-full and schedule adherence by month; rates below
    95 % marked."""
    spec = contract.sheet("delivery_kpi")
    sheet = table_content(spec, kpis, lang, currency=inputs.settings.currency)
    _mark_below_95(sheet, spec, "rate", len(kpis))
    return sheet


def _mark_below_95(sheet: SheetContent, spec: SheetSpec, column: str, rows: int) -> None:
    """Rows of a KPI table whose ``column`` (a rate) is below 95 % marked as a warning."""
    if rows:
        j = col_letter(spec.keys.index(column))
        sheet.cond_formats.append(CondFormat(Box(1, 0, rows, len(spec.columns) - 1),
                                             f'AND(ISNUMBER(${j}2),${j}2<0.95)', "warn"))
