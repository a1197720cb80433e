"""Planning exception messages (例外信息): what needs a planner's decision.

(Not Python exceptions — those are in sop_xl.errors.) Each engine reports structured facts
(an overload, a past-due release); this module turns them into rows with a severity, the
item and period, a quantity and a sentence in the workbook's language.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.messages import message, register

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}

register({
    "sev_critical": ("critical", "严重"),
    "sev_warning": ("warning", "警告"),
    "sev_info": ("info", "提示"),
    "cat_past_due_order": ("Past-due customer order", "逾期客户订单"),
    "cat_frozen_change": ("Change in frozen period", "锁定期内变更"),
    "cat_shortage": ("Shortage", "缺货"),
    "cat_below_ss": ("Below safety stock", "低于安全库存"),
    "cat_past_due_release": ("Past-due release", "逾期下达"),
    "cat_expedite": ("Expedite", "催货"),
    "cat_overload": ("Capacity overload", "产能超负荷"),
    "cat_deviation": ("Forecast deviation", "预测偏差"),
    "msg_past_due_order": ("contract {contract} ({customer}) has {qty:,.0f} pcs open since "
                           "{due}; planned in the first period",
                           "合同 {contract}({customer})自 {due} 起未交 {qty:,.0f} 件；已计入第一期"),
    "msg_frozen_change": ("demand now needs {suggested:,.0f} pcs but the frozen plan has "
                          "{frozen:,.0f}; change inside the frozen period only for order "
                          "changes", "需求现需 {suggested:,.0f} 件，锁定计划为 {frozen:,.0f} 件；"
                          "锁定期内仅因订单变更调整"),
    "msg_shortage": ("projected on hand {projected:,.0f} pcs: demand cannot be met",
                     "预计库存 {projected:,.0f} 件：需求无法满足"),
    "msg_below_ss": ("projected on hand {projected:,.0f} pcs is below safety stock "
                     "{safety:,.0f}", "预计库存 {projected:,.0f} 件低于安全库存 {safety:,.0f}"),
    "msg_past_due_release": ("release now: {qty:,.0f} pcs due {due} need {lead} working "
                             "days, so should have been released on {release}",
                             "请立即下达：{due} 到货的 {qty:,.0f} 件需 {lead} 个工作日，"
                             "应于 {release} 下达"),
    "msg_expedite": ("order {order} ({qty:,.0f} pcs) was due {due} and is not received; "
                     "expedite or re-date it", "订单 {order}({qty:,.0f} 件)应于 {due} 到货但未到；"
                     "请催货或更新日期"),
    "msg_overload": ("load {load:,.0f} h vs {available:,.0f} h available ({util:.0%}); "
                     "options: overtime {overtime:,.0f} h, build ahead {ahead}, outsource "
                     "{outsource:,.0f} h", "负荷 {load:,.0f} 小时，可用 {available:,.0f} 小时"
                     "({util:.0%})；方案：加班 {overtime:,.0f} 小时，提前生产 {ahead}，"
                     "外协 {outsource:,.0f} 小时"),
    "msg_deviation": ("sales forecast {sales:,.0f} pcs differs from the statistical "
                      "{stat:,.0f} by {dev:+.0%}; discuss at the pre-S&OP meeting",
                      "销售预测 {sales:,.0f} 件与统计预测 {stat:,.0f} 件偏差 {dev:+.0%}；"
                      "请在预备会议讨论"),
    "none": ("none", "无"),
})


@dataclass
class ExceptionList:
    """Collects exception rows in one language."""

    lang: str

    def __post_init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, severity: str, category: str, item: str, period: str, amount: float,
            code: str, source: str, **params) -> None:
        """One row; ``amount`` is the quantity column (pieces or hours), ``params`` fill
        the message."""
        self.rows.append({
            "severity": message(f"sev_{severity}", self.lang), "_rank": SEVERITY_ORDER[severity],
            "category": message(f"cat_{category}", self.lang), "item": item, "period": period,
            "qty": float(amount), "message": message(code, self.lang, **params), "source": source,
        })

    def frame(self) -> pd.DataFrame:
        cols = ["severity", "category", "item", "period", "qty", "message", "source"]
        if not self.rows:
            return pd.DataFrame(columns=cols)
        f = pd.DataFrame(self.rows)
        f = f.sort_values(["_rank", "period", "category", "item"], kind="stable")
        return f[cols].reset_index(drop=True)


def below(projected: np.ndarray, safety: np.ndarray, items: pd.Index, periods: list[str],
          out: ExceptionList, source: str) -> None:
    """Shortages (projected < 0) and dips below safety stock, first bucket of each run."""
    n, h = projected.shape
    for i in range(n):
        prev = None
        for p in range(h):
            v = projected[i, p]
            kind = "shortage" if v < -1e-6 else (
                "below_ss" if v < safety[i] - 1e-6 else None)
            if kind and kind != prev:
                if kind == "shortage":
                    out.add("critical", "shortage", items[i], periods[p], -v, "msg_shortage",
                            source, projected=v)
                else:
                    out.add("warning", "below_ss", items[i], periods[p], safety[i] - v,
                            "msg_below_ss", source, projected=v, safety=safety[i])
            prev = kind
