"""The ForecastKPI sheet: forecast achievement rate and accuracy by lag, for the monthly
meeting — the formulas stated above the table, so a manager can read every figure."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sop_xl import contract
from sop_xl.base.messages import message
from sop_xl.contract.cells import col_letter
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.common import title
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent

NOTES = ("kpi_achievement", "kpi_errors", "kpi_fva", "kpi_scope")


def kpi_sheet(inputs: Inputs, kpis: pd.DataFrame, lang: str) -> SheetContent:
    """The KPI table under a title and the definitions of its figures."""
    s = inputs.settings
    spec = contract.sheet("forecast_kpi")
    if len(kpis):
        kpis = kpis.assign(key=kpis["key"].where(kpis["level"] != "total",
                                                 message("family_total", lang)))
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
