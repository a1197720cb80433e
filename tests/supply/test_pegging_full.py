"""Exact pegging of every order solved level by level (sop_xl.plan.pegging.full): the same
links as the multi-level trace, and the same words on the PlannedOrders sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from sop_xl.plan import mrp, pegging
from tests.supply.test_mrp import (
    BUCKETS,
    DAYS,
    bom,
    daily_production,
    items,
    on_mondays,
    plan,
    plants,
    receipts,
)


def _three_levels():
    # test_mrp's hand-worked plant: A → S ×2, A → R, B → S, S → R ×3
    it = items(("A", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("B", "FG", 5, "L4L", 0, 0, 0, 1, 0),
               ("S", "SFG", 5, "L4L", 0, 0, 0, 1, 0), ("R", "RM", 10, "FIXED", 100, 0, 0, 1, 0))
    b = bom(("A", "S", 2.0), ("A", "R", 1.0), ("B", "S", 1.0), ("S", "R", 3.0))
    prod = [[0, 0, 0, 20, 0, 30, 0, 0, 0], [0, 0, 0, 0, 10, 0, 10, 0, 0]]
    return plan(it, b, ["A", "B"], prod, {"S": 10, "R": 50}, receipts(("PO7", "R", 100.0, 1)),
                end_demand=on_mondays(prod))


def test_exact_text_names_the_demands_worked_by_hand() -> None:
    r = _three_levels()
    labels = BUCKETS.labels
    text = pegging.full_text(r.links, np.flatnonzero(r.order_kept), r.periods)
    orders = r.orders
    r_w3 = int(np.flatnonzero((orders["item"] == "R") & (orders["due_bucket"] == 3))[0])
    r_w4 = int(np.flatnonzero((orders["item"] == "R") & (orders["due_bucket"] == 4))[0])
    # R's 200 due w3: 170 for A in w5 (through S), 30 for B in w6; R's 100 due w4: A's 30
    assert text[r_w3] == f"A {labels[5]}: 170; B {labels[6]}: 30"
    assert text[r_w4] == f"A {labels[5]}: 30"
    # the sheets' text is this exact one, and the same words as the trace's rows give
    assert text.tolist() == r.pegging_text().tolist()
    assert text.tolist() == pegging.describe(r.pegging, len(text), r.periods).tolist()


def test_more_than_three_demands_are_counted() -> None:
    r = _three_levels()
    text = r.pegging_text(most=1)
    peg = r.pegging
    for o, t in enumerate(text):
        n = int((peg["order"] == o).sum())
        assert t.endswith(f"(+{n - 1})") == (n > 1)


@given(plants(), st.data())
@settings(max_examples=60, deadline=None)
def test_level_by_level_equals_the_trace_of_every_path(plant, data) -> None:
    it, b, on_hand, sr = plant
    prod = daily_production(data.draw, len(DAYS))
    r = mrp.plan(it, b, pd.Index(["I0"]), prod, pd.Series(on_hand, dtype=float), sr, DAYS)
    sel = np.flatnonzero(r.order_kept)
    peg = r.pegging  # Σ_k S·P^k·E, path by path
    got = pegging.full(r.links)[sel].toarray()
    np.testing.assert_array_equal(_on_threads(lambda: pegging.full(r.links))[sel].toarray(),
                                  got)
    want = np.zeros_like(got)
    h = r.links.buckets
    names = {n: k for k, n in enumerate(r.links.names)}
    col = np.array([names[e] * h + b for e, b in zip(peg["end_item"], peg["end_bucket"],
                                                     strict=True)], dtype=np.int64)
    np.add.at(want, (peg["order"].to_numpy(), col), peg["qty"].to_numpy())
    np.testing.assert_allclose(got, want, atol=1e-6)
    # and the words agree wherever no two demands tie and no quantity shown is a half
    # (there the float noise of the two sums decides)
    text = pegging.full_text(r.links, sel, r.periods)
    old = pegging.describe(peg, len(sel), r.periods)
    assert r.pegging_text().tolist() == text.tolist()
    for o in range(len(sel)):
        vals = np.sort(np.round(want[o][want[o] > 1e-7], 6))[::-1]
        halves = np.abs(np.mod(vals[:3], 1) - 0.5) < 1e-6
        if (len(vals) <= 1 or np.all(np.diff(vals[:4]) < 0)) and not halves.any():
            assert text[o] == old[o]


def _on_threads(solve):
    """``solve()`` with the pegging's pieces one row or link each, on two threads."""
    saved = pegging._PIECE, pegging._THREAD_FROM, pegging._CHUNK, pegging._cores
    pegging._PIECE, pegging._THREAD_FROM, pegging._CHUNK = 1, 0, 1
    pegging._cores = lambda: 2
    try:
        return solve()
    finally:
        pegging._PIECE, pegging._THREAD_FROM, pegging._CHUNK, pegging._cores = saved


@st.composite
def _order_graphs(draw):
    """Random pegging links: orders pegged to earlier orders (an acyclic order graph) and
    to end-item demands, quantities in halves and factors in powers of two (exact sums,
    so ties are real ties), and sometimes quantities too large for one 64-bit sort key."""
    n = draw(st.integers(1, 12))
    names = np.array([f"E{k}" for k in range(draw(st.integers(1, 3)))], dtype=object)
    h = draw(st.integers(1, 3))
    n_end = len(names) * h
    scale = draw(st.sampled_from([1.0, 1.0, 1e13]))
    end = np.zeros((n, n_end))
    par = np.zeros((n, n))
    for o in range(n):
        for c in draw(st.lists(st.integers(0, n_end - 1), max_size=4, unique=True)):
            end[o, c] = draw(st.integers(1, 8)) / 2 * scale
        if o:
            for p in draw(st.lists(st.integers(0, o - 1), max_size=3, unique=True)):
                par[o, p] = draw(st.sampled_from([0.25, 0.5, 1.0, 2.0]))
    # the order levels an MRP hands over (each order's position is one: parents come
    # first), none, or wrong ones (all zero: the order graph is searched instead)
    levels = draw(st.sampled_from([None, np.arange(n), np.zeros(n, dtype=np.int64)]))
    links = pegging.Links(sparse.csr_matrix(end), sparse.csr_matrix(par), names, h, levels)
    return links, end, par


@given(_order_graphs(), st.integers(1, 3))
@settings(max_examples=80, deadline=None)
def test_text_of_every_order_follows_the_rule_on_the_exact_pegging(graph, most) -> None:
    # the rule, order by order on dense rows: the ``most`` largest demands (to 6
    # decimals; equal ones by lowest end item and bucket), whole pieces, then "(+n)"
    links, end, par = graph
    n, h = len(end), links.buckets
    total = np.zeros_like(end)
    for o in range(n):
        total[o] = end[o] + par[o] @ total
    periods = [f"P{b}" for b in range(h)]
    select = np.arange(n)[::-1]
    text = pegging.full_text(links, select, periods, most)
    # the same words when every level's product and words are cut into the smallest
    # pieces and run on two threads (as a plan of millions of links is)
    assert _on_threads(lambda: pegging.full_text(links, select, periods, most)).tolist() \
        == text.tolist()
    for k, o in enumerate(select):
        cols = np.flatnonzero(total[o] > 1e-7)
        ranked = sorted(cols, key=lambda c: (-np.round(total[o, c], 6), c))
        words = [f"{links.names[c // h]} P{c % h}: {int(np.rint(total[o, c])):,}"
                 for c in ranked[:most]]
        want = "; ".join(words) + (f" (+{len(cols) - most})" if len(cols) > most else "")
        assert text[k] == want
