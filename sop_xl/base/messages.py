"""The message catalogue: every sentence a planner reads, in English and 简体中文.

Messages are ``str.format`` templates keyed by a code: ``message(code, lang, **params)``.
The catalogue is built here, once, from the problems below (bad files, sheets and cells)
and the sections in ``sop_xl.base.words`` (contract, planning, versions, workbook,
excel, assistants, meeting); a code defined twice stops the import. Engines return codes and
numbers; ``sop_xl.layout`` and the commands render them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sop_xl.base.words import SECTIONS


class Language(StrEnum):
    """A workbook's language (Settings: language)."""

    EN = "en"
    ZH_CN = "zh-CN"

    @classmethod
    def of(cls, lang: str) -> Language:
        """"zh-CN", "zh", "ZH-cn" … are 简体中文; anything else is English."""
        return cls.ZH_CN if str(lang).lower().startswith("zh") else cls.EN


LANGUAGES = tuple(Language)


def in_language(lang: str, en: str, zh: str) -> str:
    """The one of a bilingual pair (a contract label, a sheet name) in ``lang``."""
    return zh if Language.of(lang) is Language.ZH_CN else en

_PROBLEMS: dict[str, tuple[str, str]] = {
    # generic words
    "row": ("row", "第"),
    "row_n": ("row {n}", "第 {n} 行"),
    "value_blank": ("(blank)", "(空白)"),
    "problems_found": ("{n} problem(s) found; nothing was written:",
                       "发现 {n} 个问题，未写入任何内容："),
    # workbook-level
    "file_missing": ("the file does not exist", "文件不存在"),
    "file_not_workbook": ("is not an Excel workbook (.xlsx or .xlsm); got {kind}. Save it as an "
                          "Excel Workbook and try again",
                          "不是 Excel 工作簿(.xlsx 或 .xlsm)，而是 {kind}。请另存为 Excel 工作簿后重试"),
    "file_strict": ("is saved as \"Strict Open XML Spreadsheet\", which sop_xl does not write. "
                    "In Excel choose File > Save As > Excel Workbook (.xlsx) and try again",
                    "以“Strict Open XML 电子表格”格式保存，sop_xl 不写入此格式。请在 Excel 中选择 文件 > 另存为 > Excel 工作簿(.xlsx)后重试"),
    "file_corrupt": ("cannot be read as a workbook ({detail}); the file may be damaged or "
                     "truncated", "无法作为工作簿读取({detail})，文件可能已损坏或不完整"),
    "file_truncated": ("is truncated: the end of the file is missing (an interrupted copy, "
                       "download or save). Restore it from .sop_xl_backups beside it or from "
                       "your own copy",
                       "不完整(被截断)：文件末尾缺失(复制、下载或保存被中断)。请从旁边的 .sop_xl_backups 或您自己的副本恢复"),
    "file_corrupt_sheet": ("sheet {sheet!r} is damaged and cannot be read ({detail}). Restore the "
                           "workbook from .sop_xl_backups beside it or from your own copy",
                           "工作表 {sheet!r} 已损坏，无法读取({detail})。请从旁边的 .sop_xl_backups 或您自己的副本恢复工作簿"),
    "file_encrypted": ("is password-protected; remove the password (File > Info > Protect "
                       "Workbook) and try again",
                       "受密码保护；请先取消密码(文件 > 信息 > 保护工作簿)再重试"),
    "file_exists": ("already exists; choose another path or pass --force",
                    "已存在；请选择其他路径或使用 --force"),
    "file_open_in_excel": ("is open in Excel by {user} ({owner} found); close it in Excel first, "
                           "or use the ribbon buttons inside Excel. If Excel is not running, "
                           "delete {owner}",
                           "正在 Excel 中由 {user} 打开(发现 {owner})；请先在 Excel 中关闭，或在 Excel 内使用功能区按钮。"
                           "如果 Excel 并未运行，请删除 {owner}"),
    "file_locked": ("is being written by another run ({holder}, since {since}); waited {wait} s. "
                    "Try again when it has finished; if no run is going on, delete {lock}",
                    "正被另一个进程写入({holder}，开始于 {since})；已等待 {wait} 秒。请在其完成后重试；"
                    "如果没有正在进行的运行，请删除 {lock}"),
    "file_empty": ("is empty (0 bytes); it is not a workbook. Restore it from "
                   ".sop_xl_backups beside it or from your own copy",
                   "是空文件(0 字节)，不是工作簿。请从旁边的 .sop_xl_backups 或您自己的副本恢复"),
    "file_is_folder": ("is a folder; give the path of a workbook file (.xlsx or .xlsm)",
                       "是文件夹；请给出工作簿文件(.xlsx 或 .xlsm)的路径"),
    "file_unreadable": ("cannot be opened ({detail}); check that you may read it",
                        "无法打开({detail})；请检查读取权限"),
    "file_changed": ("was saved by someone else while this run was working; nothing was "
                     "written, so their changes are safe. Run again",
                     "在本次运行期间被其他人保存；未写入任何内容，其修改未受影响。请重新运行"),
    "file_in_use": ("cannot be replaced because another program holds it open ({detail}); "
                    "close it in Excel (or wait for the sync client) and run again; the "
                    "workbook was not changed",
                    "无法替换，另一个程序正打开它({detail})；请在 Excel 中关闭(或等待同步程序完成)后重试；"
                    "工作簿未被修改"),
    "write_failed": ("could not be saved ({detail}); the workbook was not changed",
                     "无法保存({detail})；工作簿未被修改"),
    "not_master": ("has none of the master workbook's input sheets ({sheets}); it is not an "
                   "sop_xl master workbook. Create one with: sop-xl template FILE",
                   "不含主工作簿的任何输入表({sheets})；它不是 sop_xl 主工作簿。请用 sop-xl template 文件名 创建"),
    "backup_kept": ("previous version kept as {path}", "上一版本已保存为 {path}"),
    "interrupted": ("interrupted; the workbook was not changed", "已中断；工作簿未被修改"),
    "internal_error": ("internal error in sop-xl ({detail}); the workbook was not changed. "
                       "Please report this with the file if you can",
                       "sop-xl 内部错误({detail})；工作簿未被修改。如可能，请连同文件一起报告此问题"),
    "internal_error_saved": ("internal error in sop-xl ({detail}) after the workbook was saved; "
                             "the previous version is in .sop_xl_backups. Please report this",
                             "sop-xl 内部错误({detail})，发生在工作簿保存之后；上一版本在 .sop_xl_backups 中。请报告此问题"),
    # sheet and header level
    "sheet_missing": ("sheet {sheet!r} is missing (expected a sheet named {en!r} or {zh!r})",
                      "缺少工作表 {sheet!r}(应命名为 {en!r} 或 {zh!r})"),
    "column_missing": ("required column {column!r} is missing from the header row; expected one "
                       "of {labels}{unknown}",
                       "标题行缺少必填列 {column!r}；应为 {labels} 之一{unknown}"),
    "unknown_headers": ("; headers found that are not part of the sheet: {headers}",
                        "；发现不属于此表的标题：{headers}"),
    "column_duplicate": ("column {column!r} appears twice in the header row (columns {cols})",
                         "标题行中列 {column!r} 出现两次(第 {cols} 列)"),
    "merged_cells": ("merged cells {ref} in a data area; unmerge them so each row holds one "
                     "record", "数据区域中存在合并单元格 {ref}；请取消合并，使每行为一条记录"),
    "formula_in_input": ("holds a formula ({formula}) with no calculated value; open and save "
                         "the workbook in Excel, or paste the cells as values",
                         "包含没有计算结果的公式({formula})；请在 Excel 中打开并保存，或粘贴为数值"),
    "cell_error": ("holds the error {value}; expected {expected}",
                   "包含错误值 {value}；应为{expected}"),
    "cell_error_formula": ("holds the error {value} from its formula {formula}; expected "
                           "{expected}. Fix the formula or paste the right values",
                           "其公式 {formula} 的结果为错误值 {value}；应为{expected}。请修正公式或粘贴正确的数值"),
    # cell level
    "required": ("is blank; expected {expected}", "为空；应为{expected}"),
    "bad_type": ("{value} is not {expected}", "{value} 不是{expected}"),
    "below_min": ("{value} is below the minimum {min}; expected {expected}",
                  "{value} 小于最小值 {min}；应为{expected}"),
    "above_max": ("{value} is above the maximum {max}; expected {expected}",
                  "{value} 大于最大值 {max}；应为{expected}"),
    "implausible": ("{value} is implausibly large (more than {limit}); check for a pasted "
                    "code or a unit mix-up", "{value} 大得不合理(超过 {limit})；请检查是否误粘贴了编码或单位错误"),
    "date_range": ("{value} is outside {first} … {last}; expected a date in that range (a small "
                   "number typed into a date cell shows as a day in 1900)",
                   "{value} 超出 {first} … {last}；应为该范围内的日期(在日期单元格中输入的小数字会显示为 1900 年的某一天)"),
    "date_order": ("{expected}: the day and month order is not certain ({readings})",
                   "{expected}：无法确定日和月的顺序({readings})"),
    "not_allowed": ("{value} is not an allowed value; expected one of {allowed}",
                    "{value} 不是允许的值；应为 {allowed} 之一"),
    "duplicate_key": ("{value} is a duplicate of row {first}; each {key} may appear once",
                      "{value} 与第 {first} 行重复；每个{key}只能出现一次"),
    "unknown_ref": ("{value} is not in {target}; expected an existing {what}",
                    "{value} 不在{target}中；应为已存在的{what}"),
    "future_month": ("{value} is after the planning month {month}; history must be in the past",
                     "{value} 晚于计划月 {month}；历史数据必须早于计划月"),
    "delivered_gt_ordered": ("delivered {value} is more than ordered {ordered}",
                             "已交货 {value} 大于订货 {ordered}"),
    "end_before_start": ("{value} is before the start {start}", "{value} 早于开始 {start}"),
    "family_required": ("is blank; a finished good needs a product family",
                        "为空；成品必须有产品族"),
    "bom_parent_purchased": ("parent {value} is a purchased part; purchased parts have no BOM",
                             "父项 {value} 是外购件；外购件不能有物料清单"),
    "bom_self": ("{value} is its own component", "{value} 不能是自身的子项"),
    "bom_cycle": ("the BOM has a cycle: {path} (rows {rows})",
                  "物料清单存在循环：{path}(第 {rows} 行)"),
    "no_routing": ("item {value} is made in house but has no BOM line; expected components "
                   "in the BOM sheet", "自制物料 {value} 没有物料清单行；请在物料清单中维护子项"),
    "formula_injection": ("{value} starts with {char}; it is kept as text, never as a formula",
                          "{value} 以 {char} 开头；已作为文本保存，不会作为公式执行"),
    "setting_unknown": ("{value} is not a known setting; it is ignored",
                        "{value} 不是已知的设置项，已忽略"),
    "output_is_input": ("sheet {sheet!r} is an input sheet; a run never writes it",
                        "工作表 {sheet!r} 是输入表；运行不会写入它"),
    "period_gap": ("{value} follows {prev}: no item has any row for {missing}. A whole month "
                   "missing looks like an incomplete export; add that month's rows (zero "
                   "quantities are fine)",
                   "{value} 紧接在 {prev} 之后：{missing} 没有任何物料的数据行。整月缺失通常说明导出不完整；"
                   "请补上该月的数据行(数量为 0 也可以)"),
    "history_stale": ("the latest month is {value} but the planning month is {month}, so "
                      "{missing} would count as zero sales. Export the missing months, or "
                      "correct the planning month in Settings",
                      "最新月份为 {value}，但计划月为 {month}，{missing} 将被当作零销量。"
                      "请导出缺失月份，或在设置中更正计划月"),
}


def _build() -> dict[str, tuple[str, str]]:
    catalogue = dict(_PROBLEMS)
    for section in SECTIONS:
        _add(catalogue, section)
    return catalogue


def _add(catalogue: dict[str, tuple[str, str]], entries: dict[str, tuple[str, str]]) -> None:
    clash = set(entries) & set(catalogue)
    if clash:
        raise KeyError(f"message codes defined twice: {sorted(clash)}")
    catalogue.update(entries)


_CATALOGUE = _build()


def register(entries: dict[str, tuple[str, str]]) -> None:
    """Add messages at import time. Only the supply engines (plan/mrp.py, plan/alerts.py)
    still do, until their words move into ``sop_xl.base.words`` (issue 11); everything
    else is in the catalogue built above."""
    _add(_CATALOGUE, entries)


def message(code: str, lang: str = "en", **params: Any) -> str:
    """The message for ``code`` in ``lang`` ("en" or "zh-CN"), formatted with ``params``."""
    template = in_language(lang, *_CATALOGUE[code])
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def codes() -> frozenset[str]:
    return frozenset(_CATALOGUE)
