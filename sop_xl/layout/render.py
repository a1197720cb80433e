"""Contract + data → SheetContent: record tables and the Settings sheet.

Header labels, number formats, widths, dropdowns and input colouring all come from the
contract, in the workbook's language. Planning grids are laid out in sop_xl.layout.grid.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from sop_xl.base.messages import Language, in_language, message
from sop_xl.contract.model import Column, Dtype, SheetSpec, unit_label
from sop_xl.layout.paper import (
    LINE_HEIGHT,
    column_width,
    print_setup,
    text_width,
    wrapped_height,
)
from sop_xl.layout.sheet import Box, SheetContent, TableDef, Validation
from sop_xl.layout.styles import CELL_STYLES, INPUT_FILL, INPUT_FONT, CellStyle

_MIN_ROWS = 1  # an Excel Table needs one row below its header


def number_style(col: Column) -> CellStyle:
    """The cell style of a column from its dtype and unit."""
    base = CELL_STYLES["default"]
    if col.choices:
        return base
    t = col.dtype
    if t is Dtype.INT:
        return CELL_STYLES["int"]
    if t is Dtype.PERCENT:
        return CELL_STYLES["pct"]
    if t is Dtype.DATE:
        return CELL_STYLES["date"]
    if t is Dtype.MONTH:
        return CELL_STYLES["month"]
    if t is Dtype.NUMBER:
        if col.unit in ("money", "money/pc"):
            return CELL_STYLES["num2"]
        if col.unit == "h":
            return CELL_STYLES["qty1"]
        if col.unit == "h/pc":
            return base.but(numfmt="0.000")
        if col.unit == "days":
            return base.but(numfmt="0.0")
        if col.unit == "pcs":
            return CELL_STYLES["qty"]
        return base.but(numfmt="#,##0.00")
    return base


def char_width(lang: str) -> float:
    """Column width per character of a label: Chinese characters are about twice as wide."""
    return 1.8 if Language.of(lang) is Language.ZH_CN else 0.95


#: the widest a text column grows to fit its longest value (wider text wraps or spills)
MAX_WIDTH = 50.0


def width_of(col: Column, label: str, values: Iterable[Any] = ()) -> float:
    """A column's width: the contract's at least, the header's longest word (the header
    wraps), and the longest value shown whole up to MAX_WIDTH; Chinese counts double."""
    words = max((text_width(w) for w in str(label).split()), default=0)
    shown = [v if type(v) is str else _shown(v) for v in values]
    # a text is as wide as it is long, or up to twice (Chinese): measure, longest first,
    # only those that may be the widest, and none once the widest passes MAX_WIDTH
    longest = max(map(len, shown), default=0)
    if longest + 2 < MAX_WIDTH and not all(map(str.isascii, shown)):
        for t in sorted(shown, key=len, reverse=True):
            if 2 * len(t) <= longest:
                break
            longest = max(longest, text_width(t))
    return float(max(col.width or 10.0, min(max(words, longest) + 2, MAX_WIDTH)))


def _shown(v: Any) -> str:
    """A value about as Excel shows it: thousands separated, dates as yyyy-mm-dd."""
    if v is None or isinstance(v, bool):
        return "" if v is None else str(v).upper()
    if isinstance(v, int | float | np.integer | np.floating):
        f = float(v)
        return "" if f != f else f"{f:,.2f}" if abs(f) < 1e15 else f"{f:.3g}"
    if isinstance(v, date | datetime | pd.Period | pd.Timestamp):
        return "2026-12-31"
    return str(v)


def distinct(values: Iterable[Any] | pd.Series) -> list[Any]:
    """The values of a column that can decide its width: the largest and smallest of
    numbers, the different values of anything else."""
    if isinstance(values, pd.Series):
        v = values.dropna()
        if v.dtype.kind in "iuf":
            return [v.max(), v.min()] if len(v) else []
        if v.dtype.kind == "M":
            return list(pd.unique(v.to_numpy()))
        if isinstance(v.dtype, pd.StringDtype):  # its texts in bulk, not one by one
            return v.unique().tolist()
        return list(v.unique())  # a Period or string column boxes only its distinct values
    return list(dict.fromkeys(values))


def header_height(labels: Sequence[Any], widths: Mapping[int, float]) -> float:
    """The header row's height for its wrapped labels (points)."""
    return wrapped_height((lab, widths.get(j, 10.0)) for j, lab in enumerate(labels))


def cell_value(v: Any) -> Any:
    """A frame value as a cell value: NaN/NaT → blank, Period → its first day."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Period):
        return v.start_time.date()
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def column_values(series: pd.Series) -> list[Any]:
    """A frame column as cell values, converted in bulk where the dtype allows. In a
    column of objects text is kept as it is and every other value converted once per
    distinct value (a plan tab's periods repeat on every row)."""
    if series.dtype.kind == "f":
        return [None if v != v else v for v in series.to_numpy().tolist()]
    if series.dtype.kind in "iub":
        return series.to_numpy().tolist()
    if series.dtype.kind == "M" or isinstance(series.dtype, pd.PeriodDtype):
        # dates repeat down a table: convert each distinct one (boxing every cell as a
        # Timestamp or Period cost as much as writing the cell)
        codes, uniques = pd.factorize(series)
        shown = [cell_value(u) for u in uniques]
        shown.append(None)  # code -1: NaT
        return [shown[k] for k in codes.tolist()]
    seen: dict[tuple[type, Any], Any] = {}

    def convert(v: Any) -> Any:
        key = (type(v), v)
        try:
            return seen[key]
        except KeyError:
            seen[key] = out = cell_value(v)
            return out
        except TypeError:  # unhashable
            return cell_value(v)

    return [v if type(v) is str else convert(v) for v in series.tolist()]


def table_name(key: str) -> str:
    """A valid Excel Table name from a sheet key: "sales_history" → "tblSalesHistory"."""
    base = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", key))
    return "tbl" + base[:240]


def table_content(spec: SheetSpec, frame: pd.DataFrame | None, lang: str, *,
                  currency: str = "CNY", name: str | None = None, editable: bool = False,
                  columns: list[Column] | None = None,
                  table: str | None = None) -> SheetContent:
    """A record table as an Excel Table: styled header, frozen, widths, number formats,
    and for input sheets unlocked cells and dropdowns / range checks from the contract."""
    cols = columns or list(spec.columns)
    labels = [c.label(lang, currency) for c in cols]
    rows: list[list[Any]] = [list(labels)]
    n = 0 if frame is None else len(frame)
    if n:
        data = [column_values(frame[c.key]) if c.key in frame else [None] * n for c in cols]
        for choice_col, c in enumerate(cols):
            if c.choices:
                by_value = {ch.value: ch.label(lang) for ch in c.choices}
                data[choice_col] = [by_value.get(v, v) for v in data[choice_col]]
        rows.extend(map(list, zip(*data, strict=True)))
    body_rows = max(n, _MIN_ROWS)
    while len(rows) < body_rows + 1:
        rows.append([None] * len(cols))
    sheet = SheetContent(name=name or spec.name(lang), rows=rows, key=spec.key,
                         tab_color=spec.tab_color)
    last = len(rows) - 1
    ncol = len(cols)
    sheet.style(0, 0, 0, ncol - 1, "header")
    for j, c in enumerate(cols):
        st = number_style(c)
        if editable:
            st = st.but(locked=False)
        sheet.style(1, j, last, j, st)
        values = distinct(frame[c.key]) if n and c.key in frame else ()
        if c.choices:
            values = [ch.label(lang) for ch in c.choices]
        sheet.col_widths[j] = width_of(c, labels[j], values)
    sheet.row_heights[0] = header_height(labels, sheet.col_widths)
    sheet.table = TableDef(table or table_name(spec.key), Box(0, 0, last, ncol - 1))
    sheet.freeze = (1, 0)
    print_setup(sheet)
    if editable:
        sheet.validations = input_validations(cols, lang, 1, max(last, 1000), currency)
    return sheet


def input_validations(cols: list[Column], lang: str, first: int, last: int,
                      currency: str = "CNY") -> list[Validation]:
    """Dropdowns and range checks for input columns, with the contract's words."""
    out: list[Validation] = []
    for j, c in enumerate(cols):
        box = Box(first, j, last, j)
        prompt = in_language(lang, c.help_en, c.help_zh) or ""
        err = c.expected(lang)
        if c.choices:
            out.append(Validation(box, "list", tuple(ch.label(lang) for ch in c.choices),
                                  prompt=prompt, error=err))
        elif c.dtype in (Dtype.INT, Dtype.NUMBER, Dtype.PERCENT):
            kind = "whole" if c.dtype is Dtype.INT else "decimal"
            lo = c.min
            hi = c.max
            if lo is None and hi is None:
                lo = -1e15
            out.append(Validation(box, kind, minimum=lo, maximum=hi, prompt=prompt,
                                  error=err))
        elif c.dtype in (Dtype.DATE, Dtype.MONTH):
            out.append(Validation(box, "date", minimum=36526, maximum=73051, prompt=prompt,
                                  error=err))  # 2000-01-01 .. 2099-12-31
        elif prompt:
            out.append(Validation(box, "custom_prompt", prompt=prompt))
    return [v for v in out if v.kind != "custom_prompt"]


def settings_content(spec: SheetSpec, values: dict[str, Any], lang: str,
                     currency: str = "CNY") -> SheetContent:
    """The Settings sheet: one row per setting with value, unit and a description."""
    header = [message(f"settings_{k}", lang) for k in ("setting", "value", "unit", "description")]
    rows: list[list[Any]] = [header]
    sheet = SheetContent(name=spec.name(lang), rows=rows, key=spec.key,
                         tab_color=spec.tab_color)
    validations = []
    for i, c in enumerate(spec.columns, start=1):
        v = values.get(c.key, c.default)
        if c.choices:
            v = next((ch.label(lang) for ch in c.choices if ch.value == v), v)
        unit = unit_label(c.unit, lang, currency) if c.unit else None
        rows.append([in_language(lang, c.en, c.zh), cell_value(v), unit,
                     in_language(lang, c.help_en, c.help_zh) or None])
        st = number_style(c).but(fill=INPUT_FILL, color=INPUT_FONT, locked=False, valign="top")
        sheet.style(i, 1, i, 1, st)
        for vd in input_validations([c], lang, i, i, currency):
            validations.append(Validation(Box(i, 1, i, 1), vd.kind, vd.choices, vd.minimum,
                                          vd.maximum, vd.prompt, vd.error))
    sheet.style(0, 0, 0, 3, "header")
    sheet.col_widths = {0: column_width([r[0] for r in rows], minimum=20),
                        1: column_width([r[1] for r in rows[1:]], minimum=18, maximum=30),
                        2: column_width([r[2] for r in rows], minimum=8), 3: 60}
    sheet.style(1, 0, len(rows) - 1, 0, "text_wrap")
    sheet.style(1, 2, len(rows) - 1, 3, "text_wrap")  # a row reads from its top line
    for i, row in enumerate(rows[1:], start=1):
        h = wrapped_height([(row[0], sheet.col_widths[0]), (row[3], 60)])
        if h > LINE_HEIGHT:
            sheet.row_heights[i] = h
    sheet.validations = validations
    sheet.freeze = (1, 0)
    sheet.table = TableDef(table_name(spec.key), Box(0, 0, len(rows) - 1, 3))
    print_setup(sheet)
    return sheet


def today_text() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M")


def as_date(v: Any) -> date | None:
    v = cell_value(v)
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else None
