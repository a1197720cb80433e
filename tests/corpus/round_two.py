"""The corpus cases of issue 19 (reliability, round two): approvals undone through the
register, planner cells, one pass, empty templates, file-system situations, the 1904 date
system, exports and notes.

Cases that need a planned workbook run the cycle on the valid base first, as a planner's
month would, then change what the case is about. Approvals are made at a fixed time so
the messages that name it are the same on every run. File-system situations (a symlink,
a read-only file or folder) are set up by the test when it copies the case
(``setup`` in cases.toml); the file made here is the valid workbook they apply to.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

if TYPE_CHECKING:
    from corpus.generate import Builder

APPROVED_AT = "2026-12-05 17:30:00"
APPROVER = "li.ming"
#: the name of the long-name case: 248 bytes with its extension
LONG_NAME = "long_file_name_" + "m" * (248 - len("long_file_name_") - len(".xlsx")) + ".xlsx"


def _planned(b: Builder, *, approve: bool = False) -> Path:
    """The base, planned (a run saves version 001), optionally 001 approved."""
    from sop_xl.app import versions as plan_versions
    from sop_xl.app.cycle import CYCLE, run_steps
    from sop_xl.app.master import MasterWorkbook

    work = b.out / f".{b.case}-work"
    work.mkdir(exist_ok=True)
    path = Path(shutil.copy(b.base, work / b.path.name))
    run_steps(MasterWorkbook.open(path), CYCLE)
    if approve:
        with mock.patch("sop_xl.app.versions.now_text", return_value=APPROVED_AT):
            plan_versions.approve(MasterWorkbook.open(path), "001", by=APPROVER)
    return path


def _finish(b: Builder, path: Path) -> Path:
    shutil.move(path, b.path)
    shutil.rmtree(path.parent, ignore_errors=True)
    return b.path


def _register_row(path: Path, version: str) -> int:
    from python_calamine import CalamineWorkbook

    from sop_xl import contract
    book = CalamineWorkbook.from_path(str(path))
    names = {n.lower(): n for n in book.sheet_names}
    spec = contract.sheet("versions")
    name = names.get(spec.en.lower()) or names[spec.zh.lower()]
    rows = book.get_sheet_by_name(name).to_python()
    return next(i for i, r in enumerate(rows) if r and r[0] == version) + 1


def _clear_register_row(b: Builder, path: Path, book) -> None:
    r = _register_row(path, "001")
    for c in "ABCDEFGHIJKLM":
        book.set(b.sheet("versions"), f"{c}{r}", None)


# -- 1: the approval lock ----------------------------------------------------------------

def approved_row_deleted_and_tab_edited(b: Builder) -> Path:
    """001 approved; 999 typed over V001!F3 and 001's register row deleted, as in the
    issue: the tab is checked against the recorded hash."""
    from corpus.generate import Book
    path = _planned(b, approve=True)
    book = Book(path)
    book.set("V001 2026-12", "F3", 999.0)
    _clear_register_row(b, path, book)
    book.save(path)
    return _finish(b, path)


def approved_row_deleted(b: Builder) -> Path:
    from corpus.generate import Book
    path = _planned(b, approve=True)
    book = Book(path)
    _clear_register_row(b, path, book)
    book.save(path)
    return _finish(b, path)


def approved_status_draft(b: Builder) -> Path:
    """001 approved, then its status typed back to draft and "Approved" cleared."""
    from corpus.generate import Book

    from sop_xl import contract
    path = _planned(b, approve=True)
    r = _register_row(path, "001")
    book = Book(path)
    draft = next(c for c in contract.sheet("versions").column("status").choices
                 if c.value == "draft")
    book.set(b.sheet("versions"), f"E{r}", draft.label(b.lang))
    book.set(b.sheet("versions"), f"K{r}", None)
    book.save(path)
    return _finish(b, path)


# -- 5 and 6: planner cells, one pass --------------------------------------------------------

def _planner(b: Builder, edits: dict[tuple[str, str], object]) -> Path:
    from corpus.generate import Book
    path = _planned(b)
    book = Book(path)
    for (key, ref), value in edits.items():
        book.set(b.sheet(key), ref, value)
    book.save(path)
    return _finish(b, path)


def planner_cell_text(b: Builder) -> Path:
    return _planner(b, {("mps", "I10"): "abc"})


def planner_cell_error_formula(b: Builder) -> Path:
    from corpus.generate import Error
    return _planner(b, {("mps", "I10"): Error("#DIV/0!", "1/0")})


def planner_cell_negative(b: Builder) -> Path:
    return _planner(b, {("mps", "I10"): -50.0})


def planner_cell_absurd(b: Builder) -> Path:
    return _planner(b, {("mps", "I10"): 1e12})


def planner_cells_everywhere(b: Builder) -> Path:
    """One bad cell in every kind of yellow cell of the output sheets."""
    return _planner(b, {("demand_plan", "G12"): "ten", ("family_plan", "D6"): 2.5,
                        ("family_shares", "E2"): -1.0, ("planned_orders", "H3"): "lots",
                        ("planned_orders", "F4"): "soon", ("planned_orders", "K5"): "maybe"})


def one_pass_cells_and_references(b: Builder) -> Path:
    """Three bad cells and three items missing from Items: all six in one report."""
    return b.cells({("stock", "C2"): "twenty", ("bom", "C3"): "1,5", ("items", "H5"): 0.0,
                    ("sales_forecast", "C3"): "A-1", ("bom", "B5"): "R9",
                    ("scheduled_receipts", "C2"): "X9"})


# -- 7: what used to end in a traceback -----------------------------------------------------

def empty_template(b: Builder) -> Path:
    import pandas as pd

    from sop_xl.app.template import write_template
    return write_template(b.path, lang=b.lang, force=True,
                          planning_month=pd.Period("2026-12", "M"))


def no_sales_history(b: Builder) -> Path:
    def change(f, s) -> None:
        f["sales_history"] = f["sales_history"].iloc[0:0]
    return b.frames(change)


def no_styles_part(b: Builder) -> Path:
    """The styles part left out, as some tools write packages."""
    import zipfile

    from sop_xl.workbook.ooxml import ContentTypes, Relationships, parse, serialize
    with zipfile.ZipFile(b.base) as z, zipfile.ZipFile(b.path, "w",
                                                       zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "xl/styles.xml":
                continue
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                root = parse(data)
                if info.filename.endswith(".rels"):
                    rels = Relationships(root)
                    for rid, rtype, _, _ in rels.items():
                        if rtype.endswith("/styles"):
                            rels.remove(rid)
                else:
                    ContentTypes(root).drop("xl/styles.xml")
                data = serialize(root)
            out.writestr(info, data)
    return b.path


def long_file_name(b: Builder) -> Path:
    return Path(shutil.copy(b.base, b.out / LONG_NAME))


def the_valid_base(b: Builder) -> Path:
    """The valid workbook; the test puts it behind a symlink or makes it read-only."""
    return Path(shutil.copy(b.base, b.path))


# -- 3: the 1904 date system ------------------------------------------------------------

def date_system_1904(b: Builder) -> Path:
    """Saved by Mac Excel with the 1904 date system: every date serial 1462 smaller."""
    from corpus.generate import base_frames

    from sop_xl.app.template import input_sheets
    from sop_xl.workbook import ooxml
    from sop_xl.workbook.package import Package
    f, s = base_frames()
    pkg = Package(b.base)
    wb = pkg.edit(pkg.workbook_part)
    pr = ooxml.child(wb, "workbookPr")
    if pr is None:
        pr = ooxml.make(wb, "workbookPr", order=ooxml.WORKBOOK_ORDER)
    pr.set("date1904", "1")
    pkg.put_sheets(input_sheets(f, {**s, "language": b.lang}, b.lang))
    pkg.save(b.path)
    return b.path


# -- 4: exports ----------------------------------------------------------------------------

def injection_in_transfer(b: Builder) -> Path:
    """Item A's code is =HYPERLINK("http://x.example","open"); the month is planned and
    001 approved and made active, ready to transfer."""
    from sop_xl.app import versions as plan_versions
    from sop_xl.app.master import MasterWorkbook

    code = '=HYPERLINK("http://x.example","open")'

    def change(f, s) -> None:
        for key, cols in (("items", ["item"]), ("bom", ["parent"]),
                          ("resource_usage", ["item"]), ("sales_history", ["item"]),
                          ("contracts", ["item"]), ("projects", ["item"]),
                          ("sales_forecast", ["item"]), ("stock", ["item"]),
                          ("events", ["target"])):
            for c in cols:
                f[key][c] = f[key][c].replace({"A": code})
    made = b.frames(change)
    from sop_xl.app.cycle import CYCLE, run_steps
    run_steps(MasterWorkbook.open(made), CYCLE)
    with mock.patch("sop_xl.app.versions.now_text", return_value=APPROVED_AT):
        plan_versions.approve(MasterWorkbook.open(made), "001", by=APPROVER)
        plan_versions.activate(MasterWorkbook.open(made), "001")
    return made


# -- 9: notes --------------------------------------------------------------------------------

def planner_notes_on_output(b: Builder) -> Path:
    """Notes a planner's script (openpyxl) put on the MPS sheet, then the planning month
    moved on to 2027-01: the note on 2026-12 has no cell any more, the one on 2027-01
    moves one column left."""
    from corpus.generate import Book
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    path = _planned(b)
    wb = load_workbook(path)
    ws = wb[b.sheet("mps")]
    ws["I10"].comment = Comment("agreed with sales", "li.ming")
    ws["J10"].comment = Comment("check the mould", "wang.fang")
    wb.save(path)
    book = Book(path)
    book.set(b.sheet("settings"), "B3", "2027-01")
    book.save(path)
    return _finish(b, path)


ROUND_TWO_CASES = {
    "approved_row_deleted_and_tab_edited": approved_row_deleted_and_tab_edited,
    "approved_row_deleted": approved_row_deleted,
    "approved_status_draft": approved_status_draft,
    "symlinked_workbook": the_valid_base,
    "date_system_1904": date_system_1904,
    "injection_in_transfer": injection_in_transfer,
    "planner_cell_text": planner_cell_text,
    "planner_cell_error_formula": planner_cell_error_formula,
    "planner_cell_negative": planner_cell_negative,
    "planner_cell_absurd": planner_cell_absurd,
    "planner_cells_everywhere": planner_cells_everywhere,
    "one_pass_cells_and_references": one_pass_cells_and_references,
    "empty_template": empty_template,
    "no_sales_history": no_sales_history,
    "read_only_folder": the_valid_base,
    "no_styles_part": no_styles_part,
    "long_file_name": long_file_name,
    "read_only_file": the_valid_base,
    "planner_notes_on_output": planner_notes_on_output,
}
