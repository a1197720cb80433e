"""Two months of the demo company through the S&OP meeting, and the README's picture of the
December pack (docs/meeting.png).

    python docs/render_meeting.py [OUT_DIR] [--page N] [--dpi 80]

November: the demo master (with a year of the assistants' submissions on file) is planned,
its meeting pack written, and decisions typed into it as at the meeting. December: the
month's inputs replace November's, the four sales assistants get their workbooks, type the
demo's forecasts (and reasons) and send them back, the planner collects and plans, and the
December pack is written — with November's figures beside December's, the plan against
November's version and November's open decisions carried — and rendered to PDF and PNG.
The statistical forecast is the real one (``sop-xl run``), so this takes a minute or two.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sop_xl.app.cycle import CYCLE, run_steps
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.demo import build_demo
from sop_xl.faces.assistants import collect, needs_reason, split
from sop_xl.faces.meeting import write_meeting
from sop_xl.workbook.file import FileBackend


def with_submissions_on_file(company) -> dict[str, pd.DataFrame]:
    """The demo's inputs with the previous twelve months' own (lag-0) submissions still in
    SalesForecast, as a year of ``assistants collect`` leaves them."""
    frames = dict(company.frames)
    prev = company.previous_forecasts
    lag0 = prev[prev["made_month"] == prev["month"]].drop(columns="made_month")
    frames["sales_forecast"] = pd.concat([lag0.assign(reason=None), frames["sales_forecast"]],
                                         ignore_index=True)
    return frames


def type_decisions(pack: Path) -> None:
    wb = openpyxl.load_workbook(pack)
    ws = wb["Decisions"]
    topics = {ws.cell(r, 3).value: r for r in range(5, ws.max_row + 1)}
    for topic, r in topics.items():
        if topic and topic.startswith("Approve the plan"):
            ws.cell(r, 4).value, ws.cell(r, 8).value = "Approved, overtime on MC-CNC", "Done"
        elif topic and topic.startswith("MC-CNC"):
            ws.cell(r, 4).value = "Saturday shifts until the backlog is cleared"
            ws.cell(r, 5).value, ws.cell(r, 6).value = "Plant manager", "2027-01-31"
            ws.cell(r, 8).value = "In progress"
    blank = next(r for t, r in topics.items() if t is None)
    ws.cell(blank, 3).value = "Dispose of discontinued valve stock (FG-V220)"
    ws.cell(blank, 4).value = "Offer to distributors at cost"
    ws.cell(blank, 5).value, ws.cell(blank, 6).value = "Sales director", "2027-02-28"
    wb.save(pack)


def assistants_type(company, out: Path, inbox: Path) -> None:
    """Each assistant types the demo's forecast for the month, with a reason where the
    workbook asks for one."""
    sf = company.frames["sales_forecast"]
    mine = {(a, i, str(m)): (q, r) for a, i, m, q, r in
            zip(sf["assistant"], sf["item"], sf["month"], sf["qty"], sf["reason"],
                strict=True)}
    inbox.mkdir(parents=True, exist_ok=True)
    for path in sorted(out.glob("*.xlsx")):
        assistant = path.stem.split(" ", 1)[1]
        wb = openpyxl.load_workbook(path)
        ws = wb["Forecast"]
        for r in range(7, ws.max_row + 1):
            item, month, ref = ws.cell(r, 1).value, ws.cell(r, 4).value, ws.cell(r, 5).value
            qty, reason = mine.get((assistant, item, month), (ref, None))
            ws.cell(r, 8).value = qty
            if needs_reason(qty, ref, company.settings["deviation_threshold"]):
                ws.cell(r, 10).value = reason if isinstance(reason, str) else \
                    "Confirmed with the customer"
        wb.save(inbox / path.name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", type=Path, default=Path("out/meeting"))
    ap.add_argument("--page", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=80)
    ap.add_argument("--png", type=Path, default=Path("docs/meeting.png"))
    args = ap.parse_args()
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    nov = build_demo("2026-11")
    master = write_master(out / "sop_master.xlsx", with_submissions_on_file(nov), nov.settings)
    print("November: planning", flush=True)
    run_steps(MasterWorkbook.open(master), CYCLE)
    type_decisions(write_meeting(master).path)
    dec = build_demo("2026-12")
    frames = dict(dec.frames)
    frames["sales_forecast"] = MasterWorkbook.open(master).read_inputs() \
        .sales_forecast.drop(columns="_row")
    FileBackend(master).write_sheets(input_sheets(frames, dec.settings, "en"))
    print("December: statistical forecast, the assistants' round, planning", flush=True)
    run_steps(MasterWorkbook.open(master), ["forecast"])
    split(master, out / "to assistants")
    assistants_type(dec, out / "to assistants", out / "returned")
    report = collect(out / "returned", master)
    assert not report.refused and not report.missing, report.refused
    run_steps(MasterWorkbook.open(master), CYCLE)
    pack = write_meeting(master, pdf=True)
    assert pack.pdf is not None
    stem = out / "page"
    subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", str(args.page), "-l",
                    str(args.page), "-singlefile", str(pack.pdf), str(stem)], check=True)
    shutil.copy(stem.with_suffix(".png"), args.png)
    print(f"wrote {pack.path}, {pack.pdf} and {args.png}")


if __name__ == "__main__":
    main()
