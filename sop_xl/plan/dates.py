"""The plan's working days (计划工作日): every quantity is dated, buckets only show sums.

Inside the plan every requirement, scheduled receipt and order carries a date: a working
day of the factory calendar, from the planning date to the end of the last bucket — as SAP
MRP and frePPLe plan, and Odoo's MPS shows buckets over a dated MRP. Months or ISO weeks
are only how grids, capacity and projection sum the dated quantities, so switching a
workbook between them changes no date.

Rules for dates (working days, "days" below, are positions on this axis):

- A date before the planning date is past due and counts on the planning date (day 0).
- A requirement on a non-working day is needed on the working day before it (it must be
  met by then); a receipt on a non-working day can be used on the working day after it.
- A quantity known only by month (the forecast, a contract's due month) is spread evenly
  over the working days of its month, one known only by bucket (a planner's adjustment)
  over the working days of its bucket, and what falls in each calendar week of the month
  is needed on that week's first working day in the month — SAP's split of period
  requirements into weeks. December 2026's 100 over its 23 working days: 17.4 on
  Tuesday 12-01 (4 days), 21.7 on each of the Mondays 12-07, 12-14 and 12-21 and 17.4 on
  12-28 (4 days). A day-by-day split would make every lot-for-lot item order on every
  working day (the demo company: 23,672 planned orders; a 10,000-item plant: millions,
  more than a sheet holds): dates no plant executes. A month or bucket without a working
  day puts its quantity on the last working day before it.
- Working days before the first bucket (a planning date before the planning month) are
  shown in the first bucket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from sop_xl.base.periods import Buckets, FactoryCalendar

DAY = "datetime64[D]"


#: orders a slice of ``PlanDays.earlier`` works on at once
_SLICE = 1 << 16


@dataclass(frozen=True, eq=False)
class PlanDays:
    """The working days of a plan and the bucket each one is shown in.

    ``dates`` (datetime64[D]) are the working days from the planning date to the end of
    the last bucket; ``bucket`` the bucket of each; ``bounds`` (buckets + 1) the first day
    of each bucket, so bucket b holds days ``bounds[b]:bounds[b + 1]`` (none for a bucket
    without a working day)."""

    buckets: Buckets
    calendar: FactoryCalendar
    dates: np.ndarray
    bucket: np.ndarray
    bounds: np.ndarray
    _working: np.ndarray   # positions of every working day of the calendar
    _first: int            # position of day 0 in ``_working``
    # per-plant calendars: (plants × len(_working)) whether each plant works on each day of
    # the axis (the union of the plants' working days); None: one calendar for all
    _plant_works: np.ndarray | None = None
    plants: tuple[str, ...] = ()   # the plants of ``_plant_works``' rows

    @classmethod
    def build(cls, buckets: Buckets, calendar: FactoryCalendar,
              planning_date: date | None = None,
              plants: Sequence[FactoryCalendar] | None = None,
              names: Sequence[str] = ()) -> PlanDays:
        """The days of ``buckets`` from ``planning_date`` (default: the first day of the
        first bucket; for week buckets the Monday of the week the planning month starts
        in, which is no later than the planning month's first day). ``plants``: each
        plant's calendar (same span as ``calendar``); the days are then the union of
        their working days, and lead times count in each plant's own (``earlier``);
        ``names``: the plants' names, in the same order."""
        start = planning_date or buckets.start
        base = np.datetime64(calendar.start, "D")
        works = None
        if plants is not None and len(plants) > 1 and any(
                not np.array_equal(c.working, plants[0].working) for c in plants[1:]):
            union = np.logical_or.reduce([c.working for c in plants])
            calendar = calendar.with_working(union)
            works = np.array([c.working for c in plants])[:, np.flatnonzero(union)]
        elif plants:
            calendar = plants[0]
        working = np.flatnonzero(calendar.working)
        first = int(np.searchsorted(working, (np.datetime64(start, "D") - base).astype(int)))
        last = int(np.searchsorted(working, (np.datetime64(buckets.end, "D") - base)
                                   .astype(int), side="right"))
        dates = base + working[first:last].astype("timedelta64[D]")
        starts = buckets.starts()
        bucket = np.maximum(np.searchsorted(starts, dates, side="right") - 1, 0)
        bounds = np.searchsorted(bucket, np.arange(len(buckets) + 1), side="left")
        return cls(buckets, calendar, dates, bucket.astype(np.int64), bounds.astype(np.int64),
                   working, first, works, tuple(names) if works is not None else ())

    def __len__(self) -> int:
        return len(self.dates)

    @property
    def planning_date(self) -> np.datetime64:
        return self.dates[0] if len(self.dates) else np.datetime64(self.buckets.start, "D")

    @cached_property
    def workdays(self) -> np.ndarray:
        """Working days of the plan in each bucket."""
        return np.diff(self.bounds)

    @cached_property
    def last_day(self) -> np.ndarray:
        """The last day of each bucket (−1 for a bucket before any working day; a bucket
        without working days has the last day before it)."""
        return self.bounds[1:] - 1

    # -- dates and days --------------------------------------------------------------------
    def _positions(self, dates: Sequence | np.ndarray | pd.Series) -> np.ndarray:
        d = np.asarray(pd.to_datetime(pd.Series(dates)).to_numpy(), dtype=DAY)
        return (d - np.datetime64(self.calendar.start, "D")).astype(np.int64)

    def demand_day(self, dates: Sequence | np.ndarray | pd.Series) -> np.ndarray:
        """The day a requirement dated ``dates`` is needed on: that working day or the one
        before; 0 if past due; ``len(self)`` if after the plan."""
        pos = self._positions(dates)
        k = np.searchsorted(self._working, pos, side="right") - 1 - self._first
        return np.clip(k, 0, len(self))

    def supply_day(self, dates: Sequence | np.ndarray | pd.Series) -> np.ndarray:
        """The day a receipt dated ``dates`` can be used on: that working day or the next;
        0 if past due; ``len(self)`` if after the plan."""
        pos = self._positions(dates)
        k = np.searchsorted(self._working, pos, side="left") - self._first
        return np.clip(k, 0, len(self))

    def date_of(self, days: np.ndarray | int) -> np.ndarray:
        """The date of day numbers, also before day 0 (a release before the planning date)
        and after the last day, counted in working days of the factory calendar."""
        k = np.asarray(days, dtype=np.int64) + self._first
        w = self._working
        inside = np.clip(k, 0, len(w) - 1)
        out = np.datetime64(self.calendar.start, "D") + w[inside].astype("timedelta64[D]")
        # beyond the calendar (lead times of years): 5 working days to the week
        off = k - inside
        if np.any(off):
            out = out + (off * 7 // 5).astype("timedelta64[D]")
        return out

    # -- per-plant calendars -----------------------------------------------------------------
    @property
    def per_plant(self) -> bool:
        """Whether the plants work on different days."""
        return self._plant_works is not None

    @cached_property
    def _plant_days(self) -> list[np.ndarray]:
        """Each plant's working days as positions on the whole axis (``_working``)."""
        assert self._plant_works is not None
        return [np.flatnonzero(w) for w in self._plant_works]

    def earlier(self, plant: np.ndarray | int, days: np.ndarray | int,
                lead: np.ndarray | int) -> np.ndarray:
        """The day ``lead`` working days of ``plant`` before day ``days`` (counted from
        the plant's working day on or before it); before day 0 for a release before the
        planning date. Without per-plant calendars: ``days − lead``."""
        d = np.asarray(days, dtype=np.int64)
        lt = np.broadcast_to(np.asarray(lead, dtype=np.int64), d.shape)
        if self._plant_works is None:
            return d - lt
        p = np.broadcast_to(np.asarray(plant, dtype=np.int64), d.shape).reshape(-1)
        lt = lt.reshape(-1)
        flat = d.reshape(-1)
        out = np.empty(len(flat), np.int64)
        # millions of orders: in slices, so the temporaries are reused memory rather than
        # fresh pages the system must hand over and clear
        for a in range(0, len(flat), _SLICE):
            b = a + _SLICE
            out[a:b] = self._earlier(p[a:b], flat[a:b], lt[a:b])
        return out.reshape(d.shape)

    def _earlier(self, p: np.ndarray, d: np.ndarray, lt: np.ndarray) -> np.ndarray:
        """``earlier`` on flat arrays, with per-plant calendars."""
        count, own, start = self._plant_counts
        width = count.shape[1]
        # the plant's working day on or before each day, as its index in the plant's own
        # days: one gather over every row, not a search per plant
        x = d + (self._first + 1)
        np.clip(x, 0, width - 1, out=x)
        x += p * width
        j = count.reshape(-1)[x]
        j -= lt
        first = start[p]
        before = j < 0
        early = bool(before.any())
        first += np.where(before, 0, j) if early else j
        out = own[first]
        if early:   # before the plant's first day: one axis day per working day
            out[before] += j[before]
        out -= self._first
        return out

    @cached_property
    def _plant_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(plants × axis + 1) the index in each plant's own working days of its working
        day on or before each axis position (column 0: before the axis, −1); every
        plant's working days end to end; where each plant's begin in them."""
        assert self._plant_works is not None
        works = self._plant_works
        count = np.empty((len(works), works.shape[1] + 1), np.int64)
        count[:, 0] = -1
        np.cumsum(works, axis=1, out=count[:, 1:])
        count[:, 1:] -= 1
        own = np.concatenate(self._plant_days)
        start = np.r_[0, np.cumsum([len(o) for o in self._plant_days])[:-1]].astype(np.int64)
        return count, own, start

    def on_or_after(self, plant: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The plant's working day on or after each of ``days`` (a receipt can be used
        then); ``len(self)`` when none is left in the plan."""
        d = np.asarray(days, dtype=np.int64)
        if self._plant_works is None:
            return d
        out = d.copy()
        p = np.asarray(plant, dtype=np.int64)
        for k, own in enumerate(self._plant_days):
            at = p == k
            if at.any():
                j = np.searchsorted(own, d[at] + self._first, side="left")
                nxt = own[np.minimum(j, len(own) - 1)] - self._first
                out[at] = np.where(j < len(own), np.minimum(nxt, len(self)), len(self))
        return out

    def plant_index(self, plants: Sequence | np.ndarray | pd.Series) -> np.ndarray:
        """The row of each plant name in the per-plant calendars (0: an unknown or blank
        plant, the home plant, and every plant without per-plant calendars)."""
        if not self.plants:
            return np.zeros(len(plants), np.int64)
        at = pd.Index(self.plants).get_indexer(pd.Series(plants, dtype=object).astype(str))
        return np.maximum(at, 0).astype(np.int64)

    def later(self, plant: np.ndarray | int, days: np.ndarray | int,
              lead: np.ndarray | int) -> np.ndarray:
        """The day ``lead`` working days of ``plant`` after day ``days`` (counted from the
        plant's working day on or after it): when an order released then arrives."""
        d = np.asarray(days, dtype=np.int64)
        lt = np.broadcast_to(np.asarray(lead, dtype=np.int64), d.shape)
        if self._plant_works is None:
            return d + lt
        p = np.broadcast_to(np.asarray(plant, dtype=np.int64), d.shape)
        out = np.empty(d.shape, np.int64)
        for k, own in enumerate(self._plant_days):
            at = p == k
            if at.any():
                j = np.searchsorted(own, d[at] + self._first, side="left") + lt[at]
                out[at] = np.where(j < len(own), own[np.minimum(j, len(own) - 1)],
                                   own[-1] + j - len(own) + 1) - self._first
        return out

    def release_map(self, plant: int, lead: int) -> np.ndarray:
        """``earlier`` for every day of the plan, clipped to day 0 (non-decreasing)."""
        return np.maximum(self.lead_map(plant, lead), 0)

    @cached_property
    def _lead_maps(self) -> dict[tuple[int, int], np.ndarray]:
        return {}

    def lead_map(self, plant: int, lead: int) -> np.ndarray:
        """``earlier`` for every day of the plan (read-only; below 0 before the planning
        date). Kept per plant and lead time: the orders of one ask for it by the run."""
        key = (plant, lead)
        to = self._lead_maps.get(key)
        if to is None:
            to = self.earlier(plant, np.arange(len(self)), lead)
            to.flags.writeable = False
            self._lead_maps[key] = to
        return to

    @cached_property
    def _own_days(self) -> dict[int, np.ndarray]:
        return {}

    def own_days(self, plant: int) -> np.ndarray:
        """The days of the plan ``plant`` works on, as day numbers (read-only)."""
        own = self._own_days.get(plant)
        if own is None:
            own = np.flatnonzero(self.works(plant))
            own.flags.writeable = False
            self._own_days[plant] = own
        return own

    @cached_property
    def _release_runs(self) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]:
        return {}

    def release_runs(self, plant: int, lead: int) -> tuple[np.ndarray, np.ndarray]:
        """``release_map`` as runs: the first due day of each run of due days released on
        one day, and that release day (both read-only). Kept per plant and lead time: an
        MRP level asks for the same few thousand times."""
        key = (plant, lead)
        runs = self._release_runs.get(key)
        if runs is None:
            to = self.release_map(plant, lead)
            first = np.flatnonzero(np.r_[True, to[1:] != to[:-1]])
            release = to[first]
            first.flags.writeable = release.flags.writeable = False
            runs = self._release_runs[key] = (first, release)
        return runs

    def works(self, plant: int) -> np.ndarray:
        """Whether ``plant`` works on each day of the plan."""
        if self._plant_works is None:
            return np.ones(len(self), bool)
        return self._plant_works[plant, self._first:self._first + len(self)]

    def on_working_days(self, plant: np.ndarray, daily: np.ndarray) -> np.ndarray:
        """Requirements (rows × days, row r of ``plant[r]``) moved from the days a plant
        does not work to its working day before them (day 0 when none is)."""
        daily = np.asarray(daily, dtype=float)
        if self._plant_works is None or not len(self):
            return daily
        out = daily.copy()
        self.move_to_working_days(plant, out)
        return out

    def move_to_working_days(self, plant: np.ndarray, daily: np.ndarray) -> None:
        """``on_working_days`` in place on ``daily`` (rows × days, float)."""
        if self._plant_works is None or not len(self):
            return
        plant = np.asarray(plant, dtype=np.int64)
        for k in np.unique(plant):
            w = self.works(int(k))
            closed = np.flatnonzero(~w)
            if not len(closed):
                continue
            # a plant's closed days are few: each column added to its working day before
            # (in date order, so a run of closed days lands on one day); the rows of a
            # plant are usually one run, taken as a slice rather than copied
            at = np.flatnonzero(plant == k)
            rows: slice | np.ndarray = slice(int(at[0]), int(at[-1]) + 1) \
                if at[-1] - at[0] + 1 == len(at) else at
            before = np.maximum.accumulate(np.where(w, np.arange(len(w)), 0))
            for c in closed:
                to = int(before[c])
                if to == c:   # day 0 closed: it stays there (nothing before it)
                    continue
                block = daily[rows]
                if isinstance(rows, slice):
                    block[:, to] += block[:, c]
                    block[:, c] = 0.0
                else:
                    daily[rows, to] += daily[rows, c]
                    daily[rows, c] = 0.0

    def bucket_of(self, days: np.ndarray) -> np.ndarray:
        """Bucket of day numbers: a past-due day in the first bucket, one after the plan is
        ``len(buckets)``."""
        d = np.asarray(days, dtype=np.int64)
        out = self.bucket[np.clip(d, 0, max(len(self) - 1, 0))] if len(self) else \
            np.zeros(d.shape, np.int64)
        return np.where(d >= len(self), len(self.buckets), out)

    # -- dated quantities and buckets ------------------------------------------------------
    def by_bucket(self, daily: np.ndarray) -> np.ndarray:
        """Sum of (… × days) over each bucket's days: (… × buckets), to 1e-9 pieces (a
        month of 100 spread over 23 days sums to 100, not 99.99999999999999)."""
        daily = np.asarray(daily, dtype=float)
        out = np.zeros((*daily.shape[:-1], len(self.buckets)))
        full = np.flatnonzero(self.workdays > 0)
        if len(full):
            out[..., full] = np.add.reduceat(daily, self.bounds[full], axis=-1)
        return np.round(out, 9) + 0.0   # + 0.0: no −0.0 on a sheet

    def at_bucket_end(self, daily: np.ndarray, opening: np.ndarray) -> np.ndarray:
        """A running level (… × days), e.g. a target stock, as it stands at the end of
        each bucket; ``opening`` before the first day."""
        daily = np.asarray(daily, dtype=float)
        padded = np.concatenate([np.asarray(opening, dtype=float)[..., None], daily], axis=-1)
        return padded[..., self.bounds[1:]]

    @cached_property
    def _week_parts(self) -> np.ndarray:
        """First day of each calendar week within a month (ISO weeks cut at month ends)."""
        if not len(self):
            return np.zeros(0, np.int64)
        d = self.dates.astype(np.int64)
        week = (d + 3) // 7                    # Monday-based: 1970-01-01 was a Thursday
        month = self._month_of_day
        new = np.ones(len(d), bool)
        new[1:] = (week[1:] != week[:-1]) | (month[1:] != month[:-1])
        return np.flatnonzero(new)

    def by_week(self, daily: np.ndarray, plant: int | None = None) -> np.ndarray:
        """What falls in each calendar week of a month, needed on its first working day
        in that month (… × days); with ``plant``, on that plant's first working day in
        it (what falls on a day the plant does not work counts on its day before)."""
        if plant is None or self._plant_works is None:
            starts = self._week_parts
            out = np.zeros_like(daily)
            if len(starts):
                out[..., starts] = np.add.reduceat(daily, starts, axis=-1)
            return out
        own = self.own_days(plant)
        if not len(own):
            return np.asarray(daily, dtype=float).copy()
        daily = np.array(daily, dtype=float)
        rows = daily.reshape(-1, daily.shape[-1])
        self.move_to_working_days(np.full(len(rows), plant), rows)
        out = np.zeros_like(daily)
        head = int(own[0])
        out[..., :head] = daily[..., :head]   # before the plant's first day: as it was
        d = self.dates[own].astype(np.int64)
        week, month = (d + 3) // 7, self._month_of_day[own]
        new = np.ones(len(own), bool)
        new[1:] = (week[1:] != week[:-1]) | (month[1:] != month[:-1])
        starts = np.flatnonzero(new)
        out[..., own[starts]] = np.add.reduceat(daily[..., own], starts, axis=-1)
        return out

    def spread_buckets(self, values: np.ndarray, plant: np.ndarray | None = None
                       ) -> np.ndarray:
        """Quantities by bucket (… × buckets) spread evenly over each bucket's working
        days and needed on the first working day of each week within a month
        (… × days). ``plant``: each row's plant (``plant_index``), whose own working
        days the row is spread over."""
        values = np.asarray(values, dtype=float)
        if plant is not None and self._plant_works is not None and len(self):
            return self._per_plant(values, plant, self._spread_buckets)
        return self._spread_buckets(values, None)

    def _spread_buckets(self, values: np.ndarray, plant: int | None) -> np.ndarray:
        wd = self.workdays
        if not len(self):
            return np.zeros((*values.shape[:-1], 0))
        if plant is None:
            out = values[..., self.bucket] / wd[self.bucket]
            last = self.bounds[:-1] - 1   # a bucket without a working day: its day before
        else:
            own = self.own_days(plant)
            wd = np.bincount(self.bucket[own], minlength=len(self.buckets))
            out = np.zeros((*values.shape[:-1], len(self)))
            out[..., own] = values[..., self.bucket[own]] / wd[self.bucket[own]]
            last = own[np.searchsorted(own, self.bounds[:-1]) - 1]
            last[np.searchsorted(own, self.bounds[:-1]) == 0] = -1
        for b in np.flatnonzero((wd == 0) & values.reshape(-1, values.shape[-1]).any(axis=0)):
            out[..., max(int(last[b]), 0)] += values[..., b]
        return self.by_week(out, plant)

    def _per_plant(self, values: np.ndarray, plant: np.ndarray,
                   spread: Callable[[np.ndarray, int], np.ndarray]) -> np.ndarray:
        """``spread(rows, plant)`` for the rows of each plant, into one (rows × days)."""
        out = np.zeros((*values.shape[:-1], len(self)))
        plant = np.asarray(plant, dtype=np.int64)
        for k in np.unique(plant):
            rows = plant == k
            out[rows] = spread(values[rows], int(k))
        return out

    @cached_property
    def _month_of_day(self) -> np.ndarray:
        return self.dates.astype("datetime64[M]").astype(np.int64)

    def spread_months(self, values: np.ndarray, months: Sequence[pd.Period],
                      plant: np.ndarray | None = None) -> np.ndarray:
        """Quantities by month (… × months) spread evenly over the working days of each
        month and needed on the first working day of each week within it (… × days); the
        part of a month outside the plan's days is left out. ``plant``: each row's plant
        (``plant_index``): a row is spread over its plant's working days (SAP splits a
        monthly requirement by the plant's factory calendar)."""
        values = np.asarray(values, dtype=float)
        if plant is not None and self._plant_works is not None and len(self) \
                and len(months):
            return self._per_plant(values, plant,
                                   lambda v, k: self._spread_months(v, months, k))
        return self._spread_months(values, months, None)

    def _spread_months(self, values: np.ndarray, months: Sequence[pd.Period],
                       plant: int | None) -> np.ndarray:
        out = np.zeros((*values.shape[:-1], len(self)))
        if not len(months) or not len(self):
            return out
        ordinals = np.array([np.datetime64(m.start_time.date(), "M").astype(np.int64)
                             for m in months])
        col = np.searchsorted(ordinals, self._month_of_day)
        ok = (col < len(ordinals)) & (ordinals[np.minimum(col, len(ordinals) - 1)]
                                      == self._month_of_day)
        if plant is None:
            total = np.array([self.calendar.working_days(m.start_time.date(),
                                                         m.end_time.date())
                              for m in months], dtype=float)
        else:   # the plant's working days in the whole month, as the calendar counts them
            assert self._plant_works is not None
            ok &= self.works(plant)
            month = (np.datetime64(self.calendar.start, "D")
                     + self._working.astype("timedelta64[D]")).astype("datetime64[M]")
            works = self._plant_works[plant]
            total = np.array([works[month.astype(np.int64) == o].sum() for o in ordinals],
                             dtype=float)
        at = np.flatnonzero(ok)
        out[..., at] = values[..., col[at]] / total[col[at]]
        for j in np.flatnonzero(total == 0):  # a month without a working day
            before = self.demand_day([months[int(j)].start_time.date()])[0]
            if before < len(self):
                out[..., before] += values[..., j]
        return self.by_week(out, plant)
