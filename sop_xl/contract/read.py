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
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from sop_xl.base.errors import Problem
from sop_xl.base.messages import in_language, message
from sop_xl.contract.cells import cell_ref, col_letter
from sop_xl.contract.model import Column, Dtype, SheetSpec, normalise_header
from sop_xl.contract.raw import RawSheet

ROW = "_row"  # Excel row number of each record
_BLANK = ("", None)
# Dates a master workbook may hold: the template's own data validation allows these.
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2099, 12, 31)
# A quantity, price or hours figure beyond this is a pasted code or a unit mix-up (an
# EAN-13 barcode is ~6.9e12); Excel itself keeps only 15 significant digits.
PLAUSIBLE_MAX = 1e10
_DAY_MONTH_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})\s*$")
_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*"
                      r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_NUM_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_EPOCH = date(1899, 12, 30)
DAYS_1904 = 1462  # 1904-01-01 is serial 1462 of the 1900 date system
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
        m = _DAY_MONTH_RE.match(v)
        if m:
            raise _day_month_order(*(int(g) for g in m.groups()))
    raise Invalid()


def _day_month_order(a: int, b: int, y: int) -> Invalid:
    """03/04/2027 is 3 April in Shanghai and March 4 in Chicago: never guessed. The
    message shows the reading(s) so the planner can type the one they meant."""
    year = y + 2000 if y < 100 else y
    readings = []
    for d, m in ((a, b), (b, a)):
        try:
            iso = date(year, m, d).isoformat()
        except ValueError:
            continue
        if iso not in readings:
            readings.append(iso)
    if not readings:
        return Invalid()
    return Invalid("bad_type", order=" / ".join(readings), _date_order=len(readings))


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
        d = _to_date(v)
        _check_date(d)
        return d
    if t is Dtype.MONTH:
        p = _to_month(v)
        _check_date(p.start_time.date())
        return p
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
    if col.max is None and abs(f) > PLAUSIBLE_MAX:
        raise Invalid("implausible", limit=f"{PLAUSIBLE_MAX:,.0f}")


def _check_date(d: date) -> None:
    if not DATE_MIN <= d <= DATE_MAX:
        raise Invalid("date_range", first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat(),
                      date=d.isoformat())


def _show_bound(col: Column, v: float) -> str:
    return f"{v * 100:g}%" if col.dtype is Dtype.PERCENT else f"{v:g}"


def _problem(spec_name: str, col: Column, label: str, r: int, c: int, value: Any,
             exc: Invalid, lang: str) -> Problem:
    allowed = ", ".join(ch.label(lang) for ch in col.choices) if col.choices else ""
    params = {"expected": col.expected(lang), "allowed": allowed, **exc.params}
    if params.pop("_date_order", None):
        params["expected"] = message("date_order", lang, expected=params["expected"],
                                     readings=params.pop("order"))
    params["value"] = show_value(value)
    if col.dtype is Dtype.PERCENT and isinstance(value, int | float) \
            and not isinstance(value, bool):
        params["value"] = f"{value * 100:g}%"  # as the cell shows it
    return Problem(exc.code, spec_name, r + 1, label, cell_ref(r, c), value, params)


def show_value(v: Any) -> str | None:
    """A cell value as a planner would recognise it: 1200 not 1200.0, text in quotes;
    None for a blank (Problem.render says "(blank)" in the reader's language)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return repr(v) if len(v) <= 60 else repr(v[:57] + "...")
    return str(v)


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
    by_header = {h: c for c in spec.columns for h in c.accepted_headers()}
    where: dict[str, tuple[int, str]] = {}
    doubtful: set[str] = set()               # columns missing or doubled: all in doubt
    bad_rows: dict[str, set[int]] = {}       # column → Excel rows of its bad cells
    for c, h in enumerate(header):
        if is_blank(h):
            continue
        col = by_header.get(normalise_header(h))
        if col is None:
            continue  # a planner's own column: kept in the sheet, ignored by the plan
        if col.key in where:
            doubtful.add(col.key)
            problems.append(Problem("column_duplicate", sheet, hr + 1, str(h),
                                    params={"column": str(h),
                                            "cols": f"{col_letter(where[col.key][0])}, "
                                                    f"{col_letter(c)}"}))
            continue
        where[col.key] = (c, str(h).strip())
    unknown = [f"{h!r} ({cell_ref(hr, c)})" for c, h in enumerate(header)
               if not is_blank(h) and normalise_header(h) not in by_header]
    for col in spec.columns:
        if col.required and col.key not in where:
            labels = " / ".join(dict.fromkeys([col.label("en", currency),
                                               col.label("zh-CN", currency)]))
            hint = message("unknown_headers", lang, headers=", ".join(unknown)) \
                if unknown else ""
            problems.append(Problem("column_missing", sheet, hr + 1, None,
                                    params={"column": col.label(lang, currency),
                                            "header_row": hr + 1, "labels": labels,
                                            "unknown": hint}))
    data = raw.rows[hr + 1:]
    first_data = hr + 1
    width = min(map(len, data), default=0)
    columns = {key: _column_values(data, c, width) for key, (c, _) in where.items()}
    blanks = {key: _blank_flags(v) for key, v in columns.items()}
    # records: rows with anything in a contract column (blank formatted rows are skipped)
    filled = np.zeros(len(data), dtype=bool)
    for flags in blanks.values():
        filled |= ~flags
    keep = np.flatnonzero(filled)
    mapped = [c for c, _ in where.values()]
    for (r0, c0, r1, c1) in raw.merged:
        if r1 >= first_data and any(c0 <= c <= c1 for c in mapped):
            problems.append(Problem("merged_cells", sheet, r0 + 1, None,
                                    cell_ref(r0, c0), params={
                                        "ref": f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"}))
            for key, (c, _) in where.items():
                if c0 <= c <= c1:
                    bad_rows.setdefault(key, set()).update(range(r0 + 1, r1 + 2))
    sheet_rows = (keep + first_data).astype(np.int64)  # 0-based sheet row of each record
    out: dict[str, Any] = {ROW: sheet_rows + 1}
    everything = len(keep) == len(data)
    # columns whose values cannot all be trusted: missing, doubled, or with a bad cell
    doubtful |= {col.key for col in spec.columns if col.required and col.key not in where}
    for col in spec.columns:
        if col.key not in where:
            out[col.key] = _default_column(col, len(keep))
            continue
        c, label = where[col.key]
        values = columns.pop(col.key)
        blank = blanks.pop(col.key)
        if not everything:
            values = [values[i] for i in keep]
            blank = blank[keep]
        cells = _Cells(raw, sheet, c, label, lang, col)
        found = len(problems)
        out[col.key] = _read_column(col, values, blank, sheet_rows, cells, problems)
        if len(problems) > found:
            bad_rows.setdefault(col.key, set()).update(
                p.row for p in problems[found:] if p.row is not None)
    frame = pd.DataFrame(out)
    frame.attrs["columns"] = where  # key → (column index, header text), for later messages
    # for the rules across sheets (sop_xl.contract.rules): column → the Excel rows whose
    # cell had a problem, None when the whole column is in doubt
    frame.attrs["doubtful"] = {**{k: frozenset(v) for k, v in bad_rows.items()},
                               **dict.fromkeys(doubtful)}
    problems.extend(_duplicates(spec, frame, sheet, where, lang))
    return frame, problems


def _column_values(data: list[list[Any]], c: int, width: int) -> list[Any]:
    """Column ``c`` of every row (None where a short row has no such cell); ``width`` is
    the shortest row's length (calamine's rows are all as wide as the sheet)."""
    if c < width:
        return [row[c] for row in data]
    return [row[c] if c < len(row) else None for row in data]


def _blank(v: Any) -> bool:
    cls = v.__class__
    if cls is str:
        return not v or v.isspace()
    if cls is float:
        return v != v  # NaN
    if v is None:
        return True
    if cls is int or cls is bool or cls is date or cls is datetime:
        return False
    return is_blank(v)


_NEVER_BLANK = frozenset({int, bool, date, datetime})


def _blank_flags(values: list[Any]) -> np.ndarray:
    """Which cells are blank. Whole columns at once where the types allow: plain numbers
    or dates never are (NaN aside), and text is judged once per distinct value."""
    n = len(values)
    types = set(map(type, values))
    if types <= _NEVER_BLANK:
        return np.zeros(n, dtype=bool)
    if types <= {float, int}:
        return np.isnan(np.array(values, dtype=float))
    if float not in types:  # no NaN, so set membership is exact
        try:
            blanks = {v for v in set(values) if _blank(v)}
        except TypeError:  # unhashable values (never from a file)
            return np.fromiter(map(_blank, values), dtype=bool, count=n)
        if not blanks:
            return np.zeros(n, dtype=bool)
        return np.fromiter(map(blanks.__contains__, values), dtype=bool, count=n)
    return np.fromiter(map(_blank, values), dtype=bool, count=n)


class _Cells:
    """One column of one sheet: where its cells are and what the values hide.

    Error and formula cells are looked up only for cells that are blank or fail to
    coerce (an error cell reads as blank), so a sheet of plain values is never scanned."""

    def __init__(self, raw: RawSheet, sheet: str, c: int, label: str, lang: str,
                 col: Column) -> None:
        self.raw, self.sheet, self.c, self.label, self.lang, self.col = \
            raw, sheet, c, label, lang, col

    @cached_property
    def errors(self) -> dict[int, str]:
        return {r: e for (r, cc), e in self.raw.errors.items() if cc == self.c}

    @cached_property
    def uncached(self) -> set[int]:
        return {r for (r, cc) in self.raw.uncached if cc == self.c}

    def problem(self, code: str, r: int, cell_value: Any, **params: Any) -> Problem:
        return Problem(code, self.sheet, r + 1, self.label, cell_ref(r, self.c), cell_value,
                       params)

    def error(self, r: int) -> Problem:
        err = self.errors[r]
        formula = self.raw.formulas.get((r, self.c))
        expected = self.col.expected(self.lang)
        if formula:
            return self.problem("cell_error_formula", r, err, value=err, formula=formula,
                                expected=expected)
        return self.problem("cell_error", r, err, value=err, expected=expected)

    def blank(self, r: int) -> Problem | None:
        """The problem with a blank cell, if it is one."""
        if r in self.uncached:
            f = self.raw.formulas.get((r, self.c), "=?")
            return self.problem("formula_in_input", r, f, formula=f)
        if self.col.required:
            return self.problem("required", r, None, expected=self.col.expected(self.lang))
        return None


_NUMERIC = (Dtype.NUMBER, Dtype.PERCENT, Dtype.INT)
_FAILED = object()  # memo marker: this value does not coerce


def _read_column(col: Column, values: list[Any], blank: np.ndarray, sheet_rows: np.ndarray,
                 cells: _Cells, problems: list[Problem]) -> Any:
    """One column's cells → its typed array; a Problem for each bad cell, in row order.

    The common case is vectorised: a number column of plain numbers is one numpy array
    checked against its bounds at once, and every other column coerces each distinct
    value once (a month column of 900,000 rows holds 60 distinct dates). Cells that fail
    go through ``coerce`` one by one, so their messages are exactly the per-cell ones."""
    n = len(values)
    bad: list[int] = []          # rows needing the per-cell path, in row order
    typed: Any = None
    if cells.raw.date1904 and col.dtype in (Dtype.DATE, Dtype.MONTH):
        values = [_from_1904(v) for v in values]
    if col.dtype in _NUMERIC and not col.choices and set(map(type, values)) <= {float, int}:
        arr = np.array(values, dtype=float)
        ok = _within_bounds(col, arr)
        if ok.all():
            return _typed_numbers(col, arr)
        bad = np.flatnonzero(~ok).tolist()
        typed = arr
    if typed is None and _hash_safe(values):
        # one type and no NaN: each distinct value is coerced once, then looked up
        distinct = dict.fromkeys(values)
        failed = set()
        for v in distinct:
            if _blank(v):
                failed.add(v)
                continue
            try:
                distinct[v] = coerce(col, v)
            except Invalid:
                failed.add(v)
        typed = list(map(distinct.__getitem__, values))
        if failed:
            bad = [i for i, v in enumerate(values) if v in failed]
    if typed is None:
        out: list[Any] = [None] * n
        memo: dict[tuple[type, Any], Any] = {}
        for i, v in enumerate(values):
            if blank[i]:
                bad.append(i)
                continue
            key = (v.__class__, v)
            try:
                got = memo[key]
            except KeyError:
                try:
                    got = coerce(col, v)
                except Invalid:
                    got = _FAILED
                memo[key] = got
            except TypeError:  # an unhashable value (never from a file): no memo
                got = _FAILED
            if got is _FAILED:
                bad.append(i)
            else:
                out[i] = got
        typed = out
    elif isinstance(typed, np.ndarray):
        typed = typed.tolist()
    for i in sorted(bad):
        r = int(sheet_rows[i])
        v = values[i]
        typed[i] = None
        if r in cells.errors:
            problems.append(cells.error(r))
        elif blank[i]:
            p = cells.blank(r)
            if p is not None:
                problems.append(p)
            else:
                typed[i] = col.default
        else:
            try:
                typed[i] = coerce(col, v)
            except Invalid as exc:
                problems.append(_problem(cells.sheet, col, cells.label, r, cells.c, v, exc,
                                         cells.lang))
    return _typed(col, typed)


def _from_1904(v: Any) -> Any:
    """A serial number of the 1904 date system as the 1900 system's (what ``_to_date``
    counts in); anything else as it is."""
    if isinstance(v, int | float) and not isinstance(v, bool) and v == v:
        return v + DAYS_1904
    return v


def _hash_safe(values: list[Any]) -> bool:
    """All values of one type (so 1, 1.0 and True cannot meet as one dict key) and none
    of them a float (NaN is not equal to itself)."""
    types = set(map(type, values))
    return len(types) == 1 and float not in types and next(iter(types)).__hash__ is not None


def _within_bounds(col: Column, a: np.ndarray) -> np.ndarray:
    ok = np.isfinite(a)
    if col.dtype is Dtype.INT:
        ok &= np.abs(a - np.round(a)) <= 1e-9
    if col.min is not None:
        ok &= (a > col.min) if col.min_exclusive else (a >= col.min)
    if col.max is not None:
        ok &= a <= col.max
    else:
        ok &= np.abs(a) <= PLAUSIBLE_MAX
    return ok


def _typed_numbers(col: Column, a: np.ndarray) -> Any:
    if col.dtype is Dtype.INT:
        return np.round(a).astype(np.int64)
    return a


def _default_column(col: Column, n: int) -> Any:
    return _typed(col, [col.default] * n)


def _typed(col: Column, values: list[Any]) -> Any:
    t = col.dtype
    if col.choices or t is Dtype.TEXT:
        if set(map(type, values)) <= {str, type(None)}:
            return pd.array(values, dtype=object)
        return pd.array([None if v is None else str(v) for v in values], dtype=object)
    if t is Dtype.INT:
        if all(v is not None for v in values):
            return np.array(values, dtype=np.int64)
        return pd.array(values, dtype="Int64")
    if t in (Dtype.NUMBER, Dtype.PERCENT):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    if t is Dtype.MONTH:
        return _months(values)
    return pd.array(values, dtype=object)


def _months(values: list[Any]) -> pd.PeriodIndex:
    """Periods → a PeriodIndex through their ordinals (building it from 900,000 Period
    objects takes pandas a second; from integers, milliseconds)."""
    nat = np.iinfo(np.int64).min
    distinct = dict.fromkeys(values)
    for v in distinct:
        if v is None or v is pd.NaT:
            distinct[v] = nat
        else:
            p = v if isinstance(v, pd.Period) else pd.Period(v, freq="M")
            distinct[v] = p.asfreq("M").ordinal
    ordinals = np.fromiter(map(distinct.__getitem__, values), dtype=np.int64,
                           count=len(values))
    return pd.PeriodIndex.from_ordinals(ordinals, freq="M")


def _duplicates(spec: SheetSpec, frame: pd.DataFrame, sheet: str,
                where: dict[str, tuple[int, str]], lang: str = "en") -> list[Problem]:
    if not spec.unique or frame.empty or not all(k in frame for k in spec.unique):
        return []
    keys = frame[list(spec.unique)]
    dup = keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return []
    problems = []
    first_row: dict[tuple, int] = {}
    label = where.get(spec.unique[0], (0, spec.unique[0]))[1]
    c = where.get(spec.unique[0], (0, ""))[0]
    what = " + ".join(in_language(lang, spec.column(u).en.lower(), spec.column(u).zh)
                      for u in spec.unique)
    rows = frame[ROW].to_numpy()
    for idx in np.flatnonzero(dup):
        k = tuple("" if is_blank(v) or v is pd.NaT else str(v) for v in keys.iloc[idx])
        r = int(rows[idx])
        if k not in first_row:
            first_row[k] = r
            continue
        problems.append(Problem("duplicate_key", sheet, r, label, cell_ref(r - 1, c),
                                " / ".join(k), {"first": first_row[k], "key": what}))
    return problems


def empty_frame(spec: SheetSpec, *, missing: bool = False) -> pd.DataFrame:
    """A table with no records; ``missing``: because its sheet is not there, so none of
    its columns can be trusted by rules across sheets."""
    out: dict[str, Any] = {ROW: np.zeros(0, dtype=np.int64)}
    for col in spec.columns:
        out[col.key] = _typed(col, [])
    frame = pd.DataFrame(out)
    frame.attrs["doubtful"] = dict.fromkeys(spec.keys) if missing else {}
    return frame


def read_settings(spec: SheetSpec, raw: RawSheet, lang: str = "en") -> tuple[
        dict[str, Any], list[Problem]]:
    """The key/value Settings sheet → {setting key: value}, defaults filled in."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    by_name = {h: c for c in spec.columns for h in c.accepted_headers()}
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
                                    {"first": seen[col.key],
                                     "key": message("ref_setting", lang)}))
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
        if raw.date1904 and col.dtype in (Dtype.DATE, Dtype.MONTH):
            v = _from_1904(v)
        try:
            values[col.key] = coerce(col, v)
        except Invalid as exc:
            problems.append(_problem(raw.name, col, str(row[0]), r, 1, v, exc, lang))
    for col in spec.columns:
        if col.key not in values and col.key not in seen and col.required:
            problems.append(Problem("required", raw.name, None, col.label(lang), None, None,
                                    {"expected": col.expected(lang)}))
        if col.key not in seen or col.key in values:
            # a setting whose cell is wrong stays unknown: its default would be a guess
            # (a Chinese workbook with a mistyped language must not turn English)
            values.setdefault(col.key, col.default)
    return values, problems


def text_cells(values: Iterable[Any]) -> list[str]:
    return [_to_text(v) for v in values if not is_blank(v)]
