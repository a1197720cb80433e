"""Split and Collect from the ribbon, and the words both the ribbon and the CLI report.

In Excel the master is open, so the buttons work on the open workbook (the live backend)
and keep the assistants' workbooks in one folder beside it, by planning month:
``<folder of the master>/<month> sales assistants/to send`` for what Split writes and
``…/returned`` for what Collect reads (made by Split, so the planner knows where the
returned files go).
"""

from __future__ import annotations

from pathlib import Path

from sop_xl.app.master import MasterWorkbook
from sop_xl.base.errors import SopXlError
from sop_xl.base.messages import message
from sop_xl.faces.assistants.collect import CollectReport, collect
from sop_xl.faces.assistants.split import SplitReport, split

__all__ = ["collect_button", "collect_lines", "folders", "split_button", "split_lines"]


def folders(book: MasterWorkbook) -> tuple[Path, Path]:
    """(the folder Split writes to, the folder Collect reads) beside the master."""
    path = book.backend.location
    if not path:
        raise SopXlError(message("asst_btn_unsaved", book.language, book=book.name))
    lang = book.language
    base = Path(path).parent / message("asst_folder", lang,
                                       month=str(book.read_settings().planning_month))
    return base / message("asst_folder_sent", lang), base / message("asst_folder_returned",
                                                                     lang)


def split_lines(report: SplitReport, lang: str, folder: Path | str) -> list[str]:
    lines = [message("asst_cli_split", lang, n=len(report.files),
                     month=report.planning_month, folder=folder)]
    for f in report.files:
        lines.append(message("asst_cli_file", lang, file=f.path.name, assistant=f.assistant,
                             department=f.department or "-", items=f.items))
        if f.from_history:
            lines.append(message("asst_cli_from_history", lang, items=", ".join(f.from_history)))
    if len(report.unassigned):
        items = "; ".join(f"{r.department or '-'}: {r.item}" for r in
                          report.unassigned.itertuples(index=False))
        lines.append(message("asst_cli_unassigned", lang, items=items))
    return lines


def collect_lines(report: CollectReport, book: MasterWorkbook) -> list[str]:
    lang = book.language
    lines = []
    for r in report.accepted:
        lines.append(message("asst_cli_accepted", lang, file=r.path.name,
                             assistant=r.assistant, rows=len(r.lines), flagged=r.flagged))
        if r.path.name in report.replaced:
            lines.append(message("asst_cli_replaced", lang, note=report.replaced[r.path.name]))
    for name, when in report.skipped.items():
        lines.append(message("asst_cli_skipped", lang, file=name, when=when))
    for name, problems in report.refused.items():
        lines.append(message("asst_cli_refused", lang, file=name))
        lines += ["  - " + p.render(lang) for p in problems]
    key = "asst_cli_written" if report.written else "asst_cli_nothing"
    lines.append(message(key, lang, master=book.name))
    month = book.read_settings().planning_month
    if report.missing:
        lines.append(message("asst_cli_missing", lang, month=month,
                             names=", ".join(report.missing)))
    else:
        lines.append(message("asst_cli_all_in", lang, month=month))
    return lines


def split_button(book: MasterWorkbook) -> str:
    """Split to Assistants: one workbook per sales assistant into the "to send" folder."""
    sent, returned = folders(book)
    report = split(book, sent)
    returned.mkdir(parents=True, exist_ok=True)
    lines = split_lines(report, book.language, sent)
    return "\n".join([*lines, "", message("asst_btn_send", book.language, folder=returned)])


def collect_button(book: MasterWorkbook) -> str:
    """Collect: the returned workbooks checked and taken into SalesForecast (an earlier
    submission of the same assistant is refused: `sop-xl assistants collect --replace`)."""
    _, returned = folders(book)
    if not returned.is_dir() or not any(p.suffix.lower() in (".xlsx", ".xlsm")
                                        for p in returned.iterdir()):
        returned.mkdir(parents=True, exist_ok=True)
        return message("asst_btn_none", book.language, folder=returned)
    return "\n".join(collect_lines(collect(returned, book), book))
