from __future__ import annotations

import datetime as dt

from services.common.workcal import (
    WorkingCalendar,
    calendar_of,
    supported_country,
    supported_subdivision,
)

D = dt.date


def test_weekly_pattern_days_off_and_extra_days() -> None:
    cal = WorkingCalendar(
        days_off=frozenset({D(2026, 3, 4)}), extra_working_days=frozenset({D(2026, 3, 7)})
    )
    assert cal.is_working_day(D(2026, 3, 2))  # Monday
    assert not cal.is_working_day(D(2026, 3, 4))  # a project day off
    assert cal.is_working_day(D(2026, 3, 7))  # a Saturday made a working day
    assert not cal.is_working_day(D(2026, 3, 8))  # Sunday
    six_days = WorkingCalendar(working_days=frozenset({1, 2, 3, 4, 5, 6}))
    assert six_days.is_working_day(D(2026, 3, 7))


def test_public_holidays() -> None:
    germany = WorkingCalendar(holiday_country="DE")
    assert not germany.is_working_day(D(2025, 10, 3))  # German Unity Day, a Friday
    assert WorkingCalendar().is_working_day(D(2025, 10, 3))
    bavaria = WorkingCalendar(holiday_country="DE", holiday_subdivision="BY")
    assert not bavaria.is_working_day(D(2026, 1, 6))  # Epiphany in Bavaria only
    assert germany.is_working_day(D(2026, 1, 6))


def test_china_holidays_and_shifted_working_days() -> None:
    china = WorkingCalendar(holiday_country="CN")
    assert not china.is_working_day(D(2025, 10, 1))
    assert not china.is_working_day(D(2025, 10, 8))
    assert china.is_working_day(D(2025, 9, 28))  # a Sunday worked in exchange (调休)
    assert china.is_working_day(D(2025, 10, 11))  # a Saturday worked in exchange
    assert china.working_days_between(D(2025, 9, 27), D(2025, 10, 12)) == 6


def test_add_working_days() -> None:
    cal = WorkingCalendar()
    friday = D(2026, 3, 6)
    assert cal.add_working_days(friday, 0) == friday
    assert cal.add_working_days(friday, 1) == D(2026, 3, 9)
    assert cal.add_working_days(friday, 5) == D(2026, 3, 13)
    assert cal.add_working_days(friday, -5) == D(2026, 2, 27)
    saturday = D(2026, 3, 7)
    assert cal.add_working_days(saturday, 0) == D(2026, 3, 9)
    assert cal.add_working_days(saturday, -1) == D(2026, 3, 5)
    china = WorkingCalendar(holiday_country="CN")
    assert china.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert china.add_working_days(D(2025, 10, 9), -3) == D(2025, 9, 28)
    assert cal.working_days_between(D(2026, 3, 2), D(2026, 3, 15)) == 10
    assert cal.working_days_between(D(2026, 3, 15), D(2026, 3, 2)) == 0


def test_calendar_of_stored_json() -> None:
    cal = calendar_of(
        {
            "working_days": [1, 2, 3, 4],
            "hours_per_day": 7.5,
            "holiday_country": "DE",
            "days_off": ["2026-03-02"],
            "extra_working_days": ["2026-03-06"],
        }
    )
    assert cal.working_days == frozenset({1, 2, 3, 4})
    assert cal.hours_per_day == 7.5
    assert cal.days_off == frozenset({D(2026, 3, 2)})
    assert cal.is_working_day(D(2026, 3, 6))
    defaults = calendar_of({})
    assert defaults.working_days == frozenset({1, 2, 3, 4, 5})
    assert defaults.hours_per_day == 8.0
    assert defaults.holiday_country == ""


def test_supported_countries() -> None:
    assert supported_country("CN") and supported_country("DE")
    assert not supported_country("XX")
    assert supported_subdivision("DE", "BY")
    assert not supported_subdivision("DE", "ZZ")
    assert not supported_subdivision("XX", "BY")
