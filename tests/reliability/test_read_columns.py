"""The column-wise reader gives exactly what reading cell by cell gives.

``read_table`` coerces whole columns at once (plain numbers in bulk, every other column
once per distinct value) for speed; these properties compare it with a plain per-cell
reading built on ``coerce``, the contract's one definition of a valid cell, on arbitrary
mixes of the values spreadsheets hold.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_xl.base.errors import Problem
from sop_xl.contract.cells import cell_ref
from sop_xl.contract.inputs import ITEM_TYPES
from sop_xl.contract.model import Column, Dtype, Layout, Role, SheetSpec
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import (
    ROW,
    Invalid,
    _duplicates,
    _problem,
    _typed,
    coerce,
    is_blank,
    read_table,
)

C = Column
SPEC = SheetSpec(
    key="probe", en="Probe", zh="探针", role=Role.INPUT, layout=Layout.TABLE,
    unique=("code",),
    columns=(
        C("code", "Code", "编码", required=True),
        C("kind", "Kind", "类型", choices=ITEM_TYPES, default="FG"),
        C("days", "Days", "天数", Dtype.INT, "days", required=True, min=1, max=365),
        C("qty", "Qty", "数量", Dtype.NUMBER, "pcs", min=0, min_exclusive=True, default=0.0),
        C("free", "Free", "自由", Dtype.NUMBER),
        C("share", "Share", "比例", Dtype.PERCENT, min=0, max=1, default=0.0),
        C("due", "Due", "到期", Dtype.DATE),
        C("month", "Month", "月份", Dtype.MONTH, required=True),
        C("note", "Note", "备注"),
    ))
LABELS = [c.label("en") for c in SPEC.columns]

cell = st.one_of(
    st.none(), st.just(""), st.just("  "), st.booleans(),
    st.integers(-5, 400), st.sampled_from([0.5, 1.0, 2.0, 12.0, 1e11, -3.0, 365.0, 0.9999999999]),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["A", "a ", " A", "B", "12", "1,200", "5%", "abc", "2026-03", "2026-03-05",
                     "03/04/2026", "13/04/2026", "成品", "FG", "Purchased part", "#N/A",
                     "=1+1", "1e12"]),
    st.sampled_from([date(2026, 3, 5), date(1900, 1, 4), datetime(2027, 1, 1, 8, 30)]),
)
# mostly plain numbers, so the bulk path is taken as well as the per-value one
numbers = st.lists(st.sampled_from([1.0, 2.0, 7.0, 30.0, 365.0]), min_size=1, max_size=12)


def reference(spec: SheetSpec, raw: RawSheet) -> tuple[pd.DataFrame, list[Problem]]:
    """Cell by cell, in column order then row order: the reader's specification."""
    header = raw.rows[0]
    where = {c.key: (header.index(c.label("en")), c.label("en")) for c in spec.columns}
    data = raw.rows[1:]
    keep = [i for i, row in enumerate(data)
            if any(not is_blank(row[c]) for c, _ in where.values())]
    problems: list[Problem] = []
    out = {ROW: np.array([i + 2 for i in keep], dtype=np.int64)}
    for col in spec.columns:
        c, label = where[col.key]
        values = []
        for i in keep:
            r, v = i + 1, data[i][c]
            if (r, c) in raw.errors:
                f = raw.formulas.get((r, c))
                code = "cell_error_formula" if f else "cell_error"
                params = {"value": raw.errors[(r, c)], "expected": col.expected("en")}
                if f:
                    params["formula"] = f
                problems.append(Problem(code, raw.name, r + 1, label, cell_ref(r, c),
                                        raw.errors[(r, c)], params))
                values.append(None)
            elif is_blank(v):
                if (r, c) in raw.uncached:
                    f = raw.formulas[(r, c)]
                    problems.append(Problem("formula_in_input", raw.name, r + 1, label,
                                            cell_ref(r, c), f, {"formula": f}))
                    values.append(None)
                elif col.required:
                    problems.append(Problem("required", raw.name, r + 1, label,
                                            cell_ref(r, c), None,
                                            {"expected": col.expected("en")}))
                    values.append(None)
                else:
                    values.append(col.default)
            else:
                try:
                    values.append(coerce(col, v))
                except Invalid as exc:
                    problems.append(_problem(raw.name, col, label, r, c, v, exc, "en"))
                    values.append(None)
        out[col.key] = _typed(col, values)
    frame = pd.DataFrame(out)
    problems.extend(_duplicates(spec, frame, raw.name, where))
    return frame, problems


@st.composite
def sheets(draw) -> RawSheet:
    n = draw(st.integers(0, 14))
    rows = [list(LABELS)]
    for _ in range(n):
        rows.append([draw(cell) for _ in LABELS])
    # some columns all plain numbers (the bulk path), sometimes with a bad one among them
    for c in draw(st.sets(st.sampled_from([2, 3, 4, 5]))):
        nums = draw(numbers)
        for r in range(1, n + 1):
            rows[r][c] = nums[(r - 1) % len(nums)]
    errors, formulas, uncached = {}, {}, set()
    for r in range(1, n + 1):
        for c in range(len(LABELS)):
            k = draw(st.integers(0, 30))
            if k == 0:
                rows[r][c] = ""
                errors[(r, c)] = "#N/A"
            elif k == 1:
                rows[r][c] = ""
                errors[(r, c)] = "#DIV/0!"
                formulas[(r, c)] = "=A1/0"
            elif k == 2:
                rows[r][c] = ""
                formulas[(r, c)] = "=VLOOKUP(A2,X!A:B,2,0)"
                uncached.add((r, c))
    return RawSheet("Probe", rows, formulas, errors, uncached=uncached)


@settings(max_examples=300, deadline=None)
@given(sheets())
def test_column_wise_reading_equals_cell_by_cell(raw: RawSheet) -> None:
    want, want_problems = reference(SPEC, raw)
    got, got_problems = read_table(SPEC, raw)
    pd.testing.assert_frame_equal(got, want)
    assert got_problems == want_problems


def test_a_bad_number_among_plain_numbers_is_named_alone() -> None:
    rows = [list(LABELS)] + [["A", "FG", 5.0, 1.0, 2.0, 0.1, "", 46000.0, ""]
                             for _ in range(5)]
    for r, row in enumerate(rows[1:], start=1):
        row[0] = f"I{r}"
    rows[3][2] = 0.0     # Days below its minimum 1, row 4
    rows[5][3] = 1e11    # Qty implausibly large, row 6
    frame, problems = read_table(SPEC, RawSheet("Probe", rows))
    assert [(p.code, p.cell) for p in problems] == [("below_min", "C4"), ("implausible", "D6")]
    assert [p.render() for p in problems] == [
        "Probe!C4 (Days (days)): 0 is below the minimum 1; expected a whole number ≥ 1 and "
        "≤ 365 (days)",
        "Probe!D6 (Qty (pcs)): 100000000000 is implausibly large (more than 10,000,000,000); "
        "check for a pasted code or a unit mix-up"]
    assert frame["days"].tolist() == [5, 5, pd.NA, 5, 5]
    assert frame["month"].astype(str).tolist() == ["2025-12"] * 5   # serial 46000
