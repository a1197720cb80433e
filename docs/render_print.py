"""Print a workbook (or one of its sheets) through LibreOffice and save a page as PNG, to
look at what a planner's printer gives (the README's print pictures).

    python docs/render_print.py WORKBOOK OUT.png [--sheet NAME] [--page N] [--dpi 80]

With --sheet the other sheets are dropped first (a master prints hundreds of pages).
Needs LibreOffice (soffice) and poppler-utils (pdftoppm); fonts-crosextra-carlito gives
LibreOffice Calibri's metrics, so its pages break about where Excel's do.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sop_xl.workbook.package import Package


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("workbook", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--sheet")
    ap.add_argument("--page", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=80)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / ("book" + args.workbook.suffix)
        if args.sheet:
            pkg = Package(args.workbook)
            pkg.put_sheets([], remove=[n for n in pkg.sheet_names() if n != args.sheet])
            pkg.save(one)
        else:
            shutil.copy(args.workbook, one)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(one)], check=True,
                       capture_output=True, timeout=300)
        subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", str(args.page), "-l",
                        str(args.page), "-singlefile", str(Path(tmp) / "book.pdf"),
                        str(Path(tmp) / "page")], check=True)
        shutil.copy(Path(tmp) / "page.png", args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
