"""A small company whose demand plan is fixed by hand, planned once per session.

The sales assistants submit a forecast for every month of the 6-month horizon
(near_term_months = 6), so the demand plan never depends on the statistical forecast:

    A: contracts C1 (small, 30 ordered, 10 delivered, due 2026-12) → 20 open in 2026-12;
       project P1 50 × 0.5 in 2027-02; sales forecast 80, 90, 85, 95, 100, 105
       demand plan = 100, 90, 110, 95, 100, 105        shipped against orders: 10, 0, ...
    B: contract C2 (large, 100, due 2027-01); sales forecast 40, 0, 40, 40, 40, 40
       demand plan = 40, 100, 40, 40, 40, 40
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from small_company import frames

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.layout.render import table_content

MONTH = "2026-12"
DEMAND_A = [100.0, 90.0, 110.0, 95.0, 100.0, 105.0]
DEMAND_B = [40.0, 100.0, 40.0, 40.0, 40.0, 40.0]
PERIODS = ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05"]


def company(sales_a: tuple[float, ...] = (80, 90, 85, 95, 100, 105)) -> tuple[dict, dict]:
    f, s = frames(MONTH)
    m = pd.Period(MONTH, "M")
    rows = [["Li Na", "Domestic Sales", "A", m + k, float(q), None]
            for k, q in enumerate(sales_a)]
    rows += [["Wang Fang", "International Trade", "B", m + k, float(q), None]
             for k, q in enumerate((40, 0, 40, 40, 40, 40))]
    f["sales_forecast"] = pd.DataFrame(rows, columns=f["sales_forecast"].columns)
    s = {**s, "near_term_months": 6, "author": "Chen Jie"}
    return f, s


def book(path: Path) -> MasterWorkbook:
    return MasterWorkbook.open(path)


def write_input(path: Path, key: str, frame: pd.DataFrame) -> None:
    """Replace an input sheet the way a planner would (the run itself never does)."""
    b = book(path)
    spec = contract.sheet(key)
    content = table_content(spec, frame, b.language, editable=True)
    content.name = b.sheet_name(spec) or spec.en
    b.backend.write_sheets([content])


def find_cell(path: Path, sheet: str, section: str, key: str, measure: str, period: str,
              column: str = "Quantity") -> str:
    """The A1 reference of one snapshot value on a plan tab, found by reading the sheet."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    col = head.index(column)
    for r, row in enumerate(rows[1:], start=2):
        if row[:5] == (section, key, row[2], measure, period):
            return f"{openpyxl.utils.get_column_letter(col + 1)}{r}"
    raise LookupError((section, key, measure, period))


def edit_cell(path: Path, sheet: str, ref: str, value) -> None:
    """A hand edit: openpyxl loads, changes one cell and saves (rewriting the file)."""
    wb = openpyxl.load_workbook(path)
    wb[sheet][ref] = value
    wb.save(path)
