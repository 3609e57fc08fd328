"""Reports computed from plain facts: burndown, throughput, time per state, cycle time,
overdue work, hours and cost."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from services.core import reports
from services.core.reports import Move, Person, Scope, TaskFacts, TimeEntry
from services.core.workflow import DEFAULT

UTC = ZoneInfo("UTC")
STATES = DEFAULT.states
CATEGORIES = {s.id: s.category for s in STATES}
FAR = dt.datetime(2040, 1, 1, tzinfo=dt.UTC)


def at(day: int, hour: int = 0, zone: ZoneInfo = UTC) -> dt.datetime:
    """2030-03-{day} at {hour}:00 (March 4th 2030 is a Monday)."""
    return dt.datetime(2030, 3, day, hour, tzinfo=zone)


def task(
    name: str,
    estimate: float,
    moves: list[tuple[str, dt.datetime]],
    *,
    assignee: str = "",
    due: dt.date | None = None,
) -> TaskFacts:
    return TaskFacts(
        name=f"projects/p/tasks/{name}",
        title=name,
        state=moves[-1][0],
        assignee=assignee,
        estimate_hours=estimate,
        due_date=due,
        created=moves[0][1],
        moves=tuple(Move(state, time) for state, time in moves),
    )


ANA, BOB = "people/ana", "people/bob"
TASKS = [
    task(
        "a",
        8,
        [("draft", at(4, 9)), ("in_progress", at(5, 9)), ("done", at(6, 9))],
        assignee=ANA,
        due=dt.date(2030, 3, 10),
    ),
    task(
        "b",
        4,
        [("draft", at(4, 10)), ("in_progress", at(6, 12))],
        assignee=BOB,
        due=dt.date(2030, 3, 7),
    ),
    task("c", 6, [("draft", at(5, 8)), ("cancelled", at(7, 10))]),
    task("d", 2, [("draft", at(7, 11))], due=dt.date(2030, 3, 1)),
    task(
        "e",
        10,
        [("draft", at(4, 8)), ("in_progress", at(4, 12)), ("done", at(5, 12))],
        assignee=ANA,
        due=dt.date(2030, 3, 4),
    ),
    task("f", 100, [("draft", at(9, 10))]),  # created after the report day
]
ENTRIES = [
    TimeEntry("projects/p/tasks/a", ANA, dt.date(2030, 3, 5), 5),
    TimeEntry("projects/p/tasks/a", ANA, dt.date(2030, 3, 6), 4),
    TimeEntry("projects/p/tasks/b", BOB, dt.date(2030, 3, 7), 3),
    TimeEntry("projects/p/tasks/e", ANA, dt.date(2030, 3, 4), 12),
    TimeEntry("projects/p/tasks/c", ANA, dt.date(2030, 3, 6), 1),  # cancelled, but spent
    TimeEntry("projects/p/tasks/a", ANA, dt.date(2030, 3, 9), 2),  # after the report day
    TimeEntry("projects/p/tasks/f", ANA, dt.date(2030, 3, 8), 7),  # a task not yet made
]
PEOPLE = {ANA: Person(ANA, "Ana", 50.0), BOB: Person(BOB, "Bob", 0.0)}
SCOPE = Scope.of(
    start=dt.date(2030, 3, 4),
    end=dt.date(2030, 3, 15),
    as_of=dt.date(2030, 3, 8),
    zone=UTC,
    now=FAR,
)


def test_burndown_follows_done_cancelled_and_new_work_day_by_day() -> None:
    points = reports.burndown(TASKS, CATEGORIES, SCOPE)
    assert [(p.date.day, p.remaining_hours, p.remaining_tasks, p.scope_hours) for p in points] == [
        (4, 22, 3, 22),
        (5, 18, 3, 28),
        (6, 10, 2, 28),
        (7, 6, 2, 24),
        (8, 6, 2, 24),
    ]
    # From the scope on the first day down to zero on the span's last day (the 15th).
    assert [p.ideal_hours for p in points] == [22, 20, 18, 16, 14]


def test_the_ideal_line_starts_on_the_first_day_with_work() -> None:
    scope = Scope.of(
        start=dt.date(2030, 3, 1),
        end=dt.date(2030, 3, 8),
        as_of=dt.date(2030, 3, 8),
        zone=UTC,
        now=FAR,
    )
    points = reports.burndown(TASKS, CATEGORIES, scope)
    assert [p.scope_hours for p in points[:4]] == [0, 0, 0, 22]
    # From 22 hours on the 4th to zero on the 8th, and flat before the 4th.
    assert [p.ideal_hours for p in points] == [22, 22, 22, 22, 16.5, 11, 5.5, 0]
    nothing = reports.burndown([], CATEGORIES, scope)
    assert {p.ideal_hours for p in nothing} == {0}


def test_days_are_the_project_time_zone_days() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    late = task(
        "late", 5, [("draft", at(4, 9)), ("done", dt.datetime(2030, 3, 4, 17, tzinfo=dt.UTC))]
    )
    scope = Scope.of(
        start=dt.date(2030, 3, 4),
        end=dt.date(2030, 3, 6),
        as_of=dt.date(2030, 3, 6),
        zone=shanghai,
        now=FAR,
    )
    # 17:00 UTC on the 4th is 01:00 on the 5th in Shanghai: done on the 5th there.
    points = reports.burndown([late], CATEGORIES, scope)
    assert [p.remaining_hours for p in points] == [5, 0, 0]
    in_utc = reports.burndown([late], CATEGORIES, replace(scope, zone=UTC))
    assert [p.remaining_hours for p in in_utc] == [0, 0, 0]


def test_a_report_day_before_the_span_has_no_burndown_or_throughput() -> None:
    scope = Scope.of(
        start=dt.date(2030, 3, 11),
        end=dt.date(2030, 3, 22),
        as_of=dt.date(2030, 3, 8),
        zone=UTC,
        now=FAR,
    )
    assert reports.burndown(TASKS, CATEGORIES, scope) == []
    assert reports.throughput(TASKS, CATEGORIES, scope) == []


def test_a_long_span_keeps_its_last_two_years() -> None:
    scope = Scope.of(
        start=dt.date(2026, 1, 1),
        end=dt.date(2030, 3, 8),
        as_of=dt.date(2030, 3, 8),
        zone=UTC,
        now=FAR,
    )
    points = reports.burndown(TASKS, CATEGORIES, scope)
    assert len(points) == reports.MAX_DAYS
    assert points[-1].date == dt.date(2030, 3, 8)
    assert points[-1].remaining_hours == 6


def test_throughput_counts_each_finished_task_once_in_its_last_finish_week() -> None:
    reopened = task(
        "r",
        3,
        [
            ("draft", at(4, 8)),
            ("in_progress", at(4, 9)),
            ("done", at(5, 9)),
            ("in_progress", at(6, 9)),
            ("done", at(12, 9)),
        ],
    )
    scope = Scope.of(
        start=dt.date(2030, 3, 4),
        end=dt.date(2030, 3, 22),
        as_of=dt.date(2030, 3, 20),
        zone=UTC,
        now=FAR,
    )
    weeks = reports.throughput([*TASKS, reopened], CATEGORIES, scope)
    assert [(w.week_start.day, w.tasks_done, w.hours_done) for w in weeks] == [
        (4, 2, 18),
        (11, 1, 3),
        (18, 0, 0),
    ]


def test_time_in_each_state_from_the_history() -> None:
    rows = {s.state: s for s in reports.state_times(TASKS, STATES, SCOPE)}
    assert [s.id for s in STATES] == list(rows)
    draft = rows["draft"]
    # Stays of 24, 50, 50 and 4 hours; d is still in draft since the 7th, 11:00.
    assert (draft.visits, draft.mean_hours, draft.median_hours, draft.p85_hours) == (4, 32, 37, 50)
    assert (draft.current_tasks, draft.current_mean_age_hours) == (1, 37)
    progress = rows["in_progress"]
    assert (progress.visits, progress.mean_hours, progress.current_tasks) == (2, 24, 1)
    assert progress.current_mean_age_hours == 60
    assert (rows["done"].visits, rows["done"].current_tasks) == (0, 2)
    assert rows["cancelled"].current_tasks == 1
    assert rows["in_review"].visits == rows["in_review"].current_tasks == 0


def test_states_the_workflow_lost_are_listed_last() -> None:
    odd = task("o", 1, [("draft", at(4, 8)), ("triage", at(4, 10)), ("done", at(4, 11))])
    rows = reports.state_times([odd], STATES, SCOPE)
    assert rows[-1].state == "triage"
    assert (rows[-1].visits, rows[-1].mean_hours, rows[-1].category) == (1, 1, "")


def test_cycle_and_lead_time_of_finished_tasks() -> None:
    cycle = reports.cycle_time(TASKS, CATEGORIES, SCOPE)
    assert (cycle.done_tasks, cycle.median_days, cycle.mean_days, cycle.p85_days) == (2, 1, 1, 1)
    # Lead times of 2 days (a) and 1 day 4 hours (e).
    assert cycle.median_lead_days == round((2 + 28 / 24) / 2, 2)


def test_overdue_work_and_late_finishes() -> None:
    late, late_done = reports.overdue(TASKS, CATEGORIES, SCOPE)
    assert [(o.title, o.days_overdue, o.state) for o in late] == [
        ("d", 7, "draft"),
        ("b", 1, "in_progress"),
    ]
    assert late_done == 1  # e finished on the 5th, due on the 4th


def test_planned_against_actual_hours_and_cost() -> None:
    money = reports.hours_and_cost(TASKS, ENTRIES, PEOPLE, CATEGORIES, SCOPE)
    assert (money.planned_hours, money.actual_hours) == (24, 25)
    assert (money.planned_cost, money.actual_cost) == (900, 1100)
    # Bob has no rate; d has no assignee.
    assert (money.unpriced_planned_hours, money.unpriced_actual_hours) == (6, 3)
    assert (money.done_planned_hours, money.done_actual_hours) == (18, 21)
    assert [
        (p.person, p.planned_hours, p.actual_hours, p.planned_cost, p.actual_cost)
        for p in money.people
    ] == [(ANA, 18, 22, 900, 1100), (BOB, 4, 3, 0, 0)]


def test_the_whole_report() -> None:
    report = reports.report(tasks=TASKS, entries=ENTRIES, people=PEOPLE, states=STATES, scope=SCOPE)
    assert report.task_count == 4
    assert report.late_done_tasks == 1
    assert report.burndown[-1].remaining_hours == 6
    assert report.hours_and_cost.actual_cost == 1100


def test_the_report_moment_is_now_when_the_day_is_not_over() -> None:
    now = at(6, 10)
    scope = Scope.of(
        start=dt.date(2030, 3, 4),
        end=dt.date(2030, 3, 15),
        as_of=dt.date(2030, 3, 6),
        zone=UTC,
        now=now,
    )
    assert scope.moment == now
    rows = {s.state: s for s in reports.state_times(TASKS, STATES, scope)}
    assert rows["in_progress"].current_tasks == 0  # b moves at 12:00, after "now"
    assert rows["done"].current_tasks == 2


def test_project_span() -> None:
    day = dt.date(2030, 3, 8)
    assert reports.project_span(start_date=None, deadline=None, first_created=None, as_of=day) == (
        day,
        day,
    )
    assert reports.project_span(
        start_date=dt.date(2030, 3, 1), deadline=dt.date(2030, 4, 1), first_created=None, as_of=day
    ) == (dt.date(2030, 3, 1), dt.date(2030, 4, 1))
    # A passed deadline: the span runs on to the report day.
    assert reports.project_span(
        start_date=None, deadline=dt.date(2030, 3, 5), first_created=dt.date(2030, 2, 1), as_of=day
    ) == (dt.date(2030, 2, 1), day)


def test_an_iteration_report_covers_the_iteration_and_a_project_report_the_project() -> None:
    day = dt.date(2030, 3, 8)
    facts = reports.Facts(tasks=TASKS, entries=ENTRIES, people=PEOPLE)
    whole = reports.scope_of(
        facts, start_date=None, deadline=dt.date(2030, 3, 20), as_of=day, zone=UTC, now=FAR
    )
    # No start date: the project starts the day its first task was made.
    assert (whole.start, whole.end, whole.as_of) == (dt.date(2030, 3, 4), dt.date(2030, 3, 20), day)
    sprint = reports.scope_of(
        replace(facts, span=(dt.date(2030, 3, 5), dt.date(2030, 3, 6))),
        start_date=dt.date(2030, 3, 1),
        deadline=dt.date(2030, 3, 20),
        as_of=day,
        zone=UTC,
        now=FAR,
    )
    assert (sprint.start, sprint.end) == (dt.date(2030, 3, 5), dt.date(2030, 3, 6))


def test_the_first_task_day_is_the_project_time_zone_day() -> None:
    made = task("late", 1, [("draft", dt.datetime(2030, 3, 4, 23, tzinfo=dt.UTC))])
    tokyo = ZoneInfo("Asia/Tokyo")
    scope = reports.scope_of(
        reports.Facts(tasks=[made], entries=[], people={}),
        start_date=None,
        deadline=None,
        as_of=dt.date(2030, 3, 8),
        zone=tokyo,
        now=FAR,
    )
    assert scope.start == dt.date(2030, 3, 5)


def test_quantile() -> None:
    assert reports.quantile([], 0.5) == 0
    assert reports.quantile([3], 0.85) == 3
    assert reports.quantile([4, 1, 3, 2], 0.5) == 2.5
    assert reports.quantile([1, 2, 3, 4, 5], 0.85) == 4.4


MOVES = st.lists(
    st.tuples(st.sampled_from([s.id for s in STATES]), st.integers(0, 24 * 20)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), MOVES), max_size=12), st.integers(0, 19))
def test_burndown_agrees_with_each_task_state_day_by_day(
    specs: list[tuple[int, list[tuple[str, int]]]], as_of_offset: int
) -> None:
    start = dt.datetime(2030, 3, 4, tzinfo=dt.UTC)
    tasks = [
        task(
            str(i),
            estimate,
            [
                (state, start + dt.timedelta(hours=h))
                for state, h in sorted(moves, key=lambda m: m[1])
            ],
        )
        for i, (estimate, moves) in enumerate(specs)
    ]
    as_of = dt.date(2030, 3, 4) + dt.timedelta(days=as_of_offset)
    scope = Scope.of(
        start=dt.date(2030, 3, 4), end=dt.date(2030, 3, 24), as_of=as_of, zone=UTC, now=FAR
    )
    points = reports.burndown(tasks, CATEGORIES, scope)
    assert len(points) == as_of_offset + 1
    for point in points:
        end = dt.datetime.combine(point.date + dt.timedelta(days=1), dt.time(), tzinfo=UTC)
        states = [(t, reports.state_at(t, end)) for t in tasks]
        live = [
            (t, CATEGORIES[s]) for t, s in states if s is not None and CATEGORIES[s] != "cancelled"
        ]
        assert point.scope_hours == round(sum(t.estimate_hours for t, _ in live), 2)
        open_ = [t for t, category in live if category != "done"]
        assert point.remaining_hours == round(sum(t.estimate_hours for t in open_), 2)
        assert point.remaining_tasks == len(open_)
        assert point.remaining_hours <= point.scope_hours
