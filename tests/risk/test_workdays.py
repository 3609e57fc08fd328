from datetime import date, timedelta

from services.common.workcal import WorkingCalendar
from services.risk import workdays

FRIDAY = date(2026, 11, 27)


def test_counts_working_days_after_a_day_either_way() -> None:
    cal = WorkingCalendar()
    assert workdays.after(cal, FRIDAY, FRIDAY) == 0
    assert workdays.after(cal, FRIDAY, FRIDAY + timedelta(days=3)) == 1  # Monday
    assert workdays.after(cal, FRIDAY + timedelta(days=3), FRIDAY) == -1
    assert workdays.inclusive(cal, FRIDAY, FRIDAY + timedelta(days=3)) == 2
    assert workdays.inclusive(cal, FRIDAY, FRIDAY - timedelta(days=1)) == 0


def test_agrees_with_core_across_years_holidays_and_days_off() -> None:
    cal = WorkingCalendar(
        holiday_country="DE",
        days_off=frozenset({date(2026, 3, 3)}),
        extra_working_days=frozenset({date(2026, 3, 7)}),
    )
    start = date(2025, 12, 20)
    for n in (0, 1, 5, 17, 60, 300):
        end = cal.add_working_days(start, n)
        # add_working_days counts `start` (a Saturday, so the next working day) as day 0.
        assert workdays.inclusive(cal, start, end) == n + 1
        assert workdays.inclusive(cal, start, end) == cal.working_days_between(start, end)


def test_delay_is_at_least_one_day_once_past_the_due_date() -> None:
    cal = WorkingCalendar()
    assert workdays.delay(cal, FRIDAY, FRIDAY) == 0
    assert workdays.delay(cal, FRIDAY, FRIDAY - timedelta(days=2)) == 0
    assert workdays.delay(cal, FRIDAY, FRIDAY + timedelta(days=1)) == 1  # Saturday
    assert workdays.delay(cal, FRIDAY, FRIDAY + timedelta(days=4)) == 2  # Tuesday
