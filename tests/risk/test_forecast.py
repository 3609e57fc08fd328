import itertools
import math
from dataclasses import replace
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np
import pytest
from planops.core.v1 import project_pb2

from services.common.workcal import WorkingCalendar
from services.risk.convert import TaskRow, project_calendar
from services.risk.forecast import (
    Dependency,
    DependencyType,
    ForecastError,
    ForecastTask,
    forecast_project,
    simulate,
)
from services.risk.model import RiskPrediction
from services.risk.servicer import forecast_task
from services.risk.store import prior_for

MONDAY = date(2025, 3, 3)
CAL = WorkingCalendar().add_working_days


def fixed(task_id: str, days: float) -> ForecastTask:
    return ForecastTask(task_id, days, days)


def open_row(name: str, *, planned_start: date, planned_end: date, due_date: date) -> TaskRow:
    """An open task of project `p` with a plan and a due date, and no estimates."""
    return TaskRow(
        task=f"projects/p/tasks/{name}",
        project="p",
        title=name,
        state="todo",
        category="planned",
        priority="medium",
        assignee="",
        labels=(),
        estimate_hours=0.0,
        optimistic_hours=0.0,
        pessimistic_hours=0.0,
        planned_start=planned_start,
        planned_end=planned_end,
        due_date=due_date,
        opened_on=MONDAY,
    )


def test_chain_of_fixed_durations_is_the_sum() -> None:
    tasks = [fixed("a", 2), fixed("b", 3), fixed("c", 4)]
    deps = [Dependency("a", "b"), Dependency("b", "c")]
    result = forecast_project(
        tasks=tasks, dependencies=deps, start=MONDAY, calendar=CAL, deadline=MONDAY, samples=200
    )
    assert result.duration_p50_days == pytest.approx(9)
    # 9 working days from Monday 3 March end on Thursday 13 March.
    assert result.finish_p50 == result.finish_p95 == date(2025, 3, 13)
    assert result.p_meet_deadline == 0.0
    assert {c.task_id: c.index for c in result.critical_tasks} == {"a": 1.0, "b": 1.0, "c": 1.0}


def test_deadline_on_the_finish_day_is_met() -> None:
    result = forecast_project(
        tasks=[fixed("a", 5)],
        dependencies=[],
        start=MONDAY,
        calendar=CAL,
        deadline=date(2025, 3, 7),
    )
    assert result.p_meet_deadline == 1.0


def test_lags_and_all_dependency_types() -> None:
    tasks = [fixed("a", 4), fixed("b", 2), fixed("c", 3), fixed("d", 1), fixed("e", 2)]
    deps = [
        Dependency("a", "b", DependencyType.FINISH_TO_START, lag_days=1),  # b: 5..7
        Dependency("a", "c", DependencyType.START_TO_START, lag_days=2),  # c: 2..5
        Dependency("b", "d", DependencyType.FINISH_TO_FINISH, lag_days=3),  # d: 9..10
        Dependency("c", "e", DependencyType.START_TO_FINISH, lag_days=1),  # e: 1..3
    ]
    makespan, critical = simulate(tasks, deps, np.array([[4.0], [2.0], [3.0], [1.0], [2.0]]))
    assert makespan[0] == pytest.approx(10)
    assert critical[:, 0].tolist() == [True, True, False, True, False]


def test_two_parallel_branches_match_the_max_of_two_normals() -> None:
    # Two independent lognormals with small spread are close to normals; the finish is
    # their max, whose CDF is the product of the two CDFs.
    tasks = [
        ForecastTask("a", 20, 20 * math.exp(0.1 * 1.2816)),
        ForecastTask("b", 20, 20 * math.exp(0.1 * 1.2816)),
    ]
    result = forecast_project(
        tasks=tasks, dependencies=[], start=MONDAY, calendar=CAL, samples=20000, seed=1
    )
    median_of_max = np.exp(np.log(20) + 0.1 * NormalDist().inv_cdf(math.sqrt(0.5)))
    assert result.duration_p50_days == pytest.approx(median_of_max, rel=0.01)
    index = {c.task_id: c.index for c in result.critical_tasks}
    assert index["a"] == pytest.approx(0.5, abs=0.02)
    assert index["a"] + index["b"] == pytest.approx(1.0)


def test_deadline_probability_matches_the_analytic_answer() -> None:
    # One lognormal task: P(duration <= 10 working days) analytically.
    task = ForecastTask("a", 8, 12)
    sigma = math.log(12 / 8) / 1.2816
    deadline = CAL(MONDAY, 9)
    result = forecast_project(
        tasks=[task], dependencies=[], start=MONDAY, calendar=CAL, deadline=deadline, samples=40000
    )
    expected = NormalDist().cdf((math.log(10) - math.log(8)) / sigma)
    assert result.p_meet_deadline == pytest.approx(expected, abs=0.01)


def test_cycle_is_rejected() -> None:
    with pytest.raises(ForecastError):
        forecast_project(
            tasks=[fixed("a", 1), fixed("b", 1)],
            dependencies=[Dependency("a", "b"), Dependency("b", "a")],
            start=MONDAY,
            calendar=CAL,
        )


def test_unknown_task_in_a_dependency_is_rejected() -> None:
    with pytest.raises(ForecastError):
        forecast_project(
            tasks=[fixed("a", 1)], dependencies=[Dependency("a", "x")], start=MONDAY, calendar=CAL
        )


def test_the_default_calendar_skips_weekends_and_days_off() -> None:
    cal = WorkingCalendar(days_off=frozenset({date(2025, 3, 10)})).add_working_days
    assert cal(date(2025, 3, 7), 1) == date(2025, 3, 11)
    assert cal(date(2025, 3, 8), 0) == date(2025, 3, 11)


def test_five_thousand_samples_of_five_hundred_tasks_is_fast() -> None:
    import time

    rng = np.random.default_rng(0)
    tasks = [ForecastTask(f"t{i}", 3.0, 5.0) for i in range(500)]
    deps = [
        Dependency(f"t{int(rng.integers(0, i))}", f"t{i}") for i in range(1, 500) for _ in range(2)
    ]
    started = time.perf_counter()
    result = forecast_project(
        tasks=tasks,
        dependencies=deps,
        start=MONDAY,
        calendar=CAL,
        deadline=MONDAY + timedelta(days=400),
    )
    assert time.perf_counter() - started < 10
    assert result.finish_p50 <= result.finish_p80 <= result.finish_p95


def test_the_project_calendar_skips_its_days_off_and_holidays() -> None:
    plain = project_calendar(project_pb2.Calendar()).add_working_days
    assert plain(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday + 1 = Monday
    own = project_calendar(project_pb2.Calendar(days_off=["2026-12-01"])).add_working_days
    assert own(date(2026, 11, 30), 1) == date(2026, 12, 2)
    german = project_calendar(project_pb2.Calendar(holiday_country="DE")).add_working_days
    assert german(date(2026, 12, 24), 1) == date(2026, 12, 28)  # 25th and 26th are holidays


def test_forecast_on_the_prior_has_spread_and_a_real_chance() -> None:
    # Five 4-day tasks in a chain, each with a three-point estimate of effort far below its
    # planned span (part-time work), scored by the prior: durations must keep their spread,
    # so the finish quantiles differ and a deadline inside the range is neither 0 nor 1.
    cal = WorkingCalendar()
    rows = []
    day = MONDAY
    for i in range(5):
        end = cal.add_working_days(day, 3)
        rows.append(
            TaskRow(
                task=f"projects/p/tasks/t{i}",
                project="p",
                title=f"t{i}",
                state="todo",
                category="planned",
                priority="medium",
                assignee="",
                labels=(),
                estimate_hours=12.0,
                optimistic_hours=9.0,
                pessimistic_hours=21.6,
                planned_start=day,
                planned_end=end,
                due_date=end,
                opened_on=MONDAY,
            )
        )
        day = cal.add_working_days(end, 1)
    tasks = [
        forecast_task(r, prior_for(r, today=MONDAY, ratios=(), cal=cal), cal=cal, today=MONDAY)
        for r in rows
    ]
    assert all(t.p50_days < t.p90_days for t in tasks)
    deps = [Dependency(a.task, b.task) for a, b in itertools.pairwise(rows)]
    result = forecast_project(
        tasks=tasks,
        dependencies=deps,
        start=MONDAY,
        calendar=cal.add_working_days,
        deadline=cal.add_working_days(MONDAY, 21),  # 22 working days for 20 planned
        samples=4000,
    )
    assert result.duration_p50_days < result.duration_p80_days < result.duration_p95_days
    assert result.finish_p50 < result.finish_p80 < result.finish_p95
    assert result.p_meet_deadline is not None and 0.05 < result.p_meet_deadline < 0.95


def test_a_task_with_slack_keeps_its_spread_in_the_forecast() -> None:
    # Due long after its plan: the prior's delay past the due date is 0 at every quantile,
    # yet the duration itself is uncertain, and the forecast must sample that.
    cal = WorkingCalendar()
    row = open_row(
        "slack",
        planned_start=MONDAY,
        planned_end=cal.add_working_days(MONDAY, 4),
        due_date=cal.add_working_days(MONDAY, 40),
    )
    prediction = prior_for(row, today=MONDAY, ratios=[0.9, 1.0, 1.1, 1.2, 1.4], cal=cal)
    assert prediction.delay_p90_days == 0
    task = forecast_task(row, prediction, cal=cal, today=MONDAY)
    assert 5.0 < task.p50_days < task.p90_days


def test_a_chance_of_a_delay_runs_late_in_that_share_of_the_samples() -> None:
    # Four 2-day tasks in a chain, each late by exactly 3 days (sigma 0) with probability 0.1:
    # the chain takes 8 days with probability 0.9^4, else 11 (lateness counts against each
    # task's planned dates, so a second late task's 3 days overlap the wait for the first).
    tasks = [
        ForecastTask(f"t{i}", 2, 2, p_late=0.1, late_mu=math.log(4), late_sigma=0.0)
        for i in range(4)
    ]
    deps = [Dependency(f"t{i}", f"t{i + 1}") for i in range(3)]
    result = forecast_project(
        tasks=tasks,
        dependencies=deps,
        start=MONDAY,
        calendar=CAL,
        deadline=CAL(MONDAY, 7),  # the 8th working day: met only when nothing ran late
        samples=20000,
    )
    assert result.p_meet_deadline == pytest.approx(0.9**4, abs=0.015)
    assert result.duration_p50_days == pytest.approx(8)  # none late: 0.656
    assert result.duration_p80_days == pytest.approx(11)  # at most one late: 0.948


def test_a_models_low_risk_task_is_not_a_fixed_duration() -> None:
    # A model's delay quantiles are 0 below a 10 % chance; the forecast must still see the
    # chance (it used to take the plan as certain).
    cal = WorkingCalendar()
    row = open_row(
        "low",
        planned_start=MONDAY,
        planned_end=cal.add_working_days(MONDAY, 4),
        due_date=cal.add_working_days(MONDAY, 4),
    )
    prediction = RiskPrediction(
        task_id=row.task,
        p_late=0.08,
        delay_p50_days=0.0,
        delay_p80_days=0.0,
        delay_p90_days=0.0,
        source="model",
        model_version="m1",
        late_delay_mu=math.log(1 + 4),
        late_delay_sigma=0.5,
    )
    task = forecast_task(row, prediction, cal=cal, today=MONDAY)
    assert task.p50_days == task.p90_days == 5.0 and task.p_late == 0.08
    result = forecast_project(
        tasks=[task],
        dependencies=[],
        start=MONDAY,
        calendar=cal.add_working_days,
        deadline=cal.add_working_days(MONDAY, 4),
        samples=20000,
    )
    assert result.p_meet_deadline == pytest.approx(0.92, abs=0.01)
    assert result.duration_p95_days > 5.0


def test_work_waits_for_its_planned_start_unless_its_predecessors_push_it_later() -> None:
    # One person's levelled plan: b has no dependency but is planned after a (days 1-3),
    # so it starts on day 4, not on day 1 beside a.
    tasks = [
        fixed("a", 3),
        ForecastTask("b", 2, 2, release_days=3),
        ForecastTask("c", 1, 1, release_days=1),
    ]
    result = forecast_project(
        tasks=tasks, dependencies=[Dependency("a", "c")], start=MONDAY, calendar=CAL, samples=50
    )
    assert result.duration_p50_days == pytest.approx(5)  # b: days 4-5
    assert result.finish_p50 == date(2025, 3, 7)
    # c was planned for day 2 but waits for a (days 1-3): it finishes on day 4.
    later = forecast_project(
        tasks=[fixed("a", 3), ForecastTask("c", 1, 1, release_days=1)],
        dependencies=[Dependency("a", "c")],
        start=MONDAY,
        calendar=CAL,
        samples=50,
    )
    assert later.duration_p50_days == pytest.approx(4)


def test_the_planned_start_becomes_a_release_in_working_days_on_the_calendar() -> None:
    cal = WorkingCalendar()
    friday = cal.add_working_days(MONDAY, 4)
    row = open_row(
        "later",
        planned_start=friday + timedelta(days=1),  # a Saturday: work begins on Monday
        planned_end=friday + timedelta(days=3),
        due_date=friday + timedelta(days=3),
    )
    prediction = prior_for(row, today=MONDAY, ratios=(), cal=cal)
    task = forecast_task(row, prediction, cal=cal, today=MONDAY, start=MONDAY)
    assert task.release_days == 5.0
    started = forecast_task(
        replace(row, started_on=MONDAY), prediction, cal=cal, today=MONDAY, start=MONDAY
    )
    assert started.release_days == 0.0


def test_a_tasks_own_lateness_and_the_wait_for_its_predecessor_overlap() -> None:
    # A model learns lateness against a task's planned dates: history's late successor was
    # late partly because it waited. Both late by 3 days: the chain ends 3 days late, not 6;
    # a successor late by 5 after a predecessor late by 3 ends 5 days late.
    def chain(first: float, second: float) -> float:
        tasks = [
            ForecastTask("a", 2, 2, p_late=1.0 if first else 0.0, late_mu=math.log1p(first)),
            ForecastTask("b", 2, 2, p_late=1.0 if second else 0.0, late_mu=math.log1p(second)),
        ]
        result = forecast_project(
            tasks=tasks,
            dependencies=[Dependency("a", "b")],
            start=MONDAY,
            calendar=CAL,
            samples=200,
        )
        return result.duration_p50_days

    assert chain(0, 0) == pytest.approx(4)
    assert chain(3, 0) == pytest.approx(7)  # the wait passes on in full
    assert chain(0, 3) == pytest.approx(7)
    assert chain(3, 3) == pytest.approx(7)
    assert chain(3, 5) == pytest.approx(9)
    # A task planned to start later has slack: its predecessor's lateness is absorbed first.
    slack = [
        ForecastTask("a", 2, 2, p_late=1.0, late_mu=math.log1p(3)),
        ForecastTask("b", 2, 2, release_days=4),
    ]
    result = forecast_project(
        tasks=slack, dependencies=[Dependency("a", "b")], start=MONDAY, calendar=CAL, samples=200
    )
    assert result.duration_p50_days == pytest.approx(7)
