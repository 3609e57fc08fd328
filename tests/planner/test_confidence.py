"""The pure parts of planning to a chance of the deadline (services/planner/confidence.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from planops.planner.v1 import proposal_pb2

from services.cli.client import CliError
from services.cli.plan_cli import target_probability
from services.planner import confidence, store
from services.planner.confidence import Attempt
from services.planner.model import (
    MONDAY_TO_FRIDAY,
    Problem,
    ProjectCalendar,
    SkillRequirement,
    Task,
)
from services.planner.snapshot import DurationSource, Snapshot, TaskInfo

P = SkillRequirement


def attempt(*, finish: str, chance: float, source: str = DurationSource.RISK_P50) -> Attempt:
    record = store.ProposalRecord(
        project="p",
        requester="people/mia",
        state="OPEN",
        what_if=False,
        duration_source=source,
        finish_date=date.fromisoformat(finish),
        deadline=date(2030, 3, 15),
        critical_path=(),
        notes=(),
        solve={},
        loads=(),
        diagnoses=(),
        items=(),
    )
    found = Snapshot(
        project="p",
        problem=Problem(project_start=date(2030, 3, 4), tasks=()),
        tasks={},
        duration_source=source,
        notes=(),
    )
    forecast = proposal_pb2.PlanForecast(
        probability_on_time=chance,
        deadline="2030-03-15",
        finish_p50_date="2030-03-14",
        finish_p80_date="2030-03-19",
        finish_p95_date="2030-03-25",
    )
    return Attempt(found=found, record=record, forecast=forecast)


def test_the_earliest_plan_that_reaches_the_target_is_kept() -> None:
    late_sure = attempt(finish="2030-03-12", chance=0.9, source=DurationSource.RISK_P80)
    early_sure = attempt(finish="2030-03-11", chance=0.85)
    early_unsure = attempt(finish="2030-03-08", chance=0.6)
    assert confidence.kept_index([early_unsure, late_sure, early_sure], 0.8) == 2
    # None reaches 0.95: the likeliest, then the earliest.
    assert confidence.kept_index([early_unsure, early_sure, late_sure], 0.95) == 2


def test_a_forecast_without_figures_never_reaches_a_target() -> None:
    gone = attempt(finish="2030-03-08", chance=0.99)
    gone.forecast.unavailable_reason = "The risk service did not answer."
    assert not confidence.reaches(gone.forecast, 0.5)


@pytest.mark.parametrize(
    ("target", "day", "chance"),
    [
        (0.5, "2030-03-14", 0.5),
        (0.6, "2030-03-19", 0.8),
        (0.8, "2030-03-19", 0.8),
        (0.81, "2030-03-25", 0.95),
        (0.95, "2030-03-25", 0.95),
    ],
)
def test_the_date_with_a_chance_is_the_first_quantile_at_or_above_it(
    target: float, day: str, chance: float
) -> None:
    assert confidence.date_with(attempt(finish="2030-03-11", chance=0.5).forecast, target) == (
        day,
        chance,
    )


def test_working_days_count_the_calendar_not_the_weekends() -> None:
    calendar = ProjectCalendar(
        working_weekdays=MONDAY_TO_FRIDAY,
        holidays=frozenset({date(2030, 3, 13)}),
        extra_working_days=frozenset({date(2030, 3, 16)}),
    )
    # Thu 14, Fri 15, Sat 16 (a make-up day), Mon 18; Wed 13 is a holiday, Sun 17 is off.
    assert (
        confidence.working_days_after(calendar, start=date(2030, 3, 12), end=date(2030, 3, 18)) == 4
    )
    assert (
        confidence.working_days_after(calendar, start=date(2030, 3, 18), end=date(2030, 3, 18)) == 0
    )


def test_the_extra_person_has_the_skills_of_the_most_critical_hours() -> None:
    tasks = (
        Task(id="1", name="build", duration_hours=40, required_skills=(P("dev", 2),)),
        Task(id="2", name="copy", duration_hours=8, required_skills=(P("copy", 3),)),
        Task(id="3", name="qa", duration_hours=16, required_skills=(P("dev", 2),)),
        Task(id="4", name="done", duration_hours=80, required_skills=(P("ops", 1),), pinned=True),
        Task(id="5", name="off the path", duration_hours=99, required_skills=(P("legal", 1),)),
    )
    problem = Problem(project_start=date(2030, 3, 4), tasks=tasks)
    sets = confidence.critical_skill_sets(problem, ["1", "2", "3", "4"])
    assert sets == [(P("dev", 2),), (P("copy", 3),)]
    more = confidence.with_extra_person(problem, sets[0])
    extra = more.people[-1]
    assert extra.id == confidence.EXTRA_PERSON and dict(extra.skills) == {"dev": 2}
    assert len(more.people) == len(problem.people) + 1


def test_sources_start_from_the_risk_service() -> None:
    assert confidence.sources_to_try(DurationSource.ESTIMATE) == (
        DurationSource.RISK_P50,
        DurationSource.RISK_P80,
    )
    assert confidence.sources_to_try(DurationSource.RISK_P80) == (DurationSource.RISK_P80,)


@pytest.mark.parametrize(
    ("text", "share"), [("80%", 0.8), ("80", 0.8), ("0.8", 0.8), (" 95 % ", 0.95)]
)
def test_the_cli_reads_a_chance_as_people_write_it(text: str, share: float) -> None:
    assert target_probability(text) == pytest.approx(share)


@pytest.mark.parametrize("text", ["120%", "30%", "eighty", "nan", "inf", ""])
def test_the_cli_refuses_a_chance_it_cannot_plan_for(text: str) -> None:
    with pytest.raises(CliError, match="--chance must be"):
        target_probability(text)


async def test_remedies_are_checked_by_planning_again_and_come_likeliest_first() -> None:
    """One more person is offered only when planning with them raises the chance."""
    build = Task(id="1", name="build", duration_hours=40, required_skills=(P("dev", 2),))
    first = attempt(finish="2030-03-15", chance=0.05)
    critical = replace(first.record, critical_path=("projects/p/tasks/1",))
    found = replace(
        first.found,
        problem=replace(first.found.problem, tasks=(build,)),
        tasks={"1": TaskInfo("projects/p/tasks/1", "build", "", "", "", "")},
    )
    first = replace(first, found=found, record=critical)
    tried: list[Snapshot] = []

    async def read(source: str) -> Snapshot:
        return replace(found, duration_source=source)

    async def plan(snapshot: Snapshot) -> Attempt:
        tried.append(snapshot)
        extra = any(p.id == confidence.EXTRA_PERSON for p in snapshot.problem.people)
        made = attempt(
            finish="2030-03-11" if extra else "2030-03-18", chance=0.3 if extra else 0.01
        )
        return replace(made, found=snapshot)

    kept, made = await confidence.to_target(0.8, first=first, read=read, attempt=plan)
    assert kept is not None and kept.record.finish_date == date(2030, 3, 15)
    assert [a.probability_on_time for a in made.attempts] == [0.05, 0.01]
    assert [r.kind for r in made.remedies] == [
        proposal_pb2.REMEDY_KIND_MOVE_DEADLINE,
        proposal_pb2.REMEDY_KIND_ADD_PERSON,
    ]
    hire = made.remedies[1]
    assert list(hire.skills) == ["dev"] and hire.probability_on_time == 0.3
    assert hire.deadline == "2030-03-19" and "rises from 5% to 30%" in hire.text
    assert made.remedies[0].deadline == "2030-03-19" and not made.reached
    # The P80 plan and the plan with one more developer: nothing else was solved.
    assert len(tried) == 2 and tried[0].duration_source == DurationSource.RISK_P80


async def test_a_person_who_does_not_help_is_not_offered() -> None:
    build = Task(id="1", name="build", duration_hours=40, required_skills=(P("dev", 2),))
    first = attempt(finish="2030-03-15", chance=0.05)
    found = replace(
        first.found,
        problem=replace(first.found.problem, tasks=(build,)),
        tasks={"1": TaskInfo("projects/p/tasks/1", "build", "", "", "", "")},
    )
    first = replace(
        first, found=found, record=replace(first.record, critical_path=("projects/p/tasks/1",))
    )

    async def read(source: str) -> Snapshot:
        return replace(found, duration_source=source)

    async def plan(snapshot: Snapshot) -> Attempt:
        return replace(attempt(finish="2030-03-15", chance=0.05), found=snapshot)

    _, made = await confidence.to_target(0.8, first=first, read=read, attempt=plan)
    assert [r.kind for r in made.remedies] == [proposal_pb2.REMEDY_KIND_MOVE_DEADLINE]
