"""Recalculate a workbook in LibreOffice and compare its formula cells with the values
Python cached in them: the check that a sheet's live formulas and the engines agree."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

from sop_xl.workbook.file import FileBackend

SOFFICE = shutil.which("soffice")


def recalculate(path: Path, out_dir: Path, profile: str) -> Path:
    """``path`` converted to .xlsx by LibreOffice, which recalculates every formula."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [SOFFICE or "soffice", f"-env:UserInstallation={profile}", "--headless",
           "--norestore", "--nolockcheck", "--convert-to", 'xlsx:Calc MS Excel 2007 XML',
           "--outdir", str(out_dir), str(path)]
    subprocess.run(cmd, check=True, timeout=240, capture_output=True)
    out = out_dir / (path.stem + ".xlsx")
    assert out.is_file(), f"LibreOffice did not convert {path.name}"
    return out


def _same(a: object, b: object, tol: float) -> bool:
    blank = (None, "")
    if a in blank or b in blank:
        return a in blank and b in blank
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)
    return a == b


def compare_formulas(ours: Path, theirs: Path, sheet: str,
                     tol: float = 1e-6) -> tuple[int, list[str]]:
    """(number of formula cells, mismatches as "A12: python 5 vs libreoffice 6")."""
    mine = FileBackend(ours).read_sheet(sheet)
    other = FileBackend(theirs).read_sheet(sheet)
    bad = []
    for (r, c), text in sorted(mine.formulas.items()):
        a = mine.rows[r][c] if r < len(mine.rows) and c < len(mine.rows[r]) else None
        b = other.rows[r][c] if r < len(other.rows) and c < len(other.rows[r]) else None
        if (r, c) in other.errors:
            b = other.errors[(r, c)]
        if not _same(a, b, tol):
            from sop_xl.contract.cells import cell_ref
            bad.append(f"{cell_ref(r, c)} {text}: python {a!r} vs libreoffice {b!r}")
    return len(mine.formulas), bad
