"""Product families: aggregation to families and months, disaggregation that sums back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_xl.plan.hierarchy import (
    NO_FAMILY,
    aggregate,
    disaggregate,
    historical_shares,
    largest_remainder,
)

P = pd.Period


def test_disaggregate_whole_pieces_by_largest_remainder():
    # quotas 50, 33.33, 16.67 → floors 50, 33, 16 (99); the one piece left goes to the
    # largest remainder (0.67, the third item)
    assert disaggregate(100, [3, 2, 1], whole=True).tolist() == [50, 33, 17]
    # quotas 3.5 and 3.5: the tie goes to the first item; a negative total mirrors it
    assert disaggregate(-7, [1, 1], whole=True).tolist() == [-4, -3]
    # per period: a column per total
    out = disaggregate([10, 0, 5], [0.5, 0.3, 0.2], whole=True)
    assert out.tolist() == [[5, 0, 3], [3, 0, 1], [2, 0, 1]]
    assert out.sum(axis=0).tolist() == [10, 0, 5]


def test_disaggregate_fractions_and_equal_split():
    assert disaggregate(100, [3, 2, 1]) == pytest.approx([50, 100 / 3, 100 / 6])
    assert disaggregate(9, [0, 0, 0]).tolist() == [3, 3, 3]  # no weights: equal shares


def test_disaggregate_rejects_bad_input():
    with pytest.raises(ValueError, match="not a whole number"):
        disaggregate(10.5, [1, 1], whole=True)
    with pytest.raises(ValueError, match="negative"):
        disaggregate(10, [1, -1])
    with pytest.raises(ValueError, match="finite"):
        disaggregate(10, [1, np.nan])


@given(st.integers(-10_000, 10_000),
       st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12))
def test_whole_split_sums_back_and_stays_within_a_piece(total, weights):
    out = disaggregate(total, weights, whole=True)
    assert out.sum() == total
    assert np.all(out == np.round(out))
    w = np.asarray(weights)
    shares = w / w.sum() if w.sum() > 0 else np.full(w.size, 1 / w.size)
    assert np.all(np.abs(out - total * shares) < 1 + 1e-9)


@given(st.floats(-1e7, 1e7, allow_nan=False),
       st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12))
def test_fractional_split_sums_back(total, weights):
    out = disaggregate(total, weights)
    assert abs(out.sum() - total) <= 1e-9 * max(1.0, abs(total))
    assert np.all(np.sign(out) * np.sign(total) >= 0)


def test_largest_remainder_hand_case():
    # 7 pieces over 1/7, 2/7, 4/7 = exact quotas 1, 2, 4
    assert largest_remainder(7, np.array([1, 2, 4]) / 7).tolist() == [1, 2, 4]


def test_aggregate_items_to_families_and_months():
    frame = pd.DataFrame({
        "item": ["A", "B", "C", "A", "X"],
        "period": [P("2027-01-04", "W"), P("2027-01-11", "W"), P("2027-01-04", "W"),
                   P("2027-02-01", "W"), P("2027-01-04", "W")],
        "qty": [10.0, 5.0, 7.0, 3.0, 1.0],
    })
    fam = {"A": "Pumps", "B": "Pumps", "C": "Valves", "X": ""}
    out = aggregate(frame, fam)
    got = {(r.family, str(r.period)): r.qty for r in out.itertuples()}
    assert got == {("Pumps", "2027-01"): 15.0, ("Pumps", "2027-02"): 3.0,
                   ("Valves", "2027-01"): 7.0, (NO_FAMILY, "2027-01"): 1.0}


def test_historical_shares_over_a_window():
    h = pd.DataFrame({
        "item": ["A", "A", "B", "B", "C", "A"],
        "month": [P("2026-10", "M"), P("2026-11", "M"), P("2026-11", "M"), P("2026-09", "M"),
                  P("2026-11", "M"), P("2025-01", "M")],
        "shipped_qty": [30.0, 30.0, 20.0, 100.0, 0.0, 999.0],
    })
    fam = {"A": "Pumps", "B": "Pumps", "C": "Valves", "D": "Valves"}
    # window Oct-Nov 2026: A 60, B 20 (Sep and Jan 2025 outside) → 0.75 / 0.25;
    # Valves shipped nothing in the window → equal shares
    s = historical_shares(h, fam, end=P("2026-11", "M"), months=2)
    assert s.to_dict() == {"A": 0.75, "B": 0.25, "C": 0.5, "D": 0.5}
