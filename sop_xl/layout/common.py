"""Shared pieces of the output sheets: titles, item attributes, blocks, logs, exceptions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.messages import message
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.grid import GridBlock
from sop_xl.layout.paper import LINE_HEIGHT, wrapped_height
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent
from sop_xl.layout.styles import CELL_STYLES
from sop_xl.plan.finance import FinancialPlan

#: the opening column of the stock grids (a catalogue code)
ON_HAND = "on_hand_opening"


def title(inputs: Inputs, spec_key: str, lang: str) -> str:
    spec = contract.sheet(spec_key)
    s = inputs.settings
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return message("sheet_title", lang, sheet=spec.name(lang), company=s.company,
                   month=str(s.planning_month), stamp=stamp)


def named_rows(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A by-family summary (``row``: family, components, total) with its components and
    total rows named in the workbook's language (the slow-moving and excess summary)."""
    names = {"components": message("family_components", lang),
             "total": message("family_total", lang)}
    return summary.assign(family=[names.get(r, f) for f, r in
                                  zip(summary["family"], summary["row"], strict=True)])


def named_families(plan: FinancialPlan, lang: str) -> FinancialPlan:
    """The financial plan with one name per row: its families, then the components and
    the total in the workbook's language."""
    return replace(plan, families=[*plan.families, message("family_components", lang),
                                   message("family_total", lang)])


def item_attrs(inputs: Inputs, items: pd.Index, extra: tuple[str, ...] = (),
               lang: str = "en") -> list[dict]:
    """Item master attributes for grid blocks; coded choices shown in the language."""
    it = inputs.items.set_index("item").reindex(items)
    cols = ["description", "family", *extra]
    frame = it[cols].copy()
    spec = contract.sheet("items")
    for key in cols:
        col = next((c for c in spec.columns if c.key == key), None)
        if col is not None and col.choices:
            labels = {ch.value: ch.label(lang) for ch in col.choices}
            frame[key] = frame[key].map(lambda v, m=labels: m.get(v, v))
    recs = frame.to_dict("records")
    for item, r in zip(items, recs, strict=True):
        r["item"] = item
    return recs


def blocks(attrs: list[dict], rows: dict[str, np.ndarray], measures: tuple[str, ...],
            opening: dict[str, np.ndarray] | None = None,
            states: dict[str, np.ndarray] | None = None) -> list[GridBlock]:
    out = []
    for i, a in enumerate(attrs):
        out.append(GridBlock(
            a, {m: rows[m][i] for m in measures if m in rows},
            {k: float(v[i]) for k, v in (opening or {}).items()},
            {k: list(v[i]) for k, v in (states or {}).items()}))
    return out


def exceptions_sheet(inputs: Inputs, frame: pd.DataFrame, lang: str) -> SheetContent:
    spec = contract.sheet("exceptions")
    sheet = table_content(spec, frame, lang, currency=inputs.settings.currency)
    if len(frame):
        sheet.cond_formats.append(CondFormat(Box(1, 0, len(frame), 0),
                                             f'A2="{message("sev_critical", lang)}"', "bad"))
        sheet.cond_formats.append(CondFormat(Box(1, 0, len(frame), 0),
                                             f'A2="{message("sev_warning", lang)}"', "warn"))
    m = spec.keys.index("message")
    sheet.style(1, m, max(len(frame), 1), m, CELL_STYLES["text_wrap"])
    # the message wraps at the contract's width; its rows grow to show it whole
    width = spec.columns[m].width or 70
    sheet.col_widths[m] = width
    for r, row in enumerate(sheet.rows[1:], start=1):
        h = wrapped_height([(row[m], width)])
        if h > LINE_HEIGHT:
            sheet.row_heights[r] = h
    return sheet


def log_sheet(inputs: Inputs | None, key: str, frame: pd.DataFrame, lang: str,
              currency: str = "CNY") -> SheetContent:
    return table_content(contract.sheet(key), frame, lang, currency=currency)
