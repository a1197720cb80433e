"""MRP action messages (APICS: "an output of MRP that identifies the need for and the type
of action to be taken"), on dates: numbers and dates for each item below the MPS, no words
(``sop_xl.plan.alerts`` grades them, ``sop_xl.layout`` words them).

- **past-due release**: a planned or firm order whose release date, due date less its lead
  time in working days, is before the planning date;
- **shortage within lead time**: on hand, scheduled receipts and firm orders run out
  (stock below zero) before an order released today could arrive, its lead time from
  the planning date: the run-out date, the shortfall, the earliest arrival;
- **reschedule** each scheduled receipt against its need date (APICS): the first day on
  which on hand and the receipts due before it no longer cover the requirements plus
  safety stock. Needed earlier: expedite (reschedule in); later: de-expedite (reschedule
  out); not within the plan: cancel. A receipt past due and still open is an expedite
  when it is needed now and a de-expedite (re-date it) when it is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sop_xl.plan.mrp import MRPResult

_EPS = 1e-6
KINDS = ("past_due_release", "shortage_lead_time", "expedite", "de_expedite", "cancel")
ACTION_COLUMNS = ["kind", "item", "qty", "order", "due_date", "need_date", "release_date",
                  "run_out_date", "arrive_date", "due_day", "need_day", "release_day",
                  "lead", "reason", "past_due", "covered_qty"]
_NAT = np.datetime64("NaT", "D")
#: why a message is raised, as a code in the columns until the frame is made
REASONS = ("", "firm", "planned", "past_due", "demand", "safety_stock", "not_needed")


def detect(mrp: MRPResult) -> pd.DataFrame:
    """Every action message of the plan (ACTION_COLUMNS), by kind then date.

    Days are positions on the plan's working days (``need_day`` = the plan's length:
    not needed within the plan); dates are the calendar's. ``covered_qty`` on a shortage is
    the started quantity of the item's past-due releases that would cover it; on a
    past-due release, whether its item is short within the lead time (1) or only below
    safety stock (0)."""
    late = _late(mrp)
    short = _shortages(mrp, late)
    parts = [short, _past_due(mrp, short, late), *_reschedule(mrp)]
    cols = {c: np.concatenate([p[c] for p in parts]) for c in (*ACTION_COLUMNS, "pos",
                                                                "key")}
    order = np.lexsort((cols["pos"], cols["key"], cols["kind"]))
    out = {c: cols[c][order] for c in ACTION_COLUMNS}
    # the text columns are codes until here: each is taken from its few words at once, in
    # the string type pandas gives text (no Python string per message converted)
    orders = np.concatenate([[""], mrp.receipt_list["order"]])
    for c, words in (("item", mrp.item_names), ("kind", KINDS), ("reason", REASONS),
                     ("order", orders)):
        out[c] = pd.Series(np.asarray(words, dtype=object)).array.take(
            out[c].astype(np.intp))
    return pd.DataFrame(out, columns=ACTION_COLUMNS)


def _late(mrp: MRPResult) -> np.ndarray:
    """Orders (rows of ``order_data``) of items below the MPS released before the planning
    date, in order."""
    o = mrp.order_data
    before = np.flatnonzero(o["release"] < 0)
    return before[~mrp.is_mps[o["pos"][before]]]


def _frame(kind: str, pos: np.ndarray, key: np.ndarray, **cols: np.ndarray
           ) -> dict[str, np.ndarray]:
    """One kind's columns (numpy), blanks where the kind has no value; ``key`` (a day)
    orders them by date."""
    n = len(pos)
    out: dict[str, np.ndarray] = {"kind": np.full(n, KINDS.index(kind), dtype=np.int8),
                                  "pos": pos,
                                  "key": np.asarray(key, dtype=np.int64)}
    for c in ACTION_COLUMNS[1:]:
        v = cols.get(c)
        if c == "item":
            v = pos
        elif v is None:
            if c.endswith("_date"):
                v = np.full(n, _NAT)
            elif c in ("order", "reason"):   # codes: 0 is blank
                v = np.zeros(n, np.int64)
            elif c == "past_due":
                v = np.zeros(n, bool)
            else:
                v = np.full(n, -1 if c.endswith("_day") or c == "lead" else np.nan)
        out[c] = np.asarray(v)
    return out


def _base(mrp: MRPResult, until: int) -> np.ndarray:
    """Stock of the items below the MPS without new planned orders, over the first
    ``until`` days: on hand + scheduled receipts + firm orders − gross requirements."""
    k = mrp.n_kept
    d = mrp.daily
    return mrp.on_hand_all[:k, None] + np.cumsum(
        d["fixed"][:k, :until] - d["gross"][:k, :until], axis=1)


def _shortages(mrp: MRPResult, late: np.ndarray) -> dict[str, np.ndarray]:
    k, n_days = mrp.n_kept, len(mrp.days)
    lead = mrp.lead[:k]
    # the day an order released today arrives, in working days of the item's plant
    arrive = lead if mrp.plant is None or not mrp.days.per_plant else \
        mrp.days.later(mrp.plant[:k], np.zeros(k, np.int64), lead)
    until = int(min(max(int(arrive.max(initial=0)), 1), n_days))
    empty = np.zeros(0, np.int64)
    if k == 0 or until == 0:
        return _frame("shortage_lead_time", empty, empty)
    base = _base(mrp, until)
    inside = np.arange(until)[None, :] < arrive[:, None]  # an order released today misses
    short = np.where(inside, base, np.inf)
    worst = short.min(axis=1)
    rows = np.flatnonzero(worst < -_EPS)
    if not len(rows):
        return _frame("shortage_lead_time", empty, empty)
    run_out = np.argmax(short[rows] < -_EPS, axis=1)
    o = mrp.order_data
    covered = np.bincount(o["pos"][late], weights=o["release_qty"][late], minlength=k)[:k]
    first_release = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(first_release, o["pos"][late], o["release"][late])
    fr = first_release[rows]
    days = mrp.days
    return _frame(
        "shortage_lead_time", rows, run_out, qty=-worst[rows],
        need_date=days.date_of(run_out), need_day=run_out, run_out_date=days.date_of(run_out),
        arrive_date=days.date_of(arrive[rows]), lead=lead[rows],
        release_date=np.where(fr < 0, days.date_of(np.minimum(fr, 0)), _NAT),
        release_day=np.where(fr < 0, fr, -1), covered_qty=covered[rows])


def _past_due(mrp: MRPResult, short: dict[str, np.ndarray], at: np.ndarray
              ) -> dict[str, np.ndarray]:
    o = mrp.order_data
    k = mrp.n_kept
    pos = o["pos"][at]
    is_short = np.zeros(k, bool)
    is_short[short["pos"]] = True
    days = mrp.days
    return _frame(
        "past_due_release", pos, o["release"][at], qty=o["release_qty"][at],
        due_date=days.date_of(o["due"][at]), due_day=o["due"][at],
        release_date=days.date_of(o["release"][at]), release_day=o["release"][at],
        lead=mrp.lead[pos], reason=np.where(o["firm"][at], REASONS.index("firm"),
                                            REASONS.index("planned")),
        covered_qty=is_short[pos].astype(float))


def _reschedule(mrp: MRPResult) -> list[dict[str, np.ndarray]]:
    """Each scheduled receipt of an item below the MPS against its need date."""
    sr = mrp.receipt_list
    keep = ~mrp.is_mps[sr["pos"]]
    empty = np.zeros(0, np.int64)
    if not keep.any():
        return [_frame("expedite", empty, empty)]
    cols = {c: v[keep] for c, v in sr.items()}
    n_days = len(mrp.days)
    srt = np.lexsort((np.arange(len(cols["pos"])), cols["date"], cols["pos"]))
    pos, day, qty = cols["pos"][srt], cols["day"][srt], cols["qty"][srt]
    date, past = cols["date"][srt], cols["past_due"][srt]
    name = np.flatnonzero(keep)[srt] + 1   # the order's code: its receipt's row + 1
    cs = np.cumsum(qty)
    first = np.concatenate([[True], pos[1:] != pos[:-1]])
    group_start = np.maximum.accumulate(np.where(first, cs - qty, 0.0))
    before = mrp.on_hand_all[pos] + cs - qty - group_start  # on hand + receipts due earlier
    items_, at_item = np.unique(pos, return_inverse=True)
    dem_cum = mrp.daily["gross"][items_]
    rising = not (dem_cum < 0).any()   # requirements of no day below zero: sums never fall
    np.cumsum(dem_cum, axis=1, out=dem_cum)
    dem_cum += mrp.safety[items_, None]
    # the days covered are a count: the need date
    need = _covered_days(dem_cum, at_item, before + _EPS, rising)
    at = np.minimum(need, max(n_days - 1, 0))
    demand_short = (dem_cum[at_item, at] - mrp.safety[pos] > before + _EPS) if n_days else \
        np.zeros(len(pos), bool)
    why = np.where(past, REASONS.index("past_due"), np.where(
        demand_short, REASONS.index("demand"), REASONS.index("safety_stock")))
    days = mrp.days
    kinds = [("cancel", (need >= n_days) & (day < n_days)),
             ("expedite", (need < n_days) & ((need < day) | (past & (need == 0)))),
             ("de_expedite", (need < n_days) & ((need > day) | (past & (need > 0))))]
    out = []
    for kind, sel in kinds:
        out.append(_frame(
            kind, pos[sel], np.where(kind == "cancel", day[sel], need[sel]), qty=qty[sel],
            order=name[sel], due_date=date[sel], due_day=day[sel], need_day=need[sel],
            need_date=np.where(need[sel] < n_days, days.date_of(need[sel]), _NAT),
            reason=(np.full(int(sel.sum()), REASONS.index("not_needed")) if kind == "cancel"
                    else why[sel]), past_due=past[sel],
            lead=mrp.lead[pos[sel]]))
    return out


def _covered_days(cum: np.ndarray, row: np.ndarray, level: np.ndarray,
                  rising: bool) -> np.ndarray:
    """For each receipt, how many days of its item's row of ``cum`` are at most its
    ``level``. Where the rows never fall (``rising``: cumulative requirements) this is the
    first day above the level: found by bisection on all receipts at once (log₂ of the
    days passes), not by comparing every receipt with every day."""
    n_days = cum.shape[1]
    if not rising or not n_days or not len(row):
        return (cum[row] <= level[:, None]).sum(axis=1)
    lo = np.zeros(len(row), np.int64)          # days before lo are at most the level
    hi = np.full(len(row), n_days, np.int64)   # days from hi on are above it
    while (lo < hi).any():
        mid = (lo + hi) // 2
        at = np.minimum(mid, n_days - 1)
        below = (cum[row, at] <= level) & (lo < hi)
        lo = np.where(below, mid + 1, lo)
        hi = np.where(below | (lo >= hi), hi, mid)
    return lo
