"""Cells → validated DataFrames, with every problem found in one pass.

All cell ↔ dtype coercion lives here (the xlwings idea of one conversion layer). A bad
cell becomes a ``Problem`` naming sheet, Excel row, column label, the value and what was
expected; the frame keeps an ``_row`` column with each record's Excel row number so later
checks (BOM cycles, references) can name rows too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from sop_xl.contract.model import Column, Dtype, SheetSpec, normalise_header
from sop_xl.errors import Problem
from sop_xl.workbook.backend import RawSheet
from sop_xl.workbook.cells import cell_ref, col_letter

ROW = "_row"  # Excel row number of each record
_BLANK = ("", None)
_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*"
                      r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_NUM_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_EPOCH = date(1899, 12, 30)
_TRUE = {"yes", "y", "true", "1", "是", "x", "✓"}
_FALSE = {"no", "n", "false", "0", "否", ""}


class Invalid(ValueError):
    """A cell that cannot be coerced; ``code`` picks the message."""

    def __init__(self, code: str = "bad_type", **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def is_blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    return isinstance(v, float) and math.isnan(v)


def _number(v: Any) -> float:
    if isinstance(v, bool):
        raise Invalid()
    if isinstance(v, int | float | np.integer | np.floating):
        f = float(v)
        if math.isnan(f) or math.isinf(f):
            raise Invalid()
        return f
    if isinstance(v, str):
        s = v.strip().replace("\u00a0", "").replace(" ", "")
        pct = s.endswith("%")
        if pct:
            s = s[:-1]
        if s and _NUM_RE.match(s) and any(ch.isdigit() for ch in s):
            f = float(s.replace(",", ""))
            return f / 100 if pct else f
    raise Invalid()


def _to_date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool) and 1 <= v < 2958466:
        return _EPOCH + timedelta(days=int(v))
    if isinstance(v, str):
        m = _DATE_RE.match(v)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                pass
    raise Invalid()


def _to_month(v: Any) -> pd.Period:
    if isinstance(v, str):
        m = _MONTH_RE.match(v)
        if m and 1 <= int(m.group(2)) <= 12:
            return pd.Period(year=int(m.group(1)), month=int(m.group(2)), freq="M")
    d = _to_date(v)
    return pd.Period(year=d.year, month=d.month, freq="M")


def _to_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # item codes typed as numbers: 10023.0 → "10023"
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()


def coerce(col: Column, v: Any) -> Any:
    """One non-blank cell value → the column's Python type, or ``Invalid``."""
    if col.choices:
        c = col.choice_for(_to_text(v))
        if c is None:
            raise Invalid("not_allowed")
        return c.value
    t = col.dtype
    if t is Dtype.TEXT:
        return _to_text(v)
    if t in (Dtype.NUMBER, Dtype.PERCENT, Dtype.INT):
        f = _number(v)
        if t is Dtype.INT:
            if abs(f - round(f)) > 1e-9:
                raise Invalid()
            f = round(f)
        _check_bounds(col, f)
        return f
    if t is Dtype.DATE:
        return _to_date(v)
    if t is Dtype.MONTH:
        return _to_month(v)
    if t is Dtype.BOOL:
        s = _to_text(v).lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        raise Invalid()
    raise AssertionError(t)


def _check_bounds(col: Column, f: float) -> None:
    fmt = _show_bound
    if col.min is not None and (f < col.min or (col.min_exclusive and f <= col.min)):
        raise Invalid("below_min", min=fmt(col, col.min))
    if col.max is not None and f > col.max:
        raise Invalid("above_max", max=fmt(col, col.max))


def _show_bound(col: Column, v: float) -> str:
    return f"{v * 100:g}%" if col.dtype is Dtype.PERCENT else f"{v:g}"


def _problem(spec_name: str, col: Column, label: str, r: int, c: int, value: Any,
             exc: Invalid, lang: str) -> Problem:
    allowed = ", ".join(ch.label(lang) for ch in col.choices) if col.choices else ""
    params = {"expected": col.expected(lang), "allowed": allowed, **exc.params}
    return Problem(exc.code, spec_name, r + 1, label, cell_ref(r, c), value, params)


def find_header(raw: RawSheet, spec: SheetSpec, scan: int = 10) -> int:
    """The row (0-based) holding the header: the one naming most of the spec's columns."""
    best, best_row = -1, 0
    wanted = {h for col in spec.columns for h in col.accepted_headers()}
    for r, row in enumerate(raw.rows[:scan]):
        hits = sum(1 for v in row if not is_blank(v) and normalise_header(v) in wanted)
        if hits > best:
            best, best_row = hits, r
    return best_row


def read_table(spec: SheetSpec, raw: RawSheet, lang: str = "en",
               currency: str = "CNY") -> tuple[pd.DataFrame, list[Problem]]:
    """A record table → a frame with one column per contract column, plus ``_row``."""
    problems: list[Problem] = []
    sheet = raw.name
    if not raw.rows:
        return empty_frame(spec), problems
    hr = find_header(raw, spec)
    header = raw.rows[hr]
    by_header: dict[str, Column] = {}
    for col in spec.columns:
        for h in col.accepted_headers():
            by_header[h] = col
    where: dict[str, tuple[int, str]] = {}
    for c, h in enumerate(header):
        if is_blank(h):
            continue
        col = by_header.get(normalise_header(h))
        if col is None:
            continue  # a planner's own column: kept in the sheet, ignored by the plan
        if col.key in where:
            problems.append(Problem("column_duplicate", sheet, hr + 1, str(h),
                                    params={"column": str(h),
                                            "cols": f"{col_letter(where[col.key][0])}, "
                                                    f"{col_letter(c)}"}))
            continue
        where[col.key] = (c, str(h).strip())
    for col in spec.columns:
        if col.required and col.key not in where:
            labels = " / ".join(dict.fromkeys([col.label("en", currency),
                                               col.label("zh-CN", currency)]))
            problems.append(Problem("column_missing", sheet, hr + 1, None,
                                    params={"column": col.label(lang, currency),
                                            "header_row": hr + 1, "labels": labels}))
    data = raw.rows[hr + 1:]
    mapped = [c for c, _ in where.values()]
    # records: rows with anything in a contract column (blank formatted rows are skipped)
    keep = [i for i, row in enumerate(data)
            if any(c < len(row) and not is_blank(row[c]) for c in mapped)]
    first_data = hr + 1
    for (r0, c0, r1, c1) in raw.merged:
        if r1 >= first_data and any(c0 <= c <= c1 for c in mapped):
            problems.append(Problem("merged_cells", sheet, r0 + 1, None,
                                    cell_ref(r0, c0), params={
                                        "ref": f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"}))
    out: dict[str, Any] = {ROW: np.array([first_data + i + 1 for i in keep], dtype=np.int64)}
    for col in spec.columns:
        if col.key not in where:
            out[col.key] = _default_column(col, len(keep))
            continue
        c, label = where[col.key]
        values = []
        for i in keep:
            row = data[i]
            r = first_data + i
            v = row[c] if c < len(row) else None
            if (r, c) in raw.errors:
                problems.append(Problem("cell_error", sheet, r + 1, label, cell_ref(r, c),
                                        raw.errors[(r, c)],
                                        {"expected": col.expected(lang)}))
                values.append(None)
                continue
            if is_blank(v):
                if (r, c) in raw.formulas:
                    problems.append(Problem("formula_in_input", sheet, r + 1, label,
                                            cell_ref(r, c), raw.formulas[(r, c)],
                                            {"formula": raw.formulas[(r, c)]}))
                    values.append(None)
                elif col.required:
                    problems.append(Problem("required", sheet, r + 1, label, cell_ref(r, c),
                                            None, {"expected": col.expected(lang)}))
                    values.append(None)
                else:
                    values.append(col.default)
                continue
            try:
                values.append(coerce(col, v))
            except Invalid as exc:
                problems.append(_problem(sheet, col, label, r, c, v, exc, lang))
                values.append(None)
        out[col.key] = _typed(col, values)
    frame = pd.DataFrame(out)
    frame.attrs["columns"] = where  # key → (column index, header text), for later messages
    problems.extend(_duplicates(spec, frame, sheet, where))
    return frame, problems


def _default_column(col: Column, n: int) -> Any:
    return _typed(col, [col.default] * n)


def _typed(col: Column, values: list[Any]) -> Any:
    t = col.dtype
    if col.choices or t is Dtype.TEXT:
        return pd.array([None if v is None else str(v) for v in values], dtype=object)
    if t is Dtype.INT:
        if all(v is not None for v in values):
            return np.array(values, dtype=np.int64)
        return pd.array(values, dtype="Int64")
    if t in (Dtype.NUMBER, Dtype.PERCENT):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    if t is Dtype.MONTH:
        return pd.PeriodIndex([v if v is not None else pd.NaT for v in values], freq="M")
    return pd.array(values, dtype=object)


def _duplicates(spec: SheetSpec, frame: pd.DataFrame, sheet: str,
                where: dict[str, tuple[int, str]]) -> list[Problem]:
    if not spec.unique or frame.empty or not all(k in frame for k in spec.unique):
        return []
    keys = frame[list(spec.unique)].astype(str)
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return []
    problems = []
    first_row: dict[tuple, int] = {}
    label = where.get(spec.unique[0], (0, spec.unique[0]))[1]
    c = where.get(spec.unique[0], (0, ""))[0]
    for idx in np.flatnonzero(dup.to_numpy()):
        k = tuple(keys.iloc[idx])
        r = int(frame[ROW].iloc[idx])
        if k not in first_row:
            first_row[k] = r
            continue
        what = spec.column(spec.unique[0])
        problems.append(Problem("duplicate_key", sheet, r, label, cell_ref(r - 1, c),
                                " / ".join(k), {"first": first_row[k],
                                                "key": " + ".join(
                                                    spec.column(u).en.lower()
                                                    for u in spec.unique) if what else ""}))
    return problems


def empty_frame(spec: SheetSpec) -> pd.DataFrame:
    out: dict[str, Any] = {ROW: np.zeros(0, dtype=np.int64)}
    for col in spec.columns:
        out[col.key] = _typed(col, [])
    return pd.DataFrame(out)


def read_settings(spec: SheetSpec, raw: RawSheet, lang: str = "en") -> tuple[
        dict[str, Any], list[Problem]]:
    """The key/value Settings sheet → {setting key: value}, defaults filled in."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    by_name: dict[str, Column] = {}
    for col in spec.columns:
        for h in col.accepted_headers():
            by_name[h] = col
    seen: dict[str, int] = {}
    for r, row in enumerate(raw.rows):
        if not row or is_blank(row[0]):
            continue
        col = by_name.get(normalise_header(row[0]))
        if col is None:
            continue  # the header row, a note, or a planner's own line
        v = row[1] if len(row) > 1 else None
        label = raw.rows[0][1] if raw.rows and len(raw.rows[0]) > 1 else "Value"
        if col.key in seen:
            problems.append(Problem("duplicate_key", raw.name, r + 1, str(row[0]),
                                    cell_ref(r, 0), str(row[0]),
                                    {"first": seen[col.key], "key": "setting"}))
            continue
        seen[col.key] = r + 1
        if (r, 1) in raw.errors:
            problems.append(Problem("cell_error", raw.name, r + 1, str(label), cell_ref(r, 1),
                                    raw.errors[(r, 1)], {"expected": col.expected(lang)}))
            continue
        if is_blank(v):
            if col.required:
                problems.append(Problem("required", raw.name, r + 1, str(row[0]),
                                        cell_ref(r, 1), None,
                                        {"expected": col.expected(lang)}))
            continue
        try:
            values[col.key] = coerce(col, v)
        except Invalid as exc:
            problems.append(_problem(raw.name, col, str(row[0]), r, 1, v, exc, lang))
    for col in spec.columns:
        if col.key not in values and col.key not in seen and col.required:
            problems.append(Problem("required", raw.name, None, col.label(lang), None, None,
                                    {"expected": col.expected(lang)}))
        values.setdefault(col.key, col.default)
    return values, problems


def text_cells(values: Iterable[Any]) -> list[str]:
    return [_to_text(v) for v in values if not is_blank(v)]
