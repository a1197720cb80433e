"""Pegging (需求追溯): which end-item demand each planned order serves.

Per item, supply (on hand, scheduled receipts, firm and planned orders) is matched to
requirements first in, first out by working day — SAP's pegged requirements, APICS "full
pegging"; an end-item demand is named by its item and the bucket its day falls in. A
requirement of a component carries the pegging of the parent order that caused it, in
proportion, so an order for a casting three levels down names the pumps and months it is
for. Level by level; within a level all items at once (sorted cumulative quantities and
one ``searchsorted``); the proportional hand-down is a sparse matrix product.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd
from scipy import sparse

from sop_xl.plan.dates import PlanDays

if TYPE_CHECKING:
    from sop_xl.plan.mrp import _Data

_TOL = 1e-7
T_ = TypeVar("T_")
PEG_COLUMNS = ["order", "item", "due_bucket", "end_item", "end_bucket", "qty"]


def fifo(d_group: np.ndarray, d_key: np.ndarray, d_qty: np.ndarray, s_group: np.ndarray,
         s_key: np.ndarray, s_qty: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Match requirements (d) to supplies (s) of the same group first in, first out by key
    (whole numbers; ties keep the order given). Returns (supply index, requirement index,
    quantity).

    Each group's requirements and supplies are laid end to end on one line, the groups one
    after another; every stretch between two consecutive ends belongs to exactly one
    requirement and one supply, found with ``searchsorted``."""
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if len(d_qty) == 0 or len(s_qty) == 0:
        return empty
    groups, inv = np.unique(np.concatenate([d_group, s_group]), return_inverse=True)
    dg, sg = inv[:len(d_group)], inv[len(d_group):]
    g = len(groups)
    span = np.maximum(np.bincount(dg, d_qty, g), np.bincount(sg, s_qty, g))
    base = np.concatenate([[0.0], np.cumsum(span)[:-1]])
    keys = np.concatenate([d_key, s_key]).astype(np.int64)
    lo, width = keys.min(), int(keys.max() - keys.min()) + 1

    def ends(group: np.ndarray, key: np.ndarray, qty: np.ndarray) -> tuple[np.ndarray, ...]:
        order = np.argsort(group.astype(np.int64) * width + (key.astype(np.int64) - lo),
                           kind="stable")
        q, gr = qty[order], group[order]
        cs = np.cumsum(q)
        first = np.concatenate([[True], gr[1:] != gr[:-1]])
        start_cs = np.maximum.accumulate(np.where(first, cs - q, 0.0))
        end = base[gr] + cs - start_cs
        return order, end, end - q

    d_order, d_end, d_start = ends(dg, d_key, d_qty)
    s_order, s_end, s_start = ends(sg, s_key, s_qty)
    pts = np.unique(np.concatenate([base, d_end, s_end]))
    a, b = pts[:-1], pts[1:]
    mid = (a + b) / 2
    di = np.searchsorted(d_end, mid, side="right")
    si = np.searchsorted(s_end, mid, side="right")
    ok = (di < len(d_end)) & (si < len(s_end)) & (b - a > _TOL)
    di_c, si_c = np.minimum(di, len(d_end) - 1), np.minimum(si, len(s_end) - 1)
    ok &= (d_start[di_c] <= mid) & (s_start[si_c] <= mid)
    return s_order[si_c[ok]], d_order[di_c[ok]], (b - a)[ok]


@dataclass
class Links:
    """Single-level pegging: what each order (a row of the MRP's order columns) covers.

    ``end``: (orders × end-item demands) pieces of the order for an end item's demand in a
    bucket (column = item position × buckets + bucket). ``parent``: (orders × orders)
    pieces of the order for a parent order, divided by that parent order's quantity, so a
    product with the parent's own pegging hands it down in proportion."""

    end: sparse.csr_matrix
    parent: sparse.csr_matrix
    names: np.ndarray   # item names by position (the end-item columns)
    buckets: int
    #: each order's item's low-level code: every parent order is on a lower one (a level
    #: order for ``_by_level`` without searching the order graph); None: not known
    levels: np.ndarray | None = None


def link(d: _Data, orders: dict[str, np.ndarray], independent: np.ndarray | None,
         days: PlanDays) -> Links:
    """Match each item's supply to its requirements first in, first out by day, level by
    level.

    ``orders``: sop_xl.plan.orders columns. ``independent`` (items × days, aligned with
    ``d.index``): end-item demand; None pegs each MPS order to its own item and bucket."""
    n = len(d.index)
    h = len(days.buckets)
    bucket = days.bucket
    o_item = orders["pos"]
    n_orders = len(o_item)
    o_due = orders["due"].astype(np.int64)
    o_rel = np.maximum(orders["release"], 0).astype(np.int64)
    o_qty = orders["qty"].astype(float)
    o_started = orders["release_qty"].astype(float)
    o_firm = orders["firm"].astype(bool)
    n_end = n * h
    end_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    par_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    at_all = np.ones(n, dtype=bool)
    if independent is None:
        # no end-item demand given: an order of an MPS item is for its own item and bucket
        mps_o = np.flatnonzero(d.is_mps[o_item])
        end_parts.append((mps_o, o_item[mps_o] * h + bucket[o_due[mps_o]], o_qty[mps_o]))
        independent = np.zeros((n, len(days)))
        at_all = ~d.is_mps
    # every (parent order, BOM line) pair: the requirements orders put on components
    by_parent = np.argsort(d.par, kind="stable")
    par_sorted = d.par[by_parent]
    e_lo = np.searchsorted(par_sorted, o_item, side="left")
    counts = np.searchsorted(par_sorted, o_item, side="right") - e_lo
    dep_order = np.repeat(np.arange(n_orders), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    dep_edge_all = by_parent[np.repeat(e_lo, counts) + within]
    for level in range(int(d.llc.max(initial=0)) + 1):
        at = (d.llc == level) & at_all
        ii, ip = np.nonzero(independent * at[:, None] > _TOL)
        keep = at[d.com[dep_edge_all]]
        dep_o, dep_edge = dep_order[keep], dep_edge_all[keep]
        r_group = np.concatenate([ii, d.com[dep_edge]])
        r_key = np.concatenate([ip, o_rel[dep_o]]) * 4 + 3  # after supply of the bucket
        r_qty = np.concatenate([independent[ii, ip], o_started[dep_o] * d.factor[dep_edge]])
        # supplies: on hand, scheduled receipts, firm orders, planned orders; inside a
        # bucket stock and receipts first (the key is scaled to keep that order)
        oh_i = np.flatnonzero(at & (d.on_hand > _TOL))
        sr_i, sr_p = np.nonzero((d.receipts * at[:, None]) > _TOL)
        mine = np.flatnonzero(at[o_item])
        s_group = np.concatenate([oh_i, sr_i, o_item[mine]])
        s_key = np.concatenate([np.full(len(oh_i), -2), sr_p, o_due[mine]]) * 4
        s_key += np.concatenate([np.zeros(len(oh_i), np.int64), np.ones(len(sr_i), np.int64),
                                 np.where(o_firm[mine], 2, 3)])
        s_qty = np.concatenate([d.on_hand[oh_i], d.receipts[sr_i, sr_p], o_qty[mine]])
        s_order = np.concatenate([np.full(len(oh_i) + len(sr_i), -1), mine])
        si, ri, q = fifo(r_group, r_key, r_qty, s_group, s_key, s_qty)
        is_order = s_order[si] >= 0
        si, ri, q = s_order[si[is_order]], ri[is_order], q[is_order]
        ind = ri < len(ii)
        end_parts.append((si[ind], ii[ri[ind]] * h + bucket[ip[ri[ind]]], q[ind]))
        src = dep_o[ri[~ind] - len(ii)]
        par_parts.append((si[~ind], src, q[~ind] / o_qty[src]))

    def matrix(parts: list, cols: int) -> sparse.csr_matrix:
        if not parts:
            return sparse.csr_matrix((n_orders, cols))
        r, c, v = (np.concatenate(x) for x in zip(*parts, strict=True))
        return sparse.csr_matrix((v, (r, c)), shape=(n_orders, cols))

    return Links(matrix(end_parts, n_end), matrix(par_parts, n_orders),
                 d.index.to_numpy(dtype=object), h, np.asarray(d.llc)[o_item])


def trace(links: Links, select: np.ndarray, orders: dict[str, np.ndarray], days: PlanDays,
          ) -> pd.DataFrame:
    """Multi-level pegging of the orders ``select`` (order rows) to end-item demand:
    Σ_k S·P^k·E over the BOM levels, S the selection, P the parent links, E the end links.
    ``order`` in the result is the position in ``select``."""
    k = len(select)
    parent, end = links.parent, links.end
    reach = sparse.csr_matrix((np.ones(k), (np.arange(k), select)), shape=(k, parent.shape[0]))
    total = sparse.csr_matrix((k, end.shape[1]))
    while reach.nnz:
        total = total + reach @ end
        reach = reach @ parent
        reach.eliminate_zeros()
    coo = total.tocoo()
    keep = coo.data > _TOL
    row, col, val = coo.row[keep], coo.col[keep], coo.data[keep]
    order = np.lexsort((-val, row))
    row, col, val = row[order], col[order], val[order]
    h = links.buckets
    return pd.DataFrame({"order": row.astype(np.int64),
                         "item": links.names[orders["pos"][select][row]],
                         "due_bucket": days.bucket_of(orders["due"][select][row]),
                         "end_item": links.names[col // h],
                         "end_bucket": (col % h).astype(np.int64), "qty": val},
                        columns=PEG_COLUMNS)


def describe(pegging: pd.DataFrame | None, n_orders: int, periods: list[str],
             most: int = 3) -> pd.Series:
    """Pegging as text per order: the largest ``most`` end-item demands it serves, and how
    many more there are: "A 2027-01: 90; B 2027-01: 40 (+2)" (``full_text`` writes the
    same words level by level, without the trace's rows)."""
    out = np.full(n_orders, "", dtype=object)
    if pegging is None or pegging.empty:
        return pd.Series(out)
    p = pegging.sort_values(["order", "qty"], ascending=[True, False], kind="stable")
    order = p["order"].to_numpy()
    first = np.concatenate([[True], order[1:] != order[:-1]])
    start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    rank = np.arange(len(order)) - start
    labels = [str(x) for x in periods]
    parts = [np.full(n_orders, "", dtype=object) for _ in range(most)]
    for k in range(most):
        at = rank == k
        parts[k][order[at]] = [f"{e} {labels[b]}: {q:,.0f}" for e, b, q in
                               zip(p["end_item"].to_numpy(dtype=object)[at],
                                   p["end_bucket"].to_numpy()[at], p["qty"].to_numpy()[at],
                                   strict=True)]
    count = np.bincount(order, minlength=n_orders)
    for o, texts in enumerate(zip(*parts, strict=True)):
        if count[o]:
            text = "; ".join(t for t in texts if t)
            extra = count[o] - most
            if extra > 0:
                text += f" (+{extra})"
            out[o] = text
    return pd.Series(out)



def _by_level(links: Links, work: _Work | None = None,
              ) -> Iterator[tuple[np.ndarray, sparse.csr_matrix]]:
    """Exact multi-level pegging of every order, a level of the order graph at a time:
    (orders, their rows of T) with T = E + P·T, i.e. Σ_k P^k·E as ``trace`` sums it.
    An order's parent orders are all on earlier levels, so each order's pegging is built
    once from its parents' (one sparse product a level) instead of once per BOM path.
    With ``work``, a level's product is made in pieces of rows (each row is its own sum,
    so the pieces are the rows of the whole product) on its threads, a few ahead, and
    yielded piece by piece in row order. Rows come with their end-item columns in no
    particular order."""
    parent, end = sparse.csr_matrix(links.parent), sparse.csr_matrix(links.end)
    parent.sum_duplicates()
    end.sum_duplicates()
    level = links.levels
    if level is None or len(level) != parent.shape[0] or not np.all(
            level[np.repeat(np.arange(parent.shape[0]), np.diff(parent.indptr))]
            > level[parent.indices]):
        level = _levels(parent)  # not known, or some parent not on a lower level
    level = np.asarray(level, dtype=np.int64)
    perm = np.argsort(level, kind="stable")
    bounds = np.searchsorted(level[perm], np.arange(int(level.max(initial=0)) + 2))
    # rows in level order; columns relabelled in place, each row's links kept in their
    # order (what parent[perm][:, perm] gives, without its column search)
    back = np.empty_like(perm)
    back[perm] = np.arange(len(perm))
    p = parent[perm]
    p.indices = back[p.indices].astype(p.indices.dtype)
    p.has_sorted_indices = False
    n_end = end.shape[1]
    work = work or _Work(1)
    done: list[sparse.csr_matrix] = []
    for lv in range(len(bounds) - 1):
        lo, hi = bounds[lv], bounds[lv + 1]
        t = end[perm[lo:hi]]
        last = lv == len(bounds) - 2
        if not done:
            t = _solved(t)
            if not last:
                done.append(t)
            yield perm[lo:hi], t
            continue
        # E + P·T as one product [P | E]·[T; I]: the parents' sum first, then the
        # order's own end links (the same additions, in the same order, as P·T + E),
        # and no sum of two matrices or sort of the result after it
        below = _stacked(done, n_end)
        a = sparse.hstack([_rows(p, lo, hi, lo), t], format="csr")
        # at most this many links a row (each parent's links, each own end link)
        reach = np.concatenate([[0], np.cumsum(np.diff(below.indptr)[a.indices])])[a.indptr]
        cuts = np.unique(np.searchsorted(
            reach, np.arange(1, 1 + reach[-1] // _PIECE) * _PIECE)).tolist()
        rows = list(zip([0, *cuts], [*cuts, hi - lo], strict=True))
        rows = [(r0, r1) for r0, r1 in rows if r1 > r0]
        ahead: list[tuple[int, int, Future]] = []
        for k, (r0, r1) in enumerate(rows):
            ahead.append((r0, r1, work.run(int(reach[r1] - reach[r0]), _product,
                                           _rows(a, r0, r1), below)))
            while ahead and (len(ahead) > work.workers or k == len(rows) - 1):
                q0, q1, f = ahead.pop(0)
                piece = f.result()
                if not last:
                    done.append(piece)
                yield perm[lo + q0:lo + q1], piece
        del below, a


def _rows(m: sparse.csr_matrix, lo: int, hi: int, cols: int | None = None,
          ) -> sparse.csr_matrix:
    """Rows ``lo:hi`` of ``m`` as they are (``cols``: the columns kept, all its links
    being left of it: p[lo:hi, :lo] without the column search)."""
    a, b = m.indptr[lo], m.indptr[hi]
    return sparse.csr_matrix((m.data[a:b], m.indices[a:b], m.indptr[lo:hi + 1] - a),
                             shape=(hi - lo, m.shape[1] if cols is None else cols))


def _stacked(done: list[sparse.csr_matrix], n_end: int) -> sparse.csr_matrix:
    """[T; I]: the solved rows in order, then an identity of the end-item columns, as
    ``sparse.vstack`` makes it (each row's links in their order), its arrays joined at
    once (vstack checks and casts every piece's indices)."""
    sizes = np.array([m.nnz for m in done], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(sizes)])
    total = int(first[-1]) + n_end
    index = np.int32 if max(total, n_end) < 2**31 - 1 else np.int64
    data = np.concatenate([*(m.data for m in done), np.ones(n_end)])
    indices = np.concatenate([*(m.indices for m in done),
                              np.arange(n_end, dtype=index)]).astype(index, copy=False)
    indptr = np.concatenate([*((m.indptr[:-1] + f).astype(index) for m, f in
                               zip(done, first[:-1].tolist(), strict=True)),
                             (np.arange(n_end + 1) + first[-1]).astype(index)])
    rows = sum(m.shape[0] for m in done) + n_end
    return sparse.csr_matrix((data, indices, indptr), shape=(rows, n_end))


def _product(a: sparse.csr_matrix, below: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows of T = [P | E]·[T; I] (see ``_by_level``), links of noise dropped."""
    return _solved(a @ below)


def _solved(t: sparse.csr_matrix) -> sparse.csr_matrix:
    t.data[t.data <= _TOL] = 0.0
    t.eliminate_zeros()
    return t


#: estimated links of a piece of a level's product, and of a piece worth a thread
_PIECE = 3_000_000
_THREAD_FROM = 500_000


class _Work:
    """Pieces of the pegging's work, on ``workers`` threads once a piece is large enough
    to pay for it (sparsetools' products and numpy's large loops leave the GIL, so the
    second core makes one piece while the first writes another's words); small pieces,
    and everything when there is one core, run in the caller's thread."""

    def __init__(self, workers: int) -> None:
        self.workers = max(workers, 1)
        self.pool: ThreadPoolExecutor | None = None

    def run(self, size: int, fn: Callable[..., T_], *args: object) -> Future[T_]:
        if self.workers > 1 and size >= _THREAD_FROM:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(self.workers, "pegging")
            return self.pool.submit(fn, *args)
        f: Future[T_] = Future()
        f.set_result(fn(*args))
        return f

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def full(links: Links) -> sparse.csr_matrix:
    """Every order's exact multi-level pegging (orders × end-item demands, pieces)."""
    n = links.parent.shape[0]
    rows, blocks = [], []
    for orders, t in _by_level(links):
        t.sort_indices()
        rows.append(orders)
        blocks.append(t)
    if not blocks:
        return sparse.csr_matrix((n, links.end.shape[1]))
    back = np.empty(n, dtype=np.int64)
    back[np.concatenate(rows)] = np.arange(n)
    return sparse.vstack(blocks, format="csr")[back]


def _levels(parent: sparse.csr_matrix) -> np.ndarray:
    """Each order's depth in the order graph: 0 with no parent order, else one more than
    its deepest parent."""
    n = parent.shape[0]
    level = np.zeros(n, dtype=np.int64)
    has = np.flatnonzero(np.diff(parent.indptr) > 0)
    if not len(has):
        return level
    starts = parent.indptr[has]
    for _ in range(n + 1):
        new = level.copy()
        new[has] = np.maximum.reduceat(level[parent.indices] + 1, starts)
        if np.array_equal(new, level):
            return level
        level = new
    raise ValueError("the pegging links have a cycle")


def full_text(links: Links, select: np.ndarray, periods: list[str],
              most: int = 3) -> pd.Series:
    """Exact pegging text of the orders ``select`` in ``describe``'s words (the largest
    ``most`` end-item demands, largest first, near-ties by end item and bucket, then how
    many more), without listing every link as a row: each piece of a level's pegging is
    read as it is solved (``_by_level``), its words made on a second thread while the
    next piece is solved."""
    n_orders = links.parent.shape[0]
    where = np.full(n_orders, -1, dtype=np.int64)
    where[select] = np.arange(len(select))
    out = np.full(len(select), "", dtype=object)
    words = _Words(links.names, [str(x) for x in periods], links.buckets)
    work = _Work(min(_cores(), 4))
    try:
        texts: list[tuple[np.ndarray, Future[np.ndarray]]] = []
        for orders, t in _by_level(links, work):
            mine = np.flatnonzero(where[orders] >= 0)
            texts.append((where[orders[mine]],
                          work.run(int(t.nnz), words.of_rows, t, mine, most)))
            while texts and texts[0][1].done():
                at, f = texts.pop(0)
                out[at] = f.result()
        for at, f in texts:
            out[at] = f.result()
    finally:
        work.close()
    # Python strings as they are: the sheets take them as an array (.to_numpy()), and a
    # text Series would first copy 3 M of them into Arrow and back
    return pd.Series(out, dtype=object)


#: links per piece of ``full_text``'s words
_CHUNK = 2_000_000


class _Words:
    """The pieces of pegging text: "<end item> <period>: <qty>", joined by "; ", then
    " (+n)". Each piece is made once (an end-item demand's "<item> <period>: ", with and
    without the "; " before it, when first needed; a quantity's digits once a block) and
    an order's text is the join of its pieces: one ``str.join`` and one ``split`` for a
    block of orders, no string made per order and word."""

    def __init__(self, names: np.ndarray, labels: list[str], h: int) -> None:
        self.names = [f"{x} " for x in names]
        self.labels = [f"{x}: " for x in labels]
        self.h = h
        n_end = len(self.names) * h
        # "<item> <period>: " by end-item column, and the same after "; "; made on demand
        self.head = np.full(n_end, "", dtype=object)
        self.head_after = np.full(n_end, "", dtype=object)
        self.made = np.zeros(n_end, dtype=bool)
        self.lock = threading.Lock()
        # the orders' texts are cut apart at a character no piece contains
        used = set("".join(self.names) + "".join(self.labels))
        self.cut = next((c for c in ("\n", "\x00", "\x01", "\x02", "\x03")
                         if c not in used), None)

    def of_rows(self, t: sparse.csr_matrix, rows: np.ndarray, most: int) -> np.ndarray:
        """The pegging text of the ``rows`` of ``t``, a few million links at a time (the
        words' working arrays stay small)."""
        size = np.diff(t.indptr)[rows]
        cuts = np.searchsorted(np.cumsum(size), np.arange(1, 1 + size.sum() // _CHUNK) *
                               _CHUNK)
        parts = [self.of(t[part], most) for part in np.split(rows, np.unique(cuts))
                 if len(part)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=object)

    def _heads(self, cols: np.ndarray) -> None:
        """Make the pieces of the end-item columns ``cols`` not made yet."""
        new = cols[~self.made[cols]]
        if not len(new):
            return
        with self.lock:
            new = np.unique(new)
            new = new[~self.made[new]]
            head = [self.names[c // self.h] + self.labels[c % self.h] for c in new.tolist()]
            self.head[new] = head
            self.head_after[new] = ["; " + x for x in head]
            self.made[new] = True

    def of(self, t: sparse.csr_matrix, most: int) -> np.ndarray:
        """The pegging text of each row of ``t`` (orders × end-item demands, columns in
        any order within a row)."""
        n = t.shape[0]
        counts = np.diff(t.indptr)
        rows = np.flatnonzero(counts)
        grid = np.full((n, 2 * most + 2), "", dtype=object)
        if not len(rows):
            return grid[:, 0]
        for k, (r, col, qty) in enumerate(_largest(t, rows, most)):
            self._heads(col)
            grid[r, 2 * k] = (self.head_after if k else self.head)[col]
            grid[r, 2 * k + 1] = _number_words(qty)
        extra = counts - most
        more = np.flatnonzero(extra > 0)
        grid[more, 2 * most] = _number_words(extra[more], " (+{})")
        if self.cut is None:
            return np.asarray(["".join(x) for x in grid[:, :-1].tolist()], dtype=object)
        grid[:, -1] = self.cut
        text = "".join(grid.ravel().tolist()).split(self.cut)
        return np.asarray(text[:-1], dtype=object)


def _largest(t: sparse.csr_matrix, rows: np.ndarray, most: int,
             ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The ``most`` largest links of the non-empty ``rows`` of ``t``, largest first: per
    rank (rows that have one, end-item column, whole pieces). Quantities compare to 6
    decimals: near-ties (float noise of the sums) rank by end item and bucket (lowest
    column first), and a quantity within noise of a half rounds as the half would."""
    starts = t.indptr[rows]
    n_in = np.diff(t.indptr)[rows]
    cols = t.indices.astype(np.int64)
    width = max(t.shape[1], 1)
    micro = np.rint(t.data * 1e6)  # np.round(data, 6) is micro / 1e6
    if len(micro) and micro.max() * width >= 2.0**62:
        yield from _largest_by_masking(t, rows, most)
        return
    # one key a link, larger first: quantity to 6 decimals, then the lower column
    key = micro.astype(np.int64) * width + (width - 1 - cols)
    del micro, cols
    best = np.maximum.reduceat(key, starts)
    for k in range(most):
        if k:
            below = np.where(key < np.repeat(best, n_in), key, -1)
            best = np.maximum.reduceat(below, starts)
            del below
        ok = best >= 0
        b = best[ok]
        yield (rows[ok], width - 1 - b % width,
               np.rint((b // width) / 1e6).astype(np.int64))


def _largest_by_masking(t: sparse.csr_matrix, rows: np.ndarray, most: int,
                        ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``_largest`` for quantities too large for one 64-bit key a link: the largest
    found and masked out a rank at a time."""
    starts = t.indptr[rows]
    n_in = np.diff(t.indptr)[rows]
    data = np.round(t.data, 6)
    data_q = data.copy()
    cols = t.indices
    last = np.int64(np.iinfo(cols.dtype).max)
    for k in range(most):
        top = np.repeat(np.maximum.reduceat(data, starts), n_in)
        tie = np.where(data == top, cols, last)
        del top
        low = np.minimum.reduceat(tie, starts)
        f = np.flatnonzero(tie == np.repeat(low, n_in))
        del tie
        ok = n_in > k
        r, f = rows[ok], f[ok]
        data[f] = -np.inf
        yield r, cols[f], np.rint(data_q[f]).astype(np.int64)


def _number_words(qty: np.ndarray, form: str = "{:,}") -> np.ndarray:
    """Whole numbers as text (``form``; thousands separators: "1,250"), each distinct one
    formatted once (a table over the range when it is small, else a sort)."""
    if not len(qty):
        return np.zeros(0, dtype=object)
    lo, hi = int(qty.min()), int(qty.max())
    if hi - lo > 4 * len(qty) + 1_000_000:
        values, inv = np.unique(qty, return_inverse=True)
        return np.asarray([form.format(q) for q in values.tolist()], dtype=object)[inv]
    table = np.zeros(hi - lo + 1, dtype=object)
    present = np.flatnonzero(np.bincount(qty - lo, minlength=hi - lo + 1))
    table[present] = [form.format(q + lo) for q in present.tolist()]
    return table[qty - lo]
