"""Compare two planned master workbooks sheet by sheet, cell by cell (issue 17's
single-plant evidence): every cell's value (formula text for formulas), with the run's
clock masked — "written 2026-12-06 09:02" stamps, the version's saved-at time and RunLog's
duration — since two runs never share a minute.

Usage: python docs/notes/17-compare_cells.py MAIN.xlsx BRANCH.xlsx
"""

from __future__ import annotations

import re
import sys

import openpyxl

STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?")


def cells(ws) -> dict[str, object]:
    out = {}
    for row in ws.iter_rows():
        for c in row:
            v = c.value
            if v is None:
                continue
            out[c.coordinate] = STAMP.sub("<clock>", v) if isinstance(v, str) else v
    return out


def main(a_path: str, b_path: str) -> int:
    a, b = openpyxl.load_workbook(a_path), openpyxl.load_workbook(b_path)
    only_a = [s for s in a.sheetnames if s not in b.sheetnames]
    only_b = [s for s in b.sheetnames if s not in a.sheetnames]
    print(f"sheets only in {a_path}: {only_a}; only in {b_path}: {only_b}")
    same, differ = 0, 0
    for name in a.sheetnames:
        if name not in b.sheetnames:
            continue
        ca, cb = cells(a[name]), cells(b[name])
        if name in ("RunLog", "运行日志"):   # seconds the run took
            for c in (ca, cb):
                c.pop("E2", None)
        diff = sorted(k for k in ca.keys() | cb.keys() if ca.get(k) != cb.get(k))
        if diff:
            differ += 1
            print(f"  {name}: {len(diff)} cells differ: "
                  + "; ".join(f"{k} {ca.get(k)!r} → {cb.get(k)!r}" for k in diff[:3]))
        else:
            same += 1
    print(f"{same} common sheets identical cell for cell (clock masked), {differ} differ")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
