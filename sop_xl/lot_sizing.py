"""Lot sizing: how much to order once a net requirement appears (pieces).

Rules (Items sheet): lot-for-lot, fixed lot (whole multiples of the lot), periods of supply
(POQ: cover the next k buckets at once), each then raised to the minimum lot and rounded up
to the lot multiple — SAP's lot-size procedure plus its minimum lot and rounding value.
Vectorised over items for one bucket at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

L4L, FIXED, MINMULT, POQ = 0, 1, 2, 3
_CODES = {"L4L": L4L, "FIXED": FIXED, "MINMULT": MINMULT, "POQ": POQ}
_EPS = 1e-9


@dataclass(frozen=True)
class LotRules:
    """Per-item lot-size parameters, aligned with an item index."""

    rule: np.ndarray       # int codes
    fixed: np.ndarray      # pieces
    minimum: np.ndarray    # pieces
    multiple: np.ndarray   # pieces
    poq: np.ndarray        # buckets covered by a POQ order

    @classmethod
    def from_items(cls, items: pd.DataFrame, index: pd.Index) -> LotRules:
        it = items.set_index("item").reindex(index)
        rule = it["lot_rule"].map(_CODES).fillna(L4L).to_numpy(dtype=np.int8)
        return cls(rule,
                   it["fixed_lot"].fillna(0).to_numpy(dtype=float),
                   it["min_lot"].fillna(0).to_numpy(dtype=float),
                   it["lot_multiple"].fillna(0).to_numpy(dtype=float),
                   it["poq_periods"].fillna(1).clip(lower=1).to_numpy(dtype=np.int64))

    @classmethod
    def lot_for_lot(cls, n: int) -> LotRules:
        z = np.zeros(n)
        return cls(np.zeros(n, dtype=np.int8), z, z, z, np.ones(n, dtype=np.int64))

    def subset(self, sel: np.ndarray) -> LotRules:
        return LotRules(self.rule[sel], self.fixed[sel], self.minimum[sel], self.multiple[sel],
                        self.poq[sel])


def size(net: np.ndarray, window_need: np.ndarray, rules: LotRules) -> np.ndarray:
    """Order quantities for net requirements ``net`` (pieces; ≤ 0 means none needed).

    ``window_need`` is, for POQ items, what covers the next ``poq`` buckets: their demand
    plus safety stock minus what is available."""
    need = net > _EPS
    q = np.where(rules.rule == POQ, np.maximum(net, window_need), net)
    fixed = (rules.rule == FIXED) & (rules.fixed > 0)
    q = np.where(fixed, np.ceil(q / np.where(fixed, rules.fixed, 1) - _EPS) * rules.fixed, q)
    q = np.maximum(q, rules.minimum)
    mult = rules.multiple > 0
    q = np.where(mult, np.ceil(q / np.where(mult, rules.multiple, 1) - _EPS) * rules.multiple, q)
    return np.where(need, q, 0.0)


def single(qty: float, rule: str = "L4L", *, fixed: float = 0, minimum: float = 0,
           multiple: float = 0, window_need: float | None = None) -> float:
    """One lot for one net requirement (the SOP.LOTSIZE worksheet function)."""
    rules = LotRules(np.array([_CODES[rule]], dtype=np.int8), np.array([fixed], float),
                     np.array([minimum], float), np.array([multiple], float),
                     np.array([1]))
    wn = np.array([qty if window_need is None else window_need], float)
    return float(size(np.array([qty], float), wn, rules)[0])
