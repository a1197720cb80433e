"""Every sentence and label of the sales-assistant round."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # faces/assistants/words.py
    "ab_sheet_forecast": ("Forecast", "预测填报"),
    "ab_sheet_history": ("History", "历史与达成"),
    "ab_sheet_charts": ("Charts", "图表"),
    "ab_title": ("M+3 sales forecast — {assistant}", "M+3 销售预测填报 — {assistant}"),
    "ab_subtitle": ("{company} · {department} · planning month {month} · written {written}",
                    "{company} · {department} · 计划月 {month} · 生成于 {written}"),
    "ab_instructions": (
        "Type your forecast for M to M+3 in the yellow cells: whole pieces, excluding "
        "contracts and projects. Where it departs from the statistical forecast by more than "
        "the threshold, give a reason. Save and return this file; other cells are protected.",
        "请在黄色单元格填写 M 至 M+3 的预测：整数件数，不含合同和项目。与统计预测的偏差超过阈值时"
        "请填写原因。保存后交回本文件；其他单元格已保护。"),
    "ab_threshold": ("A reason is needed beyond this deviation, of at least:",
                     "偏差超过此比例且不少于以下数量和金额时需填写原因："),
    "ab_pcs": ("pcs", "件"),
    "ab_col_item": ("Item", "物料编码"),
    "ab_col_description": ("Description", "物料名称"),
    "ab_col_family": ("Family", "产品族"),
    "ab_col_month": ("Month", "月份"),
    "ab_col_reference": ("Statistical reference excl. contracts/projects (pcs)",
                         "统计参考(不含合同/项目)(件)"),
    "ab_col_known": ("On contract / projects (pcs)", "合同/项目(件)"),
    "ab_col_on_file": ("On file (pcs)", "已提交(件)"),
    "ab_col_qty": ("Your forecast (pcs)", "您的预测(件)"),
    "ab_col_deviation": ("Deviation", "偏差"),
    "ab_col_reason": ("Reason", "原因说明"),
    "ab_col_check": ("Check", "检查"),
    "ab_col_plant": ("Shipping plant", "发货工厂"),
    "ab_plant_prompt": ("The plant this forecast ships from; blank: shared by the plants "
                        "that ship the item.", "该预测的发货工厂；空白：按各发货工厂比例分摊。"),
    "ab_plant_error": ("Choose one of the plants in the list, or leave the cell blank.",
                       "请从列表中选择工厂，或留空。"),
    "ab_check_enter": ("Enter a forecast", "请填写预测"),
    "ab_check_reason": ("Reason required", "需填写原因"),
    "ab_qty_title": ("Your forecast", "您的预测"),
    "ab_qty_prompt": ("Whole pieces, 0 or more, excluding contracts and projects.",
                      "整数件数，不小于 0，不含合同和项目。"),
    "ab_qty_error": ("Enter a whole number of pieces, 0 or more.", "请输入不小于 0 的整数件数。"),
    "ab_reason_prompt": ("Why your forecast departs from the statistical forecast.",
                         "说明您的预测与统计预测不同的原因。"),
    "ab_hist_title": ("History and last month's achievement — {assistant}",
                      "历史与上月达成 — {assistant}"),
    "ab_hist_note": (
        "Shipped by {department} (pcs). The statistical reference and your forecast are "
        "those of the Forecast sheet plus contracts and projects, so all three lines compare "
        "with what shipped; they follow what you type there.",
        "{department}发货数量(件)。统计参考和您的预测取自预测填报表并加上合同和项目，三条线可与发货"
        "直接比较，并随预测填报表中的输入更新。"),
    "ab_col_measure": ("Measure", "指标"),
    "ab_measure_shipped": ("Shipped", "发货"),
    "ab_measure_stat": ("Statistical reference + contracts/projects", "统计参考+合同/项目"),
    "ab_measure_yours": ("Your forecast + contracts/projects", "您的预测+合同/项目"),
    "ab_col_last_forecast": ("Forecast for {month} incl. contracts/projects (pcs)",
                             "{month} 预测含合同/项目(件)"),
    "ab_col_last_actual": ("Shipped in {month} (pcs)", "{month} 发货(件)"),
    "ab_col_achievement": ("Achievement", "达成率"),
    "ab_all_items": ("All your items", "您的全部物料"),
    "ab_achievement_note": (
        "Achievement = shipped ÷ forecast (100% = on target). The forecast for {month} is "
        "what you submitted for it in that month's round plus your department's contracts "
        "and weighted projects at the time, as the master's ForecastArchive kept it; blank "
        "where none was archived. The same figures as the ForecastKPI sheet (lag 1).",
        "达成率 = 发货 ÷ 预测(100% 为达成)。{month} 的预测为您在该月填报的数量加上当时本部门的"
        "未交合同和加权项目(主计划“预测存档”所记录)；无存档时为空。与“预测指标”表(提前 1 个月)"
        "数字一致。"),
    "ab_charts_title": ("Shipped, statistical forecast and your forecast (pcs)",
                        "发货、统计预测与您的预测(件)"),
    "ab_no_department": ("all departments", "全部部门"),
    # faces/assistants/words.py
    "asst_not_ours": ("is not a sales-assistant workbook from `sop-xl assistants split` (it "
                      "has no sop_xl control sheet); return the workbook you were sent",
                      "不是由 `sop-xl assistants split` 生成的销售内勤工作簿(没有 sop_xl 控制页)；"
                      "请交回下发给您的工作簿"),
    "asst_manifest_damaged": ("its hidden sop_xl control sheet was changed ({detail}); ask "
                              "the planner for a new workbook",
                              "隐藏的 sop_xl 控制页已被修改({detail})；请向计划员索取新的工作簿"),
    "asst_wrong_month": ("is for planning month {file_month}, but the master plans {month}; "
                         "fill in this month's workbook",
                         "对应计划月 {file_month}，但主计划为 {month}；请填写本月的工作簿"),
    "asst_protected_changed": ("is a protected cell and was changed: it held {expected}, now "
                               "{value}; undo the change or ask for a new workbook",
                               "为受保护单元格且已被修改：原为 {expected}，现为 {value}；请撤销修改或索取新的工作簿"),
    "asst_sheet_gone": ("sheet {sheet!r} is missing; return the workbook as it was sent",
                        "缺少工作表 {sheet!r}；请按下发时的结构交回工作簿"),
    "asst_reason_required": ("forecast {value} departs from the statistical forecast "
                             "{reference} by more than {threshold}; give a reason",
                             "预测 {value} 与统计预测 {reference} 的偏差超过 {threshold}；"
                             "请填写原因"),
    "asst_unknown_item": ("item {value} is no longer in the master's Items sheet; ask the "
                          "planner", "物料 {value} 已不在主计划的物料表中；请联系计划员"),
    "asst_unknown_plant": ("plant {value} does not ship item {item}; expected one of "
                           "{plants} or blank (shared by the plants that ship it)",
                           "工厂 {value} 不发货物料 {item}；应为 {plants} 之一或留空(按发货工厂比例分摊)"),
    "asst_plant_twice": ("item {item} for {month} from plant {plant} is given twice (rows "
                         "{rows}); give each plant once",
                         "物料 {item} {month} 由工厂 {plant} 发货的预测出现两次(第 {rows} 行)；"
                         "每个工厂只填一次"),
    # faces/assistants/words.py
    "asst_duplicate": ("{assistant} already submitted for {month} ({file}, collected {when}); "
                       "pass --replace to replace that submission",
                       "{assistant} 已提交 {month} 的预测({file}，汇总于 {when})；"
                       "如需替换请使用 --replace"),
    "asst_two_files": ("{assistant} has more than one workbook here ({files}); keep only the "
                       "one to submit", "{assistant} 在此有多个工作簿({files})；请只保留要提交的一个"),
    "asst_shared_formula": ("holds a shared formula that sop-xl cannot carry over; paste this "
                            "column as values and collect again",
                            "包含 sop-xl 无法保留的共享公式；请将该列粘贴为数值后重新汇总"),
    "asst_no_folder": ("is not a folder; give the folder the returned workbooks are in",
                       "不是文件夹；请指定交回工作簿所在的文件夹"),
    "asst_replaces": ("replaces {file} collected {when} (SHA-256 {hash})",
                      "替换 {when} 汇总的 {file}(SHA-256 {hash})"),
    # faces/assistants/words.py
    "asst_cli_split": ("{n} workbook(s) for planning month {month} in {folder}:",
                       "已在 {folder} 生成计划月 {month} 的 {n} 个工作簿："),
    "asst_cli_file": ("  {file}: {assistant} ({department}), {items} items",
                      "  {file}：{assistant}({department})，{items} 个物料"),
    "asst_cli_from_history": ("    also sold by the department lately: {items}",
                              "    另含本部门近期销售的物料：{items}"),
    "asst_cli_unassigned": ("Nobody forecasts these (add a SalesForecast row to assign them): "
                            "{items}", "以下物料无人预测(在销售预测表中添加一行即可分配)：{items}"),
    "asst_cli_accepted": ("accepted  {file}: {assistant}, {rows} rows, {flagged} beyond the "
                          "threshold (with reasons)", "已接收  {file}：{assistant}，{rows} 行，"
                          "{flagged} 行超出阈值(已填原因)"),
    "asst_cli_replaced": ("          {note}", "          {note}"),
    "asst_cli_skipped": ("skipped   {file}: already collected {when}",
                         "已跳过  {file}：已于 {when} 汇总"),
    "asst_cli_refused": ("refused   {file}:", "已拒收  {file}："),
    "asst_cli_written": ("SalesForecast and Submissions of {master} updated.",
                         "已更新 {master} 的销售预测和提交记录。"),
    "asst_cli_nothing": ("Nothing written to {master}.", "未写入 {master}。"),
    "asst_cli_missing": ("Not submitted yet for {month}: {names}", "{month} 尚未提交：{names}"),
    "asst_cli_all_in": ("Every sales assistant has submitted for {month}.",
                        "所有销售内勤均已提交 {month} 的预测。"),
    # faces/assistants/buttons.py: Split to Assistants and Collect Forecasts
    "asst_btn_unsaved": ("Save {book} in a folder first: the sales assistants' workbooks go "
                         "into a folder beside it.",
                         "请先把 {book} 保存到文件夹中：销售内勤的工作簿放在它旁边的文件夹里。"),
    "asst_btn_send": ("Send each workbook to its sales assistant; save the returned ones in "
                      "{folder}, then press Collect Forecasts.",
                      "请把各工作簿发给对应的销售内勤；收回的工作簿保存到 {folder}，"
                      "然后点击“收集预测”。"),
    "asst_btn_none": ("No returned workbooks in {folder}: save the sales assistants' "
                      "workbooks there, then press Collect Forecasts again.",
                      "{folder} 中没有收回的工作簿：请把销售内勤的工作簿保存到该文件夹，"
                      "再点击“收集预测”。"),
    "asst_folder_sent": ("to send", "待发送"),
    "asst_folder_returned": ("returned", "已收回"),
    "asst_folder": ("{month} sales assistants", "{month} 销售内勤"),
}
