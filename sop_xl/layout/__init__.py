"""Engine results → the output sheets the planner sees (the contract's write side).

One module per area: forecast, demand_sheets, supply, kpi, version_sheets; shared pieces in
common, grid and render."""

from sop_xl.layout.common import exceptions_sheet, log_sheet
from sop_xl.layout.demand_sheets import demand_sheet
from sop_xl.layout.forecast import stat_forecast_sheet
from sop_xl.layout.render import table_content
from sop_xl.layout.supply import (
    capacity_load_sheet,
    capacity_options_sheet,
    capacity_sheet,
    financial_sheet,
    leveled_sheet,
    mps_sheet,
    mrp_sheet,
    planned_orders,
    planned_orders_sheet,
    projection_sheet,
    purchase_plan,
    purchase_sheet,
    slow_excess_sheets,
)

__all__ = [
    "capacity_load_sheet", "capacity_options_sheet", "capacity_sheet", "demand_sheet",
    "exceptions_sheet",
    "financial_sheet", "leveled_sheet", "log_sheet", "mps_sheet", "mrp_sheet",
    "planned_orders", "planned_orders_sheet", "projection_sheet", "purchase_plan",
    "purchase_sheet", "slow_excess_sheets", "stat_forecast_sheet", "table_content",
]
