"""The S&OP meeting pack (S&OP 会议资料): ``sop-xl meeting MASTER [--out PATH] [--pdf]``.

``write_meeting`` gathers the month's figures from the master (sop_xl.faces.meeting.data, the one
place plan data is read), reads the decisions typed in last month's pack and logs them in
the master (sop_xl.faces.meeting.decisions), writes the pack (sop_xl.faces.meeting.pack) and, when
asked, a PDF of it through LibreOffice. It logs the headline figures in the master's
MeetingKPIs sheet, so next month's pack shows them as "last month".
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from sop_xl import contract
from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import WorkbookError
from sop_xl.base.messages import message
from sop_xl.contract.read import ROW
from sop_xl.faces.meeting.data import MeetingData, gather
from sop_xl.faces.meeting.decisions import (
    FIELDS,
    PackDecisions,
    cell_text,
    find_pack,
    log_decisions,
    open_decisions,
    pack_manifest,
    read_pack,
)
from sop_xl.faces.meeting.pack import write_pack
from sop_xl.layout.render import table_content
from sop_xl.workbook.package import atomic_path

__all__ = ["MeetingReport", "default_path", "render_pdf", "write_meeting"]


@dataclass
class MeetingReport:
    path: Path
    pdf: Path | None
    data: MeetingData
    previous: PackDecisions | None
    carried: pd.DataFrame
    logged_decisions: int
    logged_kpis: int


def default_path(master: Path, month: pd.Period) -> Path:
    """"sop_master meeting 2026-12.xlsx" beside the master."""
    return master.with_name(f"{master.stem} meeting {month}.xlsx")


def proposed_topics(data: MeetingData) -> list[str]:
    """Topics the exceptions put on the agenda, as a starting point for the minutes."""
    lang = data.lang
    version = f" ({data.this_version})" if data.this_version else ""
    out = [message("mp_topic_approve", lang, month=data.planning_month, version=version)]
    ov = data.exceptions.overloads
    for o in ov.sort_values("overload", ascending=False).head(3).itertuples(index=False):
        out.append(message("mp_topic_overload", lang, resource=o.resource, period=o.period,
                           util=o.utilisation if pd.notna(o.utilisation) else 0.0))
    short = data.exceptions.shortages
    if len(short):
        out.append(message("mp_topic_shortage", lang, n=short["item"].nunique()))
    se = data.exceptions.slow_excess
    if len(se) and se["value"].sum() > 0:
        out.append(message("mp_topic_slow", lang, value=float(se["value"].sum()),
                           currency=data.currency))
    return out


def write_meeting(master: Path | str, out: Path | str | None = None, *,
                  previous: Path | str | None = None, pdf: bool = False,
                  force: bool = False, now: datetime | None = None) -> MeetingReport:
    """Write this month's pack beside the master workbook file (see ``meeting_pack``)."""
    return meeting_pack(MasterWorkbook.open(master), Path(master), out, previous=previous,
                        pdf=pdf, force=force, now=now)


def build_meeting_pack(book: MasterWorkbook) -> str:
    """The ribbon's Build Meeting Pack: this month's pack beside the open master, a
    sentence back for the planner."""
    path = book.backend.location
    if path is None:
        raise WorkbookError("mp_needs_file", book.name, book.language)
    report = meeting_pack(book, path)
    return message("mp_built", book.language, path=str(report.path),
                   n=len(report.carried))


def meeting_pack(book: MasterWorkbook, master: Path, out: Path | str | None = None, *,
                 previous: Path | str | None = None, pdf: bool = False,
                 force: bool = False, now: datetime | None = None) -> MeetingReport:
    """Write this month's pack; log last month's decisions and this month's figures in
    the master (``book``, whose file is ``master``). The pack is written to a temporary
    file first and moved into place only after the master was written, so a failure
    leaves neither half done."""
    data = gather(book)
    month = data.planning_month
    path = Path(out) if out else default_path(master, month)
    _refuse_typed_pack(path, month, force, data.lang)
    stamp_dt = (now or datetime.now()).replace(microsecond=0)
    stamp = stamp_dt.strftime("%Y-%m-%d %H:%M:%S")
    prev_path = Path(previous) if previous else find_pack([master.parent, path.parent],
                                                          month - 1)
    log = book.read_output_table("decisions").drop(columns=ROW, errors="ignore")
    prev = read_pack(prev_path) if prev_path else None
    if prev is not None and prev.planning_month >= str(month):
        raise WorkbookError("mp_previous_not_earlier", str(prev_path), data.lang,
                            found=prev.planning_month, month=month)
    added = 0
    if prev is not None:
        log, added = log_decisions(log, prev, stamp)
    carried = open_decisions(log)
    kpi_log = book.read_output_table("meeting_kpis").drop(columns=ROW, errors="ignore")
    rows = [{"planning_month": str(month), "kpi": k.key, "value": k.value,
             "written_at": stamp} for k in data.kpis if pd.notna(k.value)]
    kpi_log = pd.concat([kpi_log, pd.DataFrame(rows)], ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the pack takes its place only once the master was written (one atomic writer)
    with atomic_path(path) as tmp:
        write_pack(tmp, data, carried=carried, proposed=proposed_topics(data),
                   written=stamp_dt)
        currency = data.currency
        contents = [table_content(contract.sheet(key), frame, data.lang, currency=currency,
                                  name=book.output_name(contract.sheet(key)))
                    for key, frame in (("decisions", log), ("meeting_kpis", kpi_log))]
        book.write(contents)
    pdf_path = render_pdf(path, data.lang) if pdf else None
    return MeetingReport(path, pdf_path, data, prev, carried, added, len(rows))


def _refuse_typed_pack(path: Path, month: pd.Period, force: bool, lang: str) -> None:
    """Do not overwrite this month's pack once decisions were typed into it."""
    if force or not path.exists():
        return
    doc = pack_manifest(path)
    if doc is None or doc.get("planning_month") != str(month):
        return
    pack = read_pack(path)
    written = {ln["id"]: ln.get("values", {}) for ln in doc["decisions"]["rows"] if ln["id"]}
    for r in pack.rows.itertuples(index=False):
        was = written.get(r.decision_id)
        if was is None or any(cell_text(was.get(k)) != cell_text(getattr(r, k))
                              for k in FIELDS):
            raise WorkbookError("mp_pack_has_decisions", str(path), lang)


def render_pdf(path: Path, lang: str = "en") -> Path:
    """The pack as PDF beside it, rendered by LibreOffice (a private profile, so it runs
    beside another LibreOffice)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise WorkbookError("mp_pdf_failed", str(path), lang, detail="soffice not found")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile",
                            "--headless", "--convert-to", "pdf", "--outdir", tmp, str(path)],
                           check=True, capture_output=True, timeout=300)
        except (subprocess.SubprocessError, OSError) as exc:
            raise WorkbookError("mp_pdf_failed", str(path), lang, detail=str(exc)) from None
        made = Path(tmp) / (path.stem + ".pdf")
        if not made.exists():
            raise WorkbookError("mp_pdf_failed", str(path), lang, detail="no PDF written")
        target = path.with_suffix(".pdf")
        shutil.move(str(made), target)
    return target
