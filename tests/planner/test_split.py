"""Tasks split around their person's days off, checked by bench/plan_check.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from planops.core.v1 import project_pb2

from bench.plan_check import check_proposal
from bench.planner_calendar import Size, generate, problem_for
from services.common.workcal import WorkingCalendar
from services.planner.model import (
    Dependency,
    Period,
    Person,
    PlannedSlot,
    Problem,
    Proposal,
    SolveStatus,
    Task,
)
from services.planner.snapshot import project_calendar
from services.planner.solver import solve

LI = Person(id="people/li", name="Li Wei", time_off=(Period(date(2026, 2, 4), date(2026, 2, 4)),))


def three_day_job(*, splittable: bool, person: Person = LI) -> Problem:
    return Problem(
        project_start=date(2026, 2, 3),
        tasks=(
            Task(id="1", name="Job", duration_hours=24, splittable=splittable),
            Task(id="2", name="Next", duration_hours=8),
        ),
        people=(person,),
        dependencies=(Dependency("1", "2"),),
        time_limit_s=5,
    )


def solved(problem: Problem, **check: object) -> Proposal:
    proposal = solve(problem)
    assert proposal.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE), proposal.diagnosis
    assert check_proposal(problem, proposal, **check) == []  # type: ignore[arg-type]
    return proposal


def test_a_splittable_job_works_around_a_day_off_instead_of_waiting() -> None:
    proposal = solved(three_day_job(splittable=True))
    job = next(p for p in proposal.tasks if p.task_id == "1")
    assert job.pieces == (
        Period(date(2026, 2, 3), date(2026, 2, 3)),
        Period(date(2026, 2, 5), date(2026, 2, 6)),
    )
    assert "Split around Li Wei's day(s) off on 2026-02-04" in job.reason.text
    assert proposal.finish == date(2026, 2, 9)


def test_a_job_not_marked_splittable_still_waits_for_three_free_days() -> None:
    proposal = solved(three_day_job(splittable=False))
    job = next(p for p in proposal.tasks if p.task_id == "1")
    assert job.pieces == (Period(date(2026, 2, 5), date(2026, 2, 9)),)
    assert proposal.finish == date(2026, 2, 10)


def test_a_job_does_not_wrap_around_a_holiday_longer_than_itself() -> None:
    away = replace(LI, time_off=(Period(date(2026, 2, 4), date(2026, 2, 10)),))
    proposal = solved(three_day_job(splittable=True, person=away))
    job = next(p for p in proposal.tasks if p.task_id == "1")
    # Three days of work may pause for three days off at most, not five.
    assert job.pieces == (Period(date(2026, 2, 11), date(2026, 2, 13)),)


def test_pieces_follow_the_spring_festival_and_its_make_up_saturday() -> None:
    # 2026: 2-14 (Saturday) is a 调休 working day, 2-15..2-23 the holiday; Li is off 2-13.
    raw = project_pb2.Calendar(working_days=[1, 2, 3, 4, 5], holiday_country="CN")
    calendar, _ = project_calendar(raw, start=date(2026, 2, 1))
    li = replace(LI, time_off=(Period(date(2026, 2, 13), date(2026, 2, 13)),))
    problem = Problem(
        project_start=date(2026, 2, 12),
        tasks=(Task(id="1", name="Launch copy", duration_hours=32, splittable=True),),
        people=(li,),
        calendar=calendar,
        time_limit_s=5,
    )
    working = WorkingCalendar(holiday_country="CN").is_working_day
    proposal = solved(problem, working_day=working)
    job = proposal.tasks[0]
    assert job.pieces == (
        Period(date(2026, 2, 12), date(2026, 2, 12)),
        Period(date(2026, 2, 14), date(2026, 2, 14)),
        Period(date(2026, 2, 24), date(2026, 2, 25)),
    )
    assert "2026-02-13" in job.reason.text and "make-up" in job.reason.text
    assert "2026-02-16 to 2026-02-20" in job.reason.text


def test_loads_count_only_the_days_worked() -> None:
    proposal = solved(three_day_job(splittable=True))
    days = {d.day: d.hours for d in proposal.people[0].days}
    assert date(2026, 2, 4) not in days
    assert days[date(2026, 2, 3)] == 8.0


def test_the_checker_refuses_what_a_manager_could_not_use() -> None:
    problem = three_day_job(splittable=True)
    good = solved(problem)
    job = next(p for p in good.tasks if p.task_id == "1")
    nxt = next(p for p in good.tasks if p.task_id == "2")

    def with_plans(*plans: object) -> Proposal:
        return replace(good, tasks=tuple(plans))  # type: ignore[arg-type]

    on_day_off = replace(job, pieces=(Period(date(2026, 2, 3), date(2026, 2, 5)),))
    on_day_off = replace(on_day_off, end=date(2026, 2, 5))
    assert any("day off" in e for e in check_proposal(problem, with_plans(on_day_off, nxt)))

    short = replace(job, pieces=job.pieces[:1], end=date(2026, 2, 3))
    assert any("working day(s)" in e for e in check_proposal(problem, with_plans(short, nxt)))

    early = replace(
        nxt,
        start=date(2026, 2, 6),
        end=date(2026, 2, 6),
        pieces=(Period(date(2026, 2, 6), date(2026, 2, 6)),),
    )
    errors = check_proposal(problem, with_plans(job, early))
    assert any("1->2 FS" in e for e in errors)
    assert any("booked 16.00 h on 2026-02-06" in e for e in errors)

    unsplittable = replace(
        problem, tasks=(replace(problem.tasks[0], splittable=False), *problem.tasks[1:])
    )
    assert any("not splittable" in e for e in check_proposal(unsplittable, good))


def test_a_split_plan_accepted_then_locked_or_started_keeps_its_pauses() -> None:
    problem = three_day_job(splittable=True)
    slot = PlannedSlot(date(2026, 2, 3), date(2026, 2, 6), "people/li")
    for started in (False, True):
        job = replace(problem.tasks[0], pinned=True, started=started, current=slot)
        proposal = solved(replace(problem, tasks=(job, problem.tasks[1])))
        kept = next(p for p in proposal.tasks if p.task_id == "1")
        assert kept.pieces == (
            Period(date(2026, 2, 3), date(2026, 2, 3)),
            Period(date(2026, 2, 5), date(2026, 2, 6)),
        )
        assert proposal.finish == date(2026, 2, 9)
        assert not proposal.people[0].overloaded_days


def test_generated_spring_festival_plans_pass_the_independent_checker() -> None:
    size = Size(tasks=10, people=3, time_limit_s=2, workers=2)
    for seed in (1, 2):
        scenario = generate(seed, size)
        for variant in ("neither", "both"):
            problem, working = problem_for(scenario, variant, size)
            solved(problem, working_day=working)
