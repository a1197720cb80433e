"""Words of the plan: demand-plan exceptions, the demand sheets' legends, forecast accuracy."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # plan/mrp.py: a BOM line the MRP cannot plan
    "bom_qty_per": ("quantity per {value} cannot be planned; expected {expected}",
                    "单位用量 {value} 无法计划；应为{expected}"),
    # plan/demand.py
    "cat_negative_demand": ("Negative demand", "需求为负"),
    "msg_forecast_deviation": (
        "sales view {sales:,.0f} pcs (contracts + weighted projects + forecast of {who}) "
        "differs from the statistical {stat:,.0f} by {dev:+.0%}; discuss at the pre-S&OP "
        "meeting",
        "销售口径 {sales:,.0f} 件(合同 + 加权项目 + {who} 的预测)与统计预测 {stat:,.0f} 件偏差 "
        "{dev:+.0%}；请在预备会议讨论"),
    "msg_forecast_no_stat": (
        "sales view {sales:,.0f} pcs (contracts + weighted projects + forecast of {who}) "
        "but the statistical forecast is 0; discuss at the pre-S&OP meeting",
        "销售口径 {sales:,.0f} 件(合同 + 加权项目 + {who} 的预测)但统计预测为 0；请在预备会议讨论"),
    "msg_negative_demand": (
        "the demand plan is {qty:,.0f} pcs after the planner adjustment and family change; "
        "check the changes typed on DemandPlan and FamilyPlan",
        "计入计划员调整和产品族调整后需求计划为 {qty:,.0f} 件；请检查需求计划和产品族计划中的调整"),
    # layout/demand_sheets.py
    "not_whole": ("{value} is not a whole number of pieces; Settings asks for family "
                  "changes in whole pieces", "{value} 不是整件数；设置要求产品族调整取整件"),
    "far_statistical": ("far term: statistical forecast net of contracts and projects",
                        "远期：统计预测扣除合同和项目"),
    "far_ship_ratio": ("far term: ordered forecast × shipped/ordered ratio over {n} months, "
                       "net of contracts and projects (statistical where no ordered history)",
                       "远期：订货预测 × 近 {n} 个月发货/订货比例，扣除合同和项目"
                       "(无订货历史的用统计预测)"),
    "near_term": ("near term {n} months: sales forecast where submitted (blue)",
                  "近期 {n} 个月：已提交处采用销售预测(蓝色)"),
    "flag_legend": ("red: sales view deviates from the statistical forecast by more than "
                    "{thr:.0%} and at least {qty:,.0f} pcs and {value:,.0f} {currency}",
                    "红色：销售口径与统计预测偏差超过 {thr:.0%}，且不少于 {qty:,.0f} 件、"
                    "{value:,.0f} {currency}"),
    "yes": ("yes", "是"),
    # layout/kpi.py
    "kpi_achievement": (
        "Achievement rate (预测达成率) = Σ actual ÷ Σ forecast: 100 % is on target, 80 % means "
        "shipments fell 20 % short of the forecast, 120 % that they beat it. Amber outside "
        "80-120 %.",
        "预测达成率 = Σ实际 ÷ Σ预测：100% 为达成，80% 表示实际比预测少 20%，120% 表示超出 20%。"
        "超出 80%-120% 标黄。"),
    "kpi_errors": (
        "WAPE = Σ|actual − forecast| ÷ Σ actual; MAPE = mean of |actual − forecast| ÷ actual "
        "(months with no shipments left out); Bias = (Σ forecast − Σ actual) ÷ Σ actual, "
        "positive = over-forecast; MASE = mean |actual − forecast| ÷ mean monthly change of "
        "the history, below 1 beats last month's actual.",
        "WAPE = Σ|实际 − 预测| ÷ Σ实际；MAPE = |实际 − 预测| ÷ 实际 的平均(无发货的月份不计)；"
        "偏差率 = (Σ预测 − Σ实际) ÷ Σ实际，正数为高估；MASE = 平均|实际 − 预测| ÷ 历史月环比变化"
        "的平均，小于 1 优于用上月实际作预测。"),
    "kpi_fva": (
        "FVA (forecast value added) = WAPE of the statistical (or naive) forecast − WAPE of "
        "this forecast, on the same items and months: positive = this forecast is better. "
        "Red when negative (below −0.05 points).",
        "预测增值 FVA = 统计(或朴素)预测的 WAPE − 本预测的 WAPE，在相同物料和月份上比较：正数表示"
        "本预测更好。为负(低于 −0.05 个百分点)标红。"),
    "kpi_scope": (
        "Lag 1 = made the month before the month forecast, lag 2 = two months before. Sales = "
        "the assistant's forecast + their department's open contracts and weighted projects "
        "at the time. Errors are measured per item, department and month, then summed; each "
        "forecast counts where it exists (sales: the items and months the assistants "
        "forecast). Months {first} to {last}; naive = the last month's actual shipments.",
        "提前 1 个月 = 在预测月的前一个月制定，依此类推。销售 = 销售内勤预测 + 当时本部门的未交合同"
        "和加权项目。误差按物料、部门和月份计算后汇总；各来源只在其存在处统计(销售：销售内勤预测"
        "的物料和月份)。统计月份 {first} 至 {last}；朴素预测 = 上月实际发货。"),
    "kpi_empty": (
        "No archived forecast has actual shipments yet: accuracy appears once a month has "
        "passed since the first demand plan run.",
        "尚无已有实际发货的存档预测：首次运行需求计划一个月后显示准确率。"),
    # words on the sheets a run writes (sop_xl.layout)
    "sheet_title": ("{sheet} — {company} — planning month {month} — written {stamp}",
                    "{sheet} — {company} — 计划月 {month} — 生成于 {stamp}"),
    "interval": (" — interval {level:.0%}", " — 区间 {level:.0%}"),
    "legend_separator": ("; ", "；"),
    "grid_working_days": ("Working days", "工作日"),
    "grid_measure": ("Measure", "指标"),
    "on_hand_opening": ("On hand", "期初库存"),
    "settings_setting": ("Setting", "设置项"),
    "settings_value": ("Value", "值"),
    "settings_unit": ("Unit", "单位"),
    "settings_description": ("Description", "说明"),
    "family_components": ("(components)", "(物料)"),
    "family_total": ("Total", "合计"),
    # the family production plan (sop_xl.plan.family_plan, family_split)
    "cat_family_drift": ("Items drift from family plan", "物料计划偏离产品族计划"),
    "msg_family_drift": (
        "the items' MPS makes {items:,.0f} pcs but the approved family production is "
        "{approved:,.0f} ({dev:+.0%}, tolerance {tol:.0%}): frozen quantities, firmed MPS "
        "cells or customer orders moved the items away from the family plan",
        "物料主计划生产 {items:,.0f} 件，批准的产品族生产为 {approved:,.0f} 件"
        "({dev:+.0%}，容差 {tol:.0%})：锁定数量、已确认的主计划单元格或客户订单使物料计划偏离产品族计划"),
    "cat_family_off_lot": ("Family split off lot rule", "产品族分解不符批量规则"),
    "msg_family_off_lot": (
        "{qty:,.0f} pcs of family {family} in {period} cannot be made in the items' lots: "
        "the family total is kept and this item takes the odd pieces; round the family "
        "production to the lots or change the item's lot rule",
        "产品族 {family} 在 {period} 的 {qty:,.0f} 件无法按物料批量生产：保持产品族总量，"
        "由该物料承担零头；请按批量调整产品族生产或修改物料批量规则"),
    # the steps of the cycle (sop_xl.app.cycle.STEPS)
    "step_accuracy": ("Forecast accuracy", "预测准确率"),
    "step_achievement": ("Plan achievement", "计划达成率"),
    "step_forecast": ("Statistical forecast", "统计预测"),
    "step_demand": ("Demand plan", "需求计划"),
    "step_family": ("Family production plan", "产品族生产计划"),
    "step_mps": ("Master production schedule", "主生产计划"),
    "step_mrp": ("Material requirements and purchase plan", "物料需求与采购计划"),
    "step_capacity": ("Rough-cut capacity", "粗能力计划"),
    "step_projection": ("Inventory projection, slow-moving and excess", "库存预测与呆滞冗余"),
    "step_finance": ("Financial projection", "财务预测"),
    "step_version": ("Save plan version", "保存计划版本"),
    # layout/links.py: the staleness banners in the titles of the live model's sheets
    "stale_mps": (
        "⚠ Demand changed after this MPS was planned: suggested production, lot sizes and "
        "the frozen-period checks are out of date. Press Run MPS (or run sop-xl mps).",
        "⚠ 本主计划编制后需求已变化：建议生产、批量和锁定期检查已过时。请点击功能区“Run MPS”"
        "(或运行 sop-xl mps)。"),
    "fresh_mps": ("✓ Planned from the demand plan as it stands.", "✓ 按当前需求计划编制。"),
    "stale_mrp": (
        "⚠ The MPS changed after this MRP was planned: requirements, orders and purchases "
        "are out of date. Press Run MRP (or run sop-xl mrp).",
        "⚠ 本物料需求计划编制后主计划已变化：需求、订单和采购已过时。请点击功能区“Run MRP”"
        "(或运行 sop-xl mrp)。"),
    "fresh_mrp": ("✓ Planned from the MPS as it stands.", "✓ 按当前主计划编制。"),
    "stale_capacity": (
        "⚠ The MPS changed: the pieces worked, the load, the overload options and the "
        "leveled plan are out of date. Press Capacity (or run sop-xl capacity).",
        "⚠ 主计划已变化：加工数量、负荷、超负荷方案和均衡计划已过时。请点击功能区“Capacity”"
        "(或运行 sop-xl capacity)。"),
    "fresh_capacity": ("✓ Load, options and leveling from the MPS as it stands.",
                       "✓ 负荷、超负荷方案和均衡按当前主计划计算。"),
    "stale_finance": (
        "⚠ The MPS changed: finished goods follow it, but purchases and component stock "
        "come from the MRP. Press Run MRP (or run sop-xl mrp).",
        "⚠ 主计划已变化：成品金额已随之更新，但采购和物料库存来自物料需求计划。请点击功能区"
        "“Run MRP”(或运行 sop-xl mrp)。"),
    "fresh_finance": ("✓ Purchases and component stock from the MPS as it stands.",
                      "✓ 采购和物料库存按当前主计划计算。"),
    "stale_demand": (
        "⚠ A family change on FamilyPlan is not split to the items yet. Press Demand Plan "
        "(or run sop-xl demand).",
        "⚠ 产品族计划中的产品族调整尚未分解到物料。请点击功能区“Demand Plan”"
        "(或运行 sop-xl demand)。"),
    "fresh_demand": ("✓ Family changes split to the items.", "✓ 产品族调整已分解到物料。"),
    # app/cycle.py: what a run says besides its sheets
    "nothing_to_plan": (
        "nothing to plan yet: this sheet lists no finished goods. Fill in Items, BOM and "
        "SalesHistory (or Contracts and SalesForecast) first; `sop-xl demo FILE` writes a "
        "filled-in example",
        "尚无可计划的内容：此表中没有成品。请先填写物料、物料清单和销售历史(或合同和销售预测)；"
        "`sop-xl demo 文件名` 可生成一个已填好的示例"),
    "no_sales_history": (
        "no sales history yet: SalesHistory has no shipments of any finished good, so there "
        "is no statistical forecast; this plan rests on contracts, projects, sales "
        "forecasts and events only",
        "尚无销售历史：销售历史中没有任何成品的发货记录，因此没有统计预测；"
        "本计划仅基于合同、项目、销售预测和事件"),
    "stock_held": (
        "stock kept out of the plan (Warehouses: not nettable): {items} items in "
        "{warehouses}: {detail}",
        "未计入计划的库存(仓库表：不可净算)：{items} 个物料，位于 {warehouses}：{detail}"),
    "note_dropped": (
        "the note on {sheet}!{cell} by {author} (\"{text}\") was removed: its cell is no "
        "longer in the sheet",
        "{sheet}!{cell} 上由 {author} 添加的批注(“{text}”)已移除：该单元格已不在工作表中"),
    # contract/rules.py: ProductionActuals rows (issue 16)
    "month_or_date": ("is blank and so is the completion day; expected the month completed "
                      "or the day", "为空且完工日期也为空；应填写完工月份或完工日期"),
    "date_not_in_month": ("{value} is not in the month {month}; expected a day of {month}, "
                          "or the month left blank",
                          "{value} 不在月份 {month} 内；应为 {month} 中的某一天，或月份留空"),
}
