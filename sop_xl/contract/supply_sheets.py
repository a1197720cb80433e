"""Supply output sheets beyond the plan grids of outputs.py: the planned orders list (where
a planner firms an order), the capacity options and the leveled plan, slow-moving and
excess stock, and the financial projection."""

from __future__ import annotations

from typing import Any

from sop_xl.contract.model import Column, Dtype, Layout, Measure, Role, SheetSpec
from sop_xl.contract.outputs import ITEM_BLOCK, OUTPUT_TAB

C = Column


def _leveled(r: Any) -> str:
    return f"{r.cell('planned')}+{r.cell('moved')}-{r.cell('outsource')}"


def _load(r: Any) -> str:
    return f"{r.cell('production')}*{r.attr('hours_per_unit')}"


def _margin(r: Any) -> str:
    return f"{r.cell('revenue')}-{r.cell('cogs')}"


def _margin_pct(r: Any) -> str:
    return f'IF({r.cell("revenue")}<=0,"",{r.cell("margin")}/{r.cell("revenue")})'


PLANNED_ORDERS = SheetSpec(
    key="planned_orders", en="PlannedOrders", zh="计划订单", role=Role.OUTPUT,
    layout=Layout.TABLE, order=23, tab_color=OUTPUT_TAB,
    description_en="Every planned order below the MPS, with the end-item demand it is for. "
    "Set Firm to yes (and change quantity or due date) to keep an order as it is next run.",
    description_zh="主计划以下的全部计划订单及其对应的成品需求。将“确认”设为是(可修改数量或到货日期)，"
    "下次运行时该订单保持不变。",
    columns=(
        C("item", "Item", "物料编码", width=13),
        C("description", "Description", "物料名称", width=22),
        C("item_type", "Type", "类型", width=8),
        C("supplier", "Supplier", "供应商", width=14),
        C("period", "Due period", "到货期间", width=10),
        C("due_date", "Due", "到货日期", Dtype.DATE, width=11, editable=True),
        C("release_date", "Release", "下达日期", Dtype.DATE, width=11),
        C("qty", "Quantity", "数量", Dtype.NUMBER, "pcs", min=0, editable=True),
        C("release_qty", "Started quantity", "投入数量", Dtype.NUMBER, "pcs"),
        C("status", "Status", "状态", width=11),
        C("firm", "Firm", "确认", Dtype.BOOL, width=7, editable=True),
        C("pegging", "For end-item demand", "对应成品需求", width=40),
    ),
)

CAPACITY_OPTIONS = SheetSpec(
    key="capacity_options", en="CapacityOptions", zh="产能方案", role=Role.OUTPUT,
    layout=Layout.TABLE, order=25, tab_color=OUTPUT_TAB,
    description_en="Each overload with its options: overtime, building ahead into earlier "
    "periods, outsourcing (hours and pieces).",
    description_zh="每个超负荷及其方案：加班、提前生产、外协(小时和件数)。",
    columns=(
        C("resource", "Resource", "资源", width=13),
        C("period", "Period", "期间", width=10),
        C("load", "Load", "负荷", Dtype.NUMBER, "h"),
        C("available", "Available", "可用", Dtype.NUMBER, "h"),
        C("overload", "Overload", "超负荷", Dtype.NUMBER, "h"),
        C("overtime_hours", "Overtime", "加班", Dtype.NUMBER, "h"),
        C("overtime_max", "Overtime possible", "最大加班", Dtype.NUMBER, "h"),
        C("build_ahead", "Build ahead in", "提前生产至", width=30),
        C("build_ahead_hours", "Build ahead", "提前生产", Dtype.NUMBER, "h"),
        C("outsource_hours", "Outsource", "外协", Dtype.NUMBER, "h"),
        C("outsource_pcs", "Outsource", "外协", Dtype.NUMBER, "pcs"),
        C("outsource_items", "Outsource items", "外协物料", width=30),
    ),
)

CAPACITY_LOAD = SheetSpec(
    key="capacity_load", en="CapacityLoad", zh="负荷明细", role=Role.OUTPUT,
    layout=Layout.GRID, order=25, tab_color=OUTPUT_TAB,
    description_en="Rough-cut load item by item: the production on the MPS (finished goods) "
    "or the MRP (made components), released orders included, × hours per piece "
    "(ResourceUsage). Capacity adds these up per resource, so a change on the MPS moves it.",
    description_zh="按物料的粗能力负荷：主计划(成品)或物料需求计划(自制件)的生产数量(含已下达订单)"
    "× 单件工时(资源用量)。粗能力表按资源汇总，主计划的修改随之更新负荷。",
    block_columns=(
        # the item and its description stay in view (sop_xl.layout.grid.lead_columns)
        C("item", "Item", "物料编码", width=13),
        C("description", "Description", "物料名称", width=22),
        C("resource", "Resource", "资源", width=13),
        C("hours_per_unit", "Hours per piece", "单件工时", Dtype.NUMBER, "h/pc", width=9),
    ),
    measures=(
        Measure("production", "Production + released orders", "计划生产+已下达订单"),
        Measure("load", "Load hours", "负荷工时", unit="h", fmt="#,##0.0", formula=_load,
                bold=True),
    ),
)

LEVELED_PLAN = SheetSpec(
    key="leveled_plan", en="LeveledPlan", zh="均衡计划", role=Role.OUTPUT,
    layout=Layout.GRID, order=25, tab_color=OUTPUT_TAB,
    description_en="Constrained plan proposal: production moved ahead into periods with "
    "spare hours and what to outsource, so the plant stays within capacity and overtime.",
    description_zh="约束计划建议：将生产提前到有富余工时的期间，并列出外协数量，使工厂不超过产能和加班上限。",
    block_columns=ITEM_BLOCK,
    measures=(
        Measure("planned", "Planned production", "计划生产"),
        Measure("moved", "Built ahead (+ in, − out)", "提前生产(+移入 −移出)"),
        Measure("outsource", "Outsourced", "外协"),
        Measure("leveled", "Leveled production", "均衡后生产", formula=_leveled, bold=True),
    ),
)

SLOW_EXCESS = SheetSpec(
    key="slow_excess", en="SlowExcess", zh="呆滞冗余", role=Role.OUTPUT, layout=Layout.TABLE,
    order=26, tab_color=OUTPUT_TAB,
    description_en="Slow-moving stock (no movement for the months in Settings) and excess "
    "stock (above the demand of the coming months), largest value first.",
    description_zh="呆滞库存(超过设置月数无出入库)与冗余库存(超过未来数月需求)，按金额从大到小。",
    columns=(
        C("item", "Item", "物料编码", width=13),
        C("description", "Description", "物料名称", width=22),
        C("item_type", "Type", "类型", width=8),
        C("family", "Family", "产品族", width=11),
        C("warehouses", "Warehouses", "仓库", width=14),
        C("on_hand", "On hand", "现有库存", Dtype.NUMBER, "pcs"),
        C("last_movement", "Last movement", "最近出入库", Dtype.DATE, width=12),
        C("months_idle", "Months idle", "呆滞月数", Dtype.NUMBER, "months"),
        C("demand_ahead", "Demand ahead", "未来需求", Dtype.NUMBER, "pcs"),
        C("unit_cost", "Unit cost", "单位成本", Dtype.NUMBER, "money/pc"),
        C("slow_qty", "Slow-moving", "呆滞数量", Dtype.NUMBER, "pcs"),
        C("slow_value", "Slow-moving value", "呆滞金额", Dtype.NUMBER, "money"),
        C("excess_qty", "Excess", "冗余数量", Dtype.NUMBER, "pcs"),
        C("excess_value", "Excess value", "冗余金额", Dtype.NUMBER, "money"),
        C("status", "Status", "状态", width=12),
    ),
)

SLOW_EXCESS_SUMMARY = SheetSpec(
    key="slow_excess_summary", en="SlowExcessSummary", zh="呆滞冗余汇总", role=Role.OUTPUT,
    layout=Layout.TABLE, order=26, tab_color=OUTPUT_TAB,
    description_en="Slow-moving and excess stock by product family.",
    description_zh="按产品族汇总的呆滞与冗余库存。",
    columns=(
        C("family", "Family", "产品族", width=14),
        C("items", "Items", "物料数", Dtype.INT),
        C("on_hand_value", "Stock value", "库存金额", Dtype.NUMBER, "money"),
        C("slow_qty", "Slow-moving", "呆滞数量", Dtype.NUMBER, "pcs"),
        C("slow_value", "Slow-moving value", "呆滞金额", Dtype.NUMBER, "money"),
        C("excess_qty", "Excess", "冗余数量", Dtype.NUMBER, "pcs"),
        C("excess_value", "Excess value", "冗余金额", Dtype.NUMBER, "money"),
        C("share", "Share of stock value", "占库存金额比例", Dtype.PERCENT),
    ),
)

FINANCIAL_PLAN = SheetSpec(
    key="financial_plan", en="FinancialPlan", zh="财务预测", role=Role.OUTPUT,
    layout=Layout.GRID, order=27, tab_color=OUTPUT_TAB,
    description_en="The plan in money by month: revenue and cost of what can ship, margin, "
    "production and purchases at cost, inventory value at month end.",
    description_zh="按月的计划金额：可发货的收入与成本、毛利、生产与采购成本、月末库存金额。",
    block_columns=(C("family", "Family", "产品族", width=16),),
    measures=(
        Measure("revenue", "Revenue", "销售收入", unit="money", fmt="#,##0"),
        Measure("cogs", "Cost of goods sold", "销售成本", unit="money", fmt="#,##0"),
        Measure("margin", "Gross margin", "毛利", unit="money", fmt="#,##0", formula=_margin,
                bold=True),
        Measure("margin_pct", "Gross margin rate", "毛利率", unit="%", fmt="0.0%",
                formula=_margin_pct),
        Measure("production_value", "Production at cost", "生产成本", unit="money",
                fmt="#,##0"),
        Measure("purchase_value", "Purchases", "采购金额", unit="money", fmt="#,##0"),
        Measure("inventory_value", "Inventory value (month end)", "月末库存金额", unit="money",
                fmt="#,##0", bold=True),
    ),
)

SUPPLY_SHEETS: tuple[SheetSpec, ...] = (
    PLANNED_ORDERS, CAPACITY_LOAD, CAPACITY_OPTIONS, LEVELED_PLAN, SLOW_EXCESS, SLOW_EXCESS_SUMMARY,
    FINANCIAL_PLAN,
)
