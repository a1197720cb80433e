"""Two months of the demo company, as its planner and sales assistants live them, keeping
a copy of every workbook the product writes on the way: the empty template; December's
assistant workbooks, the master after the run, after saving, approving and activating a
version and after a transfer (with its export), December's meeting pack; then January
(new history, stock and orders; December's forecasts archived): the assistants'
workbooks with last month's achievement, the master after the run and January's pack.

The statistical forecast is fixed at the demo's run-rate (no model fitting), so the two
months take seconds; everything else is the product's own path, CLI commands included.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from meeting_support import fill, forecast_rows

from sop_xl.app import cycle
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.cli.main import main
from sop_xl.demo import build_demo
from sop_xl.faces.assistants import collect, needs_reason, split
from sop_xl.faces.meeting import write_meeting
from sop_xl.plan import month
from sop_xl.plan.forecast import ForecastResult
from sop_xl.workbook.file import FileBackend


def demo_frames(company) -> dict[str, pd.DataFrame]:
    """The demo's inputs with the last twelve months' submissions still in SalesForecast
    (each month's own, lag-0 forecast), as a year of ``collect`` leaves them."""
    frames = dict(company.frames)
    prev = company.previous_forecasts
    lag0 = prev[prev["made_month"] == prev["month"]].drop(columns="made_month")
    frames["sales_forecast"] = pd.concat([lag0.assign(reason=None),
                                          frames["sales_forecast"]], ignore_index=True)
    return frames


def run_rate_forecast(company) -> ForecastResult:
    e = company.expected_demand
    f = pd.DataFrame({"item": e["item"], "period": e["month"], "forecast": e["qty"]})
    f["lower"], f["upper"], f["model"] = f["forecast"] * 0.8, f["forecast"] * 1.2, "run-rate"
    return ForecastResult(f, pd.DataFrame(), pd.DataFrame())


@dataclass
class Month:
    master: Path                       # after the month's full run (and what followed)
    books: list[Path] = field(default_factory=list)   # the assistants' workbooks
    pack: Path | None = None


@dataclass
class DemoMonths:
    template: Path
    dec: Month
    jan: Month
    #: copies of December's master after each command: run, version save, approve +
    #: activate, transfer
    states: dict[str, Path] = field(default_factory=dict)
    export: Path | None = None         # the transfer export for the ERP
    companies: dict[str, object] = field(default_factory=dict)

    def kinds(self) -> dict[str, list[Path]]:
        """Every workbook kind the product writes → the files of that kind here."""
        return {"template": [self.template],
                "master after run": [self.states["run"], self.jan.master],
                "master after version save": [self.states["save"]],
                "master after approve and activate": [self.states["approve"]],
                "master after transfer": [self.states["transfer"]],
                "assistant workbook, first month": self.dec.books,
                "assistant workbook, second month": self.jan.books,
                "meeting pack": [p for p in (self.dec.pack, self.jan.pack) if p],
                "transfer export": [self.export] if self.export else []}


def _collect_all(master: Path, books: list[Path], inbox: Path, settings: dict,
                 prices: pd.Series) -> None:
    """Each assistant returns their workbook with the numbers on file (the statistical
    reference where none is) and a reason wherever the rule asks for one."""
    for path in books:
        rows = forecast_rows(path)
        qty = {(r["item"], r["month"]): (r["on_file"] if r["on_file"] is not None
                                         else r["reference"]) for r in rows}
        why = {(r["item"], r["month"]): r["reason"] or "Confirmed with the customer"
               for r in rows
               if needs_reason(qty[(r["item"], r["month"])], r["reference"],
                               settings["deviation_threshold"], settings["deviation_min_qty"],
                               settings["deviation_min_value"], prices[r["item"]])}
        fill(path, inbox / path.name, qty, why)
    report = collect(inbox, master)
    assert not report.refused and len(report.accepted) == len(books), report.refused


def _keep(path: Path, folder: Path, stem: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(path, folder / f"{stem}{path.suffix}"))


def _month(mp: pytest.MonkeyPatch, master: Path, company, folder: Path,
           keep: Path) -> list[Path]:
    """One month's round: the forecast (fixed at the run-rate), the assistants' workbooks
    split, filled and collected, then the whole cycle; the assistants' workbooks kept."""
    mp.setattr(month, "auto_forecast", lambda *a, **k: run_rate_forecast(company))
    cycle.run_steps(MasterWorkbook.open(master), ["forecast"])
    books = split(master, folder / "out").files
    kept = [_keep(f.path, keep, f.path.stem) for f in books]
    prices = company.frames["items"].set_index("item")["price"]
    _collect_all(master, [f.path for f in books], folder / "in", company.settings, prices)
    cycle.run_steps(MasterWorkbook.open(master), cycle.CYCLE)
    return kept


def build(tmp: Path) -> DemoMonths:
    keep = tmp / "kept"
    template = tmp / "template.xlsx"
    assert main(["template", str(template)]) == 0
    dec_co, jan_co = build_demo("2026-12"), build_demo("2027-01")
    master = write_master(tmp / "sop_master.xlsx", demo_frames(dec_co), dec_co.settings)
    out = DemoMonths(_keep(template, keep, "template"), Month(master), Month(master),
                     companies={"2026-12": dec_co, "2027-01": jan_co})
    with pytest.MonkeyPatch.context() as mp:
        # December
        out.dec.books = _month(mp, master, dec_co, tmp / "dec", keep)
        out.states["run"] = _keep(master, keep, "master 2026-12 run")
        assert main(["version", "save", str(master), "--note", "pre-S&OP"]) == 0
        out.states["save"] = _keep(master, keep, "master 2026-12 saved")
        assert main(["version", "approve", str(master), "2", "--by", "Zhao Min"]) == 0
        assert main(["version", "activate", str(master), "2"]) == 0
        out.states["approve"] = _keep(master, keep, "master 2026-12 approved")
        export = tmp / "transfer 2026-12.xlsx"
        assert main(["transfer", "run", str(master), "--export", str(export)]) == 0
        out.export = _keep(export, keep, "transfer export 2026-12")
        out.states["transfer"] = _keep(master, keep, "master 2026-12 transferred")
        out.dec.pack = _keep(write_meeting(master).path, keep, "meeting 2026-12")
        # January: the month's inputs; December's submissions stay on file
        sf = MasterWorkbook.open(master).read_inputs().sales_forecast.drop(columns="_row")
        frames = dict(jan_co.frames)
        new = frames["sales_forecast"]
        have = set(zip(sf["assistant"], sf["item"], sf["month"], strict=True))
        frames["sales_forecast"] = pd.concat(
            [sf, new[[(a, i, m) not in have for a, i, m in
                      zip(new["assistant"], new["item"], new["month"], strict=True)]]],
            ignore_index=True)
        FileBackend(master).write_sheets(input_sheets(
            frames, {**jan_co.settings, "language": "en"}, "en"))
        out.jan.books = _month(mp, master, jan_co, tmp / "jan", keep)
        out.jan.pack = _keep(write_meeting(master).path, keep, "meeting 2027-01")
        # after the pack, which logs the figures it showed in the master's MeetingKPIs
        out.jan.master = _keep(master, keep, "master 2027-01")
    out.dec.master = out.states["transfer"]
    return out
