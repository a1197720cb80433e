"""The MRP engine against hand-worked examples (weekly buckets from Monday 2027-03-01, a
Monday-to-Friday calendar, so 5 working days of lead time are one week; quantities dated
on Mondays unless a test says otherwise), its action messages, pegging, errors, and
properties against the item-by-item reference."""

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
from sop_xl.plan.dates import PlanDays

H = 9
BUCKETS = Buckets.build(pd.Period("2027-03", "M"), "week", H)
CALENDAR = FactoryCalendar.around(BUCKETS)
DAYS = PlanDays.build(BUCKETS, CALENDAR)


def items(*rows: tuple) -> pd.DataFrame:
    """(item, type, lead days, rule, fixed, min, multiple, poq, safety stock[, scrap[, uom]])"""
    out = []
    for r in rows:
        item, typ, lt, rule, fixed, mn, mult, poq, ss, *rest = r
        out.append({"item": item, "description": item, "item_type": typ, "lead_time_days": lt,
                    "lot_rule": rule, "fixed_lot": fixed, "min_lot": mn, "lot_multiple": mult,
                    "poq_periods": poq, "safety_stock": ss,
                    "scrap_pct": rest[0] if rest else 0.0,
                    "uom": rest[1] if len(rest) > 1 else "pcs"})
    return pd.DataFrame(out)


def bom(*lines: tuple) -> pd.DataFrame:
    return pd.DataFrame([{"parent": p, "component": c, "qty_per": q, "scrap_pct": 0.0}
                         for p, c, q in lines],
                        columns=["parent", "component", "qty_per", "scrap_pct"])


def monday(bucket: int) -> date:
    """The Monday of a bucket; bucket −1 is the week before the plan (past due)."""
    return (pd.Timestamp("2027-03-01") + pd.Timedelta(weeks=bucket)).date()


def receipts(*rows: tuple) -> pd.DataFrame:
    """(order, item, qty, bucket): due on the bucket's Monday."""
    return pd.DataFrame([(o, i, q, monday(b)) for o, i, q, b in rows],
                        columns=["order", "item", "qty", "due_date"])


def on_mondays(per_bucket: list[list[float]]) -> np.ndarray:
    """Quantities per bucket (rows × buckets) due on each bucket's Monday (rows × days)."""
    out = np.zeros((len(per_bucket), len(DAYS)))
    for r, values in enumerate(per_bucket):
        for b, q in enumerate(values):
            out[r, DAYS.bounds[b]] += q
    return out


def plan(it, b, mps_items, production, on_hand, sr=None, **kw) -> mrp.MRPResult:
    sr = receipts() if sr is None else sr
    return mrp.plan(it, b, pd.Index(mps_items), on_mondays(production),
                    pd.Series(on_hand, dtype=float), sr, DAYS, **kw)


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
    assert [str(d) for d in o["due_date"].dt.date] == ["2027-03-29", "2027-04-12",
                                                       "2027-04-19"]
    assert not o["past_due"].any()


def test_three_level_bom_with_shared_components_and_lead_time_offset() -> None:
    # A → S ×2, A → R ×1, B → S ×1, S → R ×3: S is shared by A and B, R by A and S
    it = items(("A", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("B", "FG", 5, "L4L", 0, 0, 0, 1, 0),
               ("S", "SFG", 5, "L4L", 0, 0, 0, 1, 0), ("R", "RM", 10, "FIXED", 100, 0, 0, 1, 0))
    b = bom(("A", "S", 2.0), ("A", "R", 1.0), ("B", "S", 1.0), ("S", "R", 3.0))
    prod = [[0, 0, 0, 20, 0, 30, 0, 0, 0], [0, 0, 0, 0, 10, 0, 10, 0, 0]]
    r = plan(it, b, ["A", "B"], prod, {"S": 10, "R": 50}, receipts(("PO7", "R", 100.0, 1)),
             end_demand=on_mondays(prod))
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


def test_action_messages_on_dates() -> None:
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("Y", "RM", 15, "L4L", 0, 0, 0, 1, 0),
               ("Z", "RM", 5, "L4L", 0, 0, 0, 1, 0))
    sr = receipts(("PO1", "Y", 50.0, 0), ("PO2", "Y", 40.0, 8), ("PO3", "Z", 10.0, 3))
    r = plan(it, bom(("P", "Y", 1.0)), ["P"], P_PRODUCTION, {"Y": 25}, sr)
    a = r.actions.set_index(["kind", "item"])
    # Y: 25 on hand covers Monday 03-01 (20) only, so PO1 due 03-01 is first needed on
    # Monday 03-08 → reschedule out 5 working days; 25+50 covers to 03-08 (60), so PO2 due
    # 04-26 is needed on 03-15 (80) → reschedule in 30 working days
    po1 = a.loc[("de_expedite", "Y")]
    assert (po1["order"], str(po1["due_date"].date()), str(po1["need_date"].date())) == \
        ("PO1", "2027-03-01", "2027-03-08")
    po2 = a.loc[("expedite", "Y")]
    assert (po2["order"], po2["due_day"] - po2["need_day"], po2["reason"]) == \
        ("PO2", 30, "demand")
    assert str(po2["need_date"].date()) == "2027-03-15"
    assert a.loc[("cancel", "Z")][["order", "reason"]].tolist() == ["PO3", "not_needed"]
    # with 15 working days of lead time an order released today arrives on 03-22; before
    # that on hand + PO1 run out on 03-15: 25 + 50 − 20 − 40 − 20 = −5
    short = a.loc[("shortage_lead_time", "Y")]
    assert str(short["run_out_date"].date()) == "2027-03-15"
    assert str(short["arrive_date"].date()) == "2027-03-22"
    assert short["qty"] == 5.0
    # the order for those 5, due 03-15, should have been released 15 working days before,
    # on 02-22: past due, and the shortage names it
    late = a.loc[("past_due_release", "Y")]
    assert late["qty"] == 5.0 and str(late["due_date"].date()) == "2027-03-15"
    assert str(late["release_date"].date()) == "2027-02-22"
    assert short["covered_qty"] == 5.0 and str(short["release_date"].date()) == "2027-02-22"
    assert row(r, "Y", "projected")[:4] == [55, 15, 0, 0]


def test_firm_planned_orders_are_kept_and_exploded() -> None:
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("S", "SFG", 5, "L4L", 0, 0, 0, 1, 0),
               ("R", "RM", 5, "L4L", 0, 0, 0, 1, 0))
    firm = pd.DataFrame({"item": ["S"], "qty": [100.0], "due_date": [monday(3)]})
    r = plan(it, bom(("P", "S", 1.0), ("S", "R", 1.0)), ["P"], P_PRODUCTION, {}, firm=firm)
    # S needs 20, 40, 20, 0, 30, 10, 40, 30: the firm 100 in w3 stays and covers w4-w6
    # and 20 of w7; new orders cover the rest
    assert row(r, "S", "planned_receipts") == [20, 40, 20, 100, 0, 0, 0, 10, 0]
    assert row(r, "S", "projected") == [0, 0, 0, 100, 70, 60, 20, 0, 0]
    assert r.orders.loc[r.orders["item"] == "S", "firm"].tolist() == [True] + [False] * 4
    # R is exploded from the firm order too (released w2); S's w0 order is past due and
    # released now, together with w1's
    assert row(r, "R", "gross") == [60, 20, 100, 0, 0, 0, 10, 0, 0]


def test_scrap_raises_the_started_quantity_in_whole_pieces() -> None:
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("S", "SFG", 5, "L4L", 0, 0, 0, 1, 0, 0.2),
               ("R", "RM", 5, "L4L", 0, 0, 0, 1, 0), ("T", "SFG", 5, "L4L", 0, 0, 0, 1, 0, 0.03),
               ("K", "RM", 5, "L4L", 0, 0, 0, 1, 0, 0.03, "kg"))
    b = pd.DataFrame([{"parent": "P", "component": "S", "qty_per": 1.0, "scrap_pct": 0.0},
                      {"parent": "S", "component": "R", "qty_per": 2.0, "scrap_pct": 0.1},
                      {"parent": "P", "component": "T", "qty_per": 1.0, "scrap_pct": 0.0},
                      {"parent": "T", "component": "K", "qty_per": 0.5, "scrap_pct": 0.0}])
    r = plan(it, b, ["P"], [[0, 0, 40, 0, 0, 0, 0, 0, 0]], {})
    # S needs 40 good in w1; 20% scrap → 50 started in w0; R needs 50 × 2 × 1.1 = 110
    assert row(r, "S", "planned_receipts")[1] == 40
    assert row(r, "S", "planned_releases")[0] == 50
    assert row(r, "R", "gross")[0] == pytest.approx(110)
    # T: 40 good at 3% scrap is 41.24 started: 42 whole pieces; K (kg) needs 21 kg and
    # starts 21 / 0.97 = 21.649 kg, fractions kept
    assert row(r, "T", "planned_releases")[0] == 42
    assert row(r, "K", "gross")[0] == pytest.approx(21.0)
    assert row(r, "K", "planned_receipts")[0] == pytest.approx(21.0)
    assert row(r, "K", "planned_releases") == pytest.approx([21 / 0.97] + [0] * 8)


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


def test_check_names_the_workbook_rows_in_its_language() -> None:
    it = items(("A", "FG", 5, "L4L", 0, 0, 0, 1, 0))
    b = bom(("A", "NOPE", 1.0)).assign(_row=[17])
    problems = mrp.check(it, b, "zh-CN")
    assert problems[0].row == 17
    assert "物料清单" in PlanningError(problems, "zh-CN").render()


# -- properties ----------------------------------------------------------------------------

@st.composite
def plants(draw, h: int = H):
    n = draw(st.integers(2, 7))
    rules = ["L4L", "FIXED", "MINMULT", "POQ"]
    rows = []
    for k in range(n):
        rows.append((f"I{k}", "FG" if k == 0 else "SFG", draw(st.sampled_from([1, 3, 5, 8, 15])),
                     draw(st.sampled_from(rules)), draw(st.sampled_from([0, 30, 45])),
                     draw(st.sampled_from([0, 20])), draw(st.sampled_from([0, 5, 7])),
                     draw(st.integers(1, 3)), float(draw(st.sampled_from([0, 0, 10, 25]))),
                     draw(st.sampled_from([0.0, 0.0, 0.1])),
                     draw(st.sampled_from(["pcs", "pcs", "kg"]))))
    lines = set()
    for c in range(1, n):  # every component has a parent above it: acyclic by order
        lines.add((f"I{draw(st.integers(0, c - 1))}", f"I{c}"))
    for _ in range(draw(st.integers(0, n))):
        p = draw(st.integers(0, n - 2))
        lines.add((f"I{p}", f"I{draw(st.integers(p + 1, n - 1))}"))
    b = [(p, c, draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))) for p, c in sorted(lines)]
    on_hand = {f"I{k}": float(draw(st.sampled_from([0, 0, 15, 60]))) for k in range(n)}
    sr = [(f"PO{j}", f"I{draw(st.integers(1, n - 1))}", float(draw(st.integers(1, 50))),
           draw(st.integers(-1, h - 1))) for j in range(draw(st.integers(0, 3)))]
    return items(*rows), bom(*b), on_hand, receipts(*sr)


def daily_production(draw, n_days: int) -> np.ndarray:
    """Finished-good orders on random working days."""
    out = np.zeros((1, n_days))
    for _ in range(draw(st.integers(0, 8))):
        out[0, draw(st.integers(0, n_days - 1))] += draw(st.sampled_from([10, 25, 40, 7.5]))
    return out


@given(plants(), st.data())
@settings(max_examples=80, deadline=None)
def test_vectorised_plan_equals_the_item_by_item_loop(plant, data) -> None:
    it, b, on_hand, sr = plant
    prod = daily_production(data.draw, len(DAYS))
    r = mrp.plan(it, b, pd.Index(["I0"]), prod, pd.Series(on_hand), sr, DAYS)
    ref = mrp.plan_item_by_item(it, b, pd.Index(["I0"]), prod, pd.Series(on_hand), sr, DAYS)
    assert_same_days(r, ref)


def assert_same_days(r: mrp.MRPResult, ref: dict[str, dict[str, list]]) -> None:
    """Every item's gross requirements, planned receipts, projected stock and planned
    releases, day by day, the same in the MRP as in the item-by-item loop."""
    pairs = (("gross", "gross"), ("planned", "planned_receipts"), ("projected", "projected"),
             ("releases", "planned_releases"))
    for k, item in enumerate(r.item_names):
        for mine, theirs in pairs:
            np.testing.assert_allclose(r.daily[mine][k], ref[item][theirs], atol=1e-6,
                                       err_msg=f"{item} {mine}")


@given(plants(), st.data())
@settings(max_examples=80, deadline=None)
def test_conservation_requirements_and_safety_stock(plant, data) -> None:
    it, b, on_hand, sr = plant
    prod = daily_production(data.draw, len(DAYS))
    r = mrp.plan(it, b, pd.Index(["I0"]), prod, pd.Series(on_hand), sr, DAYS)
    k = r.n_kept
    ss = it.set_index("item")["safety_stock"].reindex(r.items).to_numpy()
    oh = pd.Series(on_hand).reindex(r.items).fillna(0).to_numpy()
    d = r.daily
    supply = d["fixed"][:k] + d["planned"][:k]
    # on hand + receipts − requirements = ending stock, day by day and bucket by bucket
    np.testing.assert_allclose(d["projected"][:k],
                               oh[:, None] + np.cumsum(supply - d["gross"][:k], 1), atol=1e-6)
    np.testing.assert_allclose(r["projected"], oh[:, None] + np.cumsum(
        r["receipts"] + r["planned_receipts"] - r["gross"], 1), atol=1e-6)
    # after planning, stock stays at or above safety stock every day (past-due orders
    # counted on their due dates)
    assert (d["projected"][:k] >= ss[:, None] - 1e-6).all()
    o = r.orders
    assert (o["qty"] > 0).all()
    # releases are the orders' started quantities: whole pieces for counted items
    counted = it.set_index("item")["uom"].reindex(r.item_names) == "pcs"
    started = r.order_data["release_qty"]
    whole = counted.to_numpy()[r.order_data["pos"]]
    assert np.allclose(started[whole], np.round(started[whole]))
    np.testing.assert_allclose(d["releases"].sum(), started.sum(), rtol=1e-9)
    # every order below the MPS is pegged at most in full
    peg = r.pegging.groupby("order")["qty"].sum()
    assert (peg <= o["qty"].reindex(peg.index) + 1e-6).all()


def test_release_dates_count_working_days_over_a_holiday() -> None:
    cal = FactoryCalendar.around(BUCKETS, exceptions=pd.DataFrame([{
        "start_date": date(2027, 3, 1), "end_date": date(2027, 3, 5), "day_type": "holiday",
        "description": "", "resource": None}]))
    days = PlanDays.build(BUCKETS, cal)
    assert str(days.dates[0]) == "2027-03-08"   # the first working day of the plan
    # due Monday 2027-03-15 (day 5), 5 working days back: 03-08 (03-01..05 is off)
    assert str(days.date_of(5 - 5)) == "2027-03-08"
    # due 2027-03-08 (day 0): the week before is a holiday, so release 2027-02-22
    assert str(days.date_of(0 - 5)) == "2027-02-22"


@given(st.lists(st.lists(st.sampled_from([0.0, 0.0, 0.1, 1.0, 2.5, 7.0]), min_size=9,
                         max_size=9), min_size=1, max_size=4), st.data())
@settings(max_examples=80, deadline=None)
def test_need_date_by_bisection_is_the_count_of_days_covered(rows, data) -> None:
    """Rescheduling's need date (days whose cumulative requirement a receipt covers) found
    by bisection equals counting those days one by one, including levels below the
    first day, between days and beyond the last."""
    from sop_xl.plan.action_messages import _covered_days
    cum = np.cumsum(np.array(rows), axis=1) + 3.0
    row = np.array(data.draw(st.lists(st.integers(0, len(rows) - 1), min_size=1,
                                      max_size=12)))
    level = np.array(data.draw(st.lists(st.sampled_from([0.0, 3.0, 3.1, 5.5, 9.9, 40.0, 99.0]),
                                        min_size=len(row), max_size=len(row))))
    want = (cum[row] <= level[:, None]).sum(axis=1)
    assert _covered_days(cum, row, level, rising=True).tolist() == want.tolist()
