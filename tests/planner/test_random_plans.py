"""Random small projects: whatever the solver proposes, the independent checker accepts."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.planner.model import (
    BusyPeriod,
    Dependency,
    DependencyType,
    Period,
    Person,
    PlannedSlot,
    Problem,
    ProjectCalendar,
    SkillRequirement,
    SolveStatus,
    Task,
)
from services.planner.solver import solve
from tests.planner.checker import check

START = date(2026, 6, 1)
SKILLS = ("a", "b", "c")


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    people = []
    for p in range(draw(st.integers(1, 3))):
        skills = {s: draw(st.integers(1, 5)) for s in SKILLS if draw(st.booleans())}
        off_start = START + timedelta(days=draw(st.integers(0, 20)))
        people.append(
            Person(
                id=f"p{p}",
                name=f"P{p}",
                skills=skills or {"a": 1},
                hours_per_day=draw(st.sampled_from([6.0, 7.5, 8.0])),
                working_weekdays=draw(st.sampled_from([frozenset(range(5)), frozenset(range(4))])),
                time_off=(Period(off_start, off_start + timedelta(days=draw(st.integers(0, 4)))),)
                if draw(st.booleans())
                else (),
                busy=(BusyPeriod(START, START + timedelta(days=6), 2.0),)
                if draw(st.booleans())
                else (),
            )
        )
    n = draw(st.integers(2, 7))
    tasks = []
    for t in range(n):
        staffed = draw(st.booleans()) or t % 2 == 0
        skill = draw(st.sampled_from(SKILLS))
        holder = next((p for p in people if skill in p.skills), None)
        required = (
            (SkillRequirement(skill, draw(st.integers(1, holder.skills[skill]))),)
            if holder is not None and staffed
            else ()
        )
        current = None
        if draw(st.booleans()):
            first = START + timedelta(days=draw(st.integers(0, 10)))
            current = PlannedSlot(
                first, first + timedelta(days=2), draw(st.sampled_from([p.id for p in people]))
            )
        tasks.append(
            Task(
                id=f"t{t}",
                name=f"T{t}",
                duration_hours=draw(st.sampled_from([0.0, 3.0, 8.0, 12.0, 20.0])),
                required_skills=required,
                due=START + timedelta(days=draw(st.integers(3, 30)))
                if draw(st.booleans())
                else None,
                priority=draw(st.integers(1, 5)),
                current=current,
                staffed=staffed,
            )
        )
    dependencies = []
    for b in range(1, n):
        if draw(st.booleans()):
            a = draw(st.integers(0, b - 1))
            dependencies.append(
                Dependency(
                    f"t{a}",
                    f"t{b}",
                    draw(st.sampled_from(list(DependencyType))),
                    draw(st.integers(-2, 3)),
                )
            )
    return Problem(
        project_start=START,
        tasks=tuple(tasks),
        people=tuple(people),
        dependencies=tuple(dependencies),
        calendar=ProjectCalendar(holidays=frozenset({date(2026, 6, 5)})),
        time_limit_s=2,
        num_workers=1,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_proposal_passes_the_checker(problem: Problem) -> None:
    proposal = solve(problem)
    if proposal.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        assert check(problem, proposal) == []
    else:
        assert proposal.diagnosis, proposal.status
