"""Supply exceptions: records of codes, numbers and dates from the engines, graded by
severity, and worded only on the Exceptions sheet — in English and Chinese."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl.layout.exceptions import rendered
from sop_xl.plan import alerts as exceptions
from sop_xl.plan import mps
from sop_xl.plan.lot_sizing import LotRules
from tests.supply.test_mps import days, on_mondays
from tests.supply.test_mrp import P_PRODUCTION, bom, items, plan, receipts


def _mrp():
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("Y", "RM", 15, "L4L", 0, 0, 0, 1, 0),
               ("Z", "RM", 5, "L4L", 0, 0, 0, 1, 0), ("W", "RM", 5, "L4L", 0, 0, 0, 1, 0))
    sr = receipts(("PO1", "Y", 50.0, 0), ("PO2", "Y", 40.0, 8), ("PO3", "Z", 10.0, 3),
                  ("PO4", "Y", 2.0, -1), ("PO5", "W", 30.0, 3))
    b = bom(("P", "Y", 1.0), ("P", "W", 1.0))
    return plan(it, b, ["P"], P_PRODUCTION, {"Y": 25, "W": 80}, sr)


def _records(tolerance: int = 0) -> pd.DataFrame:
    ex = exceptions.ExceptionList()
    exceptions.mrp_actions(_mrp(), ex, tolerance)
    return ex.frame()


def test_records_carry_codes_numbers_and_dates_not_words() -> None:
    f = _records()
    assert set(f.columns) == set(exceptions.COLUMNS)
    short = f[f["category"] == "shortage_lt"].iloc[0]
    # 25 on hand + PO4 (2, past due) + PO1 (50) − 20 − 40 − 20 = −3
    assert (short["severity"], short["item"], short["qty"]) == ("critical", "Y", 3.0)
    assert str(short["date"].date()) == "2027-03-15"          # the run-out date
    assert str(short["params"]["arrive"])[:10] == "2027-03-22"
    # every message parameter is a number, a date, a name or a nested message code
    for params in f["params"]:
        for v in params.values():
            assert isinstance(v, (int, float, np.integer, np.floating, str, pd.Timestamp,
                                  np.datetime64, exceptions.Say)), v


def test_every_action_becomes_a_sentence_with_item_period_date_quantity_and_reason() -> None:
    f = rendered(_records(), "en")
    by = {(c, i): (p, str(d), q, m) for c, i, p, d, q, m in
          zip(f["category"], f["item"], f["period"], f["date"], f["qty"], f["message"],
              strict=True)}
    # Y's past-due release and the shortage it leaves are one decision, in one row
    assert set(by) == {("Shortage within lead time", "Y"), ("Expedite", "Y"),
                       ("De-expedite", "Y"), ("Cancel", "Z"), ("De-expedite", "W")}
    assert len(f) == 5
    msg = by[("Shortage within lead time", "Y")][3]
    assert msg == ("short 3 pcs from 2027-03-15: stock and open orders run out then, and an "
                   "order released today (15 working days) arrives no earlier than "
                   "2027-03-22; expedite or find stock. Release 3 pcs now: they should have "
                   "gone out on 2027-02-22.")
    period, day, qty, msg = by[("Cancel", "Z")]
    assert (period, day, qty) == ("2027-W12", "2027-03-22", 10.0)
    assert msg == "order PO3 (10 pcs) due 2027-03-22 is not needed within the plan: cancel " \
        "it or push it out"
    # PO4 (2 pcs, due 02-22) is past due and not needed until 03-08: its date is wrong;
    # PO1, due 03-01 and not needed until 03-08 either, is arriving today: left alone
    f_y = f[(f["item"] == "Y") & (f["category"] == "De-expedite")]
    assert any("PO4 (2 pcs) was due 2027-02-22 and is not received" in m
               for m in f_y["message"])
    assert any("PO2" in m and "bring it in 30 working days" in m
               for m in f[f["category"] == "Expedite"]["message"])
    # the most severe first
    assert f["severity"].iloc[0] == "critical"
    assert list(f["severity"]).index("info") > list(f["severity"]).index("warning")


def test_a_receipt_within_tolerance_or_already_arriving_is_left_alone() -> None:
    # W: 80 on hand covers the gross until 03-29 (20 + 40 + 20 = 80, then 30 more), so PO5
    # due Monday 03-22 is needed on 03-29: 5 working days later — pushed out without a
    # tolerance, left alone with a tolerance of 5 working days
    loose = _records(tolerance=5)
    strict = _records(tolerance=0)
    w = strict[strict["item"] == "W"]
    assert w["category"].tolist() == ["de_expedite"] and w["params"].iloc[0]["days"] == 5
    assert (loose["item"] == "W").sum() == 0
    # PO1 of Y, due on the planning date and not needed for 5 working days, is already
    # arriving: it is never pushed out
    for f in (loose, strict):
        assert not any(p.get("order") == "PO1" for p in f["params"])


def test_the_same_exceptions_in_chinese() -> None:
    f = rendered(_records(), "zh-CN")
    assert {"提前期内缺料", "催货", "推迟到货", "取消订单"} <= set(f["category"])
    assert any("请立即下达" in m for m in f["message"])
    assert any("订单 PO3(10 件)" in m for m in f["message"])
    assert f["severity"].iloc[0] == "严重"


def test_a_past_due_release_only_below_safety_stock_is_a_warning() -> None:
    # V: safety stock 30, 40 on hand, lead 15: the stock covers the demand of 03-01 and
    # 03-08 (20 each) but dips below safety stock on both days, and no order released
    # today arrives before 03-22: two late releases, no shortage
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("V", "RM", 15, "L4L", 0, 0, 0, 1, 30))
    r = plan(it, bom(("P", "V", 1.0)), ["P"], [[0, 20, 20, 0, 0, 0, 0, 0, 0]], {"V": 40})
    ex = exceptions.ExceptionList()
    exceptions.mrp_actions(r, ex)
    f = ex.frame()
    assert f["category"].tolist() == ["past_due_release"] * 2
    assert f["severity"].tolist() == ["warning"] * 2
    text = rendered(f, "en")["message"].iloc[0]
    assert text.startswith("release now: 10 pcs due 2027-03-01 need 15 working days and "
                           "should have gone out on 2027-02-08")


def test_mps_fence_changes_are_reported_with_their_kind() -> None:
    previous = np.array([[60.0, 40, 30, np.nan]])
    d = days(4)
    r = mps.plan(on_mondays(np.full((1, 4), 50.0), d), on_mondays([[0, 120.0, 0, 0]], d),
                 np.zeros(1), np.zeros((1, len(d))), np.zeros(1), LotRules.lot_for_lot(1), d,
                 items=pd.Index(["A"]), frozen=2, frozen_qty=previous, fence=3)
    ex = exceptions.ExceptionList()
    exceptions.mps_changes(r, ex)
    f = rendered(ex.frame(), "en").set_index("period")
    assert f.loc[r.periods[0], "category"] == "Change in frozen period"
    assert f.loc[r.periods[1], "category"] == "Order change in frozen period"
    assert f.loc[r.periods[1], "qty"] == 20
    assert f.loc[r.periods[2], "category"] == "Change inside time fence"


def test_shortage_and_below_safety_stock_name_the_day_they_start() -> None:
    d = days(2)
    projected = np.array([[5.0, 4, 3, -1, -2, -2, 8, 9, 9, 9]])
    ex = exceptions.ExceptionList()
    exceptions.below(projected, np.array([6.0]), pd.Index(["A"]), d, ex, "mps")
    f = rendered(ex.frame(), "en")
    assert f[["severity", "period", "qty"]].values.tolist() == [
        ["critical", d.buckets.labels[0], 2.0], ["warning", d.buckets.labels[0], 3.0]]
    assert "from 2027-03-04" in f["message"].iloc[0]
    assert f["message"].iloc[1] == "projected on hand falls to 3 pcs from 2027-03-01, " \
        "below safety stock 6"
