"""Output sheets: what a run writes. Tables for records, planning grids for time-phased plans.

Grid rows (measures) that derive from other rows carry the Excel formula that computes them,
so a planner can change an input-coloured cell and watch the plan move. Python computes the
same numbers and writes them as the cached values; tests recalculate in LibreOffice and
compare.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sop_xl.contract.model import Choice, Column, Dtype, Layout, Measure, Role, SheetSpec

C = Column
OUTPUT_TAB = "70AD47"
LOG_TAB = "7F7F7F"


# -- formula builders: each takes a GridRefs (sop_xl.layout.grid) and returns the formula
# text without "=", or None for a value cell.

Builder = Callable[[Any], str | None]


def _projected(receipts: tuple[str, ...], demand: str, key: str) -> Builder:
    def build(r: Any) -> str:
        plus = "+".join(r.cell(k) for k in receipts)
        return f"{r.prev(key)}+{plus}-{r.cell(demand)}"
    return build


def _days_of_supply(stock: str, demand: str) -> Builder:
    """Stock ÷ average demand per working day over the next three periods (days)."""
    def build(r: Any) -> str:
        dem = r.span(demand, 1, 3)
        days = r.span_workdays(1, 3)
        if dem is None:
            return '""'
        return f'IF(SUM({dem})<=0,"",MAX(0,{r.cell(stock)})/(SUM({dem})/SUM({days})))'
    return build


def _atp(balance: str, supply: tuple[str, ...]) -> Builder:
    """Discrete available-to-promise from the cumulative orders balance: in the first
    period min(balance to the end); in a later period with supply, what that supply adds
    to the lowest balance ahead, floored at 0 (sop_xl.plan.mps.available_to_promise)."""
    def build(r: Any) -> str:
        ahead = f"MIN({r.span(balance, 0, 10_000)})"
        if r.is_first:
            return ahead
        sup = "+".join(r.cell(k) for k in supply)
        return f'IF({sup}>0,MAX(0,{ahead}-{r.cell(balance, -1)}),"")'
    return build


def _shipped(demand: str, projected: str) -> Builder:
    """What can ship: demand + min(0, projected) − min(0, projected before)
    (sop_xl.plan.inventory.shipped)."""
    def build(r: Any) -> str:
        return f"{r.cell(demand)}+MIN(0,{r.cell(projected)})-MIN(0,{r.prev(projected)})"
    return build


def _ratio(num: str, den: str) -> Builder:
    def build(r: Any) -> str:
        return f'IF({r.cell(den)}<=0,"",{r.cell(num)}/{r.cell(den)})'
    return build


def _excess(load: str, avail: str) -> Builder:
    def build(r: Any) -> str:
        return f"MAX(0,{r.cell(load)}-{r.cell(avail)})"
    return build


def _value(qty: str, cost_attr: str) -> Builder:
    def build(r: Any) -> str:
        return f"{r.cell(qty)}*{r.attr(cost_attr)}"
    return build


def _sum_of(*keys: str) -> Builder:
    def build(r: Any) -> str:
        return "+".join(r.cell(k) for k in keys)
    return build


# Contracts + weighted projects + the forecast part + events + adjustment + the family
# change split to the item (pieces). The forecast part is the sales assistants' forecast in the near term and the statistical
# forecast net of contracts and projects beyond it (sop_xl.plan.demand).
_demand_total = _sum_of("small_contracts", "large_contracts", "projects_weighted",
                        "forecast_part", "events", "adjustment", "family_change")


ITEM_BLOCK = (
    C("item", "Item", "物料编码", width=13),
    C("description", "Description", "物料名称", width=22),
    C("family", "Family", "产品族", width=11),
)

STAT_FORECAST = SheetSpec(
    key="stat_forecast", en="StatForecast", zh="统计预测", role=Role.OUTPUT,
    layout=Layout.GRID, order=20, tab_color=OUTPUT_TAB,
    description_en="Statistical forecast per item: shipped history (outliers in red, the "
    "cleaned value below), the chosen model and its backtest error, forecast and interval.",
    description_zh="按物料的统计预测：发货历史(红色为异常值，下一行为清洗后数值)、所选模型及回测误差、"
    "预测及区间。",
    block_columns=(*ITEM_BLOCK,
                   C("demand_class", "Demand class", "需求类型", width=12),
                   C("model", "Model", "模型", width=24),
                   C("mase", "Backtest MASE", "回测MASE", Dtype.NUMBER, width=8,
                     help_en="Mean absolute error ÷ the naive forecast's; below 1 beats naive.",
                     help_zh="平均绝对误差 ÷ 朴素预测误差；小于1优于朴素预测。"),
                   C("wape", "Backtest WAPE", "回测WAPE", Dtype.PERCENT, width=8),
                   C("n_history", "History", "历史", Dtype.INT, "months", width=8),
                   C("outliers", "Outliers cleaned", "清洗异常值数", Dtype.INT, width=8),
                   C("note", "Note", "说明", width=40)),
    measures=(
        Measure("history", "History (shipped)", "历史(发货)"),
        Measure("cleaned", "History used", "清洗后历史"),
        Measure("forecast", "Forecast", "预测", bold=True),
        Measure("lower", "Lower bound", "下限"),
        Measure("upper", "Upper bound", "上限"),
        Measure("ordered_forecast", "Ordered forecast (for ship ratio)", "订货预测(发货比例用)"),
    ),
)

DEMAND_PLAN = SheetSpec(
    key="demand_plan", en="DemandPlan", zh="需求计划", role=Role.OUTPUT, layout=Layout.GRID,
    order=21, tab_color=OUTPUT_TAB,
    description_en="Unconstrained demand plan: near term from contracts, projects and the "
    "sales forecast; far term from the statistical forecast (or ordered forecast × "
    "shipped/ordered ratio) net of contracts and projects.",
    description_zh="无约束需求计划：近期=合同+项目+销售预测；远期=统计预测(或订货预测×发货/订货比例)"
    "扣除合同和项目。",
    block_columns=(*ITEM_BLOCK,
                   C("family_share", "Share of family", "占产品族比例", Dtype.PERCENT, width=8),
                   C("ship_ratio", "Shipped/ordered", "发货/订货比", Dtype.PERCENT, width=8)),
    measures=(
        Measure("small_contracts", "Small contracts (open)", "小合同(未交)"),
        Measure("large_contracts", "Large contracts (open)", "大合同(未交)"),
        Measure("projects_weighted", "Projects × probability", "项目(按概率)"),
        Measure("projects_unweighted", "Projects (unweighted, info)", "项目(未加权，参考)"),
        Measure("sales_forecast", "Sales forecast (excl. projects)", "销售预测(不含项目)"),
        Measure("stat_forecast", "Statistical forecast", "统计预测"),
        Measure("ship_ratio_forecast", "Ordered forecast × ship ratio", "订货预测×发货比例"),
        Measure("forecast_part", "Forecast in plan", "计划采用预测"),
        Measure("events", "Events", "事件调整"),
        Measure("adjustment", "Planner adjustment", "计划员调整", editable=True),
        Measure("family_change", "Family change (split)", "产品族调整(分解)"),
        Measure("demand", "Demand plan", "需求计划", formula=_demand_total, bold=True),
    ),
)

MPS = SheetSpec(
    key="mps", en="MPS", zh="主生产计划", role=Role.OUTPUT, layout=Layout.GRID, order=22,
    tab_color=OUTPUT_TAB,
    description_en="Master production schedule per finished good. Yellow cells may be "
    "changed; projected on hand, ATP and days of supply follow. Planned production: blue = "
    "firm as suggested, red = below the suggestion, green = above it. Dark grey periods "
    "are frozen, light grey ones inside the planning time fence.",
    description_zh="成品主生产计划。黄色单元格可修改，预计库存、可承诺量和库存天数随之更新。"
    "计划生产：蓝色=按建议确认，红色=低于建议，绿色=高于建议。深灰色期间为锁定期，浅灰色为计划时界内。",
    block_columns=(*ITEM_BLOCK,
                   C("lot_rule", "Lot rule", "批量规则", width=17),
                   C("safety_stock", "Safety stock", "安全库存", Dtype.NUMBER, "pcs", width=9),
                   C("target_dos", "Target DOS", "目标库存天数", Dtype.NUMBER, "days", width=9)),
    measures=(
        Measure("forecast", "Forecast", "预测"),
        Measure("orders", "Customer orders", "客户订单"),
        Measure("demand", "Demand", "需求", formula=_sum_of("forecast", "orders"), bold=True),
        Measure("receipts", "Scheduled receipts", "在途订单"),
        Measure("target_stock", "Target stock", "目标库存"),
        Measure("suggested", "Suggested production", "建议生产"),
        Measure("production", "Planned production", "计划生产", editable=True, bold=True,
                min=0, also=(("Planned transfer", "计划调拨"),)),
        Measure("projected", "Projected on hand", "预计库存",
                formula=_projected(("receipts", "production"), "demand", "projected"),
                bold=True),
        Measure("balance", "Orders balance (cum.)", "订单累计余量",
                formula=_projected(("receipts", "production"), "orders", "balance")),
        Measure("atp", "Available to promise", "可承诺量",
                formula=_atp("balance", ("receipts", "production"))),
        Measure("dos", "Days of supply", "库存天数", unit="days", fmt="0.0",
                formula=_days_of_supply("projected", "demand")),
    ),
)

MRP = SheetSpec(
    key="mrp", en="MRP", zh="物料需求计划", role=Role.OUTPUT, layout=Layout.GRID, order=23,
    tab_color=OUTPUT_TAB,
    description_en="Material requirements per component, planned on working days and "
    "summed into the periods shown: a requirement falls on the day its parent order is "
    "released, a planned order is due on the day of the first shortfall it covers and "
    "released its lead time earlier in working days. Periods-of-supply lots cover a window "
    "counted in these periods, so they change when the workbook switches between months "
    "and weeks; every other lot rule does not.",
    description_zh="按子项的物料需求，按工作日计划、按所示期间汇总：需求日为父项订单的下达日，"
    "计划订单的到货日为其覆盖的第一个缺口日，按工作日提前期倒排下达。周期批量的覆盖期按这些期间计算，"
    "因此月/周切换时会变化；其他批量规则不变。",
    block_columns=(
        C("item", "Item", "物料编码", width=13),
        C("description", "Description", "物料名称", width=22),
        C("item_type", "Type", "类型", width=8),
        C("llc", "Low-level code", "低层码", Dtype.INT, width=6),
        C("lead_time_days", "Lead time", "提前期", Dtype.INT, "days", width=7),
        C("safety_stock", "Safety stock", "安全库存", Dtype.NUMBER, "pcs", width=9),
        C("lot_rule", "Lot rule", "批量规则", width=20),
    ),
    measures=(
        Measure("gross", "Gross requirements", "毛需求"),
        Measure("receipts", "Scheduled receipts", "在途订单"),
        # a node supplied by transfer from another plant: its orders are transfers,
        # received here and shipped from the source plant (sop_xl.layout.plants)
        Measure("planned_receipts", "Planned receipts", "计划到货",
                also=(("Planned transfers in", "计划调入"),)),
        Measure("projected", "Projected on hand", "预计库存",
                formula=_projected(("receipts", "planned_receipts"), "gross", "projected"),
                bold=True),
        Measure("net", "Net requirements", "净需求"),
        Measure("planned_releases", "Planned releases", "计划下达", bold=True,
                also=(("Planned transfers shipped", "计划调出"),)),
    ),
)

PURCHASE_PLAN = SheetSpec(
    key="purchase_plan", en="PurchasePlan", zh="采购计划", role=Role.OUTPUT,
    layout=Layout.TABLE, order=24, tab_color=OUTPUT_TAB,
    description_en="Planned purchase orders for purchased parts, by supplier and release date.",
    description_zh="外购件计划采购订单，按供应商和下达日期。",
    columns=(
        C("supplier", "Supplier", "供应商", width=16),
        C("item", "Item", "物料编码", width=13),
        C("description", "Description", "物料名称", width=24),
        C("release_date", "Release", "下达日期", Dtype.DATE, width=11),
        C("release_week", "Release week", "下达周", width=10),
        C("due_date", "Due", "到货日期", Dtype.DATE, width=11),
        C("qty", "Quantity", "数量", Dtype.NUMBER, "pcs"),
        C("unit_cost", "Unit cost", "单价", Dtype.NUMBER, "money/pc"),
        C("value", "Value", "金额", Dtype.NUMBER, "money"),
        C("status", "Status", "状态", width=12),
        C("pegging", "For end items", "对应成品", width=30),
    ),
)

CAPACITY = SheetSpec(
    key="capacity", en="Capacity", zh="粗能力", role=Role.OUTPUT, layout=Layout.GRID,
    order=25, tab_color=OUTPUT_TAB,
    description_en="Rough-cut capacity: load from the MPS and made components against "
    "available hours from the factory calendar; options per overload on CapacityOptions, "
    "the leveled plan on LeveledPlan.",
    description_zh="粗能力计划：主计划及自制件负荷与工厂日历可用工时对比；超负荷方案见产能方案，均衡计划见均衡计划。",
    block_columns=(
        C("resource", "Resource", "资源", width=13),
        C("description", "Description", "描述", width=22),
    ),
    measures=(
        Measure("available", "Available hours", "可用工时", unit="h", fmt="#,##0.0"),
        Measure("overtime_max", "Overtime possible", "最大加班工时", unit="h", fmt="#,##0.0"),
        Measure("load", "Load hours", "负荷工时", unit="h", fmt="#,##0.0", bold=True),
        Measure("utilisation", "Utilisation", "负荷率", unit="%", fmt="0.0%",
                formula=_ratio("load", "available")),
        Measure("overload", "Overload hours", "超负荷工时", unit="h", fmt="#,##0.0",
                formula=_excess("load", "available")),
        Measure("leveled_load", "Load after leveling", "均衡后负荷", unit="h",
                fmt="#,##0.0"),
        Measure("leveled_utilisation", "Utilisation after leveling", "均衡后负荷率",
                unit="%", fmt="0.0%", formula=_ratio("leveled_load", "available")),
    ),
)

PROJECTION = SheetSpec(
    key="projection", en="Projection", zh="库存预测", role=Role.OUTPUT, layout=Layout.GRID,
    order=26, tab_color=OUTPUT_TAB,
    description_en="Projected inventory per product family (totals first) and finished good "
    "in pieces and money, against safety stock and maximum; what can ship. Item rows read "
    "the MPS, family rows add up the items.",
    description_zh="按产品族(合计在前)和成品的预计库存(数量和金额)，对比安全库存和最高库存；可发货数量。"
    "物料行取自主计划，产品族行为物料合计。",
    block_columns=(*ITEM_BLOCK,
                   C("unit_cost", "Unit cost", "单位成本", Dtype.NUMBER, "money/pc", width=9),
                   C("price", "Price", "售价", Dtype.NUMBER, "money/pc", width=9)),
    measures=(
        Measure("demand", "Demand", "需求"),
        Measure("shipped", "Can ship", "可发货", formula=_shipped("demand", "projected")),
        Measure("supply", "Supply", "供应"),
        Measure("production", "Planned production", "计划生产"),
        # several plants only (sop_xl.plan.inventory.TRANSFER_MEASURES): a plant's
        # transfers apart from its demand and supply, so totals over plants net them out
        Measure("transfers_out", "Transfers out", "调出"),
        Measure("transfers_in", "Transfers in", "调入"),
        Measure("projected", "Projected on hand", "预计库存",
                formula=_projected(("supply",), "demand", "projected"), bold=True),
        Measure("safety_stock", "Safety stock", "安全库存"),
        Measure("max_stock", "Maximum", "最高库存"),
        Measure("value", "Value", "金额", unit="money", fmt="#,##0",
                formula=_value("projected", "unit_cost")),
        Measure("dos", "Days of supply", "库存天数", unit="days", fmt="0.0",
                formula=_days_of_supply("projected", "demand")),
    ),
)

def _shipped_per_plant(r: Any) -> str:
    """What a plant can ship to its customers: as _shipped, a shortage falling on them
    first and never below 0 (sop_xl.plan.inventory.project)."""
    return f"MAX(0,{_shipped('demand', 'projected')(r)})"


def _projected_per_plant(r: Any) -> str:
    return (f"{r.prev('projected')}+{r.cell('supply')}+{r.cell('transfers_in')}"
            f"-{r.cell('demand')}-{r.cell('transfers_out')}")


def _days_of_supply_per_plant(r: Any) -> str:
    """Days of supply of a plant's stock against its customers' demand and its transfers
    out (the MPS's days of supply)."""
    dem, out = r.span("demand", 1, 3), r.span("transfers_out", 1, 3)
    if dem is None:
        return '""'
    need = f"(SUM({dem})+SUM({out}))"
    return (f'IF({need}<=0,"",MAX(0,{r.cell("projected")})/({need}/'
            f'SUM({r.span_workdays(1, 3)})))')


#: the Projection's plant rows with transfers between plants: their own formulas
PROJECTION_PER_PLANT: dict[str, Builder] = {
    "shipped": _shipped_per_plant, "projected": _projected_per_plant,
    "dos": _days_of_supply_per_plant}

EXCEPTIONS = SheetSpec(
    key="exceptions", en="Exceptions", zh="例外信息", role=Role.OUTPUT, layout=Layout.TABLE,
    order=30, tab_color="C00000",
    description_en="What needs a planner's decision, most severe first.",
    description_zh="需要计划员决策的事项，按严重程度排序。",
    columns=(
        C("severity", "Severity", "严重程度", width=10),
        C("category", "Category", "类别", width=18),
        C("item", "Item / resource", "物料/资源", width=14),
        C("period", "Period", "期间", width=10),
        C("date", "Date", "日期", Dtype.DATE, width=11,
          help_en="The day it is about: the run-out date of a shortage, the need date of "
          "an order to reschedule, the release date of a late order.",
          help_zh="所涉及的日期：缺料的断料日、需调整订单的需求日、逾期订单的下达日。"),
        C("qty", "Quantity", "数量", Dtype.NUMBER, "pcs"),
        C("message", "Message", "信息", width=70),
        C("source", "Step", "来源", width=10),
    ),
)

VERSION_STATUS = (
    Choice("draft", "Draft", "草稿"),
    Choice("proposed", "Proposed", "待批准"),
    Choice("approved", "Approved", "已批准"),
    Choice("superseded", "Superseded", "已被取代"),
)

VERSIONS = SheetSpec(
    key="versions", en="Versions", zh="版本", role=Role.LOG, layout=Layout.TABLE, order=40,
    tab_color=LOG_TAB, unique=("version",), required=False,
    description_en="Register of saved plan versions. 000 is the active version; approved "
    "versions are locked (their content hash is checked by every command).",
    description_zh="已保存计划版本登记。000 为激活版本；已批准版本被锁定(每个命令都校验其内容哈希)。",
    columns=(
        C("version", "Version", "版本", width=9),
        C("created_at", "Created", "创建时间", width=19),
        C("author", "Author", "创建人", width=12),
        C("planning_month", "Planning month", "计划月", width=10),
        C("status", "Status", "状态", choices=VERSION_STATUS, width=11),
        C("sheet", "Plan tab", "计划页", width=16),
        C("note", "Note", "备注", width=30),
        C("content_hash", "Content hash", "内容校验", width=20),
        C("source", "Copy of", "来源版本", width=9),
        C("approved_by", "Approved by", "批准人", width=12),
        C("approved_at", "Approved", "批准时间", width=19),
        C("location", "Archived in", "归档位置", width=20),
        C("fingerprint", "Tab fingerprint", "页面指纹", width=12),
    ),
)

RUN_LOG = SheetSpec(
    key="run_log", en="RunLog", zh="运行日志", role=Role.LOG, layout=Layout.TABLE, order=41,
    tab_color=LOG_TAB, required=False,
    description_en="Every run that wrote this workbook.", description_zh="每次写入本工作簿的运行记录。",
    columns=(
        C("run_at", "Run at", "运行时间", width=19),
        C("user", "User", "用户", width=12),
        C("command", "Command", "命令", width=14),
        C("steps", "Steps", "步骤", width=40),
        C("seconds", "Seconds", "耗时(秒)", Dtype.NUMBER),
        C("summary", "Summary", "摘要", width=60),
    ),
)

PLAN_TAB = SheetSpec(
    key="plan_tab", en="Plan version", zh="计划版本", role=Role.LOG, layout=Layout.TABLE, order=50,
    tab_color="FFC000", required=False,
    description_en="A saved plan version; never changed once written. The hidden last "
    "column holds a check tag per cell, so a change by hand can be named.",
    description_zh="已保存的计划版本，写入后不再改变。隐藏的最后一列为每个单元格的校验码，用于定位手工修改。",
    columns=(
        C("section", "Section", "部分", width=14),
        C("key", "Item / resource", "物料/资源", width=14),
        C("family", "Family", "产品族", width=11),
        C("measure", "Measure", "指标", width=20),
        C("period", "Period", "期间", width=10),
        C("qty", "Quantity", "数量", Dtype.NUMBER),
        C("value", "Value", "金额", Dtype.NUMBER, "money"),
        C("text", "Text", "文本", width=14),
        C("check", "Check", "校验", width=10),
    ),
)

OUTPUT_SHEETS: tuple[SheetSpec, ...] = (
    STAT_FORECAST, DEMAND_PLAN, MPS, MRP, PURCHASE_PLAN, CAPACITY, PROJECTION, EXCEPTIONS,
    VERSIONS, RUN_LOG, PLAN_TAB,
)
