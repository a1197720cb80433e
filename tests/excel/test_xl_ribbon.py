"""The ribbon's Python entry points: one per button, each doing what the CLI does, with
results and errors in a message box in the workbook's language."""

from __future__ import annotations

import importlib
import inspect
import shutil
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

from sop_xl.app.cycle import STEP_KEYS
from sop_xl.app.master import MasterWorkbook
from sop_xl.app.template import input_sheets, write_master
from sop_xl.base.errors import ValidationError
from sop_xl.excel import ribbon
from sop_xl.excel.entry_points import ENTRY_POINTS
from sop_xl.workbook.live import ComCalls, LiveBackend
from tests.backend.fake_excel import FakeBook, new_book
from tests.small_company import frames


def test_every_button_has_an_entry_point_without_arguments() -> None:
    for ep in ENTRY_POINTS:
        fn = getattr(ribbon, ep.entry)
        assert callable(fn) and not inspect.signature(fn).parameters, ep.entry
    assert set(ribbon.ACTIONS) == {ep.entry for ep in ENTRY_POINTS}


@pytest.mark.parametrize("entry", [ep.entry for ep in ENTRY_POINTS])
def test_every_action_resolves(entry: str) -> None:
    action = ribbon.ACTIONS[entry]
    if action.steps:
        assert [s for s in action.steps if s not in STEP_KEYS] == []
        return
    module, _, name = action.call.partition(":")
    fn = getattr(importlib.import_module(module), name)
    params = list(inspect.signature(fn).parameters.values())
    # called as fn(book, *args)
    assert len(params) >= 1 + len(action.args), action.call


@pytest.fixture(scope="module")
def master_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    f, s = frames()
    return write_master(tmp_path_factory.mktemp("ribbon") / "m.xlsx", f, s)


@pytest.fixture
def master(master_once: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(master_once, tmp_path / "m.xlsx"))


def test_a_step_button_runs_the_cycle_step(master: Path) -> None:
    seen: list[str] = []
    text = ribbon.perform("run_mps", MasterWorkbook.open(master), progress=seen.append)
    # the MPS is written with every sheet its formulas read or that reads it
    assert text.startswith("Run MPS: wrote DemandPlan, FamilyPlan, ")
    assert ", MPS, MRP, " in text and ", FinancialPlan, Exceptions, RunLog in " in text
    assert text.endswith(" exceptions.")
    assert "master production schedule" in seen
    log = MasterWorkbook.open(master).read_output_table("run_log")
    assert list(log["command"]) == ["run_mps"]
    assert list(log["steps"]) == ["demand, mps, mrp, capacity, projection, finance"]


def test_validate_and_check_setup(master: Path) -> None:
    text = ribbon.perform("validate", MasterWorkbook.open(master))
    assert text == ("m.xlsx: valid — 5 items, 5 BOM lines, 48 history rows, planning month "
                    "2026-12")
    report = ribbon.perform("check_setup", MasterWorkbook.open(master))
    assert "Python 3." in report and f"xlwings {xw.__version__}" in report
    assert text in report
    wb = openpyxl.load_workbook(master)
    wb["Items"].cell(2, 8, "soon")
    wb.save(master)
    with pytest.raises(ValidationError, match="Lead time"):
        ribbon.perform("validate", MasterWorkbook.open(master))
    assert "'soon' is not a whole number" in ribbon.perform("check_setup",
                                                            MasterWorkbook.open(master))


def _excel_book(lang: str = "en", bad_lead_time: bool = False) -> FakeBook:
    """A master workbook open in (fake) Excel."""
    f, s = frames()
    if bad_lead_time:
        f["items"] = f["items"].astype({"lead_time_days": object})
        f["items"].loc[0, "lead_time_days"] = "soon"
    book = new_book("Sheet1", name="sop_master.xlsm")
    live = LiveBackend(book, calls=ComCalls())
    contents = input_sheets(f, {**s, "language": lang}, lang)
    live.write_sheets(contents, remove=["Sheet1"], order=[c.name for c in contents])
    book.app.log.clear()
    return book


def test_a_button_on_the_calling_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    book = _excel_book()
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    ribbon.run_mps()
    (title, text), = book.app.alerts
    assert title == "S&OP — Run MPS"
    assert text.startswith("Run MPS: wrote ")
    assert "MPS" in [s.name for s in book.sheets]
    assert "S&OP · Run MPS: master production schedule" in book.app.status_history
    assert book.app.status_bar is False  # given back to Excel
    assert book.app.screen_updating is True


def test_an_error_is_shown_in_the_workbooks_language() -> None:
    book = _excel_book("zh-CN", bad_lead_time=True)
    ribbon.run_button("run_mps", caller=book)
    (title, text), = book.app.alerts
    assert title == "S&OP — 运行主生产计划失败"
    assert "发现 1 个问题，未写入任何内容" in text
    assert "[sop_master.xlsm] 物料!H2 (提前期(天))" in text
    assert "主生产计划" not in [s.name for s in book.sheets]  # nothing written


def test_the_meeting_pack_of_a_book_never_saved_asks_to_save_it_first() -> None:
    book = _excel_book()  # its full name is only "sop_master.xlsm": no folder to write in
    ribbon.run_button("build_meeting_pack", caller=book)
    (title, text), = book.app.alerts
    assert title == "S&OP — Build Meeting Pack failed"
    assert text == ("sop_master.xlsm: has not been saved as a file yet; the meeting pack is "
                    "written beside the master workbook, so save it first")


def test_a_button_whose_function_is_missing_says_so(monkeypatch) -> None:
    monkeypatch.setitem(ribbon.ACTIONS, "transfer",
                        ribbon.Action(call="sop_xl.app.transfer:no_such_function"))
    book = _excel_book()
    ribbon.run_button("transfer", caller=book)
    (title, text), = book.app.alerts
    assert title == "S&OP — Transfer failed"
    assert text == ("Transfer is not available in this version of sop_xl yet "
                    "(sop_xl.app.transfer:no_such_function is missing).")


def test_the_language_buttons(monkeypatch: pytest.MonkeyPatch) -> None:
    book = _excel_book()
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    ribbon.language_zh()
    assert [s.name for s in book.sheets][:2] == ["设置", "物料"]
    assert book.app.alerts[-1][1].startswith("工作簿已切换为中文")
    assert book.app.alerts[-1][0] == "S&OP — 中文界面"
    ribbon.language_en()
    assert [s.name for s in book.sheets][:2] == ["Settings", "Items"]


# -- buttons that need the workbook's folder, and those that ask first ---------------------

def _saved_book(tmp_path: Path, frames_and_settings=None) -> FakeBook:
    book = _excel_book()
    book.fullname = str(tmp_path / "sop_master.xlsm")
    return book


def test_the_live_workbook_knows_its_folder(tmp_path: Path) -> None:
    book = _excel_book()
    assert LiveBackend(book).location is None  # never saved
    book.fullname = "https://contoso.sharepoint.com/sites/plan/sop_master.xlsm"
    assert LiveBackend(book).location is None
    book.fullname = str(tmp_path / "sop_master.xlsm")
    assert LiveBackend(book).location == tmp_path / "sop_master.xlsm"


def test_transfer_in_a_workbook_never_saved_says_to_save_it() -> None:
    book = _excel_book()
    ribbon.run_button("transfer", caller=book)
    (title, text), = book.app.alerts
    assert title == "S&OP — Transfer failed"
    assert text == ("Save sop_master.xlsm in a folder first: Transfer writes the export for "
                    "the ERP beside it.")


def test_the_cycle_approve_and_transfer_in_excel(tmp_path: Path) -> None:
    """In (fake) Excel: plan, Approve (asks; Cancel first, then OK), Transfer (asks), and
    the export lands beside the workbook."""
    from sop_xl.app.cycle import CYCLE, run_steps

    book = _saved_book(tmp_path)
    run_steps(MasterWorkbook(LiveBackend(book)), CYCLE)
    book.app.answers = ["cancel"]
    ribbon.run_button("approve_version", caller=book)
    assert book.app.alert_buttons[-2:] == ["ok_cancel", "ok"]
    assert book.app.alerts[-2][1].startswith("Approve version 001 of 2026-12")
    assert book.app.alerts[-1][1] == "Approve: cancelled; nothing was changed."
    ribbon.run_button("approve_version", caller=book)
    assert book.app.alerts[-1][1].startswith("Approved version 001 (2026-12)")
    ribbon.run_button("transfer", caller=book)
    assert book.app.alerts[-2][1].startswith("Transfer the active version 000 (copy of 001")
    export = tmp_path / "sop_master_PIR_T0001.csv"
    assert book.app.alerts[-1][1].endswith(f"export {export}.")
    assert export.is_file()
    assert "DemandManagement" in [s.name for s in book.sheets]


def test_split_and_collect_from_the_ribbon(tmp_path: Path) -> None:
    book = _saved_book(tmp_path)
    ribbon.run_button("assistants_collect", caller=book)
    returned = tmp_path / "2026-12 sales assistants" / "returned"
    assert book.app.alerts[-1][1] == (
        f"No returned workbooks in {returned}: save the sales assistants' workbooks there, "
        "then press Collect Forecasts again.")
    ribbon.run_button("assistants_split", caller=book)
    title, text = book.app.alerts[-1]
    assert title == "S&OP — Split to Assistants"
    sent = tmp_path / "2026-12 sales assistants" / "to send"
    files = sorted(sent.glob("*.xlsx"))
    assert files and text.startswith(f"{len(files)} workbook(s) for planning month 2026-12 "
                                     f"in {sent}:")
    assert text.endswith(f"save the returned ones in {returned}, then press Collect "
                         "Forecasts.")
    shutil.copy(files[0], returned / files[0].name)  # returned as sent: nothing typed
    ribbon.run_button("assistants_collect", caller=book)
    title, text = book.app.alerts[-1]
    assert title == "S&OP — Collect Forecasts"
    assert f"{files[0].name}" in text
