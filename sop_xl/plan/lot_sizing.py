"""Lot sizing: how much to order once a net requirement appears (pieces).

Rules (Items sheet): lot-for-lot, fixed lot (whole multiples of the lot), minimum +
multiple, periods of supply (POQ: cover the next k buckets at once); every rule is then
raised to the minimum lot and rounded up to the lot multiple — SAP's lot-size procedure
with its minimum lot and rounding value (APICS Dictionary: "lot-for-lot", "fixed order
quantity", "period order quantity"). ``size`` is vectorised over items for one bucket;
``size_one`` is the same arithmetic on plain floats, for the item-by-item reference MRP
and the SOP.LOTSIZE worksheet function.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

L4L, FIXED, MINMULT, POQ = 0, 1, 2, 3
CODES = {"L4L": L4L, "FIXED": FIXED, "MINMULT": MINMULT, "POQ": POQ}
_EPS = 1e-6  # pieces: far above float noise, far below any real quantity


COUNT_UNITS = frozenset({"", "pcs", "pc", "piece", "pieces", "ea", "each", "set", "sets",
                         "unit", "units", "件", "个", "套", "台", "只", "支", "把"})


def _counted(uom: object) -> bool:
    """Is this unit of measure a count (whole pieces), not a weight or a length?"""
    return not isinstance(uom, str) or uom.strip().lower() in COUNT_UNITS


@dataclass(frozen=True)
class LotRules:
    """Per-item lot-size parameters, aligned with an item index."""

    rule: np.ndarray       # int codes (L4L, FIXED, MINMULT, POQ)
    fixed: np.ndarray      # pieces
    minimum: np.ndarray    # pieces
    multiple: np.ndarray   # pieces
    poq: np.ndarray        # buckets covered by one order (1 unless POQ)

    @classmethod
    def from_items(cls, items: pd.DataFrame, index: pd.Index) -> LotRules:
        it = items.set_index(items["item"].astype(str).to_numpy(dtype=object))
        if not it.index.equals(index):
            it = it.reindex(index)
        rule = it["lot_rule"].map(CODES).fillna(L4L).to_numpy(dtype=np.int8)
        poq = it["poq_periods"].fillna(1).clip(lower=1).to_numpy(dtype=np.int64)
        multiple = it["lot_multiple"].fillna(0).to_numpy(dtype=float)
        # items counted in pieces are ordered in whole pieces (SAP's rounding value of 1);
        # kilograms and metres keep their fractions
        counted = it["uom"].map(_counted).fillna(True).to_numpy(dtype=bool) \
            if "uom" in it else np.ones(len(it), dtype=bool)
        multiple = np.where(counted & (multiple <= 0), 1.0, multiple)
        return cls(rule,
                   it["fixed_lot"].fillna(0).to_numpy(dtype=float),
                   it["min_lot"].fillna(0).to_numpy(dtype=float),
                   multiple,
                   np.where(rule == POQ, poq, 1))

    @classmethod
    def lot_for_lot(cls, n: int) -> LotRules:
        z = np.zeros(n)
        return cls(np.zeros(n, dtype=np.int8), z, z, z, np.ones(n, dtype=np.int64))

    def subset(self, sel: np.ndarray) -> LotRules:
        return LotRules(self.rule[sel], self.fixed[sel], self.minimum[sel], self.multiple[sel],
                        self.poq[sel])


def size(net: np.ndarray, window_need: np.ndarray, rules: LotRules) -> np.ndarray:
    """Order quantities for net requirements ``net`` (pieces; ≤ 0 means none needed).

    ``window_need`` is, for POQ items, what covers the next ``poq`` buckets: their net
    requirements plus safety stock; ignored for the other rules."""
    need = net > _EPS
    q = np.where(rules.rule == POQ, np.maximum(net, window_need), net)
    fixed = (rules.rule == FIXED) & (rules.fixed > 0)
    q = np.where(fixed, np.ceil(q / np.where(fixed, rules.fixed, 1) - _EPS) * rules.fixed, q)
    q = np.maximum(q, rules.minimum)
    mult = rules.multiple > 0
    q = np.where(mult, np.ceil(q / np.where(mult, rules.multiple, 1) - _EPS) * rules.multiple, q)
    return np.where(need, q, 0.0)


def _runs(idx: np.ndarray) -> list[slice] | np.ndarray:
    """Contiguous runs of sorted positions as slices (views, cheap in a loop), or the
    positions themselves when they are scattered."""
    if len(idx) == 0:
        return []
    cuts = np.flatnonzero(np.diff(idx) != 1) + 1
    if len(cuts) > 3:
        return idx
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [len(idx)]])
    return [slice(int(idx[a]), int(idx[b - 1]) + 1) for a, b in zip(starts, ends, strict=True)]


class Sizer:
    """``size`` for one fixed set of items, called once per bucket: the rule masks and
    divisors are worked out once, and each call only touches the items a rule applies to
    (the MRP's inner loop). Items sorted by rule and multiple make those sets contiguous
    slices, worked in place."""

    def __init__(self, rules: LotRules) -> None:
        self.poq = np.flatnonzero(rules.rule == POQ)
        self.minimum = rules.minimum if (rules.minimum > 0).any() else None
        self._groups = []
        for idx, lot in ((np.flatnonzero((rules.rule == FIXED) & (rules.fixed > 0)),
                          rules.fixed), (np.flatnonzero(rules.multiple > 0), rules.multiple)):
            runs = _runs(idx)
            if isinstance(runs, np.ndarray):
                self._groups.append([(runs, lot[runs])])
            else:
                self._groups.append([(r, lot[r]) for r in runs])
        runs = _runs(self.poq)
        self._poq = runs if isinstance(runs, np.ndarray) or len(runs) != 1 else runs[0]

    def __call__(self, net: np.ndarray, window_need: np.ndarray | None,
                 out: np.ndarray | None = None) -> np.ndarray:
        """``window_need`` holds the POQ items' values only (in ``self.poq`` order)."""
        if out is None:
            q = net.copy()
        else:
            q = out
            np.copyto(q, net)
        if len(self.poq) and window_need is not None:
            if isinstance(self._poq, slice):
                view = q[self._poq]
                np.maximum(view, window_need, out=view)
            else:
                q[self.poq] = np.maximum(net[self.poq], window_need)
        for k, group in enumerate(self._groups):
            if k == 1 and self.minimum is not None:
                np.maximum(q, self.minimum, out=q)
            for where, lot in group:
                if isinstance(where, slice):
                    v = q[where]
                    v /= lot
                    v -= _EPS
                    np.ceil(v, out=v)
                    v *= lot
                else:
                    q[where] = np.ceil(q[where] / lot - _EPS) * lot
        q *= net > _EPS
        return q


def size_one(net: float, window_need: float, rule: int, fixed: float, minimum: float,
             multiple: float) -> float:
    """``size`` for one item and bucket, on plain floats (same arithmetic, same order)."""
    if not net > _EPS:
        return 0.0
    q = max(net, window_need) if rule == POQ else net
    if rule == FIXED and fixed > 0:
        q = math.ceil(q / fixed - _EPS) * fixed
    q = max(q, minimum)
    if multiple > 0:
        q = math.ceil(q / multiple - _EPS) * multiple
    return float(q)


def single(qty: float, rule: str = "L4L", *, fixed: float = 0, minimum: float = 0,
           multiple: float = 0, window_need: float | None = None) -> float:
    """One lot for one net requirement (the SOP.LOTSIZE worksheet function)."""
    return size_one(qty, qty if window_need is None else window_need, CODES[rule], fixed,
                    minimum, multiple)
