"""The family production plan engine (sop_xl.plan.family_plan): each strategy worked by
hand on one family, and the stock balance as a property.

The hand-worked family: 100 pieces on hand; demand 100, 200, 300, 200 over four buckets
of 20 working days; target 10 days of supply; target stock level 150; unit cost 10;
0.5 h a piece on its key resource, which has 120 h a bucket for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_xl.plan import family_plan as fp

D = np.array([[100.0, 200.0, 300.0, 200.0]])
ON_HAND = np.array([100.0])
W = np.array([20.0, 20.0, 20.0, 20.0])
DOS = np.array([10.0])
STOCK = np.array([150.0])


def _prod(strategy: str, **kw) -> np.ndarray:
    return fp.production(strategy, D, ON_HAND, W, target_dos=DOS, target_stock=STOCK, **kw)[0]


def test_chase_produces_the_demand_and_keeps_the_opening_stock():
    p = _prod("chase")
    assert p.tolist() == [100, 200, 300, 200]
    o = fp.outcome(p[None], D, ON_HAND, W)
    assert o.closing[0].tolist() == [100, 100, 100, 100]
    # days of supply: 100 ÷ ((200 + 300 + 200) ÷ 60 days) = 8.571...; 100 ÷ (500 ÷ 40) = 8
    assert o.dos[0, 0] == pytest.approx(100 / (700 / 60))
    assert o.dos[0, 1] == pytest.approx(8.0)
    assert o.dos[0, 2] == pytest.approx(10.0)
    assert np.isnan(o.dos[0, 3])


def test_level_spreads_what_reaches_the_target_stock_at_the_end():
    # (800 demand + 150 at the end − 100 on hand) = 850 over 4 buckets = 212.5 → the two
    # odd pieces to the earliest buckets
    p = _prod("level")
    assert p.tolist() == [213, 213, 212, 212]
    o = fp.outcome(p[None], D, ON_HAND, W)
    assert o.closing[0].tolist() == [213, 226, 138, 150]
    assert o.shortage.max() == 0


def test_level_runs_short_before_a_peak_and_says_so():
    d = np.array([[300.0, 100.0, 100.0, 100.0]])
    p = fp.production("level", d, np.array([0.0]), W)
    assert p[0].tolist() == [150, 150, 150, 150]
    o = fp.outcome(p, d, np.array([0.0]), W)
    assert o.closing[0].tolist() == [-150, -100, -50, 0]
    assert o.shortage[0].tolist() == [150, 100, 50, 0]


def test_target_days_of_supply():
    # aims: 10 days × 700/60 = 116.67, × 500/40 = 125, × 200/20 = 100, last bucket its own
    # 200/20 → 100; bucket 1: 100 + 116.67 − 100 = 116.67 → 117 whole pieces; bucket 2:
    # 200 + 125 − 117 = 208; bucket 3: 300 + 100 − 125 = 275; bucket 4: 200 + 100 − 100
    p = _prod("target_dos")
    assert p.tolist() == [117, 208, 275, 200]
    o = fp.outcome(p[None], D, ON_HAND, W)
    assert o.closing[0].tolist() == [117, 125, 100, 100]
    assert o.dos[0, :3] == pytest.approx([117 / (700 / 60), 10.0, 10.0])


def test_target_stock_level():
    p = _prod("target_stock")
    assert p.tolist() == [150, 200, 300, 200]
    assert fp.outcome(p[None], D, ON_HAND, W).closing[0].tolist() == [150, 150, 150, 150]


def test_consequences_inventory_value_and_overtime():
    kw = dict(unit_cost=np.array([10.0]), hours_per_piece=np.array([0.5]),
              available=np.full((1, 4), 120.0))
    chase = fp.outcome(_prod("chase")[None], D, ON_HAND, W, **kw)
    level = fp.outcome(_prod("level")[None], D, ON_HAND, W, **kw)
    # chase: 300 pieces × 0.5 h = 150 h against 120 h in bucket 3 → 30 h overtime
    assert chase.load[0].tolist() == [50, 100, 150, 100]
    assert chase.overtime[0].tolist() == [0, 0, 30, 0]
    assert chase.inventory_value[0].tolist() == [1000, 1000, 1000, 1000]
    # level: 106.5 h at most, no overtime; more stock: (213+226+138+150)/4 × 10 = 1817.5
    assert level.overtime.sum() == 0
    assert level.inventory_value.mean() == pytest.approx(1817.5)
    fams = pd.Index(["F"])
    t = fp.summary(fams, "chase", chase, np.full((1, 4), 120.0))
    assert t.loc[0, "overtime_hours"] == 30
    assert t.loc[0, "peak_utilisation"] == pytest.approx(150 / 120)
    assert t.loc[0, "production_value"] == 8000
    assert t.loc[0, "inventory_value"] == 1000


def test_fixed_cells_are_kept_and_planned_around():
    fixed = np.array([[50.0, np.nan, np.nan, np.nan]])
    # chase keeps 100 on hand: after a frozen 50, bucket 2 makes up the 50 short
    assert _prod("chase", fixed=fixed).tolist() == [50, 250, 300, 200]
    # level: 850 − 50 = 800 over the three free buckets → 267, 267, 266
    assert _prod("level", fixed=fixed).tolist() == [50, 267, 267, 266]


def test_receipts_count_as_supply():
    rec = np.array([[80.0, 0, 0, 0]])
    assert _prod("chase", receipts=rec).tolist() == [20, 200, 300, 200]


def test_plan_keeps_typed_cells_and_replans_the_rest():
    typed = np.array([[np.nan, 260.0, np.nan, np.nan]])
    r = fp.plan(pd.Index(["F"]), ["a", "b", "c", "d"], D, ON_HAND, W, strategy="target_stock",
                target_stock=STOCK, typed=typed)
    # typed 260 in bucket 2 leaves 210 at its end; bucket 3 needs 300 + 150 − 210 = 240
    assert r.chosen.production[0].tolist() == [150, 260, 240, 200]
    assert r.approved[0].tolist() == [150, 260, 240, 200]
    # only the typed cell differs from the suggestion: the next run reads back just it
    diff = r.suggested != r.chosen.production
    assert diff.tolist() == [[False, True, False, False]]
    assert r.suggested[0, 1] == 200
    assert set(r.options_table["strategy"]) == set(fp.STRATEGIES)
    assert r.options_table.loc[r.options_table["chosen"], "strategy"].tolist() == \
        ["target_stock"]


def test_no_strategy_shows_the_items_plan_and_approves_nothing():
    items = np.array([[120.0, 180.0, 300.0, 200.0]])
    r = fp.plan(pd.Index(["F"]), ["a", "b", "c", "d"], D, ON_HAND, W, items_plan=items)
    assert r.chosen.production[0].tolist() == [120, 180, 300, 200]
    assert np.isnan(r.approved).all()
    rows = r.rows()
    assert rows["opening"][0].tolist() == [100, 120, 100, 100]
    assert rows["chase_production"][0].tolist() == [100, 200, 300, 200]


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="unknown strategy"):
        fp.production("overtime", D, ON_HAND, W)


_qty = st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_qty, min_size=6, max_size=6), min_size=1, max_size=3),
       st.sampled_from(fp.STRATEGIES), st.floats(0, 500), st.floats(0, 30),
       st.booleans())
def test_stock_balance_and_no_negative_production(demand, strategy, opening, dos, whole):
    d = np.array(demand)
    n = len(d)
    o = np.full(n, opening)
    w = np.array([20, 19, 22, 0, 21, 20], dtype=float)
    p = fp.production(strategy, d, o, w, target_dos=np.full(n, dos),
                      target_stock=np.full(n, 120.0), whole=whole)
    assert (p >= 0).all()
    if whole:
        assert (p == np.round(p)).all()
    out = fp.outcome(p, d, o, w)
    opening_rows = np.concatenate([o[:, None], out.closing[:, :-1]], axis=1)
    np.testing.assert_allclose(opening_rows + p - d, out.closing, atol=1e-6)
    aim = fp.target_close(strategy, d, o, w, target_dos=np.full(n, dos),
                          target_stock=np.full(n, 120.0))
    if strategy == "level":  # the target is reached at the end
        assert (out.closing[:, -1] >= aim[:, -1] - 1e-6).all()
    else:  # every bucket ends at least at its aim
        assert (out.closing >= aim - 1e-6).all()


def test_targets_typed_over_the_familys_own_win_in_their_buckets():
    """The planner types 20 days in bucket 2 and a stock level of 250 in bucket 3 over the
    family's own 10 days and 150 pieces."""
    days = np.array([[np.nan, 20.0, np.nan, np.nan]])
    stock = np.array([[np.nan, np.nan, 250.0, np.nan]])
    p = fp.plan(pd.Index(["F"]), ["1", "2", "3", "4"], D, ON_HAND, W, strategy="target_dos",
                target_dos=DOS, target_stock=STOCK, typed_days=days, typed_stock=stock)
    # target days: aims 116.67, 20 × 500/40 = 250, 100, 100 → 117; 200 + 250 − 117 = 333;
    # 300 + 100 − 250 = 150; 200 + 100 − 100 = 200
    assert p.chosen.production[0].tolist() == [117, 333, 150, 200]
    assert p.target_days[0].tolist() == [10, 20, 10, 10]
    assert p.stock_level[0].tolist() == [150, 150, 250, 150]
    # the target stock option aims 150, 150, 250, 150: 150, 200, 400, 100
    o = p.options["target_stock"]
    assert o.production[0].tolist() == [150, 200, 400, 100]
    assert o.closing[0].tolist() == [150, 150, 250, 150]
    # the sheet's rows show them; the family's own stay as its attributes
    assert p.rows()["target_stock"][0].tolist() == [150, 150, 250, 150]
    assert (p.target_dos.tolist(), p.own_stock.tolist()) == ([10.0], [150.0])
