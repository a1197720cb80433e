"""Words of the Exceptions sheet: the severities, categories and messages of the plan's
exception records (sop_xl.plan.alerts, rendered by sop_xl.layout.exceptions)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
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
    "cat_order_change": ("Order change in frozen period", "锁定期内订单变更"),
    "cat_firm_in_frozen": ("Planner change in frozen period", "锁定期内人工调整"),
    "cat_fence_change": ("Change inside time fence", "计划时界内变更"),
    "cat_de_expedite": ("De-expedite", "推迟到货"),
    "cat_cancel": ("Cancel", "取消订单"),
    "cat_shortage_lt": ("Shortage within lead time", "提前期内缺料"),
    "msg_past_due_order": ("contract {contract} ({customer}) has {qty:,.0f} pcs open since "
                           "{due}; needed on the planning date",
                           "合同 {contract}({customer})自 {due} 起未交 {qty:,.0f} 件；按计划日需求计入"),
    "msg_frozen_change": ("demand now needs {suggested:,.0f} pcs but the frozen plan has "
                          "{frozen:,.0f}; change inside the frozen period only for order "
                          "changes", "需求现需 {suggested:,.0f} 件，锁定计划为 {frozen:,.0f} 件；"
                          "锁定期内仅因订单变更调整"),
    "msg_shortage": ("projected on hand falls to {projected:,.0f} pcs from {start}: demand "
                     "cannot be met", "自 {start} 起预计库存降至 {projected:,.0f} 件：需求无法满足"),
    "msg_below_ss": ("projected on hand falls to {projected:,.0f} pcs from {start}, below "
                     "safety stock {safety:,.0f}",
                     "自 {start} 起预计库存降至 {projected:,.0f} 件，低于安全库存 {safety:,.0f}"),
    "msg_past_due_release_ss": (
        "release now: {qty:,.0f} pcs due {due} need {lead} working days and should have "
        "gone out on {release}; stock covers demand until they arrive, below safety stock",
        "请立即下达：{due} 到货的 {qty:,.0f} 件需 {lead} 个工作日，应于 {release} 下达；"
        "到货前库存可满足需求，但低于安全库存"),
    "msg_expedite": ("order {order} ({qty:,.0f} pcs) was due {due} and is not received; it "
                     "is needed by {need}: expedite it or correct its date",
                     "订单 {order}({qty:,.0f} 件)应于 {due} 到货但未到，{need} 即需要：请催货或更新日期"),
    "msg_redate": ("order {order} ({qty:,.0f} pcs) was due {due} and is not received; it is "
                   "not needed until {need}: correct its date",
                   "订单 {order}({qty:,.0f} 件)应于 {due} 到货但未到，{need} 才需要：请更新到货日期"),
    "msg_overload": ("load {load:,.0f} h vs {available:,.0f} h available ({util:.0%}); "
                     "options: overtime {overtime:,.0f} h, build ahead {ahead}, outsource "
                     "{outsource:,.0f} h = {pcs:,.0f} pcs ({items})",
                     "负荷 {load:,.0f} 小时，可用 {available:,.0f} 小时"
                     "({util:.0%})；方案：加班 {overtime:,.0f} 小时，提前生产 {ahead}，"
                     "外协 {outsource:,.0f} 小时 = {pcs:,.0f} 件({items})"),
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
    "msg_reschedule_in": ("order {order} ({qty:,.0f} pcs) due {due} is needed on {need} "
                          "{why}: bring it in {days} working days",
                          "订单 {order}({qty:,.0f} 件)到货期 {due}，{need} 即需要({why})："
                          "请提前 {days} 个工作日"),
    "msg_de_expedite": ("order {order} ({qty:,.0f} pcs) due {due} is not needed until "
                        "{need}: push it out {days} working days",
                        "订单 {order}({qty:,.0f} 件)到货期 {due}，{need} 才需要：请推迟 {days} 个工作日"),
    "msg_cancel": ("order {order} ({qty:,.0f} pcs) due {due} is not needed within the plan: "
                   "cancel it or push it out", "订单 {order}({qty:,.0f} 件)到货期 {due}，"
                   "计划期内不需要：请取消或推迟"),
    "msg_shortage_lt": ("short {qty:,.0f} pcs from {start}: stock and open orders run out "
                        "then, and an order released today ({lead} working days) arrives "
                        "no earlier than {arrive}; expedite or find stock.{more}",
                        "自 {start} 起缺 {qty:,.0f} 件：库存和在途订单届时用完，今日下达的订单"
                        "({lead} 个工作日)最早 {arrive} 到货；请催货或调剂库存。{more}"),
    "msg_release_now_too": (" Release {qty:,.0f} pcs now: they should have gone out on "
                            "{release}.", "请立即下达 {qty:,.0f} 件：本应于 {release} 下达。"),
    "why_demand": ("to cover demand", "满足需求"),
    "why_safety_stock": ("to keep safety stock", "维持安全库存"),
    "why_past_due": ("and is past due", "且已逾期"),
    "after_horizon": ("after the plan", "计划期后"),
}
