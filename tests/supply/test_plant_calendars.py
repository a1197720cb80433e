"""Per-plant factory calendars in the MRP (issue 17): lead times count the working days of
the node's own plant — a transfer's transit those of the receiving plant — and a
requirement on a day a plant does not work is needed on its working day before.

Weekly buckets from Monday 2027-03-01, Monday to Friday; plant R (receiving, 1) is closed
Tuesday 03-09 to Thursday 03-11 for a holiday, plant S (source, 0) works every weekday."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_xl.base.periods import Buckets, FactoryCalendar
from sop_xl.plan import mrp
from sop_xl.plan.dates import PlanDays
from tests.supply.test_mrp import assert_same_days, bom, items, plants, receipts

H = 9
BUCKETS = Buckets.build(pd.Period("2027-03", "M"), "week", H)
WEEKDAYS = FactoryCalendar.around(BUCKETS)


def closed(*spans: tuple[date, date]) -> FactoryCalendar:
    return FactoryCalendar.around(BUCKETS, exceptions=pd.DataFrame([
        {"start_date": a, "end_date": b, "day_type": "holiday", "description": "",
         "resource": None} for a, b in spans]))


HOLIDAY = closed((date(2027, 3, 9), date(2027, 3, 11)))
DAYS = PlanDays.build(BUCKETS, WEEKDAYS, plants=[WEEKDAYS, HOLIDAY])


def day(d: str) -> int:
    return int(np.flatnonzero(DAYS.dates == np.datetime64(d))[0])


def test_the_axis_is_the_union_and_one_calendar_is_unchanged() -> None:
    one = PlanDays.build(BUCKETS, WEEKDAYS)
    same = PlanDays.build(BUCKETS, WEEKDAYS, plants=[WEEKDAYS, WEEKDAYS])
    assert not one.per_plant and not same.per_plant
    np.testing.assert_array_equal(same.dates, one.dates)
    # S works on 03-09..11, so the axis keeps them; R does not
    np.testing.assert_array_equal(DAYS.dates, one.dates)
    assert DAYS.works(1)[day("2027-03-08"):day("2027-03-12") + 1].tolist() == \
        [True, False, False, False, True]
    # a day only one plant works is on the axis: R works Saturday 03-13, S does not
    extra = FactoryCalendar.around(BUCKETS, exceptions=pd.DataFrame([{
        "start_date": date(2027, 3, 13), "end_date": date(2027, 3, 13),
        "day_type": "workday", "description": "", "resource": None}]))
    both = PlanDays.build(BUCKETS, WEEKDAYS, plants=[WEEKDAYS, extra])
    assert len(both) == len(one) + 1 and "2027-03-13" in both.dates.astype(str).tolist()


def test_lead_times_count_the_plants_own_working_days() -> None:
    fri = day("2027-03-12")
    # 2 working days before Friday 03-12: R (closed 09..11) Friday 03-05, S Wednesday 03-10
    assert str(DAYS.date_of(DAYS.earlier(1, fri, 2))) == "2027-03-05"
    assert str(DAYS.date_of(DAYS.earlier(0, fri, 2))) == "2027-03-10"
    # 3 working days before Monday 03-15: R 03-05 (Fri 12, Mon 8, Fri 5), S 03-10
    mon = day("2027-03-15")
    assert str(DAYS.date_of(DAYS.earlier(1, mon, 3))) == "2027-03-05"
    assert str(DAYS.date_of(DAYS.earlier(0, mon, 3))) == "2027-03-10"
    # before the planning date: R's calendar before it is the work week, 2 → 02-25
    assert str(DAYS.date_of(DAYS.earlier(1, 0, 2))) == "2027-02-25"


def test_a_transfer_and_a_production_order_over_the_receiving_plants_holiday() -> None:
    """FG@R is made in R in 3 working days from CAS@R, transferred from CAS@S in 2
    working days (the transit counts in R's calendar), CAS@S cast in S in 3 days.

    FG@R: 40 due Monday 03-15 → released 3 of R's working days earlier: Fri 12, Mon 8,
    Fri 5 → **Friday 03-05** (with one calendar: Wednesday 03-10). CAS@R needs 40 on
    03-05, none on hand: a transfer due 03-05, shipped 2 of R's days earlier → **Wednesday
    03-03**. CAS@S needs 40 on 03-03, cast 3 of S's days earlier → 02-26, past due, on day
    0. A requirement R places on 03-10 (closed) is needed on Monday 03-08."""
    it = items(("FG@R", "FG", 3, "L4L", 0, 0, 0, 1, 0),
               ("CAS@R", "SFG", 2, "L4L", 0, 0, 0, 1, 0),
               ("CAS@S", "SFG", 3, "L4L", 0, 0, 0, 1, 0))
    b = bom(("FG@R", "CAS@R", 1.0), ("CAS@R", "CAS@S", 1.0))
    prod = np.zeros((1, len(DAYS)))
    prod[0, day("2027-03-15")] = 40
    plant = np.array([1, 1, 0])
    r = mrp.plan(it, b, pd.Index(["FG@R"]), prod, pd.Series(dtype=float), receipts(), DAYS,
                 plants=plant)
    o = r.orders.set_index("item")
    assert str(o.at["CAS@R", "due_date"].date()) == "2027-03-05"
    assert str(o.at["CAS@R", "release_date"].date()) == "2027-03-03"
    assert str(o.at["CAS@S", "due_date"].date()) == "2027-03-03"
    assert str(o.at["CAS@S", "release_date"].date()) == "2027-02-26"
    assert bool(o.at["CAS@S", "past_due"])
    rel = r.daily["releases"][list(r.item_names).index("FG@R")]
    assert rel[day("2027-03-05")] == 40 and rel.sum() == 40
    one = mrp.plan(it, b, pd.Index(["FG@R"]), prod, pd.Series(dtype=float), receipts(),
                   PlanDays.build(BUCKETS, WEEKDAYS))
    assert str(one.orders.set_index("item").at["CAS@R", "due_date"].date()) == "2027-03-10"
    # a requirement R would have on its holiday: 10 pieces of FG@R production on
    # Wednesday 03-10 with no lead time of its own (items × days) is needed on 03-08
    prod2 = np.zeros((1, len(DAYS)))
    prod2[0, day("2027-03-15")] = 10
    it2 = items(("FG@R", "FG", 3, "L4L", 0, 0, 0, 1, 0),
                ("CAS@R", "SFG", 2, "L4L", 0, 0, 0, 1, 0),
                ("CAS@S", "SFG", 3, "L4L", 0, 0, 0, 1, 0))
    # FG@R made in S's calendar (plant 0) releases on S's 03-10, a day R does not work
    r2 = mrp.plan(it2, b, pd.Index(["FG@R"]), prod2, pd.Series(dtype=float), receipts(),
                  DAYS, plants=np.array([0, 1, 0]))
    g = r2.daily["gross"][list(r2.item_names).index("CAS@R")]
    assert g[day("2027-03-10")] == 0 and g[day("2027-03-08")] == 10
    assert str(r2.orders.set_index("item").at["CAS@R", "due_date"].date()) == "2027-03-08"


@given(plants(), st.data())
@settings(max_examples=80, deadline=None)
def test_vectorised_plan_equals_the_item_by_item_loop_with_plant_calendars(plant, data
                                                                          ) -> None:
    it, b, on_hand, sr = plant
    starts = data.draw(st.lists(st.integers(0, 40), min_size=1, max_size=3))
    spans = [(BUCKETS.start + pd.Timedelta(days=s).to_pytimedelta(),
              BUCKETS.start + pd.Timedelta(days=s + data.draw(st.integers(0, 4)))
              .to_pytimedelta()) for s in starts]
    days = PlanDays.build(BUCKETS, WEEKDAYS, plants=[WEEKDAYS, closed(*spans)])
    at = np.array(data.draw(st.lists(st.integers(0, 1), min_size=len(it), max_size=len(it))))
    prod = np.zeros((1, len(days)))
    for _ in range(data.draw(st.integers(0, 8))):
        prod[0, data.draw(st.integers(0, len(days) - 1))] += data.draw(
            st.sampled_from([10, 25, 40, 7.5]))
    r = mrp.plan(it, b, pd.Index(["I0"]), prod, pd.Series(on_hand), sr, days, plants=at)
    ref = mrp.plan_item_by_item(it, b, pd.Index(["I0"]), prod, pd.Series(on_hand), sr, days,
                                plants=at)
    assert_same_days(r, ref)
    # every order is released its lead time of its plant's working days before its due day
    o = r.order_data
    for p, due, rel in zip(o["pos"].tolist(), o["due"].tolist(), o["release"].tolist(),
                           strict=True):
        k = int(at[it["item"].tolist().index(str(r.item_names[p]))])
        w = np.flatnonzero(days.works(k))
        lead = int(r.lead[p])
        before = w[w <= due]
        if len(before) > lead:
            assert rel == before[len(before) - 1 - lead]
        else:
            assert rel < 0


def test_a_shortage_within_lead_time_counts_the_plants_days() -> None:
    """CAS@R (6 working days, plant R) needs 10 on Friday 03-05 (FG@R's release for its
    order due 03-15): an order released today, Monday 03-01, arrives 6 of R's working
    days later — 02, 03, 04, 05, 08, **12** (09..11 closed)."""
    it = items(("FG@R", "FG", 3, "L4L", 0, 0, 0, 1, 0),
               ("CAS@R", "SFG", 6, "L4L", 0, 0, 0, 1, 0))
    b = bom(("FG@R", "CAS@R", 1.0))
    prod = np.zeros((1, len(DAYS)))
    prod[0, day("2027-03-15")] = 10
    r = mrp.plan(it, b, pd.Index(["FG@R"]), prod, pd.Series(dtype=float), receipts(), DAYS,
                 plants=np.array([1, 1]))
    a = r.actions
    short = a[a["kind"] == "shortage_lead_time"].iloc[0]
    assert str(pd.Timestamp(short["need_date"]).date()) == "2027-03-05"
    assert str(pd.Timestamp(short["arrive_date"]).date()) == "2027-03-12"
    # with one calendar FG@R starts Wednesday 03-10, after an order released today
    # arrives (03-09): no shortage at all — the holiday makes it
    one = mrp.plan(it, b, pd.Index(["FG@R"]), prod, pd.Series(dtype=float), receipts(),
                   PlanDays.build(BUCKETS, WEEKDAYS)).actions
    assert not (one["kind"] == "shortage_lead_time").any()
    # the past-due release: due 03-05, 6 of R's days back is 02-25 (before the plan)
    o = r.orders.set_index("item")
    assert str(o.at["CAS@R", "release_date"].date()) == "2027-02-25"


def test_a_month_is_spread_over_the_plants_own_working_days() -> None:
    """March 2027 has 23 weekdays; R is closed Tue 03-09 – Thu 03-11 (20 days), M closed
    Monday 03-15. A month's pieces are spread over the row's plant's working days (SAP's
    split by the plant's factory calendar), each week's part needed on the plant's first
    working day of that week."""
    monday = closed((date(2027, 3, 15), date(2027, 3, 15)))
    days = PlanDays.build(BUCKETS, WEEKDAYS, plants=[WEEKDAYS, HOLIDAY, monday])
    march = [pd.Period("2027-03", "M")]
    out = days.spread_months(np.array([[230.0], [200.0], [220.0]]), march,
                             plant=np.array([0, 1, 2]))

    def needed(row: int) -> dict[str, float]:
        at = np.flatnonzero(out[row])
        return {str(days.dates[k]): round(float(out[row, k]), 9) for k in at}

    # S: 10 a day, weeks of 5, 5, 5, 5 and 3 days
    assert needed(0) == {"2027-03-01": 50, "2027-03-08": 50, "2027-03-15": 50,
                         "2027-03-22": 50, "2027-03-29": 30}
    # R: 200 / 20 = 10 a day; its week of 03-08 has two working days (Mon, Fri): 20
    assert needed(1) == {"2027-03-01": 50, "2027-03-08": 20, "2027-03-15": 50,
                         "2027-03-22": 50, "2027-03-29": 30}
    # M: 220 / 22 = 10; the week of 03-15 (4 days) is needed Tuesday 03-16, not on the
    # Friday of the week before
    assert needed(2) == {"2027-03-01": 50, "2027-03-08": 50, "2027-03-16": 40,
                         "2027-03-22": 50, "2027-03-29": 30}
    # one calendar: 230 / 23 over the weekdays, as before
    one = PlanDays.build(BUCKETS, WEEKDAYS)
    np.testing.assert_allclose(one.spread_months(np.array([[230.0]]), march)[0],
                               out[0])
    # a week's adjustment where the plant works no day: its last working day before
    # (Friday 03-12), needed, as every part of that week, on its first day, Monday 03-08
    # (the rule of one calendar for a week without a working day)
    week = closed((date(2027, 3, 15), date(2027, 3, 19)))
    days = PlanDays.build(BUCKETS, WEEKDAYS, plants=[WEEKDAYS, week])
    adj = np.zeros((2, H))
    adj[:, 2] = 40.0          # the week of 03-15
    spread = days.spread_buckets(adj, plant=np.array([0, 1]))
    assert spread[0, day("2027-03-15")] == 40.0
    assert spread[1].sum() == 40.0 and spread[1, day("2027-03-08")] == 40.0
