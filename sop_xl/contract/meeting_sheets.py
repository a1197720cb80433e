"""Log sheets of the master workbook kept by the sales-assistant round and the S&OP meeting.

- Submissions (提交记录): one row per sales-assistant workbook that ``sop-xl assistants
  collect`` took into SalesForecast: who, for which month, when, the file and its SHA-256.
- Decisions (会议决议): the decisions of the S&OP meetings, one row each time a meeting pack
  recorded a decision's state, so a decision's history reads top to bottom.
- MeetingKPIs (会议指标): the headline figures each meeting pack showed, so next month's
  pack puts last month beside them exactly as it was reported.

All three are LOG sheets: appended, never rewritten by a run.
"""

from __future__ import annotations

from sop_xl.contract.model import Choice, Column, Dtype, Layout, Role, SheetSpec

C = Column
LOG_TAB = "7F7F7F"

SUBMISSION_STATUS = (
    Choice("accepted", "Accepted", "已接收"),
    Choice("replaced", "Accepted, replaces an earlier file", "已接收(替换此前提交)"),
)

DECISION_STATUS = (
    Choice("open", "Open", "未开始"),
    Choice("in_progress", "In progress", "进行中"),
    Choice("done", "Done", "已完成"),
    Choice("dropped", "Dropped", "已取消"),
)

SUBMISSIONS = SheetSpec(
    key="submissions", en="Submissions", zh="提交记录", role=Role.LOG, layout=Layout.TABLE,
    order=42, tab_color=LOG_TAB, required=False,
    description_en="Every sales-assistant workbook taken into SalesForecast.",
    description_zh="每个已汇总进销售预测的销售内勤工作簿。",
    columns=(
        C("collected_at", "Collected", "汇总时间", width=19),
        C("assistant", "Sales assistant", "销售内勤", width=14),
        C("department", "Department", "部门", width=18),
        C("planning_month", "Planning month", "计划月", width=10),
        C("file", "File", "文件", width=30),
        C("file_hash", "File SHA-256", "文件校验(SHA-256)", width=20),
        C("rows", "Rows", "行数", Dtype.INT),
        C("flagged", "Beyond threshold", "超阈值行数", Dtype.INT),
        C("status", "Status", "状态", choices=SUBMISSION_STATUS, width=16),
        C("user", "User", "用户", width=12),
        C("note", "Note", "备注", width=50),
    ),
)

DECISIONS = SheetSpec(
    key="decisions", en="Decisions", zh="会议决议", role=Role.LOG, layout=Layout.TABLE,
    order=43, tab_color=LOG_TAB, required=False,
    description_en="Decisions of the S&OP meetings, one row per meeting that reviewed them.",
    description_zh="S&OP 会议决议，每次会议审阅记录一行。",
    columns=(
        C("decision_id", "ID", "编号", width=12),
        C("raised_month", "Raised", "提出月份", width=10),
        C("topic", "Topic", "议题", width=36),
        C("decision", "Decision", "决议", width=40),
        C("owner", "Owner", "负责人", width=12),
        C("due", "Due", "完成期限", width=12),
        C("status", "Status", "状态", choices=DECISION_STATUS, width=12),
        C("reviewed_month", "Reviewed at meeting", "审阅会议月份", width=10),
        C("note", "Note", "备注", width=30),
        C("recorded_at", "Recorded", "记录时间", width=19),
    ),
)

MEETING_KPIS = SheetSpec(
    key="meeting_kpis", en="MeetingKPIs", zh="会议指标", role=Role.LOG, layout=Layout.TABLE,
    order=44, tab_color=LOG_TAB, required=False,
    description_en="Headline figures of each meeting pack, as reported.",
    description_zh="每期会议资料的主要指标(按报告时数值)。",
    columns=(
        C("planning_month", "Planning month", "计划月", width=10),
        C("kpi", "Figure", "指标", width=24),
        C("value", "Value", "数值", Dtype.NUMBER),
        C("written_at", "Written", "写入时间", width=19),
    ),
)

MEETING_SHEETS: tuple[SheetSpec, ...] = (SUBMISSIONS, DECISIONS, MEETING_KPIS)
