"""Words of plan versions, the transfer to demand management and their ribbon buttons."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # what a changed plan-tab cell holds now, when it is no single value
    "now_row": ("(row)", "(整行)"),
    "now_rows_removed": ("(rows removed)", "(行已删除)"),
    # app/versions.py
    "version_tampered": (
        "plan version {version} is approved and locked, but sheet {sheet!r} was changed by "
        "hand: cell {cell} now holds {now}. Nothing was done; undo the change or restore the "
        "workbook from a backup",
        "计划版本 {version} 已批准并锁定，但工作表 {sheet!r} 被手工修改：单元格 {cell} 现为 {now}。"
        "未执行任何操作；请撤销修改或从备份恢复工作簿"),
    "version_tampered_row": (
        "plan version {version} is approved and locked, but sheet {sheet!r} was changed by "
        "hand: row {row} (from cell {cell}) was inserted, deleted or replaced. Nothing was "
        "done; undo the change or restore the workbook from a backup",
        "计划版本 {version} 已批准并锁定，但工作表 {sheet!r} 被手工修改："
        "第 {row} 行(自单元格 {cell})被插入、删除或替换。"
        "未执行任何操作；请撤销修改或从备份恢复工作簿"),
    "version_tampered_sheet": (
        "plan version {version} is approved and locked, but sheet {sheet!r} no longer matches "
        "its content hash; its check column cannot place the change (rows removed after "
        "cell {cell}, the check column rewritten, or a 1-in-65,536 tag collision). Nothing "
        "was done; restore the workbook from a backup",
        "计划版本 {version} 已批准并锁定，但工作表 {sheet!r} 与其内容校验不符，"
        "校验列无法定位修改(单元格 {cell} 之后的行被删除、校验列被改写，"
        "或六万五千分之一的校验码碰撞)。未执行任何操作；请从备份恢复工作簿"),
    "version_changed": (
        "plan version {version} (sheet {sheet!r}) was changed by hand at cell {cell} (now "
        "{now}); a changed version cannot be {action}. Save a new version instead",
        "计划版本 {version}(工作表 {sheet!r})在单元格 {cell} 被手工修改(现为 {now})；"
        "已修改的版本不能{action}。请另存一个新版本"),
    "version_tab_missing": (
        "plan version {version}: its sheet {sheet!r} is missing from the workbook; an approved "
        "version may not be deleted or renamed. Restore it from a backup",
        "计划版本 {version}：工作表 {sheet!r} 不在工作簿中；"
        "已批准版本不能删除或改名。请从备份恢复"),
    "plan_tab_immutable": (
        "sheet {sheet!r} is a saved plan version and is never rewritten; save a new version "
        "instead", "工作表 {sheet!r} 是已保存的计划版本，不会被改写；请另存新版本"),
    "version_unknown": (
        "version {version} is not in the Versions register (known: {known})",
        "版本 {version} 不在版本登记表中(已有：{known})"),
    "version_not_draft": (
        "version {version} is {status}; only a draft can be proposed",
        "版本 {version} 状态为{status}；只有草稿可以提交批准"),
    "version_approve_000": (
        "000 is the active copy of version {source}; approve {source} itself",
        "000 是版本 {source} 的激活副本；请批准版本 {source} 本身"),
    "version_archived_missing": (
        "version {version} is archived in {location}, which is not next to the workbook "
        "({path})", "版本 {version} 已归档到 {location}，但该文件不在工作簿旁({path})"),
    "version_archive_needs_file": (
        "archived versions live in a workbook file next to the master; this workbook is not a "
        "file", "归档版本保存在主工作簿旁的文件中；当前工作簿不是文件"),
    "no_active_version": (
        "there is no active version 000 yet; make one active first: sop-xl version activate "
        "WORKBOOK ID", "尚无激活版本 000；请先激活一个版本：sop-xl version activate 工作簿 版本号"),
    "version_status_draft": ("draft", "草稿"),
    "version_status_proposed": ("proposed", "待批准"),
    "version_status_approved": ("approved", "已批准"),
    "version_status_superseded": ("superseded", "已被取代"),
    "version_action_approved": ("approved", "批准"),
    "version_action_activated": ("activated", "激活"),
    "version_action_compared": ("compared", "对比"),
    "version_action_archived": ("archived", "归档"),
    "version_action_transferred": ("transferred", "传递"),
    "diff_title": ("Version {b} ({sheet_b}) compared with version {a} ({sheet_a}): {n} changed "
                   "rows, largest value change first; unchanged rows are left out.",
                   "版本 {b}({sheet_b}) 与版本 {a}({sheet_a}) 对比：{n} 行有变化，"
                   "按金额变化从大到小；未变化的行不列出。"),
    "diff_totals": ("Value B − A: demand {demand:,.0f}, MPS {mps:,.0f}, purchases "
                    "{purchase:,.0f}.", "金额差(B−A)：需求 {demand:,.0f}，主生产计划 {mps:,.0f}，"
                    "采购 {purchase:,.0f}。"),
    # app/versions.py
    "btn_saved": ("Saved version {version} as sheet {sheet} (draft).",
                  "已保存版本 {version}(工作表 {sheet}，草稿)。"),
    "btn_approved": ("Approved version {version} ({month}); its tab is now locked and it is "
                     "the active version 000.{more}",
                     "已批准版本 {version}({month})，其计划页已锁定，并已成为激活版本 000。{more}"),
    "btn_superseded": (" Superseded: {versions}.", " 已替代：{versions}。"),
    "btn_nothing_to_approve": ("No draft or proposed version of {month} to approve; press "
                               "Save Version first.",
                               "{month} 没有可批准的草稿或提议版本；请先保存版本。"),
    "btn_compared": ("Compared version {a} with {b}: {n} changed rows on sheet {sheet}.",
                     "已对比版本 {a} 与 {b}：{n} 行变化，见工作表 {sheet}。"),
    "btn_nothing_to_compare": ("Compare needs two versions; save a version first.",
                               "对比需要两个版本；请先保存版本。"),
    # app/transfer.py
    "transfer_not_active": (
        "only the active version 000 can be transferred to demand management; {version} is "
        "not 000. Make it the active one first: sop-xl version activate WORKBOOK {version}",
        "只有激活版本 000 可以传递到需求管理；{version} 不是 000。"
        "请先激活：sop-xl version activate 工作簿 {version}"),
    "transfer_not_approved": (
        "the active version 000 (a copy of {source}) is {status}; only an approved version can "
        "be transferred. Approve it first: sop-xl version approve WORKBOOK {source}",
        "激活版本 000(来自版本 {source})状态为{status}；只有已批准的版本可以传递。"
        "请先批准：sop-xl version approve 工作簿 {source}"),
    "transfer_deduct_production": (
        "deducting consumed quantities applies to a sales plan; a production plan is "
        "transferred as it stands (leave out --deduct)",
        "扣减已消耗数量只适用于销售计划；生产计划按原样传递(请去掉 --deduct)"),
    "transfer_periods": (
        "number of periods {value} is outside 1..{max} (the active version's horizon)",
        "期数 {value} 超出 1..{max}(激活版本的计划展望期)"),
    "transfer_window": (
        "consumption window {value} must be a whole number of periods ≥ 0",
        "消耗期 {value} 必须是 ≥ 0 的整数期数"),
    "transfer_plan_type": ("plan type {value} is not one of sales, production",
                           "计划类型 {value} 不是 sales(销售) 或 production(生产)"),
    "transfer_level": ("level {value} is not one of item, family",
                       "层级 {value} 不是 item(物料) 或 family(产品族)"),
    "transfer_family_row": ("Product family {family}", "产品族 {family}"),
    # app/transfer.py
    "btn_transferred": ("Transfer {tid}: version 000 (from {source}) sent {qty:,.0f} pcs of "
                        "{items} items over {periods} periods to demand management; "
                        "export {export}.",
                        "传递 {tid}：版本 000(来自 {source})共 {items} 个物料、{periods} 期、"
                        "{qty:,.0f} 件已传递到需求管理；导出文件 {export}。"),
    # app/approvals.py
    "approval_record_broken": (
        "the record of approved plan versions in this workbook's document properties was "
        "changed ({name}), so approvals cannot be checked. Nothing was done; restore the "
        "workbook from a backup",
        "工作簿文档属性中的已批准计划版本记录被修改({name})，无法核对批准。"
        "未执行任何操作；请从备份恢复工作簿"),
    "version_row_removed": (
        "plan version {version} was approved by {by} on {at} and is locked, but its row was "
        "removed from the Versions register. Nothing was done; undo the change or restore "
        "the workbook from a backup",
        "计划版本 {version} 已由 {by} 于 {at} 批准并锁定，但其在版本登记表中的行被删除。"
        "未执行任何操作；请撤销修改或从备份恢复工作簿"),
    "version_row_changed": (
        "plan version {version} was approved by {by} on {at} and is locked, but its row in "
        "the Versions register was changed by hand: cell {cell} ({column}) now holds {now} "
        "instead of {was}. Nothing was done; undo the change or restore the workbook from a "
        "backup",
        "计划版本 {version} 已由 {by} 于 {at} 批准并锁定，但其在版本登记表中的行被手工修改："
        "单元格 {cell}({column})现为 {now}，应为 {was}。"
        "未执行任何操作；请撤销修改或从备份恢复工作簿"),
    "transfer_not_recorded": (
        "the active version 000 is a copy of {source}, which the Versions register marks "
        "approved but whose approval is not recorded in the workbook (approved in Excel for "
        "Mac, or typed into the register by hand). Approve it with: sop-xl version approve "
        "WORKBOOK {source}",
        "激活版本 000 来自版本 {source}；版本登记表显示其已批准，但工作簿中没有其批准记录"
        "(在 Mac 版 Excel 中批准，或在登记表中手工填写)。"
        "请执行：sop-xl version approve 工作簿 {source}"),
    "btn_transfer_unsaved": (
        "Save {book} in a folder first: Transfer writes the export for the ERP beside it.",
        "请先把 {book} 保存到文件夹中：传递会在其旁边写出供 ERP 导入的文件。"),
    "btn_transfer_confirm": (
        "Transfer the active version 000 (copy of {source}, {status}, {month}) to demand "
        "management?\n\n{plan_type}, {level}, {periods} periods, {consume}; the export ({fmt}) goes "
        "to {folder}.\n\nThese options are the Transfer rows of the Settings sheet.",
        "将激活版本 000(来自 {source}，{status}，{month})传递到需求管理？\n\n{plan_type}，{level}，"
        "{periods} 期，{consume}；导出文件({fmt})保存到 {folder}。\n\n这些选项在设置表的"
        "“传递”各行中修改。"),
    "btn_transfer_all": ("all", "全部"),
    "btn_transfer_consume": ("customer orders consume the forecast ({backward} periods "
                             "backward, {forward} forward)",
                             "客户订单消耗预测(向后 {backward} 期，向前 {forward} 期)"),
    "btn_transfer_no_consume": ("no consumption by customer orders", "不按客户订单消耗"),
    # app/versions.py: what Approve asks first
    "btn_approve_confirm": (
        "Approve version {version} of {month} ({status}, saved {created} by {author})?\n\n"
        "Its plan tab '{sheet}' is locked: no one can change it afterwards, and every "
        "command checks it. It becomes the active version 000, the plan Transfer passes on "
        "({active}).{more}",
        "批准 {month} 的版本 {version}({status}，{author} 于 {created} 保存)？\n\n"
        "其计划页“{sheet}”将被锁定：之后任何人不能修改，每个命令都会核对它。它将成为激活版本 "
        "000，即“传递”所传递的计划({active})。{more}"),
    "btn_approve_active": ("now 000 is a copy of {source}", "当前 000 来自版本 {source}"),
    "btn_approve_active_none": ("there is no active version yet", "目前还没有激活版本"),
    "btn_approve_supersedes": ("\n\nThe approved version {versions} of this month becomes "
                               "superseded.", "\n\n本月已批准的版本 {versions} 将被替代。"),
}
