"""Sheets of plan versions beyond the register: the version comparison, demand management
(planned independent requirements transferred from the active version) and the transfer log.
"""

from __future__ import annotations

from sop_xl.contract.model import Choice, Column, Dtype, Layout, Role, SheetSpec
from sop_xl.contract.settings import TransferLevel

TRANSFER_LEVELS = (
    Choice(TransferLevel.ITEM.value, "Items", "物料"),
    Choice(TransferLevel.FAMILY.value, "Families", "产品族"),
)

C = Column
LOG_TAB = "7F7F7F"

PLAN_TYPES = (
    Choice("sales", "Sales plan", "销售计划"),
    Choice("production", "Production plan", "生产计划"),
)

VERSION_DIFF = SheetSpec(
    key="version_diff", en="VersionDiff", zh="版本对比", role=Role.OUTPUT,
    layout=Layout.TABLE, order=35, tab_color="ED7D31", required=False,
    description_en="Two plan versions compared by item and period: demand, MPS production "
    "and purchases, the largest changes first.",
    description_zh="两个计划版本按物料和期间对比：需求、主生产计划和采购，变化最大的排在最前。",
    columns=(
        C("section", "Section", "部分", width=10),
        C("key", "Item", "物料编码", width=13),
        C("family", "Family / supplier", "产品族/供应商", width=14),
        C("measure", "Measure", "指标", width=13),
        C("period", "Period", "期间", width=10),
        C("qty_a", "Quantity A", "数量A", Dtype.NUMBER, "pcs"),
        C("qty_b", "Quantity B", "数量B", Dtype.NUMBER, "pcs"),
        C("qty_diff", "Quantity B − A", "数量差(B−A)", Dtype.NUMBER, "pcs"),
        C("value_a", "Value A", "金额A", Dtype.NUMBER, "money"),
        C("value_b", "Value B", "金额B", Dtype.NUMBER, "money"),
        C("value_diff", "Value B − A", "金额差(B−A)", Dtype.NUMBER, "money"),
        C("diff_pct", "Change", "变化率", Dtype.PERCENT, width=9),
    ),
)

DEMAND_MANAGEMENT = SheetSpec(
    key="demand_management", en="DemandManagement", zh="需求管理", role=Role.OUTPUT,
    layout=Layout.TABLE, order=28, tab_color="7030A0", required=False,
    description_en="Planned independent requirements from the last transfer of the active "
    "version (000), as the ERP receives them.",
    description_zh="最近一次从激活版本(000)传递的计划独立需求，即 ERP 接收的内容。",
    columns=(
        C("transfer_id", "Transfer", "传递号", width=9),
        C("source", "Version", "版本", width=8),
        C("plan_type", "Plan type", "计划类型", choices=PLAN_TYPES, width=12),
        C("level", "Level", "层级", choices=TRANSFER_LEVELS, width=10),
        C("item", "Item", "物料编码", width=13,
          help_en="The item, or at family level the family (product group).",
          help_zh="物料；产品族层级时为产品族(产品组)。"),
        C("description", "Description", "物料名称", width=22),
        C("family", "Family", "产品族", width=11),
        C("uom", "UoM", "单位", width=6),
        C("period", "Period", "期间", width=10),
        C("req_date", "Requirement date", "需求日期", Dtype.DATE, width=11),
        C("plan_qty", "Plan quantity", "计划数量", Dtype.NUMBER, "pcs"),
        C("consumed_qty", "Consumed by orders", "订单消耗", Dtype.NUMBER, "pcs"),
        C("requirement", "Requirement", "需求数量", Dtype.NUMBER, "pcs"),
        C("value", "Value", "金额", Dtype.NUMBER, "money"),
    ),
)

TRANSFER_LOG = SheetSpec(
    key="transfer_log", en="TransferLog", zh="传递日志", role=Role.LOG, layout=Layout.TABLE,
    order=42, tab_color=LOG_TAB, unique=("transfer_id",), required=False,
    description_en="Every transfer of the active version to demand management.",
    description_zh="激活版本传递到需求管理的每一次记录。",
    columns=(
        C("transfer_id", "Transfer", "传递号", width=9),
        C("transferred_at", "Transferred at", "传递时间", width=19),
        C("user", "User", "用户", width=12),
        C("version", "Version", "版本", width=8),
        C("source", "Copy of", "来源版本", width=9),
        C("planning_month", "Planning month", "计划月", width=10),
        C("plan_type", "Plan type", "计划类型", choices=PLAN_TYPES, width=12),
        C("periods", "Periods", "期数", Dtype.INT, "periods"),
        C("first_period", "From", "起始期间", width=10),
        C("last_period", "To", "结束期间", width=10),
        C("deduct_consumed", "Deduct consumed", "扣减已消耗", Dtype.BOOL, width=9),
        C("backward", "Backward window", "向后消耗期", Dtype.INT, "periods"),
        C("forward", "Forward window", "向前消耗期", Dtype.INT, "periods"),
        C("items", "Items", "物料数", Dtype.INT),
        C("plan_qty", "Plan quantity", "计划数量", Dtype.NUMBER, "pcs"),
        C("consumed_qty", "Consumed", "已消耗", Dtype.NUMBER, "pcs"),
        C("transferred_qty", "Transferred qty", "传递数量", Dtype.NUMBER, "pcs"),
        C("transferred_value", "Transferred value", "传递金额", Dtype.NUMBER, "money"),
        C("unconsumed_qty", "Orders beyond plan", "超计划订单", Dtype.NUMBER, "pcs"),
        C("level", "Level", "层级", choices=TRANSFER_LEVELS, width=10),
        C("export", "Export file", "导出文件", width=30),
        C("content_hash", "Content hash", "内容校验", width=20),
    ),
)

VERSION_SHEETS: tuple[SheetSpec, ...] = (VERSION_DIFF, DEMAND_MANAGEMENT, TRANSFER_LOG)
