"""Plan achievement (sop_xl.plan.achievement) worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_xl.plan.achievement import achievement

M = pd.Period("2026-11", "M")


def test_plan_achievement_by_hand():
    # November, version V003: Pumps A planned 100, made 90; B planned 50, made 70 (20
    # beyond the plan, not counted); Valves V planned 40, made 40; X made 5 unplanned
    planned = pd.DataFrame({"item": ["A", "B", "V"], "month": [M] * 3,
                            "qty": [100.0, 50.0, 40.0], "version": ["003"] * 3})
    actual = pd.DataFrame({"item": ["A", "B", "V", "X", "A"],
                           "month": [M, M, M, M, M - 1], "qty": [60.0, 70.0, 40.0, 5.0, 9.0]})
    actual.loc[len(actual)] = ["A", M, 30.0]  # a second receipt of A in November
    fam = pd.Series({"A": "Pumps", "B": "Pumps", "V": "Valves", "X": "Pumps"})
    usage = pd.DataFrame({"item": ["A", "B"], "resource": ["ASM", "ASM"],
                          "hours_per_unit": [0.5, 1.0]})
    k = achievement(planned, actual, fam, usage).set_index(["level", "key"])
    # total: achieved min(90,100) + min(70,50) + min(40,40) + 0 = 180 of 190 planned
    t = k.loc[("total", "")]
    assert (t["planned"], t["actual"], t["achieved"]) == (190, 205, 180)
    assert t["achievement"] == pytest.approx(180 / 190)
    assert t["output_ratio"] == pytest.approx(205 / 190)
    assert t["version"] == "003" and t["month"] == M
    # Pumps: 90 + 50 achieved of 150 planned (B's surplus does not cover A's shortfall)
    p = k.loc[("family", "Pumps")]
    assert (p["planned"], p["actual"], p["achieved"]) == (150, 165, 140)
    assert p["achievement"] == pytest.approx(140 / 150)
    assert k.loc[("family", "Valves"), "achievement"] == 1.0
    # ASM in hours: planned 100 × 0.5 + 50 × 1 = 100 h; achieved 90 × 0.5 + 50 = 95 h
    r = k.loc[("resource", "ASM")]
    assert (r["planned"], r["achieved"], r["unit"]) == (100, 95, "h")
    assert np.isnan(k.loc[("item", "X"), "achievement"])
    # October had no plan: its actuals are left out
    assert set(k["month"]) == {M}


def test_no_plan_no_rows():
    empty = pd.DataFrame({"item": [], "month": [], "qty": [], "version": []})
    got = achievement(empty, pd.DataFrame({"item": ["A"], "month": [M], "qty": [1.0]}),
                      pd.Series(dtype=object))
    assert got.empty
