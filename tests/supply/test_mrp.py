"""The MRP engine against hand-worked examples (weekly buckets from Monday 2027-03-01, a
Monday-to-Friday calendar, so 5 working days of lead time are one week), its actions,
pegging, errors, and properties against the item-by-item reference."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_xl.base.errors import PlanningError
from sop_xl.base.periods import Buckets, FactoryCalendar
from sop_xl.plan import mrp

H = 9
BUCKETS = Buckets.build(pd.Period("2027-03", "M"), "week", H)
CALENDAR = FactoryCalendar.around(BUCKETS)


def items(*rows: tuple) -> pd.DataFrame:
    """(item, type, lead days, rule, fixed, min, multiple, poq, safety stock[, scrap])"""
    out = []
    for r in rows:
        item, typ, lt, rule, fixed, mn, mult, poq, ss, *rest = r
        out.append({"item": item, "description": item, "item_type": typ, "lead_time_days": lt,
                    "lot_rule": rule, "fixed_lot": fixed, "min_lot": mn, "lot_multiple": mult,
                    "poq_periods": poq, "safety_stock": ss,
                    "scrap_pct": rest[0] if rest else 0.0})
    return pd.DataFrame(out)


def bom(*lines: tuple) -> pd.DataFrame:
    return pd.DataFrame([{"parent": p, "component": c, "qty_per": q, "scrap_pct": 0.0}
                         for p, c, q in lines],
                        columns=["parent", "component", "qty_per", "scrap_pct"])


def receipts(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["order", "item", "qty", "bucket"])


def plan(it, b, mps_items, production, on_hand, sr=None, **kw) -> mrp.MRPResult:
    sr = receipts() if sr is None else sr
    return mrp.plan(it, b, pd.Index(mps_items), np.asarray(production, float),
                    pd.Series(on_hand, dtype=float), sr, BUCKETS, CALENDAR, **kw)


def row(result: mrp.MRPResult, item: str, measure: str) -> list[float]:
    return result[measure][result.items.get_loc(item)].tolist()


# P is an end item with a one-week lead time, so its releases are its production a week
# earlier: production [0, 20, 40, 20, 0, 30, 10, 40, 30] puts on its components the gross
# requirements 20, 40, 20, 0, 30, 10, 40, 30, 0.
P_PRODUCTION = [[0, 20, 40, 20, 0, 30, 10, 40, 30]]
GROSS = [20, 40, 20, 0, 30, 10, 40, 30, 0]


def test_single_level_netting_with_minimum_and_multiple_worked_by_hand() -> None:
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0),
               ("X", "RM", 10, "MINMULT", 0, 40, 10, 1, 0))
    r = plan(it, bom(("P", "X", 1.0)), ["P"], P_PRODUCTION, {"X": 30},
             receipts(("PO1", "X", 50.0, 1)))
    # w0 30-20=10 | w1 10+50-40=20 | w2 20-20=0 | w3 0 | w4 net 30 → min 40: 10
    # w5 net 0 → 0 | w6 net 40 → 40: 0 | w7 net 30 → 40: 10 | w8 10
    assert row(r, "X", "gross") == GROSS
    assert row(r, "X", "planned_receipts") == [0, 0, 0, 0, 40, 0, 40, 40, 0]
    assert row(r, "X", "projected") == [10, 20, 0, 0, 10, 0, 0, 10, 10]
    assert row(r, "X", "net") == [0, 0, 0, 0, 30, 0, 40, 30, 0]
    # two weeks (10 working days) earlier
    assert row(r, "X", "planned_releases") == [0, 0, 40, 0, 40, 40, 0, 0, 0]
    o = r.orders
    assert o["item"].tolist() == ["X"] * 3
    assert [str(d) for d in o["release_date"].dt.date] == ["2027-03-15", "2027-03-29",
                                                           "2027-04-05"]
    assert not o["past_due"].any()


def test_three_level_bom_with_shared_components_and_lead_time_offset() -> None:
    # A → S ×2, A → R ×1, B → S ×1, S → R ×3: S is shared by A and B, R by A and S
    it = items(("A", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("B", "FG", 5, "L4L", 0, 0, 0, 1, 0),
               ("S", "SFG", 5, "L4L", 0, 0, 0, 1, 0), ("R", "RM", 10, "FIXED", 100, 0, 0, 1, 0))
    b = bom(("A", "S", 2.0), ("A", "R", 1.0), ("B", "S", 1.0), ("S", "R", 3.0))
    prod = [[0, 0, 0, 20, 0, 30, 0, 0, 0], [0, 0, 0, 0, 10, 0, 10, 0, 0]]
    r = plan(it, b, ["A", "B"], prod, {"S": 10, "R": 50}, receipts(("PO7", "R", 100.0, 1)),
             end_demand=np.asarray(prod, float))
    assert r.items.tolist() == ["S", "R"]
    assert r.llc.tolist() == [1, 2]
    # S: A releases (w2 20, w4 30) ×2 + B releases (w3 10, w5 10) ×1
    assert row(r, "S", "gross") == [0, 0, 40, 10, 60, 10, 0, 0, 0]
    assert row(r, "S", "planned_receipts") == [0, 0, 30, 10, 60, 10, 0, 0, 0]
    assert row(r, "S", "planned_releases") == [0, 30, 10, 60, 10, 0, 0, 0, 0]
    # R: A releases ×1 (w2 20, w4 30) + S releases ×3 (w1 90, w2 30, w3 180, w4 30)
    assert row(r, "R", "gross") == [0, 90, 50, 180, 60, 0, 0, 0, 0]
    # w1 50+100-90=60 | w2 10 | w3 net 170 → 2 lots of 100: 30 | w4 net 30 → 100: 70
    assert row(r, "R", "planned_receipts") == [0, 0, 0, 200, 100, 0, 0, 0, 0]
    assert row(r, "R", "projected") == [50, 60, 10, 30, 70, 70, 70, 70, 70]
    assert row(r, "R", "planned_releases") == [0, 200, 100, 0, 0, 0, 0, 0, 0]
    # pegging: R's 200 due w3 covers S's order due w4 (170 of its 180, for A in w5) and
    # S's order due w5 (30, for B in w6); R's 100 due w4 covers A's own 30 in w5
    peg = r.pegging
    labels = BUCKETS.labels
    got = {(o, e, labels[b]): round(q, 6) for o, e, b, q in
           zip(peg["order"], peg["end_item"], peg["end_bucket"], peg["qty"], strict=True)}
    orders = r.orders
    r_w3 = int(np.flatnonzero((orders["item"] == "R") & (orders["due_bucket"] == 3))[0])
    r_w4 = int(np.flatnonzero((orders["item"] == "R") & (orders["due_bucket"] == 4))[0])
    assert {k: v for k, v in got.items() if k[0] == r_w3} == {
        (r_w3, "A", labels[5]): 170.0, (r_w3, "B", labels[6]): 30.0}
    assert {k: v for k, v in got.items() if k[0] == r_w4} == {(r_w4, "A", labels[5]): 30.0}
    text = r.pegging_text()
    assert text[r_w3] == f"A {labels[5]}: 170; B {labels[6]}: 30"
    # every S order traces to A or B demand in full
    s_orders = np.flatnonzero(orders["item"] == "S")
    pegged = peg[peg["order"].isin(s_orders)].groupby("order")["qty"].sum()
    np.testing.assert_allclose(pegged.to_numpy(), orders.loc[s_orders, "qty"].to_numpy())


def test_rescheduling_past_due_release_and_shortage_within_lead_time() -> None:
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("Y", "RM", 15, "L4L", 0, 0, 0, 1, 0),
               ("Z", "RM", 5, "L4L", 0, 0, 0, 1, 0))
    sr = receipts(("PO1", "Y", 50.0, 0), ("PO2", "Y", 40.0, 8), ("PO3", "Z", 10.0, 3))
    r = plan(it, bom(("P", "Y", 1.0)), ["P"], P_PRODUCTION, {"Y": 25}, sr)
    a = r.actions.set_index(["kind", "item"])
    # Y: 25 on hand covers w0 (20) only, so PO1 due w0 is first needed in w1 → de-expedite;
    # 25+50 covers to w1 (60), so PO2 due w8 is needed in w2 (80) → expedite to w2
    assert a.loc[("de_expedite", "Y")][["order", "due_bucket", "need_bucket"]].tolist() == \
        ["PO1", 0, 1]
    assert a.loc[("expedite", "Y")][["order", "due_bucket", "need_bucket", "bucket"]] \
        .tolist() == ["PO2", 8, 2, 2]
    assert a.loc[("cancel", "Z")][["order", "reason"]].tolist() == ["PO3", "not_needed"]
    # with 15 working days of lead time an order released today arrives in w3; before that
    # on hand + PO1 run short in w2 by 25+50-20-40-20 = -5
    short = a.loc[("shortage_lead_time", "Y")]
    assert (short["bucket"], short["qty"], short["reason"]) == (2, 5.0, BUCKETS.labels[3])
    late = a.loc[("past_due_release", "Y")]
    assert late["qty"] == 5.0 and late["due_bucket"] == 2
    assert late["release_date"] == np.datetime64("2027-02-22")
    assert row(r, "Y", "projected")[:4] == [55, 15, 0, 0]


def test_firm_planned_orders_are_kept_and_exploded() -> None:
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("S", "SFG", 5, "L4L", 0, 0, 0, 1, 0),
               ("R", "RM", 5, "L4L", 0, 0, 0, 1, 0))
    firm = pd.DataFrame({"item": ["S"], "qty": [100.0], "bucket": [3]})
    r = plan(it, bom(("P", "S", 1.0), ("S", "R", 1.0)), ["P"], P_PRODUCTION, {}, firm=firm)
    # S needs 20, 40, 20, 0, 30, 10, 40, 30: the firm 100 in w3 stays and covers w4-w6
    # and 20 of w7; new orders cover the rest
    assert row(r, "S", "planned_receipts") == [20, 40, 20, 100, 0, 0, 0, 10, 0]
    assert row(r, "S", "projected") == [0, 0, 0, 100, 70, 60, 20, 0, 0]
    assert r.orders.loc[r.orders["item"] == "S", "firm"].tolist() == [True] + [False] * 4
    # R is exploded from the firm order too (released w2); S's w0 order is past due and
    # released now, together with w1's
    assert row(r, "R", "gross") == [60, 20, 100, 0, 0, 0, 10, 0, 0]


def test_scrap_raises_the_started_quantity_and_component_needs() -> None:
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("S", "SFG", 5, "L4L", 0, 0, 0, 1, 0, 0.2),
               ("R", "RM", 5, "L4L", 0, 0, 0, 1, 0))
    b = pd.DataFrame([{"parent": "P", "component": "S", "qty_per": 1.0, "scrap_pct": 0.0},
                      {"parent": "S", "component": "R", "qty_per": 2.0, "scrap_pct": 0.1}])
    r = plan(it, b, ["P"], [[0, 0, 40, 0, 0, 0, 0, 0, 0]], {})
    # S needs 40 good in w1; 20% scrap → 50 started in w0; R needs 50 × 2 × 1.1 = 110
    assert row(r, "S", "planned_receipts")[1] == 40
    assert row(r, "S", "planned_releases")[0] == pytest.approx(50)
    assert row(r, "R", "gross")[0] == pytest.approx(110)


@pytest.mark.parametrize(("lines", "code", "rows"), [
    ([("A", "B", 1.0), ("B", "C", 1.0), ("C", "A", 2.0)], "bom_cycle", [2]),
    ([("A", "B", 1.0), ("A", "Q", 1.0)], "unknown_ref", [3]),
    ([("A", "B", -1.0), ("B", "C", 0.0)], "bom_qty_per", [2, 3]),
])
def test_a_bom_that_cannot_be_planned_names_its_rows(lines, code, rows) -> None:
    it = items(("A", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("B", "SFG", 5, "L4L", 0, 0, 0, 1, 0),
               ("C", "RM", 5, "L4L", 0, 0, 0, 1, 0))
    with pytest.raises(PlanningError) as err:
        plan(it, bom(*lines), ["A"], [[10] * H], {})
    problems = err.value.problems
    assert {p.code for p in problems} == {code}
    assert sorted(p.row for p in problems) == rows
    assert all(p.sheet == "BOM" for p in problems)
    if code == "bom_cycle":
        text = err.value.render()
        assert "A → B → C → A" in text and "rows 2, 3, 4" in text


def test_errors_use_the_workbook_rows_when_the_bom_was_read_from_one() -> None:
    it = items(("A", "FG", 5, "L4L", 0, 0, 0, 1, 0))
    b = bom(("A", "NOPE", 1.0)).assign(_row=[17])
    with pytest.raises(PlanningError) as err:
        plan(it, b, ["A"], [[10] * H], {}, lang="zh-CN")
    assert err.value.problems[0].row == 17
    assert "物料清单" in err.value.render()


# -- properties ----------------------------------------------------------------------------

@st.composite
def plants(draw):
    n = draw(st.integers(2, 7))
    rules = ["L4L", "FIXED", "MINMULT", "POQ"]
    rows = []
    for k in range(n):
        rows.append((f"I{k}", "FG" if k == 0 else "SFG", draw(st.sampled_from([1, 5, 8, 15])),
                     draw(st.sampled_from(rules)), draw(st.sampled_from([0, 30, 45])),
                     draw(st.sampled_from([0, 20])), draw(st.sampled_from([0, 5, 7])),
                     draw(st.integers(1, 3)), float(draw(st.sampled_from([0, 0, 10, 25]))),
                     draw(st.sampled_from([0.0, 0.0, 0.1]))))
    lines = set()
    for c in range(1, n):  # every component has a parent above it: acyclic by order
        lines.add((f"I{draw(st.integers(0, c - 1))}", f"I{c}"))
    for _ in range(draw(st.integers(0, n))):
        p = draw(st.integers(0, n - 2))
        lines.add((f"I{p}", f"I{draw(st.integers(p + 1, n - 1))}"))
    b = [(p, c, draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))) for p, c in sorted(lines)]
    prod = [draw(st.lists(st.sampled_from([0, 0, 10, 25, 40]), min_size=H, max_size=H))]
    on_hand = {f"I{k}": float(draw(st.sampled_from([0, 0, 15, 60]))) for k in range(n)}
    sr = [(f"PO{j}", f"I{draw(st.integers(1, n - 1))}", float(draw(st.integers(1, 50))),
           draw(st.integers(-1, H - 1))) for j in range(draw(st.integers(0, 3)))]
    return items(*rows), bom(*b), prod, on_hand, receipts(*sr)


@given(plants())
@settings(max_examples=80, deadline=None)
def test_vectorised_plan_equals_the_item_by_item_loop(plant) -> None:
    it, b, prod, on_hand, sr = plant
    r = plan(it, b, ["I0"], prod, on_hand, sr)
    ref = mrp.plan_item_by_item(it, b, pd.Index(["I0"]), np.asarray(prod, float),
                                pd.Series(on_hand), sr, BUCKETS, CALENDAR)
    for k, item in enumerate(r.items):
        for m in ("gross", "planned_receipts", "projected", "planned_releases"):
            np.testing.assert_allclose(r[m][k], ref[item][m], atol=1e-6, err_msg=f"{item} {m}")


@given(plants())
@settings(max_examples=80, deadline=None)
def test_conservation_requirements_and_safety_stock(plant) -> None:
    it, b, prod, on_hand, sr = plant
    r = plan(it, b, ["I0"], prod, on_hand, sr)
    ss = it.set_index("item")["safety_stock"].reindex(r.items).to_numpy()
    oh = pd.Series(on_hand).reindex(r.items).fillna(0).to_numpy()
    supply = r["receipts"] + r["planned_receipts"]
    # on hand + receipts − requirements = ending stock
    np.testing.assert_allclose(r["projected"], oh[:, None] + np.cumsum(supply - r["gross"], 1),
                               atol=1e-6)
    # no planned order without a net requirement in its bucket
    assert (r["planned_receipts"][r["net"] <= 1e-6] == 0).all()
    # after planning, stock stays at or above safety stock (past-due orders included)
    assert (r["projected"] >= ss[:, None] - 1e-6).all()
    # releases carry the same quantity as receipts, grossed up by scrap
    scrap = it.set_index("item")["scrap_pct"].reindex(r.items).to_numpy()
    np.testing.assert_allclose(r["planned_releases"].sum(1),
                               r["planned_receipts"].sum(1) / (1 - scrap), rtol=1e-9)
    # every order below the MPS is pegged in full to end-item demand or is stock
    peg = r.pegging.groupby("order")["qty"].sum()
    qty = r.orders["qty"]
    assert (peg <= qty.reindex(peg.index) + 1e-6).all()


def test_release_schedule_counts_working_days_over_a_holiday() -> None:
    cal = FactoryCalendar.around(BUCKETS, exceptions=pd.DataFrame([{
        "start_date": date(2027, 3, 1), "end_date": date(2027, 3, 5), "day_type": "holiday",
        "description": "", "resource": None}]))
    release, bucket = mrp.release_schedule(BUCKETS, cal, np.array([5]))
    # due Monday 2027-03-15, 5 working days back: the week of 03-08 (03-01..05 is off)
    assert str(release[0, 2]) == "2027-03-08"
    # due 2027-03-08: the week before is a holiday, so release 2027-02-22 (past due)
    assert str(release[0, 1]) == "2027-02-22" and bucket[0, 1] == -1
