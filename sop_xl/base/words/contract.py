"""Words of the workbook contract: units in headers, what a valid cell looks like, the
names of the things a reference points to."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # a header with its unit: "Lead time (days)" / "提前期(天)"
    "with_unit": ("{text} ({unit})", "{text}({unit})"),
    # units (the keys of the contract's ``unit``)
    "unit_pcs": ("pcs", "件"),
    "unit_days": ("days", "天"),
    "unit_h": ("h", "小时"),
    "unit_h/pc": ("h/pc", "小时/件"),
    "unit_money": ("{currency}", "{currency}"),
    "unit_money/pc": ("{currency}/pc", "{currency}/件"),
    "unit_%": ("%", "%"),
    "unit_periods": ("periods", "期"),
    "unit_months": ("months", "月"),
    "unit_shifts": ("shifts", "班"),
    # what a valid cell looks like (the dtypes of the contract)
    "expect_text": ("text", "文本"),
    "expect_int": ("a whole number", "整数"),
    "expect_number": ("a number", "数字"),
    "expect_percent": ("a percentage such as 5% or 0.05", "百分比(如 5% 或 0.05)"),
    "expect_date": ("a date (yyyy-mm-dd)", "日期(yyyy-mm-dd)"),
    "expect_month": ("a month (yyyy-mm)", "月份(yyyy-mm)"),
    "expect_bool": ("yes or no", "是或否"),
    "expect_one_of": ("one of {allowed}", "其中之一：{allowed}"),
    "expect_and": (" and ", " 且 "),
    # what a reference points to (unknown_ref, duplicate_key)
    "ref_item": ("item", "物料"),
    "ref_family": ("family", "产品族"),
    "ref_resource": ("resource", "资源"),
    "ref_setting": ("setting", "设置项"),
    "ref_warehouse": ("warehouse", "仓库"),
}
