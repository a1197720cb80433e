"""Writing a large MRP sheet: µs a cell at 1.5 M, 3 M and 6 M cells, and how it scales.

The MRP sheet of bench/mrp.py's plant (6 rows per item, 104 weekly buckets, live
projected-on-hand formulas with cached values) at about 1.5, 3 and 6 million cells; per
size, the layout (``grid_content``: SheetContent with formulas and styles) and the file
writer (``FileBackend.create``: worksheet XML, styles, the zip) are timed separately and
per cell, in wall time and in this process's CPU time (the machine is shared: CPU time is
what the code costs, wall time what a planner waits). The baseline, measured in the same
run on the 1.5 M-cell sheet, is the textbook hand-written writer (cell reference, value
and escaping computed per cell): the ratio to it survives a busy machine, and the ratio
of µs a cell at 6 M to 1.5 M shows whether writing is linear.

Targets (issue 20, 2-core machine): layout + writer ≤ 1.5 µs a cell, linear up to 6 M
cells (6 M / 1.5 M ≤ 1.15).
Run: ``python bench/sheet_write.py [--sizes 1.5,3,6] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import mrp as mrp_bench

from sop_xl.plan import mrp

BUCKETS = 104
CELLS_PER_ITEM = 604   # measured: 6 measure rows × 112 columns of the planned items


def sheet(million_cells: float):
    """The MRP SheetContent of a plant sized to about ``million_cells`` M cells."""
    from sop_xl.layout.grid import grid_content
    from sop_xl.layout.supply import mrp_grid

    n = max(int(million_cells * 1e6 / CELLS_PER_ITEM), 10)
    c = mrp_bench.company(n, 3 * n, BUCKETS)
    r = mrp.plan(c["items"], c["bom"], c["mps_items"], c["mps_production"], c["on_hand"],
                 c["receipts"], c["days"], peg=False)
    wd = c["days"].calendar.bucket_working_days(c["days"].buckets)
    grid = mrp_grid(r, c["items"], wd, title="MRP bench")
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    content = grid_content(grid, "en")
    return content, (time.perf_counter() - t0, time.process_time() - c0)


def write_ours(content, folder: Path) -> float:
    from sop_xl.workbook.file import FileBackend

    t0, c0 = time.perf_counter(), time.process_time()
    FileBackend.create(folder / "ours.xlsx", [content]).close()
    return time.perf_counter() - t0, time.process_time() - c0


def write_textbook(content, folder: Path) -> float:
    """The same cells by the textbook hand-written writer (cell reference computed, value
    formatted and text escaped per cell, one string, zlib level 1): the same-run
    baseline, so the ratio to it survives a busy machine."""
    import zlib
    from xml.sax.saxutils import escape

    from sop_xl.contract.cells import cell_ref
    from sop_xl.layout.sheet import Formula

    t0 = time.perf_counter()
    out = []
    for r, row in enumerate(content.rows):
        cells = []
        for c, v in enumerate(row):
            if v is None:
                continue
            ref = cell_ref(r, c)
            if type(v) is Formula:
                cells.append(f'<c r="{ref}"><f>{escape(v.text)}</f><v>{v.value!r}</v></c>')
            elif isinstance(v, float | int):
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
        out.append(f'<row r="{r + 1}">{"".join(cells)}</row>')
    data = zlib.compress("".join(out).encode(), 1)
    (folder / "baseline.xml.z").write_bytes(data)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1.5,3,6", help="million cells, comma-separated")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile layout + writer at the first size; print the top ten")
    args = ap.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"sheet writing bench: MRP sheet, {BUCKETS} weekly buckets")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base_us = None
        for k, size in enumerate(sizes):
            content, (t_layout, c_layout) = sheet(size)
            cells = sum(len(r) for r in content.rows)
            if args.profile and k == 0:
                prof = cProfile.Profile()
                prof.enable()
                write_ours(content, folder)
                prof.disable()
                print("  profile of the writer (top ten by own time):")
                pstats.Stats(prof).sort_stats("tottime").print_stats(10)
            gc.collect()
            t_write, c_write = write_ours(content, folder)
            if base_us is None:
                gc.collect()
                base_us = write_textbook(content, folder) / cells * 1e6
                print(f"  baseline: the textbook writer, same cells: {base_us:.2f} µs/cell")
            us = (t_layout + t_write) / cells * 1e6
            cpu = (c_layout + c_write) / cells * 1e6
            results.append((cells, us, cpu))
            print(f"  {cells / 1e6:5.2f} M cells: layout {t_layout:5.1f} s + writer "
                  f"{t_write:5.1f} s = {us:.2f} µs/cell wall ({c_layout / cells * 1e6:.2f} + "
                  f"{c_write / cells * 1e6:.2f} = {cpu:.2f} µs/cell CPU); "
                  f"{us / base_us:.2f}× the baseline")
            del content
    last, first = results[-1], results[0]
    worst = max(r[1] for r in results)
    print(f"  summary: {last[1]:.2f} µs/cell wall, {last[2]:.2f} CPU at {last[0] / 1e6:.1f} M "
          f"cells; worst {worst:.2f} wall (target 1.5: {'met' if worst <= 1.5 else 'NOT met'});"
          f" {last[0] / 1e6:.1f} M / {first[0] / 1e6:.1f} M µs-a-cell ratio "
          f"{last[1] / first[1]:.2f}"
          f" wall, {last[2] / first[2]:.2f} CPU (linear: ≤ 1.15)")


if __name__ == "__main__":
    main()
