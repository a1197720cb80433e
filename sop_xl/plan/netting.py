"""Gross to net on working days (净需求计算): which orders are due on which day.

For a set of items whose gross requirements are known (one low-level code of the MRP, or
the MPS's finished goods), day by day (pieces): net requirement = gross + floor (safety
stock, or the MPS's target stock) − (projected on hand + fixed supply: scheduled receipts
and firm orders). A net requirement is covered by an order due that day — the date of the
first shortfall it covers — sized by the item's lot rule (``sop_xl.plan.lot_sizing``);
the order is released its lead time earlier by the caller.

Two ways to the same numbers (Orlicky's procedure, APICS CPIM "MRP"):

- **lot-for-lot and fixed lots without a minimum lot**: each order brings the cumulative
  orders up to the cumulative net requirement rounded up to the lot, so the cumulative
  orders are the running maximum of the cumulative net requirement, rounded up — one pass
  of whole-array numpy, no loop over days;
- **minimum + multiple, periods of supply and any rule with a minimum lot**: a loop over
  the days, numpy over the items in each step.

Periods of supply (POQ, "period order quantity"): the order due on day t covers every net
requirement of its window, day t to the end of the (k−1)-th bucket after t's: it is the
largest cumulative shortfall within the window, so the stock stays at or above the floor
on every day of the window with no second order, scheduled receipts counted on their own
days (a receipt late in the window cannot cover a requirement before it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sop_xl.plan.dates import PlanDays
from sop_xl.plan.lot_sizing import _EPS, LotRules, Sizer


@dataclass
class Netted:
    """Per item and day (items × days, pieces): new orders due (good pieces), projected on
    hand at the end of the day, net requirement of the day."""

    new: np.ndarray
    projected: np.ndarray
    net: np.ndarray


def poq_windows(gross: np.ndarray, fixed: np.ndarray, floor: np.ndarray | float,
                periods: np.ndarray, days: PlanDays) -> np.ndarray:
    """For each item and day t (items × days): Q(t) such that an order of Q(t) − (on hand
    + fixed supply available on t) due on t keeps the stock at or above ``floor`` on every
    day of the POQ window starting on t, with no other order.

    With cumulative gross CG and fixed supply CF (day t included), the stock on day d ≥ t
    is avail(t) + q + CF(d) − CF(t) − CG(d) + CG(t−1), so q ≥ max over the window of
    floor(d) + CG(d) − CF(d), less CG(t−1) − CF(t) + avail(t)."""
    m = gross.shape[0]
    cg = np.cumsum(gross, axis=1)
    cf = np.cumsum(fixed, axis=1)
    a = cg - cf + floor
    # largest a(d) from each day to the end of its bucket, then over whole buckets after;
    # within buckets by doubling: after the pass of step s each day holds the largest of
    # its next 2s days in the bucket (3 passes for weeks, 5 for months, not one a bucket)
    bounds = days.bounds
    h = len(bounds) - 1
    suffix = a
    n_days = a.shape[1]
    if n_days:
        end = days.last_day[days.bucket]
        step = 1
        while step < int(days.workdays.max(initial=0)):
            same = (np.arange(step, n_days) <= end[:-step])[None, :]
            before = suffix.copy()
            np.maximum(before[:, :-step], before[:, step:], out=suffix[:, :-step],
                       where=same)
            step *= 2
    whole = np.full((m, h), -np.inf)
    full = np.flatnonzero(bounds[1:] > bounds[:-1])
    whole[:, full] = suffix[:, bounds[full]]
    best = suffix.copy()
    periods = np.asarray(periods, dtype=np.int64)
    for k in np.unique(periods):
        rows = np.flatnonzero(periods == k)
        ahead = np.full((len(rows), h), -np.inf)
        for j in range(1, min(int(k), h)):
            np.maximum(ahead[:, :h - j], whole[rows, j:], out=ahead[:, :h - j])
        if k > 1:
            best[rows] = np.maximum(best[rows], ahead[:, days.bucket])
    return best - (cg - gross) + cf


def net(gross: np.ndarray, fixed: np.ndarray, on_hand: np.ndarray,
        floor: np.ndarray, rules: LotRules, days: PlanDays,
        out: Netted | None = None) -> Netted:
    """Net and size the orders of items (rows) over the plan's days.

    ``gross`` and ``fixed`` (items × days) pieces; ``on_hand`` (items); ``floor`` the
    stock to keep, (items) or (items × days). ``out``: arrays to write into (views of
    the caller's, so nothing is copied twice)."""
    m, n_days = gross.shape
    floor = np.broadcast_to(np.asarray(floor, dtype=float).reshape(m, -1), (m, n_days))
    if out is None:
        out = Netted(np.empty((m, n_days)), np.empty((m, n_days)), np.empty((m, n_days)))
    lot = rules.cumulative_lot()
    closed = np.flatnonzero(np.isfinite(lot))
    loop = np.flatnonzero(~np.isfinite(lot))
    if len(closed):
        sel = _run(closed)
        _cumulative(gross[sel], fixed[sel], on_hand[sel], floor[sel], lot[sel], out, sel)
    if len(loop):
        sel = _run(loop)
        _day_by_day(gross[sel], fixed[sel], on_hand[sel], floor[sel], rules.subset(sel),
                    days, out, sel)
    return out


def _run(idx: np.ndarray) -> slice | np.ndarray:
    """Sorted positions as a slice when they are contiguous (views instead of copies)."""
    if idx[-1] - idx[0] + 1 == len(idx):
        return slice(int(idx[0]), int(idx[-1]) + 1)
    return idx


def _cumulative(g: np.ndarray, fx: np.ndarray, oh: np.ndarray, floor: np.ndarray,
                lot: np.ndarray, out: Netted, sel: slice | np.ndarray) -> None:
    """Lot-for-lot and fixed lots: cumulative orders = the running maximum of the
    cumulative net requirement, rounded up to the lot. In place where it can be: these
    items are most of a plant and each pass is a pass over all their days."""
    view = isinstance(sel, slice)
    cg = np.cumsum(g, axis=1)
    need = cg - oh[:, None]                    # cumulative net requirement up to each day
    need += floor
    cf = None
    supplied = fx.any(axis=1)                  # receipts or firm orders
    if supplied.any():
        rows = np.flatnonzero(supplied)
        if 3 * len(rows) > fx.shape[0]:   # many items: one pass, no gather and scatter
            cf = np.cumsum(fx, axis=1)
        else:
            cf = np.zeros_like(need)
            cf[rows] = np.cumsum(fx[rows], axis=1)
        need -= cf
    # the running maximum is made where the projection goes: it becomes the projection
    run = out.projected[sel] if view else np.empty_like(need)
    np.maximum.accumulate(need, axis=1, out=run)
    np.maximum(run, 0.0, out=run)
    _round_up(run, lot)
    new = out.new[sel] if view else np.empty_like(run)
    new[:, 0] = run[:, 0]
    np.subtract(run[:, 1:], run[:, :-1], out=new[:, 1:])
    done = run                                  # the orders add up to the running maximum
    # float noise, not an order (0 < new ≤ ε): only where there is no lot, as steps between
    # whole lots are 0 or a lot
    loose = np.flatnonzero(lot <= 1e-5)
    if len(loose):
        part = new[loose]
        noise = part <= _EPS
        noise &= part != 0.0
        hit = noise.any(axis=1)
        if hit.any():
            part[noise] = 0.0
            rows = loose[hit]
            new[rows] = part[hit]
            done[rows] = np.cumsum(part[hit], axis=1)
    # net requirement of the day: the cumulative need less what earlier orders brought
    need -= done
    need += new
    net = out.net[sel] if view else need
    np.maximum(need, 0.0, out=net)
    projected = done
    np.subtract(done, cg, out=projected)
    projected += oh[:, None]
    if cf is not None:
        projected += cf
    if not view:
        out.new[sel], out.net[sel], out.projected[sel] = new, net, projected


def _round_up(run: np.ndarray, lot: np.ndarray) -> None:
    """Rows of ``run`` rounded up to whole lots (``lot`` > 0), in place: ⌈x / lot − ε⌉ ×
    lot, a lot size at a time, on views where its rows are contiguous (most items are
    counted in whole pieces, lot 1, and sorted together)."""
    for step in np.unique(lot[lot > 0]):
        rows = np.flatnonzero(lot == step)
        cuts = np.flatnonzero(np.diff(rows) != 1) + 1
        if len(cuts) > 8:   # scattered: one gather and one scatter
            run[rows] = np.ceil(run[rows] / step - _EPS) * step
            continue
        for part in np.split(rows, cuts):
            v = run[int(part[0]):int(part[-1]) + 1]
            if step != 1.0:   # x / 1 and x × 1 are x: skip them
                v /= step
            v -= _EPS
            np.ceil(v, out=v)
            if step != 1.0:
                v *= step


def _day_by_day(g: np.ndarray, fx: np.ndarray, oh: np.ndarray, floor: np.ndarray,
                rules: LotRules, days: PlanDays, out: Netted, sel: slice | np.ndarray) -> None:
    """Minimum lots, multiples and POQ: day by day, all items at once. Arrays are turned
    to (days × items) so each day is one contiguous row."""
    m, n_days = g.shape
    sizer = Sizer(rules)
    poq = sizer.poq
    static = np.empty((0, 0))   # POQ items' window needs (days × POQ items), when any
    window = None
    if len(poq):
        static = poq_windows(g[poq], fx[poq], floor[poq], rules.poq[poq], days).T.copy()
        window = np.empty(len(poq))
    gt = g.T.copy()
    fxt = fx.T.copy()
    need = gt + floor.T
    q_out = np.empty((n_days, m))
    p_out = np.empty((n_days, m))
    n_out = np.empty((n_days, m))
    avail = np.empty(m)
    poh = oh.astype(float).copy()
    for t in range(n_days):
        np.add(poh, fxt[t], out=avail)
        net_t = np.subtract(need[t], avail, out=n_out[t])
        if window is not None:
            np.subtract(static[t], avail[poq], out=window)
        q = sizer(net_t, window, out=q_out[t])
        poh = np.add(avail, q, out=p_out[t])
        poh -= gt[t]
    out.new[sel] = q_out.T
    out.projected[sel] = p_out.T
    np.maximum(n_out, 0.0, out=n_out)
    out.net[sel] = n_out.T


def poq_window_one(g: list[float], fx: list[float], floor: list[float], t: int, end: int,
                   avail: float) -> float:
    """``poq_windows`` for one item and day, as the textbook states it: walk the window and
    keep the largest shortfall below the floor (the item-by-item reference)."""
    stock = avail
    need = 0.0
    for d in range(t, end + 1):
        if d > t:
            stock += fx[d]
        stock -= g[d]
        need = max(need, floor[d] - stock)
    return need


def window_end(days: PlanDays, periods: int, t: int) -> int:
    """Last day of the POQ window of ``periods`` buckets that starts on day ``t``."""
    b = min(int(days.bucket[t]) + periods, len(days.bounds) - 1)
    return int(days.bounds[b]) - 1

