"""Multi-level material requirements planning (物料需求计划).

The textbook procedure (Orlicky; APICS CPIM "MRP"), vectorised the way ARCHITECTURE.md
asks: items are planned by low-level code, so an item is netted only once every parent's
planned orders are known; within a level numpy works on all items at once, one bucket at a
time (the bucket loop stays: each bucket's projected on hand depends on the lot sized in
the bucket before it).

Per item and bucket (pieces): gross requirements = the parents' planned releases × quantity
per × (1 + component scrap); net requirement = gross + safety stock − (projected on hand +
scheduled receipts + firm planned orders); a planned order covers it by the item's lot rule
and is released the lead time earlier, counted in working days of the factory calendar, in
a quantity raised by the item's own scrap. A release that falls before the plan starts is a
past-due release (released in the first bucket). Firm planned orders are kept as they are.

Beside the plan: the planned orders list, the rescheduling and shortage actions a planner
must take (past-due release, expedite, de-expedite, cancel, shortage within lead time), and
pegging of every order to the end-item demand behind it (``sop_xl.plan.pegging``).

``plan_item_by_item`` is the same procedure as a plain per-item Python loop: the reference
the vectorised plan is tested and benchmarked against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from sop_xl import contract
from sop_xl.base.errors import PlanningError, Problem
from sop_xl.base.messages import register
from sop_xl.base.periods import Buckets, FactoryCalendar
from sop_xl.contract.bom import bom_cycles
from sop_xl.plan.lot_sizing import LotRules, Sizer, size_one
from sop_xl.plan.orders import order_columns

if TYPE_CHECKING:
    from sop_xl.plan.pegging import Links

register({
    "bom_qty_per": ("quantity per {value} cannot be planned; expected {expected}",
                    "单位用量 {value} 无法计划；应为{expected}"),
})

_EPS = 1e-6
ORDER_COLUMNS = ["item", "due_bucket", "period", "due_date", "release_bucket",
                 "release_date", "qty", "release_qty", "past_due", "firm"]
ACTION_COLUMNS = ["kind", "item", "bucket", "qty", "order", "due_bucket", "need_bucket",
                  "due_date", "release_date", "lead", "reason"]


@dataclass
class MRPResult:
    """Rows of the MRP grid for every item below the MPS (items × buckets), sorted by
    low-level code, and the planned orders, actions and pegging behind them.

    Orders are kept as numpy columns (``order_data``, every order including the MPS's);
    ``orders`` is the pandas view of those below the MPS, built on first use."""

    items: pd.Index
    periods: list[str]
    rows: dict[str, np.ndarray]   # gross, receipts, planned_receipts, projected, net,
    #                               planned_releases (pieces)
    on_hand: np.ndarray
    llc: pd.Series
    order_data: dict[str, np.ndarray]  # pos (into item_names), due_bucket, qty, firm
    order_kept: np.ndarray             # orders of items below the MPS
    item_names: np.ndarray             # every planned item, MPS items included
    starts: np.ndarray                 # first day of each bucket
    release_dates: np.ndarray          # (all items × buckets) release date of an order due
    release_buckets: np.ndarray        # (all items × buckets) its release bucket, −1 past due
    yields: np.ndarray                 # started pieces per good piece, by item
    actions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ACTION_COLUMNS))
    links: Links | None = None         # single-level pegging (sop_xl.plan.pegging)

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]

    @cached_property
    def orders(self) -> pd.DataFrame:
        """One row per order below the MPS: ORDER_COLUMNS."""
        k = self.order_kept
        o = {c: v[k] for c, v in self.order_columns().items()}
        due, rb = o["due_bucket"], o["release_bucket"]
        return pd.DataFrame({
            "item": self.item_names[o["pos"]], "due_bucket": due,
            "period": np.asarray(self.periods, dtype=object)[due],
            "due_date": self.starts[due], "release_bucket": np.maximum(rb, 0),
            "release_date": self.release_dates[o["pos"], due], "qty": o["qty"],
            "release_qty": o["release_qty"], "past_due": rb < 0, "firm": o["firm"]},
            columns=ORDER_COLUMNS)

    @cached_property
    def pegging(self) -> pd.DataFrame | None:
        """Every order's share of each end-item demand: order (row of ``orders``), item,
        due_bucket, end_item, end_bucket, qty (the order's pieces)."""
        if self.links is None:
            return None
        from sop_xl.plan.pegging import trace
        return trace(self.links, np.flatnonzero(self.order_kept), self.order_data)

    def order_columns(self) -> dict[str, np.ndarray]:
        """Every order's columns including release_bucket (−1 past due) and release_qty."""
        return order_columns(self.order_data, self.release_buckets, self.yields)

    def pegging_text(self, most: int = 3) -> pd.Series:
        """Per order (aligned with ``orders``): "A 2026-12: 40; B 2027-01: 20 (+2)".

        Exact from ``pegging`` for a plan of up to 50,000 orders; beyond that the trace
        keeps each order's 8 largest parent orders and end-item demands per level
        (sop_xl.plan.pegging.trace), so the largest are named without tracing every one."""
        from sop_xl.plan.pegging import describe, trace
        if "pegging" in self.__dict__ or len(self.orders) <= 50_000 or self.links is None:
            return describe(self.pegging, len(self.orders), self.periods, most)
        peg = trace(self.links, np.flatnonzero(self.order_kept), self.order_data, widest=8)
        return describe(peg, len(self.orders), self.periods, most, cap=8)


# -- checks ------------------------------------------------------------------------------

def check(items: pd.DataFrame, bom: pd.DataFrame, lang: str = "en") -> list[Problem]:
    """BOM lines that cannot be planned: a component or parent missing from Items, a
    quantity per that is not a positive number, a cycle. Rows are Excel rows of the BOM
    sheet (the ``_row`` column when read from a workbook, else position + 2)."""
    index = _item_index(items)
    return _check(index, bom, *_bom_positions(index, bom), lang)


def _item_index(items: pd.DataFrame) -> pd.Index:
    return pd.Index(items["item"].astype(str), name="item")


def _bom_positions(index: pd.Index, bom: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    def pos(col: str) -> np.ndarray:
        p = index.get_indexer(bom[col].astype(str))
        p[bom[col].isna().to_numpy()] = -1
        return p
    return pos("parent"), pos("component")


def _check(index: pd.Index, bom: pd.DataFrame, par: np.ndarray, com: np.ndarray,
           lang: str) -> list[Problem]:
    spec = contract.sheet("bom")
    name = spec.name(lang)
    rows = (bom["_row"].to_numpy(dtype=np.int64) if "_row" in bom
            else np.arange(len(bom), dtype=np.int64) + 2)
    items_name = contract.sheet("items").name(lang)
    what = "物料" if lang.startswith("zh") else "item"
    out: list[Problem] = []
    for col, pos in (("parent", par), ("component", com)):
        label = spec.column(col).label(lang)
        bad = pos < 0
        for v, r in zip(bom[col].to_numpy(dtype=object)[bad], rows[bad], strict=True):
            out.append(Problem("unknown_ref", name, int(r), label, None, v,
                               {"target": items_name, "what": what}))
    qcol = spec.column("qty_per")
    qty = pd.to_numeric(bom["qty_per"], errors="coerce").to_numpy(dtype=float)
    bad = ~(np.isfinite(qty) & (qty > 0))
    for v, r in zip(bom["qty_per"].to_numpy(dtype=object)[bad], rows[bad], strict=True):
        out.append(Problem("bom_qty_per", name, int(r), qcol.label(lang), None, v,
                           {"expected": qcol.expected(lang)}))
    ok = (par >= 0) & (com >= 0)
    try:
        low_level_codes(len(index), par[ok], com[ok])
    except ValueError:  # only then look for the cycles, to name their rows
        for path, cyc_rows in bom_cycles(bom, rows):
            out.append(Problem("bom_cycle", name, cyc_rows[0],
                               spec.column("component").label(lang), None, path[-1],
                               {"path": " → ".join(path),
                                "rows": ", ".join(str(x) for x in cyc_rows)}))
    return out


def low_level_codes(n: int, parents: np.ndarray, comps: np.ndarray) -> np.ndarray:
    """The deepest level each item appears at in any BOM (0 = end item), by relaxing all
    BOM lines at once until nothing moves (depth + 1 passes). Raises ValueError on a cycle
    (``check`` names its rows)."""
    llc = np.zeros(n, dtype=np.int64)
    if len(parents) == 0:
        return llc
    for _ in range(n + 1):
        new = llc.copy()
        np.maximum.at(new, comps, llc[parents] + 1)
        if np.array_equal(new, llc):
            return llc
        llc = new
    raise ValueError("the BOM has a cycle")


def release_schedule(buckets: Buckets, calendar: FactoryCalendar,
                     lead_days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an order due at the start of each bucket: its release date and release bucket
    (−1 = before the plan starts) per item (items × buckets)."""
    release, idx, inv = _release_tables(buckets, calendar, lead_days)
    return release[inv], idx[inv]


def _release_tables(buckets: Buckets, calendar: FactoryCalendar,
                    lead_days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``release_schedule`` worked out once per distinct lead time: (leads × buckets)
    release dates and buckets, and each item's row."""
    starts = buckets.starts()
    h = len(starts)
    leads, inv = np.unique(np.asarray(lead_days, dtype=np.int64), return_inverse=True)
    due = np.broadcast_to(starts, (len(leads), h)).ravel()
    release = calendar.subtract_working_days(due, np.repeat(leads, h)).reshape(-1, h)
    idx = np.searchsorted(starts, release.ravel(), side="right").reshape(-1, h) - 1
    return release, idx, inv


# -- the plan ----------------------------------------------------------------------------

@dataclass
class _Data:
    """Everything the netting needs, aligned with one item index: the items below the MPS
    first, by low-level code, then the MPS items, so the grid rows are a slice."""

    index: pd.Index
    names: np.ndarray           # the index as Python strings
    n_kept: int                 # items below the MPS: positions 0 .. n_kept − 1
    par: np.ndarray
    com: np.ndarray
    factor: np.ndarray          # qty per × (1 + component scrap)
    llc: np.ndarray
    lead: np.ndarray            # working days
    yield_: np.ndarray          # started pieces per good piece, 1 / (1 − item scrap)
    safety: np.ndarray
    rules: LotRules
    on_hand: np.ndarray
    receipts: np.ndarray        # scheduled receipts (n × h)
    firm: np.ndarray            # firm planned orders, by due bucket (n × h)
    release_date: np.ndarray
    release_bucket: np.ndarray
    inside_lt: np.ndarray       # buckets an order released today cannot reach, by item
    is_mps: np.ndarray
    mps_production: np.ndarray  # (n × h), zero for items not on the MPS
    mps_pos: np.ndarray         # position in the item index of each MPS item (−1: unknown)
    receipt_pos: np.ndarray     # position of each scheduled receipt's item (−1: unknown)


def _positions(items: pd.DataFrame, *refs: pd.Series | pd.Index) -> list[np.ndarray]:
    """Position in ``items`` of every value of each of ``refs`` (−1: not an item), with
    one factorisation of all the names at once (items first, so their codes are their
    positions)."""
    def text(values: pd.Series | pd.Index) -> pd.Series:
        v = pd.Series(values)
        return v if v.dtype == "str" else v.astype(str)

    names = [text(items["item"])] + [text(r) for r in refs]
    codes, uniques = pd.factorize(pd.concat(names, ignore_index=True))
    n = len(items)
    if len(uniques) < n or not (codes[:n] == np.arange(n)).all():
        raise ValueError("item codes on the Items sheet must be unique")
    out, at = [], n
    for r in refs:
        c = codes[at:at + len(r)]
        out.append(np.where(c < n, c, -1))
        at += len(r)
    return out


def _prepare(items: pd.DataFrame, bom: pd.DataFrame, mps_items: pd.Index,
             mps_production: np.ndarray, on_hand: pd.Series, receipts: pd.DataFrame,
             buckets: Buckets, calendar: FactoryCalendar, firm: pd.DataFrame | None,
             lang: str) -> _Data:
    receipts = receipts if receipts is not None else pd.DataFrame(columns=["item"])
    firm_items = firm["item"] if firm is not None and len(firm) else pd.Series([], dtype=str)
    par, com, mps_pos, oh_pos, sr_pos, firm_pos = _positions(
        items, bom["parent"], bom["component"], pd.Index(mps_items), on_hand.index,
        receipts["item"] if len(receipts) else pd.Series([], dtype=str), firm_items)
    par[bom["parent"].isna().to_numpy()] = -1
    com[bom["component"].isna().to_numpy()] = -1
    index = _item_index(items)
    problems = _check(index, bom, par, com, lang)
    if problems:
        raise PlanningError(problems, lang)
    n, h = len(index), len(buckets)
    llc = low_level_codes(n, par, com)
    on_mps = np.zeros(n, dtype=bool)
    on_mps[mps_pos[mps_pos >= 0]] = True
    # items below the MPS first, by low-level code, then the MPS items; inside a level by
    # lot rule, so every level and every rule in it is a contiguous slice
    rules = LotRules.from_items(items, index)
    perm = np.lexsort((np.arange(n), rules.multiple > 0, rules.rule, llc, on_mps))
    inv = np.full(n + 1, -1, dtype=np.int64)   # inv[-1] = -1 keeps "not an item"
    inv[perm] = np.arange(n)
    scrap_c = pd.to_numeric(bom["scrap_pct"], errors="coerce").fillna(0).to_numpy(float) \
        if "scrap_pct" in bom else 0.0
    factor = bom["qty_per"].to_numpy(dtype=float) * (1 + scrap_c)
    lead = items["lead_time_days"].fillna(0).to_numpy(dtype=np.int64)[perm]
    rel_u, idx_u, lead_row = _release_tables(buckets, calendar, lead)
    release_date, release_bucket = rel_u[lead_row], idx_u[lead_row]
    inside = (idx_u < 0).sum(axis=1)[lead_row]
    scrap = items["scrap_pct"].fillna(0).to_numpy(dtype=float)[perm]
    mps_rows = inv[mps_pos]
    prod = np.zeros((n, h))
    ok = mps_rows >= 0
    prod[mps_rows[ok]] = np.asarray(mps_production, dtype=float)[ok]
    oh = np.zeros(n)
    ok = inv[oh_pos] >= 0
    np.add.at(oh, inv[oh_pos][ok], on_hand.to_numpy(dtype=float)[ok])
    names = index.to_numpy(dtype=object)[perm]
    return _Data(
        pd.Index(names, name="item"), names, int((~on_mps).sum()), inv[par], inv[com],
        factor, llc[perm], lead, 1.0 / np.clip(1.0 - scrap, 0.05, 1.0),
        items["safety_stock"].fillna(0).to_numpy(float)[perm],
        rules.subset(perm), oh,
        _by_bucket(inv[sr_pos], receipts, n, h), _by_bucket(inv[firm_pos], firm, n, h),
        release_date, release_bucket, inside, on_mps[perm], prod, mps_rows, inv[sr_pos])


def _by_bucket(pos: np.ndarray, frame: pd.DataFrame | None, n: int, h: int) -> np.ndarray:
    """item (as positions), qty, bucket rows → (items × buckets); past due (−1) into the
    first bucket."""
    out = np.zeros((n, h))
    if frame is None or frame.empty:
        return out
    b = np.clip(frame["bucket"].to_numpy(dtype=np.int64), 0, None)
    ok = (pos >= 0) & (b < h)
    np.add.at(out, (pos[ok], b[ok]), frame["qty"].to_numpy(dtype=float)[ok])
    return out


def plan(items: pd.DataFrame, bom: pd.DataFrame, mps_items: pd.Index,
         mps_production: np.ndarray, on_hand: pd.Series, receipts: pd.DataFrame,
         buckets: Buckets, calendar: FactoryCalendar, *, firm: pd.DataFrame | None = None,
         end_demand: np.ndarray | None = None, peg: bool = True,
         lang: str = "en") -> MRPResult:
    """Plan every item below the MPS.

    ``mps_production``: planned production of ``mps_items`` (items × buckets, pieces),
    received at the start of each bucket. ``receipts``: item, qty, bucket (−1 = past
    due), optionally order. ``firm``: firm planned orders, item, qty, bucket (due).
    ``end_demand``: the MPS items' independent demand (items × buckets), what pegging
    traces to; without it an MPS order pegs to itself. Raises PlanningError naming the BOM
    rows when the BOM cannot be planned.
    """
    d = _prepare(items, bom, mps_items, mps_production, on_hand, receipts, buckets,
                 calendar, firm, lang)
    n, h = len(d.index), len(buckets)
    gross = np.zeros((n, h))
    # every row of these is written level by level (net_req: the rows below the MPS)
    new = np.empty((n, h))           # new planned receipts (good output)
    projected = np.empty((n, h))
    net_req = np.empty((n, h))
    releases = np.empty((n, h))      # started quantity by release bucket
    has_firm = bool(d.firm.any())
    fixed_supply = d.receipts + d.firm if has_firm else d.receipts
    k = d.n_kept
    for level in range(int(d.llc.max(initial=0)) + 1):
        a, b = np.searchsorted(d.llc[:k], [level, level + 1])
        if b > a:
            _net_level(slice(a, b), gross, fixed_supply, d, new, projected, net_req)
            _offset(slice(a, b), new[a:b] + d.firm[a:b] if has_firm else new[a:b], d,
                    releases)
        mps_sel = k + np.flatnonzero(d.llc[k:] == level)
        if len(mps_sel):
            new[mps_sel] = d.mps_production[mps_sel]
            projected[mps_sel] = d.on_hand[mps_sel, None] + np.cumsum(
                fixed_supply[mps_sel] + new[mps_sel] - gross[mps_sel], axis=1)
            _offset(mps_sel, new[mps_sel] + d.firm[mps_sel] if has_firm else new[mps_sel],
                    d, releases)
        edges = np.flatnonzero(d.llc[d.par] == level)
        if len(edges):
            _explode(edges, d, releases, gross)

    orders = _orders(d, new)
    order_pos = orders["pos"]
    links = None
    if peg:
        from sop_xl.plan.pegging import link
        independent = None
        if end_demand is not None:
            independent = np.zeros((n, h))
            ok = d.mps_pos >= 0
            independent[d.mps_pos[ok]] = np.asarray(end_demand, dtype=float)[ok]
        links = link(d, orders, independent)
    keep = ~d.is_mps
    actions = _actions(d, gross, receipts, orders, order_pos, buckets, keep)
    k = d.n_kept  # items below the MPS come first, by low-level code: rows are slices
    if has_firm:
        new += d.firm
    rows = {"gross": gross[:k], "receipts": d.receipts[:k], "planned_receipts": new[:k],
            "projected": projected[:k], "net": net_req[:k], "planned_releases": releases[:k]}
    kept = d.index[:k]
    return MRPResult(kept, buckets.labels, rows, d.on_hand[:k],
                     pd.Series(d.llc[:k], index=kept), orders, keep[order_pos], d.names,
                     buckets.starts(), d.release_date, d.release_bucket, d.yield_, actions,
                     links)


def _net_level(sel: slice, gross: np.ndarray, fixed_supply: np.ndarray, d: _Data,
               new: np.ndarray, projected: np.ndarray, net_req: np.ndarray) -> None:
    """Gross to net and lot sizing for the items ``sel`` (one level), bucket by bucket.

    Arrays are turned to (buckets × items) so each bucket is one contiguous row, and the
    step is net = gross + safety stock − (on hand + receipts), order = lot(net),
    on hand = safety stock − net + order."""
    h = gross.shape[1]
    g = gross[sel].T.copy()
    fx = fixed_supply[sel].T.copy()
    r = d.rules.subset(sel)
    sizer = Sizer(r)
    ss = d.safety[sel]
    need = g + ss                   # gross + safety stock
    poh = d.on_hand[sel].copy()
    m = sel.stop - sel.start
    q_out = np.empty((h, m))
    p_out = np.empty((h, m))
    n_out = np.empty((h, m))
    avail = np.empty(m)
    window = None
    poq = sizer.poq
    if len(poq):
        # POQ: one order covers the net requirements of buckets p .. p + k − 1: the
        # gross less fixed supply of that window, known before the loop, less what is
        # available at p
        zero = np.zeros((1, len(poq)))
        cg = np.concatenate([zero, np.cumsum(g[:, poq], axis=0)])
        cf = np.concatenate([zero, np.cumsum(fx[:, poq], axis=0)])
        p_idx = np.arange(h)[:, None]
        end = np.minimum(p_idx + r.poq[poq][None, :], h)
        cols = np.arange(len(poq))[None, :]
        static = (cg[end, cols] - cg[:h]) - (cf[end, cols] - cf[1:]) + ss[poq]
        window = np.empty(len(poq))
    for p in range(h):
        np.add(poh, fx[p], out=avail)
        net = np.subtract(need[p], avail, out=n_out[p])
        if len(poq):
            np.subtract(static[p], avail[poq], out=window)
        q = sizer(net, window, out=q_out[p])
        poh = np.add(avail, q, out=p_out[p])
        poh -= g[p]
    new[sel] = q_out.T
    projected[sel] = p_out.T
    net_req[sel] = np.maximum(n_out, 0.0).T


def _explode(edges: np.ndarray, d: _Data, releases: np.ndarray, gross: np.ndarray) -> None:
    """Gross requirements of the components of ``edges`` (BOM lines) += parents' planned
    releases × quantity per, as one sparse (components × parents) product."""
    comps, ci = np.unique(d.com[edges], return_inverse=True)
    pars, pi = np.unique(d.par[edges], return_inverse=True)
    w = sparse.csr_matrix((d.factor[edges], (ci, pi)), shape=(len(comps), len(pars)))
    gross[comps] += w @ releases[pars]


def _offset(sel: slice | np.ndarray, receipts: np.ndarray, d: _Data,
            releases: np.ndarray) -> None:
    """Planned receipts (rows of ``sel``) → started quantities in their release buckets (a
    release before the plan goes into the first bucket, as past due)."""
    m, h = receipts.shape
    started = receipts * d.yield_[sel, None]
    flat = (np.arange(m)[:, None] * h + np.maximum(d.release_bucket[sel], 0)).ravel()
    releases[sel] = np.bincount(flat, weights=started.ravel(), minlength=m * h).reshape(m, h)


def _orders(d: _Data, new: np.ndarray) -> dict[str, np.ndarray]:
    """One order per item and due bucket, firm orders first, then new planned ones, as
    numpy columns: "pos" (item position in ``d.index``), due_bucket, qty (good pieces),
    firm. Release bucket, started quantity, dates and labels follow from these
    (``order_columns``, ``MRPResult.orders``)."""
    h = new.shape[1]
    flat = np.flatnonzero(new.ravel() > _EPS)
    q = new.ravel()[flat]
    firm = np.zeros(len(flat), dtype=bool)
    if d.firm.any():
        firm_flat = np.flatnonzero(d.firm.ravel() > _EPS)
        flat = np.concatenate([firm_flat, flat])
        q = np.concatenate([d.firm.ravel()[firm_flat], q])
        firm = np.concatenate([np.ones(len(firm_flat), bool), firm])
    rr, pp = np.divmod(flat, h)
    return {"pos": rr, "due_bucket": pp, "qty": q, "firm": firm}


# -- actions for the planner -------------------------------------------------------------

KINDS = ("past_due_release", "shortage_lead_time", "expedite", "de_expedite", "cancel")


def _actions(d: _Data, gross: np.ndarray, receipts: pd.DataFrame,
             orders: dict[str, np.ndarray], pos: np.ndarray, buckets: Buckets,
             keep: np.ndarray) -> pd.DataFrame:
    """Past-due releases, rescheduling of scheduled receipts (expedite, de-expedite,
    cancel) and shortages no new order can cover in time (within the lead time), most
    urgent bucket first."""
    h = len(buckets)
    starts = buckets.starts()
    cols: dict[str, list[np.ndarray]] = {c: [] for c in ["kind", "pos", *ACTION_COLUMNS[2:]]}
    inside_lt = d.inside_lt

    def add(kind: int, at: np.ndarray, **values: np.ndarray) -> None:
        m = len(at)
        cols["kind"].append(np.full(m, kind))
        cols["pos"].append(at)
        for c in ACTION_COLUMNS[2:]:
            v = values.get(c)
            if v is None:
                v = np.full(m, np.nan) if c in ("qty", "lead") else np.full(m, None, object)
                if c in ("bucket", "due_bucket", "need_bucket"):
                    v = np.full(m, -1)
                if c in ("due_date", "release_date"):
                    v = np.full(m, np.datetime64("NaT"), dtype="datetime64[D]")
            cols[c].append(np.asarray(v))

    k = max(int(inside_lt.max(initial=0)), 1)
    near = np.flatnonzero(orders["due_bucket"] < k)   # only these can be released late
    due = orders["due_bucket"][near]
    late = near[(d.release_bucket[pos[near], due] < 0) & keep[pos[near]]]
    at, due = pos[late], orders["due_bucket"][late]
    add(0, at, bucket=np.zeros(len(at), np.int64), qty=orders["qty"][late] * d.yield_[at],
        due_bucket=due, due_date=starts[due], release_date=d.release_date[at, due],
        lead=d.lead[at], reason=np.where(orders["firm"][late], "firm", "planned"))
    # shortage within lead time: on hand + receipts + firm orders fall short before an
    # order released today could arrive (only the buckets inside the lead time count)
    base = d.on_hand[:, None] + np.cumsum(d.receipts[:, :k] + d.firm[:, :k] - gross[:, :k],
                                          axis=1)
    short = np.where(d.release_bucket[:, :k] < 0, base, np.inf)
    worst = short.min(axis=1)
    rows = np.flatnonzero(keep & (worst < -_EPS))
    first = np.argmax(short[rows] < -_EPS, axis=1)
    arrive = inside_lt[rows]  # the first bucket an order released today can reach
    labels = np.array([*buckets.labels, ""], dtype=object)
    add(1, rows, bucket=first, qty=-worst[rows], need_bucket=first, lead=d.lead[rows],
        reason=labels[arrive])
    for kind, at, values in _reschedule(d, gross, receipts, h):
        # an MPS item's orders are rescheduled against its independent demand by the MPS;
        # MRP sees only its dependent demand and would call them unneeded
        mine = keep[at]
        add(kind, at[mine], **{k: v[mine] for k, v in values.items()})
    out = {c: np.concatenate(v) for c, v in cols.items()}
    order = np.lexsort((out["pos"], out["kind"], out["bucket"]))
    out = {c: v[order] for c, v in out.items()}
    out["item"] = d.names[out.pop("pos")]
    out["kind"] = np.array(KINDS, dtype=object)[out["kind"]]
    # object columns stay object: no string inference over every row
    return pd.DataFrame({c: pd.Series(out[c], dtype=object) if out[c].dtype == object
                         else out[c] for c in ACTION_COLUMNS})


def _reschedule(d: _Data, gross: np.ndarray, receipts: pd.DataFrame,
                h: int) -> list[tuple[int, np.ndarray, dict[str, np.ndarray]]]:
    """Each scheduled receipt against the bucket it is first needed in (APICS: the need
    date): on hand and the receipts due before it no longer cover requirements + safety
    stock there. Needed earlier → expedite; later → de-expedite; not within the horizon →
    cancel. A past-due receipt needed now is an expedite too."""
    if receipts is None or receipts.empty:
        return []
    pos = d.receipt_pos
    ok = pos >= 0
    pos = pos[ok]
    due = receipts["bucket"].to_numpy(dtype=np.int64)[ok]
    qty = receipts["qty"].to_numpy(dtype=float)[ok]
    names = (receipts["order"].astype(str).to_numpy(dtype=object)[ok] if "order" in receipts
             else np.full(len(pos), "", dtype=object))
    dates = (pd.to_datetime(receipts["due_date"]).to_numpy(dtype="datetime64[D]")[ok]
             if "due_date" in receipts else np.full(len(pos), "NaT", dtype="datetime64[D]"))
    srt = np.lexsort((np.arange(len(pos)), due, pos))
    pos, due, qty, names, dates = pos[srt], due[srt], qty[srt], names[srt], dates[srt]
    cs = np.cumsum(qty)
    first = np.concatenate([[True], pos[1:] != pos[:-1]])
    group_start = np.maximum.accumulate(np.where(first, cs - qty, 0.0))
    before = d.on_hand[pos] + cs - qty - group_start  # on hand + receipts due earlier
    items_, at_item = np.unique(pos, return_inverse=True)
    dem_cum = np.cumsum(gross[items_], axis=1)[at_item]
    need = (dem_cum + d.safety[pos, None] <= before[:, None] + _EPS).sum(axis=1)
    at = np.minimum(need, h - 1)
    why = np.where(dem_cum[np.arange(len(pos)), at] > before + _EPS, "demand", "safety_stock")
    dueb = np.maximum(due, 0)
    out = []
    for kind, sel, bucket, reason in (
            (4, need >= h, dueb, np.full(len(pos), "not_needed")),
            (2, (need < h) & ((need < dueb) | ((due < 0) & (need == 0))), need,
             np.where(due < 0, "past_due", why)),
            (3, (need < h) & (need > dueb), dueb, why)):
        out.append((kind, pos[sel], {"bucket": bucket[sel], "qty": qty[sel],
                                     "order": names[sel], "due_bucket": due[sel],
                                     "due_date": dates[sel], "need_bucket": need[sel],
                                     "reason": reason[sel]}))
    return out


# -- the reference: the same procedure, item by item -------------------------------------

def plan_item_by_item(items: pd.DataFrame, bom: pd.DataFrame, mps_items: pd.Index,
                      mps_production: np.ndarray, on_hand: pd.Series,
                      receipts: pd.DataFrame, buckets: Buckets, calendar: FactoryCalendar,
                      *, firm: pd.DataFrame | None = None) -> dict[str, dict[str, list]]:
    """The MRP written as the textbook loop: for each item in low-level-code order, for
    each bucket, net, size, offset and explode into the components, in plain Python.

    Returns per item its gross, planned receipts (new + firm), projected on hand and
    planned releases as lists. Slow by design: the yardstick for ``plan``."""
    d = _prepare(items, bom, mps_items, mps_production, on_hand, receipts, buckets,
                 calendar, firm, "en")
    n, h = len(d.index), len(buckets)
    comps: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for p, c, f in zip(d.par.tolist(), d.com.tolist(), d.factor.tolist(), strict=True):
        comps[p].append((c, f))
    gross = [[0.0] * h for _ in range(n)]
    sr, fm = d.receipts.tolist(), d.firm.tolist()
    prod = d.mps_production.tolist()
    rb_all = d.release_bucket.tolist()
    rule, fixed = d.rules.rule.tolist(), d.rules.fixed.tolist()
    minimum, multiple, poq = d.rules.minimum.tolist(), d.rules.multiple.tolist(), \
        d.rules.poq.tolist()
    out: dict[str, dict[str, list]] = {}
    for i in sorted(range(n), key=lambda k: (int(d.llc[k]), k)):
        g, ss, poh = gross[i], float(d.safety[i]), float(d.on_hand[i])
        planned, projected = [0.0] * h, [0.0] * h
        for p in range(h):
            avail = poh + sr[i][p] + fm[i][p]
            if d.is_mps[i]:
                q = prod[i][p]
            else:
                net = g[p] + ss - avail
                end = min(p + poq[i], h)
                window = ss - avail
                for k in range(p, end):
                    window += g[k] - (sr[i][k] + fm[i][k] if k > p else 0.0)
                q = size_one(net, window, rule[i], fixed[i], minimum[i], multiple[i])
            planned[p] = q + fm[i][p]
            poh = avail + q - g[p]
            projected[p] = poh
        released = [0.0] * h
        for p in range(h):
            if planned[p] > 0:
                released[max(rb_all[i][p], 0)] += planned[p] * float(d.yield_[i])
        for c, f in comps[i]:
            gc = gross[c]
            for p in range(h):
                gc[p] += released[p] * f
        out[str(d.names[i])] = {"gross": g, "planned_receipts": planned,
                                "projected": projected, "planned_releases": released}
    return out
