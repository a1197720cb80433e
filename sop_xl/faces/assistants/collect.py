"""``sop-xl assistants collect``: returned workbooks → the master's SalesForecast.

Collect is the one sanctioned writer of the SalesForecast input sheet
(``MasterWorkbook.write_inputs``, reason "assistants collect"). For each accepted file it
replaces exactly the submitting assistant's rows of the planning month's M..M+3 and keeps
every other row as it stands, value for value (and a planner's own columns and formulas
with them); in a master with plants each returned line keeps the shipping plant it was
given in the workbook, so lines naming a plant come back named. The sheet is rebuilt
from its values, so its formatting is the contract's. It appends one row per accepted
file to the Submissions log: who, for which month, when, the file and its SHA-256. Both
sheets go in one atomic write; a refused file writes nothing.

A file is refused, with every reason at once, when it is not an assistant workbook, is for
another month, has a changed protected cell, a bad forecast or a missing reason
(sop_xl.faces.assistants.returned), when the folder holds two files of one assistant, or when the
assistant already submitted this month — unless ``replace`` is given, in which case the new
file replaces the earlier rows and the log says which file it replaced. A file already
collected (same SHA-256) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.base.audit import user_name
from sop_xl.base.errors import Problem, ValidationError, WorkbookError
from sop_xl.base.messages import message
from sop_xl.contract.cells import col_letter
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import ROW, find_header, is_blank
from sop_xl.faces.assistants.assignment import assign
from sop_xl.faces.assistants.figures import forecast_months
from sop_xl.faces.assistants.returned import Returned, read_returned
from sop_xl.layout.render import (
    input_validations,
    number_style,
    table_content,
    table_name,
    width_of,
)
from sop_xl.layout.sheet import Box, Formula, SheetContent, TableDef, Validation
from sop_xl.layout.styles import CELL_STYLES

REASON = "assistants collect"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class CollectReport:
    accepted: list[Returned] = field(default_factory=list)
    replaced: dict[str, str] = field(default_factory=dict)   # file name → what it replaced
    refused: dict[str, list[Problem]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)    # file name → when collected
    expected: list[str] = field(default_factory=list)       # assistants of this month
    submitted: list[str] = field(default_factory=list)      # ... with a submission on file
    written: bool = False

    @property
    def missing(self) -> list[str]:
        return [a for a in self.expected if a not in self.submitted]


def returned_files(folder: Path) -> list[Path]:
    """Workbooks in ``folder``, without Excel's lock files (~$name.xlsx)."""
    if not Path(folder).is_dir():
        raise WorkbookError("asst_no_folder", str(folder))
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES
                  and not p.name.startswith("~$"))


def collect(folder: Path | str, master: MasterWorkbook | Path | str, *, replace: bool = False,
            user: str | None = None, now: datetime | None = None) -> CollectReport:
    """Validate every workbook in ``folder`` and consolidate the good ones into ``master``
    (a file, or a workbook open in Excel)."""
    book = master if isinstance(master, MasterWorkbook) else MasterWorkbook.open(master)
    lang = book.language
    settings = book.read_settings()
    frames, problems = {}, []
    for key in ("items", "sales_history", "sales_forecast"):
        frames[key], found = book.read_frame(key, settings.currency)
        problems += [p.with_workbook(book.name) for p in found]
    if problems:
        raise ValidationError(problems, lang)
    month = settings.planning_month
    log = book.read_output_table("submissions").drop(columns=ROW, errors="ignore")
    this_month = log[log["planning_month"].astype(str) == str(month)]
    items = set(frames["items"]["item"].astype(str))
    report = CollectReport()
    good: list[Returned] = []
    for path in returned_files(Path(folder)):
        got, found = read_returned(path, planning_month=month, items=items, lang=lang)
        if found:
            report.refused[path.name] = found
        else:
            assert got is not None
            good.append(got)
    by_assistant: dict[str, list[Returned]] = {}
    for r in good:
        by_assistant.setdefault(r.assistant, []).append(r)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    who = user_name(user)
    new_log = []
    for assistant, files in sorted(by_assistant.items()):
        if len(files) > 1:
            names = ", ".join(f.path.name for f in files)
            for f in files:
                report.refused[f.path.name] = [Problem(
                    "asst_two_files", workbook=f.path.name,
                    params={"assistant": assistant, "files": names})]
            continue
        r = files[0]
        prior = this_month[this_month["assistant"].astype(str) == assistant]
        same = prior[prior["file_hash"].astype(str) == r.file_hash]
        if len(same):
            report.skipped[r.path.name] = str(same["collected_at"].iloc[-1])
            continue
        note = None
        if len(prior):
            last = prior.iloc[-1]
            if not replace:
                report.refused[r.path.name] = [Problem(
                    "asst_duplicate", workbook=r.path.name,
                    params={"assistant": assistant, "month": str(month),
                            "file": last["file"], "when": last["collected_at"]})]
                continue
            note = message("asst_replaces", lang, file=last["file"],
                           when=last["collected_at"], hash=str(last["file_hash"])[:12])
            report.replaced[r.path.name] = note
        report.accepted.append(r)
        new_log.append({"collected_at": stamp, "assistant": assistant,
                        "department": r.department, "planning_month": str(month),
                        "file": r.path.name, "file_hash": r.file_hash, "rows": len(r.lines),
                        "flagged": r.flagged, "status": "replaced" if note else "accepted",
                        "user": who, "note": note})
    expected = assign(frames["sales_forecast"], frames["sales_history"], frames["items"],
                      month)
    report.expected = expected.assistants()
    if report.accepted:
        spec = contract.sheet("sales_forecast")
        name = book.sheet_name(spec)
        assert name is not None  # read_frame above found it
        content = replace_rows(book.backend.read_sheet(name), frames["sales_forecast"],
                               report.accepted, month, lang, settings.currency)
        log = pd.concat([log, pd.DataFrame(new_log)], ignore_index=True)
        log_content = table_content(contract.sheet("submissions"), log, lang,
                                    currency=settings.currency,
                                    name=book.output_name(contract.sheet("submissions")))
        book.write_inputs([content, log_content], reason=REASON)
        report.written = True
    report.submitted = sorted(set(this_month["assistant"].astype(str))
                              | {r.assistant for r in report.accepted})
    return report


def replace_rows(raw: RawSheet, frame: pd.DataFrame, submissions: list[Returned],
                 month: pd.Period, lang: str, currency: str) -> SheetContent:
    """SalesForecast rebuilt from its cell values: each submitting assistant's rows for
    M..M+3 replaced by their submission (where their first such row stood, else at the
    end), every other cell kept as it was."""
    spec = contract.sheet("sales_forecast")
    hr = find_header(raw, spec)
    where: dict[str, tuple[int, str]] = dict(frame.attrs.get("columns", {}))
    header = list(raw.rows[hr]) if raw.rows else []
    for col in spec.columns:  # a contract column the sheet lacks is added at the right
        if col.key not in where:
            where[col.key] = (len(header), col.label(lang, currency))
            header.append(col.label(lang, currency))
    width = max(len(header), max((len(r) for r in raw.rows), default=0))
    months = set(forecast_months(month))
    drop: dict[int, str] = {}  # 0-based sheet row → assistant whose rows it held
    names = {r.assistant for r in submissions}
    for a, m, r in zip(frame["assistant"].astype(str).str.strip(), frame["month"],
                       frame[ROW], strict=True):
        if a in names and m in months:
            drop[int(r) - 1] = a
    new_rows = {r.assistant: [_new_row(r, ln, where, width) for ln in
                              r.lines.itertuples(index=False)] for r in submissions}
    problems: list[Problem] = []
    out: list[list[Any]] = [_pad(raw.rows[i], width) for i in range(hr)]
    out.append(_pad(header, width))
    placed: set[str] = set()
    body = list(range(hr + 1, len(raw.rows)))
    while body and all(is_blank(v) for v in raw.rows[body[-1]]):
        body.pop()  # trailing blank rows of the used range
    for i in body:
        if i in drop:
            a = drop[i]
            if a not in placed:
                out.extend(new_rows[a])
                placed.add(a)
            continue
        row = _pad(raw.rows[i], width)
        for c in range(width):
            f = raw.formulas.get((i, c))
            if f is None:
                continue
            if f == "=shared formula":
                problems.append(Problem("asst_shared_formula", raw.name, i + 1, None,
                                        f"{col_letter(c)}{i + 1}", f))
            else:
                row[c] = Formula(f[1:], row[c])
        out.append(row)
    for a in sorted(names - placed):
        out.extend(new_rows[a])
    if problems:
        raise ValidationError(problems, lang)
    return _sheet_content(raw.name, out, hr, where, lang, currency)


def _pad(row: list[Any], width: int) -> list[Any]:
    return [*row, *([None] * (width - len(row)))][:width] if len(row) != width else list(row)


def _new_row(r: Returned, ln: Any, where: dict[str, tuple[int, str]],
             width: int) -> list[Any]:
    row: list[Any] = [None] * width
    values = {"assistant": r.assistant, "department": r.department, "item": ln.item,
              "month": ln.month.start_time.date(), "qty": float(ln.qty), "reason": ln.reason}
    plant = getattr(ln, "plant", None)
    if plant is not None and "plant" in where:   # the shipping plant the line was given
        values["plant"] = plant
    for key, v in values.items():
        row[where[key][0]] = v
    return row


def _sheet_content(name: str, rows: list[list[Any]], hr: int,
                   where: dict[str, tuple[int, str]], lang: str,
                   currency: str) -> SheetContent:
    spec = contract.sheet("sales_forecast")
    width = len(rows[hr])
    last = max(len(rows) - 1, hr + 1)
    while len(rows) <= last:
        rows.append([None] * width)
    sheet = SheetContent(name=name, rows=rows, key=spec.key, tab_color=spec.tab_color)
    sheet.style(hr, 0, hr, width - 1, "header")
    by_pos = {c: spec.column(k) for k, (c, _) in where.items()}
    for c in range(width):
        col = by_pos.get(c)
        if col is not None:
            sheet.style(hr + 1, c, last, c, number_style(col).but(locked=False))
            sheet.col_widths[c] = width_of(col, str(rows[hr][c]))
            for v in input_validations([col], lang, hr + 1, max(last, 1000), currency):
                sheet.validations.append(Validation(
                    Box(v.box.top, c, v.box.bottom, c), v.kind, v.choices, v.minimum,
                    v.maximum, v.prompt, v.error))
        else:
            dated = any(isinstance(r[c], date) for r in rows[hr + 1:])
            sheet.style(hr + 1, c, last, c,
                        CELL_STYLES["date" if dated else "default"].but(locked=False))
            sheet.col_widths[c] = 14
    heads = [rows[hr][c] for c in range(width)]
    if all(isinstance(h, str) and h.strip() for h in heads) and \
            len({h.strip().lower() for h in heads}) == width:
        sheet.table = TableDef(table_name(spec.key), Box(hr, 0, last, width - 1))
    else:
        sheet.autofilter = Box(hr, 0, last, width - 1)
    sheet.freeze = (hr + 1, 0)
    return sheet
