from __future__ import annotations

from datetime import date

from services.planner.axis import WorkingAxis, daily_hours, span_days, to_units
from services.planner.model import MONDAY_TO_FRIDAY


def test_positions_skip_weekends_and_holidays() -> None:
    axis = WorkingAxis(
        origin=date(2026, 6, 1), working_weekdays=MONDAY_TO_FRIDAY, holidays={date(2026, 6, 3)}
    )
    assert axis.position(date(2026, 6, 1)) == 0
    assert axis.position(date(2026, 6, 3)) == 2  # the holiday maps to the next working day
    assert axis.day(2) == date(2026, 6, 4)
    assert axis.position(date(2026, 6, 6)) == 4  # Saturday -> Monday 8 June
    assert axis.day(4) == date(2026, 6, 8)
    assert axis.end_position(date(2026, 6, 5)) == 4
    assert axis.last_day(4) == date(2026, 6, 5)


def test_part_timers_give_less_per_project_day() -> None:
    four_days = daily_hours(
        hours_per_day=8,
        working_weekdays=frozenset(range(4)),
        weekly_capacity_hours=None,
        project_weekdays=MONDAY_TO_FRIDAY,
    )
    assert four_days == 6.4
    capped = daily_hours(
        hours_per_day=8,
        working_weekdays=MONDAY_TO_FRIDAY,
        weekly_capacity_hours=20,
        project_weekdays=MONDAY_TO_FRIDAY,
    )
    assert capped == 4
    assert span_days(to_units(16), int(6.4 * 4)) == 3
    assert to_units(7.5) == 30 and span_days(0, 32) == 0
