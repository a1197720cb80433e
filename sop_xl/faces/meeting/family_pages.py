"""The meeting pack's page per family: last month as planned and as it went (sales,
production, stock at the month's end), its plan achievement and schedule adherence, and
the strategies the family production plan offers for this plan, the chosen one marked.

Laid out on the pack's workbook (sop_xl.faces.meeting.pack calls ``family_pages``); the
figures come from ``MeetingData`` (data.family_review, family_rates, family_options).
"""

from __future__ import annotations

import math
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from sop_xl import contract
from sop_xl.layout.paper import LINE_HEIGHT

REVIEW_ROWS = (("sales", "mp_fr_sales"), ("production", "mp_fr_production"),
               ("stock", "mp_fr_stock"))
OPTION_COLUMNS = (("production", "pcs"), ("end_stock", "pcs"), ("average_stock", "pcs"),
                  ("average_dos", "days"), ("inventory_value", "money"),
                  ("overtime_hours", "h"), ("peak_utilisation", "%"))


def _strategy(code: str, lang: str) -> str:
    col = contract.sheet("settings").column("family_strategy")
    return next((c.label(lang) for c in col.choices if c.value == code), code)


def family_pages(p: Any) -> None:
    """One page per family on the sheet "Family review"."""
    d = p.data
    review = d.family_review
    if review is None or review.empty:
        return
    widths = {0: 46, 1: 15, 2: 14, 3: 14, 4: 14, 5: 14, 6: 14, 7: 14, 8: 14}
    ws = p.sheet("mp_sheet_family_review", widths)
    month = d.planning_month - 1
    v = d.compared_with
    plan_head = p.t("mp_fr_col_plan", version=v.version) if v else p.t("mp_fr_col_plan_none")
    spec = contract.sheet("family_options")
    options = d.family_options
    rates = d.family_rates or {}
    r = 0
    for k, family in enumerate(sorted(set(review["family"]))):
        if k:
            p.pagers[ws.name].new_page(r)
        start = r
        ws.write_string(r, 0, p.t("mp_fr_title", family=family, month=month), p.f["title"])
        ws.set_row(r, 28)
        r += 2
        heads = [p.t("mp_col_measure"), plan_head, p.t("mp_fr_col_actual"),
                 p.t("mp_fr_col_diff"), p.t("mp_fr_col_ratio")]
        for c, h in enumerate(heads):
            ws.write_string(r, c, h, p.f["header"])
        ws.set_row(r, 30)
        g = review[review["family"] == family].set_index("measure")
        for i, (key, code) in enumerate(REVIEW_ROWS, start=1):
            plan, actual = float(g.at[key, "plan"]), float(g.at[key, "actual"])
            ws.write_string(r + i, 0, p.t(code), p.f["text"])
            p.num(ws, r + i, 1, plan, "pcs")
            p.num(ws, r + i, 2, actual, "pcs")
            a, b = xl_rowcol_to_cell(r + i, 2), xl_rowcol_to_cell(r + i, 1)
            ok = math.isfinite(plan)
            ws.write_formula(r + i, 3, f'=IF(ISNUMBER({b}),{a}-{b},"")', p.f["pcs"],
                             actual - plan if ok else "")
            ws.write_formula(r + i, 4, f'=IF(AND(ISNUMBER({b}),{b}<>0),{a}/{b},"")',
                             p.f["%"], actual / plan if ok and plan else "")
        r += len(REVIEW_ROWS) + 2
        ach, adh = rates.get(family, (float("nan"), float("nan")))
        for code, value in (("mp_fr_achievement", ach), ("mp_fr_adherence", adh)):
            ws.write_string(r, 0, p.t(code, month=month), p.f["bold"])
            p.num(ws, r, 1, value, "%_bold")
            r += 1
        r += 1
        ws.write_string(r, 0, p.t("mp_fr_options", month=d.planning_month), p.f["h2"])
        r += 1
        heads = [spec.column("strategy").label(p.lang), spec.column("chosen").label(p.lang)]
        heads += [spec.column(c).label(p.lang, d.currency) for c, _ in OPTION_COLUMNS]
        for c, h in enumerate(heads):
            ws.write_string(r, c, h, p.f["header"])
        ws.set_row(r, 44)
        r += 1
        o = options[options["family"] == family] if options is not None else options
        for row in (o.itertuples(index=False) if o is not None else ()):
            chosen = bool(row.chosen)
            ws.write_string(r, 0, _strategy(str(row.strategy), p.lang),
                            p.f["bold" if chosen else "text"])
            ws.write_string(r, 1, p.t("yes") if chosen else "", p.f["text"])
            for c, (key, unit) in enumerate(OPTION_COLUMNS, start=2):
                p.num(ws, r, c, float(getattr(row, key)), unit)
            r += 1
        r += 1
        ws.write_string(r, 0, p.t("mp_fr_strategy", strategy=_strategy(d.family_strategy,
                                                                          p.lang)),
                        p.f["text"])
        r += 2
        p.rows(ws, start, (r - start) * LINE_HEIGHT + 40)  # the taller title and headers
    p.finish(ws)
    ws.protect("", {"format_columns": True, "format_rows": True})
