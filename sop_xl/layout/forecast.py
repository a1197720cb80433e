"""The StatForecast sheet: per item the shipped history (outliers marked, the cleaned
series below it), the chosen model with its backtest error, the forecast with its
interval over 12-18 months, and a note where history is short — and reading it back, so
later steps reuse the forecast without refitting."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.periods import month_label
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.layout.common import item_attrs, title
from sop_xl.layout.grid import Grid, GridBlock, grid_content
from sop_xl.layout.sheet import SheetContent
from sop_xl.layout.styles import CELL_STYLES, QTY
from sop_xl.plan.forecast import ForecastResult

# a history cell the forecast engine replaced as an outlier (red, like an exception)
CELL_STYLES.setdefault("cell_outlier", CELL_STYLES["cell_past"].but(
    fill="FFC7CE", color="9C0006", bold=True, numfmt=QTY))

MIN_MONTHS = 12  # the forecast shown (and fitted) covers at least a year


def forecast_months(inputs: Inputs) -> int:
    """Months the statistical forecast covers: the plan's horizon in months, at least 12."""
    s = inputs.settings
    months = s.horizon if s.bucket == "month" else int(np.ceil(s.horizon * 7 / 30.4)) + 1
    return max(months, MIN_MONTHS)


def forecast_result(forecast: pd.DataFrame, summary: pd.DataFrame, cleaned: pd.DataFrame,
                    service_level: float) -> ForecastResult:
    """A ForecastResult rebuilt from frames (a stored forecast, the demo's expected
    demand), its intervals at ``service_level``."""
    return ForecastResult(forecast, summary, cleaned, levels=(service_level,),
                          service_level=service_level)

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
    zh = lang.startswith("zh")
    tail = (f" — 区间 {level:.0%}" if zh else f" — interval {level:.0%}")
    grid = Grid(spec, [month_label(m) for m in months], blocks, first_future=len(hist_months),
                title=title(inputs, "stat_forecast", lang) + tail, measures=tuple(keys))
    return grid_content(grid, lang, s.currency)


def read_stat_forecast(grid: pd.DataFrame | None, service_level: float
                       ) -> tuple[ForecastResult | None, pd.DataFrame | None]:
    """The StatForecast sheet as written by an earlier run (``read_grid`` frame) → the
    forecast result and the ordered-quantity forecast (None where absent)."""
    if grid is None or grid.empty:
        return None, None
    g = grid.assign(item=grid["item"].astype(str))

    def rows(measure: str) -> pd.DataFrame:
        f = g[(g["measure"] == measure) & g["value"].notna()]
        return pd.DataFrame({"item": f["item"].to_numpy(),
                             "period": pd.PeriodIndex(f["period"], freq="M"),
                             "forecast": f["value"].to_numpy(float)})

    out = rows("forecast")
    if out.empty:
        return None, None
    key = pd.MultiIndex.from_arrays([out["item"], out["period"].astype(str)])
    for m in ("lower", "upper"):
        v = g[g["measure"] == m].set_index(["item", "period"])["value"]
        out[m] = v.reindex(key).to_numpy()
    attrs = g.drop_duplicates("item").set_index("item")
    models = attrs["model"].fillna("").astype(str)
    out["model"] = out["item"].map(models).fillna("")
    cols = ["item", "demand_class", "model", "mase", "wape", "n_history", "note"]
    summary = attrs.reset_index()[[c for c in cols if c in attrs.reset_index()]]
    hist = g[g["measure"].isin(["history", "cleaned"])].pivot_table(
        index=["item", "period"], columns="measure", values="value").reset_index()
    cleaned = pd.DataFrame(columns=["item", "period", "quantity", "cleaned", "outlier"])
    if not hist.empty and "history" in hist:
        q = hist["history"].to_numpy(float)
        c = hist["cleaned"].to_numpy(float) if "cleaned" in hist else q
        cleaned = pd.DataFrame({"item": hist["item"].to_numpy(),
                                "period": pd.PeriodIndex(hist["period"], freq="M"),
                                "quantity": q, "cleaned": c,
                                "outlier": np.abs(q - c) > 1e-9})
    ordered = rows("ordered_forecast")
    return (forecast_result(out, summary, cleaned, service_level),
            ordered if not ordered.empty else None)
