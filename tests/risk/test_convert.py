from datetime import date

from planops.core.v1 import project_pb2

from services.risk.convert import (
    TaskRow,
    factor_text,
    finish_date,
    project_calendar,
    shown_factors,
)
from services.risk.features import label_bucket
from services.risk.model import Factor

MONDAY = date(2026, 12, 21)


def task(**fields: object) -> TaskRow:
    values: dict[str, object] = {
        "task": "projects/p/tasks/1",
        "project": "p",
        "title": "t",
        "state": "in_progress",
        "category": "active",
        "priority": "medium",
        "assignee": "",
        "labels": (),
        "estimate_hours": 0.0,
        "optimistic_hours": 0.0,
        "pessimistic_hours": 0.0,
        "planned_start": None,
        "planned_end": None,
        "due_date": None,
        "opened_on": MONDAY,
    }
    values.update(fields)
    return TaskRow(**values)  # type: ignore[arg-type]


def test_plans_count_the_project_working_days() -> None:
    german = project_calendar(project_pb2.Calendar(holiday_country="DE"))
    plain = project_calendar(project_pb2.Calendar())
    # Monday 21 to Monday 28 December: 6 weekdays, of which 25 and 26 are German holidays.
    row = task(planned_start=MONDAY, planned_end=date(2026, 12, 28))
    assert row.planned_days(plain) == 6
    assert row.planned_days(german) == 5
    hours = project_calendar(project_pb2.Calendar(hours_per_day=6))
    assert task(estimate_hours=12).planned_days(hours) == 2


def test_task_finish_dates_skip_the_project_days_off() -> None:
    due = date(2026, 12, 23)  # Wednesday
    own = project_calendar(project_pb2.Calendar(days_off=["2026-12-24"], holiday_country="DE"))
    row = task(due_date=due)
    assert finish_date(row, 0.0, today=MONDAY, cal=own) == due
    # One day late: the 24th is the project's day off, the 25th and 26th holidays, 27th Sunday.
    assert finish_date(row, 0.4, today=MONDAY, cal=own) == date(2026, 12, 28)
    assert finish_date(row, 2.0, today=MONDAY, cal=own) == date(2026, 12, 29)
    plain = project_calendar(project_pb2.Calendar())
    assert finish_date(row, 1.0, today=MONDAY, cal=plain) == date(2026, 12, 24)
    # Without a due date: the plan from today, then the delay, on the same calendar.
    planned = task(estimate_hours=16)
    assert finish_date(planned, 0.0, today=MONDAY, cal=own) == date(2026, 12, 22)
    assert finish_date(planned, 1.0, today=MONDAY, cal=own) == date(2026, 12, 23)


def test_factors_read_as_words_and_name_the_label() -> None:
    assert factor_text("priority_rank", 4.0) == "urgent priority"
    assert factor_text("days_to_due", 1.0) == "1 working day to the due date"
    assert factor_text("planned_days", 5.0) == "planned for 5 working days"
    bucket = f"label_bucket_{label_bucket('vendor')}"
    assert factor_text(bucket, 1.0, labels=("vendor", "ads")).startswith("labelled vendor")
    shown = shown_factors(
        [
            Factor("label_bucket_3", 0.0, 0.9),
            Factor("priority_rank", 4.0, 0.5),
            Factor(bucket, 1.0, 0.4),
            Factor("days_to_due", 3.0, -0.3),
            Factor("planned_days", 2.0, 0.1),
        ]
    )
    assert [f.feature for f in shown] == ["priority_rank", bucket, "days_to_due"]
