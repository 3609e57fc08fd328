"""Working calendars: weekly pattern, public holidays (China's shifted working days too).

The one definition of a working day: core validates and stores calendars with it, risk
counts delays (and trains its models) on it, the planner and exports lay work out on it.
It belongs to no service, so a change here is a change to all of them, made in one place;
weekdays are ISO, Monday 1 to Sunday 7, as `working_days` is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import holidays


@dataclass(frozen=True)
class WorkingCalendar:
    working_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    hours_per_day: float = 8.0
    holiday_country: str = ""
    holiday_subdivision: str = ""
    days_off: frozenset[dt.date] = field(default_factory=frozenset)
    extra_working_days: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.days_off:
            return False
        if self.holiday_country == "CN":
            shifted = _china_workday(day)
            if shifted is not None:
                return shifted
        if self.holiday_country and day in _holidays(
            self.holiday_country, self.holiday_subdivision, day.year
        ):
            return False
        return day.isoweekday() in self.working_days

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The working day `days` working days after `start` (before, if negative).

        `start` itself counts as day 0 when it is a working day; otherwise the next (or, going
        back, the previous) working day does.
        """
        step = 1 if days >= 0 else -1
        day = start
        while not self.is_working_day(day):
            day += dt.timedelta(days=step)
        remaining = abs(days)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end]."""
        count, day = 0, start
        while day <= end:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count


def supported_country(code: str) -> bool:
    return code in holidays.list_supported_countries()


def supported_subdivision(country: str, subdivision: str) -> bool:
    return subdivision in holidays.list_supported_countries().get(country, [])


@cache
def _holidays(country: str, subdivision: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


def _china_workday(day: dt.date) -> bool | None:
    """China's official answer (holidays and 调休 make-up working days), None out of its range."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def calendar_of(data: dict[str, object]) -> WorkingCalendar:
    """From the JSON stored with a project (the proto's field names)."""

    def dates(key: str) -> frozenset[dt.date]:
        raw = data.get(key) or []
        assert isinstance(raw, Iterable)
        return frozenset(dt.date.fromisoformat(str(d)) for d in raw)

    days = data.get("working_days") or [1, 2, 3, 4, 5]
    assert isinstance(days, Iterable)
    hours = data.get("hours_per_day") or 8.0
    return WorkingCalendar(
        working_days=frozenset(int(d) for d in days),
        hours_per_day=float(hours),  # type: ignore[arg-type]
        holiday_country=str(data.get("holiday_country") or ""),
        holiday_subdivision=str(data.get("holiday_subdivision") or ""),
        days_off=dates("days_off"),
        extra_working_days=dates("extra_working_days"),
    )
