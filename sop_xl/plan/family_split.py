"""Splitting an approved family production volume to its items (分解到物料), in whole
pieces, by each item's lot rule, summing back exactly.

SAP PP-SOP hands a product group's plan to its materials by proportional factors; the
factors here are the items' planned demand shares of the bucket (the default), their
history shares over the share window, or factors typed on FamilyShares
(``sop_xl.plan.hierarchy``). The MPS then takes the split as the items' production, so each
item's quantity must be one it can be made in: 0, or at least its smallest lot and a whole
number of its lot step (Items: minimum lot, lot multiple, fixed lot; periods of supply is
timing, not size, and is left to the MPS).

The rounding is the largest-remainder (Hamilton) idea in lot steps:

1. an item whose share falls short of its smallest lot is left out, the smallest share
   against its lot first, and the others' shares renormalised, until every item left can
   make a lot (its smallest lot is max(minimum lot, step) rounded up to the step);
2. each item takes the nearest whole number of lot steps to its quota (at least its
   smallest lot);
3. the difference from the total is closed one lot at a time — an item moves along its
   own lots: 0, its smallest lot, then lot steps — each move made where it adds least to
   Σ (quantity − quota)² ÷ quota (so the misses stay in proportion to the shares), only
   moves that fit in what is left (an item left out in 1 may come back with its smallest
   lot when nothing else fits);
4. a remainder no item's step fits (a total off the family's lot grid, e.g. 1,005 pieces
   of items made in tens) goes to the item with the largest share, which is flagged
   "off its lot rule" for the planner — the family total is the decision and is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sop_xl.plan.hierarchy import normalise_factors
from sop_xl.plan.lot_sizing import FIXED, LotRules

_EPS = 1e-9
_MAX_STEPS = 100_000  # lot steps moved to reach the total: far above any real split


def lot_steps(rules: LotRules) -> tuple[np.ndarray, np.ndarray]:
    """Per item: the step its quantities come in (pieces; the fixed lot for a fixed-lot
    item, else the lot multiple, at least 1 piece) and its smallest lot (the minimum lot
    rounded up to the step, at least one step)."""
    step = np.where((rules.rule == FIXED) & (rules.fixed > 0), rules.fixed, rules.multiple)
    both = (rules.rule == FIXED) & (rules.fixed > 0) & (rules.multiple > 0)
    if both.any():  # a fixed lot that must also be a multiple: the common multiple
        step = step.copy()
        step[both] = np.lcm(np.round(rules.fixed[both]).astype(np.int64),
                            np.maximum(1, np.round(rules.multiple[both])).astype(np.int64))
    step = np.maximum(1.0, np.round(np.asarray(step, dtype=float)))
    smallest = np.maximum(step, np.ceil(np.asarray(rules.minimum, float) / step - _EPS) * step)
    return step, smallest


def split_total(total: float, weights: np.ndarray, step: np.ndarray,
                smallest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split one whole ``total`` (pieces ≥ 0) by ``weights`` into lots: (quantities,
    flags of the items whose quantity is off their lot rule). Sums back exactly."""
    w = np.asarray(weights, dtype=float)
    n = w.size
    qty = np.zeros(n)
    off = np.zeros(n, dtype=bool)
    total = float(round(total))
    if total <= 0 or n == 0:
        return qty, off
    w = normalise_factors(np.nan_to_num(w))
    active = w > 0
    while True:  # 1. leave out the items whose share cannot make a lot
        quota = np.where(active, total * w / w[active].sum(), 0.0)
        short = active & (quota < smallest - _EPS)
        if not short.any() or active.sum() == 1:
            break
        ratio = np.where(short, quota / smallest, np.inf)
        active[n - 1 - int(np.argmin(ratio[::-1]))] = False  # ties: the later item goes
    can = active & (quota >= smallest - _EPS)
    # 2. the nearest whole lot step of each quota (a quota that makes a lot rounds to one)
    qty[can] = np.maximum(smallest[can], np.round(quota[can] / step[can]) * step[can])
    scale = np.maximum(quota, 1.0)
    alive = w > 0
    left = total - qty.sum()
    for _ in range(_MAX_STEPS):  # 3. one lot at a time to the exact total
        if abs(left) <= _EPS:
            break
        # an item moves along its own lots: 0, its smallest lot, then lot steps
        if left > 0:
            d = np.where(qty > 0, step, smallest)
            ok = alive & (d <= left + _EPS)
        else:
            d = -np.where(qty - step >= smallest - _EPS, step, qty)
            ok = (qty > 0) & (-d <= -left + _EPS)
            if not ok.any():  # only a lot larger than the excess: take it, add back
                ok = qty > 0
        if not ok.any():
            break
        # the move that adds least to Σ (quantity − quota)² ÷ quota: the misses end up
        # in proportion to the quotas, as the shares are
        cost = ((qty + d - quota) ** 2 - (qty - quota) ** 2) / scale
        cost = np.where(ok, cost, np.inf)
        k = int(np.lexsort((np.arange(n), -w, cost))[0])
        qty[k] += d[k]
        left = total - qty.sum()
    if abs(left) > _EPS:  # 4. off the lot grid: the family total is kept, the item flagged
        k = int(np.argmax(np.where(active, w, -1.0)) if left > 0 else np.argmax(qty))
        qty[k] += left
        off[k] = True
    return qty, off


@dataclass
class Split:
    """Family production split to items (items × buckets, pieces) and the cells whose
    quantity is off the item's lot rule (a total its lots cannot make exactly)."""

    qty: np.ndarray
    off_lot: np.ndarray


def split(production: np.ndarray, item_family: np.ndarray, families: np.ndarray,
          weights: np.ndarray, rules: LotRules) -> Split:
    """Split each family's production (families × buckets, NaN = not decided) to its items
    by ``weights`` (items × buckets; a bucket whose weights add to 0 falls back on the
    item's weights over all buckets, then equal shares). What lots make an item miss its
    share in one bucket is carried to the next (its quota there is its share plus what it
    is owed), so over the plan each item gets its share within a lot. Items of undecided
    cells get NaN."""
    prod = np.atleast_2d(np.asarray(production, dtype=float))
    h = prod.shape[1]
    n = len(item_family)
    w = np.asarray(weights, dtype=float).reshape(n, h)
    qty = np.full((n, h), np.nan)
    off = np.zeros((n, h), dtype=bool)
    step, smallest = lot_steps(rules)
    for k, fam in enumerate(families):
        members = np.flatnonzero(item_family == fam)
        if not len(members):
            continue
        wf = np.nan_to_num(w[members])
        overall = wf.sum(axis=1)
        owed = np.zeros(len(members))  # share due so far − pieces given so far
        for p in range(h):
            t = prod[k, p]
            if not np.isfinite(t):
                continue
            wp = wf[:, p] if wf[:, p].sum() > 0 else overall
            wp = normalise_factors(wp)
            # what each item is due: its share of this bucket plus what the lots of earlier
            # buckets left it owed (or gave it ahead), so that an item too small for its lot
            # in one bucket gets a lot in a later one and the shares hold over the plan
            due = np.maximum(0.0, t * wp + owed)
            q, o = split_total(t, due if due.sum() > 0 else wp, step[members],
                               smallest[members])
            owed = owed + t * wp - q
            qty[members, p] = q
            off[members, p] = o
    return Split(qty, off)
