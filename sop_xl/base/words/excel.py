"""Words of the Excel front: ribbon results, install and the setup check."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # excel/ribbon.py
    "ribbon_done": ("{action}: wrote {sheets} in {seconds:.1f} s; {n} exceptions.",
                    "{action}：已写入 {sheets}，用时 {seconds:.1f} 秒；例外信息 {n} 条。"),
    "ribbon_done_no_plan": ("{action}: wrote {sheets} in {seconds:.1f} s.",
                            "{action}：已写入 {sheets}，用时 {seconds:.1f} 秒。"),
    "ribbon_unavailable": (
        "{action} is not available in this version of sop_xl yet ({target} is missing).",
        "此版本的 sop_xl 尚不支持“{action}”(缺少 {target})。"),
    "ribbon_failed": ("{action} failed", "{action}失败"),
    "ribbon_cancelled": ("{action}: cancelled; nothing was changed.",
                         "{action}：已取消，未做任何更改。"),
    # excel/setup.py
    "install_linux": (
        "Microsoft Excel does not run on Linux, so there is nothing to install here. Run "
        "`sop-xl excel install` on the Windows or macOS machine where Excel is; "
        "`sop-xl excel install --dry-run` shows what it would do there.",
        "Linux 上没有 Microsoft Excel，无需安装。请在装有 Excel 的 Windows 或 macOS 电脑上运行 "
        "`sop-xl excel install`；`sop-xl excel install --dry-run` 可查看将执行的操作。"),
    "install_no_startup": (
        "cannot find Excel's startup folder ({path}); pass --dir with the folder Excel opens "
        "add-ins from (Excel: File > Options > Trust Center > Trusted Locations)",
        "找不到 Excel 启动文件夹({path})；请用 --dir 指定 Excel 加载项所在文件夹"
        "(Excel：文件 > 选项 > 信任中心 > 受信任位置)"),
    "install_code_page": (
        "the Python path {path} has characters the Windows code page {encoding} cannot hold, "
        "and Windows gives it no short (8.3) name; xlwings reads its configuration in that "
        "code page. Install Python in a folder whose name has only such characters, or turn "
        "on Windows' \"Use Unicode UTF-8 for worldwide language support\"",
        "Python 路径 {path} 含有 Windows 代码页 {encoding} 无法表示的字符，且 Windows 未给出短"
        "(8.3)路径；xlwings 按该代码页读取配置。请把 Python 安装到名称只含这些字符的文件夹，或在 "
        "Windows 中开启“使用 Unicode UTF-8 提供全球语言支持”"),
    "setup_title": ("S&OP setup check", "S&OP 设置检查"),
    "setup_ok": ("OK", "正常"),
    "setup_old_xlwings": ("xlwings {have} is older than {need}: upgrade it (pip install -U "
                          "xlwings) and run `sop-xl build` and `sop-xl excel install` again",
                          "xlwings {have} 低于 {need}：请升级(pip install -U xlwings)并重新运行 "
                          "`sop-xl build` 和 `sop-xl excel install`"),
    "setup_no_excel": ("not known (not called from Excel)", "未知(不是从 Excel 调用)"),
    "setup_workbook": ("Workbook", "工作簿"),
    "setup_language": ("language", "语言"),
    "validate_ok": ("{book}: valid — {items} items, {bom} BOM lines, {history} history rows, "
                    "planning month {month}",
                    "{book}：校验通过 — {items} 个物料，{bom} 行物料清单，{history} 行销售历史，"
                    "计划月 {month}"),
}
