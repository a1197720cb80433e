"""Multi-level material requirements planning (物料需求计划), on working days.

The textbook procedure (Orlicky; APICS CPIM "MRP") on dates, as SAP MRP and frePPLe plan:
every requirement, scheduled receipt and planned order carries a working day of the
factory calendar (``sop_xl.plan.dates``); buckets only sum them for the grid. Items are
planned by low-level code, so an item is netted only once every parent's orders are known;
within a level numpy works on all items at once (``sop_xl.plan.netting``).

Per item and day (pieces): gross requirements = the parents' planned releases of that day
× quantity per × (1 + component scrap) — a component is needed on its parent order's
release (start) date; net requirement = gross + safety stock − (projected on hand +
scheduled receipts + firm planned orders); a planned order is due on the day of the first
shortfall it covers, sized by the item's lot rule, released its lead time earlier counted
in working days, and started in the quantity the item's own scrap asks for (whole pieces
for counted items). A release before the planning date is past due: it is released now
(day 0) and its components are needed now. Firm planned orders are kept as they are.

Beside the plan: the orders (``sop_xl.plan.orders``), the action messages a planner must
act on (``sop_xl.plan.action_messages``) and pegging of every order to the end-item demand
behind it (``sop_xl.plan.pegging``).

``plan_item_by_item`` is the same procedure as a plain per-item, per-day Python loop: the
reference the vectorised plan is tested and benchmarked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from sop_xl import contract
from sop_xl.base.errors import PlanningError, Problem
from sop_xl.base.messages import message
from sop_xl.contract.bom import bom_cycles
from sop_xl.plan import netting
from sop_xl.plan.dates import PlanDays
from sop_xl.plan.lot_sizing import POQ, LotRules, size_one, started_quantity
from sop_xl.plan.orders import order_columns

if TYPE_CHECKING:
    from sop_xl.plan.pegging import Links

_EPS = 1e-6
ORDER_COLUMNS = ["item", "due_date", "release_date", "period", "due_bucket",
                 "release_bucket", "due_day", "release_day", "qty", "release_qty",
                 "past_due", "firm"]


@dataclass(eq=False)
class MRPResult:
    """The plan of every item: daily arrays for all planned items (MPS items included, in
    plan order), the MRP grid rows (items below the MPS × buckets, by low-level code), the
    orders, and what the action messages and pegging are made from."""

    days: PlanDays
    item_names: np.ndarray        # every planned item, plan order; the first n_kept are
    n_kept: int                   # the items below the MPS, by low-level code
    llc_all: np.ndarray
    daily: dict[str, np.ndarray]  # (items × days): gross, receipts (scheduled), fixed
    #                               (receipts + firm), planned (all planned receipts,
    #                               firm included), projected, releases (started pieces
    #                               by release day)
    bucketed: dict[str, np.ndarray]  # (items below the MPS × buckets): net
    on_hand_all: np.ndarray
    safety: np.ndarray
    lead: np.ndarray              # working days
    yields: np.ndarray            # started pieces per good piece
    whole: np.ndarray             # counted in whole pieces
    is_mps: np.ndarray
    order_data: dict[str, np.ndarray]   # sop_xl.plan.orders.order_columns
    receipt_list: dict[str, np.ndarray]  # pos, day, qty, order, date, past_due
    links: Links | None = None
    plant: np.ndarray | None = None   # each item's row of ``days``' per-plant calendars

    @property
    def items(self) -> pd.Index:
        return pd.Index(self.item_names[:self.n_kept], name="item")

    @property
    def periods(self) -> list[str]:
        return self.days.buckets.labels

    @property
    def llc(self) -> pd.Series:
        return pd.Series(self.llc_all[:self.n_kept], index=self.items)

    @property
    def on_hand(self) -> np.ndarray:
        return self.on_hand_all[:self.n_kept]

    @cached_property
    def rows(self) -> dict[str, np.ndarray]:
        """The MRP grid (items below the MPS × buckets): gross, receipts,
        planned_receipts, projected (at each bucket's end), net, planned_releases."""
        k = self.n_kept
        by = self.days.by_bucket
        gross, planned = by(self.daily["gross"][:k]), by(self.daily["planned"][:k])
        receipts = by(self.daily["receipts"][:k])
        # the stock at each bucket's end, summed from the rows as the sheet's formula does
        projected = self.on_hand[:, None] + np.cumsum(receipts + planned - gross, axis=1)
        return {"gross": gross, "receipts": receipts, "planned_receipts": planned,
                "projected": projected, "net": self.bucketed["net"],
                "planned_releases": by(self.daily["releases"][:k])}

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.rows[measure]

    @property
    def order_kept(self) -> np.ndarray:
        """Orders of items below the MPS."""
        return ~self.is_mps[self.order_data["pos"]]

    @cached_property
    def orders(self) -> pd.DataFrame:
        """One row per order below the MPS: ORDER_COLUMNS."""
        o = {c: v[self.order_kept] for c, v in self.order_data.items()}
        return order_frame(o, self.item_names, self.days)

    @cached_property
    def actions(self) -> pd.DataFrame:
        """Past-due releases, shortages within lead time, reschedule in / out and cancel
        (``sop_xl.plan.action_messages``): numbers and dates, no words."""
        from sop_xl.plan.action_messages import detect
        return detect(self)

    @cached_property
    def pegging(self) -> pd.DataFrame | None:
        """Every order's share of each end-item demand: order (row of ``orders``), item,
        due_bucket, end_item, end_bucket, qty (the order's pieces)."""
        if self.links is None:
            return None
        from sop_xl.plan.pegging import trace
        return trace(self.links, np.flatnonzero(self.order_kept), self.order_data,
                     self.days)

    def pegging_text(self, most: int = 3) -> pd.Series:
        """Per order (aligned with ``orders``): "A 2026-12: 40; B 2027-01: 20 (+2)", the
        ``most`` largest end-item demands it serves and how many more. Exact for every
        order at any size: solved a level of the order graph at a time
        (sop_xl.plan.pegging.full_text). Blank without pegging links (``peg=False``)."""
        from sop_xl.plan.pegging import full_text
        kept = np.flatnonzero(self.order_kept)
        if self.links is None:
            return pd.Series(np.full(len(kept), "", dtype=object))
        return full_text(self.links, kept, self.periods, most)


def order_frame(o: dict[str, np.ndarray], names: np.ndarray, days: PlanDays) -> pd.DataFrame:
    """Order columns as the frame the sheets list (ORDER_COLUMNS)."""
    due, rel = o["due"], o["release"]
    due_bucket = days.bucket_of(due)
    labels = np.asarray(days.buckets.labels, dtype=object)
    return pd.DataFrame({
        "item": names[o["pos"]], "due_date": days.date_of(due),
        "release_date": days.date_of(rel), "period": labels[due_bucket],
        "due_bucket": due_bucket, "release_bucket": days.bucket_of(np.maximum(rel, 0)),
        "due_day": due, "release_day": rel, "qty": o["qty"], "release_qty": o["release_qty"],
        "past_due": rel < 0, "firm": o["firm"]}, columns=ORDER_COLUMNS)


# -- checks ------------------------------------------------------------------------------

def check(items: pd.DataFrame, bom: pd.DataFrame, lang: str = "en") -> list[Problem]:
    """BOM lines that cannot be planned: a component or parent missing from Items, a
    quantity per that is not a positive number, a cycle. Rows are Excel rows of the BOM
    sheet (the ``_row`` column when read from a workbook, else position + 2). The
    workbook's validation finds all of these first; ``plan`` refuses them too."""
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
           lang: str, llc: list[np.ndarray] | None = None) -> list[Problem]:
    """``check`` on positions; ``llc`` receives the low-level codes when there is no
    cycle (the plan needs them, and they cost a pass over the BOM each time)."""
    spec = contract.sheet("bom")
    name = spec.name(lang)
    rows = (bom["_row"].to_numpy(dtype=np.int64) if "_row" in bom
            else np.arange(len(bom), dtype=np.int64) + 2)
    items_name = contract.sheet("items").name(lang)
    what = message("ref_item", lang)   # the catalogue's word, as the workbook's rules say it
    out: list[Problem] = []
    for col, pos in (("parent", par), ("component", com)):
        label = spec.column(col).label(lang)
        bad = np.flatnonzero(pos < 0)   # a plant's BOM: no column of names made for none
        for v, r in zip(bom[col].to_numpy(dtype=object)[bad] if len(bad) else [],
                        rows[bad], strict=True):
            out.append(Problem("unknown_ref", name, int(r), label, None, v,
                               {"target": items_name, "what": what}))
    qcol = spec.column("qty_per")
    qty = pd.to_numeric(bom["qty_per"], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~(np.isfinite(qty) & (qty > 0)))
    for v, r in zip(bom["qty_per"].to_numpy(dtype=object)[bad] if len(bad) else [],
                    rows[bad], strict=True):
        out.append(Problem("bom_qty_per", name, int(r), qcol.label(lang), None, v,
                           {"expected": qcol.expected(lang)}))
    ok = (par >= 0) & (com >= 0)
    try:
        codes = low_level_codes(len(index), par[ok], com[ok])
        if llc is not None:
            llc.append(codes)
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
    # BOM lines grouped by component once: each pass is one reduceat, not a scattered max
    srt = np.argsort(comps, kind="stable")
    par_s = np.asarray(parents)[srt]
    com_s = np.asarray(comps)[srt]
    starts = np.flatnonzero(np.r_[True, com_s[1:] != com_s[:-1]])
    kids = com_s[starts]
    for _ in range(n + 1):
        new = llc.copy()
        new[kids] = np.maximum(llc[kids], np.maximum.reduceat(llc[par_s] + 1, starts))
        if np.array_equal(new, llc):
            return llc
        llc = new
    raise ValueError("the BOM has a cycle")


# -- the plan ----------------------------------------------------------------------------

@dataclass
class _Data:
    """Everything the netting needs, aligned with one item index: the items below the MPS
    first, by low-level code and within a level those sized without a loop first, then
    the MPS items, so the grid rows and each level are slices."""

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
    receipts: np.ndarray        # scheduled receipts by day (n × days)
    firm: np.ndarray | None     # firm planned orders by due day (n × days), None: none
    firm_list: dict[str, np.ndarray]   # pos, day, qty: each firm order as given
    receipt_list: dict[str, np.ndarray]
    is_mps: np.ndarray
    mps_production: np.ndarray  # (MPS items × days), in plan order of ``mps_rows``
    mps_rows: np.ndarray        # the plan row of each of those MPS items
    mps_pos: np.ndarray         # position in the item index of each MPS item (−1: unknown)
    plant: np.ndarray           # each item's plant (its calendar in ``days``); 0: one

    @property
    def fixed(self) -> np.ndarray:
        """Supply known before netting: scheduled receipts and firm orders by day."""
        return self.receipts if self.firm is None else self.receipts + self.firm

    def production_of(self, rows: slice) -> np.ndarray:
        """MPS production of plan rows ``rows`` (a contiguous run of MPS items)."""
        out = np.zeros((rows.stop - rows.start, self.receipts.shape[1]))
        at = (self.mps_rows >= rows.start) & (self.mps_rows < rows.stop)
        out[self.mps_rows[at] - rows.start] = self.mps_production[at]
        return out


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
             mps_production: np.ndarray, on_hand: pd.Series, receipts: pd.DataFrame | None,
             days: PlanDays, firm: pd.DataFrame | None,
             plants: np.ndarray | None = None) -> _Data:
    no_items = pd.Series([], dtype=str)
    r_items = no_items if receipts is None or receipts.empty else receipts["item"]
    f_items = no_items if firm is None or firm.empty else firm["item"]
    par, com, mps_pos, oh_pos, sr_pos, firm_pos = _positions(
        items, bom["parent"], bom["component"], pd.Index(mps_items), on_hand.index,
        r_items, f_items)
    par[bom["parent"].isna().to_numpy()] = -1
    com[bom["component"].isna().to_numpy()] = -1
    index = _item_index(items)
    codes: list[np.ndarray] = []
    problems = _check(index, bom, par, com, "en", codes)
    if problems:
        raise PlanningError(problems)
    n, n_days = len(index), len(days)
    llc = codes[0]   # every line is known without problems: the codes of the whole BOM
    on_mps = np.zeros(n, dtype=bool)
    on_mps[mps_pos[mps_pos >= 0]] = True
    # items below the MPS first, by low-level code, then the MPS items; inside a level the
    # rules sized without a day loop first, then by rule and lead time, so each is a
    # contiguous slice
    rules = LotRules.from_items(items, index)
    loop = ~np.isfinite(rules.cumulative_lot())
    lead_all = items["lead_time_days"].fillna(0).to_numpy(dtype=np.int64)
    # an item's lead time counts in its plant's calendar: runs of one plant and lead time
    plant_all = (np.zeros(n, np.int64) if plants is None or not days.per_plant
                 else np.asarray(plants, dtype=np.int64))
    perm = np.lexsort((np.arange(n), lead_all, plant_all, rules.multiple > 0, rules.rule,
                       loop, llc, on_mps))
    inv = np.full(n + 1, -1, dtype=np.int64)   # inv[-1] = -1 keeps "not an item"
    inv[perm] = np.arange(n)
    scrap_c = pd.to_numeric(bom["scrap_pct"], errors="coerce").fillna(0).to_numpy(float) \
        if "scrap_pct" in bom else 0.0
    factor = bom["qty_per"].to_numpy(dtype=float) * (1 + scrap_c)
    lead = lead_all[perm]
    scrap = items["scrap_pct"].fillna(0).to_numpy(dtype=float)[perm]
    mps_rows = inv[mps_pos]
    known = mps_rows >= 0
    prod = np.asarray(mps_production, dtype=float)[known]
    oh = np.zeros(n)
    ok = inv[oh_pos] >= 0
    np.add.at(oh, inv[oh_pos][ok], on_hand.to_numpy(dtype=float)[ok])
    names = index.to_numpy(dtype=object)[perm]
    plant = plant_all[perm]
    sr = _dated(inv[sr_pos], receipts, days, plant, orders=True)
    fm = _dated(inv[firm_pos], firm, days, plant)
    return _Data(
        pd.Index(names, name="item"), names, int((~on_mps).sum()), inv[par], inv[com],
        factor, llc[perm], lead, 1.0 / np.clip(1.0 - scrap, 0.05, 1.0),
        items["safety_stock"].fillna(0).to_numpy(float)[perm],
        rules.subset(perm), oh, _by_day(sr, n, n_days),
        _by_day(fm, n, n_days) if len(fm["pos"]) else None, fm, sr, on_mps[perm], prod,
        mps_rows[known], mps_rows, plant)


def _dated(pos: np.ndarray, frame: pd.DataFrame | None, days: PlanDays, plant: np.ndarray,
           orders: bool = False) -> dict[str, np.ndarray]:
    """item positions, qty, due_date (and order) → supply columns: pos, day (0 past due,
    ``len(days)`` after the plan), qty, date, past_due (and order)."""
    if frame is None or frame.empty:
        z = np.zeros(0, np.int64)
        out = {"pos": z, "day": z, "qty": np.zeros(0), "date": np.zeros(0, "datetime64[D]"),
               "past_due": np.zeros(0, bool)}
        if orders:
            out["order"] = np.zeros(0, object)
        return out
    date = pd.to_datetime(frame["due_date"]).to_numpy().astype("datetime64[D]")
    ok = pos >= 0
    # a receipt is usable on its plant's working day on or after its date
    day = days.supply_day(date[ok])
    if days.per_plant:
        day = days.on_or_after(plant[pos[ok]], day)
    out = {"pos": pos[ok], "day": day,
           "qty": frame["qty"].to_numpy(dtype=float)[ok], "date": date[ok],
           "past_due": date[ok] < days.planning_date}
    if orders:
        names = (frame["order"].astype(str).to_numpy(dtype=object) if "order" in frame
                 else np.full(len(frame), "", dtype=object))
        out["order"] = names[ok]
    return out


def _by_day(supply: dict[str, np.ndarray], n: int, n_days: int) -> np.ndarray:
    """Supply columns → (items × days); what falls after the plan is left out."""
    out = np.zeros((n, n_days))
    ok = supply["day"] < n_days
    np.add.at(out, (supply["pos"][ok], supply["day"][ok]), supply["qty"][ok])
    return out


def plan(items: pd.DataFrame, bom: pd.DataFrame, mps_items: pd.Index,
         mps_production: np.ndarray, on_hand: pd.Series, receipts: pd.DataFrame | None,
         days: PlanDays, *, firm: pd.DataFrame | None = None,
         end_demand: np.ndarray | None = None, peg: bool = True,
         plants: np.ndarray | None = None) -> MRPResult:
    """Plan every item below the MPS on the working days ``days``.

    ``mps_production``: good pieces of ``mps_items`` due on each day (MPS items × days).
    ``receipts``: scheduled receipts, item, qty, due_date, optionally order. ``firm``: firm
    planned orders, item, qty, due_date. ``end_demand``: the MPS items' independent demand
    by day (MPS items × days), what pegging traces to; without it an MPS order pegs to
    itself. ``plants``: each item's plant (a row of ``days``' per-plant calendars): its
    lead time counts that plant's working days, and a requirement on a day the plant does
    not work is needed on its working day before. Raises PlanningError naming the BOM
    rows when the BOM cannot be planned.
    """
    d = _prepare(items, bom, mps_items, mps_production, on_hand, receipts, days, firm,
                 plants)
    n, n_days = len(d.index), len(days)
    k = d.n_kept
    gross = np.zeros((n, n_days))
    new = np.empty((n, n_days))          # new planned orders due (good pieces)
    projected = np.empty((n, n_days))
    net_b = np.zeros((k, len(days.buckets)))
    releases = np.zeros((n, n_days))     # started pieces by release day (past due: day 0)
    fixed = d.fixed
    mps_level = d.llc[k:]
    for level in range(int(d.llc.max(initial=0)) + 1):
        a, b = (int(x) for x in np.searchsorted(d.llc[:k], [level, level + 1]))
        if b > a:
            lv = slice(a, b)
            if days.per_plant and level:
                days.move_to_working_days(d.plant[lv], gross[lv])
            got = netting.net(gross[lv], fixed[lv], d.on_hand[lv], d.safety[lv],
                              d.rules.subset(lv), days,
                              netting.Netted(new[lv], projected[lv], np.empty((b - a, n_days))))
            net_b[lv] = days.by_bucket(got.net)
            _offset(lv, new[lv], d, releases, days)
        c, e = (k + int(x) for x in np.searchsorted(mps_level, [level, level + 1]))
        if e > c:
            ms = slice(c, e)
            if days.per_plant and level:
                days.move_to_working_days(d.plant[ms], gross[ms])
            new[ms] = d.production_of(ms)
            projected[ms] = d.on_hand[ms, None] + np.cumsum(fixed[ms] + new[ms] - gross[ms],
                                                            axis=1)
            _offset(ms, new[ms], d, releases, days)
        if len(d.firm_list["pos"]):
            _offset_firm(level, d, releases, days)
        edges = np.flatnonzero(d.llc[d.par] == level)
        if len(edges):
            _explode(edges, d, releases, gross)

    orders = _orders(d, new, days)
    links = None
    if peg:
        from sop_xl.plan.pegging import link
        independent = None
        if end_demand is not None:
            independent = np.zeros((n, n_days))
            ok = d.mps_pos >= 0
            independent[d.mps_pos[ok]] = np.asarray(end_demand, dtype=float)[ok]
        links = link(d, orders, independent, days)
    planned = new if d.firm is None else new + d.firm
    daily = {"gross": gross, "receipts": d.receipts, "fixed": fixed, "planned": planned,
             "projected": projected, "releases": releases}
    # the grid's sums of receipts, gross and planned receipts are made when it is shown
    bucketed = {"net": net_b}
    return MRPResult(days, d.names, k, d.llc, daily, bucketed, d.on_hand, d.safety, d.lead,
                     d.yield_, d.rules.whole(), d.is_mps, orders, d.receipt_list, links,
                     d.plant)


def _explode(edges: np.ndarray, d: _Data, releases: np.ndarray, gross: np.ndarray) -> None:
    """Gross requirements of the components of ``edges`` (BOM lines) += parents' planned
    releases × quantity per, day by day, as one sparse (components × items) product."""
    comps, ci = np.unique(d.com[edges], return_inverse=True)
    w = sparse.csr_matrix((d.factor[edges], (ci, d.par[edges])),
                          shape=(len(comps), releases.shape[0]))
    gross[comps] += w @ releases


def _offset(sel: slice, receipts: np.ndarray, d: _Data, releases: np.ndarray,
            days: PlanDays) -> None:
    """Planned receipts (rows ``sel`` × days, one order per item and day) → started
    quantities on their release days, a lead time earlier; a release before the plan goes
    to day 0 (past due). Each run of rows with one lead time is shifted as a block."""
    # most items start what they deliver: no scrap, and whole pieces already (a counted
    # item's lot is a whole number of pieces); only the others are worked out, and the
    # MPS's quantities, which a planner may have typed with a fraction
    y = d.yield_[sel]
    mult = d.rules.multiple[sel]
    whole_lots = ~d.rules.whole()[sel] | ((mult >= 1) & (mult == np.floor(mult)))
    odd = (y != 1.0) | ~whole_lots
    if d.is_mps[sel].any():
        odd |= (receipts != np.floor(receipts)).any(axis=1)
    scrap = np.flatnonzero(odd)
    lead = d.lead[sel]
    out = releases[sel]
    plant = d.plant[sel]
    _shift(receipts, lead, out, plant, days)
    if len(scrap):
        # the few items that start more than they deliver: their rows again, from their
        # started quantities (no copy of the whole level's receipts); an item's releases
        # are its own rows alone, still zero before this
        block = receipts[scrap] * y[scrap, None]
        whole = d.rules.whole()[sel][scrap]
        np.ceil(block - _EPS, out=block, where=np.broadcast_to(whole[:, None], block.shape))
        fresh = np.zeros_like(block)
        _shift(block, lead[scrap], fresh, plant[scrap], days)
        out[scrap] = fresh


def _shift(started: np.ndarray, lead: np.ndarray, out: np.ndarray, plant: np.ndarray,
           days: PlanDays) -> None:
    """``out`` += ``started`` (rows × days) moved ``lead`` working days of each row's
    plant earlier, what falls before day 0 on day 0; each run of rows with one plant and
    lead time as a block."""
    if not days.per_plant:
        _shift_days(started, lead, out)
        return
    cuts = np.flatnonzero(np.diff(plant)) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(lead)], strict=True):
        _shift_plant(started[a:b], lead[a:b], out[a:b], days.own_days(int(plant[a])))


def _shift_days(started: np.ndarray, lead: np.ndarray, out: np.ndarray) -> None:
    """``_shift`` when every row counts the days of ``started``' columns."""
    n_days = started.shape[1]
    cuts = np.flatnonzero(np.diff(lead)) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(lead)], strict=True):
        lt = int(lead[a])
        block, rows = started[a:b], out[a:b]
        if lt >= n_days:
            rows[:, 0] += block.sum(axis=1)
            continue
        rows[:, 0] += block[:, :lt + 1].sum(axis=1)
        rows[:, 1:n_days - lt] += block[:, lt + 1:]


def _shift_plant(started: np.ndarray, lead: np.ndarray, out: np.ndarray,
                 own: np.ndarray) -> None:
    """``_shift`` for rows of one plant, working on the days ``own`` of the plan: the
    receipts are folded onto the plant's own days (one on a day it does not work counts
    on its working day before), shifted there as with one calendar, and put back on the
    plan's days. Folding once per plant, not per lead time, is what keeps several
    calendars about as fast as one."""
    n_days = started.shape[1]
    if len(own) == n_days:   # the plant works every day of the plan
        _shift_days(started, lead, out)
        return
    past = np.zeros(len(lead))   # released before the plan: day 0
    if not len(own):
        out[:, 0] += started.sum(axis=1)
        return
    head = int(own[0])
    if head:                     # due before the plant's first day: released before it
        past += started[:, :head].sum(axis=1)
    # the plant's days come in a few stretches of consecutive plan days (its closures
    # are few): copied and added back stretch by stretch, not gathered day by day
    k = np.r_[0, np.flatnonzero(np.diff(own) != 1) + 1, len(own)]
    stretches = [(int(k0), int(k1), int(own[k0])) for k0, k1 in pairwise(k)]
    closed = np.setdiff1d(np.arange(head, n_days), own, assume_unique=True)
    m = len(own)
    if len(closed) and started[:, closed].any():
        folded = np.add.reduceat(started[:, head:], own - head, axis=1)
    else:
        folded = np.empty((len(lead), m))
        for k0, k1, day in stretches:
            folded[:, k0:k1] = started[:, day:day + k1 - k0]
    moved = np.empty_like(folded)
    cuts = np.flatnonzero(np.diff(lead)) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(lead)], strict=True):
        lt = int(lead[a])
        block = folded[a:b]
        if lt >= m:
            past[a:b] += block.sum(axis=1)
            moved[a:b] = 0.0
            continue
        if lt:
            past[a:b] += block[:, :lt].sum(axis=1)
            moved[a:b, m - lt:] = 0.0
        moved[a:b, :m - lt] = block[:, lt:]
    for k0, k1, day in stretches:
        out[:, day:day + k1 - k0] += moved[:, k0:k1]
    out[:, 0] += past


def _offset_firm(level: int, d: _Data, releases: np.ndarray, days: PlanDays) -> None:
    """Firm planned orders of the items at ``level``, each as given."""
    f = d.firm_list
    at = (d.llc[f["pos"]] == level) & (f["day"] < releases.shape[1])
    rows = f["pos"][at]
    if not len(rows):
        return
    started = started_quantity(f["qty"][at], d.yield_[rows], d.rules.whole()[rows])
    day = np.maximum(days.earlier(d.plant[rows], f["day"][at], d.lead[rows]), 0)
    np.add.at(releases.reshape(-1), rows * releases.shape[1] + day, started)


def _orders(d: _Data, new: np.ndarray, days: PlanDays) -> dict[str, np.ndarray]:
    """Every order: firm orders as given, then one new order per item and due day."""
    due = new > _EPS
    count = due.sum(axis=1)
    flat = np.flatnonzero(due)
    del due
    qty = new.reshape(-1)[flat]
    # row and day of each: rows from the count per row (no integer division of millions);
    # the day in place of the flat position (a plant has millions of orders: each array
    # less is memory the system need not hand over and clear)
    n_rows, n_days = new.shape
    r = np.repeat(np.arange(n_rows), count)
    t = flat
    t -= np.repeat(np.arange(n_rows) * n_days, count)
    f = d.firm_list
    inside = f["day"] < new.shape[1]
    firm = np.zeros(len(r), bool)
    if inside.any():
        r = np.concatenate([f["pos"][inside], r])
        t = np.concatenate([f["day"][inside], t])
        qty = np.concatenate([f["qty"][inside], qty])
        firm = np.concatenate([np.ones(int(inside.sum()), bool), firm])
    # planned orders of counted items are whole lots, so without scrap they start what
    # they deliver; the MPS's and firm quantities were typed and may hold a fraction
    whole = d.rules.whole()
    mult = d.rules.multiple
    exact = (d.yield_ == 1.0) & ~d.is_mps & (~whole | ((mult >= 1) & (mult == np.floor(mult))))
    if inside.any():
        exact = exact.copy()
        exact[f["pos"][inside]] = False
    release = None
    if days.per_plant:   # released a lead time of the plant's working days earlier
        release = _plant_releases(d, count, r, t, days)
    return order_columns(r, t, qty, firm, lead=d.lead, yields=d.yield_, whole=whole,
                         exact=exact, release=release)


def _plant_releases(d: _Data, count: np.ndarray, r: np.ndarray, t: np.ndarray,
                    days: PlanDays) -> np.ndarray:
    """The release day of each order (``r``, ``t``: rows and due days, firm orders first,
    then the new ones by row, ``count`` of them per row) with per-plant calendars: the new
    orders of each run of rows with one plant and lead time read one day map."""
    n_firm = len(r) - int(count.sum())
    out = np.empty(len(r), np.int64)
    if n_firm:
        fr = r[:n_firm]
        out[:n_firm] = days.earlier(d.plant[fr], t[:n_firm], d.lead[fr])
    ends = n_firm + np.cumsum(count)
    cuts = np.flatnonzero(np.diff(d.plant) | np.diff(d.lead)) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(count)], strict=True):
        lo, hi = int(ends[a] - count[a]), int(ends[b - 1])
        if hi > lo:
            np.take(days.lead_map(int(d.plant[a]), int(d.lead[a])), t[lo:hi],
                    out=out[lo:hi])
    return out


# -- the reference: the same procedure, item by item, day by day -------------------------

def plan_item_by_item(items: pd.DataFrame, bom: pd.DataFrame, mps_items: pd.Index,
                      mps_production: np.ndarray, on_hand: pd.Series,
                      receipts: pd.DataFrame | None, days: PlanDays, *,
                      firm: pd.DataFrame | None = None,
                      plants: np.ndarray | None = None) -> dict[str, dict[str, list]]:
    """The MRP written as the textbook loop: for each item in low-level-code order, for
    each working day, net, size, offset and explode into the components, in plain Python.

    Returns per item its daily gross, planned receipts (new + firm), projected on hand and
    planned releases (started pieces) as lists. Slow by design: the yardstick for
    ``plan``."""
    d = _prepare(items, bom, mps_items, mps_production, on_hand, receipts, days, firm,
                 plants)
    n, n_days = len(d.index), len(days)
    # each plant's working days, and for each of its working days its place among them
    works = [days.works(int(p)).tolist() for p in range(int(d.plant.max(initial=0)) + 1)]
    comps: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for p, c, f in zip(d.par.tolist(), d.com.tolist(), d.factor.tolist(), strict=True):
        comps[p].append((c, f))
    gross = [[0.0] * n_days for _ in range(n)]
    sr = d.receipts.tolist()
    fm = d.firm.tolist() if d.firm is not None else [[0.0] * n_days for _ in range(n)]
    firm_orders: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for p, t, q in zip(d.firm_list["pos"].tolist(), d.firm_list["day"].tolist(),
                       d.firm_list["qty"].tolist(), strict=True):
        if t < n_days:
            firm_orders[p].append((t, q))
    prod = [[0.0] * n_days for _ in range(n)]
    for row, values in zip(d.mps_rows.tolist(), d.mps_production.tolist(), strict=True):
        prod[row] = values
    rule, fixed = d.rules.rule.tolist(), d.rules.fixed.tolist()
    minimum, multiple, poq = d.rules.minimum.tolist(), d.rules.multiple.tolist(), \
        d.rules.poq.tolist()
    whole = d.rules.whole().tolist()
    out: dict[str, dict[str, list]] = {}
    for i in sorted(range(n), key=lambda k: (int(d.llc[k]), k)):
        g, ss, poh = gross[i], float(d.safety[i]), float(d.on_hand[i])
        w = works[int(d.plant[i])]
        last = 0   # a requirement on a day the plant does not work: its working day before
        for t in range(n_days):
            if w[t]:
                last = t
            elif t and g[t]:
                g[last] += g[t]
                g[t] = 0.0
        supply = [sr[i][t] + fm[i][t] for t in range(n_days)]
        floor = [ss] * n_days
        planned, projected = [0.0] * n_days, [0.0] * n_days
        new_orders: list[tuple[int, float]] = []
        for t in range(n_days):
            avail = poh + supply[t]
            if d.is_mps[i]:
                q = prod[i][t]
            else:
                net = g[t] + ss - avail
                window = 0.0
                if net > _EPS and rule[i] == POQ:
                    end = netting.window_end(days, poq[i], t)
                    window = netting.poq_window_one(g, supply, floor, t, end, avail)
                q = size_one(net, window, rule[i], fixed[i], minimum[i], multiple[i])
            if q > _EPS:
                new_orders.append((t, q))
            planned[t] = q + fm[i][t]
            poh = avail + q - g[t]
            projected[t] = poh
        released = [0.0] * n_days
        lead, y = int(d.lead[i]), float(d.yield_[i])
        for t, q in new_orders + firm_orders[i]:
            s = q * y
            if whole[i]:
                s = float(np.ceil(s - _EPS))
            released[max(_back(w, t, lead, days, int(d.plant[i])), 0)] += s
        for c, f in comps[i]:
            gc = gross[c]
            for t in range(n_days):
                gc[t] += released[t] * f
        out[str(d.names[i])] = {"gross": g, "planned_receipts": planned,
                                "projected": projected, "planned_releases": released}
    return out


def _back(works: list[bool], t: int, lead: int, days: PlanDays, plant: int) -> int:
    """The day ``lead`` of the plant's working days (``works``) before day ``t``, walked
    day by day; before the plan: ``PlanDays.earlier``."""
    if not days.per_plant:
        return t - lead
    while t > 0 and not works[t]:
        t -= 1
    if not works[t]:
        return int(days.earlier(plant, t, lead))
    for _ in range(lead):
        t -= 1
        while t >= 0 and not works[t]:
            t -= 1
        if t < 0:
            return -1   # before the plan: released on day 0
    return t
