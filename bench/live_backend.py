"""The live backend's work outside Excel, and the number of Excel calls a write costs.

Prints, for planning-grid sheets of growing size: the time to plan the sheet in Python
(values block, style rectangles, union addresses), and the calls the write makes into
Excel (counted on the in-memory stand-in tests/backend/fake_excel.py; each is one COM or
AppleScript round trip in real Excel), against the number of cells. Run from the repo
root: python bench/live_backend.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sop_xl.layout.sheet import Formula, SheetContent
from sop_xl.workbook.live import ComCalls, LiveBackend
from sop_xl.workbook.live_plan import plan_sheet
from tests.backend.fake_excel import new_book

PERIODS = 24


def grid(n_items: int) -> SheetContent:
    """An MPS-like grid: 4 measure rows per item, the projection a live formula."""
    cols = [chr(67 + p) if p < 24 else "A" + chr(65 + p - 24) for p in range(PERIODS)]
    rows = [["item", "measure", *[f"2027-{p % 12 + 1:02d}" for p in range(PERIODS)]]]
    content = SheetContent("MPS", rows, freeze=(1, 2))
    content.style(0, 0, 0, PERIODS + 1, "period_header")
    for i in range(n_items):
        top = len(rows)
        r = top + 1
        rows.append([f"I{i:05d}", "demand", *[10.0] * PERIODS])
        rows.append([f"I{i:05d}", "receipts", *[0.0] * PERIODS])
        rows.append([f"I{i:05d}", "production", *[12.0] * PERIODS])
        rows.append([f"I{i:05d}", "projected",
                     *[Formula(f"{cols[p]}{r + 2}-{cols[p]}{r}", 2.0) for p in range(PERIODS)]])
        content.style(top, 0, top, PERIODS + 1, "block_first")
        content.style(top, 2, top + 1, PERIODS + 1, "cell")
        content.style(top + 2, 2, top + 2, PERIODS + 1, "cell_input")
        content.style(top + 3, 2, top + 3, PERIODS + 1, "cell_bold")
    content.col_widths = {0: 12, 1: 16}
    return content


def main() -> None:
    print(f"{'items':>6} {'cells':>9} {'plan s':>7} {'calls':>6} {'value':>6} "
          f"{'format':>7} {'cells/call':>10}")
    for n in (10, 100, 1000, 3000):
        content = grid(n)
        cells = content.n_rows * content.n_cols
        t0 = time.perf_counter()
        plan_sheet(content)
        planned = time.perf_counter() - t0
        book = new_book("Inputs")
        LiveBackend(book, calls=ComCalls()).write_sheets([content])
        log = book.app.log
        writes = [e for e in log if not e[0].endswith(".get")]
        fmt = [e for e in log if e[0].startswith("format.")]
        values = [e for e in log if e[0] == "value.set"]
        print(f"{n:>6} {cells:>9,} {planned:>7.3f} {len(writes):>6} {len(values):>6} "
              f"{len(fmt):>7} {cells / len(writes):>10,.0f}")


if __name__ == "__main__":
    main()
