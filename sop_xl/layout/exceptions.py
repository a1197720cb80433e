"""The Exceptions sheet (例外信息): the plan's exception records (sop_xl.plan.alerts) in
the workbook's language, most severe first.

Severities, categories and messages are catalogue entries (sop_xl.base.words.exceptions)
rendered from the records' codes and numbers; dates are shown as yyyy-mm-dd.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.messages import message
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.paper import LINE_HEIGHT, wrapped_height
from sop_xl.layout.plants import plant_table
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import Box, CondFormat, SheetContent
from sop_xl.layout.styles import CELL_STYLES
from sop_xl.plan.alerts import Say


def _shown(value: Any, lang: str) -> Any:
    """A parameter as the message shows it: dates as yyyy-mm-dd, nested messages in the
    same language."""
    if isinstance(value, Say):
        return message(value.code, lang, **{k: _shown(v, lang) for k, v in
                                            value.params.items()})
    if isinstance(value, (pd.Timestamp, datetime, date, np.datetime64)):
        return "" if pd.isna(value) else str(pd.Timestamp(value).date())
    return value


def rendered(records: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Exception records (sop_xl.plan.alerts.COLUMNS) → the Exceptions sheet's columns:
    severity, category, item, period, date, qty, message, source."""
    cols = contract.sheet("exceptions").keys
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    text = [message(code, lang, **{k: _shown(v, lang) for k, v in params.items()})
            for code, params in zip(records["code"], records["params"], strict=True)]
    out = pd.DataFrame({
        "severity": [message(f"sev_{s}", lang) for s in records["severity"]],
        "category": [message(f"cat_{c}", lang) for c in records["category"]],
        "item": records["item"].to_numpy(), "period": records["period"].to_numpy(),
        "date": pd.to_datetime(records["date"]).dt.date.to_numpy(),
        "qty": records["qty"].to_numpy(float), "message": text,
        "source": records["source"].to_numpy()})
    return out[list(cols)]


def exceptions_sheet(inputs: Inputs, records: pd.DataFrame, lang: str) -> SheetContent:
    """The Exceptions table: critical rows red, warnings amber."""
    spec = contract.sheet("exceptions")
    frame, cols = plant_table(inputs, spec, rendered(records, lang))
    sheet = table_content(spec, frame, lang, currency=inputs.settings.currency, columns=cols)
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
