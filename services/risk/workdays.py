"""Counting working days on a project's calendar (core's calendar module: one definition).

Risk counts plans, elapsed time and delays in working days of the project's calendar, so
a task due on Friday and finished on Monday is one day late, not three, and a holiday in
the middle of a task does not make it look slow.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np
import numpy.typing as npt

from services.common.workcal import WorkingCalendar

WEEKDAYS = WorkingCalendar()
YEAR_RANGE = range(1900, 2201)


@cache
def _cumulative(cal: WorkingCalendar, year: int) -> npt.NDArray[np.int64]:
    """Working days of `year` up to and including each day of the year (index = day - 1)."""
    first = date(year, 1, 1)
    length = (date(year + 1, 1, 1) - first).days
    flags = [cal.is_working_day(first + timedelta(days=i)) for i in range(length)]
    return np.cumsum(np.array(flags, dtype=np.int64))


@cache
def _before_year(cal: WorkingCalendar, year: int, base: int) -> int:
    if year <= base:
        return 0
    return _before_year(cal, year - 1, base) + int(_cumulative(cal, year - 1)[-1])


def _through(cal: WorkingCalendar, day: date, base: int) -> int:
    """Working days from 1 January of `base` through `day`."""
    return _before_year(cal, day.year, base) + int(
        _cumulative(cal, day.year)[day.timetuple().tm_yday - 1]
    )


def after(cal: WorkingCalendar, start: date, end: date) -> int:
    """Working days in (start, end]; negative (those in (end, start]) when end is earlier."""
    if end == start:
        return 0
    if end < start:
        return -after(cal, end, start)
    if start.year not in YEAR_RANGE or end.year not in YEAR_RANGE:
        raise ValueError(f"dates out of range: {start} .. {end}")
    base = start.year
    return _through(cal, end, base) - _through(cal, start, base)


def inclusive(cal: WorkingCalendar, start: date, end: date) -> int:
    """Working days in [start, end] (0 when end is before start)."""
    if end < start:
        return 0
    return after(cal, start, end) + int(cal.is_working_day(start))


def delay(cal: WorkingCalendar, due: date, finished: date) -> int:
    """How late a task finished, in working days after `due`; at least one when it finished
    after the due date at all (work on a day off past the due date is still late)."""
    if finished <= due:
        return 0
    return max(after(cal, due, finished), 1)
