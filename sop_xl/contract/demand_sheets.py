"""Demand-side sheets beyond StatForecast and DemandPlan: the product-family plan and its
split factors, the review of the sales assistants' forecasts, the forecast archive (a log)
and the forecast accuracy KPIs.

Registered into the contract on import (see sop_xl/contract/__init__.py).
"""

from __future__ import annotations

from typing import Any

from sop_xl.contract.model import Choice, Column, Dtype, Layout, Measure, Role, SheetSpec
from sop_xl.contract.outputs import LOG_TAB, OUTPUT_TAB

C = Column

FORECAST_SOURCES = (
    Choice("sales", "Sales assistants", "销售内勤"),
    Choice("demand_plan", "Demand plan", "需求计划"),
    Choice("statistical", "Statistical", "统计预测"),
    Choice("naive", "Naive (last month)", "朴素(上月实际)"),
)
KPI_LEVELS = (
    Choice("total", "Total", "合计"),
    Choice("department", "Department", "部门"),
    Choice("assistant", "Sales assistant", "销售内勤"),
    Choice("family", "Family", "产品族"),
    Choice("item", "Item", "物料"),
)


def _family_plan_total(r: Any) -> str:
    return f"{r.cell('items_plan')}+{r.cell('change')}"


FAMILY_PLAN = SheetSpec(
    key="family_plan", en="FamilyPlan", zh="产品族计划", role=Role.OUTPUT,
    layout=Layout.GRID, order=21, tab_color=OUTPUT_TAB,
    description_en="Demand plan per product family. Type a change in the yellow row; the "
    "next run splits it to the items by the factors on FamilyShares and adds it to "
    "DemandPlan (row \"Family change\").",
    description_zh="按产品族的需求计划。在黄色行输入调整量；下次运行按“产品族比例”表中的比例"
    "分解到物料，计入需求计划(“产品族调整”行)。",
    block_columns=(
        C("family", "Family", "产品族", width=14),
        C("members", "Items", "物料", width=24),
    ),
    measures=(
        Measure("stat_forecast", "Statistical forecast", "统计预测"),
        Measure("items_plan", "Items' plan before change", "物料计划(调整前)"),
        Measure("change", "Family change", "产品族调整", editable=True, whole_pieces=True),
        Measure("plan", "Family demand plan", "产品族需求计划", formula=_family_plan_total,
                bold=True),
    ),
)

FAMILY_SHARES = SheetSpec(
    key="family_shares", en="FamilyShares", zh="产品族比例", role=Role.OUTPUT,
    layout=Layout.TABLE, order=21, tab_color=OUTPUT_TAB, unique=("family", "item"),
    required=False,
    description_en="Proportional factors that split a family quantity (family changes, "
    "family events) to its items. Blank factor: the item's share of the family's shipments "
    "over the share window. Give factors for a family and they are used instead (blank = 0), "
    "normalised to 100 %.",
    description_zh="产品族数量(产品族调整、产品族事件)分解到物料的比例。比例为空时按比例计算期内"
    "该物料占产品族发货的份额；若为某产品族填写比例，则使用填写的比例(空=0)，并归一到100%。",
    columns=(
        C("family", "Family", "产品族", width=14),
        C("item", "Item", "物料编码", width=13),
        C("description", "Description", "物料名称", width=24),
        C("history_share", "History share", "历史份额", Dtype.PERCENT),
        C("factor", "Factor (optional)", "指定比例(可选)", Dtype.NUMBER, min=0, editable=True,
          help_en="Leave blank to use the history share.", help_zh="为空则使用历史份额。"),
        C("share", "Share used", "采用比例", Dtype.PERCENT),
    ),
)

FORECAST_REVIEW = SheetSpec(
    key="forecast_review", en="ForecastReview", zh="预测评审", role=Role.OUTPUT,
    layout=Layout.TABLE, order=21, tab_color=OUTPUT_TAB,
    description_en="The sales assistants' M+3 forecasts consolidated per item and month, "
    "against the statistical forecast. Deviation = (contracts + weighted projects + sales "
    "forecast − statistical) ÷ statistical; rows beyond the threshold go to the pre-S&OP "
    "meeting.",
    description_zh="销售内勤 M+3 预测按物料和月份汇总，并与统计预测对比。偏差 =(合同 + 加权项目 + "
    "销售预测 − 统计预测)÷ 统计预测；超过阈值的行提交预备会议讨论。",
    columns=(
        C("item", "Item", "物料编码", width=13),
        C("description", "Description", "物料名称", width=22),
        C("family", "Family", "产品族", width=12),
        C("month", "Month", "月份", Dtype.MONTH, width=9),
        C("assistants", "Sales assistants", "销售内勤", width=18),
        C("departments", "Departments", "部门", width=20),
        C("contracts", "Open contracts", "合同未交", Dtype.NUMBER, "pcs"),
        C("projects", "Projects × probability", "项目(按概率)", Dtype.NUMBER, "pcs"),
        C("sales_forecast", "Sales forecast", "销售预测", Dtype.NUMBER, "pcs"),
        C("sales_total", "Sales view", "销售口径合计", Dtype.NUMBER, "pcs",
          help_en="Contracts + weighted projects + sales forecast.",
          help_zh="合同 + 加权项目 + 销售预测。"),
        C("stat_forecast", "Statistical forecast", "统计预测", Dtype.NUMBER, "pcs"),
        C("deviation", "Deviation", "偏差", Dtype.PERCENT),
        C("flagged", "For pre-S&OP", "提交预备会议", width=10),
        C("reasons", "Reasons given", "原因说明", width=40),
    ),
)

FORECAST_ARCHIVE = SheetSpec(
    key="forecast_archive", en="ForecastArchive", zh="预测存档", role=Role.LOG,
    layout=Layout.TABLE, order=42, tab_color=LOG_TAB, required=False,
    description_en="Every forecast submitted, by the month it was made, for accuracy once "
    "the actuals are in. Rows of earlier months are never changed; a re-run in the same "
    "month replaces that month's rows.",
    description_zh="每次提交的预测按制定月份存档，实际数据到位后计算准确率。以前月份的行不再改变；"
    "同月重复运行替换该月的行。",
    columns=(
        C("made_month", "Made in", "制定月", Dtype.MONTH, width=9,
          help_en="The month before the planning month: the cycle runs at its end.",
          help_zh="计划月的前一个月：在该月末运行计划。"),
        C("month", "For month", "预测月", Dtype.MONTH, width=9),
        C("lag", "Lag", "预测间隔", Dtype.INT, "months", width=7),
        C("source", "Source", "来源", choices=FORECAST_SOURCES, width=14),
        C("assistant", "Sales assistant", "销售内勤", width=14),
        C("department", "Department", "部门", width=18),
        C("item", "Item", "物料编码", width=13),
        C("family", "Family", "产品族", width=12),
        C("qty", "Forecast", "预测数量", Dtype.NUMBER, "pcs",
          help_en="Sales rows: the assistant's forecast + their department's open contracts "
          "and weighted projects for the item (comparable with shipments).",
          help_zh="销售行：销售预测 + 本部门该物料的未交合同和加权项目(与发货可比)。"),
        C("submitted_qty", "Typed by sales", "销售填报", Dtype.NUMBER, "pcs"),
        C("run_at", "Archived at", "存档时间", width=17),
    ),
)

FORECAST_KPI = SheetSpec(
    key="forecast_kpi", en="ForecastKPI", zh="预测准确率", role=Role.OUTPUT,
    layout=Layout.TABLE, order=19, tab_color=OUTPUT_TAB, required=False,
    description_en="Forecast accuracy by lag, from ForecastArchive against shipments.",
    description_zh="按提前月数的预测准确率：预测存档与实际发货对比。",
    columns=(
        C("level", "Level", "层级", choices=KPI_LEVELS, width=12),
        C("key", "Name", "名称", width=18),
        C("lag", "Lag", "预测间隔", Dtype.INT, "months", width=7),
        C("source", "Source", "预测来源", choices=FORECAST_SOURCES, width=15),
        C("months", "Months", "月数", Dtype.INT, width=7),
        C("actual", "Actual shipped", "实际发货", Dtype.NUMBER, "pcs"),
        C("forecast", "Forecast", "预测", Dtype.NUMBER, "pcs"),
        C("achievement", "Achievement rate", "预测达成率", Dtype.PERCENT),
        C("wape", "WAPE", "WAPE", Dtype.PERCENT),
        C("mape", "MAPE", "MAPE", Dtype.PERCENT),
        C("bias", "Bias", "偏差率", Dtype.PERCENT),
        C("mase", "MASE", "MASE", Dtype.NUMBER),
        C("fva_stat", "FVA vs statistical", "相对统计预测增值", Dtype.PERCENT),
        C("fva_naive", "FVA vs naive", "相对朴素预测增值", Dtype.PERCENT),
    ),
)

DEMAND_SHEETS: tuple[SheetSpec, ...] = (FAMILY_PLAN, FAMILY_SHARES, FORECAST_REVIEW,
                                        FORECAST_ARCHIVE, FORECAST_KPI)
