"""`bench/plan_check.py` on crew tasks: a plan breaking one crew rule is refused, naming it.

The plans are written by hand, so the checker is tested without the solver.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from bench.plan_check import check_proposal
from services.planner.model import (
    CrewRole,
    Period,
    Person,
    Problem,
    Proposal,
    Reason,
    ReasonKind,
    SkillRequirement,
    SolveStatus,
    StaffPool,
    Task,
    TaskPlan,
)

MONDAY = date(2026, 6, 1)
RIG = (SkillRequirement("rigging", 2),)
HOST = CrewRole(1, (SkillRequirement("host"),))

ANN = Person("ann", "Ann", skills={"rigging": 3, "host": 1})
BO = Person("bo", "Bo", skills={"rigging": 2})
CY = Person("cy", "Cy", skills={"rigging": 2})
DAN = Person(
    "dan",
    "Dan",
    skills={"rigging": 2},
    time_off=(Period(MONDAY + timedelta(1), MONDAY + timedelta(1)),),
)
EVE = Person("eve", "Eve", skills={"rigging": 1})
PART = Person("part", "Pat", skills={"rigging": 2}, hours_per_day=4, weekly_capacity_hours=20)


def day(k: int) -> date:
    return MONDAY + timedelta(days=k)


def plan(task_id: str, crew: tuple[str, ...], first: int, last: int) -> TaskPlan:
    return TaskPlan(
        task_id=task_id,
        person_id=crew[0] if crew else None,
        start=day(first),
        end=day(last),
        start_changed=False,
        assignee_changed=False,
        reason=Reason(ReasonKind.OBJECTIVE, ""),
        slack_days=0,
        critical=False,
        late_days=0,
        crew=crew if len(crew) > 1 else (),
        pieces=(Period(day(first), day(last)),),
    )


def proposal(*plans: TaskPlan) -> Proposal:
    return Proposal(
        status=SolveStatus.FEASIBLE,
        tasks=plans,
        people=(),
        objective=None,
        best_bound=None,
        gap=None,
        wall_time_s=0.0,
        finish=max(p.end for p in plans),
    )


def stage(*tasks: Task, pools: tuple[StaffPool, ...] = ()) -> Problem:
    return Problem(
        project_start=MONDAY,
        tasks=tasks,
        people=(ANN, BO, CY, DAN, EVE, PART),
        staff_pools=pools,
    )


# Two days' work for a crew of three riggers, one of them able to host.
SHOW = Task("show", "Stage the show", 16, RIG, crew_size=3, crew_roles=(HOST,))
LIGHTS = Task("lights", "Hang the lights", 16, RIG, crew_size=2)


def test_a_crew_plan_that_keeps_every_rule_is_accepted() -> None:
    problem = stage(SHOW, LIGHTS)
    assert (
        check_proposal(
            problem,
            proposal(plan("show", ("ann", "bo", "cy"), 0, 1), plan("lights", ("bo", "cy"), 2, 3)),
        )
        == []
    )


def test_a_crew_one_short_is_refused() -> None:
    errors = check_proposal(stage(SHOW), proposal(plan("show", ("ann", "bo"), 0, 1)))
    assert any("a crew of 2, it needs 3" in e for e in errors), errors


def test_a_member_without_the_tasks_skill_is_refused() -> None:
    errors = check_proposal(stage(SHOW), proposal(plan("show", ("ann", "bo", "eve"), 0, 1)))
    assert any("Eve on its crew lacks its skills" in e for e in errors), errors


def test_a_crew_nobody_on_it_can_host_is_refused() -> None:
    errors = check_proposal(stage(SHOW), proposal(plan("show", ("bo", "cy", "dan"), 2, 3)))
    assert any("cannot fill its roles" in e for e in errors), errors


def test_a_member_on_their_day_off_is_refused() -> None:
    # Dan is off on Tuesday, the task's second day; Ann, the assignee, is not.
    errors = check_proposal(stage(SHOW), proposal(plan("show", ("ann", "bo", "dan"), 0, 1)))
    assert any(f"works on {day(1)}, Dan's day off" in e for e in errors), errors


def test_a_member_on_two_crews_the_same_day_is_refused() -> None:
    # Bo is on both crews on Monday and Tuesday, only as the second member of each.
    errors = check_proposal(
        stage(SHOW, LIGHTS),
        proposal(plan("show", ("ann", "bo", "cy"), 0, 1), plan("lights", ("cy", "bo"), 0, 1)),
    )
    assert any(e.startswith("bo booked 16.00 h") for e in errors), errors


def test_a_part_timer_on_a_full_day_crew_is_refused() -> None:
    errors = check_proposal(stage(LIGHTS), proposal(plan("lights", ("bo", "part"), 0, 1)))
    assert any(e.startswith("part booked 8.00 h") for e in errors), errors


def test_a_crew_member_listed_twice_is_refused() -> None:
    errors = check_proposal(stage(LIGHTS), proposal(plan("lights", ("bo", "bo"), 0, 1)))
    assert any("someone is on its crew twice" in e for e in errors), errors


def test_a_crew_that_pauses_is_refused_even_around_a_days_off() -> None:
    # A crew works one stretch together, so it may not wait out Dan's Tuesday.
    lights = replace(LIGHTS, splittable=True)
    paused = replace(
        plan("lights", ("dan", "bo"), 0, 2),
        pieces=(Period(day(0), day(0)), Period(day(2), day(2))),
    )
    errors = check_proposal(stage(lights), proposal(paused))
    assert any("a crew task, but its crew pauses" in e for e in errors), errors


def test_a_member_outside_the_staff_pool_is_refused() -> None:
    pool = StaffPool("riggers", "Riggers", members=("ann", "bo"))
    errors = check_proposal(
        stage(replace(LIGHTS, staff_pool="riggers"), pools=(pool,)),
        proposal(plan("lights", ("ann", "cy"), 0, 1)),
    )
    assert any("Cy on its crew is not in pool riggers" in e for e in errors), errors
