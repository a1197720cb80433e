"""The family production plan the S&OP meeting decides (产品族生产计划) and its options.

FamilyProductionPlan is a planning grid per product family: demand plan, open production
orders, opening stock, production (yellow: the planner's typed cells are kept by the next
run and the strategy plans around them), closing stock and days of supply as live
formulas, the target stock level and target days of supply the strategies aim at (yellow
too: typed over the family's own, shown beside it), load on the family's key resource against
the hours it has; below, each strategy's production and closing stock as an option.
FamilyOptions sums each option up per family so the meeting chooses with figures
(sop_xl.plan.family_plan).

Registered into the contract on import (see sop_xl/contract/__init__.py).
"""

from __future__ import annotations

from typing import Any

from sop_xl.contract.inputs import FAMILY_STRATEGIES
from sop_xl.contract.model import Column, Dtype, Layout, Measure, Role, SheetSpec
from sop_xl.contract.outputs import OUTPUT_TAB

C = Column

def _opening(r: Any) -> str:
    return r.prev("closing")


def _closing(r: Any) -> str:
    return f"{r.cell('opening')}+{r.cell('receipts')}+{r.cell('production')}" \
        f"-{r.cell('demand')}"


def _days_of_supply(r: Any) -> str:
    """Closing stock ÷ average demand per working day of the next three periods
    (sop_xl.contract.outputs, the MPS's days of supply)."""
    dem = r.span("demand", 1, 3)
    if dem is None:
        return '""'
    days = r.span_workdays(1, 3)
    return f'IF(SUM({dem})<=0,"",MAX(0,{r.cell("closing")})/(SUM({dem})/SUM({days})))'


def _load(r: Any) -> str:
    hours = r.attr("hours_per_piece")
    return f'IF(ISNUMBER({hours}),{r.cell("production")}*{hours},"")'


def _overtime(r: Any) -> str:
    load, avail = r.cell("load"), r.cell("available")
    return f'IF(AND(ISNUMBER({load}),ISNUMBER({avail})),MAX(0,{load}-{avail}),"")'


def _option_rows() -> tuple[Measure, ...]:
    out = []
    for c in FAMILY_STRATEGIES[1:]:
        out.append(Measure(f"{c.value}_production", f"Option {c.en}: production",
                           f"方案 {c.zh}：生产"))
        out.append(Measure(f"{c.value}_closing", f"Option {c.en}: closing stock",
                           f"方案 {c.zh}：期末库存"))
    return tuple(out)


FAMILY_PRODUCTION = SheetSpec(
    key="family_production", en="FamilyProductionPlan", zh="产品族生产计划",
    role=Role.OUTPUT, layout=Layout.GRID, order=21, tab_color=OUTPUT_TAB,
    description_en="The family plan the S&OP meeting decides: production by the strategy "
    "chosen in Settings; type production in the yellow row and the next run keeps it and "
    "plans around it. Closing stock and days of supply follow. With a strategy chosen the "
    "MPS makes the family's production, split to its items by lot rules. Each strategy's "
    "figures are below and on FamilyOptions.",
    description_zh="S&OP 会议决定的产品族计划：按设置中选定的策略生产；在黄色行输入生产量，下次运行"
    "保留并围绕其重新计划。期末库存和库存天数随之更新。选定策略后，主生产计划按批量规则将产品族"
    "生产分解到物料。各策略的数字见下方及“产品族方案”表。",
    block_columns=(
        C("family", "Family", "产品族", width=14),
        C("members", "Items", "物料", width=24),
        C("key_resource", "Key resource", "关键资源", width=12),
        C("hours_per_piece", "Hours per piece", "单件工时", Dtype.NUMBER, "h/pc", width=8),
        C("unit_cost", "Unit cost", "单位成本", Dtype.NUMBER, "money/pc", width=9),
        C("target_dos", "Target DOS", "目标库存天数", Dtype.NUMBER, "days", width=8,
          help_en="The family's own target days of supply (its items', demand-weighted); "
          "a different number typed in the row Target days of supply wins in that period.",
          help_zh="产品族自身的目标库存天数(各物料按需求加权)；在“目标库存天数”行输入不同的数字时，"
          "该期以输入为准。"),
        C("safety_stock", "Safety stocks", "安全库存合计", Dtype.NUMBER, "pcs", width=9,
          help_en="The family's own target stock level (its items' safety stocks); a "
          "different number typed in the row Target stock level wins in that period.",
          help_zh="产品族自身的目标库存水平(各物料安全库存之和)；在“目标库存水平”行输入不同的"
          "数字时，该期以输入为准。"),
    ),
    measures=(
        Measure("demand", "Demand plan", "需求计划", bold=True),
        Measure("receipts", "Open production orders", "在制订单"),
        Measure("opening", "Opening stock", "期初库存", formula=_opening),
        Measure("suggested", "Suggested by strategy", "策略建议生产"),
        Measure("production", "Production", "生产", editable=True, bold=True, min=0),
        Measure("closing", "Closing stock", "期末库存", formula=_closing, bold=True),
        Measure("target_stock", "Target stock level", "目标库存水平", editable=True, min=0),
        Measure("target_days", "Target days of supply", "目标库存天数", unit="days",
                fmt="0.0", editable=True, min=0),
        Measure("dos", "Days of supply", "库存天数", unit="days", fmt="0.0",
                formula=_days_of_supply),
        Measure("load", "Load on key resource", "关键资源负荷", unit="h", fmt="#,##0.0",
                formula=_load),
        Measure("available", "Hours for the family", "可用工时", unit="h", fmt="#,##0.0"),
        Measure("overtime", "Overtime needed", "需加班工时", unit="h", fmt="#,##0.0",
                formula=_overtime),
        *_option_rows(),
    ),
)

FAMILY_OPTIONS = SheetSpec(
    key="family_options", en="FamilyOptions", zh="产品族方案", role=Role.OUTPUT,
    layout=Layout.TABLE, order=21, tab_color=OUTPUT_TAB,
    description_en="Each family's production strategies side by side over the horizon: "
    "stock, shortage, inventory value, production at cost, overtime on the key resource. "
    "Choose one in Settings (Family strategy).",
    description_zh="各产品族生产策略在展望期内的对比：库存、缺货、库存金额、生产成本、关键资源加班。"
    "在设置(产品族策略)中选择。",
    columns=(
        C("family", "Family", "产品族", width=14),
        C("strategy", "Strategy", "策略", choices=FAMILY_STRATEGIES, width=24),
        C("chosen", "Chosen", "已选", width=7),
        C("production", "Production", "生产", Dtype.NUMBER, "pcs"),
        C("end_stock", "Stock at the end", "期末库存", Dtype.NUMBER, "pcs"),
        C("average_stock", "Average stock", "平均库存", Dtype.NUMBER, "pcs"),
        C("lowest_stock", "Lowest stock", "最低库存", Dtype.NUMBER, "pcs"),
        C("shortage", "Largest shortage", "最大缺货", Dtype.NUMBER, "pcs"),
        C("average_dos", "Average days of supply", "平均库存天数", Dtype.NUMBER, "days"),
        C("inventory_value", "Average inventory value", "平均库存金额", Dtype.NUMBER,
          "money"),
        C("production_value", "Production at cost", "生产成本", Dtype.NUMBER, "money"),
        C("overtime_hours", "Overtime", "加班工时", Dtype.NUMBER, "h"),
        C("peak_utilisation", "Peak utilisation", "最高负荷率", Dtype.PERCENT),
    ),
)

FAMILY_SHEETS: tuple[SheetSpec, ...] = (FAMILY_PRODUCTION, FAMILY_OPTIONS)
