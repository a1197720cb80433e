"""A report's columns → the contract's columns, line by line, as a profile says.

The result is cell values a planner could have typed: text dates in the ERP's format become
dates, "1.234,5" and SAP's trailing minus become numbers, codes are translated; anything
that cannot be made so is passed on as it stands, so the contract reader reports it with
its usual message (and the import names the file and line it came from).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sop_xl.app.imports.profile import Formats, Report, SkipRule, ValueSpec
from sop_xl.app.imports.sources import SourceTable
from sop_xl.base.errors import Problem
from sop_xl.contract.model import Column, Dtype, SheetSpec, normalise_header

_NUMERIC = (Dtype.NUMBER, Dtype.INT, Dtype.PERCENT)


@dataclass
class Mapped:
    """A report's lines as contract cells: ``rows`` hold one value per ``keys`` entry."""

    keys: list[str]
    labels: dict[str, str]              # contract key → the source header(s) it came from
    positions: dict[str, int | None]    # contract key → source column (None: derived)
    rows: list[list[Any]]
    lines: list[int]
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)


def map_report(table: SourceTable, report: Report, spec: SheetSpec, formats: Formats,
               lang: str = "en") -> Mapped:
    """Every line of ``table`` that the report's skip rules keep, as contract cells."""
    index = {}
    for c, h in enumerate(table.header):
        index.setdefault(normalise_header(h), c)
    specs = dict(report.columns) or _by_contract_names(spec, index)
    keys = [k for k in spec.keys if k in specs]
    problems: list[Problem] = []

    def find(names: tuple[str, ...]) -> int | None:
        for n in names:
            c = index.get(normalise_header(n))
            if c is not None:
                return c
        return None

    resolved: dict[str, list[int | None]] = {}
    for key in keys:
        vs = specs[key]
        found = [find(g) for g in vs.sources()]
        resolved[key] = found
        missing = [g for g, c in zip(vs.sources(), found, strict=True) if c is None]
        if vs.join:  # the first part names the record; later parts only when exported
            missing = missing[:1] if found[0] is None else []
        main_gone = bool(found) and found[0] is None and spec.column(key).required \
            and "*" not in vs.mapping   # a map's "*" fills a required column not exported
        if missing and (not vs.optional or main_gone):
            problems.append(_missing(table, report, spec.column(key), missing[0], lang))
    if problems:
        return Mapped(keys, {}, {}, [], [], 0, problems)
    labels = {k: _label(specs[k], table, resolved[k]) for k in keys}
    positions = {k: (resolved[k][0] if len(resolved[k]) == 1 and not specs[k].constant
                     else None) for k in keys}
    makers = [(spec.column(k), specs[k], resolved[k]) for k in keys]
    rules = [(r, [find(g) for g in r.value.sources()]) for r in report.skip]
    rows, lines, skipped = [], [], 0
    for raw, line in zip(table.rows, table.lines, strict=True):
        if not raw or all(v in ("", None) for v in raw):
            continue
        if any(_skips(r, cols, raw, formats) for r, cols in rules):
            skipped += 1
            continue
        rows.append([_make(col, vs, cols, raw, formats) for col, vs, cols in makers])
        lines.append(line)
    return Mapped(keys, labels, positions, rows, lines, skipped, [])


def _by_contract_names(spec: SheetSpec, index: dict[str, int]) -> dict[str, ValueSpec]:
    """No column table (a query, a plain file): columns named as the contract names them."""
    out = {}
    for col in spec.columns:
        hit = next((h for h in col.accepted_headers() if h in index), None)
        if hit is not None:
            out[col.key] = ValueSpec(columns=(hit,))
    return out


def _hrow(table: SourceTable) -> int:
    return table.lines[0] - 1 if table.lines else 1


def _found(table: SourceTable) -> str:
    heads = [h for h in table.header if h]
    return ", ".join(repr(h) for h in heads[:25]) + (" …" if len(heads) > 25 else "") \
        if heads else "(no header)"


def _names(group: tuple[str, ...]) -> str:
    return " / ".join(repr(n) for n in group)


def _missing(table: SourceTable, report: Report, col: Column, group: tuple[str, ...],
             lang: str) -> Problem:
    return Problem("import_column_missing", table.label, None, workbook=table.workbook,
                   params={"report": report.name, "column": col.label(lang),
                           "wanted": _names(group), "header_row": _hrow(table),
                           "found": _found(table)})


def _label(vs: ValueSpec, table: SourceTable, cols: list[int | None]) -> str:
    names = [table.header[c] if c is not None else "" for c in cols]
    if vs.constant:
        return f"= {vs.value}"
    if vs.join:
        return f" {vs.sep} ".join(names)
    main = names[0]
    if vs.minus:
        return f"{main} − {names[1]}"
    if vs.divide_by:
        return f"{main} ÷ {names[1]}"
    return main


def _get(raw: list[Any], c: int | None) -> Any:
    if c is None or c >= len(raw):
        return None
    return raw[c]


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or \
        (isinstance(v, float) and math.isnan(v))


def number(v: Any, formats: Formats) -> float | None:
    """A number as the ERP wrote it, or None."""
    if isinstance(v, bool) or _blank(v):
        return None
    if isinstance(v, int | float):
        return float(v)
    s = str(v).strip().replace("\u00a0", "").replace(" ", "")
    if formats.trailing_minus and s.endswith("-") and len(s) > 1:
        s = "-" + s[:-1]
    s = s.replace(".", "").replace(",", ".") if formats.decimal == "," else s.replace(",", "")
    try:
        f = float(s)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def _date(v: Any, formats: Formats) -> Any:
    if isinstance(v, datetime | date) or not isinstance(v, str):
        return v
    s = v.strip()
    for fmt in formats.dates:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return v


def _typed(col: Column, v: Any, formats: Formats) -> Any:
    """A source value in the form the contract reader expects for ``col``."""
    if _blank(v):
        return None
    if col.choices or col.dtype is Dtype.TEXT:
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return v
    if col.dtype in _NUMERIC:
        f = number(v, formats)
        return v if f is None else f
    if col.dtype in (Dtype.DATE, Dtype.MONTH):
        return _date(v, formats)
    return v


def _make(col: Column, vs: ValueSpec, cols: list[int | None], raw: list[Any],
          formats: Formats) -> Any:
    if vs.constant:
        return vs.value
    if vs.join:
        parts = [_typed(Column("x", "x", "x"), _get(raw, c), formats) for c in cols]
        return vs.sep.join(str(p) for p in parts if not _blank(p)) or None
    v = _get(raw, cols[0])
    if vs.or_else and cols[1] is not None and (_blank(v) or number(v, formats) == 0):
        v = _get(raw, cols[1])
    if vs.mapping:
        key = "" if _blank(v) else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                    else str(v).strip())
        if key in vs.mapping:
            v = vs.mapping[key]
        else:
            norm = {normalise_header(k): m for k, m in vs.mapping.items()}
            # "*": every other code, a blank or a column the export does not have
            v = norm.get(normalise_header(key), vs.mapping.get("*", v))
    if vs.at_least is not None:
        f = number(v, formats)
        return vs.then if f is not None and f >= vs.at_least else vs.otherwise
    if (vs.minus or vs.divide_by) and cols[1] is None:  # optional operand not exported
        return _typed(col, v, formats)
    if vs.minus or vs.divide_by or vs.scale is not None:
        a = number(v, formats)
        if a is None:
            return _typed(col, v, formats)
        if vs.scale is not None:
            return a * vs.scale
        b_raw = _get(raw, cols[1])
        b = 0.0 if vs.minus and _blank(b_raw) else number(b_raw, formats)
        if b is None:
            return b_raw
        if vs.minus:
            return a - b
        return a / b if b else f"{a:g} / 0"
    return _typed(col, v, formats)


def _skips(rule: SkipRule, cols: list[int | None], raw: list[Any], formats: Formats) -> bool:
    if cols[0] is None:  # the export does not have the column: nothing to skip by
        return False
    v = _get(raw, cols[0])
    text = "" if _blank(v) else str(v).strip().lower()
    if rule.not_blank and text:
        return True
    if rule.equals and text in {e.strip().lower() for e in rule.equals}:
        return True
    if rule.contains and any(c.lower() in text.split() or c.lower() == text
                             for c in rule.contains):
        return True
    if rule.not_above is not None:
        a = number(v, formats)
        if a is None:
            return False
        if rule.value.minus:
            b = number(_get(raw, cols[1]), formats) or 0.0
            a -= b
        return a <= rule.not_above
    return False
