"""Buckets and the factory calendar, checked against a real calendar by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from sop_xl.base.periods import Buckets, FactoryCalendar, bucket_months, month_weights


def test_month_buckets():
    b = Buckets.build(pd.Period("2026-12", "M"), "month", 3)
    assert b.labels == ["2026-12", "2027-01", "2027-02"]
    assert b[1].start == date(2027, 1, 1) and b[1].end == date(2027, 1, 31)
    idx = b.index_of([date(2026, 11, 30), date(2026, 12, 1), date(2027, 2, 28),
                      date(2027, 3, 1)])
    assert idx.tolist() == [-1, 0, 2, 3]


def test_week_buckets_start_on_the_monday_of_the_first_day():
    # 2026-12-01 is a Tuesday: the first ISO week starts Monday 2026-11-30 (W49)
    b = Buckets.build(pd.Period("2026-12", "M"), "week", 5)
    assert b[0].start == date(2026, 11, 30)
    assert b.labels[0] == "2026-W49"
    # 2026 has 53 ISO weeks: Thursday 2026-12-31 puts the week of Monday the 28th in 2026
    assert b.labels[-1] == "2026-W53"
    assert b[4].start == date(2026, 12, 28)


def test_calendar_counts_holidays_shutdowns_and_makeup_days():
    exc = pd.DataFrame({
        "start_date": [date(2027, 2, 5), date(2027, 2, 20), date(2027, 1, 1)],
        "end_date": [date(2027, 2, 12), date(2027, 2, 20), date(2027, 1, 1)],
        "day_type": ["holiday", "workday", "holiday"],
        "description": ["Spring Festival", "make-up Saturday", "New Year"],
        "resource": [None, None, None]})
    cal = FactoryCalendar(date(2026, 1, 1), date(2027, 12, 31), "mon-fri", exc)
    # February 2027: 20 weekdays, 6 of them (Fri 5th, Mon 8th–Fri 12th) off, +1 Saturday
    assert cal.working_days(date(2027, 2, 1), date(2027, 2, 28)) == 20 - 6 + 1
    # January 2027: 21 weekdays minus New Year (a Friday)
    assert cal.working_days(date(2027, 1, 1), date(2027, 1, 31)) == 20
    assert not cal.is_working(date(2027, 2, 8))
    assert cal.is_working(date(2027, 2, 20))


def test_subtract_working_days_skips_weekends_and_holidays():
    exc = pd.DataFrame({"start_date": [date(2026, 12, 25)], "end_date": [date(2026, 12, 25)],
                        "day_type": ["holiday"], "description": ["x"], "resource": [None]})
    cal = FactoryCalendar(date(2026, 1, 1), date(2027, 12, 31), "mon-fri", exc)
    due = np.array(["2027-01-01", "2026-12-28", "2026-12-28"], dtype="datetime64[D]")
    # Friday 2027-01-01 minus 1 working day: Thursday 31st. Monday 28th minus 1: Thursday
    # 24th (Friday 25th is a holiday); minus 3: 24th, 23rd, 22nd → Tuesday 22nd
    got = cal.subtract_working_days(due, np.array([1, 1, 3]))
    assert [str(d) for d in got] == ["2026-12-31", "2026-12-24", "2026-12-22"]


def test_a_plant_with_its_own_work_week():
    """Company Monday to Friday; plant P2 works Saturdays, and its own holiday on Saturday
    2027-03-13 (a row naming P2). March 2027: 23 weekdays, 4 Saturdays."""
    exc = pd.DataFrame({"start_date": [date(2027, 3, 13)], "end_date": [date(2027, 3, 13)],
                        "day_type": ["holiday"], "description": ["x"], "resource": [None],
                        "plant": ["P2"]})
    cal = FactoryCalendar(date(2027, 1, 1), date(2027, 12, 31), "mon-fri", exc,
                          plant_weeks={"P2": "mon-sat", "P1": "mon-fri"})
    march = (date(2027, 3, 1), date(2027, 3, 31))
    assert cal.differs_by_plant
    assert cal.working_days(*march) == 23
    assert cal.for_plant("P1").working_days(*march) == 23
    p2 = cal.for_plant("P2")
    assert p2.working_days(*march) == 23 + 4 - 1
    assert p2.is_working(date(2027, 3, 6)) and not p2.is_working(date(2027, 3, 13))
    assert not p2.is_working(date(2027, 3, 7))  # a Sunday
    # Monday 03-08 minus 1 working day: P2 Saturday 03-06, P1 Friday 03-05
    due = np.array(["2027-03-08"], dtype="datetime64[D]")
    assert str(p2.subtract_working_days(due, np.array([1]))[0]) == "2027-03-06"
    assert str(cal.for_plant("P1").subtract_working_days(due, np.array([1]))[0]) == \
        "2027-03-05"
    # a resource's calendar keeps its plant's week
    assert p2.resource_calendar("CNC").working_days(*march) == 26
    # every plant on the company's week and no plant rows: one calendar
    same = FactoryCalendar(date(2027, 1, 1), date(2027, 12, 31), "mon-sat",
                           plant_weeks={"P1": "mon-sat"})
    assert not same.differs_by_plant and same.for_plant("P1") is same


def test_resource_calendar_applies_its_own_shutdown():
    exc = pd.DataFrame({"start_date": [date(2027, 3, 1)], "end_date": [date(2027, 3, 5)],
                        "day_type": ["shutdown"], "description": ["maintenance"],
                        "resource": ["CNC"]})
    cal = FactoryCalendar(date(2027, 1, 1), date(2027, 12, 31), "mon-fri", exc)
    assert cal.working_days(date(2027, 3, 1), date(2027, 3, 31)) == 23
    assert cal.resource_calendar("CNC").working_days(date(2027, 3, 1),
                                                     date(2027, 3, 31)) == 18


@given(st.sampled_from(["month", "week"]), st.integers(1, 30))
def test_month_weights_share_each_month_out_completely(kind, horizon):
    b = Buckets.build(pd.Period("2026-12", "M"), kind, horizon)
    cal = FactoryCalendar.around(b)
    months = bucket_months(b)
    w = month_weights(b, cal, months)
    inside = [m for m in months if m.start_time.date() >= b.start and
              m.end_time.date() <= b.end]
    for k, m in enumerate(months):
        if m in inside:
            assert abs(w[k].sum() - 1.0) < 1e-9
        else:
            assert 0.0 <= w[k].sum() <= 1.0 + 1e-9
