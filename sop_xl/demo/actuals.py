"""Last month as it was planned and as it happened: the demo company's approved plan of
M−1 (the frozen first month of its MPS, with the family plan) and what the plant made and
the suppliers delivered against it, so the first meeting pack shows plan achievement,
schedule adherence and supplier on-time-in-full.

The story: November went mostly to plan. Pumps and Valves were made nearly in full, a few
orders a few pieces short or a day or two late; Controllers ran clearly under plan,
because Shenzhen Kaixin Electronics delivered the control boards' parts late and short (the
controller orders waited for them, several slipped into December). Orders are made of
working days on the factory calendar; everything follows the seeded generator.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from sop_xl.demo.company import AUTHOR, CONTROLLERS, SUPPLIERS, typed_frame
from sop_xl.demo.products import FG, PARTS, PRODUCTS, explode
from sop_xl.demo.sales import run_rate
from sop_xl.demo.supply import lot_round
from sop_xl.plan import versions as versions_engine
from sop_xl.plan.delivery import completion_months

APPROVER = "General Manager"
# Share of production orders (pieces and lines) that go to plan, by family; the rest are
# short or late (sop_xl.plan.delivery's words).
ON_PLAN = {CONTROLLERS: 0.40}
ON_PLAN_DEFAULT = 0.85
OVER = 0.08  # of the orders to plan, this share ran a few pieces over (a full last batch)
# Chance that a purchase order line arrives on time in full, by supplier key.
SUPPLIER_OTIF = {"electronics": 0.45, "power": 0.75, "foundry": 0.85}
SUPPLIER_OTIF_DEFAULT = 0.95


def _working_days(month: pd.Period, closed: set[date]) -> list[date]:
    d, out = month.start_time.date(), []
    while d <= month.end_time.date():
        if d.weekday() < 5 and d not in closed:
            out.append(d)
        d += timedelta(days=1)
    return out


def _shift(d: date, n: int, closed: set[date]) -> date:
    """``n`` working days after ``d`` (before it when negative)."""
    step = 1 if n >= 0 else -1
    while n:
        d += timedelta(days=step)
        if d.weekday() < 5 and d not in closed:
            n -= step
    return d


def planned_production(planning: pd.Period) -> dict[str, float]:
    """What the approved plan of M−1 told the plant to make in M−1 (its frozen month):
    each finished good's expected demand then, in its lot rule."""
    last = planning - 1
    out = {}
    for p in PRODUCTS:
        q = run_rate(p, last, planning)
        if q >= 1:
            out[p.code] = lot_round(q, p.lot) if p.lot else float(np.ceil(q))
    return out


def previous_plan(planning: pd.Period, settings: dict, stock: pd.DataFrame,
                  history: pd.DataFrame, made: pd.DataFrame) -> pd.DataFrame:
    """The snapshot of the plan approved for M−1: key settings, the items' demand and MPS
    production of M−1, and the family plan (demand, production, closing). The family's
    planned closing stock is what November would have ended with had it gone to plan:
    today's stock less what was made, plus what was shipped, plus the plan's production,
    less its demand."""
    last = planning - 1
    label = str(last)
    plan = planned_production(planning)
    fam = pd.Series({p.code: p.family for p in PRODUCTS})
    demand = {p.code: float(round(run_rate(p, last, planning))) for p in PRODUCTS}
    values = {**settings, "planning_month": label, "family_strategy": "none"}
    rows = [versions_engine.settings_rows(values)]
    items = pd.Index(sorted(plan))
    rows.append(versions_engine.section_rows(
        "demand", pd.Index(sorted(demand)), [label],
        {"demand": np.array([[demand[k]] for k in sorted(demand)])}, ["demand"], family=fam))
    rows.append(versions_engine.section_rows(
        "mps", items, [label], {"production": np.array([[plan[k]] for k in items])},
        ["production"], family=fam))
    on_hand = stock.groupby("item")["on_hand"].sum()
    shipped = history[history["month"] == last].groupby("item")["shipped_qty"].sum()
    months = completion_months(made)
    produced = made[months == last].groupby("item")["qty"].sum()
    fams = sorted(fam.unique())
    by = {}
    for f in fams:
        codes = fam.index[fam == f]
        opening = sum(on_hand.get(c, 0.0) - produced.get(c, 0.0) + shipped.get(c, 0.0)
                      for c in codes)
        d = sum(demand[c] for c in codes)
        p = sum(plan.get(c, 0.0) for c in codes)
        by[f] = (d, p, round(opening + p - d))
    rows.append(versions_engine.section_rows(
        "family", pd.Index(fams), [label],
        {m: np.array([[by[f][j]] for f in fams]) for j, m in
         enumerate(("demand", "production", "closing"))}, ["demand", "production", "closing"]))
    snap = pd.concat(rows, ignore_index=True)
    return snap.sort_values(["section", "key", "measure", "period"], kind="stable") \
        .reset_index(drop=True)


def previous_record(planning: pd.Period, snapshot: pd.DataFrame) -> dict:
    """The register row of the approved plan of M−1: saved and approved at its meeting."""
    last = planning - 1
    meeting = _shift(last.start_time.date(), -4, set())
    return versions_engine.VersionRecord(
        version="001", created_at=f"{meeting - timedelta(days=2):%Y-%m-%d} 17:40:00",
        author=AUTHOR, planning_month=str(last), status=str(versions_engine.Status.APPROVED),
        sheet=versions_engine.tab_name("001", last),
        note=f"S&OP meeting {last}: approved as proposed",
        content_hash=versions_engine.content_hash(snapshot), approved_by=APPROVER,
        approved_at=f"{meeting:%Y-%m-%d} 11:20:00").row()


def production_actuals_frame(rng: np.random.Generator, planning: pd.Period,
                             closed: set[date]) -> pd.DataFrame:
    """The production orders of M−1's plan and what the plant reported against them
    (completion day, pieces, order due day and quantity). A finished order reported on
    the planning month's first day slipped out of M−1."""
    last = planning - 1
    days = _working_days(last, closed)
    report_day = _shift(planning.start_time.date() - timedelta(days=1), 1, closed)
    rows, seq = [], 0
    for code, qty in sorted(planned_production(planning).items()):
        p = FG[code]
        n = 1 if qty < 120 else 2 if qty < 400 else 3
        parts = [qty // n + (1 if k < qty % n else 0) for k in range(n)]
        on_plan = ON_PLAN.get(p.family, ON_PLAN_DEFAULT)
        for k, q in enumerate(parts):
            seq += 1
            due = days[min(len(days) - 1, int((k + 0.5) * len(days) / n))]
            order = f"MO-{last.year % 100:02d}{last.month:02d}-{seq:03d}"
            head = {"item": code, "order": order, "due_date": due, "order_qty": float(q)}
            u = rng.random()
            if u < on_plan:                         # to plan: on the day or a day early
                extra = np.ceil(q * rng.uniform(0.05, 0.12)) if u < OVER else 0.0
                rows.append({**head, "date": _shift(due, -int(rng.integers(0, 2)), closed),
                             "qty": float(q + extra)})
            elif u < on_plan + (1 - on_plan) / 2:  # short: closed with what was made
                rows.append({**head, "date": due,
                             "qty": float(np.floor(q * rng.uniform(0.70, 0.95)))})
            else:                                   # late: part on the day, the rest after
                first = float(np.floor(q * rng.uniform(0.3, 0.7)))
                slip = _shift(due, int(rng.integers(3, 12)), closed)
                rows.append({**head, "date": due, "qty": first})
                rows.append({**head, "date": min(slip, report_day), "qty": float(q) - first})
    out = typed_frame("production_actuals", rows)
    # the month as the ERP report gives it; rows of the month's first days left blank
    # to be taken from the day (both are accepted)
    out["month"] = pd.PeriodIndex([pd.Period(d, "M") if d.day > 3 else pd.NaT
                                   for d in out["date"]], freq="M")
    return out


def receipts_actuals_frame(rng: np.random.Generator, planning: pd.Period,
                           closed: set[date]) -> pd.DataFrame:
    """Purchase order lines promised in M−1 for the plan's purchased parts, and the
    goods received against them: most on time in full, the electronics late or short."""
    last = planning - 1
    days = _working_days(last, closed)
    report_day = _shift(planning.start_time.date() - timedelta(days=1), 1, closed)
    need = explode(planned_production(planning))
    rows, seq = [], 0
    for code in sorted(need):
        part = PARTS.get(code)
        if part is None or part.made or need[code] <= 0:
            continue
        n = 2 if need[code] * max(part.cost, 1.0) > 20_000 else 1
        otif = SUPPLIER_OTIF.get(part.supplier, SUPPLIER_OTIF_DEFAULT)
        for k in range(n):
            seq += 1
            q = lot_round(need[code] / n, part.lot)
            due = days[min(len(days) - 1, int((k + 0.3) * len(days) / n))]
            head = {"supplier": SUPPLIERS[part.supplier],
                    "order": f"PO-{last.year % 100:02d}{last.month:02d}-{seq:03d}",
                    "item": code, "order_qty": q, "due_date": due}
            u = rng.random()
            if u < otif:
                rows.append({**head, "received_date": _shift(due, int(rng.integers(-1, 2)),
                                                             closed), "qty": q})
            elif u < otif + (1 - otif) / 2:
                rows.append({**head, "received_date": min(
                    _shift(due, int(rng.integers(3, 9)), closed), report_day), "qty": q})
            else:
                got = float(np.floor(q * rng.uniform(0.6, 0.9)))
                rows.append({**head, "received_date": due, "qty": got})
    return typed_frame("receipts_actuals", rows)
