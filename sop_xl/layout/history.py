"""The HistoryUsed sheet: the monthly sales history a plan was made from, when the history
lives in a file beside the workbook (one row per item, department, channel and measure,
months across), so a planner sees in the workbook what the forecast read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.contract.model import Column, Dtype
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.render import table_content
from sop_xl.layout.sheet import SheetContent

MEASURES = {"shipped_qty": ("Shipped", "发货"), "ordered_qty": ("Ordered", "订货")}


def history_used_sheet(inputs: Inputs, lang: str) -> SheetContent:
    spec = contract.sheet("history_used")
    h = inputs.sales_history
    zh = lang.startswith("zh")
    months = sorted(set(h["month"].dropna())) if len(h) else []
    keys = ["item", "department", "channel"]
    frames = []
    for measure, (en, cn) in MEASURES.items():
        if measure == "ordered_qty" and not h[measure].notna().any():
            continue
        g = h.assign(department=h["department"].fillna(""), channel=h["channel"].fillna(""))
        wide = g.pivot_table(index=keys, columns="month", values=measure, aggfunc="sum",
                             dropna=False, sort=True, observed=True)
        wide = wide.reindex(columns=months)
        flat = wide.reset_index()
        flat.columns = [*keys, *(str(m) for m in months)]
        flat.insert(3, "measure", cn if zh else en)
        flat.insert(4, "total", wide.to_numpy(float).sum(axis=1, where=~np.isnan(
            wide.to_numpy(float)), initial=0.0))
        frames.append(flat)
    frame = pd.concat(frames, ignore_index=True).sort_values(
        [*keys, "measure"], kind="stable") if frames else None
    if frame is not None:
        for k in ("department", "channel"):
            frame[k] = frame[k].replace("", None)
    cols = [*spec.columns, *(Column(str(m), str(m), str(m), Dtype.NUMBER, width=10)
                             for m in months)]
    return table_content(spec, frame, lang, currency=inputs.settings.currency, columns=cols)
