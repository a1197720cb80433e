"""The demo factory calendar: Chinese public holidays, make-up working days, shutdowns.

2023-2026 follow the State Council's published schedules (国务院办公厅关于部分节假日安排的
通知). 2027 and 2028 were not published when this was written: their dates are plausible
schedules built the same way (Spring Festival 2027 is on 6 February, 2028 on 26 January;
eve plus the first three days are statutory since 2025, bridged with weekends and make-up
days), not official ones.

On top of the public calendar the plant stays shut for its annual maintenance week after
the Spring Festival make-up days, and one resource has its own maintenance shutdown. Rows
never overlap, so their order does not matter.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from sop_xl.demo.company import first_month_of, typed_frame

# (first day, last day, what); holidays and make-up working days per year.
_HOLIDAYS: dict[int, tuple[tuple[str, str, str], ...]] = {
    2023: (("2022-12-31", "2023-01-02", "New Year's Day"),
           ("2023-01-21", "2023-01-27", "Spring Festival"),
           ("2023-04-05", "2023-04-05", "Qingming Festival"),
           ("2023-04-29", "2023-05-03", "Labour Day"),
           ("2023-06-22", "2023-06-24", "Dragon Boat Festival"),
           ("2023-09-29", "2023-10-06", "Mid-Autumn Festival & National Day")),
    2024: (("2023-12-30", "2024-01-01", "New Year's Day"),
           ("2024-02-10", "2024-02-17", "Spring Festival"),
           ("2024-04-04", "2024-04-06", "Qingming Festival"),
           ("2024-05-01", "2024-05-05", "Labour Day"),
           ("2024-06-08", "2024-06-10", "Dragon Boat Festival"),
           ("2024-09-15", "2024-09-17", "Mid-Autumn Festival"),
           ("2024-10-01", "2024-10-07", "National Day")),
    2025: (("2025-01-01", "2025-01-01", "New Year's Day"),
           ("2025-01-28", "2025-02-04", "Spring Festival"),
           ("2025-04-04", "2025-04-06", "Qingming Festival"),
           ("2025-05-01", "2025-05-05", "Labour Day"),
           ("2025-05-31", "2025-06-02", "Dragon Boat Festival"),
           ("2025-10-01", "2025-10-08", "National Day & Mid-Autumn Festival")),
    2026: (("2026-01-01", "2026-01-03", "New Year's Day"),
           ("2026-02-15", "2026-02-23", "Spring Festival"),
           ("2026-04-04", "2026-04-06", "Qingming Festival"),
           ("2026-05-01", "2026-05-05", "Labour Day"),
           ("2026-06-19", "2026-06-21", "Dragon Boat Festival"),
           ("2026-09-25", "2026-09-27", "Mid-Autumn Festival"),
           ("2026-10-01", "2026-10-07", "National Day")),
    # assumed, not yet published
    2027: (("2027-01-01", "2027-01-03", "New Year's Day (assumed)"),
           ("2027-02-05", "2027-02-13", "Spring Festival (assumed)"),
           ("2027-04-03", "2027-04-05", "Qingming Festival (assumed)"),
           ("2027-05-01", "2027-05-05", "Labour Day (assumed)"),
           ("2027-06-09", "2027-06-09", "Dragon Boat Festival (assumed)"),
           ("2027-09-15", "2027-09-15", "Mid-Autumn Festival (assumed)"),
           ("2027-10-01", "2027-10-07", "National Day (assumed)")),
    2028: (("2028-01-01", "2028-01-03", "New Year's Day (assumed)"),
           ("2028-01-25", "2028-02-01", "Spring Festival (assumed)"),
           ("2028-04-02", "2028-04-04", "Qingming Festival (assumed)"),
           ("2028-04-29", "2028-05-03", "Labour Day (assumed)"),
           ("2028-05-27", "2028-05-29", "Dragon Boat Festival (assumed)"),
           ("2028-10-01", "2028-10-08", "National Day & Mid-Autumn Festival (assumed)"),
           ("2028-12-30", "2029-01-01", "New Year's Day 2029 (assumed)")),
}

_MAKE_UP: dict[int, tuple[tuple[str, str], ...]] = {
    2023: (("2023-01-28", "Spring Festival"), ("2023-01-29", "Spring Festival"),
           ("2023-04-23", "Labour Day"), ("2023-05-06", "Labour Day"),
           ("2023-06-25", "Dragon Boat Festival"), ("2023-10-07", "National Day"),
           ("2023-10-08", "National Day")),
    2024: (("2024-02-04", "Spring Festival"), ("2024-02-18", "Spring Festival"),
           ("2024-04-07", "Qingming Festival"), ("2024-04-28", "Labour Day"),
           ("2024-05-11", "Labour Day"), ("2024-09-14", "Mid-Autumn Festival"),
           ("2024-09-29", "National Day"), ("2024-10-12", "National Day")),
    2025: (("2025-01-26", "Spring Festival"), ("2025-02-08", "Spring Festival"),
           ("2025-04-27", "Labour Day"), ("2025-09-28", "National Day"),
           ("2025-10-11", "National Day")),
    2026: (("2026-01-04", "New Year's Day"), ("2026-02-14", "Spring Festival"),
           ("2026-02-28", "Spring Festival"), ("2026-05-09", "Labour Day"),
           ("2026-09-20", "National Day"), ("2026-10-10", "National Day")),
    2027: (("2027-01-31", "Spring Festival (assumed)"),
           ("2027-02-14", "Spring Festival (assumed)"),
           ("2027-04-25", "Labour Day (assumed)"), ("2027-09-26", "National Day (assumed)"),
           ("2027-10-09", "National Day (assumed)")),
    2028: (("2028-01-23", "Spring Festival (assumed)"),
           ("2028-02-05", "Spring Festival (assumed)"),
           ("2028-04-01", "Qingming Festival (assumed)"),
           ("2028-05-06", "Labour Day (assumed)"), ("2028-09-30", "National Day (assumed)")),
}

# Lunar new year (正月初一), for the seasonal dip in demand.
SPRING_FESTIVAL = {2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
                   2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
                   2029: date(2029, 2, 13)}

FIRST_YEAR, LAST_YEAR = min(_HOLIDAYS), max(_HOLIDAYS)


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _maintenance_week(year: int) -> tuple[date, date]:
    """Monday to Friday of the first full week after the Spring Festival holiday and its
    make-up days: the plant's annual maintenance shutdown."""
    sf = next(r for r in _HOLIDAYS[year] if r[2].startswith("Spring Festival"))
    end = _d(sf[1])
    later = [_d(d) for d, what in _MAKE_UP[year]
             if what.startswith("Spring Festival") and _d(d) > end]
    last = max([end, *later])
    monday = last + timedelta(days=7 - last.weekday())
    return monday, monday + timedelta(days=4)


def calendar_frame(first: pd.Period, last: pd.Period, planning_month: pd.Period,
                   resource_shutdown: str) -> pd.DataFrame:
    """Every holiday, make-up day and shutdown from the month ``first`` to ``last``."""
    if first.year < FIRST_YEAR or last.year > LAST_YEAR:
        raise ValueError(f"the demo calendar covers {FIRST_YEAR}-{LAST_YEAR}; "
                         f"{first}..{last} is outside it")
    lo, hi = first.start_time.date(), last.end_time.date()
    rows = []
    for year in range(first.year, last.year + 1):
        for a, b, what in _HOLIDAYS[year]:
            rows.append({"start_date": _d(a), "end_date": _d(b), "day_type": "holiday",
                         "description": what})
        for d, what in _MAKE_UP[year]:
            rows.append({"start_date": _d(d), "end_date": _d(d), "day_type": "workday",
                         "description": f"Make-up working day, {what}"})
        a, b = _maintenance_week(year)
        rows.append({"start_date": a, "end_date": b, "day_type": "shutdown",
                     "description": "Spring Festival shutdown, annual plant maintenance"})
    # the test bench's recalibration in the summer lull, the first July at least 3 months out
    july = first_month_of(planning_month + 3, 7)
    a = july.start_time.date() + timedelta(days=14)
    a += timedelta(days=(7 - a.weekday()) % 7)
    rows.append({"start_date": a, "end_date": a + timedelta(days=4), "day_type": "shutdown",
                 "description": "Test bench recalibration & flow-loop overhaul",
                 "resource": resource_shutdown})
    rows = [r for r in rows if r["end_date"] >= lo and r["start_date"] <= hi]
    rows.sort(key=lambda r: (r["start_date"], r["day_type"]))
    return typed_frame("calendar", rows)
