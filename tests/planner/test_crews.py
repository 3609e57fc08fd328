"""Crews (several people on one task at once) and staff pools with their own calendars.

Every plan is re-verified by `tests/planner/checker.py`, which shares no code with the solver.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import date, timedelta

import pytest

from services.planner import greedy
from services.planner.confidence import EXTRA_PERSON, with_extra_person
from services.planner.model import (
    DEFAULT_STAGES,
    CrewRole,
    Dependency,
    Period,
    Person,
    PlannedSlot,
    Problem,
    Proposal,
    ReasonKind,
    SkillRequirement,
    SolveStatus,
    StaffPool,
    Task,
    TaskPlan,
)
from services.planner.solver import (
    AxisResult,
    InvalidProblem,
    compile_problem,
    explain,
    objective_value,
    solve,
)
from tests.planner.checker import check
from tests.planner.scenarios import MONDAY

REPAIR = (SkillRequirement("repair", 2),)


def solved(problem: Problem) -> Proposal:
    proposal = solve(problem)
    assert proposal.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE), proposal.diagnosis
    assert check(problem, proposal) == []
    return proposal


def plan_of(proposal: Proposal, task_id: str) -> TaskPlan:
    return next(p for p in proposal.tasks if p.task_id == task_id)


def workshop() -> Problem:
    """Four repairers (Dan off the first week) and an apprentice without the skill."""
    people = (
        Person("ann", "Ann", skills={"repair": 3}),
        Person("bo", "Bo", skills={"repair": 2}),
        Person("cy", "Cy", skills={"repair": 2}),
        Person(
            "dan", "Dan", skills={"repair": 4}, time_off=(Period(MONDAY, MONDAY + timedelta(4)),)
        ),
        Person("eve", "Eve", skills={"repair": 1}),
    )
    tasks = (Task("pump", "Repair the pump", 16, REPAIR, crew_size=3),)
    return Problem(project_start=MONDAY, tasks=tasks, people=people, time_limit_s=5)


def test_a_crew_works_together_and_the_reason_names_why_them() -> None:
    problem = workshop()
    proposal = solved(problem)
    pump = plan_of(proposal, "pump")
    assert set(pump.crew) == {"ann", "bo", "cy"}
    assert pump.person_id == pump.crew[0]
    assert (pump.start, pump.end) == (MONDAY, MONDAY + timedelta(1))
    assert "Needs a crew of 3" in pump.reason.text
    assert "the only 3 with repair≥2 free" in pump.reason.text
    loads = {load.person_id: load.total_hours for load in proposal.people}
    assert loads["ann"] == loads["bo"] == loads["cy"] == 16
    assert loads["dan"] == 0


def test_a_crew_waits_for_its_busiest_member() -> None:
    """Only Cy can fit the valve, which is due at once; the crew of three needs Cy too, so
    it starts when Cy is free, and nobody on it works two tasks on one day."""
    problem = workshop()
    people = tuple(
        replace(p, skills={"repair": 4}) if p.id == "cy" else p
        for p in problem.people
        if p.id != "dan"
    )
    fitting = Task("valve", "Fit the valve", 16, (SkillRequirement("repair", 4),), due=MONDAY)
    problem = replace(problem, people=people, tasks=(*problem.tasks, fitting))
    proposal = solved(problem)
    valve, pump = plan_of(proposal, "valve"), plan_of(proposal, "pump")
    assert valve.person_id == "cy" and valve.start == MONDAY
    assert "cy" in pump.crew and pump.start > valve.end
    assert pump.reason.kind is ReasonKind.PERSON_BUSY
    assert "Cy" in pump.reason.text and "Fit the valve" in pump.reason.text


def test_roles_need_distinct_people_with_their_skills() -> None:
    """A live stream needs a host and a camera operator: Xia can do both but not at once,
    so the other place must go to someone who has the skill Xia is not using."""
    people = (
        Person("xia", "Xia", skills={"host": 3, "camera": 3}),
        Person("yun", "Yun", skills={}),
        Person("zed", "Zed", skills={"camera": 2}),
    )
    stream = Task(
        "live",
        "Live stream",
        3,
        crew_size=2,
        crew_roles=(
            CrewRole(1, (SkillRequirement("host", 2),)),
            CrewRole(1, (SkillRequirement("camera", 2),)),
        ),
    )
    problem = Problem(project_start=MONDAY, tasks=(stream,), people=people, time_limit_s=5)
    live = plan_of(solved(problem), "live")
    assert set(live.crew) == {"xia", "zed"}
    assert "the only 2" in live.reason.text


def early_shift() -> Problem:
    """Four technicians on the early shift (Monday to Thursday, and not on 10 June) and one
    technician outside it; the project works Monday to Friday."""
    people = tuple(
        Person(pid, pid.title(), skills={"repair": 2})
        for pid in ("tia", "uri", "val", "wes", "out")
    )
    shift = StaffPool(
        "early",
        "Early shift",
        members=("tia", "uri", "val", "wes"),
        working_weekdays=frozenset(range(4)),
        days_off=frozenset({date(2026, 6, 10)}),
    )
    wednesday = MONDAY + timedelta(2)
    tasks = (
        Task("overhaul", "Overhaul line 2", 24, REPAIR, crew_size=2, staff_pool="early"),
        Task("check", "Safety check", 8, REPAIR, staff_pool="early"),
    )
    return Problem(
        project_start=wednesday,
        tasks=tasks,
        people=people,
        staff_pools=(shift,),
        dependencies=(Dependency("overhaul", "check"),),
        time_limit_s=5,
    )


def test_a_pool_task_runs_only_on_the_pools_days_and_with_its_members() -> None:
    """From Wednesday 3 June, three days of work fit neither before the shift's Friday off
    nor around its 10 June off (a task is not split), so the overhaul runs Monday 15 to
    Wednesday 17 June, the check follows on Thursday, and the outsider does neither."""
    problem = early_shift()
    proposal = solved(problem)
    overhaul, check_plan = plan_of(proposal, "overhaul"), plan_of(proposal, "check")
    assert len(overhaul.crew) == 2 and "out" not in overhaul.crew
    assert (overhaul.start, overhaul.end) == (date(2026, 6, 15), date(2026, 6, 17))
    assert check_plan.person_id in {"tia", "uri", "val", "wes"}
    assert check_plan.start == date(2026, 6, 18)
    assert overhaul.reason.kind is ReasonKind.TIME_OFF
    assert "Early shift has no 3 working days in a row before 2026-06-15" in overhaul.reason.text


def test_without_the_pool_the_same_work_starts_at_once() -> None:
    """The control for the test above: the pool's calendar, not the work, delays it."""
    problem = early_shift()
    free = replace(problem, tasks=tuple(replace(t, staff_pool=None) for t in problem.tasks))
    overhaul = plan_of(solved(free), "overhaul")
    assert overhaul.start == problem.project_start


def test_a_crew_nobody_can_fill_is_diagnosed() -> None:
    problem = workshop()
    problem = replace(problem, tasks=(replace(problem.tasks[0], crew_size=5),))
    proposal = solve(problem)
    assert proposal.status is SolveStatus.INFEASIBLE
    assert [d.code for d in proposal.diagnosis] == ["CREW_TOO_SMALL"]
    assert "needs a crew of 5" in proposal.diagnosis[0].message


def test_a_pool_too_small_for_its_task_is_diagnosed() -> None:
    problem = early_shift()
    problem = replace(problem, tasks=(replace(problem.tasks[0], crew_size=5), problem.tasks[1]))
    proposal = solve(problem)
    assert [d.code for d in proposal.diagnosis] == ["CREW_TOO_SMALL"]
    assert "in Early shift" in proposal.diagnosis[0].message


def test_bad_crews_and_pools_are_refused_naming_fields() -> None:
    problem = early_shift()
    bad = replace(
        problem,
        tasks=(
            replace(problem.tasks[0], crew_size=0),
            replace(problem.tasks[1], staff_pool="late", crew_roles=(CrewRole(2, REPAIR),)),
        ),
        staff_pools=(replace(problem.staff_pools[0], members=("tia", "nobody")),),
    )
    with pytest.raises(InvalidProblem) as caught:
        solve(bad)
    fields = {v.field for v in caught.value.violations}
    assert fields == {
        "tasks[0].crew_size",
        "tasks[1].crew_size",
        "tasks[1].staff_pool",
        "staff_pools[0].members[1]",
    }


def random_crew_problem(seed: int) -> Problem:
    rng = random.Random(seed)
    skills = ("weld", "wire", "paint")
    people = tuple(
        Person(
            f"p{i}",
            f"P{i}",
            skills={s: rng.randint(1, 3) for s in rng.sample(skills, rng.randint(1, 3))},
            hours_per_day=rng.choice((8.0, 8.0, 6.0)),
            time_off=(
                (
                    Period(
                        MONDAY + timedelta(rng.randint(0, 20)),
                        MONDAY + timedelta(rng.randint(21, 25)),
                    ),
                )
                if rng.random() < 0.3
                else ()
            ),
        )
        for i in range(8)
    )
    pools = (
        StaffPool(
            "days",
            "Day shift",
            members=tuple(p.id for p in people[:5]),
            working_weekdays=frozenset({0, 1, 2}),
            days_off=frozenset({MONDAY + timedelta(7)}),
        ),
    )
    tasks = []
    for k in range(14):
        size = rng.choice((1, 1, 2, 3))
        tasks.append(
            Task(
                f"t{k}",
                f"Task {k}",
                rng.choice((4, 8, 16, 24)),
                (SkillRequirement(rng.choice(skills), 1),) if rng.random() < 0.5 else (),
                crew_size=size,
                staff_pool="days" if rng.random() < 0.3 else None,
                due=MONDAY + timedelta(rng.randint(5, 30)),
            )
        )
    dependencies = tuple(
        Dependency(f"t{a}", f"t{b}")
        for a, b in ((rng.randrange(14), rng.randrange(14)) for _ in range(8))
        if a < b
    )
    return Problem(
        project_start=MONDAY,
        tasks=tuple(tasks),
        people=people,
        staff_pools=pools,
        dependencies=tuple(set(dependencies)),
        time_limit_s=3,
    )


@pytest.mark.parametrize("seed", range(4))
def test_random_crews_and_pools_pass_the_checker(seed: int) -> None:
    problem = random_crew_problem(seed)
    proposal = solve(problem)
    if proposal.status is SolveStatus.INFEASIBLE:
        assert {d.code for d in proposal.diagnosis} <= {"CREW_TOO_SMALL", "NO_QUALIFIED_PERSON"}
        return
    assert check(problem, proposal) == []
    assert any(len(p.crew) > 1 for p in proposal.tasks)


@pytest.mark.parametrize("seed", range(4))
def test_the_list_schedule_fallback_forms_valid_crews(seed: int) -> None:
    """The greedy plan is the hint, the horizon and the answer when CP-SAT finds nothing."""
    problem = random_crew_problem(seed)
    if solve(problem).status is SolveStatus.INFEASIBLE:
        pytest.skip("no plan exists for this draw")
    compiled = compile_problem(problem)
    schedule = greedy.improved_schedule(compiled.problem, time_budget_s=0.2, seed=seed)
    result = AxisResult(
        status=SolveStatus.FEASIBLE,
        schedule=schedule,
        objective=objective_value(compiled.problem, schedule),
        best_bound=None,
        wall_time_s=0.0,
        solutions=0,
        first_solution_s=None,
        hint_makespan=None,
    )
    proposal = explain(problem, compiled, result, started=time.monotonic())
    assert check(problem, proposal) == []


def test_the_checker_catches_a_double_booked_crew_and_a_pool_day_off() -> None:
    """The checker must be able to fail, or every test above proves nothing."""
    problem = early_shift()
    proposal = solved(problem)
    overhaul = plan_of(proposal, "overhaul")
    wrong = replace(
        overhaul,
        start=date(2026, 6, 3),
        end=date(2026, 6, 5),
        crew=(overhaul.crew[0], overhaul.crew[0]),
        person_id=overhaul.crew[0],
    )
    broken = replace(
        proposal, tasks=tuple(wrong if p.task_id == "overhaul" else p for p in proposal.tasks)
    )
    errors = check(problem, broken)
    assert any("twice" in e for e in errors)
    assert any("does not work on 2026-06-05" in e for e in errors)
    short = replace(overhaul, crew=overhaul.crew[:1], person_id=overhaul.crew[0])
    broken = replace(
        proposal, tasks=tuple(short if p.task_id == "overhaul" else p for p in proposal.tasks)
    )
    assert any("crew of 1, needs 2" in e for e in check(problem, broken))


def test_pinned_single_person_tasks_still_block_crew_members() -> None:
    problem = workshop()
    problem = replace(
        problem,
        people=problem.people[:3] + problem.people[4:],
        tasks=(
            *problem.tasks,
            Task(
                "old",
                "Old job",
                16,
                current=PlannedSlot(MONDAY, MONDAY + timedelta(1), "bo"),
                pinned=True,
            ),
        ),
    )
    pump = plan_of(solved(problem), "pump")
    assert "bo" in pump.crew and pump.start == MONDAY + timedelta(2)


def test_a_crew_at_work_keeps_all_its_members_busy() -> None:
    """Fay, Bo and Cy are two days into a crew job; the pump's crew of three must wait for
    them, not borrow Bo and Cy, and the pinned job keeps its whole crew."""
    problem = workshop()
    fay = Person("fay", "Fay", skills={"repair": 2})
    at_work = Task(
        "line",
        "Line repair",
        16,
        REPAIR,
        crew_size=3,
        current=PlannedSlot(MONDAY, MONDAY + timedelta(1), "fay", crew=("fay", "bo", "cy")),
        pinned=True,
        started=True,
    )
    problem = replace(problem, people=(*problem.people, fay), tasks=(*problem.tasks, at_work))
    proposal = solved(problem)
    assert plan_of(proposal, "line").crew == ("fay", "bo", "cy")
    pump = plan_of(proposal, "pump")
    assert pump.start == MONDAY + timedelta(2)
    assert "ann" in pump.crew
    loads = {load.person_id: load.total_hours for load in proposal.people}
    assert min(loads["bo"], loads["cy"], loads["fay"]) >= 16  # the job counts for all three
    assert sum(loads[p] for p in ("ann", "bo", "cy", "fay")) == 3 * 16 + 3 * 16


def test_a_task_longer_than_the_pools_working_week_is_diagnosed() -> None:
    """Five days of work never fit in a Monday-to-Thursday pool without splitting; the plan
    says so instead of running years out past the pool's calendar."""
    problem = early_shift()
    long = replace(problem.tasks[0], duration_hours=40)
    proposal = solve(replace(problem, tasks=(long, problem.tasks[1])))
    assert proposal.status is SolveStatus.INFEASIBLE
    assert [d.code for d in proposal.diagnosis] == ["POOL_DAYS_TOO_SHORT"]
    assert "never works more than 4 in a row" in proposal.diagnosis[0].message


def test_a_replan_keeps_the_current_crew() -> None:
    """Any two of four equal repairers would do; the current plan has Cy and Dan, so a
    replan keeps them rather than swapping in people for nothing."""
    people = tuple(
        Person(pid, pid.title(), skills={"repair": 2}) for pid in ("ann", "bo", "cy", "dan")
    )
    current = PlannedSlot(MONDAY, MONDAY + timedelta(1), "cy", crew=("cy", "dan"))
    pump = Task("pump", "Repair the pump", 16, REPAIR, crew_size=2, current=current)
    problem = Problem(project_start=MONDAY, tasks=(pump,), people=people, time_limit_s=5)
    plan = plan_of(solved(problem), "pump")
    assert set(plan.crew) == {"cy", "dan"}
    assert not plan.assignee_changed and not plan.start_changed
    moved = replace(pump, current=replace(current, assignee="dan", crew=("dan", "ann")))
    plan = plan_of(solved(replace(problem, tasks=(moved,))), "pump")
    assert set(plan.crew) == {"dan", "ann"}


def test_a_big_team_gives_each_crew_role_a_short_list() -> None:
    """Forty interchangeable people would be forty optional intervals per crew task; each
    role keeps a dozen, the current crew among them, and the two hosts still make the
    crew."""
    people = tuple(Person(f"p{i:02}", f"P{i:02}", skills={"repair": 2}) for i in range(40))
    people = (
        *people,
        *(Person(h, h.title(), skills={"repair": 2, "host": 1}) for h in ("hu", "ho")),
    )
    current = PlannedSlot(MONDAY, MONDAY + timedelta(1), "p39", crew=("p39", "p38", "p37"))
    tasks = (
        Task("big", "Big repair", 16, REPAIR, crew_size=3, current=current),
        Task(
            "show",
            "Show",
            8,
            REPAIR,
            crew_size=4,
            crew_roles=(CrewRole(2, (SkillRequirement("host", 1),)),),
        ),
    )
    problem = Problem(project_start=MONDAY, tasks=tasks, people=people, time_limit_s=5)
    crews = [a.crew for a in compile_problem(problem).problem.activities]
    assert all(c is not None and len(c.demands) <= 14 for c in crews)
    proposal = solved(problem)
    assert set(plan_of(proposal, "big").crew) == {"p39", "p38", "p37"}
    assert {"hu", "ho"} <= set(plan_of(proposal, "show").crew)


def test_a_kept_crew_keeps_its_order_and_so_its_assignee() -> None:
    """Core holds Dan as the assignee of the Dan and Cy crew; a plan that keeps the crew
    must not hand the task to Cy by listing the same two people the other way round."""
    people = tuple(Person(pid, pid.title(), skills={"repair": 2}) for pid in ("cy", "dan"))
    current = PlannedSlot(MONDAY, MONDAY + timedelta(1), "dan", crew=("dan", "cy"))
    pump = Task("pump", "Repair the pump", 16, REPAIR, crew_size=2, current=current)
    plan = plan_of(solved(Problem(project_start=MONDAY, tasks=(pump,), people=people)), "pump")
    assert plan.crew == ("dan", "cy") and plan.person_id == "dan"
    assert not plan.assignee_changed


def test_staged_objectives_keep_the_crew() -> None:
    """A staged solve reads each stage's plan back with its crews, so the proposal names the
    whole crew of three, as the weighted solve does."""
    problem = replace(workshop(), stages=DEFAULT_STAGES)
    pump = plan_of(solved(problem), "pump")
    assert len(pump.crew) == 3 and pump.person_id == pump.crew[0]


def test_a_splittable_pool_task_never_pauses_over_a_pool_day_off() -> None:
    """Three days of pool work from Wednesday 3 June. Tia, the pool's only member, is off on
    Friday 5 June, which the pool does not work either: split around her day off the task
    would work Wednesday, Thursday and Monday, but a pool's day off is not paused over, so it
    runs Monday 8 to Wednesday 10 June, in CP-SAT and in the list schedule (its hint)."""
    shift = StaffPool(
        "early", "Early shift", members=("tia",), working_weekdays=frozenset(range(4))
    )
    friday = MONDAY + timedelta(4)
    people = (
        Person("tia", "Tia", skills={"repair": 2}, time_off=(Period(friday, friday),)),
        Person("out", "Out", skills={"repair": 2}),
    )
    task = Task("check", "Safety check", 24, REPAIR, staff_pool="early", splittable=True)
    problem = Problem(
        project_start=MONDAY + timedelta(2),
        tasks=(task,),
        people=people,
        staff_pools=(shift,),
        time_limit_s=5,
    )
    plan = plan_of(solved(problem), "check")
    assert plan.person_id == "tia"
    assert (plan.start, plan.end) == (MONDAY + timedelta(7), MONDAY + timedelta(9))
    assert greedy.list_schedule(compile_problem(problem).problem).starts == (3,)


def test_the_extra_person_of_planning_to_a_chance_may_join_a_crew() -> None:
    """Planning to a chance adds one hypothetical person with the critical skills; a crew
    that only two people can fill today is then planned with them on it."""
    base = workshop()
    two = replace(base, people=base.people[:2] + base.people[4:])
    assert solve(two).status is SolveStatus.INFEASIBLE
    more = with_extra_person(two, REPAIR)
    pump = plan_of(solved(more), "pump")
    assert EXTRA_PERSON in pump.crew and len(pump.crew) == 3
