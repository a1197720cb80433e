"""Supplier on-time-in-full and schedule adherence (sop_xl.plan.delivery) worked by hand,
on a Monday-to-Friday calendar: November 2026 starts on a Sunday; the 14th/15th and
21st/22nd are weekends."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from sop_xl.base.periods import FactoryCalendar
from sop_xl.plan.delivery import (
    completion_months,
    delivery_kpis,
    production_lines,
    supplier_lines,
    working_offset,
)

NOV, DEC, OCT = (pd.Period(m, "M") for m in ("2026-11", "2026-12", "2026-10"))
CAL = FactoryCalendar(date(2026, 1, 1), date(2027, 12, 31))


def d(day: int, month: int = 11) -> date:
    return date(2026, month, day)


def receipts() -> pd.DataFrame:
    rows = [  # supplier, order, item, ordered, promised, received, qty
        ("S1", "PO1", "A", 100, d(12), d(16), 100),   # Thu → Mon: +2 wd (weekend free)
        ("S1", "PO2", "B", 200, d(16), d(16), 120),   # 120 on the day ...
        ("S1", "PO2", "B", 200, d(16), d(19), 80),    # ... 80 three working days late
        ("S1", "PO3", "A", 100, d(20), d(23), 96),    # +1 wd, 96 ≥ 95 (5 % tolerance)
        ("S2", "PO4", "C", 50, d(24), d(24), 40),     # on the day, 40 of 50: short
        ("S2", "PO5", "C", 50, d(6), d(3), 50),       # Tue for Fri: 3 wd early
        ("S2", "PO6", "C", 30, d(2, 12), d(2, 12), 30),  # December: not closed yet
    ]
    return pd.DataFrame(rows, columns=["supplier", "order", "item", "order_qty",
                                       "due_date", "received_date", "qty"])


def made() -> pd.DataFrame:
    M = pd.NaT
    rows = [  # item, month, qty, completed on, order, due, order qty
        ("A", M, 100, d(10), "MO1", d(10), 100),       # month from the day
        ("A", NOV, 60, d(25), "MO2", d(25), 100),
        ("A", M, 40, d(1, 12), "MO2", d(25), 100),      # the rest slipped to December
        ("B", NOV, 84, d(18), "MO3", d(18), 80),        # 4 over: within ± 5 % of 80
        ("C", NOV, 45, d(20), "MO4", d(20), 50),        # 5 short: beyond ± 2.5
        ("C", M, 50, d(2), "MO5", d(30, 10), 50),       # October's order, done in November
        ("C", NOV, 7, d(5), None, None, np.nan),        # no order: plan achievement only
    ]
    return pd.DataFrame(rows, columns=["item", "month", "qty", "date", "order", "due_date",
                                       "order_qty"])


def test_working_offsets_skip_the_weekend():
    assert working_offset(CAL, d(12), d(16)) == 2
    assert working_offset(CAL, d(6), d(3)) == -3
    assert working_offset(CAL, d(16), d(16)) == 0


def test_supplier_lines_by_hand():
    lines = supplier_lines(receipts(), CAL, days=2, tol=0.05).set_index("order")
    assert lines.loc["PO1", "met"] and lines.loc["PO3", "met"]
    assert lines.loc["PO2", ["on_time", "received"]].tolist() == [120, 200]
    assert lines.loc["PO2", "late"] and lines.loc["PO5", "late"]   # in full, not on time
    assert lines.loc["PO4", "short"]
    assert lines.loc["PO6", "month"] == DEC


def test_delivery_kpis_by_hand():
    fam = pd.Series({"A": "F1", "B": "F1", "C": "F2"})
    usage = pd.DataFrame({"item": ["A", "B", "B", "C"], "resource": ["R1", "R1", "R2", "R2"],
                          "hours_per_unit": [1.0, 1.0, 2.0, 1.0]})
    k = delivery_kpis(receipts(), made(), CAL, days=2, tol=0.05, before=DEC, families=fam,
                      usage=usage).set_index(["kpi", "level", "key", "month"])
    # supplier OTIF, November: PO1 and PO3 of 5 lines (PO6 is December's) → 40 %
    t = k.loc[("supplier_otif", "total", "", NOV)]
    assert (t["lines"], t["met"], t["late"], t["short"]) == (5, 2, 2, 1)
    assert t["rate"] == pytest.approx(0.4)
    # pieces: 100 + 120 + 96 + 40 + 0 of 500 came on time
    assert (t["qty_due"], t["qty_met"]) == (500, 356)
    assert k.loc[("supplier_otif", "supplier", "S1", NOV), "rate"] == pytest.approx(2 / 3)
    assert k.loc[("supplier_otif", "supplier", "S2", NOV), "rate"] == 0.0
    assert ("supplier_otif", "total", "", DEC) not in k.index
    # schedule adherence, November: MO1 and MO3 of MO1-MO4 → 50 %; MO2 late, MO4 short
    a = k.loc[("schedule_adherence", "total", "", NOV)]
    assert (a["lines"], a["met"], a["late"], a["short"]) == (4, 2, 1, 1)
    assert (a["qty_due"], a["qty_met"]) == (330, 100 + 60 + 80 + 45)
    assert k.loc[("schedule_adherence", "family", "F1", NOV), "rate"] == pytest.approx(2 / 3)
    assert k.loc[("schedule_adherence", "family", "F2", NOV), "rate"] == 0.0
    assert k.loc[("schedule_adherence", "resource", "R1", NOV), "rate"] == pytest.approx(2 / 3)
    assert k.loc[("schedule_adherence", "resource", "R2", NOV), "rate"] == 0.5   # MO3, MO4
    # October's MO5 was done in November: late in October
    o = k.loc[("schedule_adherence", "total", "", OCT)]
    assert (o["lines"], o["met"], o["late"]) == (1, 0, 1)


def test_a_month_comes_from_the_day_when_blank():
    m = completion_months(made())
    assert m.tolist() == [NOV, NOV, DEC, NOV, NOV, NOV, NOV]


def test_orders_without_due_day_or_quantity_are_not_judged():
    p = production_lines(made(), 0.05)
    assert sorted(p["order"]) == ["MO1", "MO2", "MO3", "MO4", "MO5"]
    assert delivery_kpis(receipts().iloc[:0], made().iloc[:0], CAL, days=2, tol=0.05,
                         before=DEC, families=pd.Series(dtype=object)).empty
