"""``sop-xl assistants split``: one workbook per sales assistant, from the master.

Who gets which items is the split rule of sop_xl.faces.assistants.assignment; the statistical
forecast is the master's StatForecast sheet (computed when the master has none yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from sop_xl.app.cycle import PlanRun
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.readback import read_archive
from sop_xl.faces.assistants.assignment import assign
from sop_xl.faces.assistants.book import write_assistant_book
from sop_xl.faces.assistants.figures import department_shares, figures_for, last_month_rows

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class SplitFile:
    assistant: str
    department: str | None
    path: Path
    items: int
    from_history: tuple[str, ...]


@dataclass
class SplitReport:
    planning_month: pd.Period
    files: list[SplitFile] = field(default_factory=list)
    unassigned: pd.DataFrame = field(default_factory=pd.DataFrame)


def file_name(planning_month: pd.Period, assistant: str) -> str:
    """"2026-12 Li Na.xlsx": month first, so a folder sorts by month."""
    return f"{planning_month} {_UNSAFE.sub('_', assistant).strip() or 'assistant'}.xlsx"


def split(master: MasterWorkbook | Path | str, out_dir: Path | str, *,
          written: datetime | None = None) -> SplitReport:
    """Write each assistant's workbook into ``out_dir`` (files of the same name are
    replaced: they are generated); nothing is written to the master (a file, or a
    workbook open in Excel)."""
    book = master if isinstance(master, MasterWorkbook) else MasterWorkbook.open(master)
    inputs = book.read_inputs()
    s = inputs.settings
    run = PlanRun(book, inputs, refresh_forecast=False)
    stat = run.forecast.forecast
    assignments = assign(inputs.sales_forecast, inputs.sales_history, inputs.items,
                         s.planning_month)
    shares = department_shares(inputs.sales_history, s.planning_month, assignments)
    last = last_month_rows(inputs, read_archive(book))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = written or datetime.now().replace(microsecond=0)
    report = SplitReport(s.planning_month, unassigned=assignments.unassigned)
    for name in assignments.assistants():
        a = assignments.by_assistant[name]
        fig = figures_for(a, inputs, stat, shares, last)
        path = out / file_name(s.planning_month, name)
        write_assistant_book(path, fig, lang=book.language, company=s.company,
                             master=book.name, written=stamp)
        report.files.append(SplitFile(name, a.department, path, len(a.items),
                                      a.from_history))
    return report
