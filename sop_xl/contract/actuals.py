"""What the plant made: the ProductionActuals input (生产实绩) and the plan achievement
KPIs computed from it (PlanKPI, 计划达成率; sop_xl.plan.achievement).

Registered into the contract on import (see sop_xl/contract/__init__.py).
"""

from __future__ import annotations

from sop_xl.contract.inputs import INPUT_TAB
from sop_xl.contract.model import Choice, Column, Dtype, Layout, Role, SheetSpec
from sop_xl.contract.outputs import OUTPUT_TAB

C = Column

PRODUCTION_ACTUALS = SheetSpec(
    key="production_actuals", en="ProductionActuals", zh="生产实绩", role=Role.INPUT,
    layout=Layout.TABLE, order=15, tab_color=INPUT_TAB, required=False,
    description_en="Finished-good production reported by the plant (ERP receipts from "
    "production orders): item, month or day completed, quantity; with the order's due date "
    "and quantity, schedule adherence too. Plan achievement compares them with the frozen "
    "part of the approved MPS.",
    description_zh="工厂报告的成品生产实绩(ERP 生产入库)：物料、完工月份或日期、数量；填写订单的"
    "计划完工日期和数量时也计算计划执行率。计划达成率将其与已批准主生产计划的锁定期部分对比。",
    columns=(
        C("item", "Item", "物料编码", required=True, width=14),
        C("month", "Month", "完工月份", Dtype.MONTH, width=10,
          help_en="Blank: the month of Completed on.",
          help_zh="为空时取完工日期所在月份。"),
        C("qty", "Quantity", "完工数量", Dtype.NUMBER, "pcs", required=True, min=0),
        C("date", "Completed on", "完工日期", Dtype.DATE, width=12),
        C("order", "Production order", "生产订单", width=14),
        C("due_date", "Order due", "订单计划完工日期", Dtype.DATE, width=12,
          help_en="The production order's due date, for schedule adherence.",
          help_zh="生产订单的计划完工日期，用于计划执行率。"),
        C("order_qty", "Order quantity", "订单数量", Dtype.NUMBER, "pcs", min=0,
          help_en="The production order's quantity, for schedule adherence.",
          help_zh="生产订单数量，用于计划执行率。"),
    ),
)

RECEIPTS_ACTUALS = SheetSpec(
    key="receipts_actuals", en="ReceiptsActuals", zh="采购到货实绩", role=Role.INPUT,
    layout=Layout.TABLE, order=15, tab_color=INPUT_TAB, required=False,
    description_en="Goods received against purchase orders (ERP goods receipts): one row "
    "per receipt, with the order line's promised date and quantity. Supplier on-time-in-full "
    "(DeliveryKPI) is measured from them.",
    description_zh="采购订单到货实绩(ERP 采购入库)：每次收货一行，附订单行的承诺交期和订货数量。"
    "供应商准时足量交付率(交付绩效)据此计算。",
    columns=(
        C("supplier", "Supplier", "供应商", required=True, width=26),
        C("order", "Purchase order", "采购订单", required=True, width=14),
        C("item", "Item", "物料编码", required=True, width=14),
        C("order_qty", "Ordered", "订货数量", Dtype.NUMBER, required=True, min=0),
        C("due_date", "Promised on", "承诺交期", Dtype.DATE, required=True, width=12),
        C("received_date", "Received on", "到货日期", Dtype.DATE, width=12,
          help_en="Blank with quantity 0: nothing received yet.",
          help_zh="未到货时留空，数量填 0。"),
        C("qty", "Received", "到货数量", Dtype.NUMBER, min=0, default=0),
    ),
)

ACHIEVEMENT_LEVELS = (
    Choice("total", "Total", "合计"),
    Choice("family", "Family", "产品族"),
    Choice("resource", "Resource", "资源"),
    Choice("item", "Item", "物料"),
)

PLAN_KPI = SheetSpec(
    key="plan_kpi", en="PlanKPI", zh="计划达成率", role=Role.OUTPUT, layout=Layout.TABLE,
    order=19, tab_color=OUTPUT_TAB, required=False,
    description_en="Plan achievement by month: production (ProductionActuals) against the "
    "frozen part of the approved MPS of that month. Achievement = Σ min(actual, planned) ÷ "
    "Σ planned over the items (a surplus of one item does not make up another's "
    "shortfall); resources in hours (ResourceUsage).",
    description_zh="按月计划达成率：生产实绩与该月已批准主生产计划锁定期部分对比。达成率 = Σ "
    "min(实际, 计划) ÷ Σ 计划(一个物料的超产不抵补另一物料的欠产)；资源按工时(资源用量)。",
    columns=(
        C("level", "Level", "层级", choices=ACHIEVEMENT_LEVELS, width=10),
        C("key", "Name", "名称", width=16),
        C("month", "Month", "月份", Dtype.MONTH, width=9),
        C("version", "Plan version", "计划版本", width=9),
        C("planned", "Planned (frozen)", "计划(锁定)", Dtype.NUMBER),
        C("actual", "Produced", "实际完工", Dtype.NUMBER),
        C("achieved", "Achieved", "达成量", Dtype.NUMBER,
          help_en="Σ min(produced, planned) over the items.",
          help_zh="各物料 min(实际, 计划) 之和。"),
        C("achievement", "Plan achievement", "计划达成率", Dtype.PERCENT),
        C("output_ratio", "Produced ÷ planned", "实际/计划", Dtype.PERCENT),
        C("unit", "Unit", "单位", width=7),
    ),
)

DELIVERY_KPIS = (
    Choice("supplier_otif", "Supplier on time in full", "供应商准时足量交付率"),
    Choice("schedule_adherence", "Schedule adherence", "生产计划执行率"),
)
DELIVERY_LEVELS = (
    Choice("total", "Total", "合计"),
    Choice("supplier", "Supplier", "供应商"),
    Choice("family", "Family", "产品族"),
    Choice("resource", "Resource", "资源"),
)

DELIVERY_KPI = SheetSpec(
    key="delivery_kpi", en="DeliveryKPI", zh="交付绩效", role=Role.OUTPUT,
    layout=Layout.TABLE, order=19, tab_color=OUTPUT_TAB, required=False,
    description_en="Supplier on-time-in-full (order lines received complete within the "
    "tolerance of the promised day) and schedule adherence (production orders completed in "
    "their due month, in quantity within the tolerance), by month; see the README.",
    description_zh="供应商准时足量交付率(在承诺日容差内足量到货的订单行占比)和生产计划执行率"
    "(在计划完工月份内、数量在容差内完工的生产订单占比)，按月；见 README。",
    columns=(
        C("kpi", "Measure", "指标", choices=DELIVERY_KPIS, width=24),
        C("level", "Level", "层级", choices=DELIVERY_LEVELS, width=10),
        C("key", "Name", "名称", width=26),
        C("month", "Month", "月份", Dtype.MONTH, width=9),
        C("lines", "Order lines due", "到期订单行", Dtype.INT),
        C("met", "On time in full", "准时足量", Dtype.INT),
        C("late", "Late", "延迟", Dtype.INT),
        C("short", "Short or over", "数量不符", Dtype.INT),
        C("rate", "Rate", "达成率", Dtype.PERCENT),
        C("qty_due", "Quantity due", "应交数量", Dtype.NUMBER),
        C("qty_met", "Quantity on time", "准时数量", Dtype.NUMBER),
    ),
)

ACTUALS_SHEETS: tuple[SheetSpec, ...] = (PRODUCTION_ACTUALS, RECEIPTS_ACTUALS, PLAN_KPI,
                                         DELIVERY_KPI)
