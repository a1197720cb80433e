"""The StatForecast sheet: history, the chosen model, forecast and interval per item."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.forecast import ForecastResult
from sop_xl.inputs import Inputs
from sop_xl.periods import month_label
from sop_xl.sheets.common import item_attrs, title
from sop_xl.workbook.grid import Grid, GridBlock, grid_content
from sop_xl.workbook.sheet import SheetContent


def stat_forecast_sheet(inputs: Inputs, result: ForecastResult, lang: str) -> SheetContent:
    s = inputs.settings
    spec = contract.sheet("stat_forecast")
    last_hist = s.planning_month - 1
    hist_months = pd.period_range(last_hist - max(s.history_months, 1) + 1, last_hist, freq="M")
    fut = pd.period_range(s.planning_month, periods=s.horizon if s.bucket == "month" else
                          max(1, int(np.ceil(s.horizon * 7 / 30.4))), freq="M")
    months = list(hist_months) + list(fut)
    col = {m: j for j, m in enumerate(months)}
    fg = pd.Index(inputs.items_of_type("FG")["item"])
    summary = result.summary.set_index("item") if not result.summary.empty else None
    blocks = []
    arrays = {m: np.full((len(fg), len(months)), np.nan) for m in
              ("history", "cleaned", "forecast", "lower", "upper")}
    rindex = {it: i for i, it in enumerate(fg)}
    for frame, pairs in ((result.cleaned, (("quantity", "history"), ("cleaned", "cleaned"))),
                         (result.forecast, (("forecast", "forecast"), ("lower", "lower"),
                                            ("upper", "upper")))):
        if frame.empty:
            continue
        r = frame["item"].map(rindex)
        c = frame["period"].map(col)
        ok = r.notna() & c.notna()
        rr, cc = r[ok].astype(int).to_numpy(), c[ok].astype(int).to_numpy()
        for src, dst in pairs:
            arrays[dst][rr, cc] = frame.loc[ok, src].to_numpy(dtype=float)
    attrs = item_attrs(inputs, fg)
    for i, a in enumerate(attrs):
        if summary is not None and a["item"] in summary.index:
            srow = summary.loc[a["item"]]
            a.update(demand_class=srow.get("demand_class"), model=srow.get("model"),
                     mase=srow.get("mase"), note=srow.get("note") or None)
        blocks.append(GridBlock(a, {m: arrays[m][i] for m in arrays}))
    grid = Grid(spec, [month_label(m) for m in months], blocks,
                first_future=len(hist_months), title=title(inputs, "stat_forecast", lang))
    return grid_content(grid, lang, s.currency)
