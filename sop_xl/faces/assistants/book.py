"""One sales assistant's workbook (销售预测填报), written from scratch.

Sheets, in the master's language:

- **Forecast** (预测填报): four rows per item, M..M+3: the statistical reference, what is on
  contract or in projects for the department, the number on file, then the yellow input
  cells *Your forecast* (whole pieces ≥ 0, checked by data validation) and *Reason*, with a
  live *Deviation* and a *Check* that says "Reason required" where the forecast departs
  from the reference by more than the threshold (sop_xl.faces.assistants.figures). In a
  master with several plants a yellow *Shipping plant* column follows (blank: shared by
  the plants that ship the item; a list of the item's plants), and an item and month on
  file for several plants has a line per plant.
- **History** (历史与达成): per item the department's shipments of the last 24 months, the
  statistical forecast and the assistant's forecast (live from the Forecast sheet), and last
  month's forecast, shipments and achievement rate.
- **Charts** (图表): one small native line chart per item over those rows.
- a very hidden control sheet (sop_xl.faces.assistants.manifest) recording the month, the
  assistant, every protected cell and where the inputs are, for ``collect``.

Everything but the input cells is locked (sheet protection without a password: it stops
slips, and ``collect`` refuses a file whose protected cells changed).

Written with xlsxwriter rather than the part-splicing writer (these files are new, nothing
of a planner's must survive) or openpyxl: xlsxwriter stores each formula's cached value, so
the Check column reads right in viewers and readers that do not recalculate (calamine,
previews, mail clients), and it writes native charts, validation, conditional formats,
cell-level protection and very hidden sheets; openpyxl stores formulas without values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from sop_xl.base.messages import message
from sop_xl.base.periods import month_label
from sop_xl.faces.assistants.figures import AssistantFigures, needs_reason
from sop_xl.faces.assistants.manifest import write_manifest
from sop_xl.layout.paper import (
    A4_LANDSCAPE,
    DEFAULT_WIDTH,
    LINE_HEIGHT,
    MAX_BREAKS,
    MIN_SCALE,
    breaks_between_blocks,
    column_width,
    wrapped_lines,
)
from sop_xl.layout.styles import INPUT_FILL, INPUT_FONT
from sop_xl.workbook.package import atomic_path

KIND = "sop_xl.assistant_forecast"
FORMAT = 1


# Forecast sheet: columns and rows (0-based)
F_ITEM, F_DESC, F_FAMILY, F_MONTH, F_REF, F_KNOWN, F_ON_FILE, F_QTY, F_DEV, F_REASON, \
    F_CHECK, F_PLANT = range(12)   # Plant (an input) only when the master has plants
F_THRESHOLD_ROW, F_HEADER_ROW, F_FIRST_ROW = 3, 5, 6
F_THRESHOLD = (F_THRESHOLD_ROW, F_REF)
F_MIN_QTY = (F_THRESHOLD_ROW, F_KNOWN)      # the deviation minimum in pieces
F_MIN_VALUE = (F_THRESHOLD_ROW, F_ON_FILE)  # and in money at the item's price
# History sheet
H_HEADER_ROW, H_FIRST_ROW, H_FIRST_MONTH = 3, 4, 3


@dataclass
class _Formats:
    title: Any
    subtitle: Any
    note: Any
    header: Any
    text: Any
    text_top: Any
    qty: Any
    qty_first: Any
    text_first: Any
    input_qty: Any
    input_text: Any
    pct: Any
    check: Any
    label: Any
    threshold: Any
    min_qty: Any
    min_value: Any
    bad: Any


def _formats(wb: xlsxwriter.Workbook, units: tuple[str, str]) -> _Formats:
    base = {"font_size": 10, "valign": "top"}

    def f(**kw: Any) -> Any:
        return wb.add_format({**base, **kw})

    return _Formats(
        title=f(bold=True, font_size=14, font_color="1F4E78"),
        subtitle=f(italic=True, font_color="595959"),
        note=f(italic=True, font_color="595959", text_wrap=True),
        header=f(bold=True, font_color="FFFFFF", bg_color="1F4E78", border=1, text_wrap=True,
                 align="center", valign="vcenter"),
        text=f(),
        text_top=f(top=1),
        qty=f(num_format="#,##0"),
        qty_first=f(num_format="#,##0", top=1),
        text_first=f(top=1, bold=True),
        input_qty=f(num_format="#,##0", bg_color=INPUT_FILL, font_color=INPUT_FONT,
                    bold=True, locked=False, border=1, border_color="BFBFBF"),
        input_text=f(bg_color=INPUT_FILL, font_color=INPUT_FONT, locked=False,
                     border=1,
                     border_color="BFBFBF", text_wrap=True),
        pct=f(num_format="0.0%"),
        check=f(font_color="C00000", bold=True),
        label=f(bold=True),
        threshold=f(num_format="0%", bold=True),
        min_qty=f(num_format=f'"≥ "#,##0" {units[0]}"', bold=True),
        min_value=f(num_format=f'"≥ "#,##0" {units[1]}"', bold=True),
        bad=wb.add_format({"font_color": "9C0006", "bg_color": "FFC7CE"}),
    )


class _Sheet:
    """Writes cells and remembers every protected one for the control sheet."""

    def __init__(self, ws: Any, name: str, protected: list[list[Any]]) -> None:
        self.ws = ws
        self.name = name
        self.protected = protected

    def value(self, r: int, c: int, v: Any, fmt: Any) -> None:
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            self.ws.write_blank(r, c, None, fmt)
            return
        if isinstance(v, str):
            self.ws.write_string(r, c, v, fmt)
        else:
            v = float(v)
            self.ws.write_number(r, c, v, fmt)
        self.protected.append([self.name, xl_rowcol_to_cell(r, c), "value", v])

    def merged(self, r: int, c0: int, c1: int, text: str, fmt: Any) -> None:
        """Text across columns c0..c1 of row r (a note spanning the table)."""
        self.ws.merge_range(r, c0, r, c1, text, fmt)
        self.protected.append([self.name, xl_rowcol_to_cell(r, c0), "value", text])

    def formula(self, r: int, c: int, text: str, fmt: Any, cached: Any) -> None:
        self.ws.write_formula(r, c, "=" + text, fmt, cached)
        self.protected.append([self.name, xl_rowcol_to_cell(r, c), "formula", text])


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _achievement_formula(shipped: str, forecast: str) -> str:
    """Forecast achievement rate (预测达成率) = shipped ÷ forecast, as on ForecastKPI."""
    return f'IF(OR({forecast}="",N({forecast})<=0),"",{shipped}/{forecast})'


def check_text(qty: float, ref: float, reason: str | None, threshold: float,
               lang: str, min_qty: float = 0.0, min_value: float = 0.0,
               price: float = 0.0) -> str:
    """What the Check column shows (the Python twin of its formula)."""
    if not np.isfinite(qty):
        return message("ab_check_enter", lang)
    if needs_reason(qty, ref, threshold, min_qty, min_value, price) and \
            not (reason or "").strip():
        return message("ab_check_reason", lang)
    return ""


def write_assistant_book(path: Path | str, fig: AssistantFigures, *, lang: str,
                         company: str, master: str, written: datetime) -> dict[str, Any]:
    """Write the workbook (whole or not at all); return its control document (also
    stored in the file)."""
    with atomic_path(Path(path)) as tmp:
        return _write_book(tmp, fig, lang=lang, company=company, master=master,
                           written=written)


def _write_book(path: Path, fig: AssistantFigures, *, lang: str, company: str, master: str,
                written: datetime) -> dict[str, Any]:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": message("ab_title", lang, assistant=fig.assistant),
                       "author": "sop_xl", "created": written, "company": company})
    fm = _formats(wb, (message("ab_pcs", lang), fig.currency))
    protected: list[list[Any]] = []
    names = {k: message(f"ab_sheet_{k}", lang) for k in ("forecast", "history", "charts")}
    ws_f = wb.add_worksheet(names["forecast"])
    ws_h = wb.add_worksheet(names["history"])
    ws_c = wb.add_worksheet(names["charts"])
    dept = fig.department or message("ab_no_department", lang)
    inputs = _forecast_sheet(_Sheet(ws_f, names["forecast"], protected), fig, fm, lang,
                             company, dept, written)
    rows_of = _history_sheet(_Sheet(ws_h, names["history"], protected), fig, fm, lang, dept,
                             names["forecast"], inputs)
    _charts_sheet(wb, ws_c, fig, fm, lang, names["history"], rows_of)
    doc = {
        "kind": KIND, "format": FORMAT, "assistant": fig.assistant,
        "department": fig.department, "planning_month": str(fig.planning_month),
        "master": master, "written_at": written.strftime("%Y-%m-%d %H:%M:%S"),
        "threshold": fig.threshold, "min_qty": fig.min_qty, "min_value": fig.min_value,
        "lang": lang, "sheets": names,
        "inputs": inputs, "protected": protected,
    }
    write_manifest(wb, doc)
    ws_f.activate()
    wb.close()
    return doc


def _forecast_sheet(s: _Sheet, fig: AssistantFigures, fm: _Formats, lang: str, company: str,
                    dept: str, written: datetime) -> list[dict[str, Any]]:
    ws = s.ws
    s.value(0, 0, message("ab_title", lang, assistant=fig.assistant), fm.title)
    s.value(1, 0, message("ab_subtitle", lang, company=company, department=dept,
                          month=str(fig.planning_month),
                          written=written.strftime("%Y-%m-%d %H:%M")), fm.subtitle)
    s.merged(2, 0, F_CHECK, message("ab_instructions", lang), fm.note)
    ws.set_row(2, 30)
    s.value(F_THRESHOLD_ROW, 0, message("ab_threshold", lang), fm.label)
    s.value(F_THRESHOLD_ROW, F_REF, fig.threshold, fm.threshold)
    s.value(*F_MIN_QTY, fig.min_qty, fm.min_qty)
    s.value(*F_MIN_VALUE, fig.min_value, fm.min_value)
    heads = ["item", "description", "family", "month", "reference", "known", "on_file", "qty",
             "deviation", "reason", "check"]
    if fig.plants:
        heads.append("plant")
    for c, key in enumerate(heads):
        s.value(F_HEADER_ROW, c, message(f"ab_col_{key}", lang), fm.header)
    ws.set_row(F_HEADER_ROW, 30)
    widths = [13, 26, 12, 9, 12, 12, 10, 12, 9, 36, 16, *([12] if fig.plants else [])]
    # item, description and family as wide as their longest value (Chinese counts two)
    for c, key in ((F_ITEM, "item"), (F_DESC, "description"), (F_FAMILY, "family")):
        widths[c] = column_width(fig.items[key].dropna(), minimum=widths[c], maximum=50)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    desc = fig.items.set_index("item")
    thr = xl_rowcol_to_cell(*F_THRESHOLD, row_abs=True, col_abs=True)
    min_q = xl_rowcol_to_cell(*F_MIN_QTY, row_abs=True, col_abs=True)
    min_v = xl_rowcol_to_cell(*F_MIN_VALUE, row_abs=True, col_abs=True)
    inputs = []
    r = F_FIRST_ROW
    blocks = []
    heights: dict[int, float] = {}
    for item in fig.items["item"]:
        lines = fig.lines[fig.lines["item"] == item]
        blocks.append((r, r + len(lines) - 1))
        for k, ln in enumerate(lines.itertuples(index=False)):
            first = k == 0
            tf, qf = (fm.text_first, fm.qty_first) if first else (fm.text, fm.qty)
            s.value(r, F_ITEM, item, tf)
            s.value(r, F_DESC, str(desc.at[item, "description"] or ""), fm.text_top if first
                    else fm.text)
            s.value(r, F_FAMILY, str(desc.at[item, "family"] or ""), fm.text_top if first
                    else fm.text)
            s.value(r, F_MONTH, month_label(ln.month), fm.text_top if first else fm.text)
            s.value(r, F_REF, ln.reference, qf)
            s.value(r, F_KNOWN, ln.known, qf)
            s.value(r, F_ON_FILE, ln.on_file, qf)
            qty = float(ln.on_file)
            if np.isfinite(qty):
                ws.write_number(r, F_QTY, qty, fm.input_qty)
            else:
                ws.write_blank(r, F_QTY, None, fm.input_qty)
            reason = ln.reason if isinstance(ln.reason, str) and ln.reason else None
            if reason:
                lines_needed = wrapped_lines(reason, widths[F_REASON])
                if lines_needed > 1:  # the reason wraps: the row shows it whole
                    heights[r] = LINE_HEIGHT * lines_needed
                    ws.set_row(r, heights[r])
                ws.write_string(r, F_REASON, reason, fm.input_text)
            else:
                ws.write_blank(r, F_REASON, None, fm.input_text)
            e, h, j = (xl_rowcol_to_cell(r, c) for c in (F_REF, F_QTY, F_REASON))
            dev = qty / ln.reference - 1 if np.isfinite(qty) and ln.reference > 0 else ""
            s.formula(r, F_DEV, f'IF(OR({h}="",{e}<=0),"",{h}/{e}-1)', fm.pct, dev)
            enter = message("ab_check_enter", lang)
            why = message("ab_check_reason", lang)
            price = float(desc.at[item, "price"])
            # the rule of sop_xl.plan.demand.DeviationRule: beyond the share, and at least
            # the minimum pieces and the minimum value at the item's price
            s.formula(r, F_CHECK,
                      f'IF({h}="","{enter}",IF(AND(IF({e}<=0,{h}>0,ABS({h}-{e})>{thr}*{e}),'
                      f'ABS({h}-{e})>={min_q},ABS({h}-{e})*{price:.15g}>={min_v},'
                      f'TRIM({j})=""),"{why}",""))', fm.check,
                      check_text(qty, ln.reference, reason, fig.threshold, lang,
                                 fig.min_qty, fig.min_value, price))
            line = {"item": item, "month": str(ln.month), "row": r,
                    "qty": xl_rowcol_to_cell(r, F_QTY),
                    "reason": xl_rowcol_to_cell(r, F_REASON),
                    "reference": ln.reference, "price": price}
            if fig.plants:
                # the shipping plant: blank = shared by the master's demand shares
                plant = ln.plant if isinstance(ln.plant, str) and ln.plant else None
                if plant:
                    ws.write_string(r, F_PLANT, plant, fm.input_text)
                else:
                    ws.write_blank(r, F_PLANT, None, fm.input_text)
                line |= {"plant": xl_rowcol_to_cell(r, F_PLANT),
                         "plants": list(fig.plants.get(item, []))}
            inputs.append(line)
            r += 1
        if fig.plants and len(lines):
            ws.data_validation(r - len(lines), F_PLANT, r - 1, F_PLANT, {
                "validate": "list", "source": list(fig.plants.get(item, [])),
                "input_message": message("ab_plant_prompt", lang)[:255],
                "error_title": message("ab_col_plant", lang)[:32],
                "error_message": message("ab_plant_error", lang)[:255]})
    last = max(r - 1, F_FIRST_ROW)
    ws.data_validation(F_FIRST_ROW, F_QTY, last, F_QTY, {
        "validate": "integer", "criteria": ">=", "value": 0,
        "input_title": message("ab_qty_title", lang)[:32],
        "input_message": message("ab_qty_prompt", lang)[:255],
        "error_title": message("ab_qty_title", lang)[:32],
        "error_message": message("ab_qty_error", lang)[:255]})
    ws.data_validation(F_FIRST_ROW, F_REASON, last, F_REASON, {
        "validate": "length", "criteria": "<=", "value": 255,
        "input_message": message("ab_reason_prompt", lang)[:255]})
    dev_cell = xl_rowcol_to_cell(F_FIRST_ROW, F_DEV, col_abs=True)
    ws.conditional_format(F_FIRST_ROW, F_DEV, last, F_DEV, {
        "type": "formula", "criteria": f'=AND({dev_cell}<>"",ABS({dev_cell})>{thr})',
        "format": fm.bad})
    ws.freeze_panes(F_FIRST_ROW, 1)
    ws.protect("", {"format_columns": True, "format_rows": True})
    _paper(ws, widths, repeat=(F_HEADER_ROW, 30.0), blocks=blocks, heights=heights,
           above=sum(_HEIGHTS.get(r, LINE_HEIGHT) for r in range(F_HEADER_ROW)))
    return inputs


def _history_sheet(s: _Sheet, fig: AssistantFigures, fm: _Formats, lang: str, dept: str,
                   forecast_sheet: str, inputs: list[dict[str, Any]]) -> dict[str, int]:
    ws = s.ws
    s.value(0, 0, message("ab_hist_title", lang, assistant=fig.assistant), fm.title)
    s.merged(1, 0, 14, message("ab_hist_note", lang, department=dept), fm.note)
    ws.set_row(1, 30)
    future = [fig.planning_month + k for k in range(4)]
    months = [*fig.history_months, *future]
    last = fig.planning_month - 1
    c_last = H_FIRST_MONTH + len(months)
    heads = [message("ab_col_item", lang), message("ab_col_description", lang),
             message("ab_col_measure", lang), *(month_label(m) for m in months),
             message("ab_col_last_forecast", lang, month=month_label(last)),
             message("ab_col_last_actual", lang, month=month_label(last)),
             message("ab_col_achievement", lang)]
    for c, h in enumerate(heads):
        s.value(H_HEADER_ROW, c, h, fm.header)
    ws.set_row(H_HEADER_ROW, 30)
    widths = {0: column_width(fig.items["item"], minimum=13),
              1: column_width(fig.items["description"].dropna(), minimum=24, maximum=50),
              2: column_width([message(f"ab_measure_{k}", lang)
                               for k in ("shipped", "stat", "yours")], minimum=16)}
    widths.update({c: 8 for c in range(H_FIRST_MONTH, c_last)})
    widths.update({c: 12 for c in range(c_last, c_last + 3)})
    for c, w in widths.items():
        ws.set_column(c, c, w)
    desc = fig.items.set_index("item")["description"]
    last_by = fig.last_month.set_index("item")
    at: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for d in inputs:   # one line per item and month, or one per plant it is shipped from
        at.setdefault((d["item"], d["month"]), []).append(d)
    forecast_q = _quote(forecast_sheet)
    rows_of: dict[str, int] = {}
    r = H_FIRST_ROW
    for item in fig.items["item"]:
        rows_of[item] = r
        lines = fig.lines[fig.lines["item"] == item]
        for k, key in enumerate(("shipped", "stat", "yours")):
            tf = fm.text_first if k == 0 else fm.text
            s.value(r + k, 0, item, tf)
            s.value(r + k, 1, str(desc.get(item) or ""), fm.text_top if k == 0 else fm.text)
            s.value(r + k, 2, message(f"ab_measure_{key}", lang), fm.text_top if k == 0
                    else fm.text)
        qf = fm.qty_first
        for j, m in enumerate(fig.history_months):
            s.value(r, H_FIRST_MONTH + j, float(fig.history.at[item, m]), qf)
        for j, m in enumerate(future):
            c = H_FIRST_MONTH + len(fig.history_months) + j
            ln = lines[lines["month"] == m]
            cells = at[(item, str(m))]
            refs = [f"{forecast_q}!{xl_rowcol_to_cell(c_['row'], F_REF)}" for c_ in cells]
            knowns = [f"{forecast_q}!{xl_rowcol_to_cell(c_['row'], F_KNOWN)}"
                      for c_ in cells]
            qs = [f"{forecast_q}!{c_['qty']}" for c_ in cells]
            ref_v = float(ln["reference"].sum()) + float(ln["known"].sum())
            given = ln["on_file"].astype(float)
            qty_v = float(given.sum()) + float(ln["known"].sum()) \
                if np.isfinite(given).any() else "#N/A"
            # both lines add contracts and projects to the Forecast sheet's figures, so
            # they compare with what shipped (the chart leaves a gap where nothing is typed)
            if len(cells) == 1:
                ref, known, q = refs[0], knowns[0], qs[0]
                s.formula(r + 1, c, f"{ref}+{known}", fm.qty, ref_v)
                s.formula(r + 2, c, f'IF({q}="",NA(),{q}+{known})', fm.qty, qty_v)
            else:   # the plants' lines of the month summed
                s.formula(r + 1, c, "+".join(f"{a}+{b}" for a, b in zip(
                    refs, knowns, strict=True)), fm.qty, ref_v)
                s.formula(r + 2, c, f'IF(COUNT({",".join(qs)})=0,NA(),SUM({",".join(qs)})'
                          f'+{"+".join(knowns)})', fm.qty, qty_v)
        lm = last_by.loc[item]
        f_cell = xl_rowcol_to_cell(r, c_last)
        a_cell = xl_rowcol_to_cell(r, c_last + 1)
        f, a = float(lm["forecast"]), float(lm["actual"])
        s.value(r, c_last, f if np.isfinite(f) else None, qf)
        s.value(r, c_last + 1, a if np.isfinite(f) else None, qf)
        s.formula(r, c_last + 2, _achievement_formula(a_cell, f_cell), fm.pct,
                  a / f if np.isfinite(f) and f > 0 else "")
        r += 3
    # all the assistant's items: Σ shipped ÷ Σ forecast, ForecastKPI's lag-1 figure for M−1
    s.value(r, 2, message("ab_all_items", lang), fm.text_first)
    col_f, col_a = (xl_rowcol_to_cell(H_FIRST_ROW, c) + ":" + xl_rowcol_to_cell(r - 1, c)
                    for c in (c_last, c_last + 1))
    known_f = fig.last_month["forecast"].to_numpy(float)
    has = np.isfinite(known_f)
    tot_f = float(known_f[has].sum())
    tot_a = float(fig.last_month["actual"].to_numpy(float)[has].sum())
    s.formula(r, c_last, f"SUM({col_f})", fm.qty_first, tot_f)
    s.formula(r, c_last + 1, f"SUM({col_a})", fm.qty_first, tot_a)
    s.formula(r, c_last + 2, _achievement_formula(xl_rowcol_to_cell(r, c_last + 1),
                                                  xl_rowcol_to_cell(r, c_last)),
              fm.pct, tot_a / tot_f if tot_f > 0 else "")
    r += 1
    s.value(r + 1, 0, message("ab_achievement_note", lang, month=month_label(last)),
            fm.subtitle)
    ws.freeze_panes(H_FIRST_ROW, 3)
    ws.protect("", {"format_columns": True, "format_rows": True})
    # an item's three rows on one page; item, description and measure on every page
    _paper(ws, [widths[c] for c in sorted(widths)], repeat=(H_HEADER_ROW, 30.0),
           blocks=[(r0, r0 + 2) for r0 in rows_of.values()], title_cols=3,
           above=LINE_HEIGHT * H_HEADER_ROW + 15.0)
    return rows_of


def _charts_sheet(wb: xlsxwriter.Workbook, ws: Any, fig: AssistantFigures, fm: _Formats,
                  lang: str, history_sheet: str, rows_of: dict[str, int]) -> None:
    ws.write_string(0, 0, message("ab_charts_title", lang), fm.title)
    n_months = len(fig.history_months) + 4
    c0, c1 = H_FIRST_MONTH, H_FIRST_MONTH + n_months - 1
    desc = fig.items.set_index("item")["description"]
    colours = ("7F7F7F", "2E75B6", "C55A11")
    for k, item in enumerate(fig.items["item"]):
        r = rows_of[item]
        chart = wb.add_chart({"type": "line"})
        for j, colour in enumerate(colours):
            chart.add_series({
                "name": [history_sheet, r + j, 2],
                "categories": [history_sheet, H_HEADER_ROW, c0, H_HEADER_ROW, c1],
                "values": [history_sheet, r + j, c0, r + j, c1],
                "line": {"color": colour, "width": 1.75 if j else 1.25,
                         "dash_type": "dash" if j == 1 else "solid"},
                "marker": {"type": "none"},
            })
        chart.set_title({"name": f"{item} {desc.get(item) or ''}".strip(),
                         "name_font": {"size": 10, "bold": True}})
        chart.set_legend({"position": "bottom", "font": {"size": 8}})
        chart.set_x_axis({"num_font": {"size": 7, "rotation": -45}, "interval_unit": 3})
        chart.set_y_axis({"min": 0, "num_font": {"size": 8}, "num_format": "#,##0",
                          "major_gridlines": {"visible": True,
                                              "line": {"color": "D9D9D9"}}})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 520, "height": 250})
        ws.insert_chart(2 + (k // 2) * CHART_ROWS, (k % 2) * 9, chart,
                        {"x_offset": 4, "y_offset": 4})
    ws.protect("", {"objects": True})
    # a row of two charts (13 rows of 15 points) never cut between pages
    n = len(fig.items)
    _paper(ws, [DEFAULT_WIDTH] * 18, blocks=[(2 + k * CHART_ROWS, 1 + (k + 1) * CHART_ROWS)
                                             for k in range((n + 1) // 2)],
           above=2 * LINE_HEIGHT)


CHART_ROWS = 13
#: row heights the Forecast sheet sets above its header (title, subtitle, note, threshold)
_HEIGHTS = {2: 30.0}


def _paper(ws: Any, widths: list[float], *, blocks: list[tuple[int, int]],
           repeat: tuple[int, float] | None = None, title_cols: int = 0,
           above: float = 0.0, heights: dict[int, float] | None = None) -> None:
    """A4 landscape, one page wide at a computed scale (Excel drops manual breaks under
    "fit to"), ``repeat`` = (header row, its height) on every page, and a page break
    wherever a block of rows would otherwise be cut."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(0.5, 0.5, 0.6, 0.6)
    scale = A4_LANDSCAPE.scale(widths)
    if title_cols:
        scale = max(scale, MIN_SCALE)
        ws.repeat_columns(0, title_cols - 1)
    ws.set_print_scale(scale)
    repeated = []
    if repeat is not None:
        ws.repeat_rows(repeat[0])
        repeated = [repeat[1]]
    room = A4_LANDSCAPE.rows_per_page(repeated, scale)
    ws.set_h_pagebreaks(breaks_between_blocks(blocks, heights or {}, first_row=0,
                                              room=room, above=above)[:MAX_BREAKS])
