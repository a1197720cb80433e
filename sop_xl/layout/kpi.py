"""The ForecastKPI sheet: forecast achievement rate and accuracy by lag, for the monthly
meeting — the formulas stated above the table, so a manager can read every figure."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sop_xl import contract
from sop_xl.base.messages import message, register
from sop_xl.contract.cells import col_letter
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.common import title
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent

register({
    "kpi_achievement": (
        "Achievement rate (预测达成率) = Σ actual ÷ Σ forecast: 100 % is on target, 80 % means "
        "shipments fell 20 % short of the forecast, 120 % that they beat it. Amber outside "
        "80-120 %.",
        "预测达成率 = Σ实际 ÷ Σ预测：100% 为达成，80% 表示实际比预测少 20%，120% 表示超出 20%。"
        "超出 80%-120% 标黄。"),
    "kpi_errors": (
        "WAPE = Σ|actual − forecast| ÷ Σ actual; MAPE = mean of |actual − forecast| ÷ actual "
        "(months with no shipments left out); Bias = (Σ forecast − Σ actual) ÷ Σ actual, "
        "positive = over-forecast; MASE = mean |actual − forecast| ÷ mean monthly change of "
        "the history, below 1 beats last month's actual.",
        "WAPE = Σ|实际 − 预测| ÷ Σ实际；MAPE = |实际 − 预测| ÷ 实际 的平均(无发货的月份不计)；"
        "偏差率 = (Σ预测 − Σ实际) ÷ Σ实际，正数为高估；MASE = 平均|实际 − 预测| ÷ 历史月环比变化"
        "的平均，小于 1 优于用上月实际作预测。"),
    "kpi_fva": (
        "FVA (forecast value added) = WAPE of the statistical (or naive) forecast − WAPE of "
        "this forecast, on the same items and months: positive = this forecast is better. "
        "Red when negative (below −0.05 points).",
        "预测增值 FVA = 统计(或朴素)预测的 WAPE − 本预测的 WAPE，在相同物料和月份上比较：正数表示"
        "本预测更好。为负(低于 −0.05 个百分点)标红。"),
    "kpi_scope": (
        "Lag 1 = made the month before the month forecast, lag 2 = two months before. Sales = "
        "the assistant's forecast + their department's open contracts and weighted projects "
        "at the time. Errors are measured per item, department and month, then summed; each "
        "forecast counts where it exists (sales: the items and months the assistants "
        "forecast). Months {first} to {last}; naive = the last month's actual shipments.",
        "提前 1 个月 = 在预测月的前一个月制定，依此类推。销售 = 销售内勤预测 + 当时本部门的未交合同"
        "和加权项目。误差按物料、部门和月份计算后汇总；各来源只在其存在处统计(销售：销售内勤预测"
        "的物料和月份)。统计月份 {first} 至 {last}；朴素预测 = 上月实际发货。"),
    "kpi_empty": (
        "No archived forecast has actual shipments yet: accuracy appears once a month has "
        "passed since the first demand plan run.",
        "尚无已有实际发货的存档预测：首次运行需求计划一个月后显示准确率。"),
})

NOTES = ("kpi_achievement", "kpi_errors", "kpi_fva", "kpi_scope")


def kpi_sheet(inputs: Inputs, kpis: pd.DataFrame, lang: str) -> SheetContent:
    """The KPI table under a title and the definitions of its figures."""
    s = inputs.settings
    spec = contract.sheet("forecast_kpi")
    table = table_content(spec, kpis, lang, currency=s.currency)
    first, last = s.planning_month - s.kpi_months, s.planning_month - 1
    lines = [title(inputs, "forecast_kpi", lang)]
    lines += [message(k, lang, first=str(first), last=str(last)) for k in NOTES]
    if kpis.empty:
        lines.append(message("kpi_empty", lang))
    top = len(lines) + 1  # a blank row between the notes and the table
    width = len(spec.columns)
    rows = [[text, *([None] * (width - 1))] for text in lines]
    rows.append([None] * width)
    sheet = SheetContent(name=spec.name(lang), rows=rows + table.rows, key=spec.key,
                         tab_color=spec.tab_color)
    sheet.style(0, 0, 0, 0, "title")
    sheet.style(1, 0, len(lines) - 1, 0, "legend")
    for sr in table.styles:
        sheet.styles.append(replace(sr, box=_down(sr.box, top)))
    sheet.col_widths = dict(table.col_widths)
    sheet.table = replace(table.table, box=_down(table.table.box, top)) if table.table \
        else None
    sheet.freeze = (top + 1, 2)
    n = len(kpis)
    if n:
        body = Box(top + 1, 0, top + n, width - 1)
        ach = col_letter(spec.keys.index("achievement"))
        r0 = top + 2
        sheet.cond_formats.append(CondFormat(
            Box(top + 1, spec.keys.index("achievement"), top + n,
                spec.keys.index("achievement")),
            f'AND(ISNUMBER({ach}{r0}),OR({ach}{r0}<0.8,{ach}{r0}>1.2))', "warn"))
        for key in ("fva_stat", "fva_naive"):
            j = spec.keys.index(key)
            c = col_letter(j)
            sheet.cond_formats.append(CondFormat(Box(body.top, j, body.bottom, j),
                                                 f"AND(ISNUMBER({c}{r0}),{c}{r0}<-0.0005)", "bad"))
    return sheet


def _down(box: Box, n: int) -> Box:
    return Box(box.top + n, box.left, box.bottom + n, box.right)
