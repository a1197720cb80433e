"""The one way the tests recalculate a workbook in LibreOffice, and compare every formula
cell with the value Python cached in it.

LibreOffice keeps the cached values of an .xlsx it opens with a fresh profile (its default
for OOXML files; FACTS.md, 2026-12 correction), so a converter started as
``soffice --convert-to`` compares Python's numbers with themselves. Here the profile is
written first with ``/org.openoffice.Office.Calc/Formula/Load`` ``OOXMLRecalcMode`` and
``ODFRecalcMode`` = 0 ("always recalculate"), and every call proves that it worked twice:

- a canary workbook converted in the same LibreOffice call holds ``=A1*3`` with the wrong
  cached value 999 beside A1 = 2; it must come back as 6;
- the workbook itself is converted from a copy in which one numeric formula cell's cached
  value was replaced by a wrong one; that cell must come back as Python computed it.

Otherwise ``recalculate`` raises ``NotRecalculated``: a recalculation test that cannot
fail is a defect.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sop_xl.contract.cells import cell_ref, parse_ref
from sop_xl.workbook import ooxml
from sop_xl.workbook.file import FileBackend
from sop_xl.workbook.package import Package

SOFFICE = shutil.which("soffice")
CANARY = "sopxl-recalc-canary"
CANARY_WRONG, CANARY_RIGHT = 999.0, 6.0
PLANTED = 987654.321  # the wrong cached value planted into the workbook's copy
FORCE_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class NotRecalculated(AssertionError):
    """LibreOffice gave back a planted wrong cached value: it did not recalculate."""


def soffice_available() -> bool:
    return SOFFICE is not None


def force_recalc_profile(profile: Path) -> Path:
    """A LibreOffice user profile that recalculates every formula of a file it loads."""
    xcu = profile / "user" / "registrymodifications.xcu"
    xcu.parent.mkdir(parents=True, exist_ok=True)
    if not xcu.exists():
        xcu.write_text(FORCE_RECALC, encoding="utf-8")
    return profile


TYPE_CELLS = Path(__file__).parent / "tools" / "lo_type_cells.py"


def type_cells(src: Path, dst: Path, edits: list[list], profile: Path) -> Path:
    """``src`` opened in LibreOffice, ``edits`` ([sheet, cell, number or text], ...) typed
    as a planner types them, every formula recalculated, saved as ``dst``."""
    subprocess.run(["/usr/bin/python3", str(TYPE_CELLS), str(src), str(dst),
                    str(force_recalc_profile(profile)), json.dumps(edits)],
                   check=True, timeout=300, capture_output=True)
    return dst


def write_canary(path: Path) -> Path:
    """A one-sheet workbook: A1 = 2, B1 = A1*3 with the wrong cached value 999."""
    from sop_xl.layout.sheet import Formula, SheetContent

    path.unlink(missing_ok=True)
    FileBackend.create(path, [SheetContent("Canary", [[2.0, Formula("A1*3", CANARY_WRONG)]])])
    return path


@dataclass
class Planted:
    sheet: str
    ref: str
    row: int
    col: int
    python: float


def plant_wrong_value(src: Path, dst: Path) -> Planted | None:
    """Copy ``src`` to ``dst`` with the cached value of its first numeric formula cell
    replaced by ``PLANTED`` (edited with lxml, so any producer's file works); None if the
    workbook holds no numeric formula cell."""
    shutil.copyfile(src, dst)
    pkg = Package(dst)
    try:
        for entry in pkg.sheets:
            root = pkg.edit(entry.part)
            ns = ooxml.namespace(root)
            for c in root.iter(f"{{{ns}}}c"):
                f, v = c.find(f"{{{ns}}}f"), c.find(f"{{{ns}}}v")
                if f is None or v is None or c.get("t") not in (None, "n"):
                    continue
                try:
                    python = float(v.text or "")
                except ValueError:
                    continue
                v.text = repr(PLANTED)
                ref = c.get("r") or ""
                pkg.save(dst)
                r, col = parse_ref(ref)
                return Planted(entry.name, ref, r, col, python)
        return None
    finally:
        pkg.close()


def _convert(files: list[Path], out_dir: Path, profile: Path) -> None:
    cmd = [SOFFICE or "soffice", f"-env:UserInstallation={profile.resolve().as_uri()}",
           "--headless", "--norestore", "--nolockcheck", "--convert-to",
           "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), *map(str, files)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)


def recalculate(path: Path, out_dir: Path, *, force: bool = True) -> Path:
    """``path`` opened, fully recalculated and saved as .xlsx by LibreOffice; the saved
    file's path. Raises ``NotRecalculated`` when a planted wrong value survives.

    ``force=False`` is the helper the tests used before (a fresh profile): kept only to
    show that the canary catches it."""
    return recalculate_all([path], out_dir, force=force)[0]


def recalculate_all(paths: list[Path], out_dir: Path, *, force: bool = True) -> list[Path]:
    """``recalculate`` for several workbooks in one LibreOffice start (names must differ)."""
    paths = [Path(p) for p in paths]
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems) or CANARY in stems:
        raise ValueError(f"workbook names must differ: {stems}")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / "planted"
    work.mkdir(exist_ok=True)
    done = out_dir / "recalculated"
    done.mkdir(exist_ok=True)
    profile = out_dir / "lo-profile"
    if force:
        force_recalc_profile(profile)
    canary = write_canary(work / f"{CANARY}.xlsx")
    planted = [plant_wrong_value(p, work / p.name) for p in paths]
    _convert([*(work / p.name for p in paths), canary], done, profile)
    outs = []
    for path, spot in zip(paths, planted, strict=True):
        out = done / (path.stem + ".xlsx")
        if not out.is_file():
            raise AssertionError(f"LibreOffice did not write {out}")
        if spot is not None:
            rows = FileBackend(out).read_sheet(spot.sheet).rows
            v = rows[spot.row][spot.col] if spot.row < len(rows) and \
                spot.col < len(rows[spot.row]) else None
            if isinstance(v, int | float) and math.isclose(v, PLANTED):
                raise NotRecalculated(f"LibreOffice kept the planted value {PLANTED} in "
                                      f"{spot.sheet}!{spot.ref} (Python computed "
                                      f"{spot.python}): it did not recalculate {path.name}")
        outs.append(out)
    # out of the way, so the folder holds only the workbooks asked for
    checked = (done / canary.name).replace(work / f"{CANARY}-recalculated.xlsx")
    got = FileBackend(checked).read_sheet("Canary").rows[0][1]
    if got != CANARY_RIGHT:
        raise NotRecalculated(f"LibreOffice kept the canary's cached value {got!r} for "
                              f"=A1*3 with A1 = 2: it did not recalculate")
    return outs


# -- comparing ---------------------------------------------------------------------------

@dataclass
class Comparison:
    """Formula cells compared (per sheet) and those that differ or are errors."""

    by_sheet: dict[str, int] = field(default_factory=dict)
    bad: list[str] = field(default_factory=list)
    #: errors Python cached too and the caller declared intended (e.g. #N/A chart gaps)
    intended_errors: int = 0

    @property
    def checked(self) -> int:
        return sum(self.by_sheet.values())


def _blank(v: object) -> bool:
    return v is None or v == ""


def _same(a: object, b: object, rel: float) -> bool:
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=rel)
    return a == b


def compare(ours: Path, theirs: Path, *, sheets: list[str] | None = None, rel: float = 1e-9,
            intended_errors: frozenset[str] = frozenset()) -> Comparison:
    """Every formula cell of ``ours`` (as Python wrote it) against the same cell of
    ``theirs`` (as LibreOffice recalculated it): numbers within ``rel`` (relative, and
    absolute near 0), text and blanks equal, and no error value — unless Python cached the
    same error and it is one of ``intended_errors``."""
    mine, other = FileBackend(ours), FileBackend(theirs)
    out = Comparison()
    for name in sheets or mine.sheet_names():
        raw = mine.read_sheet(name)
        if not raw.formulas:
            continue
        lo = other.read_sheet(name)
        out.by_sheet[name] = len(raw.formulas)
        for (r, c), text in sorted(raw.formulas.items()):
            a = raw.errors.get((r, c)) or (raw.rows[r][c] if r < len(raw.rows)
                                           and c < len(raw.rows[r]) else None)
            b = lo.errors.get((r, c)) or (lo.rows[r][c] if r < len(lo.rows)
                                          and c < len(lo.rows[r]) else None)
            if (r, c) in lo.errors:
                if b == a and b in intended_errors:
                    out.intended_errors += 1
                    continue
                out.bad.append(f"{name}!{cell_ref(r, c)} {text}: LibreOffice gives the "
                               f"error {b} (python {a!r})")
            elif (r, c) in raw.errors or not _same(a, b, rel):
                out.bad.append(f"{name}!{cell_ref(r, c)} {text}: python {a!r} vs "
                               f"LibreOffice {b!r}")
    return out


def formula_mismatches(ours: Path, theirs: Path, rel: float = 1e-9) -> tuple[int, list[str]]:
    """(number of formula cells checked, descriptions of those that differ)."""
    c = compare(ours, theirs, rel=rel)
    return c.checked, c.bad
