"""Lot sizing: how much to order once a net requirement appears (pieces).

Rules (Items sheet): lot-for-lot (the net requirement of the day), fixed lot (whole
multiples of the lot), minimum + multiple, periods of supply (POQ: one order covers
every net requirement from its due date to the end of the k-th bucket, so no second
order is needed inside that window; the window counts buckets, so it is the one rule
that changes with months or weeks); every rule is then raised to the minimum lot and
rounded up to the lot multiple — SAP's lot-size procedure with its minimum lot and
rounding value (APICS Dictionary: "lot-for-lot", "fixed order quantity", "period order
quantity"). ``size`` is vectorised over items for one day; ``size_one`` is the same
arithmetic on plain floats, for the item-by-item reference MRP and the SOP.LOTSIZE
worksheet function.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

L4L, FIXED, MINMULT, POQ = 0, 1, 2, 3
CODES = {"L4L": L4L, "FIXED": FIXED, "MINMULT": MINMULT, "POQ": POQ}
_EPS = 1e-6  # pieces: far above float noise, far below any real quantity


COUNT_UNITS = frozenset({"", "pcs", "pc", "piece", "pieces", "ea", "each", "set", "sets",
                         "unit", "units", "件", "个", "套", "台", "只", "支", "把"})


@dataclass(frozen=True)
class LotRules:
    """Per-item lot-size parameters, aligned with an item index."""

    rule: np.ndarray       # int codes (L4L, FIXED, MINMULT, POQ)
    fixed: np.ndarray      # pieces
    minimum: np.ndarray    # pieces
    multiple: np.ndarray   # pieces
    poq: np.ndarray        # buckets covered by one order (1 unless POQ)
    #: counted in pieces (True) or measured in kg, m, … (False); None: all counted
    counted: np.ndarray | None = field(default=None)

    @classmethod
    def from_items(cls, items: pd.DataFrame, index: pd.Index) -> LotRules:
        it = items.set_index(items["item"].astype(str).to_numpy(dtype=object))
        if not it.index.equals(index):
            it = it.reindex(index)
        raw = it["lot_rule"].to_numpy(dtype=object)
        rule = np.full(len(raw), L4L, dtype=np.int8)
        for code, value in CODES.items():
            rule[raw == code] = value
        poq = it["poq_periods"].fillna(1).clip(lower=1).to_numpy(dtype=np.int64)
        multiple = it["lot_multiple"].fillna(0).to_numpy(dtype=float)
        # items counted in pieces are ordered in whole pieces (SAP's rounding value of 1);
        # kilograms and metres keep their fractions
        if "uom" in it:
            uom = it["uom"]
            text = uom.astype(str).str.strip().str.lower()
            counted = (uom.isna() | text.isin(COUNT_UNITS)).to_numpy(dtype=bool)
        else:
            counted = np.ones(len(it), dtype=bool)
        multiple = np.where(counted & (multiple <= 0), 1.0, multiple)
        return cls(rule,
                   it["fixed_lot"].fillna(0).to_numpy(dtype=float),
                   it["min_lot"].fillna(0).to_numpy(dtype=float),
                   multiple,
                   np.where(rule == POQ, poq, 1), counted)

    @classmethod
    def lot_for_lot(cls, n: int) -> LotRules:
        z = np.zeros(n)
        return cls(np.zeros(n, dtype=np.int8), z, z, z, np.ones(n, dtype=np.int64))

    def subset(self, sel: np.ndarray | slice) -> LotRules:
        return LotRules(self.rule[sel], self.fixed[sel], self.minimum[sel], self.multiple[sel],
                        self.poq[sel], None if self.counted is None else self.counted[sel])

    def whole(self) -> np.ndarray:
        """Items counted in pieces (ordered and started in whole pieces)."""
        return np.ones(len(self.rule), bool) if self.counted is None else self.counted

    def cumulative_lot(self) -> np.ndarray:
        """For each item whose orders are each a whole number of one lot, that lot (0: any
        quantity), else NaN: lot-for-lot, fixed lots, and minimum + multiple where the
        minimum is at most the multiple (any order of whole multiples meets it). Their
        cumulative orders are the running maximum of the cumulative net requirement rounded
        up to the lot, so they need no day-by-day loop (``sop_xl.plan.netting``)."""
        mult = self.multiple
        fixed = (self.rule == FIXED) & (self.fixed > 0)
        lot = np.where(fixed, self.fixed, np.maximum(mult, 0.0))
        # a fixed lot is then rounded to the multiple: whole only if the lot is a multiple
        ratio = np.divide(self.fixed, mult, out=np.zeros_like(mult), where=mult > 0)
        fits = ~fixed | (mult <= 0) | (np.abs(ratio - np.round(ratio)) < 1e-9)
        # a minimum no larger than the lot never binds: every order is at least one lot
        minimum_met = (self.minimum <= 0) | ((lot > 0) & (self.minimum <= lot))
        ok = minimum_met & (self.rule != POQ) & fits
        return np.where(ok, lot, np.nan)


def started_quantity(good: np.ndarray, yields: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """Pieces to start for ``good`` pieces out; ``yields`` are started pieces per good one
    (1 / (1 − scrap)). Whole pieces, rounded up, for counted items; kg and m keep their
    fractions."""
    started = np.asarray(good, dtype=float) * yields
    return np.where(whole, np.ceil(started - _EPS), started)


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
        self._groups: list[list[tuple[slice | np.ndarray, np.ndarray | None]]] = []
        for idx, lot in ((np.flatnonzero((rules.rule == FIXED) & (rules.fixed > 0)),
                          rules.fixed), (np.flatnonzero(rules.multiple > 0), rules.multiple)):
            runs = _runs(idx)
            if isinstance(runs, np.ndarray):
                self._groups.append([(runs, lot[runs])])
            else:
                # a run of lot 1 (pieces without a multiple) only needs rounding up
                self._groups.append([(r, None if (lot[r] == 1.0).all() else lot[r])
                                     for r in runs])
        runs = _runs(self.poq)
        self._poq = runs if isinstance(runs, np.ndarray) or len(runs) != 1 else runs[0]

    def __call__(self, net: np.ndarray, window_need: np.ndarray | None,
                 out: np.ndarray | None = None) -> np.ndarray:
        """``window_need`` holds the POQ items' values only (in ``self.poq`` order)."""
        minimum = self.minimum
        fused = minimum is not None and not self._groups[0]
        q = np.empty_like(net) if out is None else out
        if minimum is not None and fused:   # no fixed lot between: max(net, window,
            np.maximum(net, minimum, out=q)    # minimum) in any order is exact
        else:
            np.copyto(q, net)
        if len(self.poq) and window_need is not None:
            if isinstance(self._poq, slice):
                view = q[self._poq]
                np.maximum(view, window_need, out=view)
            else:
                q[self.poq] = np.maximum(q[self.poq], window_need)
        for k, group in enumerate(self._groups):
            if k == 1 and self.minimum is not None and not fused:
                np.maximum(q, self.minimum, out=q)
            for where, lot in group:
                if isinstance(where, slice):
                    v = q[where]
                    if lot is not None:
                        v /= lot
                    v -= _EPS
                    np.ceil(v, out=v)
                    if lot is not None:
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
