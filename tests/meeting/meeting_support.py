"""Helpers for the sales-assistant round and meeting-pack tests: masters with a fixed
statistical forecast, and filling a returned workbook the way a sales assistant does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from small_company import frames
from support import fixed_forecast  # noqa: F401  (used by the meeting tests)

from sop_xl.app import cycle
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.plan import month
from sop_xl.plan.forecast import ForecastResult
from sop_xl.workbook.file import FileBackend


def run_month(master: Path, result: ForecastResult, monkeypatch,
              steps: tuple[str, ...] = cycle.CYCLE) -> None:
    """``sop-xl run`` with the statistical forecast fixed (no model fitting)."""
    monkeypatch.setattr(month, "auto_forecast", lambda *a, **k: result)
    cycle.run_steps(MasterWorkbook.open(master), steps)


def new_master(path: Path, frames: dict[str, pd.DataFrame], settings: dict[str, Any],
               lang: str = "en") -> Path:
    return write_master(path, frames, settings, lang=lang, force=True)


def replace_inputs(master: Path, frames: dict[str, pd.DataFrame], settings: dict[str, Any],
                   lang: str = "en") -> None:
    """Next month's inputs typed and pasted into the same master, as the planner and the
    ERP export do (outputs, versions and logs stay)."""
    FileBackend(master).write_sheets(input_sheets(frames, {**settings, "language": lang},
                                                  lang))


def forecast_rows(path: Path, sheet: str = "Forecast") -> list[dict[str, Any]]:
    """The data rows of an assistant workbook's Forecast sheet (Excel row numbers)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    out = []
    for r in range(7, ws.max_row + 1):
        if ws.cell(r, 1).value is None:
            continue
        out.append({"row": r, "item": ws.cell(r, 1).value, "month": ws.cell(r, 4).value,
                    "reference": ws.cell(r, 5).value, "known": ws.cell(r, 6).value,
                    "on_file": ws.cell(r, 7).value, "qty": ws.cell(r, 8).value,
                    "reason": ws.cell(r, 10).value})
    return out


def fill(path: Path, out: Path, qty: dict[tuple[str, str], Any],
         reasons: dict[tuple[str, str], str] | None = None, sheet: str = "Forecast") -> Path:
    """Type forecasts (and reasons) into the unlocked cells only, then save to ``out``."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for r in range(7, ws.max_row + 1):
        key = (ws.cell(r, 1).value, ws.cell(r, 4).value)
        for col, values in ((8, qty), (10, reasons or {})):
            if key in values:
                cell = ws.cell(r, col)
                assert cell.protection.locked is False, f"{cell.coordinate} is locked"
                cell.value = values[key]
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def two_assistant_frames(month: str = "2026-12") -> tuple[dict[str, pd.DataFrame], dict]:
    """The small company; Li Na (Domestic Sales) forecasts A, Zhang Wei (International
    Trade) forecasts B. Each has last month's submission on file (months M−1..M+1), and Li
    Na an old row from June that is history."""
    f, s = frames(month)
    m = pd.Period(month, "M")
    f["sales_forecast"] = pd.DataFrame([
        ["Li Na", "Domestic Sales", "A", m - 6, 100.0, None],
        ["Li Na", "Domestic Sales", "A", m - 1, 95.0, None],
        ["Li Na", "Domestic Sales", "A", m, 80.0, None],
        ["Li Na", "Domestic Sales", "A", m + 1, 90.0, None],
        ["Zhang Wei", "International Trade", "B", m - 1, 45.0, None],
        ["Zhang Wei", "International Trade", "B", m, 40.0, None],
        ["Zhang Wei", "International Trade", "B", m + 1, 30.0, "Spot orders besides C2"],
    ], columns=["assistant", "department", "item", "month", "qty", "reason"])
    return f, s
