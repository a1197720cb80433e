"""The StatForecast sheet: per item the shipped history (outliers marked, the cleaned
series below it), the chosen model with its backtest error, the forecast with its
interval over 12-18 months, and a note where history is short. Reading it back (later
steps reuse the forecast without refitting) is ``sop_xl.app.readback.stored_forecast``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.messages import message
from sop_xl.base.periods import month_label
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.common import item_attrs, title
from sop_xl.layout.grid import Grid, GridBlock, grid_content
from sop_xl.layout.sheet import SheetContent
from sop_xl.plan.forecast import ForecastResult
from sop_xl.plan.month import forecast_months


def stat_forecast_sheet(inputs: Inputs, result: ForecastResult, lang: str,
                        ordered: pd.DataFrame | None = None) -> SheetContent:
    """``ordered``: the forecast of ordered quantity (item, period, forecast), shown when
    the far horizon uses the shipped/ordered ratio."""
    s = inputs.settings
    spec = contract.sheet("stat_forecast")
    last_hist = s.planning_month - 1
    hist_months = pd.period_range(last_hist - max(s.history_months, 1) + 1, last_hist, freq="M")
    fut = pd.period_range(s.planning_month, periods=forecast_months(inputs), freq="M")
    months = list(hist_months) + list(fut)
    col = {m: j for j, m in enumerate(months)}
    fg = pd.Index(inputs.items_of_type("FG")["item"])
    rindex = {it: i for i, it in enumerate(fg)}
    keys = ["history", "cleaned", "forecast", "lower", "upper"]
    if ordered is not None:
        keys.append("ordered_forecast")
    arrays = {m: np.full((len(fg), len(months)), np.nan) for m in keys}
    outlier = np.zeros((len(fg), len(months)), dtype=bool)
    sources = [(result.cleaned, (("quantity", "history"), ("cleaned", "cleaned"))),
               (result.forecast, (("forecast", "forecast"), ("lower", "lower"),
                                  ("upper", "upper")))]
    if ordered is not None:
        sources.append((ordered, (("forecast", "ordered_forecast"),)))
    for frame, pairs in sources:
        if frame.empty:
            continue
        r = frame["item"].map(rindex)
        c = frame["period"].map(col)
        ok = (r.notna() & c.notna()).to_numpy()
        rr, cc = r[ok].astype(int).to_numpy(), c[ok].astype(int).to_numpy()
        for src, dst in pairs:
            arrays[dst][rr, cc] = frame.loc[ok, src].to_numpy(dtype=float)
        if "outlier" in frame:
            outlier[rr, cc] = frame.loc[ok, "outlier"].fillna(False).to_numpy(bool)
    summary = result.summary.set_index("item") if not result.summary.empty else None
    n_out = (result.cleaned.groupby("item")["outlier"].sum()
             if not result.cleaned.empty and "outlier" in result.cleaned else pd.Series())
    blocks = []
    for i, a in enumerate(item_attrs(inputs, fg)):
        if summary is not None and a["item"] in summary.index:
            srow = summary.loc[a["item"]]
            a.update(demand_class=srow.get("demand_class"), model=srow.get("model"),
                     mase=srow.get("mase"), wape=srow.get("wape"),
                     n_history=srow.get("n_history"), note=srow.get("note") or None)
        a["outliers"] = int(n_out.get(a["item"], 0))
        states = [("cell_outlier" if o else None) for o in outlier[i]]
        blocks.append(GridBlock(a, {m: arrays[m][i] for m in keys},
                                states={"history": states} if outlier[i].any() else {}))
    level = getattr(result, "service_level", None) or s.service_level
    tail = message("interval", lang, level=level)
    grid = Grid(spec, [month_label(m) for m in months], blocks, first_future=len(hist_months),
                title=title(inputs, "stat_forecast", lang) + tail, measures=tuple(keys))
    return grid_content(grid, lang, s.currency)
