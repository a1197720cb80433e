"""A sales assistant's workbook as it comes back: identified, checked, and read.

Checks, all run so every problem of a file is reported at once:

- it is a workbook at all, and one that ``assistants split`` wrote (its control sheet is
  there and intact);
- it is for the master's planning month;
- no protected cell changed (constants by value, formulas by their text, so a spreadsheet
  that recalculated or re-saved the file is fine);
- each forecast is a whole number of pieces ≥ 0, and a reason is given wherever the
  forecast departs from the statistical reference by more than the threshold;
- its items are still in the master's Items sheet.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sop_xl.base.errors import Problem, WorkbookError
from sop_xl.base.messages import message
from sop_xl.contract.cells import parse_ref
from sop_xl.contract.model import Column, Dtype
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import Invalid, coerce, is_blank
from sop_xl.faces.assistants.book import KIND
from sop_xl.faces.assistants.figures import needs_reason
from sop_xl.faces.assistants.manifest import ManifestDamaged, read_manifest
from sop_xl.workbook.file import FileBackend

#: What a forecast cell must hold: whole pieces, 0 or more.
QTY = Column("qty", "Your forecast", "您的预测", Dtype.INT, "pcs", required=True, min=0)


@dataclass
class Returned:
    """One accepted file: who, for which month, and the rows it brings."""

    path: Path
    file_hash: str
    assistant: str
    department: str | None
    planning_month: str
    #: item, month (Period[M]), qty, reason, reference, flagged, plant (None: by shares)
    lines: pd.DataFrame

    @property
    def flagged(self) -> int:
        return int(self.lines["flagged"].sum())


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_returned(path: Path, *, planning_month: pd.Period, items: set[str],
                  lang: str) -> tuple[Returned | None, list[Problem]]:
    """The file's rows, or the problems that make it unacceptable (never both)."""
    path = Path(path)
    name = path.name

    def problem(code: str, sheet: str | None = None, row: int | None = None,
                column: str | None = None, cell: str | None = None, value: Any = None, /,
                **params: Any) -> Problem:
        return Problem(code, sheet, row, column, cell, value, params, name)

    try:
        backend = FileBackend(path, lang=lang)
        doc = read_manifest(backend)
    except WorkbookError as exc:
        return None, [problem(exc.code, **exc.params)]
    except ManifestDamaged as exc:
        return None, [problem("asst_manifest_damaged", detail=str(exc))]
    if doc is None or doc.get("kind") != KIND:
        return None, [problem("asst_not_ours")]
    problems: list[Problem] = []
    if doc.get("planning_month") != str(planning_month):
        problems.append(problem("asst_wrong_month", file_month=doc.get("planning_month"),
                                month=str(planning_month)))
        return None, problems  # the rest is about another month's plan
    sheets: dict[str, RawSheet | None] = {}

    def raw(sheet: str) -> RawSheet | None:
        if sheet not in sheets:
            try:
                sheets[sheet] = backend.read_sheet(sheet)
            except KeyError:
                sheets[sheet] = None
                problems.append(problem("asst_sheet_gone", sheet, sheet=sheet))
        return sheets[sheet]

    for sheet, ref, kind, content in doc["protected"]:
        rs = raw(sheet)
        if rs is None:
            continue
        rc = parse_ref(ref)
        now = _cell(rs, rc)
        formula = rs.formulas.get(rc)
        if kind == "formula":
            if formula is not None and _norm(formula) == _norm(content):
                continue
            changed_to = formula or now
            expected = "=" + content
        else:
            if formula is None and _same(content, now):
                continue
            changed_to = formula or now
            expected = content
        problems.append(problem("asst_protected_changed", sheet, rc[0] + 1, None, ref,
                                changed_to, expected=_show(expected, lang),
                                value=_show(changed_to, lang)))
    f_sheet = doc["sheets"]["forecast"]
    rows = []
    threshold = float(doc["threshold"])
    # files written before the minimums existed carry none: the percentage alone
    min_qty, min_value = float(doc.get("min_qty", 0.0)), float(doc.get("min_value", 0.0))
    seen: dict[tuple[str, str, str | None], int] = {}
    for line in doc["inputs"]:
        rs = raw(f_sheet)
        if rs is None:
            break
        qty_rc, why_rc = parse_ref(line["qty"]), parse_ref(line["reason"])
        v = _cell(rs, qty_rc)
        label = message("ab_col_qty", lang)
        if is_blank(v):
            problems.append(problem("required", f_sheet, qty_rc[0] + 1, label, line["qty"],
                                    None, expected=QTY.expected(lang)))
            continue
        try:
            qty = float(coerce(QTY, v))
        except Invalid as exc:
            problems.append(problem(exc.code, f_sheet, qty_rc[0] + 1, label, line["qty"], v,
                                    expected=QTY.expected(lang), **exc.params))
            continue
        reason = _cell(rs, why_rc)
        reason = "" if is_blank(reason) else str(reason).strip()
        flagged = needs_reason(qty, float(line["reference"]), threshold, min_qty, min_value,
                               float(line.get("price", 0.0)))
        if flagged and not reason:
            problems.append(problem("asst_reason_required", f_sheet, qty_rc[0] + 1,
                                    message("ab_col_reason", lang), line["reason"], None,
                                    value=f"{qty:g}", reference=f"{line['reference']:g}",
                                    threshold=f"{threshold:.0%}"))
        if line["item"] not in items:
            problems.append(problem("asst_unknown_item", f_sheet, qty_rc[0] + 1,
                                    message("ab_col_item", lang), None, line["item"]))
        plant = _plant(rs, line, f_sheet, lang, problem, problems, seen)
        rows.append({"item": line["item"], "month": pd.Period(line["month"], "M"),
                     "qty": qty, "reason": reason or None,
                     "reference": float(line["reference"]), "flagged": flagged,
                     "plant": plant})
    if problems:
        return None, problems
    lines = pd.DataFrame(rows, columns=["item", "month", "qty", "reason", "reference",
                                        "flagged", "plant"])
    return Returned(path, file_hash(path), str(doc["assistant"]), doc.get("department"),
                    str(doc["planning_month"]), lines), []


def _plant(rs: RawSheet, line: dict[str, Any], sheet: str, lang: str, problem: Any,
           problems: list[Problem], seen: dict[tuple[str, str, str | None], int]
           ) -> str | None:
    """The shipping plant typed on a line (a workbook of a master with plants): blank
    (shared by the plants that ship the item) or one of the plants the control sheet
    lists for the item; one line per item, month and plant."""
    if "plant" not in line:
        return None
    rc = parse_ref(line["plant"])
    v = _cell(rs, rc)
    plant = None if is_blank(v) else str(v).strip() or None
    label = message("ab_col_plant", lang)
    allowed = list(line.get("plants", []))
    if plant is not None and plant not in allowed:
        problems.append(problem("asst_unknown_plant", sheet, rc[0] + 1, label, line["plant"],
                                v, item=line["item"], plants=", ".join(allowed)))
        return plant
    key = (str(line["item"]), str(line["month"]), plant)
    if key in seen:
        problems.append(problem("asst_plant_twice", sheet, rc[0] + 1, label, line["plant"],
                                v, item=line["item"], month=line["month"],
                                plant=plant or message("value_blank", lang),
                                rows=f"{seen[key]}, {rc[0] + 1}"))
    seen.setdefault(key, rc[0] + 1)
    return plant


def _cell(rs: RawSheet, rc: tuple[int, int]) -> Any:
    r, c = rc
    if r < len(rs.rows) and c < len(rs.rows[r]):
        return rs.rows[r][c]
    return None


_SPACE = re.compile(r"\s+")


def _norm(formula: str) -> str:
    """A formula's text as two spreadsheets may both write it: no "=", no spaces, no "$",
    no sheet-name quotes, no "_xlfn." prefixes, upper case."""
    f = formula[1:] if formula.startswith("=") else formula
    f = f.replace("_xlfn.", "").replace("$", "").replace("'", "")
    return _SPACE.sub("", f).upper()


def _same(expected: Any, now: Any) -> bool:
    if isinstance(expected, str):
        return isinstance(now, str) and now == expected
    if is_blank(now) or isinstance(now, str | bool):
        return False
    try:
        return math.isclose(float(now), float(expected), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def _show(v: Any, lang: str = "en") -> str:
    if is_blank(v):
        return message("value_blank", lang)
    if isinstance(v, float):
        return f"{v:g}"
    return repr(v) if isinstance(v, str) else str(v)
