"""Multi-level material requirements planning (物料需求计划).

Items are processed by low-level code, so an item is netted only once every parent's
planned orders are known; within a level, numpy works on all items at once, one bucket at
a time. Gross requirements come from the parents' planned releases × quantity per ×
(1 + component scrap); gross to net with on hand, scheduled receipts and safety stock; lot
sizing; planned receipts offset by the lead time in working days of the factory calendar.
Orders needed before the first bucket are past-due releases. Pieces per bucket.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.lot_sizing import LotRules, size
from sop_xl.periods import Buckets, FactoryCalendar


@dataclass
class MRPResult:
    """Rows of the MRP grid for every planned item (items × buckets) and the planned
    orders behind them."""

    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]
    on_hand: np.ndarray
    llc: pd.Series
    orders: pd.DataFrame  # item, due_bucket, due_date, release_bucket, release_date, qty,
    #                       release_qty, past_due, pegging

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]


def low_level_codes(items: pd.Index, parents: np.ndarray, comps: np.ndarray) -> np.ndarray:
    """The deepest level each item appears at in any BOM (0 = end item). The BOM must be
    acyclic (validated before planning)."""
    n = len(items)
    llc = np.zeros(n, dtype=np.int64)
    children: dict[int, list[int]] = {}
    indeg = np.zeros(n, dtype=np.int64)
    for p, c in zip(parents, comps, strict=True):
        children.setdefault(int(p), []).append(int(c))
        indeg[c] += 1
    queue = [i for i in range(n) if indeg[i] == 0]
    while queue:
        nxt = []
        for p in queue:
            for c in children.get(p, ()):
                llc[c] = max(llc[c], llc[p] + 1)
                indeg[c] -= 1
                if indeg[c] == 0:
                    nxt.append(c)
        queue = nxt
    if indeg.any():
        raise ValueError("the BOM has a cycle")
    return llc


def release_schedule(buckets: Buckets, calendar: FactoryCalendar,
                     lead_days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an order due at the start of each bucket: its release date and release bucket
    (−1 = before the plan starts) per item (items × buckets)."""
    starts = buckets.starts()
    n, h = len(lead_days), len(starts)
    due = np.broadcast_to(starts, (n, h)).ravel()
    lt = np.repeat(lead_days.astype(np.int64), h)
    release = calendar.subtract_working_days(due, lt).reshape(n, h)
    idx = np.searchsorted(starts, release.ravel(), side="right").reshape(n, h) - 1
    return release, idx


def plan(items: pd.DataFrame, bom: pd.DataFrame, mps_items: pd.Index,
         mps_production: np.ndarray, on_hand: pd.Series, receipts: pd.DataFrame,
         buckets: Buckets, calendar: FactoryCalendar) -> MRPResult:
    """Plan every item below the MPS.

    ``mps_production``: planned production of ``mps_items`` (items × buckets), received at
    the start of each bucket. ``receipts``: item, qty, bucket (−1 = past due).
    """
    index = pd.Index(items["item"])
    n, h = len(index), len(buckets)
    it = items.set_index("item").reindex(index)
    par = index.get_indexer(bom["parent"])
    com = index.get_indexer(bom["component"])
    factor = (bom["qty_per"] * (1 + bom["scrap_pct"].fillna(0))).to_numpy(dtype=float)
    llc = low_level_codes(index, par, com)
    lead = it["lead_time_days"].fillna(0).to_numpy(dtype=np.int64)
    release_date, release_bucket = release_schedule(buckets, calendar, lead)
    scrap = it["scrap_pct"].fillna(0).to_numpy(dtype=float)
    safety = it["safety_stock"].fillna(0).to_numpy(dtype=float)
    rules = LotRules.from_items(items, index)
    oh = on_hand.reindex(index).fillna(0).to_numpy(dtype=float)
    sr = np.zeros((n, h))
    if not receipts.empty:
        r = index.get_indexer(receipts["item"])
        b = np.clip(receipts["bucket"].to_numpy(dtype=np.int64), 0, None)
        ok = (r >= 0) & (b < h)
        np.add.at(sr, (r[ok], b[ok]), receipts["qty"].to_numpy(dtype=float)[ok])

    gross = np.zeros((n, h))
    planned = np.zeros((n, h))       # planned receipts (good output)
    releases = np.zeros((n, h))      # planned releases (started quantity)
    projected = np.zeros((n, h))
    net_req = np.zeros((n, h))
    past_due = np.zeros((n,))        # quantity whose release falls before the plan
    is_mps = index.isin(mps_items)
    mps_rows = index.get_indexer(mps_items)

    for level in range(int(llc.max(initial=0)) + 1):
        sel = np.flatnonzero(llc == level)
        plan_sel = sel[~is_mps[sel]]
        if len(plan_sel):
            _net(plan_sel, gross, sr, oh, safety, rules, planned, projected, net_req)
        fixed_sel = sel[is_mps[sel]]
        if len(fixed_sel):
            prod = np.zeros((len(fixed_sel), h))
            pos = {r: k for k, r in enumerate(mps_rows)}
            for k, r in enumerate(fixed_sel):
                prod[k] = mps_production[pos[r]]
            planned[fixed_sel] = prod
            projected[fixed_sel] = (oh[fixed_sel, None] + np.cumsum(
                sr[fixed_sel] + prod - gross[fixed_sel], axis=1))
        # offset to releases; a release before the first bucket is past due (bucket 0)
        yield_ = 1.0 / np.clip(1.0 - scrap[sel], 0.05, 1.0)
        started = planned[sel] * yield_[:, None]
        rb = release_bucket[sel]
        for k, i in enumerate(sel):
            for p in np.flatnonzero(started[k] > 0):
                q = started[k, p]
                b = rb[k, p]
                if b < 0:
                    past_due[i] += q
                    b = 0
                releases[i, b] += q
        # explode releases into the components' gross requirements
        edges = np.flatnonzero(np.isin(par, sel))
        if len(edges):
            np.add.at(gross, com[edges], releases[par[edges]] * factor[edges, None])

    orders = _orders(index, it, planned, releases, release_date, release_bucket, scrap,
                     buckets, par, com)
    keep = ~is_mps
    rows = {"gross": gross[keep], "receipts": sr[keep], "planned_receipts": planned[keep],
            "projected": projected[keep], "net": net_req[keep],
            "planned_releases": releases[keep]}
    kept = index[keep]
    orders = orders[orders["item"].isin(kept)].reset_index(drop=True)
    order_llc = pd.Series(llc[keep], index=kept)
    sort = np.lexsort((np.arange(keep.sum()), llc[keep]))
    rows = {k: v[sort] for k, v in rows.items()}
    return MRPResult(kept[sort], buckets.labels, rows, oh[keep][sort],
                     order_llc.iloc[sort], orders)


def _net(sel: np.ndarray, gross: np.ndarray, sr: np.ndarray, oh: np.ndarray,
         safety: np.ndarray, rules: LotRules, planned: np.ndarray, projected: np.ndarray,
         net_req: np.ndarray) -> None:
    """Gross to net for the items ``sel`` (one level), bucket by bucket."""
    h = gross.shape[1]
    g = gross[sel]
    cum = np.concatenate([np.zeros((len(sel), 1)), np.cumsum(g, axis=1)], axis=1)
    r = rules.subset(sel)
    ss = safety[sel]
    poh = oh[sel].copy()
    rows = np.arange(len(sel))
    for p in range(h):
        avail = poh + sr[sel, p]
        net = g[:, p] + ss - avail
        end = np.minimum(p + r.poq, h)
        window = cum[rows, end] - cum[:, p] + ss - avail
        q = size(net, window, r)
        planned[sel, p] = q
        net_req[sel, p] = np.maximum(net, 0.0)
        poh = avail + q - g[:, p]
        projected[sel, p] = poh


def _orders(index: pd.Index, it: pd.DataFrame, planned: np.ndarray, releases: np.ndarray,
            release_date: np.ndarray, release_bucket: np.ndarray, scrap: np.ndarray,
            buckets: Buckets, par: np.ndarray, com: np.ndarray) -> pd.DataFrame:
    """One row per planned order: what, when due, when to release, how much."""
    rr, pp = np.nonzero(planned > 0)
    starts = buckets.starts()
    qty = planned[rr, pp]
    started = qty / np.clip(1.0 - scrap[rr], 0.05, 1.0)
    rb = release_bucket[rr, pp]
    end_items = _end_items(index, par, com)
    return pd.DataFrame({
        "item": index[rr],
        "due_bucket": pp,
        "due_date": starts[pp].astype("datetime64[D]").astype(object),
        "release_bucket": np.maximum(rb, 0),
        "release_date": release_date[rr, pp].astype("datetime64[D]").astype(object),
        "qty": qty,
        "release_qty": started,
        "past_due": rb < 0,
        "pegging": [end_items.get(i, "") for i in rr],
    })


def _end_items(index: pd.Index, par: np.ndarray, com: np.ndarray) -> dict[int, str]:
    """For each component, the end items whose BOMs use it (where-used to the top)."""
    parents: dict[int, set[int]] = {}
    for p, c in zip(par, com, strict=True):
        parents.setdefault(int(c), set()).add(int(p))
    memo: dict[int, frozenset[int]] = {}

    def tops(i: int) -> frozenset[int]:
        if i in memo:
            return memo[i]
        ps = parents.get(i)
        out = frozenset([i]) if not ps else frozenset().union(*(tops(p) for p in ps))
        memo[i] = out
        return out

    return {i: ", ".join(sorted(index[list(tops(i))])) for i in parents}
