"""The master production schedule (主生产计划) for finished goods, on working days.

Demand comes dated (``sop_xl.plan.dates``): the forecast and contracts of a month needed
on the first working day of each of its weeks, in proportion to the working days, past-due
contract quantities on the planning date. Per item and
working day (pieces) the suggested production covers demand and a target stock by the
item's lot rule, each order due on the day of the first shortfall it covers
(``sop_xl.plan.netting``). The target stock is the larger of the safety stock and the
demand of the next ``target_dos`` working days (Items.target_dos: the days of supply the
stock should cover — SAP PP-SOP's "target days' supply", counted on the factory calendar
rather than in buckets, so it does not change with months or weeks).

The grid shows buckets: every row is the sum of its days (projected on hand: the stock at
the bucket's last working day). Time fences (APICS, "time fence"; Settings) work on
buckets: inside the frozen fence (锁定期) production keeps the previous version's
quantities and moves only when customer orders no longer fit (an order change); between
the frozen fence and the planning time fence (计划时界) the suggestion is planned but a
change against the previous version is reported for approval; beyond it the plan is free.
A cell the planner changed on the MPS sheet is firm anywhere. A bucket's fixed quantity is
dated by the same netting, capped at the quantity; what is left of it is due on the
bucket's last working day.

Projected on hand, discrete available-to-promise (APICS) and days of supply follow; the
sheet computes the same three as live formulas (sop_xl.contract.outputs), so the Python
values here are written as their cached values and must match them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sop_xl.plan.dates import PlanDays
from sop_xl.plan.lot_sizing import LotRules, Sizer
from sop_xl.plan.netting import poq_windows

_TOL = 1e-6
CHANGE_COLUMNS = ["item", "period", "bucket", "kind", "previous", "suggested", "production"]


@dataclass
class MPSResult:
    """Rows of the MPS grid, each (items × buckets), plus cell states for colouring, and
    the dated plan (items × working days) the MRP and capacity work from."""

    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]
    on_hand: np.ndarray
    states: np.ndarray  # object: None, "cell_firmed", "cell_less", "cell_more"
    #: cells inside the fences that differ from the previous version or the suggestion:
    #: kind "frozen_kept" (demand moved, frozen quantity kept), "order_change" (raised for
    #: customer orders inside the frozen fence), "firm_in_frozen" (the planner changed a
    #: frozen cell), "fence_change" (a change inside the planning time fence)
    frozen_changes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    days: PlanDays | None = None
    #: by working day: demand, production (good pieces due), projected (end of day)
    daily: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


def target_stock(demand: np.ndarray, safety_stock: np.ndarray,
                 target_dos: np.ndarray | None) -> np.ndarray:
    """Stock wanted at the end of each working day (items × days, pieces): max(safety
    stock, the demand of the next ``target_dos`` working days; a fraction of a day takes
    that fraction of the day's demand)."""
    n, n_days = demand.shape
    ss = np.broadcast_to(np.asarray(safety_stock, dtype=float)[:, None], (n, n_days))
    if target_dos is None or not np.any(np.asarray(target_dos) > 0):
        return np.array(ss)
    dos = np.maximum(np.asarray(target_dos, dtype=float), 0.0)
    cum = np.concatenate([np.zeros((n, 1)), np.cumsum(demand, axis=1),
                          np.zeros((n, 1))], axis=1)
    cum[:, -1] = cum[:, -2]
    t = np.arange(n_days)[None, :]
    whole = np.floor(dos)[:, None].astype(np.int64)
    part = (dos - np.floor(dos))[:, None]
    rows = np.arange(n)[:, None]
    end = np.minimum(t + 1 + whole, n_days)
    cover = cum[rows, end] - cum[rows, t + 1]
    nxt = np.minimum(end + 1, n_days + 1)
    cover += part * (cum[rows, nxt] - cum[rows, end])
    return np.maximum(ss, cover)


def plan(forecast: np.ndarray, orders: np.ndarray, on_hand: np.ndarray,
         receipts: np.ndarray, safety_stock: np.ndarray, rules: LotRules,
         days: PlanDays, *, items: pd.Index, frozen: int = 0,
         frozen_qty: np.ndarray | None = None, firm: np.ndarray | None = None,
         fence: int = 0, target_dos: np.ndarray | None = None,
         family_target: np.ndarray | None = None,
         works: np.ndarray | None = None) -> MPSResult:
    """Plan production for each item (row) on the working days ``days``, pieces.

    ``forecast``, ``orders`` (customer orders) and ``receipts`` (open production orders)
    are by working day (items × days). ``frozen_qty``: the previous version's production
    by bucket (items × buckets, NaN = none) for at least the first ``max(frozen, fence)``
    buckets; None when there is no previous version (nothing is frozen yet). ``firm``:
    quantities a planner fixed on the MPS sheet, by bucket (NaN = not fixed). ``fence``:
    the planning time fence, in buckets from the start. ``family_target``: the approved
    family production split to the items by bucket (sop_xl.plan.family_split; NaN =
    none): where given the plan keeps it and shows it as the suggestion, so the frozen
    fence and firm cells still win. ``works``: whether each item's plant works on each
    day (items × days; None: every day) — no order of a free row is due on a day its
    plant does not work: the next working day's covers it.
    """
    n, n_days = forecast.shape
    h = len(days.buckets)
    periods = days.buckets.labels
    demand = forecast + orders
    floor = target_stock(demand, safety_stock, target_dos)
    need = (demand + floor).T.copy()
    rec = np.asarray(receipts, dtype=float).T.copy()
    dem = demand.T
    sizer = Sizer(rules)
    poq = sizer.poq
    static = poq_windows(demand[poq], receipts[poq], floor[poq], rules.poq[poq], days).T \
        .copy() if len(poq) else None
    production = np.zeros((n, h))
    suggested = np.zeros((n, h))
    prod_days = np.zeros((n_days, n))
    proj_days = np.zeros((n_days, n))
    states = np.full((n, h), None, dtype=object)
    poh = on_hand.astype(float).copy()
    balance = on_hand.astype(float).copy()   # on hand + supply − customer orders, cumulated
    orders_b = days.by_bucket(orders)
    receipts_b = days.by_bucket(receipts)
    changes: list[tuple] = []

    def sized(stock: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
        avail = stock + rec[t]
        window = None if static is None else static[t] - avail[poq]
        return avail, sizer(need[t] - avail, window)

    for p in range(h):
        lo, hi = int(days.bounds[p]), int(days.bounds[p + 1])
        quantity = np.full(n, np.nan)    # a bucket quantity the plan must keep
        # -- family plan seam (issue 16): the approved family volume, split to the items
        # by their lot rules, is the bucket quantity where one is given
        if family_target is not None:
            quantity = family_target[:, p].astype(float).copy()
        # -- end of the family plan seam
        prev = None if frozen_qty is None else frozen_qty[:, p]
        in_frozen = prev is not None and p < frozen
        if in_frozen:
            assert prev is not None
            fq = np.nan_to_num(prev, nan=0.0)
            # an order change: customer orders alone no longer fit the frozen quantity
            short = np.maximum(0.0, orders_b[:, p] - (balance + receipts_b[:, p] + fq))
            quantity = fq + short
            kept = quantity.copy()
        if firm is not None:
            quantity = np.where(np.isfinite(firm[:, p]), firm[:, p], quantity)
        fixed = np.isfinite(quantity)
        left = np.nan_to_num(quantity)
        # a kept quantity is made by its plant's last working day in the bucket (the
        # bucket's last day when its plant works none of them)
        last = np.full(n, hi - 1)
        if works is not None and hi > lo:
            w = works[:, lo:hi]
            last = np.where(w.any(axis=1), hi - 1 - np.argmax(w[:, ::-1], axis=1), hi - 1)
        off = ~works[:, lo:hi].any(axis=1) if works is not None and hi > lo else \
            np.zeros(n, bool)
        free = poh.copy()                # the stock had the bucket been planned freely
        sug = np.zeros(n)
        for t in range(lo, hi):
            avail, q = sized(poh, t)
            if works is not None:   # a plant receives nothing on a day it does not work
                q = np.where(works[:, t] | (fixed & off), q, 0.0)
            if fixed.any():
                avail_f, q_f = sized(free, t)
                if works is not None:
                    q_f = np.where(works[:, t], q_f, 0.0)
                sug += q_f
                free = avail_f + q_f - dem[t]
                q = np.where(fixed, np.where(t == last, left, np.minimum(q, left)), q)
                left = left - np.where(fixed, q, 0.0)
            else:
                sug += q
                free = avail + q - dem[t]
            poh = avail + q - dem[t]
            prod_days[t] = q
            proj_days[t] = poh
        prod = prod_days[lo:hi].sum(axis=0) if hi > lo else np.zeros(n)
        if family_target is not None:  # family plan seam (issue 16): its volume is the
            sug = np.where(np.isfinite(family_target[:, p]), family_target[:, p], sug)
        suggested[:, p] = sug
        production[:, p] = prod
        if in_frozen:
            assert prev is not None
            for i in np.flatnonzero(short > _TOL):
                changes.append((items[i], periods[p], p, "order_change", fq[i], sug[i],
                                kept[i]))
            for i in np.flatnonzero((short <= _TOL) & (np.abs(fq - sug) > _TOL)):
                changes.append((items[i], periods[p], p, "frozen_kept", fq[i], sug[i],
                                kept[i]))
            if firm is not None:
                has = np.isfinite(firm[:, p])
                for i in np.flatnonzero(has & (np.abs(firm[:, p] - kept) > _TOL)):
                    changes.append((items[i], periods[p], p, "firm_in_frozen",
                                    np.nan_to_num(prev[i]), sug[i], firm[i, p]))
        if prev is not None and frozen <= p < fence:
            moved = np.isfinite(prev) & (np.abs(prod - np.nan_to_num(prev)) > _TOL)
            for i in np.flatnonzero(moved):
                changes.append((items[i], periods[p], p, "fence_change", prev[i], sug[i],
                                prod[i]))
        states[fixed & (prod < sug - _TOL), p] = "cell_less"
        states[fixed & (prod > sug + _TOL), p] = "cell_more"
        states[fixed & (np.abs(prod - sug) <= _TOL), p] = "cell_firmed"
        balance = balance + receipts_b[:, p] + prod - orders_b[:, p]
    demand_b = days.by_bucket(demand)
    receipts_rows = receipts_b
    bal = on_hand[:, None] + np.cumsum(receipts_rows + production - orders_b, axis=1)
    workdays = days.calendar.bucket_working_days(days.buckets)
    # the stock at each bucket's end, summed from the rows as the sheet's formula does
    projected = on_hand[:, None] + np.cumsum(receipts_rows + production - demand_b, axis=1)
    target = floor[:, np.clip(days.last_day, 0, max(n_days - 1, 0))] if n_days else \
        np.zeros((n, h))
    rows = {
        "forecast": days.by_bucket(forecast), "orders": orders_b, "demand": demand_b,
        "receipts": receipts_rows, "suggested": suggested, "production": production,
        "projected": projected, "balance": bal,
        "atp": available_to_promise(on_hand, receipts_rows + production, orders_b),
        "dos": days_of_supply(projected, demand_b, workdays), "target_stock": target,
    }
    frame = pd.DataFrame(changes, columns=CHANGE_COLUMNS)
    daily = {"demand": demand, "production": prod_days.T.copy(),
             "projected": proj_days.T.copy(), "receipts": np.asarray(receipts, float)}
    return MPSResult(items, periods, rows, on_hand.astype(float), states, frame, days, daily)


def available_to_promise(on_hand: np.ndarray, supply: np.ndarray,
                         orders: np.ndarray) -> np.ndarray:
    """Discrete ATP (APICS) with look-ahead: in the first bucket and each bucket with
    supply, that supply (plus on hand in the first) less the customer orders until the
    next supply, a shortfall taken from the ATP before it (NaN where no supply).

    Computed in closed form, as the MPS sheet's formula does: with the cumulative orders
    balance B (on hand + supply − orders to date), ATP at a supply bucket p is
    min(B[p:]) − B[p−1], floored at 0 except in the first bucket."""
    bal = np.asarray(on_hand, dtype=float)[:, None] + np.cumsum(supply - orders, axis=1)
    suffix_min = np.minimum.accumulate(bal[:, ::-1], axis=1)[:, ::-1]
    before = np.concatenate([np.zeros((len(bal), 1)), bal[:, :-1]], axis=1)
    atp = np.maximum(suffix_min - before, 0.0)
    atp[:, 0] = suffix_min[:, 0]
    atp[:, 1:][~(supply[:, 1:] > _TOL)] = np.nan
    return atp


def available_to_promise_stepwise(on_hand: np.ndarray, supply: np.ndarray,
                                  orders: np.ndarray) -> np.ndarray:
    """The same discrete ATP worked the textbook way, supply bucket by supply bucket,
    borrowing a shortfall from the bucket before (the reference for the closed form)."""
    n, h = supply.shape
    atp = np.full((n, h), np.nan)
    for i in range(n):
        points = [0] + [p for p in range(1, h) if supply[i, p] > _TOL]
        values = []
        for k, p in enumerate(points):
            nxt = points[k + 1] if k + 1 < len(points) else h
            first = on_hand[i] if p == 0 else 0.0
            values.append(first + supply[i, p] - orders[i, p:nxt].sum())
        for k in range(len(values) - 1, 0, -1):
            if values[k] < 0:
                values[k - 1] += values[k]
                values[k] = 0.0
        for p, v in zip(points, values, strict=True):
            atp[i, p] = v
    return atp


def days_of_supply(projected: np.ndarray, demand: np.ndarray,
                   workdays: np.ndarray) -> np.ndarray:
    """Stock at the end of each bucket ÷ average demand per working day of the next three
    buckets (days); NaN where no demand follows. Mirrors the sheet's formula."""
    n, h = projected.shape
    out = np.full((n, h), np.nan)
    for p in range(h):
        lo, hi = p + 1, min(p + 3, h - 1)
        if lo > hi:
            continue
        dem = demand[:, lo:hi + 1].sum(axis=1)
        days = workdays[lo:hi + 1].sum()
        ok = dem > 0
        if days <= 0:
            continue
        out[ok, p] = np.maximum(projected[ok, p], 0) / (dem[ok] / days)
    return out
