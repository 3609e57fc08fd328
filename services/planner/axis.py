"""Mapping between calendar dates and the project's working-day axis for the solver.

Weekdays here are `date.weekday()`'s, Monday 0 to Sunday 6; the shared working calendar
(`services/common/workcal.py`) stores ISO weekdays, 1 to 7, and the snapshot converts.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)


class WorkingAxis:
    """Position n is the n-th project working day on or after `origin` (0-based).

    Weekends and project holidays are not on the axis, so a task's span skips them for
    free; a person's own days off are blocked intervals on it instead. Extra working days
    (China's 调休 make-up Saturdays and Sundays, a project's special working day) are on it
    even though their weekday is not.
    """

    def __init__(
        self,
        *,
        origin: date,
        working_weekdays: frozenset[int],
        holidays: Iterable[date],
        extra_working_days: Iterable[date] = (),
    ) -> None:
        if not working_weekdays:
            raise ValueError("a calendar needs at least one working weekday")
        self.origin = origin
        self._weekdays = working_weekdays
        self._holidays = frozenset(holidays)
        self._extra = frozenset(extra_working_days)
        self._days: list[date] = []
        self._next = origin

    def is_working(self, day: date) -> bool:
        if day in self._extra:
            return True
        return day.weekday() in self._weekdays and day not in self._holidays

    def _extend_to_date(self, day: date) -> None:
        while self._next <= day:
            if self.is_working(self._next):
                self._days.append(self._next)
            self._next += _ONE_DAY

    def _extend_to_position(self, position: int) -> None:
        while len(self._days) <= position:
            self._extend_to_date(self._next + timedelta(days=max(7, position - len(self._days))))

    def position(self, day: date) -> int:
        """Position of `day`, or of the next working day when `day` is not one."""
        if day < self.origin:
            raise ValueError(f"{day} is before the axis origin {self.origin}")
        self._extend_to_date(day)
        return bisect_left(self._days, day)

    def end_position(self, day: date) -> int:
        """Exclusive end for work finishing on `day`: the working days up to and including it."""
        return self.position(day + _ONE_DAY)

    def day(self, position: int) -> date:
        if position < 0:
            raise ValueError("negative axis position")
        self._extend_to_position(position)
        return self._days[position]

    def last_day(self, end: int) -> date:
        """Last working day of work ending (exclusively) at `end`."""
        return self.day(max(end - 1, 0))

    def working_days_per_week(self) -> int:
        return len(self._weekdays)


UNITS_PER_HOUR = 4
"""Capacity and demand are counted in quarter hours so 7.5-hour days stay exact."""


def daily_hours(
    *,
    hours_per_day: float,
    working_weekdays: frozenset[int],
    weekly_capacity_hours: float | None,
    project_weekdays: frozenset[int],
) -> float:
    """A person's hours per project working day, averaged over the week.

    Someone working four days a week on a five-day project calendar gives 4/5 of a day on
    each project day: the plan stays honest per week without blocking every fifth day,
    which would forbid any task longer than four days.
    """
    weekly = hours_per_day * len(working_weekdays)
    if weekly_capacity_hours is not None:
        weekly = min(weekly, weekly_capacity_hours)
    return weekly / len(project_weekdays)


def to_units(hours: float) -> int:
    return max(0, -int(-round(hours * UNITS_PER_HOUR, 6) // 1))


def span_days(units: int, capacity_units: int) -> int:
    """Working days a task of `units` work takes for someone giving `capacity_units` a day."""
    return -(-units // capacity_units) if units > 0 else 0
