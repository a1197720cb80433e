"""The Python side of the ribbon: one function per button (sop_xl.excel.entry_points).

A button's VBA sub (macros/SopRibbon.bas) calls ``sop_xl.excel.ribbon.<entry>()`` through
xlwings RunPython. Each entry takes no arguments: it gets the workbook that called
(``xw.Book.caller()``), wraps it in the live backend and a MasterWorkbook, and calls
``perform``, which runs the same function the CLI runs — ``sop_xl.app.cycle.run_steps`` for
the cycle steps — with the button's name and progress in Excel's status bar. The result
is shown in a message box in the workbook's language; so is any SopXlError (invalid
cells, a failed write naming its sheet and cell, ...). Anything else is a bug: it is left
to xlwings, which shows the traceback.

Buttons that are not a cycle step go through ``ACTIONS`` by dotted path
(``module:function(book, *args)``); a test resolves every path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sop_xl.app.master import MasterWorkbook
from sop_xl.base import messages
from sop_xl.base.errors import SopXlError
from sop_xl.excel.entry_points import ENTRY_POINTS, entry_point

__all__ = ["ACTIONS", "Action", "perform", *(ep.entry for ep in ENTRY_POINTS)]

TITLE = "S&OP"


@dataclass(frozen=True)
class Action:
    """What a button does: run cycle steps, or call ``module:function(book, ...)``;
    ``confirm`` names ``module:function(book)`` giving the question the planner answers
    first (None: nothing to ask)."""

    steps: tuple[str, ...] = ()
    call: str | None = None          # "package.module:function"
    args: tuple[Any, ...] = ()
    confirm: str | None = None

    def function(self) -> Callable[..., Any]:
        """The function a ``call`` action names (ImportError/AttributeError if absent)."""
        assert self.call is not None
        return _resolve(self.call)


def _resolve(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


ACTIONS: dict[str, Action] = {
    "refresh_forecast": Action(steps=("forecast",)),
    "accuracy": Action(steps=("accuracy",)),
    "assistants_split": Action(call="sop_xl.faces.assistants.buttons:split_button"),
    "assistants_collect": Action(call="sop_xl.faces.assistants.buttons:collect_button"),
    "demand_plan": Action(steps=("demand",)),
    "run_mps": Action(steps=("mps",)),
    "run_mrp": Action(steps=("mrp",)),
    "capacity": Action(steps=("capacity",)),
    "save_version": Action(call="sop_xl.app.cycle:save_button"),
    "compare_versions": Action(call="sop_xl.app.versions:compare_latest"),
    "approve_version": Action(call="sop_xl.app.versions:approve_latest",
                              confirm="sop_xl.app.versions:approve_question"),
    "transfer": Action(call="sop_xl.app.transfer:transfer_button",
                       confirm="sop_xl.app.transfer:transfer_question"),
    "build_meeting_pack": Action(call="sop_xl.faces.meeting:build_meeting_pack"),
    "validate": Action(call="sop_xl.excel.setup:validation_summary"),
    "check_setup": Action(call="sop_xl.excel.ribbon:_check_setup"),
    "language_en": Action(call="sop_xl.app.language:switch_language", args=("en",)),
    "language_zh": Action(call="sop_xl.app.language:switch_language", args=("zh-CN",)),
}


def _label(entry: str, lang: str) -> str:
    ep = entry_point(entry)
    return messages.in_language(lang, ep.label_en, ep.label_zh)


def _language(book: MasterWorkbook) -> str:
    try:
        return book.language
    except Exception:  # the workbook may be what is broken; English then
        return "en"


def perform(entry: str, book: MasterWorkbook,
            progress: Callable[[str], None] = lambda _: None,
            ask: Callable[[str], bool] | None = None) -> str:
    """Do what button ``entry`` does on ``book``; the text for the planner. A button that
    locks or passes on a plan first puts its question to ``ask`` (OK → True); without
    ``ask`` it goes ahead, as the CLI does."""
    action = ACTIONS[entry]
    lang = _language(book)
    label = _label(entry, lang)
    if action.confirm and ask is not None:
        question = _resolve(action.confirm)(book)
        if question is not None and not ask(question):
            return messages.message("ribbon_cancelled", lang, action=label)
    if action.steps:
        from sop_xl.app.cycle import STEP_KEYS, run_steps

        missing = [s for s in action.steps if s not in STEP_KEYS]
        if missing:
            raise SopXlError(messages.message("ribbon_unavailable", lang, action=label,
                                              target=f"cycle step {missing[0]!r}"))
        report = run_steps(book, list(action.steps), progress=progress, command=entry)
        if report.exceptions is None:
            return messages.message("ribbon_done_no_plan", lang, action=label,
                                    sheets=", ".join(report.sheets), seconds=report.seconds)
        return messages.message("ribbon_done", lang, action=label,
                                sheets=", ".join(report.sheets), seconds=report.seconds,
                                n=len(report.exceptions))
    try:
        fn = action.function()
    except (ImportError, AttributeError):
        raise SopXlError(messages.message("ribbon_unavailable", lang, action=label,
                                          target=action.call)) from None
    progress(label)
    result = fn(book, *action.args)
    if result is None:
        return label
    message = getattr(result, "message", None)
    return message() if callable(message) else str(result)


def _check_setup(book: MasterWorkbook) -> str:
    from sop_xl.excel.setup import check_setup_report, environment

    return check_setup_report(environment(book.backend.application_version), book,
                              _language(book))


def run_button(entry: str, caller: Any = None) -> None:
    """A button press: ``entry`` on the calling workbook, result or error in a box."""
    from sop_xl.workbook.live import LiveBackend

    if caller is None:
        import xlwings as xw

        caller = xw.Book.caller()
    # the workbook's language first (read through a backend of its own), so the backend that
    # does the work is made once with the button's name and messages in that language
    lang = _language(MasterWorkbook(LiveBackend(caller)))
    backend = LiveBackend(caller, step=_label(entry, lang), lang=lang)
    book = MasterWorkbook(backend)
    app = caller.app

    def ask(question: str) -> bool:
        return app.alert(question, title=f"{TITLE} — {backend.step}", buttons="ok_cancel",
                         mode="info") == "ok"

    try:
        text = perform(entry, book, progress=backend.status, ask=ask)
    except SopXlError as exc:
        app.alert(exc.render(lang), title=f"{TITLE} — "
                  + messages.message("ribbon_failed", lang, action=backend.step),
                  mode="critical")
        return
    finally:
        backend.close()
    after = _language(MasterWorkbook(backend))  # a Language button changed it
    app.alert(text, title=f"{TITLE} — {_label(entry, after)}", mode="info")


# -- the entry points the VBA calls (one per ENTRY_POINTS entry) --------------------------

def refresh_forecast() -> None:
    run_button("refresh_forecast")


def accuracy() -> None:
    run_button("accuracy")


def demand_plan() -> None:
    run_button("demand_plan")


def run_mps() -> None:
    run_button("run_mps")


def run_mrp() -> None:
    run_button("run_mrp")


def capacity() -> None:
    run_button("capacity")


def assistants_split() -> None:
    run_button("assistants_split")


def assistants_collect() -> None:
    run_button("assistants_collect")


def save_version() -> None:
    run_button("save_version")


def compare_versions() -> None:
    run_button("compare_versions")


def approve_version() -> None:
    run_button("approve_version")


def transfer() -> None:
    run_button("transfer")


def build_meeting_pack() -> None:
    run_button("build_meeting_pack")


def validate() -> None:
    run_button("validate")


def check_setup() -> None:
    run_button("check_setup")


def language_en() -> None:
    run_button("language_en")


def language_zh() -> None:
    run_button("language_zh")
