"""The figures a sales assistant sees and is checked against (pure: frames in, frames out).

**Statistical reference.** The sales forecast stands for demand not yet on contract or in a
project (sop_xl.plan.demand: near-term demand = contracts + projects × probability + sales
forecast). So the figure an assistant's number is compared with is the statistical
alternative for the same thing, for their department::

    reference = max(0, share × statistical forecast − department's open contracts
                                                    − department's projects × probability)

rounded to whole pieces; ``share`` is the department's part of the item's shipments over
the last 12 months of SalesHistory (all history if none; split equally when no history),
divided among the department's assistants who forecast the item. Open contracts due before
the planning month count in month M, as the demand plan counts them.

**Deviation flag.** A forecast ``q`` needs a reason when ``|q − reference| > threshold ×
reference`` (or ``reference`` is 0 and ``q > 0``) and ``|q − reference|`` is at least the
Settings minimum in pieces and in money at the item's price: threshold = Settings
``deviation_threshold``, ``deviation_min_qty``, ``deviation_min_value`` (the rule of the
Exceptions sheet, sop_xl.plan.demand.DeviationRule).

**Forecast achievement rate (预测达成率)** of last month (M−1): ``A ÷ F`` from the
ForecastKPI sheet's own rows (sop_xl.plan.accuracy.comparison_rows over the ForecastArchive,
lag 1): F the forecast the assistant submitted for M−1 in that month's round plus their
department's open contracts and weighted projects at the time (what the archive kept), A
the department's shipments of the item in M−1 (shared between assistants of one department
who forecast the item, by their forecasts). Over several items ``ΣA ÷ ΣF`` — the one
definition and the one computation sop_xl uses, on the KPI sheet, the meeting pack and these
workbooks alike. Undefined (blank) when the archive holds no forecast for M−1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sop_xl.contract.planning_inputs import Inputs
from sop_xl.faces.assistants.assignment import HISTORY_WINDOW, Assignment, Assignments
from sop_xl.plan.accuracy import achievement_rate, comparison_rows
from sop_xl.plan.demand import DeviationRule, per_assistant

M_PLUS = 4  # the rolling forecast covers M, M+1, M+2, M+3


def forecast_months(planning_month: pd.Period) -> list[pd.Period]:
    return [planning_month + k for k in range(M_PLUS)]


def achievement(actual: float, forecast: float) -> float:
    """Forecast achievement rate (预测达成率) of one forecast: A ÷ F, as everywhere in sop_xl
    (sop_xl.plan.accuracy); NaN when F ≤ 0 or either is missing."""
    if not np.isfinite(actual) or not np.isfinite(forecast) or forecast <= 0:
        return float("nan")
    return float(actual / forecast)


def achievement_total(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Σ A ÷ Σ F over the pairs where both are known (sop_xl.plan.accuracy.achievement_rate)."""
    return achievement_rate(actual, forecast)


def needs_reason(qty: float, reference: float, threshold: float, min_qty: float = 0.0,
                 min_value: float = 0.0, price: float = 0.0) -> bool:
    """Does a forecast depart from the reference by more than the threshold, and by at
    least ``min_qty`` pieces and ``min_value`` at ``price`` (sop_xl.plan.demand's
    ``DeviationRule``, the rule of the Exceptions sheet)?"""
    return bool(DeviationRule(threshold, min_qty, min_value).flags(qty, reference, price))


def reference(share: float, stat: float, known: float) -> float:
    """The statistical reference (module docstring), whole pieces."""
    return float(round(max(0.0, share * stat - known)))


def deviation(qty: float, reference: float) -> float:
    """``qty / reference − 1``; NaN when the reference is 0."""
    return qty / reference - 1.0 if reference > 0 else float("nan")


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


def department_shares(sales_history: pd.DataFrame, planning_month: pd.Period,
                      assignments: Assignments) -> dict[tuple[str, str], float]:
    """(assistant, item) → the part of the item's statistical forecast that is theirs."""
    h = sales_history[sales_history["month"] < planning_month]
    recent = h[h["month"] >= planning_month - HISTORY_WINDOW]
    dept = h["department"].map(_text)

    def by_dept(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.groupby([frame["item"].astype(str), dept.reindex(frame.index)])[
            "shipped_qty"].sum().unstack(fill_value=0.0)

    recent_tab, all_tab = by_dept(recent), by_dept(h)
    owners = assignments.owners()
    depts_of: dict[str, set[str]] = {}
    for (d, item) in owners:
        depts_of.setdefault(item, set()).add(d)
    out: dict[tuple[str, str], float] = {}
    for a in assignments.by_assistant.values():
        d = a.department or ""
        for item in a.items:
            mates = len(owners[(d, item)])
            if not d:
                out[(a.assistant, item)] = 1.0 / sum(len(v) for (_, i), v in owners.items()
                                                     if i == item)
                continue
            share = np.nan
            for tab in (recent_tab, all_tab):
                if item in tab.index and tab.loc[item].sum() > 0:
                    share = float(tab.loc[item].get(d, 0.0) / tab.loc[item].sum())
                    break
            if np.isnan(share):
                share = 1.0 / len(depts_of[item])
            out[(a.assistant, item)] = share / mates
    return out


def known_demand(inputs: Inputs, department: str | None) -> pd.Series:
    """(item, month) → the department's open contracts + projects × probability (pieces),
    months before the planning month counted in month M (contracts) or dropped (projects),
    as the demand plan counts them; every department when ``department`` is None."""
    m0 = inputs.settings.planning_month
    c, p = inputs.contracts, inputs.projects
    if department is not None:
        c = c[c["department"].map(_text) == department]
        p = p[p["department"].map(_text) == department]
    open_qty = (c["ordered_qty"] - c["delivered_qty"].fillna(0)).clip(lower=0)
    due = pd.Series([max(m, m0) for m in c["due_month"]], index=c.index, dtype=object)
    parts = [pd.DataFrame({"item": c["item"].astype(str), "month": due, "qty": open_qty}),
             pd.DataFrame({"item": p["item"].astype(str), "month": list(p["month"]),
                           "qty": p["qty"] * p["probability"]})[list(p["month"] >= m0)]]
    both = pd.concat([x for x in parts if len(x)], ignore_index=True) if any(
        len(x) for x in parts) else pd.DataFrame({"item": [], "month": [], "qty": []})
    if both.empty:
        return pd.Series(dtype=float)
    return both.groupby(["item", "month"])["qty"].sum()


def monthly_stat(stat_forecast: pd.DataFrame) -> pd.Series:
    """(item, month) → statistical forecast (pieces/month)."""
    f = stat_forecast
    return pd.Series(f["forecast"].to_numpy(float),
                     index=pd.MultiIndex.from_arrays([f["item"].astype(str),
                                                      list(f["period"])])).groupby(
        level=[0, 1]).sum()


@dataclass
class AssistantFigures:
    """Everything written into one assistant's workbook."""

    assistant: str
    department: str | None
    planning_month: pd.Period
    threshold: float
    items: pd.DataFrame          # item, description, family, price (Items order)
    #: M..M+3 per item: reference, known, on_file, reason
    lines: pd.DataFrame
    history_months: list[pd.Period]
    history: pd.DataFrame        # items × history months: shipped by the department
    #: item, forecast, actual, achievement for M−1 (ForecastKPI's lag-1 rows; NaN if none)
    last_month: pd.DataFrame
    min_qty: float = 0.0         # Settings deviation minimum (pieces)
    min_value: float = 0.0       # Settings deviation minimum value (money)
    currency: str = "CNY"
    #: item → the plants a line of it may name (``shipping_plants``); empty when the
    #: master plans one plant, and the workbook then has no Plant column
    plants: dict[str, list[str]] = field(default_factory=dict)


def shipping_plants(inputs: Inputs) -> dict[str, list[str]]:
    """Item → the plants its forecast may name as shipping plant, the rule of the
    master's SalesForecast (sop_xl.contract.rules ``_shipping_plants``): the plants of
    its ItemPlants rows, or the home plant (first on Plants) for an item without rows;
    empty when Plants lists fewer than two plants."""
    p = inputs.plants
    plants = [] if p.empty else list(dict.fromkeys(p["plant"].dropna().astype(str)
                                                   .str.strip()))
    if len(plants) < 2:
        return {}
    ip = inputs.item_plants
    rows: dict[str, list[str]] = {}
    if not ip.empty:
        for i, pl in zip(ip["item"].astype(str), ip["plant"].astype(str).str.strip(),
                         strict=True):
            if pl not in rows.setdefault(i, []):
                rows[i].append(pl)
    order = {pl: k for k, pl in enumerate(plants)}
    return {i: sorted(rows.get(i, [plants[0]]), key=lambda x: order.get(x, len(order)))
            for i in inputs.items["item"].astype(str)}


def last_month_rows(inputs: Inputs, archive: pd.DataFrame) -> pd.DataFrame:
    """ForecastKPI's comparison rows of last month (M−1) at lag 1: each archived forecast
    for M−1 made in M−1's own round beside the shipments (sop_xl.plan.accuracy)."""
    s = inputs.settings
    rows = comparison_rows(archive, inputs.sales_history, planning_month=s.planning_month,
                           months=1, share_months=s.share_months)
    return rows[rows["lag"] == 1].reset_index(drop=True)


def assistant_last_month(rows: pd.DataFrame, assistant: str,
                         items: list[str]) -> pd.DataFrame:
    """Per item of ``assistant``: forecast (incl. contracts and projects, as archived),
    actual and achievement of M−1 from ``last_month_rows``; NaN where none was archived."""
    mine = rows[(rows["assistant"] == assistant) & rows["sales"].notna()]
    g = mine.groupby(mine["item"].astype(str))[["sales", "actual"]].sum()
    f = g["sales"].reindex(items)
    a = g["actual"].reindex(items)
    return pd.DataFrame({"item": items, "forecast": f.to_numpy(float),
                         "actual": a.to_numpy(float),
                         "achievement": [achievement(x, y) for x, y in
                                         zip(a.to_numpy(float), f.to_numpy(float),
                                             strict=True)]})


def figures_for(assignment: Assignment, inputs: Inputs, stat_forecast: pd.DataFrame,
                shares: dict[tuple[str, str], float],
                last_rows: pd.DataFrame | None = None) -> AssistantFigures:
    """What one assistant's workbook shows; ``last_rows``: ``last_month_rows`` (None: no
    forecast archived yet)."""
    s = inputs.settings
    m0 = s.planning_month
    a, dept = assignment.assistant, assignment.department
    items = inputs.items.set_index(inputs.items["item"].astype(str)).loc[list(assignment.items)]
    stat = monthly_stat(stat_forecast)
    known = known_demand(inputs, dept)
    plants = shipping_plants(inputs)
    sf = inputs.sales_forecast if plants else per_assistant(inputs.sales_forecast)
    mine = sf[sf["assistant"].astype(str) == a]
    where = mine["plant"] if "plant" in mine else pd.Series([None] * len(mine),
                                                            index=mine.index)
    on_file: dict[tuple[str, pd.Period], list[tuple[str | None, float, Any]]] = {}
    for i, m, q, r, pl in zip(mine["item"], mine["month"], mine["qty"], mine["reason"],
                              where, strict=True):
        on_file.setdefault((str(i), m), []).append((_text(pl) or None, q, r))
    rows = []
    for item in assignment.items:
        share = shares.get((a, item), 1.0)
        order = {pl: k for k, pl in enumerate(plants.get(item, []))}
        for m in forecast_months(m0):
            stat_m, known_m = float(stat.get((item, m), 0.0)), float(known.get((item, m), 0.0))
            lines_m = sorted(on_file.get((item, m), [(None, np.nan, None)]),
                             key=lambda x: -1 if x[0] is None else order.get(x[0], len(order)))
            # an item and month forecast for several plants: each line is checked against
            # its part of the reference, in the proportion of what is on file
            qs = np.array([float(x[1]) if np.isfinite(float(x[1])) else 0.0
                           for x in lines_m])
            w = qs / qs.sum() if qs.sum() > 0 else np.full(len(lines_m), 1 / len(lines_m))
            for (pl, q, r), part in zip(lines_m, w, strict=True):
                rows.append({"item": item, "month": m,
                             "reference": reference(share * part, stat_m, known_m * part),
                             "known": known_m * part, "on_file": q,
                             "reason": _text(r) or None, "plant": pl})
    lines = pd.DataFrame(rows, columns=["item", "month", "reference", "known", "on_file",
                                        "reason", "plant"])
    n_hist = s.history_months or 24
    hist_months = [m0 - n_hist + k for k in range(n_hist)]
    h = inputs.sales_history
    if dept is not None:
        h = h[h["department"].map(_text) == dept]
    h = h[h["item"].astype(str).isin(assignment.items) & h["month"].isin(hist_months)]
    hist = h.groupby([h["item"].astype(str), "month"])["shipped_qty"].sum().unstack()
    hist = hist.reindex(index=list(assignment.items), columns=hist_months).fillna(0.0)
    last = assistant_last_month(
        last_rows if last_rows is not None else pd.DataFrame(
            columns=["assistant", "item", "sales", "actual"]), a, list(assignment.items))
    return AssistantFigures(
        assistant=a, department=dept, planning_month=m0, threshold=s.deviation_threshold,
        items=pd.DataFrame({"item": list(assignment.items),
                            "description": items["description"].to_numpy(),
                            "family": items["family"].to_numpy(),
                            "price": items["price"].astype(float).fillna(0.0).to_numpy()}),
        lines=lines, history_months=hist_months, history=hist,
        last_month=last, min_qty=float(s.deviation_min_qty),
        min_value=float(s.deviation_min_value), currency=s.currency,
        plants={i: plants[i] for i in assignment.items if i in plants})


def submitted_deviations(inputs: Inputs, stat_forecast: pd.DataFrame,
                         assignments: Assignments) -> pd.DataFrame:
    """Every SalesForecast row of the planning month's M..M+3 against its statistical
    reference: assistant, department, item, month, qty, reference, deviation, flagged,
    reason."""
    s = inputs.settings
    months = forecast_months(s.planning_month)
    shares = department_shares(inputs.sales_history, s.planning_month, assignments)
    stat = monthly_stat(stat_forecast)
    sf = per_assistant(inputs.sales_forecast)
    sf = sf[sf["month"].isin(months)]
    known_of: dict[str | None, pd.Series] = {}
    price = inputs.items.set_index(inputs.items["item"].astype(str))["price"].astype(float) \
        .fillna(0.0)
    rows = []
    for r in sf.itertuples(index=False):
        a, item = str(r.assistant), str(r.item)
        asg = assignments.by_assistant.get(a)
        dept = asg.department if asg else (_text(r.department) or None)
        if dept not in known_of:
            known_of[dept] = known_demand(inputs, dept)
        share = shares.get((a, item), 1.0)
        ref = reference(share, float(stat.get((item, r.month), 0.0)),
                        float(known_of[dept].get((item, r.month), 0.0)))
        rows.append({"assistant": a, "department": dept, "item": item, "month": r.month,
                     "qty": float(r.qty), "reference": ref,
                     "deviation": deviation(float(r.qty), ref),
                     "flagged": needs_reason(float(r.qty), ref, s.deviation_threshold,
                                             s.deviation_min_qty, s.deviation_min_value,
                                             float(price.get(item, 0.0))),
                     "reason": _text(r.reason) or None})
    out = pd.DataFrame(rows, columns=["assistant", "department", "item", "month", "qty",
                                      "reference", "deviation", "flagged", "reason"])
    return out.astype({"qty": float, "reference": float, "deviation": float,
                       "flagged": bool})
