"""Compare every formula cell's cached value (what Python computed) with LibreOffice's."""

from __future__ import annotations

import math
from pathlib import Path

from python_calamine import CalamineWorkbook

from sop_xl.workbook.file import FileBackend


def formula_mismatches(ours: Path, theirs: Path, rel: float = 1e-9) -> tuple[int, list[str]]:
    """(number of formula cells checked, descriptions of those that differ)."""
    mine = FileBackend(ours)
    lo = CalamineWorkbook.from_path(str(theirs))
    checked, bad = 0, []
    for name in mine.sheet_names():
        raw = mine.read_sheet(name)
        if not raw.formulas:
            continue
        other = lo.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for (r, c), f in raw.formulas.items():
            a = raw.rows[r][c] if r < len(raw.rows) and c < len(raw.rows[r]) else ""
            b = other[r][c] if r < len(other) and c < len(other[r]) else ""
            checked += 1
            if isinstance(a, float) and isinstance(b, float):
                if not math.isclose(a, b, rel_tol=rel, abs_tol=1e-9):
                    bad.append(f"{name}!{r + 1},{c + 1} {f}: python {a} vs LibreOffice {b}")
            elif (a if a is not None else "") != (b if b is not None else ""):
                bad.append(f"{name}!{r + 1},{c + 1} {f}: python {a!r} vs LibreOffice {b!r}")
    return checked, bad
