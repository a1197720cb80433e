"""Reading back what the planner typed into the editable rows of output sheets (demand
adjustments, family changes, firmed cells), and the logs a run extends."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import Problem, ValidationError
from sop_xl.contract import Column, Dtype, SheetSpec, normalise_header
from sop_xl.contract.cells import cell_ref
from sop_xl.contract.read import Invalid, coerce, is_blank, text_cells
from sop_xl.layout.grid import FIRST_ROW, HEADER_ROW

_NUMBER = Column("value", "Value", "数值", Dtype.NUMBER)


def _period_label(v: Any) -> str | None:
    if v is None:
        return None
    t = str(v).strip()
    return t if len(t) in (7, 8) and t[:4].isdigit() and t[4] == "-" else None


def editable_cells(book: MasterWorkbook, key: str, measure: str, *,
                   whole: bool = False) -> pd.DataFrame:
    """The cells a planner may type in one editable row of a grid sheet → long frame
    (key: the block's first attribute, period label, value in pieces); blank cells are
    left out. A cell that is not a number (or not whole when ``whole``) raises
    ValidationError naming workbook, sheet, cell, value and expectation."""
    spec: SheetSpec = contract.sheet(key)
    cols = ["key", "period", "value"]
    name = book.sheet_name(spec)
    if name is None:
        return pd.DataFrame(columns=cols)
    raw = book.backend.read_sheet(name)
    if len(raw.rows) <= HEADER_ROW:
        return pd.DataFrame(columns=cols)
    lang = book.language
    m = spec.measure(measure)
    labels = {normalise_header(m.label(lg, cur)) for lg in ("en", "zh-CN")
              for cur in ("CNY", "USD", "EUR")}
    nb = len(spec.block_columns)
    header = raw.rows[HEADER_ROW]
    periods = [(j, p) for j, h in enumerate(header) if j > nb and (p := _period_label(h))]
    out: list[tuple[str, str, float]] = []
    problems: list[Problem] = []
    expected = _NUMBER.expected(lang)
    for r in range(FIRST_ROW, len(raw.rows)):
        row = raw.rows[r]
        if len(row) <= nb or is_blank(row[nb]) or normalise_header(row[nb]) not in labels:
            continue
        owner = text_cells([row[0]])[0] if not is_blank(row[0]) else ""
        for j, p in periods:
            v = row[j] if j < len(row) else None
            where = (spec.name(lang), r + 1, p, cell_ref(r, j))
            if (r, j) in raw.errors:
                problems.append(Problem("cell_error", *where, raw.errors[(r, j)],
                                        {"expected": expected}))
                continue
            if is_blank(v):
                continue
            try:
                x = float(coerce(_NUMBER, v))
            except Invalid as exc:
                problems.append(Problem(exc.code, *where, v, {"expected": expected}))
                continue
            if whole and abs(x - round(x)) > 1e-9:
                problems.append(Problem("not_whole", *where, v))
                continue
            out.append((owner, p, x))
    if problems:
        raise ValidationError([pr.with_workbook(book.name) for pr in problems], lang)
    return pd.DataFrame(out, columns=cols)


def given_factors(book: MasterWorkbook) -> pd.DataFrame:
    """Factors typed on FamilyShares (family, item, factor; blank = NaN)."""
    frame, problems = book.read_frame("family_shares")
    if problems:
        raise ValidationError([p.with_workbook(book.name) for p in problems], book.language)
    return frame[["family", "item", "factor"]]


def read_archive(book: MasterWorkbook) -> pd.DataFrame:
    """The ForecastArchive log as it stands (a bad cell stops the run: the log is never
    rewritten with rows dropped)."""
    frame, problems = book.read_frame("forecast_archive")
    if problems:
        raise ValidationError([p.with_workbook(book.name) for p in problems], book.language)
    return frame.drop(columns="_row", errors="ignore")
