"""The version sheets as the planner sees them: plan tabs (protected, with the hidden
check column), the Versions register and the VersionDiff sheet.

What the sheets hold is declared in ``sop_xl.contract.version_sheets``; the snapshots,
hashes and diffs are ``sop_xl.plan.versions``; reading and writing them in a workbook is
``sop_xl.app.versions``.
"""

from __future__ import annotations

import pandas as pd

from sop_xl import contract
from sop_xl.base import messages
from sop_xl.contract.cells import col_letter
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent
from sop_xl.layout.styles import CELL_STYLES
from sop_xl.plan import versions as v

# The password of protected plan tabs and logs. Not a secret (it is written here): it makes
# unprotecting a deliberate act (Review > Unprotect Sheet) rather than a slip of the mouse.
LOCK_PASSWORD = "sop-xl"


def protected(sheet: SheetContent) -> SheetContent:
    """The sheet protected with the plan-tab password (logs, register, plan tabs)."""
    sheet.protect = True
    sheet.protect_hash = v.excel_password_hash(LOCK_PASSWORD)
    return sheet


def register_sheet(reg: pd.DataFrame, lang: str, currency: str = "CNY") -> SheetContent:
    """The Versions register, protected."""
    return protected(table_content(contract.sheet("versions"), reg, lang, currency=currency))


def plan_tab_content(snapshot: pd.DataFrame, version: str, sheet: str, lang: str,
                     currency: str = "CNY") -> SheetContent:
    """A plan tab: the snapshot as an Excel Table, protected, with the hidden check column."""
    frame = v.normalise(snapshot)
    frame["check"] = v.cell_tags(frame)
    spec = contract.sheet("plan_tab")
    tab = table_content(spec, frame, lang, currency=currency, name=sheet,
                        table=f"tblPlan_V{version}")
    protected(tab)
    tab.hidden_cols = (spec.keys.index("check"),)
    return tab


def diff_sheet(d: pd.DataFrame, ra: pd.Series, rb: pd.Series, lang: str,
               currency: str = "CNY") -> SheetContent:
    """VersionDiff: the changed rows of B − A under two lines saying what was compared."""
    spec = contract.sheet("version_diff")
    sheet = table_content(spec, d, lang, currency=currency)
    # the MPS's value is what is made: planned transfers between plants move stock only
    made = d["measure"] != v.TRANSFERS
    totals = {s: float(d.loc[(d["section"] == s) & made, "value_diff"].sum())
              for s in ("demand", "mps", "purchase")}
    title = [messages.message("diff_title", lang, a=ra["version"], b=rb["version"],
                              sheet_a=ra["sheet"], sheet_b=rb["sheet"], n=len(d)),
             messages.message("diff_totals", lang, **totals)]
    put_title(sheet, title)
    top = len(title) + 2  # first data row (0-based)
    last = max(top, top + len(d) - 1)
    for key in ("qty_diff", "value_diff", "diff_pct"):
        j = spec.keys.index(key)
        ref = f"{col_letter(j)}{top + 1}"
        sheet.cond_formats.append(CondFormat(Box(top, j, last, j), f"{ref}<0", "bad"))
        sheet.cond_formats.append(CondFormat(Box(top, j, last, j), f"{ref}>0", "good"))
    return sheet


def put_title(sheet: SheetContent, lines: list[str]) -> None:
    """Lines of text above a table sheet (a blank row between), everything moved down."""
    k = len(lines) + 1

    def move(b: Box) -> Box:
        return Box(b.top + k, b.left, b.bottom + k, b.right)

    sheet.rows = [[line] for line in lines] + [[]] + sheet.rows
    sheet.styles = [type(s)(move(s.box), s.style) for s in sheet.styles]
    for r in range(len(lines)):
        sheet.style(r, 0, r, 0, CELL_STYLES["title" if r == 0 else "subtitle"])
    if sheet.table is not None:
        sheet.table = type(sheet.table)(sheet.table.name, move(sheet.table.box),
                                        sheet.table.style)
    if sheet.freeze is not None:
        sheet.freeze = (sheet.freeze[0] + k, sheet.freeze[1])


def status_word(status: str, lang: str) -> str:
    """A register status (draft, proposed, ...) in the planner's words."""
    try:
        return messages.message(f"version_status_{status}", lang)
    except KeyError:
        return status
