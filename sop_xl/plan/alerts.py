"""Planning exception messages (例外信息): what needs a planner's decision.

(Not Python exceptions — those are in sop_xl.base.errors.) Each engine reports structured facts
(an overload, a past-due release); this module turns them into rows with a severity, the
item and period, a quantity and a sentence in the workbook's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sop_xl.base.messages import message, register

if TYPE_CHECKING:
    from sop_xl.plan.capacity import CapacityResult
    from sop_xl.plan.mps import MPSResult
    from sop_xl.plan.mrp import MRPResult

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
                     "{outsource:,.0f} h = {pcs:,.0f} pcs ({items})",
                     "负荷 {load:,.0f} 小时，可用 {available:,.0f} 小时"
                     "({util:.0%})；方案：加班 {overtime:,.0f} 小时，提前生产 {ahead}，"
                     "外协 {outsource:,.0f} 小时 = {pcs:,.0f} 件({items})"),
    "cat_order_change": ("Order change in frozen period", "锁定期内订单变更"),
    "cat_firm_in_frozen": ("Planner change in frozen period", "锁定期内人工调整"),
    "cat_fence_change": ("Change inside time fence", "计划时界内变更"),
    "cat_de_expedite": ("De-expedite", "推迟到货"),
    "cat_cancel": ("Cancel", "取消订单"),
    "cat_shortage_lt": ("Shortage within lead time", "提前期内缺料"),
    "msg_order_change": ("customer orders need {production:,.0f} pcs but the frozen plan had "
                         "{previous:,.0f}: raised by {delta:,.0f} for the orders",
                         "客户订单需 {production:,.0f} 件，锁定计划为 {previous:,.0f} 件："
                         "因订单增加 {delta:,.0f} 件"),
    "msg_firm_in_frozen": ("planner set {production:,.0f} pcs inside the frozen period "
                           "(previous version {previous:,.0f}); confirm with the plant",
                           "计划员在锁定期内设为 {production:,.0f} 件(上一版本 {previous:,.0f} 件)；"
                           "请与工厂确认"),
    "msg_fence_change": ("planned {production:,.0f} pcs, previous version {previous:,.0f}: a "
                         "change inside the planning time fence needs approval",
                         "计划 {production:,.0f} 件，上一版本 {previous:,.0f} 件：计划时界内的变更需审批"),
    "msg_reschedule_in": ("order {order} ({qty:,.0f} pcs) due {due} is needed in {need} "
                          "{why}: expedite it", "订单 {order}({qty:,.0f} 件)到货期 {due}，"
                          "{need} 即需要({why})：请催货提前"),
    "msg_de_expedite": ("order {order} ({qty:,.0f} pcs) due {due} is not needed until "
                        "{need}: push it out", "订单 {order}({qty:,.0f} 件)到货期 {due}，"
                        "{need} 才需要：请推迟到货"),
    "msg_cancel": ("order {order} ({qty:,.0f} pcs) due {due} is not needed within the plan: "
                   "cancel it or push it out", "订单 {order}({qty:,.0f} 件)到货期 {due}，"
                   "计划期内不需要：请取消或推迟"),
    "msg_shortage_lt": ("short {qty:,.0f} pcs from {start}: stock and open orders do not "
                        "cover it, and an order released today ({lead} working days) arrives "
                        "no earlier than {arrive}; expedite or find stock.{more}",
                        "自 {start} 起缺 {qty:,.0f} 件：库存和在途订单不足，今日下达的订单"
                        "({lead} 个工作日)最早 {arrive} 到货；请催货或调剂库存。{more}"),
    "msg_release_now_too": ("Release {qty:,.0f} pcs now: they should have gone out on "
                            "{release}.", "请立即下达 {qty:,.0f} 件：本应于 {release} 下达。"),
    "why_demand": ("to cover demand", "满足需求"),
    "why_safety_stock": ("to keep safety stock", "维持安全库存"),
    "why_past_due": ("and is past due", "且已逾期"),
    "after_horizon": ("after the plan", "计划期后"),
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


def _day(value) -> str:
    """A date as yyyy-mm-dd, whatever carries it."""
    if value is None or pd.isna(value):
        return ""
    return str(pd.Timestamp(value).date())


def mps_changes(mps: MPSResult, out: ExceptionList) -> None:
    """Changes inside the frozen fence and the planning time fence."""
    for r in mps.frozen_changes.itertuples(index=False):
        prev = 0.0 if np.isnan(r.previous) else float(r.previous)
        if r.kind == "order_change":
            out.add("warning", "order_change", r.item, r.period, r.production - prev,
                    "msg_order_change", "mps", production=r.production, previous=prev,
                    delta=r.production - prev)
        elif r.kind == "frozen_kept":
            out.add("info", "frozen_change", r.item, r.period, r.suggested - prev,
                    "msg_frozen_change", "mps", suggested=r.suggested, frozen=prev)
        elif r.kind == "firm_in_frozen":
            out.add("warning", "firm_in_frozen", r.item, r.period, r.production - prev,
                    "msg_firm_in_frozen", "mps", production=r.production, previous=prev)
        else:
            out.add("info", "fence_change", r.item, r.period, r.production - prev,
                    "msg_fence_change", "mps", production=r.production, previous=prev)


def mrp_actions(mrp: MRPResult, out: ExceptionList, tolerance: int = 0) -> None:
    """Past-due releases, shortages within lead time and rescheduling messages, each with
    item, period, quantity and the reason. An order that could move out by ``tolerance``
    periods or fewer is not worth a de-expedite message (SAP's rescheduling tolerance)."""
    labels = mrp.periods
    h = len(labels)

    def period(b: int) -> str:
        return labels[b] if 0 <= b < h else message("after_horizon", out.lang)

    acts = mrp.actions
    # a past-due release and the shortage it causes are one decision: one row per item
    short_items = set(acts.loc[acts["kind"] == "shortage_lead_time", "item"])
    late = acts[(acts["kind"] == "past_due_release")]
    late_of = {item: g for item, g in late.groupby("item", sort=False)}
    for a in acts.itertuples(index=False):
        due = _day(a.due_date) or period(int(a.due_bucket))
        if a.kind == "past_due_release" and a.item in short_items:
            continue  # said with its shortage below
        if a.kind == "past_due_release":
            out.add("critical", "past_due_release", a.item, labels[0], a.qty,
                    "msg_past_due_release", "mrp", qty=a.qty, due=_day(a.due_date),
                    lead=int(a.lead), release=_day(a.release_date))
        elif a.kind == "shortage_lead_time":
            extra = ""
            g = late_of.get(a.item)
            if g is not None:
                extra = " " + message("msg_release_now_too", out.lang,
                                      qty=float(g["qty"].sum()),
                                      release=_day(g["release_date"].min()))
            out.add("critical", "shortage_lt", a.item, labels[int(a.bucket)], a.qty,
                    "msg_shortage_lt", "mrp", qty=a.qty, start=labels[int(a.bucket)],
                    lead=int(a.lead), arrive=a.reason or message("after_horizon", out.lang),
                    more=extra)
        elif a.kind == "expedite" and a.reason == "past_due":
            out.add("critical", "expedite", a.item, labels[int(a.bucket)], a.qty,
                    "msg_expedite", "mrp", order=a.order, qty=a.qty, due=due)
        elif a.kind == "expedite":
            out.add("warning", "expedite", a.item, labels[int(a.bucket)], a.qty,
                    "msg_reschedule_in", "mrp", order=a.order, qty=a.qty, due=due,
                    need=period(int(a.need_bucket)),
                    why=message(f"why_{a.reason}", out.lang))
        elif a.kind == "de_expedite" and a.need_bucket - max(a.due_bucket, 0) <= tolerance:
            continue
        elif a.kind == "de_expedite":
            out.add("info", "de_expedite", a.item, period(int(a.bucket)), a.qty,
                    "msg_de_expedite", "mrp", order=a.order, qty=a.qty, due=due,
                    need=period(int(a.need_bucket)))
        elif a.kind == "cancel":
            out.add("warning", "cancel", a.item, period(int(a.bucket)), a.qty, "msg_cancel",
                    "mrp", order=a.order, qty=a.qty, due=due)


def overloads(cap: CapacityResult, out: ExceptionList) -> None:
    """Each capacity overload with its options (hours and pieces)."""
    for o in cap.overloads.itertuples(index=False):
        out.add("warning", "overload", o.resource, o.period, o.overload, "msg_overload",
                "capacity", load=o.load, available=o.available,
                util=o.load / o.available if o.available else 0, overtime=o.overtime_hours,
                ahead=o.build_ahead or "-", outsource=o.outsource_hours,
                pcs=o.outsource_pcs, items=o.outsource_items or "-")
