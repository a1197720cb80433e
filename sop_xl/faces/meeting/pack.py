"""The meeting pack workbook (S&OP 会议资料), laid out from ``MeetingData``.

Sheets: Cover (headline figures beside last month's, the assistants' forecast achievement),
Families (demand, supply and inventory per family over the horizon, a native chart each),
Versus last plan (this plan against last month's version, per family), For decision
(shortages, overloads with their options, large forecast changes, flagged sales forecasts,
slow-moving and excess stock), Finance (revenue, cost, margin, inventory value by month,
with a chart) and Decisions (yellow cells typed at the meeting). A very hidden control
sheet records the month and where the decisions are, for next month's pack.

Written with xlsxwriter for the reasons given in sop_xl.faces.assistants.book (a new file: cached
formula values, native charts, protection). Every sheet is protected without a password
except the decision cells, prints landscape on A4 one page wide, and reads in the master's
language.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from sop_xl.base.messages import message
from sop_xl.base.periods import month_label
from sop_xl.contract.meeting_sheets import DECISION_STATUS
from sop_xl.contract.read import is_blank
from sop_xl.faces.assistants.manifest import write_manifest
from sop_xl.faces.meeting.data import KPI_KEYS, MeetingData
from sop_xl.faces.meeting.decisions import FIELDS, PACK_KIND
from sop_xl.faces.meeting.family_pages import family_pages
from sop_xl.layout.paper import (
    DEFAULT_WIDTH,
    LINE_HEIGHT,
    MAX_BREAKS,
    Page,
    Pager,
    text_width,
    wrapped_height,
)
from sop_xl.layout.styles import INPUT_FILL, INPUT_FONT

FORMAT = 1
MAX_ROWS = 25        # rows per exception list; the rest is counted
NEW_DECISION_ROWS = 8
#: A4 landscape with the pack's margins (0.4 in left and right, 0.5 in top and bottom)
PAGE = Page(842.0, 595.0, margin_x=28.8, margin_top=36.0, margin_bottom=36.0)
NUMFMT = {"%": "0.0%", "money": "#,##0", "days": "0.0", "count": "0", "pcs": "#,##0",
          "h": "#,##0"}
BLUE, GREY, ORANGE, GREEN = "2E75B6", "A5A5A5", "C55A11", "70AD47"


class _Pack:
    """The workbook being written, its formats, and a few layout helpers."""

    def __init__(self, path: Path, data: MeetingData) -> None:
        self.data = data
        self.lang = data.lang
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                                  "strings_to_urls": False})
        base = {"font_size": 10, "valign": "top"}
        self.props: dict[Any, dict[str, Any]] = {}
        self.pagers: dict[str, Pager] = {}
        self.widths: dict[str, dict[int, float]] = {}
        self._wrapped: dict[str, Any] = {}

        def f(**kw: Any) -> Any:
            fmt = self.wb.add_format({**base, **kw})
            self.props[id(fmt)] = {**base, **kw}
            return fmt

        self.f = {
            "title": f(bold=True, font_size=18, font_color="1F4E78"),
            "h2": f(bold=True, font_size=12, font_color="1F4E78"),
            "subtitle": f(italic=True, font_color="595959"),
            "note": f(italic=True, font_color="595959", text_wrap=True),
            "header": f(bold=True, font_color="FFFFFF", bg_color="1F4E78", border=1,
                        text_wrap=True, align="center", valign="vcenter"),
            "text": f(), "bold": f(bold=True), "wrap": f(text_wrap=True),
            "basis": f(text_wrap=True, indent=1, font_color="404040", valign="vcenter"),
            "dash": f(align="right", font_color="7F7F7F", valign="vcenter"),
            "kpi": f(bold=True, font_size=11, valign="vcenter"),
            "input": f(bg_color=INPUT_FILL, font_color=INPUT_FONT, locked=False, border=1,
                       border_color="BFBFBF", text_wrap=True),
            "good": self.wb.add_format({"font_color": "006100", "bg_color": "C6EFCE"}),
            "bad": self.wb.add_format({"font_color": "9C0006", "bg_color": "FFC7CE"}),
        }
        for unit, fmt in NUMFMT.items():
            self.f[unit] = f(num_format=fmt)
            self.f[unit + "_bold"] = f(num_format=fmt, bold=True, font_size=11)
            self.f[unit + "_kpi"] = f(num_format=fmt, valign="vcenter")
            self.f[unit + "_kpi_bold"] = f(num_format=fmt, bold=True, font_size=11,
                                           valign="vcenter")

    def t(self, code: str, **params: Any) -> str:
        return message(code, self.lang, currency=self.data.currency, **params)

    def sheet(self, code: str, widths: dict[int, float]) -> Any:
        ws = self.wb.add_worksheet(self.t(code))
        for c, w in widths.items():
            ws.set_column(c, c, w)
        ws.hide_gridlines(2)
        ws.set_landscape()
        ws.set_paper(9)
        ws.set_margins(0.4, 0.4, 0.5, 0.5)
        # one page wide at a computed scale, not "fit to": Excel drops manual page breaks
        # under "fit to", and tables and charts here must not be cut between pages
        scale = PAGE.scale([widths.get(c, DEFAULT_WIDTH) for c in range(max(widths) + 1)])
        ws.set_print_scale(scale)
        self.widths[ws.name] = widths
        self.pagers[ws.name] = Pager(PAGE.rows_per_page([], scale))
        ws.set_row(0, 28)  # the title's 18-point font
        self.pagers[ws.name].place(0, 28)
        return ws

    def rows(self, ws: Any, r: int, height: float) -> None:
        """Rows from ``r`` on, ``height`` points in all, kept on one page."""
        self.pagers[ws.name].place(r, height)

    def chart(self, ws: Any, r: int, chart: Any, height_px: float,
              options: dict[str, Any] | None = None) -> int:
        """Insert ``chart`` at row ``r``, on one page; the next free row."""
        rows = math.ceil(height_px * 0.75 / LINE_HEIGHT) + 1
        self.pagers[ws.name].place(r, rows * LINE_HEIGHT)
        ws.insert_chart(r, 0, chart, options or {})
        return r + rows

    def finish(self, ws: Any) -> None:
        """Set the page breaks the sheet's blocks asked for."""
        ws.set_h_pagebreaks(self.pagers[ws.name].breaks[:MAX_BREAKS])

    def wrapped(self, fmt: str) -> Any:
        """The format ``fmt`` with text wrapping (made once)."""
        if fmt not in self._wrapped:
            props = {**self.props.get(id(self.f[fmt]), {}), "text_wrap": True}
            self._wrapped[fmt] = self.wb.add_format(props)
        return self._wrapped[fmt]

    def section(self, ws: Any, r: int, title: str, heads: list[str] | None = None,
                rows: list[list[Any]] = (), fmts: list[str] = ()) -> int:
        """A titled table (or the title alone) from row ``r``: the title is never left
        alone at the foot of a page, and a table continued on the next page repeats its
        header there. Returns the next free row."""
        widths = self.widths[ws.name]
        pager = self.pagers[ws.name]
        head_h = max(30.0, wrapped_height((h, widths.get(c, DEFAULT_WIDTH))
                                          for c, h in enumerate(heads or [])))
        heights = [self._height(row, fmts, widths) for row in rows]
        first = head_h + (heights[0] if heights else LINE_HEIGHT) if heads else LINE_HEIGHT
        pager.place(r, 2 * LINE_HEIGHT + first)  # title, table header and first row
        ws.write_string(r, 0, title, self.f["h2"])
        if not heads:
            return r + 1
        r += 1
        self._header(ws, r, heads, head_h)
        r += 1
        pager.used -= heights[0] if heights else 0.0  # placed above; counted as it goes
        for row, h in zip(rows, heights, strict=True):
            if not pager.fits(h):
                pager.new_page(r)  # the header again on top of the new page
                pager.used = head_h
                self._header(ws, r, heads, head_h)
                r += 1
            pager.used += h
            self._row(ws, r, row, fmts, widths, h)
            r += 1
        return r

    def _header(self, ws: Any, r: int, heads: list[str], height: float) -> None:
        for c, h in enumerate(heads):
            ws.write_string(r, c, h, self.f["header"])
        ws.set_row(r, height)

    def _height(self, row: list[Any], fmts: list[str], widths: dict[int, float]) -> float:
        cells = enumerate(zip(row, fmts, strict=True))
        return max(LINE_HEIGHT, wrapped_height(
            (v, widths.get(c, DEFAULT_WIDTH)) for c, (v, fmt) in cells
            if isinstance(v, str) and fmt.removesuffix("_bold") not in NUMFMT))

    def _row(self, ws: Any, r: int, row: list[Any], fmts: list[str],
             widths: dict[int, float], height: float) -> None:
        for c, (v, fmt) in enumerate(zip(row, fmts, strict=True)):
            if fmt.removesuffix("_bold") in NUMFMT:
                self.num(ws, r, c, v, fmt)
            elif v is not None and not (isinstance(v, float) and math.isnan(v)):
                text = str(v)
                wide = text_width(text) > widths.get(c, DEFAULT_WIDTH) - 1
                ws.write_string(r, c, text, self.wrapped(fmt) if wide else self.f[fmt])
        if height > LINE_HEIGHT:
            ws.set_row(r, height)

    def num(self, ws: Any, r: int, c: int, v: Any, fmt: str) -> None:
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            ws.write_string(r, c, "—", self.f["dash"])
        else:
            ws.write_number(r, c, float(v), self.f[fmt])



def write_pack(path: Path | str, data: MeetingData, *, carried: pd.DataFrame,
               proposed: list[str], written: datetime) -> dict[str, Any]:
    """Write the pack to ``path``; return its control document."""
    p = _Pack(Path(path), data)
    p.wb.set_properties({"title": p.t("mp_title", month=data.planning_month),
                         "company": data.company, "author": "sop_xl", "created": written})
    _cover(p, written)
    _families(p)
    family_pages(p)
    _versus(p)
    _for_decision(p)
    _finance(p)
    decisions = _decisions(p, carried, proposed)
    doc = {"kind": PACK_KIND, "format": FORMAT, "planning_month": str(data.planning_month),
           "master": data.master, "written_at": written.strftime("%Y-%m-%d %H:%M:%S"),
           "lang": data.lang,
           "kpis": {k.key: (None if not math.isfinite(k.value) else k.value)
                    for k in data.kpis},
           "compared_with": data.compared_with.version if data.compared_with else None,
           "decisions": decisions}
    write_manifest(p.wb, doc)
    p.wb.worksheets()[0].activate()
    p.wb.close()
    return doc


# -- cover -------------------------------------------------------------------------------
def _cover(p: _Pack, written: datetime) -> None:
    d = p.data
    ws = p.sheet("mp_sheet_cover", {0: 46, 1: 16, 2: 16, 3: 16, 4: 80})
    ws.write_string(0, 0, p.t("mp_title", month=d.planning_month), p.f["title"])
    ws.write_string(1, 0, p.t("mp_subtitle", company=d.company, master=d.master,
                              written=written.strftime("%Y-%m-%d %H:%M")), p.f["subtitle"])
    v = d.compared_with
    ws.write_string(2, 0, p.t("mp_compared", version=v.version, month=v.planning_month,
                              status=v.status) if v else p.t("mp_compared_none"), p.f["text"])
    if d.this_version:
        ws.write_string(3, 0, p.t("mp_this_version", version=d.this_version), p.f["text"])
    r = 5
    heads = [p.t(c) for c in ("mp_col_kpi", "mp_col_this", "mp_col_last", "mp_col_change",
                              "mp_col_basis")]
    for c, h in enumerate(heads):
        ws.write_string(r, c, h, p.f["header"])
    for i, key in enumerate(KPI_KEYS, start=1):
        k = d.kpi(key)
        row = r + i
        ws.write_string(row, 0, p.t(f"mp_kpi_{key}"), p.f["kpi"])
        p.num(ws, row, 1, k.value, k.unit + "_kpi_bold")
        last = d.previous.get(key, float("nan"))
        p.num(ws, row, 2, last, k.unit + "_kpi")
        b, c = xl_rowcol_to_cell(row, 1), xl_rowcol_to_cell(row, 2)
        both = math.isfinite(k.value) and math.isfinite(last)
        ws.write_formula(row, 3, f'=IF(AND(ISNUMBER({b}),ISNUMBER({c})),{b}-{c},"")',
                         p.f[k.unit + "_kpi"], k.value - last if both else "")
        ws.write_string(row, 4, k.basis, p.f["basis"])
        ws.set_row(row, 28)
    p.rows(ws, 1, LINE_HEIGHT * 5 + 28 * len(KPI_KEYS))
    r += len(KPI_KEYS) + 1
    ws.write_string(r, 0, p.t("mp_last_from_log"), p.f["subtitle"])
    r += 2
    month = d.planning_month - 1
    a = d.assistants
    title = p.t("mp_assistants_title", month=month)
    if a.empty:
        r = p.section(ws, r, title)
        ws.write_string(r, 0, p.t("mp_assistants_none", month=month), p.f["text"])
    else:
        heads = [p.t(c) for c in ("mp_col_assistant", "mp_col_forecast", "mp_col_actual",
                                  "mp_col_achievement")]
        rows = [[f"{x.assistant} ({x.department})" if x.department else x.assistant,
                 x.forecast, x.actual, x.achievement] for x in a.itertuples(index=False)]
        r = p.section(ws, r, title, heads, rows, ["bold", "pcs", "pcs", "%_bold"])
        ws.write_string(r, 0, p.t("mp_assistants_note"), p.f["subtitle"])
    n = len(set(d.family_plan["month"]))
    if n:
        chart = _plan_chart(p, p.t("mp_sheet_families"), TOTAL_BLOCK, n, p.t("mp_total"))
        chart.set_size({"width": 1100, "height": 300})
        p.chart(ws, r + 2, chart, 300, {"x_offset": 4})
    p.finish(ws)
    ws.protect("", {"format_columns": True, "format_rows": True, "objects": True})


# -- families ----------------------------------------------------------------------------
def _months_header(p: _Pack, ws: Any, r: int, c0: int, months: list[pd.Period],
                   first: str) -> None:
    ws.write_string(r, 0, first, p.f["header"])
    for j in range(1, c0):
        ws.write_blank(r, j, None, p.f["header"])
    for j, m in enumerate(months):
        ws.write_string(r, c0 + j, month_label(m), p.f["header"])


FAMILY_ROWS = (("demand", "mp_row_demand", "pcs"), ("supply", "mp_row_supply", "pcs"),
               ("projected", "mp_row_projected", "pcs"), ("value", "mp_row_value", "money"))
TOTAL_BLOCK = 2  # the Families sheet's first block (all families) starts on this row
FAMILY_BLOCK_ROWS = 23  # title, months, four rows, a 280 px chart and a gap


def _plan_chart(p: _Pack, sheet: str, r: int, n: int, title: str) -> Any:
    """Demand and supply as columns, projected inventory as a line, over the block whose
    title is on row ``r`` of ``sheet`` (months header on r + 1, FAMILY_ROWS below)."""
    col = p.wb.add_chart({"type": "column"})
    cats = [sheet, r + 1, 1, r + 1, n]
    for i, colour in ((0, BLUE), (1, GREY)):
        col.add_series({"name": [sheet, r + 2 + i, 0], "categories": cats,
                        "values": [sheet, r + 2 + i, 1, r + 2 + i, n],
                        "fill": {"color": colour}, "gap": 80})
    line = p.wb.add_chart({"type": "line"})
    line.add_series({"name": [sheet, r + 4, 0], "categories": cats,
                     "values": [sheet, r + 4, 1, r + 4, n],
                     "line": {"color": ORANGE, "width": 2.25},
                     "marker": {"type": "circle", "size": 4, "fill": {"color": ORANGE},
                                "border": {"color": ORANGE}}})
    col.combine(line)
    col.set_title({"name": title, "name_font": {"size": 11}})
    col.set_legend({"position": "bottom"})
    col.set_y_axis({"num_format": "#,##0", "min": 0,
                    "major_gridlines": {"visible": True, "line": {"color": "D9D9D9"}}})
    col.set_x_axis({"num_font": {"rotation": -45, "size": 8}})
    col.set_size({"width": 1000, "height": 280})
    return col


def _families(p: _Pack) -> None:
    d = p.data
    fp = d.family_plan
    months = sorted(set(fp["month"]))
    ws = p.sheet("mp_sheet_families", {0: 34, **{1 + j: 9 for j in range(len(months))}})
    ws.write_string(0, 0, p.t("mp_families_title"), p.f["title"])
    name = p.t("mp_sheet_families")
    measures = ["demand", "supply", "projected", "value"]
    total = fp.groupby("month")[measures].sum()
    blocks = [(p.t("mp_total"), total)]
    if "plant" in fp:   # several plants: each plant's total, then the families over all
        own = {"plant_demand": "demand", "plant_supply": "supply"}
        blocks += [(p.t("mp_plant_total", plant=pl),
                    fp[fp["plant"] == pl].groupby("month")[
                        ["plant_demand", "plant_supply", "projected", "value"]].sum()
                    .rename(columns=own))
                   for pl in sorted(set(fp["plant"].dropna()))]
        blocks += [(str(f) or "—", fp[fp["family"] == f].groupby("month")[measures].sum())
                   for f in sorted(set(fp["family"]))]
    else:
        blocks += [(str(f) or "—", fp[fp["family"] == f].set_index("month"))
                   for f in sorted(set(fp["family"]))]
    r = TOTAL_BLOCK
    p.pagers[ws.name].room -= 28  # the title row repeats on every page
    for title, g in blocks:
        p.rows(ws, r, FAMILY_BLOCK_ROWS * LINE_HEIGHT)  # the table and its chart together
        g = g.reindex(months)
        ws.write_string(r, 0, title, p.f["h2"])
        _months_header(p, ws, r + 1, 1, months, p.t("mp_col_measure"))
        for i, (key, code, unit) in enumerate(FAMILY_ROWS):
            ws.write_string(r + 2 + i, 0, p.t(code), p.f["text"])
            for j, m in enumerate(months):
                p.num(ws, r + 2 + i, 1 + j, float(g.at[m, key]), unit)
        ws.insert_chart(r + 7, 0, _plan_chart(p, name, r, len(months), title),
                        {"x_offset": 4, "y_offset": 2})
        r += FAMILY_BLOCK_ROWS
    p.finish(ws)
    ws.repeat_rows(0)
    ws.protect("", {"format_columns": True, "format_rows": True, "objects": True})


# -- versus last month's plan ------------------------------------------------------------
def _versus(p: _Pack) -> None:
    d = p.data
    cmp = d.comparison
    months = sorted(set(cmp["month"])) if len(cmp) else []
    ws = p.sheet("mp_sheet_versus", {0: 30, 1: 14, **{2 + j: 10 for j in range(len(months))}})
    v = d.compared_with
    if v is None:
        ws.write_string(0, 0, p.t("mp_no_version"), p.f["title"])
        ws.protect()
        return
    name = p.t("mp_sheet_versus")
    ws.write_string(0, 0, p.t("mp_versus_title", version=v.version, month=v.planning_month,
                              status=v.status), p.f["title"])
    if not months:  # a version kept for its frozen month only plans none of these months
        ws.write_string(2, 0, p.t("mp_versus_no_common", version=v.version,
                                  month=v.planning_month), p.f["text"])
        ws.protect()
        return
    total = cmp.groupby(["measure", "month"], as_index=False)[["now", "last"]].sum()
    blocks = [(p.t("mp_total"), total)] + [
        (str(f) or "—", cmp[cmp["family"] == f]) for f in sorted(set(cmp["family"]))]
    measures = (("demand", "mp_cmp_demand", "pcs"), ("production", "mp_cmp_production", "pcs"),
                ("inventory_value", "mp_cmp_inventory_value", "money"))
    r = 2
    total_rows = None
    for title, g in blocks:
        p.rows(ws, r, (2 + 3 * len(measures)) * LINE_HEIGHT)  # a family's rows together
        ws.write_string(r, 0, title, p.f["h2"])
        _months_header(p, ws, r + 1, 2, months, p.t("mp_col_measure"))
        rr = r + 2
        for key, code, unit in measures:
            s = g[g["measure"] == key].set_index("month").reindex(months).fillna(0.0)
            labels = (p.t("mp_now"), p.t("mp_last", version=v.version), p.t("mp_change"))
            if total_rows is None and key == "demand":
                total_rows = (rr, rr + 1)
            for i, lab in enumerate(labels):
                ws.write_string(rr + i, 0, p.t(code) if i == 0 else "", p.f["bold"])
                ws.write_string(rr + i, 1, lab, p.f["text"])
            for j, m in enumerate(months):
                c = 2 + j
                p.num(ws, rr, c, float(s.at[m, "now"]), unit)
                p.num(ws, rr + 1, c, float(s.at[m, "last"]), unit)
                a, b = xl_rowcol_to_cell(rr, c), xl_rowcol_to_cell(rr + 1, c)
                ws.write_formula(rr + 2, c, f"={a}-{b}", p.f[unit],
                                 float(s.at[m, "now"]) - float(s.at[m, "last"]))
            ws.conditional_format(rr + 2, 2, rr + 2, 1 + len(months),
                                  {"type": "cell", "criteria": "<", "value": 0,
                                   "format": p.f["bad"]})
            ws.conditional_format(rr + 2, 2, rr + 2, 1 + len(months),
                                  {"type": "cell", "criteria": ">", "value": 0,
                                   "format": p.f["good"]})
            rr += 3
        r = rr + 1
    if total_rows and months:
        chart = p.wb.add_chart({"type": "line"})
        for row, colour, dash in ((total_rows[0], BLUE, "solid"),
                                  (total_rows[1], GREY, "dash")):
            chart.add_series({"name": [name, row, 1],
                              "categories": [name, 3, 2, 3, 1 + len(months)],
                              "values": [name, row, 2, row, 1 + len(months)],
                              "line": {"color": colour, "width": 2.25, "dash_type": dash}})
        chart.set_title({"name": p.t("mp_chart_demand_vs", version=v.version),
                         "name_font": {"size": 11}})
        chart.set_legend({"position": "bottom"})
        chart.set_y_axis({"num_format": "#,##0", "min": 0})
        chart.set_size({"width": 1000, "height": 280})
        p.chart(ws, r + 1, chart, 280)
    p.finish(ws)
    ws.freeze_panes(0, 2)
    ws.protect("", {"format_columns": True, "format_rows": True, "objects": True})


# -- for decision ------------------------------------------------------------------------
def _for_decision(p: _Pack) -> None:
    d = p.data
    e = d.exceptions
    ws = p.sheet("mp_sheet_exceptions", {0: 16, 1: 40, 2: 12, 3: 12, 4: 12, 5: 12, 6: 12,
                                         7: 40, 8: 12})
    ws.write_string(0, 0, p.t("mp_exc_title", month=d.planning_month), p.f["title"])
    thr = f"{d.threshold:.0%}"
    v = d.compared_with
    sections = [
        ("mp_sec_shortages", {}, e.shortages,
         ["mp_col_item", "mp_col_description", "mp_col_source", "mp_col_first", "mp_col_gap"],
         ["item", "description", "source", "first", "qty"],
         ["bold", "text", "text", "text", "pcs"]),
        ("mp_sec_overloads", {}, e.overloads,
         ["mp_col_resource", "mp_col_period", "mp_col_load", "mp_col_available",
          "mp_col_utilisation", "mp_col_overload", "mp_col_overtime", "mp_col_build_ahead",
          "mp_col_outsource"],
         ["resource", "period", "load", "available", "utilisation", "overload",
          "overtime_hours", "build_ahead", "outsource_hours"],
         ["bold", "text", "h", "h", "%", "h", "h", "wrap", "h"]),
        ("mp_sec_changes", {"version": v.version if v else "", "threshold": thr},
         e.forecast_changes,
         ["mp_col_item", "mp_col_description", "mp_col_month", "mp_col_was", "mp_col_now",
          "mp_col_delta", "mp_col_delta_pct", "mp_col_delta_value"],
         ["item", "description", "month", "last", "now", "change", "change_pct", "value"],
         ["bold", "text", "text", "pcs", "pcs", "pcs", "%", "money"]),
        # the texts in the sheet's wide columns (1 and 7), the figures between
        ("mp_sec_deviations", {"threshold": thr}, e.deviations,
         ["mp_col_item", "mp_col_description", "mp_col_month", "mp_col_forecast",
          "mp_col_statistical", "mp_col_deviation", "mp_col_assistant", "mp_col_reason"],
         ["item", "description", "month", "qty", "reference", "deviation", "assistant",
          "reason"],
         ["bold", "text", "text", "pcs", "pcs", "%", "text", "wrap"]),
        ("mp_sec_slow", {}, e.slow_excess,
         ["mp_col_item", "mp_col_description", "mp_col_family", "mp_col_on_hand",
          "mp_col_idle", "mp_col_slow", "mp_col_excess", "mp_col_value"],
         ["item", "description", "family", "on_hand", "months_idle", "slow_qty", "excess_qty",
          "value"],
         ["bold", "text", "text", "pcs", "count", "pcs", "pcs", "money"]),
    ]
    r = 2
    for code, params, frame, heads, keys, fmts in sections:
        if code == "mp_sec_changes" and v is None:
            # nothing to compare with: no version to name either
            r = p.section(ws, r, p.t("mp_sec_changes_none", threshold=thr))
            ws.write_string(r, 0, p.t("mp_no_version"), p.f["text"])
            r += 2
            continue
        if frame is None or frame.empty:
            r = p.section(ws, r, p.t(code, **params))
            ws.write_string(r, 0, p.t("mp_none"), p.f["text"])
            r += 2
            continue
        rows = [[_cell(x) for x in rec] for rec in
                frame[keys].head(MAX_ROWS).itertuples(index=False)]
        r = p.section(ws, r, p.t(code, **params), [p.t(h) for h in heads], rows, fmts)
        if len(frame) > MAX_ROWS:
            p.rows(ws, r, LINE_HEIGHT)
            ws.write_string(r, 0, p.t("mp_more", n=len(frame) - MAX_ROWS), p.f["subtitle"])
            r += 1
        r += 1
    p.finish(ws)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _cell(v: Any) -> Any:
    if isinstance(v, pd.Period):
        return month_label(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.floating | np.integer):
        return float(v)
    return v


# -- finance -----------------------------------------------------------------------------
def _finance(p: _Pack) -> None:
    d = p.data
    fin = d.finance
    months = list(fin["month"])
    ws = p.sheet("mp_sheet_finance", {0: 38, **{1 + j: 11 for j in range(len(months))}})
    name = p.t("mp_sheet_finance")
    ws.write_string(0, 0, p.t("mp_fin_title"), p.f["title"])
    _months_header(p, ws, 2, 1, months, p.t("mp_col_measure"))
    keys = (("revenue", "money"), ("cost_of_sales", "money"), ("gross_margin", "money"),
            ("margin_pct", "%"), ("production_cost", "money"), ("purchases", "money"),
            ("inventory_value", "money"))
    row_of = {}
    for i, (key, unit) in enumerate(keys):
        r = 3 + i
        row_of[key] = r
        ws.write_string(r, 0, p.t(f"mp_fin_{key}"), p.f["bold" if key == "gross_margin"
                                                         else "text"])
        for j in range(len(months)):
            c = 1 + j
            if key == "gross_margin":
                a, b = (xl_rowcol_to_cell(row_of[k], c) for k in ("revenue", "cost_of_sales"))
                ws.write_formula(r, c, f"={a}-{b}", p.f["money"],
                                 float(fin["gross_margin"].iloc[j]))
            elif key == "margin_pct":
                a, g = xl_rowcol_to_cell(row_of["revenue"], c), xl_rowcol_to_cell(
                    row_of["gross_margin"], c)
                val = float(fin["margin_pct"].iloc[j])
                ws.write_formula(r, c, f'=IF({a}>0,{g}/{a},"")', p.f["%"],
                                 val if math.isfinite(val) else "")
            else:
                p.num(ws, r, c, float(fin[key].iloc[j]), unit)
    n = len(months)
    cats = [name, 2, 1, 2, n]
    col = p.wb.add_chart({"type": "column"})
    for key, colour in (("revenue", BLUE), ("cost_of_sales", GREY)):
        col.add_series({"name": [name, row_of[key], 0], "categories": cats,
                        "values": [name, row_of[key], 1, row_of[key], n],
                        "fill": {"color": colour}, "gap": 80})
    line = p.wb.add_chart({"type": "line"})
    line.add_series({"name": [name, row_of["inventory_value"], 0], "categories": cats,
                     "values": [name, row_of["inventory_value"], 1, row_of["inventory_value"],
                                n], "line": {"color": GREEN, "width": 2.25}})
    col.combine(line)
    col.set_title({"name": p.t("mp_fin_chart"), "name_font": {"size": 11}})
    col.set_legend({"position": "bottom"})
    col.set_y_axis({"num_format": "#,##0", "min": 0})
    col.set_x_axis({"num_font": {"rotation": -45, "size": 8}})
    col.set_size({"width": 1000, "height": 300})
    p.rows(ws, 2, (1 + len(keys)) * LINE_HEIGHT)
    p.chart(ws, 3 + len(keys) + 1, col, 300)
    p.finish(ws)
    ws.freeze_panes(3, 1)
    ws.protect("", {"format_columns": True, "format_rows": True, "objects": True})


# -- decisions ---------------------------------------------------------------------------
DECISION_COLUMNS = ("decision_id", "raised_month", "topic", "decision", "owner", "due",
                    "status_before", "status", "note")


def _decisions(p: _Pack, carried: pd.DataFrame, proposed: list[str]) -> dict[str, Any]:
    d = p.data
    ws = p.sheet("mp_sheet_decisions", {0: 13, 1: 10, 2: 40, 3: 44, 4: 12, 5: 12, 6: 14,
                                        7: 14, 8: 24})
    name = p.t("mp_sheet_decisions")
    ws.write_string(0, 0, p.t("mp_dec_title", month=d.planning_month), p.f["title"])
    ws.merge_range(1, 0, 1, 8, p.t("mp_dec_note"), p.f["note"])
    ws.set_row(1, 30)
    heads = ("mp_col_id", "mp_col_raised", "mp_col_topic", "mp_col_decision", "mp_col_owner",
             "mp_col_due", "mp_col_status_before", "mp_col_status", "mp_col_note")
    header = 3
    for c, h in enumerate(heads):
        ws.write_string(header, c, p.t(h), p.f["header"])
    ws.set_row(header, 30)
    labels = {ch.value: ch.label(p.lang) for ch in DECISION_STATUS}
    lines = []
    r = header + 1
    for x in carried.itertuples(index=False):
        ws.write_string(r, 0, str(x.decision_id), p.f["bold"])
        ws.write_string(r, 1, str(x.raised_month), p.f["text"])
        ws.write_string(r, 6, labels.get(x.status, str(x.status)), p.f["text"])
        values = {"topic": x.topic, "decision": x.decision, "owner": x.owner, "due": x.due,
                  "status": labels.get(x.status, x.status), "note": x.note}
        _inputs(p, ws, r, values)
        lines.append({"row": r, "id": str(x.decision_id), "raised": str(x.raised_month),
                      "status": x.status, "proposed": None,
                      "values": {k: _plain(getattr(x, k)) for k in FIELDS}})
        r += 1
    month = str(d.planning_month)
    for k in range(max(NEW_DECISION_ROWS, len(proposed) + 3)):
        ws.write_string(r, 1, month, p.f["text"])
        topic = proposed[k] if k < len(proposed) else None
        _inputs(p, ws, r, {"topic": topic, "status": labels["open"]})
        lines.append({"row": r, "id": None, "raised": month, "status": "open",
                      "proposed": topic})
        r += 1
    ws.data_validation(header + 1, 7, r - 1, 7, {"validate": "list",
                                                 "source": list(labels.values())})
    ws.freeze_panes(header + 1, 1)
    ws.repeat_rows(header)
    ws.protect("", {"format_columns": True, "format_rows": True})
    cols = {"topic": 2, "decision": 3, "owner": 4, "due": 5, "status": 7, "note": 8}
    return {"sheet": name, "header_row": header, "columns": cols, "rows": lines}


def _plain(v: Any) -> str | None:
    return None if is_blank(v) else str(v)


def _inputs(p: _Pack, ws: Any, r: int, values: dict[str, Any]) -> None:
    for key, c in (("topic", 2), ("decision", 3), ("owner", 4), ("due", 5), ("status", 7),
                   ("note", 8)):
        v = values.get(key)
        if is_blank(v):
            ws.write_blank(r, c, None, p.f["input"])
        else:
            ws.write_string(r, c, str(v), p.f["input"])
    ws.set_row(r, 30)
