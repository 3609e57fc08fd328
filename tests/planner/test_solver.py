from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from planops.core.v1 import project_pb2

from services.common.workcal import WorkingCalendar
from services.planner.model import (
    Dependency,
    Period,
    PlannedSlot,
    Problem,
    Progress,
    Proposal,
    ReasonKind,
    SolveStatus,
    Task,
    Weights,
)
from services.planner.snapshot import project_calendar
from services.planner.solver import InvalidProblem, Stop, solve
from tests.planner.checker import check
from tests.planner.scenarios import (
    MAKESPAN_ONLY,
    MONDAY,
    data_dir,
    job_shop,
    team_project,
    with_current,
)


def solved(problem: Problem) -> Proposal:
    proposal = solve(problem)
    assert proposal.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE), proposal.diagnosis
    assert check(problem, proposal) == []
    return proposal


def test_job_shop_reaches_its_optimum() -> None:
    problem = job_shop()
    proposal = solved(problem)
    assert proposal.status is SolveStatus.OPTIMAL
    assert proposal.finish == date(2026, 6, 11)  # 11 days from Monday 1 June
    assert proposal.objective == 11


@pytest.mark.parametrize(("name", "optimum"), [("j301_1", 43), ("j3010_1", 42), ("j3021_1", 84)])
def test_psplib_j30_instances_reach_the_known_optimum(name: str, optimum: int) -> None:
    path = data_dir() / "psplib" / "j30" / f"{name}.sm"
    if not path.exists():
        pytest.skip(f"PSPLIB data not found at {path}; set PLANOPS_DATA_DIR")
    from bench.planner_formats import makespan_days, parse_psplib

    problem = replace(parse_psplib(path).problem, time_limit_s=10)
    proposal = solved(problem)
    assert makespan_days(problem, proposal.finish) == optimum
    assert proposal.status is SolveStatus.OPTIMAL


def test_team_project_plan_is_valid_and_explained() -> None:
    problem = team_project()
    proposal = solved(problem)
    plans = {p.task_id: p for p in proposal.tasks}
    assert plans["ship"].person_id is None
    assert plans["weld"].person_id == "eli"
    assert plans["api"].reason.kind is ReasonKind.PREDECESSOR
    assert plans["api"].reason.related_id == "spec"
    assert plans["spec"].reason.kind is ReasonKind.PROJECT_START
    assert all(p.reason.text for p in proposal.tasks)
    assert proposal.critical_path
    assert all(plans[t].slack_days == 0 for t in proposal.critical_path)
    assert any(p.slack_days > 0 for p in proposal.tasks)
    assert proposal.gap is not None and proposal.wall_time_s > 0
    loads = {p.person_id: p for p in proposal.people}
    assert loads["eli"].total_hours == 10
    assert all(not p.overloaded_days for p in proposal.people)


def test_time_off_is_respected_and_can_be_the_reason() -> None:
    only_cy = replace(
        team_project(),
        tasks=(Task("ui", "Build UI", 16, team_project().tasks[3].required_skills),),
        dependencies=(),
        people=tuple(p for p in team_project().people if p.id == "cy"),
    )
    off_now = replace(
        only_cy,
        people=(replace(only_cy.people[0], time_off=(Period(MONDAY, date(2026, 6, 3)),)),),
    )
    proposal = solved(off_now)
    plan = proposal.tasks[0]
    assert plan.start == date(2026, 6, 4)
    assert plan.reason.kind in (ReasonKind.TIME_OFF, ReasonKind.SKILL_SCARCITY)


def test_progress_callback_reports_solutions() -> None:
    seen: list[Progress] = []
    solve(job_shop(), progress=seen.append)
    assert seen and seen[-1].objective == 11
    assert all(p.best_bound <= p.objective for p in seen)


def test_pinned_tasks_keep_dates_and_people() -> None:
    problem = with_current(
        team_project(),
        {
            "spec": PlannedSlot(MONDAY, MONDAY, "ana"),
            "weld": PlannedSlot(date(2026, 6, 10), date(2026, 6, 11), "eli"),
        },
        pinned={"spec", "weld"},
    )
    proposal = solved(problem)
    plans = {p.task_id: p for p in proposal.tasks}
    assert (plans["weld"].start, plans["weld"].person_id) == (date(2026, 6, 10), "eli")
    assert plans["spec"].reason.kind is ReasonKind.PINNED


def test_replan_after_a_small_change_moves_little() -> None:
    base = team_project()
    first = solved(base)
    current = {p.task_id: PlannedSlot(p.start, p.end, p.person_id) for p in first.tasks}
    longer_docs = tuple(
        replace(t, duration_hours=t.duration_hours + 2) if t.id == "docs" else t for t in base.tasks
    )
    again = with_current(replace(base, tasks=longer_docs), current, pinned=set())
    second = solved(again)
    changed = [p.task_id for p in second.tasks if p.start_changed or p.assignee_changed]
    assert len(changed) <= 2, changed


def test_hard_deadline_is_met_when_possible() -> None:
    problem = replace(team_project(), deadline=date(2026, 6, 24), hard_deadline=True)
    proposal = solved(problem)
    assert proposal.finish is not None and proposal.finish <= date(2026, 6, 24)


def test_lateness_dominates_makespan_by_default() -> None:
    # Two tasks for one person; only the order decides who is late.
    problem = replace(
        job_shop(),
        tasks=(
            Task("a", "A", 8 * 3, job_shop().tasks[0].required_skills),
            Task("b", "B", 8, job_shop().tasks[0].required_skills, due=MONDAY, priority=5),
        ),
        dependencies=(),
        weights=Weights(),
    )
    plans = {p.task_id: p for p in solved(problem).tasks}
    assert plans["b"].start == MONDAY and plans["b"].late_days == 0


def test_what_if_adding_a_person_shortens_the_plan() -> None:
    base = replace(job_shop(), dependencies=())
    one_machine = solved(base)
    twin = replace(base.people[1], id="m1b", name="second machine 1")
    more = solved(replace(base, people=(*base.people, twin)))
    assert more.finish is not None and one_machine.finish is not None
    assert more.finish <= one_machine.finish
    assert more.objective is not None and one_machine.objective is not None
    assert more.objective < one_machine.objective


def test_what_if_changed_duration_and_deadline_are_new_problems() -> None:
    base = team_project()
    longer = replace(
        base,
        tasks=tuple(replace(t, duration_hours=t.duration_hours * 2) for t in base.tasks),
        deadline=date(2026, 7, 10),
        weights=MAKESPAN_ONLY,
    )
    short, long = solved(base), solved(longer)
    assert short.finish is not None and long.finish is not None
    assert long.finish > short.finish


def test_invalid_input_is_refused_with_fields() -> None:
    bad = replace(job_shop(), tasks=(Task("x", "X", -1),), dependencies=(Dependency("x", "y"),))
    with pytest.raises(InvalidProblem) as caught:
        solve(bad)
    fields = {v.field for v in caught.value.violations}
    assert {"tasks[0].duration_hours", "dependencies[0].successor"} <= fields


def test_replanning_an_unchanged_project_changes_nothing() -> None:
    base = team_project()
    first = solved(base)
    current = {p.task_id: PlannedSlot(p.start, p.end, p.person_id) for p in first.tasks}
    second = solved(with_current(base, current, pinned=set()))
    assert [p.task_id for p in second.tasks if p.start_changed or p.assignee_changed] == []
    assert second.objective is not None and first.objective is not None
    assert second.objective <= first.objective


def test_what_if_removing_people() -> None:
    base = team_project()
    without_bo = replace(base, people=tuple(p for p in base.people if p.id != "bo"))
    assert all(p.person_id != "bo" for p in solved(without_bo).tasks)
    without_welder = replace(base, people=tuple(p for p in base.people if p.id != "eli"))
    proposal = solve(without_welder)
    assert proposal.status is SolveStatus.INFEASIBLE
    assert proposal.diagnosis[0].code == "NO_QUALIFIED_PERSON"
    assert "welding" in proposal.diagnosis[0].message


def test_china_make_up_saturday_is_planned_and_holidays_are_not() -> None:
    """Spring Festival 2026 (chinese_calendar has no 2027 table): Sat 14 Feb is a 调休 day."""
    start = date(2026, 2, 9)
    calendar, _ = project_calendar(
        project_pb2.Calendar(working_days=[1, 2, 3, 4, 5], holiday_country="CN"), start=start
    )
    assert date(2026, 2, 14) in calendar.extra_working_days
    tasks = tuple(Task(id=f"t{i}", name=f"t{i}", duration_hours=8, staffed=False) for i in range(6))
    chain = tuple(Dependency(f"t{i}", f"t{i + 1}") for i in range(5))
    problem = Problem(
        project_start=start,
        tasks=tasks,
        dependencies=chain,
        calendar=calendar,
        weights=MAKESPAN_ONLY,
        time_limit_s=2,
    )
    proposal = solved(problem)
    used = {p.start for p in proposal.tasks}
    assert date(2026, 2, 14) in used
    on_saturday = next(p for p in proposal.tasks if p.start == date(2026, 2, 14))
    assert "make-up working day(s) 2026-02-14" in on_saturday.reason.text
    china = WorkingCalendar(holiday_country="CN")
    assert all(china.is_working_day(d) for d in used)
    without = solved(replace(problem, calendar=replace(calendar, extra_working_days=frozenset())))
    assert max(p.end for p in proposal.tasks) < max(p.end for p in without.tasks)


def test_a_stop_set_before_the_search_starts_still_ends_it() -> None:
    """A call dropped while the list schedule is built must not leave CP-SAT to run."""
    problem = replace(job_shop(), time_limit_s=600)
    stop = Stop()
    stop.set()
    proposal = solve(problem, stop=stop)
    # The list schedule comes back unproven: CP-SAT never searched, so it proved nothing.
    assert proposal.status is SolveStatus.FEASIBLE and proposal.best_bound is None
    assert proposal.solutions == 0
    assert check(problem, proposal) == []
