"""Words of the workbook itself: the lock, writes in Excel, switching the language."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # what a file given instead of a workbook turned out to be (workbook/file.py)
    "file_kind_xls": ("Excel 97-2003 (.xls)", "Excel 97-2003 工作簿(.xls)"),
    "file_kind_csv": ("CSV text (.csv)", "CSV 文本(.csv)"),
    "file_kind_ods": ("OpenDocument (.ods)", "OpenDocument 表格(.ods)"),
    "file_kind_txt": ("text (.txt)", "文本(.txt)"),
    "file_kind_xlsb": ("Excel Binary Workbook (.xlsb)", "Excel 二进制工作簿(.xlsb)"),
    "file_kind_docx": ("a Word document (.docx)", "Word 文档(.docx)"),
    "file_kind_pptx": ("a PowerPoint presentation (.pptx)", "PowerPoint 演示文稿(.pptx)"),
    "file_kind_zip": ("a zip archive", "zip 压缩包"),
    "file_kind_office": ("an Office file", "Office 文件"),
    "file_kind_suffix": ("a {suffix} file", "{suffix} 文件"),
    "file_kind_plain": ("a plain file", "普通文件"),
    # workbook/lock.py
    "lock_holder": ("{what} by {user} on {host}, pid {pid}",
                    "{user} 在 {host} 上运行的 {what}(进程 {pid})"),
    "lock_stale_taken": (
        "took over a stale lock left by {holder} (since {since}): {why}",
        "已接管遗留的锁(持有者 {holder}，开始于 {since})：{why}"),
    "lock_why_dead": ("that process no longer runs", "该进程已不存在"),
    "lock_why_old": ("it was not refreshed for {age}", "已 {age} 未刷新"),
    "lock_why_garbled": ("the lock file was empty or unreadable", "锁文件为空或无法读取"),
    "file_open_in_libreoffice": (
        "is open in LibreOffice by {user} ({owner} found); close it there first",
        "正在 LibreOffice 中由 {user} 打开(发现 {owner})；请先在其中关闭"),
    "file_open_notice": (
        "note: {name} is open in {app} by {user}; checking the copy last saved to disk",
        "注意：{name} 正在 {app} 中由 {user} 打开；检查的是最近保存到磁盘的版本"),
    # workbook/live.py
    "live_write_failed": (
        "writing sheet {sheet!r} failed at {cell} ({what}): {detail}. The workbook was put "
        "back as it was before the step",
        "写入工作表 {sheet!r} 的 {cell}({what})时失败：{detail}。工作簿已恢复到本步骤之前的状态"),
    "live_restore_failed": (
        "writing sheet {sheet!r} failed at {cell} ({what}): {detail}. Putting the workbook "
        "back was incomplete ({restore}); close it without saving to keep the last saved "
        "version. Backups are in the hidden sheets {backups}",
        "写入工作表 {sheet!r} 的 {cell}({what})时失败：{detail}。恢复未能全部完成({restore})；"
        "请不保存关闭工作簿以保留上次保存的版本。备份在隐藏工作表 {backups} 中"),
    # app/language.py
    "language_unknown": ("{value} is not a workbook language; expected en or zh-CN",
                         "{value} 不是工作簿语言；应为 en 或 zh-CN"),
    "language_done": ("The workbook is now in English: {n} sheets renamed or relabelled.",
                      "工作簿已切换为中文：{n} 个工作表已重命名或更新标签。"),
    "language_outputs_kept": (
        "Output sheets keep their language because the inputs are not valid yet; switch "
        "again once Validate passes.",
        "由于输入数据尚未通过校验，输出表保持原语言；校验通过后请再次切换。"),
    # workbook/paths.py
    "file_read_only": (
        "is read-only ({mode}); sop-xl never replaces a read-only workbook. Make it "
        "writable (chmod u+w, or untick Read-only in the file's properties) and try again",
        "是只读文件({mode})；sop-xl 不会替换只读工作簿。请将其设为可写(chmod u+w，"
        "或在文件属性中取消“只读”)后重试"),
    "folder_read_only": (
        "cannot be written: its folder {folder} is read-only, and sop-xl writes the new "
        "workbook and its lock file beside the old one. Copy the workbook to a folder you "
        "may write to, or ask for write access; the workbook was not changed",
        "无法写入：所在文件夹 {folder} 为只读，而 sop-xl 需要在原工作簿旁写入新工作簿和锁文件。"
        "请将工作簿复制到可写的文件夹，或申请写入权限；工作簿未被修改"),
    # workbook/backend.py: what no version of Excel can hold
    "sheet_too_large": (
        "sheet {sheet!r} would be {rows:,} rows × {cols:,} columns; an Excel sheet holds at "
        "most {max_rows:,} rows × {max_cols:,} columns, so nothing was written. "
        "{advice}",
        "工作表 {sheet!r} 将有 {rows:,} 行 × {cols:,} 列；Excel 工作表最多 {max_rows:,} 行 × "
        "{max_cols:,} 列，因此没有写入任何内容。{advice}"),
    "sheet_too_large_orders": (
        "Most rows are planned orders: lot-for-lot items get an order for every working day "
        "with a requirement. Give the items with most orders a period lot rule (periods of "
        "supply) or a minimum lot in Items, or shorten the horizon in Settings",
        "大部分行是计划订单：按需订货(逐批)的物料在每个有需求的工作日都会生成一张订单。"
        "请在物料表中为订单最多的物料设置周期批量(供应期数)或最小批量，或在设置中缩短计划展望期"),
}
