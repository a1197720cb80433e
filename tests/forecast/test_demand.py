"""Syntetos-Boylan demand classes on hand-made series."""

import numpy as np
import pytest

from sop_xl.plan.forecast.classify import DemandClass, adi_cv2, classify


def test_smooth():
    y = np.array([10, 12, 11, 9, 10, 11, 12, 10, 9, 11, 10, 12], dtype=float)
    result = classify(y)
    assert result.demand_class is DemandClass.SMOOTH
    assert result.adi == 1.0
    assert result.cv2 < 0.49


def test_erratic():
    y = np.array([1, 50, 2, 40, 1, 60, 3, 45, 2, 55, 1, 50], dtype=float)
    # Every month has demand (ADI 1) but sizes vary a lot: mean 25.8, CV² ≈ 0.93.
    adi, cv2 = adi_cv2(y)
    assert adi == 1.0 and cv2 == pytest.approx(y.var() / y.mean() ** 2)
    assert cv2 > 0.49
    assert classify(y).demand_class is DemandClass.ERRATIC


def test_intermittent():
    y = np.array([5, 0, 0, 6, 0, 0, 5, 0, 0, 6, 0, 0, 5, 0, 0, 6], dtype=float)
    # 16 months, 6 demands: ADI = 16/6 = 2.67 ≥ 1.32; sizes 5/6: CV² = 0.25/30.25 = 0.008.
    result = classify(y)
    assert result.adi == pytest.approx(16 / 6)
    assert result.cv2 == pytest.approx(0.25 / 30.25)
    assert result.demand_class is DemandClass.INTERMITTENT


def test_lumpy():
    y = np.array([1, 0, 0, 40, 0, 0, 2, 0, 0, 60, 0, 0, 1, 0, 0, 50], dtype=float)
    assert classify(y).demand_class is DemandClass.LUMPY


def test_new_item_has_too_little_history():
    result = classify(np.array([3.0, 4, 5, 4, 6]), min_history=12)
    assert result.demand_class is DemandClass.NEW
    assert result.n_history == 5


def test_discontinued_after_quiet_months():
    y = np.r_[np.full(24, 10.0), np.zeros(8)]
    result = classify(y, inactive_periods=6)
    assert result.demand_class is DemandClass.DISCONTINUED
    assert result.trailing_zeros == 8


def test_lumpy_item_is_not_discontinued_by_a_usual_gap():
    # A sale every 3 months: 25 months with 9 sales before the gap, ADI 2.78;
    # 7 quiet months are under 3 × ADI = 8.3 ...
    y = np.r_[np.tile([9.0, 0, 0], 8), 9.0, np.zeros(7)]
    assert classify(y, inactive_periods=6).demand_class is DemandClass.INTERMITTENT
    # ... but 9 quiet months are not.
    y = np.r_[np.tile([9.0, 0, 0], 8), 9.0, np.zeros(9)]
    assert classify(y, inactive_periods=6).demand_class is DemandClass.DISCONTINUED


def test_no_demand_at_all():
    assert classify(np.zeros(10)).demand_class is DemandClass.DISCONTINUED
