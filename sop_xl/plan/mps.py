"""The master production schedule (主生产计划) for finished goods.

Per item and bucket (pieces): demand = forecast + customer orders; the suggested
production covers demand and a target stock by the item's lot rule. The target stock is the
larger of the safety stock and the target days of supply (Items.target_dos) times the
average demand per working day of the next three buckets — SAP PP-SOP's "target days'
supply" macro, and the same average the days-of-supply row uses.

Time fences (APICS, "time fence"; Settings): inside the frozen fence (锁定期) production
keeps the previous version's quantities and moves only when customer orders no longer fit
(an order change); between the frozen fence and the planning time fence (计划时界) the
suggestion is planned but a change against the previous version is reported for approval;
beyond it the plan is free. A cell the planner changed on the MPS sheet is firm anywhere.

Projected on hand, discrete available-to-promise (APICS) and days of supply follow; the
sheet computes the same three as live formulas (sop_xl.contract.outputs), so the Python
values here are written as their cached values and must match them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sop_xl.plan.lot_sizing import LotRules, Sizer

_TOL = 1e-6
CHANGE_COLUMNS = ["item", "period", "bucket", "kind", "previous", "suggested", "production"]


@dataclass
class MPSResult:
    """Rows of the MPS grid, each (items × buckets), plus cell states for colouring."""

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

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


def target_stock(demand: np.ndarray, workdays: np.ndarray, safety_stock: np.ndarray,
                 target_dos: np.ndarray | None) -> np.ndarray:
    """Stock wanted at the end of each bucket (pieces): max(safety stock, target days ×
    demand per working day of the next three buckets)."""
    n, h = demand.shape
    per_day = np.zeros((n, h))
    for p in range(h - 1):
        lo, hi = p + 1, min(p + 3, h - 1)
        days = workdays[lo:hi + 1].sum()
        if days > 0:
            per_day[:, p] = demand[:, lo:hi + 1].sum(axis=1) / days
    ss = np.broadcast_to(np.asarray(safety_stock, dtype=float)[:, None], (n, h))
    if target_dos is None:
        return np.array(ss)
    return np.maximum(ss, np.asarray(target_dos, dtype=float)[:, None] * per_day)


def plan(forecast: np.ndarray, orders: np.ndarray, on_hand: np.ndarray,
         receipts: np.ndarray, safety_stock: np.ndarray, rules: LotRules,
         workdays: np.ndarray, *, items: pd.Index, periods: list[str],
         frozen: int = 0, frozen_qty: np.ndarray | None = None,
         firm: np.ndarray | None = None, fence: int = 0,
         target_dos: np.ndarray | None = None,
         family_target: np.ndarray | None = None) -> MPSResult:
    """Plan production for each item (row) and bucket (column), pieces.

    ``frozen_qty``: the previous version's production (items × buckets, NaN = none) for at
    least the first ``max(frozen, fence)`` buckets; None when there is no previous version
    (nothing is frozen yet). ``firm``: quantities a planner fixed on the MPS sheet (NaN = not
    fixed). ``fence``: the planning time fence, in buckets from the start.
    ``family_target``: the approved family production split to the items
    (sop_xl.plan.family_split; NaN = none): where given it is the suggestion, so the frozen
    fence and firm cells still win.
    """
    n, h = forecast.shape
    demand = forecast + orders
    target = target_stock(demand, workdays, safety_stock, target_dos)
    sizer = Sizer(rules)
    cum = np.concatenate([np.zeros((n, 1)), np.cumsum(demand, axis=1)], axis=1)
    cum_r = np.concatenate([np.zeros((n, 1)), np.cumsum(receipts, axis=1)], axis=1)
    production = np.zeros((n, h))
    suggested = np.zeros((n, h))
    projected = np.zeros((n, h))
    states = np.full((n, h), None, dtype=object)
    poh = on_hand.astype(float).copy()
    balance = on_hand.astype(float).copy()   # on hand + supply − customer orders, cumulated
    poq = sizer.poq
    changes: list[tuple] = []
    for p in range(h):
        avail = poh + receipts[:, p]
        net = demand[:, p] + target[:, p] - avail
        window = None
        if len(poq):
            end = np.minimum(p + rules.poq[poq], h)
            window = (cum[poq, end] - cum[poq, p]) - (cum_r[poq, end] - cum_r[poq, p + 1]) \
                + target[poq, np.maximum(end - 1, p)] - avail[poq]
        sug = sizer(net, window)
        # -- family plan seam (issue 16): the approved family volume, split to the items
        # by their lot rules, replaces the item-level suggestion where one is given
        if family_target is not None:
            sug = np.where(np.isfinite(family_target[:, p]), family_target[:, p], sug)
        # -- end of the family plan seam
        suggested[:, p] = sug
        prod = sug.copy()
        fixed = np.zeros(n, dtype=bool)
        prev = None if frozen_qty is None else frozen_qty[:, p]
        if prev is not None and p < frozen:
            fq = np.nan_to_num(prev, nan=0.0)
            # an order change: customer orders alone no longer fit the frozen quantity
            short = np.maximum(0.0, orders[:, p] - (balance + receipts[:, p] + fq))
            prod = fq + short
            fixed[:] = True
            for i in np.flatnonzero(short > _TOL):
                changes.append((items[i], periods[p], p, "order_change", fq[i], sug[i],
                                prod[i]))
            for i in np.flatnonzero((short <= _TOL) & (np.abs(fq - sug) > _TOL)):
                changes.append((items[i], periods[p], p, "frozen_kept", fq[i], sug[i],
                                prod[i]))
        if firm is not None:
            f = firm[:, p]
            has = np.isfinite(f)
            if p < frozen and prev is not None:
                for i in np.flatnonzero(has & (np.abs(f - prod) > _TOL)):
                    changes.append((items[i], periods[p], p, "firm_in_frozen",
                                    np.nan_to_num(prev[i]), sug[i], f[i]))
            prod = np.where(has, f, prod)
            fixed |= has
        if prev is not None and frozen <= p < fence:
            moved = np.isfinite(prev) & (np.abs(prod - np.nan_to_num(prev)) > _TOL)
            for i in np.flatnonzero(moved):
                changes.append((items[i], periods[p], p, "fence_change", prev[i], sug[i],
                                prod[i]))
        production[:, p] = prod
        states[fixed & (prod < sug - _TOL), p] = "cell_less"
        states[fixed & (prod > sug + _TOL), p] = "cell_more"
        states[fixed & (np.abs(prod - sug) <= _TOL), p] = "cell_firmed"
        poh = avail + prod - demand[:, p]
        projected[:, p] = poh
        balance = balance + receipts[:, p] + prod - orders[:, p]
    bal = on_hand[:, None] + np.cumsum(receipts + production - orders, axis=1)
    rows = {
        "forecast": forecast, "orders": orders, "demand": demand, "receipts": receipts,
        "suggested": suggested, "production": production, "projected": projected,
        "balance": bal, "atp": available_to_promise(on_hand, receipts + production, orders),
        "dos": days_of_supply(projected, demand, workdays),
        "target_stock": target,
    }
    frame = pd.DataFrame(changes, columns=CHANGE_COLUMNS)
    return MPSResult(items, periods, rows, on_hand.astype(float), states, frame)


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
