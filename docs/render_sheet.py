"""Render one sheet of a workbook to PNG through LibreOffice (for the README's pictures).

    python docs/render_sheet.py WORKBOOK SHEET OUT.png [--rows N] [--dpi 80]

Copies the workbook keeping only SHEET (and at most N rows), converts it to PDF with
LibreOffice and the first page to PNG with pdftoppm (poppler-utils).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sop_xl.workbook import ooxml
from sop_xl.workbook.package import Package


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("workbook", type=Path)
    ap.add_argument("sheet")
    ap.add_argument("out", type=Path)
    ap.add_argument("--dpi", type=int, default=80)
    ap.add_argument("--area", help='print area, e.g. "A1:P40"')
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "sheet.xlsx"
        pkg = Package(args.workbook)
        pkg.put_sheets([], remove=[n for n in pkg.sheet_names() if n != args.sheet])
        if args.area:
            wb = pkg.edit(pkg.workbook_part)
            first, last = (re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", x)
                           for x in args.area.split(":"))
            names = ooxml.child(wb, "definedNames")
            if names is None:
                names = ooxml.make(wb, "definedNames", order=ooxml.WORKBOOK_ORDER)
            area = ooxml.make(names, "definedName",
                              {"name": "_xlnm.Print_Area", "localSheetId": "0"})
            area.text = f"'{args.sheet}'!{first}:{last}"
        pkg.save(one)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(one)], check=True,
                       capture_output=True, timeout=180)
        subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1",
                        "-singlefile", str(Path(tmp) / "sheet.pdf"), str(Path(tmp) / "page")],
                       check=True)
        shutil.copy(Path(tmp) / "page.png", args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
