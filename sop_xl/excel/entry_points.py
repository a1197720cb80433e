"""The one list of ribbon buttons and the Python entry points they call.

The ribbon XML (macros/customUI14.xml) and the VBA callbacks (macros/SopRibbon.bas) are
text files kept in step with this list by tests/excel/test_xl_macros_sync.py; the build
reads the text files, never this list, so what is committed is what ships.

Each button calls ``sop_xl.excel.ribbon.<entry>()`` through xlwings ``RunPython`` from a
VBA sub named ``Sop<CamelCase entry>`` (see :func:`vba_sub_name`).
"""

from __future__ import annotations

from typing import NamedTuple

#: Python module whose functions the ribbon buttons call.
RIBBON_MODULE = "sop_xl.excel.ribbon"
#: VBA module (macros/SopRibbon.bas) holding one callback sub per button.
VBA_RIBBON_MODULE = "SopRibbon"


class Group(NamedTuple):
    """A ribbon group on the S&OP tab."""

    key: str
    label_en: str
    label_zh: str


class EntryPoint(NamedTuple):
    """One ribbon button: Python entry point, labels in both languages, ribbon group."""

    entry: str
    label_en: str
    label_zh: str
    group: str


GROUPS: tuple[Group, ...] = (
    Group("forecast", "Forecast", "预测"),
    Group("assistants", "Sales Assistants", "销售内勤"),
    Group("plan", "Plan", "计划"),
    Group("versions", "Versions", "版本"),
    Group("meeting", "Meeting", "会议"),
    Group("setup", "Setup", "设置"),
)

ENTRY_POINTS: tuple[EntryPoint, ...] = (
    EntryPoint("refresh_forecast", "Refresh Forecast", "刷新预测", "forecast"),
    EntryPoint("accuracy", "Accuracy", "预测准确率", "forecast"),
    EntryPoint("assistants_split", "Split to Assistants", "分发给销售内勤", "assistants"),
    EntryPoint("assistants_collect", "Collect Forecasts", "收集预测", "assistants"),
    EntryPoint("demand_plan", "Demand Plan", "需求计划", "plan"),
    EntryPoint("run_mps", "Run MPS", "运行主生产计划", "plan"),
    EntryPoint("run_mrp", "Run MRP", "运行物料需求计划", "plan"),
    EntryPoint("capacity", "Capacity", "产能", "plan"),
    EntryPoint("save_version", "Save Version", "保存版本", "versions"),
    EntryPoint("compare_versions", "Compare", "版本比较", "versions"),
    EntryPoint("approve_version", "Approve", "批准版本", "versions"),
    EntryPoint("transfer", "Transfer", "传递", "versions"),
    EntryPoint("build_meeting_pack", "Build Meeting Pack", "生成会议资料", "meeting"),
    EntryPoint("validate", "Validate", "校验", "setup"),
    EntryPoint("check_setup", "Check Setup", "检查设置", "setup"),
    EntryPoint("language_en", "Language EN", "英文界面", "setup"),
    EntryPoint("language_zh", "Language 中文", "中文界面", "setup"),
)


def vba_sub_name(entry: str) -> str:
    """VBA callback name for an entry point: ``run_mps`` -> ``SopRunMps``."""
    return "Sop" + "".join(part.capitalize() for part in entry.split("_"))


def run_python_command(entry: str) -> str:
    """The exact string a VBA sub passes to xlwings ``RunPython`` for an entry point."""
    return f"import {RIBBON_MODULE} as r; r.{entry}()"


def entry_point(entry: str) -> EntryPoint:
    """Look an entry point up by its Python name (KeyError if unknown)."""
    for ep in ENTRY_POINTS:
        if ep.entry == entry:
            return ep
    raise KeyError(entry)
