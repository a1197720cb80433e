"""Planning buckets (months or ISO weeks) and the factory calendar (working days).

The calendar is a boolean working-day array over a date range with a running count, so
"working days in a bucket" and "n working days before a date" are O(1) lookups and
vectorise over whole arrays of dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

_WEEKMASKS = {"mon-fri": (1, 1, 1, 1, 1, 0, 0), "mon-sat": (1, 1, 1, 1, 1, 1, 0)}


@dataclass(frozen=True)
class Period:
    """One planning bucket: ``start`` and ``end`` are inclusive dates."""

    index: int
    start: date
    end: date
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def month_label(p: pd.Period) -> str:
    return f"{p.year:04d}-{p.month:02d}"


def week_label(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


@dataclass(frozen=True)
class Buckets:
    """The plan's periods: ``horizon`` months or ISO weeks from the planning month."""

    kind: str
    periods: tuple[Period, ...]

    @classmethod
    def build(cls, planning_month: pd.Period, kind: str, horizon: int) -> Buckets:
        if kind == "month":
            out = []
            for i in range(horizon):
                p = planning_month + i
                out.append(Period(i, p.start_time.date(), p.end_time.date(), month_label(p)))
            return cls("month", tuple(out))
        if kind == "week":
            first = planning_month.start_time.date()
            monday = first - timedelta(days=first.weekday())
            out = [Period(i, monday + timedelta(weeks=i), monday + timedelta(weeks=i, days=6),
                          week_label(monday + timedelta(weeks=i))) for i in range(horizon)]
            return cls("week", tuple(out))
        raise ValueError(f"unknown bucket {kind!r}")

    def __len__(self) -> int:
        return len(self.periods)

    def __iter__(self) -> Iterator[Period]:
        return iter(self.periods)

    def __getitem__(self, i: int) -> Period:
        return self.periods[i]

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.periods]

    @property
    def start(self) -> date:
        return self.periods[0].start

    @property
    def end(self) -> date:
        return self.periods[-1].end

    def starts(self) -> np.ndarray:
        return np.array([p.start for p in self.periods], dtype="datetime64[D]")

    def index_of(self, days: Iterable[date] | np.ndarray) -> np.ndarray:
        """Bucket index of each date: -1 before the plan (past due), len(self) after it."""
        d = np.asarray(pd.to_datetime(pd.Series(list(days) if not isinstance(days, np.ndarray)
                                                else days)).values, dtype="datetime64[D]")
        starts = self.starts()
        idx = np.searchsorted(starts, d, side="right") - 1
        idx[d > np.datetime64(self.end)] = len(self.periods)
        return idx

    def month_index(self, months: Sequence[pd.Period] | pd.Series) -> np.ndarray:
        """Bucket index of each month's first day (monthly data into the plan's buckets)."""
        firsts = [m.start_time.date() for m in months]
        return self.index_of(firsts) if firsts else np.zeros(0, dtype=int)


def _for_plant(row_plant: object, plant: str | None) -> bool:
    """Whether a calendar row naming ``row_plant`` (blank: every plant) applies to the
    calendar of ``plant``."""
    if not isinstance(row_plant, str) or not row_plant.strip():
        return True
    return plant is not None and row_plant.strip() == plant


class FactoryCalendar:
    """Working days from a work week plus holidays, shutdowns and extra working days.

    A row naming a plant (several plants, issue 17) applies to that plant's calendar
    only: ``plant`` is the plant this calendar is for (None: rows for every plant only).
    ``plant_weeks`` gives a plant its own work week (a plant working Saturdays);
    ``work_week`` is the company's, and every plant's that has none of its own."""

    def __init__(self, start: date, end: date, work_week: str = "mon-fri",
                 exceptions: pd.DataFrame | None = None, plant: str | None = None,
                 plant_weeks: Mapping[str, str] | None = None) -> None:
        self.start = start
        self.end = end
        n = (end - start).days + 1
        self._days = np.arange(np.datetime64(start), np.datetime64(end) + 1)
        weekday = (self._days.view("int64") - 4) % 7  # 1970-01-01 was a Thursday
        self.plant_weeks = dict(plant_weeks or {})
        own_week = self.plant_weeks.get(plant, work_week) if plant is not None else work_week
        mask = np.array(_WEEKMASKS[own_week], dtype=bool)
        working = mask[weekday]
        if exceptions is not None and len(exceptions):
            for row in exceptions.itertuples(index=False):
                res = getattr(row, "resource", None)
                if isinstance(res, str) and res.strip():
                    continue  # resource-specific days are applied by resource_calendar()
                if not _for_plant(getattr(row, "plant", None), plant):
                    continue
                lo = max(0, (row.start_date - start).days)
                hi = min(n - 1, (row.end_date - start).days)
                if hi < lo:
                    continue
                working[lo:hi + 1] = row.day_type == "workday"
        self.working = working
        self._cum = np.concatenate([[0], np.cumsum(working)])
        self.work_week = work_week
        self.exceptions = exceptions
        self.plant = plant

    @classmethod
    def around(cls, buckets: Buckets, work_week: str = "mon-fri",
               exceptions: pd.DataFrame | None = None, years_before: int = 3,
               plant: str | None = None, plant_weeks: Mapping[str, str] | None = None
               ) -> FactoryCalendar:
        """A calendar covering some years before the plan (lead-time offsets) and its end."""
        start = date(buckets.start.year - years_before, 1, 1)
        end = date(buckets.end.year + 1, 12, 31)
        return cls(start, end, work_week, exceptions, plant, plant_weeks)

    def for_plant(self, plant: str) -> FactoryCalendar:
        """The calendar of one plant: its work week, the rows for every plant and its own."""
        if plant == self.plant or not self.differs_by_plant:
            return self
        return FactoryCalendar(self.start, self.end, self.work_week, self.exceptions, plant,
                               self.plant_weeks)

    @property
    def differs_by_plant(self) -> bool:
        """Whether a row names a plant or a plant has a work week of its own."""
        ex = self.exceptions
        rows = ex is not None and "plant" in ex and bool(
            ex["plant"].map(lambda v: isinstance(v, str) and bool(v.strip())).any())
        return rows or any(w != self.work_week for w in self.plant_weeks.values())

    def resource_calendar(self, resource: str) -> FactoryCalendar:
        """This calendar with the rows for one resource applied on top of the factory's."""
        if self.exceptions is None or not len(self.exceptions):
            return self
        rows = self.exceptions[self.exceptions["resource"].fillna("").astype(str) == resource]
        if rows.empty:
            return self
        cal = FactoryCalendar(self.start, self.end, self.work_week, self.exceptions, self.plant,
                              self.plant_weeks)
        for row in rows.itertuples(index=False):
            if not _for_plant(getattr(row, "plant", None), self.plant):
                continue
            lo = max(0, (row.start_date - self.start).days)
            hi = min(len(cal.working) - 1, (row.end_date - self.start).days)
            if hi >= lo:
                cal.working[lo:hi + 1] = row.day_type == "workday"
        cal._cum = np.concatenate([[0], np.cumsum(cal.working)])
        return cal

    def with_working(self, working: np.ndarray) -> FactoryCalendar:
        """This calendar's span with the working days ``working`` (one per day)."""
        cal = FactoryCalendar(self.start, self.end, self.work_week, self.exceptions, self.plant,
                              self.plant_weeks)
        cal.working = np.asarray(working, dtype=bool).copy()
        cal._cum = np.concatenate([[0], np.cumsum(cal.working)])
        return cal

    def _pos(self, day: date) -> int:
        pos = (day - self.start).days
        if pos < 0 or pos > len(self.working):
            raise ValueError(f"{day} is outside the factory calendar {self.start}..{self.end}")
        return pos

    def is_working(self, day: date) -> bool:
        return bool(self.working[self._pos(day)])

    def working_days(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, both included."""
        return int(self._cum[self._pos(end) + 1] - self._cum[self._pos(start)])

    def bucket_working_days(self, buckets: Buckets) -> np.ndarray:
        return np.array([self.working_days(p.start, p.end) for p in buckets], dtype=float)

    def subtract_working_days(self, days: np.ndarray, n: np.ndarray) -> np.ndarray:
        """For each date, the working day ``n`` working days earlier (vectorised).

        A receipt due on ``day`` with a lead time of ``n`` working days must be released on
        the returned date. Non-working due dates count from the previous working day.
        """
        pos = (np.asarray(days, dtype="datetime64[D]") - np.datetime64(self.start)).astype(int)
        if (pos < 0).any() or (pos >= len(self.working)).any():
            raise ValueError("date outside the factory calendar")
        # number of working days strictly before each date, then step back n more
        before = self._cum[pos]
        target = before - np.asarray(n, dtype=int)
        # the first day whose running count reaches target+1 is that working day
        idx = np.searchsorted(self._cum[1:], np.maximum(target, 0) + 1, side="left")
        out = np.datetime64(self.start) + idx.astype("timedelta64[D]")
        # before the calendar start: extrapolate by calendar days (rare: huge lead times)
        short = target < 0
        if short.any():
            out[short] = np.datetime64(self.start) - (-target[short] * 7 // 5).astype(
                "timedelta64[D]")
        return out


def month_weights(buckets: Buckets, calendar: FactoryCalendar,
                  months: Sequence[pd.Period]) -> np.ndarray:
    """How each month's quantity spreads over the plan's buckets: a (months × buckets)
    matrix whose rows sum to 1 for months inside the plan and 0 outside it.

    Monthly buckets map a month to its own bucket; weekly buckets share a month out by the
    working days each week has in that month (calendar days if the month has none)."""
    w = np.zeros((len(months), len(buckets)))
    if buckets.kind == "month":
        for i, m in enumerate(months):
            j = m.ordinal - pd.Period(buckets.start, "M").ordinal
            if 0 <= j < len(buckets):
                w[i, j] = 1.0
        return w
    for i, m in enumerate(months):
        first, last = m.start_time.date(), m.end_time.date()
        for j, p in enumerate(buckets):
            lo, hi = max(first, p.start), min(last, p.end)
            if lo <= hi:
                w[i, j] = calendar.working_days(lo, hi)
        total = calendar.working_days(first, last)
        if total == 0:
            for j, p in enumerate(buckets):
                lo, hi = max(first, p.start), min(last, p.end)
                w[i, j] = max(0, (hi - lo).days + 1)
            total = (last - first).days + 1
        # weeks outside the plan take their share away: a partial month stays partial
        w[i] /= total
    return w


def bucket_months(buckets: Buckets) -> list[pd.Period]:
    """The calendar months the plan's buckets touch, in order."""
    first = pd.Period(buckets.start, "M")
    last = pd.Period(buckets.end, "M")
    return list(pd.period_range(first, last, freq="M"))
