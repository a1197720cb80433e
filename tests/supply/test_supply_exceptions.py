"""Supply exceptions as a planner reads them: item, period, quantity and the reason, in
English and Chinese."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_xl.plan import alerts as exceptions
from sop_xl.plan import mps
from sop_xl.plan.lot_sizing import LotRules
from tests.supply.test_mrp import P_PRODUCTION, bom, items, plan, receipts


def _mrp():
    it = items(("P", "FG", 5, "L4L", 0, 0, 0, 1, 0), ("Y", "RM", 15, "L4L", 0, 0, 0, 1, 0),
               ("Z", "RM", 5, "L4L", 0, 0, 0, 1, 0))
    sr = receipts(("PO1", "Y", 50.0, 0), ("PO2", "Y", 40.0, 8), ("PO3", "Z", 10.0, 3),
                  ("PO4", "Y", 2.0, -1))
    sr["due_date"] = pd.to_datetime(["2027-03-01", "2027-04-26", "2027-03-22", "2027-02-20"])
    return plan(it, bom(("P", "Y", 1.0)), ["P"], P_PRODUCTION, {"Y": 25}, sr)


def test_every_mrp_action_becomes_a_sentence_with_item_period_quantity_and_reason() -> None:
    ex = exceptions.ExceptionList("en")
    exceptions.mrp_actions(_mrp(), ex)
    f = ex.frame()
    by = {(c, i): (p, q, m) for c, i, p, q, m in
          zip(f["category"], f["item"], f["period"], f["qty"], f["message"], strict=True)}
    # Y's past-due release and the shortage it leaves are one decision, in one row
    assert set(by) == {("Shortage within lead time", "Y"), ("Expedite", "Y"),
                       ("De-expedite", "Y"), ("Cancel", "Z")}
    assert "now: they should have gone out on" in by[("Shortage within lead time", "Y")][2]
    period, qty, msg = by[("Cancel", "Z")]
    assert (period, qty) == ("2027-W12", 10.0)
    assert msg == "order PO3 (10 pcs) due 2027-03-22 is not needed within the plan: cancel " \
        "it or push it out"
    assert "not needed until 2027-W10" in by[("De-expedite", "Y")][2]
    # the most severe first
    assert f["severity"].iloc[0] == "critical"
    assert list(f["severity"]).index("info") > list(f["severity"]).index("warning")


def test_the_same_exceptions_in_chinese() -> None:
    ex = exceptions.ExceptionList("zh-CN")
    exceptions.mrp_actions(_mrp(), ex)
    f = ex.frame()
    assert {"提前期内缺料", "催货", "推迟到货", "取消订单"} <= set(f["category"])
    assert any("请立即下达" in m for m in f["message"])
    assert any("订单 PO3(10 件)" in m for m in f["message"])


def test_mps_fence_changes_are_reported_with_their_kind() -> None:
    previous = np.array([[60.0, 40, 30, np.nan]])
    r = mps.plan(np.full((1, 4), 50.0), np.array([[0, 120.0, 0, 0]]), np.zeros(1),
                 np.zeros((1, 4)), np.zeros(1), LotRules.lot_for_lot(1), np.full(4, 20.0),
                 items=pd.Index(["A"]), periods=["P0", "P1", "P2", "P3"], frozen=2,
                 frozen_qty=previous, fence=3)
    ex = exceptions.ExceptionList("en")
    exceptions.mps_changes(r, ex)
    f = ex.frame().set_index("period")
    assert f.loc["P0", "category"] == "Change in frozen period"
    assert f.loc["P1", "category"] == "Order change in frozen period"
    assert f.loc["P1", "qty"] == 20
    assert f.loc["P2", "category"] == "Change inside time fence"


def test_a_past_due_release_without_a_shortage_keeps_its_own_row() -> None:
    acts = _mrp().actions
    lone = acts[(acts["kind"] == "past_due_release")].assign(item="Q")
    ex = exceptions.ExceptionList("en")
    mrp = _mrp()
    mrp.actions = pd.concat([mrp.actions, lone], ignore_index=True)
    exceptions.mrp_actions(mrp, ex)
    f = ex.frame()
    assert f[(f["item"] == "Q")]["category"].tolist() == ["Past-due release"] * len(lone)
