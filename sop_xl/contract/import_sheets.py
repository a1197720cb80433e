"""Sheets of data taken in from outside the workbook: the import log of ``sop-xl import`` and
the monthly sales history a run planned from when the history lives in a file beside the
workbook (Parquet or DuckDB, Settings "Sales history file").
"""

from __future__ import annotations

from sop_xl.contract.model import Column, Dtype, Layout, Role, SheetSpec

C = Column
LOG_TAB = "7F7F7F"

IMPORT_LOG = SheetSpec(
    key="import_log", en="ImportLog", zh="导入日志", role=Role.LOG, layout=Layout.TABLE,
    order=45, tab_color=LOG_TAB, required=False,
    description_en="Every import from the ERP or a database: what was read, when, by whom, "
    "how many rows went into which sheet, and a SHA-256 of what was read.",
    description_zh="每一次从 ERP 或数据库导入的记录：读取了什么、何时、由谁、多少行进入哪张表，以及所读内容的 SHA-256。",
    columns=(
        C("imported_at", "Imported at", "导入时间", width=19),
        C("user", "User", "用户", width=12),
        C("profile", "Profile", "映射方案", width=16),
        C("report", "Report", "报表", width=30),
        C("source", "Source", "来源", width=40),
        C("sheet", "Sheet", "工作表", width=16),
        C("rows_read", "Rows read", "读取行数", Dtype.INT),
        C("rows_skipped", "Rows skipped", "跳过行数", Dtype.INT,
          help_en="Rows the profile leaves out (closed, deleted or fully delivered lines).",
          help_zh="映射方案排除的行(已关闭、已删除或已全部交货的行)。"),
        C("rows_written", "Rows written", "写入行数", Dtype.INT),
        C("sha256", "SHA-256", "SHA-256", width=20),
    ),
)

HISTORY_USED = SheetSpec(
    key="history_used", en="HistoryUsed", zh="计划所用历史", role=Role.OUTPUT,
    layout=Layout.TABLE, order=18, tab_color="A5A5A5", required=False,
    description_en="The sales history this plan was made from, aggregated to months from the "
    "history file named in Settings: one row per item, department, channel and measure, "
    "months across.",
    description_zh="本计划所用的销售历史，由设置中指定的历史文件按月汇总：每个物料、部门、渠道和指标一行，月份横向排列。",
    columns=(
        C("item", "Item", "物料编码", width=14),
        C("department", "Department", "部门", width=16),
        C("channel", "Channel", "渠道", width=12),
        C("measure", "Measure", "指标", width=10),
        C("total", "Total", "合计", Dtype.NUMBER, "pcs"),
    ),
)

IMPORT_SHEETS: tuple[SheetSpec, ...] = (IMPORT_LOG, HISTORY_USED)
