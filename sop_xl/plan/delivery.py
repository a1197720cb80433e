"""Delivery KPIs of the closed months: supplier on-time-in-full and schedule adherence.

**Supplier on-time-in-full (OTIF)** is judged per purchase order line (supplier, order,
item) in the month of its promised day P. A receipt on day R is *on time* when it lies
within ``days`` working days of P (early or late: ``|wd(P, R)| ≤ days``, counted on the
factory calendar); the line is *in full* when the quantity received on time reaches
``(1 − tol) × ordered``. Per supplier (and all suppliers) and month:

    OTIF = lines on time in full ÷ lines promised in the month

A line that missed is *late* when everything did arrive, but outside the window, else
*short* (not all of it has come). Lines are counted, not pieces: a missed line stops a
production order whatever its size; the pieces are shown beside (``qty_met`` = pieces
received on time, at most the ordered).

**Schedule adherence** is judged per production order (order, item) with a due day and
quantity, in the month of its due day D: the order *adheres* when the quantity completed
in D's month is within ± ``tol`` of the order quantity:

    schedule adherence = orders completed in their due month within ± tol ÷ orders due

Per family, per resource (the orders of the items that load it) and in total. A missed
order is *late* when the order was completed (within tolerance) in another month, else
*short* (too little or too much). Pure: frames and a calendar in, a frame out.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from sop_xl.base.periods import FactoryCalendar

COLUMNS = ["kpi", "level", "key", "month", "lines", "met", "late", "short", "rate",
           "qty_due", "qty_met"]
_SUMS = ["lines", "met", "late", "short", "qty_due", "qty_met"]


def completion_months(actual: pd.DataFrame) -> pd.Series:
    """Each ProductionActuals row's month: as typed, else the month of its completion day."""
    if actual.empty:
        return pd.Series(pd.PeriodIndex([], freq="M"), index=actual.index)
    month = actual["month"] if "month" in actual else pd.Series(pd.NaT, index=actual.index)
    dates = actual["date"] if "date" in actual else pd.Series(None, index=actual.index)
    derived = pd.PeriodIndex([pd.Period(pd.Timestamp(d), "M") if _known(d) else pd.NaT
                              for d in dates], freq="M")
    out = pd.Series(pd.PeriodIndex(month, freq="M"), index=actual.index)
    return out.where(out.notna(), pd.Series(derived, index=actual.index))


def _known(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and np.isnan(x)) and x is not pd.NaT


def working_offset(cal: FactoryCalendar, promised: date, received: date) -> int:
    """Signed working days from ``promised`` to ``received``: 0 the same day, +1 the next
    working day after it, −1 the working day before it."""
    if received > promised:
        return cal.working_days(promised + timedelta(days=1), received)
    if received < promised:
        return -cal.working_days(received, promised - timedelta(days=1))
    return 0


def supplier_lines(receipts: pd.DataFrame, cal: FactoryCalendar, days: int,
                   tol: float) -> pd.DataFrame:
    """One row per purchase order line: supplier, order, item, month (of the promised
    day), ordered, on_time (pieces received within the window), received, met, late,
    short."""
    cols = ["supplier", "order", "item", "month", "ordered", "on_time", "received",
            "met", "late", "short"]
    if receipts.empty:
        return pd.DataFrame(columns=cols)
    r = receipts.copy()
    r["qty"] = r["qty"].fillna(0.0).astype(float)
    ok = [_known(d) and _known(p) and abs(working_offset(cal, p, d)) <= days
          for p, d in zip(r["due_date"], r["received_date"], strict=True)]
    r["on_time"] = np.where(ok, r["qty"], 0.0)
    g = r.groupby(["supplier", "order", "item"], as_index=False, sort=True).agg(
        due=("due_date", "min"), ordered=("order_qty", "max"), on_time=("on_time", "sum"),
        received=("qty", "sum"))
    g["month"] = pd.PeriodIndex([pd.Period(pd.Timestamp(d), "M") for d in g["due"]],
                                freq="M")
    need = (1.0 - tol) * g["ordered"]
    g["met"] = g["on_time"] >= need - 1e-9
    g["late"] = ~g["met"] & (g["received"] >= need - 1e-9)
    g["short"] = ~g["met"] & ~g["late"]
    return g[cols]


def production_lines(actual: pd.DataFrame, tol: float) -> pd.DataFrame:
    """One row per production order with a due day and quantity: order, item, month (of
    the due day), ordered, in_month (pieces completed in that month), completed (in any
    month), met, late, short."""
    cols = ["order", "item", "month", "ordered", "in_month", "completed", "met", "late",
            "short"]
    need = {"order", "due_date", "order_qty"}
    if actual.empty or not need <= set(actual.columns):
        return pd.DataFrame(columns=cols)
    a = actual.assign(done=completion_months(actual))
    a = a[a["order"].notna() & (a["order"].astype(str).str.strip() != "")]
    if a.empty:
        return pd.DataFrame(columns=cols)
    a = a.assign(order=a["order"].astype(str))
    head = a.groupby(["order", "item"], sort=True).agg(
        due=("due_date", "first"), ordered=("order_qty", "max"),
        completed=("qty", "sum")).reset_index()
    head = head[head["due"].map(_known) & head["ordered"].notna()]
    if head.empty:
        return pd.DataFrame(columns=cols)
    head["month"] = pd.PeriodIndex([pd.Period(pd.Timestamp(d), "M") for d in head["due"]],
                                   freq="M")
    a = a[["order", "item", "done", "qty"]].merge(
        head[["order", "item", "month"]], on=["order", "item"])
    inside = a[a["done"] == a["month"]].groupby(["order", "item"])["qty"].sum()
    head["in_month"] = [float(inside.get((o, i), 0.0))
                        for o, i in zip(head["order"], head["item"], strict=True)]
    band = tol * head["ordered"] + 1e-9
    head["met"] = (head["in_month"] - head["ordered"]).abs() <= band
    head["late"] = ~head["met"] & ((head["completed"] - head["ordered"]).abs() <= band)
    head["short"] = ~head["met"] & ~head["late"]
    return head[cols].reset_index(drop=True)


def _summary(lines: pd.DataFrame, kpi: str, level: str, key: pd.Series | str,
             qty_met: pd.Series) -> pd.DataFrame:
    f = pd.DataFrame({"key": key, "month": lines["month"],
                      "lines": 1, "met": lines["met"].astype(int),
                      "late": lines["late"].astype(int), "short": lines["short"].astype(int),
                      "qty_due": lines["ordered"].astype(float), "qty_met": qty_met})
    g = f.groupby(["key", "month"], as_index=False, sort=True)[_SUMS].sum()
    g["rate"] = g["met"] / g["lines"]
    return g.assign(kpi=kpi, level=level)


def delivery_kpis(receipts: pd.DataFrame, actual: pd.DataFrame, cal: FactoryCalendar, *,
                  days: int, tol: float, before: pd.Period, families: pd.Series,
                  usage: pd.DataFrame | None = None) -> pd.DataFrame:
    """Supplier OTIF (total, per supplier) and schedule adherence (total, per family, per
    resource) by month, for the months before ``before`` (``COLUMNS``)."""
    parts = []
    s = supplier_lines(receipts, cal, days, tol)
    s = s[s["month"] < before] if len(s) else s
    if len(s):
        met = np.minimum(s["on_time"], s["ordered"]).astype(float)
        parts.append(_summary(s, "supplier_otif", "total", "", met))
        parts.append(_summary(s, "supplier_otif", "supplier", s["supplier"].astype(str), met))
    p = production_lines(actual, tol)
    p = p[p["month"] < before] if len(p) else p
    if len(p):
        met = np.minimum(p["in_month"], p["ordered"]).astype(float)
        parts.append(_summary(p, "schedule_adherence", "total", "", met))
        fam = p["item"].map(families)
        has = fam.notna()
        if has.any():
            parts.append(_summary(p[has], "schedule_adherence", "family",
                                  fam[has].astype(str), met[has]))
        if usage is not None and not usage.empty:
            u = usage[["item", "resource"]].drop_duplicates()
            pr = p.reset_index(drop=True).assign(qm=met.to_numpy()).merge(u, on="item")
            if len(pr):
                parts.append(_summary(pr, "schedule_adherence", "resource",
                                      pr["resource"].astype(str), pr["qm"]))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    rank = {"supplier_otif": 0, "schedule_adherence": 1}
    lv = {"total": 0, "supplier": 1, "family": 1, "resource": 2}
    out = out.assign(_a=out["kpi"].map(rank), _b=out["level"].map(lv)).sort_values(
        ["_a", "_b", "key", "month"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)
