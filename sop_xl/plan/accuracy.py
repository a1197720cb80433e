"""Forecast accuracy and forecast value added (预测达成率, 预测准确率, FVA).

Pure functions: arrays of actuals and forecasts (pieces) in, one number out. Every
function ignores pairs where either side is missing (NaN), so a worksheet range with
blanks can be passed as it is. Ratios are fractions (0.85 = 85 %); NaN when undefined.

- ``achievement_rate`` = Σ actual ÷ Σ forecast — the seed company's 预测达成率, read as
  "how much of the forecast was achieved": 100 % is on target, 80 % means sales fell
  20 % short of the forecast, 120 % that they beat it. It is how a Chinese sales
  department reports target achievement (达成 = achieved), it keeps the direction of the
  miss, and it aggregates over items, departments and months by summing. It is blind to
  misses that cancel out, so it is always shown beside WAPE.
- ``wape`` = Σ|actual − forecast| ÷ Σ actual (weighted absolute percentage error).
- ``mape`` = mean of |actual − forecast| ÷ actual over the pairs with actual ≠ 0.
- ``bias`` = (Σ forecast − Σ actual) ÷ Σ actual: positive = over-forecast.
- ``mase`` = mean |actual − forecast| ÷ mean |y_t − y_{t−m}| of the in-sample history
  (Hyndman & Koehler 2006); < 1 beats the in-sample (seasonal) naive forecast.
- ``fva`` = metric(reference) − metric(forecast): forecast value added (Gilliland) in
  points of the metric (WAPE by default); positive = the forecast is better than the
  reference (e.g. sales vs statistical, statistical vs naive).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["achievement_rate", "bias", "comparison_rows", "fva", "mape", "mase", "naive_scale",
           "scorecard", "wape"]

#: pieces per period: an array or anything numpy reads as one (a list, a Series)
Series = ArrayLike
Metric = Callable[[Series, Series], float]


def _pairs(actual: Series, forecast: Series) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    if a.shape != f.shape:
        raise ValueError(f"actual has {a.size} values but forecast has {f.size}")
    ok = np.isfinite(a) & np.isfinite(f)
    return a[ok], f[ok]


def achievement_rate(actual: Series, forecast: Series) -> float:
    """Σ actual ÷ Σ forecast (fraction; 1.0 = 100 % achieved); NaN if Σ forecast is 0."""
    a, f = _pairs(actual, forecast)
    s = f.sum()
    return float(a.sum() / s) if a.size and s != 0 else float("nan")


def wape(actual: Series, forecast: Series) -> float:
    """Σ|actual − forecast| ÷ Σ|actual| (fraction); NaN if the actuals sum to 0."""
    a, f = _pairs(actual, forecast)
    s = np.abs(a).sum()
    return float(np.abs(a - f).sum() / s) if a.size and s > 0 else float("nan")


def mape(actual: Series, forecast: Series) -> float:
    """Mean |actual − forecast| ÷ |actual| over pairs with actual ≠ 0 (fraction)."""
    a, f = _pairs(actual, forecast)
    nz = a != 0
    return float(np.mean(np.abs(a[nz] - f[nz]) / np.abs(a[nz]))) if nz.any() \
        else float("nan")


def bias(actual: Series, forecast: Series) -> float:
    """(Σ forecast − Σ actual) ÷ Σ actual (fraction; positive = over-forecast)."""
    a, f = _pairs(actual, forecast)
    s = a.sum()
    return float((f.sum() - s) / s) if a.size and s != 0 else float("nan")


def naive_scale(insample: Series, m: int = 1) -> float:
    """Mean |y_t − y_{t−m}| of a history (pieces): the MASE denominator. NaN if the
    history is shorter than m + 1 or the naive forecast is perfect in-sample."""
    y = np.asarray(insample, dtype=float).ravel()
    y = y[np.isfinite(y)]
    if y.size <= m:
        return float("nan")
    d = np.mean(np.abs(y[m:] - y[:-m]))
    return float(d) if d > 0 else float("nan")


def mase(actual: Series, forecast: Series, *, insample: Series | None = None, m: int = 1,
         scale: float | None = None) -> float:
    """Mean absolute error ÷ the in-sample naive error.

    Give ``insample`` (the history before the forecast, pieces per period; ``m`` = 12 for
    the seasonal naive) or ``scale`` directly — a number, or one per pair when the pairs
    come from several series (each error is then divided by its own series' scale)."""
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    if scale is None:
        if insample is None:
            raise ValueError("mase needs the in-sample history or a scale")
        scale = naive_scale(insample, m)
    s = np.broadcast_to(np.asarray(scale, dtype=float), a.shape)
    ok = np.isfinite(a) & np.isfinite(f) & np.isfinite(s) & (s > 0)
    if not ok.any():
        return float("nan")
    return float(np.mean(np.abs(a[ok] - f[ok]) / s[ok]))


def fva(actual: Series, forecast: Series, reference: Series,
        metric: Metric = wape) -> float:
    """Forecast value added: metric(reference) − metric(forecast), on the pairs where all
    three are known (points of the metric; positive = ``forecast`` is better)."""
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    r = np.asarray(reference, dtype=float).ravel()
    ok = np.isfinite(a) & np.isfinite(f) & np.isfinite(r)
    return float(metric(a[ok], r[ok]) - metric(a[ok], f[ok]))


# -- the KPI table: the forecast archive against shipments --------------------------------

LEVELS = ("total", "department", "assistant", "family", "item")
SOURCES = ("sales", "demand_plan", "statistical", "naive")
KPI_COLUMNS = ["level", "key", "lag", "source", "months", "actual", "forecast", "achievement",
               "wape", "mape", "bias", "mase", "fva_stat", "fva_naive"]
NO_DEPARTMENT = "(none)"


def comparison_rows(archive: pd.DataFrame, history: pd.DataFrame, *,
                    planning_month: pd.Period, months: int = 12,
                    share_months: int = 12) -> pd.DataFrame:
    """Archived forecasts and actual shipments side by side, one row per made month,
    target month, lag, department, item and sales assistant (pieces).

    Target months are the ``months`` months before ``planning_month`` (actuals complete).
    Item-level forecasts (statistical, demand plan) are shared to departments by each
    department's share of the item's shipments over ``share_months`` ending the made
    month; where several assistants of one department forecast an item, actual and the
    other forecasts are shared between them by their forecasts. ``naive`` = the
    department's shipments of the item in the made month. ``scale`` is the mean absolute
    month-to-month change of the department-item history up to the made month (MASE)."""
    cols = ["made_month", "month", "lag", "department", "item", "assistant", "actual",
            "sales", "demand_plan", "statistical", "naive", "scale"]
    a = archive
    if a.empty or history.empty:
        return pd.DataFrame(columns=cols)
    a = a[(a["month"] < planning_month) & (a["month"] >= planning_month - months)]
    if a.empty:
        return pd.DataFrame(columns=cols)
    a = a.assign(department=a["department"].fillna("").astype(str),
                 assistant=a["assistant"].fillna("").astype(str))
    h = history.assign(department=history["department"].fillna("").astype(str))
    ship = h.groupby(["department", "item", "month"])["shipped_qty"].sum()
    base = ["made_month", "month", "lag", "item"]
    # item-level forecasts, one column per source
    item_level = a[a["source"].isin(["statistical", "demand_plan"])]
    fc = item_level.pivot_table(index=base, columns="source", values="qty", aggfunc="sum")
    for src in ("statistical", "demand_plan"):
        if src not in fc:
            fc[src] = np.nan
    sales = a[a["source"] == "sales"]
    keys = pd.concat([fc.reset_index()[base], sales[base]]).drop_duplicates()
    # departments per key: those with a share, with actual shipments, or with sales rows
    shares = _department_shares(h, sorted(set(keys["made_month"])), share_months)
    d1 = keys.merge(shares, on=["made_month", "item"])[[*base, "department"]]
    act = ship.reset_index().rename(columns={"shipped_qty": "actual"})
    d2 = keys.merge(act[["department", "item", "month"]], on=["item", "month"])[
        [*base, "department"]]
    d3 = sales[[*base, "department"]]
    rows = pd.concat([d1, d2, d3]).drop_duplicates().reset_index(drop=True)
    rows = rows.merge(shares, on=["made_month", "item", "department"], how="left")
    rows["share"] = rows["share"].fillna(0.0)
    rows = rows.merge(fc.reset_index(), on=base, how="left")
    for src in ("statistical", "demand_plan"):
        rows[src] = rows[src] * rows["share"]
    idx = pd.MultiIndex.from_frame(rows[["department", "item", "month"]])
    rows["actual"] = ship.reindex(idx).fillna(0.0).to_numpy()
    idx = pd.MultiIndex.from_arrays([rows["department"], rows["item"], rows["made_month"]])
    rows["naive"] = ship.reindex(idx).fillna(0.0).to_numpy()
    # sales assistants: one row each, the other figures shared by their forecasts
    s = sales[[*base, "department", "assistant", "qty"]].rename(columns={"qty": "sales"})
    s = s.groupby([*base, "department", "assistant"], as_index=False)["sales"].sum()
    rows = rows.merge(s, on=[*base, "department"], how="left")
    rows["assistant"] = rows["assistant"].fillna("")
    g = rows.groupby([*base, "department"])["sales"]
    tot = g.transform("sum").to_numpy(float)
    cnt = g.transform("count").to_numpy(float)
    sv = rows["sales"].to_numpy(float)
    w = np.where(np.isnan(sv), 1.0, np.where(tot > 0, sv / np.where(tot > 0, tot, 1.0),
                                              1.0 / np.maximum(cnt, 1)))
    for c in ("actual", "statistical", "demand_plan", "naive"):
        rows[c] = rows[c].to_numpy(float) * w
    rows["scale"] = _scales(h, rows)
    return rows[cols].sort_values(["made_month", "month", "item", "department", "assistant"]) \
        .reset_index(drop=True)


def _department_shares(history: pd.DataFrame, made_months: list[pd.Period],
                       window: int) -> pd.DataFrame:
    """Per made month and item, each department's share of the item's shipments over the
    ``window`` months ending the made month (all earlier history if that window is
    empty; no row at all for an item never shipped)."""
    cols = ["item", "department", "share", "made_month"]
    h = history[history["shipped_qty"].notna()]
    if h.empty or not made_months:
        return pd.DataFrame(columns=cols)
    y = h.pivot_table(index=["item", "department"], columns="month", values="shipped_qty",
                      aggfunc="sum")
    start = min(min(y.columns), min(made_months) - window)
    months = pd.period_range(start, max(max(y.columns), max(made_months)), freq="M")
    v = np.nan_to_num(y.reindex(columns=months).to_numpy(float))
    cum = np.concatenate([np.zeros((len(v), 1)), np.cumsum(v, axis=1)], axis=1)
    item_codes, items = pd.factorize(y.index.get_level_values("item"))
    out = []
    for m in made_months:
        t = m.ordinal - months[0].ordinal + 1  # cum[:, t] = shipments up to and with m
        recent = cum[:, t] - cum[:, max(t - window, 0)]
        upto = cum[:, t]
        rt = np.bincount(item_codes, recent, len(items))[item_codes]
        at = np.bincount(item_codes, upto, len(items))[item_codes]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(rt > 0, recent / rt, np.where(at > 0, upto / at, np.nan))
        keep = np.isfinite(share) & (share > 0)
        out.append(pd.DataFrame({"item": y.index.get_level_values("item")[keep],
                                 "department": y.index.get_level_values("department")[keep],
                                 "share": share[keep], "made_month": m}))
    return pd.concat(out, ignore_index=True)[cols]


def _scales(history: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """The MASE scale of each row's department-item series: the mean absolute change
    from one month to the next, from its first shipment up to the row's made month."""
    out = np.full(len(rows), np.nan)
    h = history[history["shipped_qty"].notna()]
    if h.empty or rows.empty:
        return out
    y = h.pivot_table(index=["department", "item"], columns="month", values="shipped_qty",
                      aggfunc="sum")
    cols = pd.period_range(min(y.columns), max(y.columns), freq="M")
    y = y.reindex(columns=cols)
    seen = y.notna().to_numpy()
    first = np.where(seen.any(axis=1), seen.argmax(axis=1), len(cols))
    v = np.nan_to_num(y.to_numpy(float))
    # running sum of |y_t − y_{t−1}|: the changes in (first, t] are cum[t] − cum[first]
    cum = np.zeros_like(v)
    cum[:, 1:] = np.cumsum(np.abs(np.diff(v, axis=1)), axis=1)
    r = y.index.get_indexer(pd.MultiIndex.from_arrays([rows["department"], rows["item"]]))
    t = np.asarray(rows["made_month"].array.asi8, dtype=np.int64) - cols[0].ordinal
    t = np.minimum(t, len(cols) - 1)
    ok = (r >= 0) & (t >= 0)
    rr, tt = r[ok], t[ok]
    f = first[rr]
    n = tt - f
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = (cum[rr, tt] - cum[rr, np.minimum(f, len(cols) - 1)]) / n
    out[ok] = np.where((n > 0) & (sc > 0), sc, np.nan)
    return out


def scorecard(rows: pd.DataFrame, families: pd.Series | dict) -> pd.DataFrame:
    """KPIs per level (total, department, sales assistant, family, item), lag and forecast
    source from ``comparison_rows``. Errors are measured per row (department × item ×
    month) and then summed, so a miss on one item never cancels another's; FVA columns
    compare WAPEs on exactly the same rows. The total's key is blank (the layout names it)."""
    if rows.empty:
        return pd.DataFrame(columns=KPI_COLUMNS)
    fam = pd.Series(families, dtype=object)
    r = rows.assign(family=rows["item"].map(fam).fillna("").astype(str),
                    department=rows["department"].replace("", NO_DEPARTMENT))
    a = r["actual"].to_numpy(float)
    out = []
    for src in SOURCES:
        f = r[src].to_numpy(float)
        ok = np.isfinite(f)
        if not ok.any():
            continue
        t = r[ok]
        aa, ff = a[ok], f[ok]
        err = np.abs(aa - ff)
        with np.errstate(divide="ignore", invalid="ignore"):
            ape = np.where(aa != 0, err / np.abs(aa), np.nan)
            sc = t["scale"].to_numpy(float)
            se = np.where(np.isfinite(sc) & (sc > 0), err / sc, np.nan)
        cols = {"months": t["month"].array.asi8, "actual": aa, "forecast": ff, "abs": err,
                "ape": ape, "se": se}
        for ref in ("statistical", "naive"):
            rf = t[ref].to_numpy(float)
            both = np.isfinite(rf)
            cols[f"a_{ref}"] = np.where(both, aa, 0.0)
            cols[f"e_{ref}"] = np.where(both, np.abs(aa - np.nan_to_num(rf)), 0.0)
            cols[f"s_{ref}"] = np.where(both, err, 0.0)
        v = pd.DataFrame(cols, index=t.index)
        v["lag"] = t["lag"].astype(int)
        for level in LEVELS:
            if level == "total":
                key = pd.Series("", index=t.index)  # one row: the level says "total"
            elif level == "assistant":
                key = t["assistant"].where(t["assistant"] != "")
            else:
                key = t[level]
            vv = v.assign(key=key.to_numpy()).dropna(subset=["key"])
            if vv.empty:
                continue
            g = vv.groupby(["key", "lag"])
            sums = g[["actual", "forecast", "abs", "a_statistical", "e_statistical",
                      "s_statistical", "a_naive", "e_naive", "s_naive"]].sum()
            res = pd.DataFrame(index=sums.index)
            res["months"] = g["months"].nunique()
            res["actual"] = sums["actual"]
            res["forecast"] = sums["forecast"]
            with np.errstate(divide="ignore", invalid="ignore"):
                res["achievement"] = sums["actual"] / sums["forecast"].where(
                    sums["forecast"] != 0)
                res["wape"] = sums["abs"] / sums["actual"].where(sums["actual"] > 0)
                res["bias"] = (sums["forecast"] - sums["actual"]) / sums["actual"].where(
                    sums["actual"] != 0)
                res["fva_stat"] = (sums["e_statistical"] - sums["s_statistical"]) / \
                    sums["a_statistical"].where(sums["a_statistical"] > 0)
                res["fva_naive"] = (sums["e_naive"] - sums["s_naive"]) / \
                    sums["a_naive"].where(sums["a_naive"] > 0)
            res["mape"] = g["ape"].mean()
            res["mase"] = g["se"].mean()
            if src == "statistical":
                res["fva_stat"] = np.nan
            if src == "naive":
                res["fva_stat"] = np.nan
                res["fva_naive"] = np.nan
            res = res.reset_index()
            res["level"] = level
            res["source"] = src
            out.append(res)
    if not out:
        return pd.DataFrame(columns=KPI_COLUMNS)
    k = pd.concat(out, ignore_index=True)
    k["_l"] = k["level"].map({v: i for i, v in enumerate(LEVELS)})
    k["_s"] = k["source"].map({v: i for i, v in enumerate(SOURCES)})
    k = k.sort_values(["_l", "key", "lag", "_s"], kind="stable")
    return k[KPI_COLUMNS].reset_index(drop=True)
