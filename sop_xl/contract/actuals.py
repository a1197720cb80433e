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
    "production orders): item, month completed, quantity. Plan achievement compares them "
    "with the frozen part of the approved MPS.",
    description_zh="工厂报告的成品生产实绩(ERP 生产入库)：物料、完工月份、数量。计划达成率将其与"
    "已批准主生产计划的锁定期部分对比。",
    columns=(
        C("item", "Item", "物料编码", required=True, width=14),
        C("month", "Month", "完工月份", Dtype.MONTH, required=True, width=10),
        C("qty", "Quantity", "完工数量", Dtype.NUMBER, "pcs", required=True, min=0),
        C("date", "Completed on", "完工日期", Dtype.DATE, width=12),
        C("order", "Production order", "生产订单", width=14),
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

ACTUALS_SHEETS: tuple[SheetSpec, ...] = (PRODUCTION_ACTUALS, PLAN_KPI)
