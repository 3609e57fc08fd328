"""Staged (lexicographic) objectives: deadline first, then due dates, finish, changes, load."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date

import pytest

from services.planner.model import (
    DEFAULT_STAGES,
    Dependency,
    Objective,
    Person,
    PlannedSlot,
    Problem,
    Proposal,
    SkillRequirement,
    SolveStatus,
    StageResult,
    Task,
)
from services.planner.solver import InvalidProblem, Stop, solve, stage_text
from tests.planner.checker import check, objective_terms
from tests.planner.scenarios import MONDAY, team_project, with_current


def solved(problem: Problem) -> Proposal:
    proposal = solve(problem)
    assert proposal.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE), proposal.diagnosis
    assert check(problem, proposal) == []
    return proposal


def urgent_task_or_deadline() -> Problem:
    """Ana can do the urgent task X (due Friday) or Y first; Y feeds Bo's two-week Z.

    X first: X is on time but the project ends a week after its deadline. Y first: the
    deadline holds and X is a week late. A weighted sum prices a week of a priority-3 task's
    lateness above a week of the deadline; deadline-first does not trade the deadline away.
    """
    ana = Person("ana", "Ana", skills={"a": 1})
    bo = Person("bo", "Bo", skills={"b": 1})
    tasks = (
        Task("x", "Urgent fix", 40, (SkillRequirement("a"),), due=date(2026, 6, 5), priority=3),
        Task("y", "Interface", 40, (SkillRequirement("a"),)),
        Task("z", "Integration", 80, (SkillRequirement("b"),)),
    )
    return Problem(
        project_start=MONDAY,
        tasks=tasks,
        people=(ana, bo),
        dependencies=(Dependency("y", "z"),),
        deadline=date(2026, 6, 19),
        time_limit_s=5,
    )


def stage(proposal: Proposal, objective: Objective) -> int:
    return next(s.value for s in proposal.stages if s.objective is objective)


def test_deadline_first_keeps_the_deadline_a_weighted_sum_gives_up() -> None:
    problem = urgent_task_or_deadline()
    weighted = solved(problem)
    assert weighted.finish is not None and weighted.finish > date(2026, 6, 19)

    staged = solved(replace(problem, stages=DEFAULT_STAGES))

    assert staged.finish == date(2026, 6, 19)
    assert [s.objective for s in staged.stages] == list(DEFAULT_STAGES)
    assert stage(staged, Objective.DEADLINE) == 0
    assert stage(staged, Objective.LATENESS) == 15  # five working days x priority 3
    assert staged.status is SolveStatus.OPTIMAL
    assert all(s.gap == 0 and s.best_bound == s.value for s in staged.stages)
    texts = {s.objective: s.text for s in staged.stages}
    assert texts[Objective.DEADLINE] == "deadline met (proven best)"
    assert texts[Objective.LATENESS] == (
        "5 working days of lateness over 1 task (15 weighted by priority) (proven best)"
    )
    assert texts[Objective.CHANGES] == "no current plan to keep"
    assert texts[Objective.MAKESPAN] == "finishes on 2026-06-19 (proven best)"


def test_each_stage_keeps_what_the_earlier_stages_reached() -> None:
    base = team_project()
    current = {
        "spec": PlannedSlot(date(2026, 6, 1), date(2026, 6, 1), "dee"),
        "api": PlannedSlot(date(2026, 6, 2), date(2026, 6, 8), "dee"),
        "db": PlannedSlot(date(2026, 6, 2), date(2026, 6, 3), "bo"),
        "ui": PlannedSlot(date(2026, 6, 15), date(2026, 6, 17), "cy"),
        "docs": PlannedSlot(date(2026, 6, 1), date(2026, 6, 1), "ana"),
        "test": PlannedSlot(date(2026, 6, 18), date(2026, 6, 19), "cy"),
        "fix": PlannedSlot(date(2026, 6, 22), date(2026, 6, 23), "bo"),
    }
    problem = replace(
        with_current(base, current, pinned=set()),
        deadline=date(2026, 6, 12),
        stages=(Objective.DEADLINE, Objective.LATENESS, Objective.CHANGES, Objective.BALANCE),
    )
    staged = solved(problem)
    values = [s.value for s in staged.stages]
    assert all(s.status is SolveStatus.OPTIMAL for s in staged.stages)

    # Solving only the first k stages proves stage k's best; the full solve keeps every one.
    for k in range(1, len(problem.stages) + 1):
        prefix = solved(replace(problem, stages=problem.stages[:k]))
        assert prefix.stages[k - 1].value == values[k - 1]

    # The plan's own values, re-derived from its dates, are the ones each stage reports.
    terms = objective_terms(problem, staged)
    assert values == [terms[o.value] for o in problem.stages]

    # The weighted sum's plan is not better in the staged order.
    weighted = objective_terms(problem, solved(replace(problem, stages=())))
    assert values <= [weighted[o.value] for o in problem.stages]


def test_a_stop_during_a_staged_solve_ends_every_stage() -> None:
    """A dropped call must not leave later stages to run out their share of the limit."""
    from bench.planner_scale import generate, with_current_plan

    problem = replace(with_current_plan(generate(100, 20)), stages=DEFAULT_STAGES, time_limit_s=300)
    stop = Stop()
    started = time.monotonic()
    proposal = solve(problem, progress=lambda _: stop.set(), stop=stop)
    assert time.monotonic() - started < 30
    assert check(problem, proposal) == []
    # The stages it never searched say so.
    assert proposal.stages[-1].best_bound is None
    assert proposal.stages[-1].text.endswith("(unproven: no bound within the time given)")


def test_a_stage_without_a_bound_above_zero_does_not_claim_to_be_close() -> None:
    problem = urgent_task_or_deadline()
    balance = StageResult(
        objective=Objective.BALANCE,
        status=SolveStatus.FEASIBLE,
        value=320,
        best_bound=0,
        gap=1.0,
        wall_time_s=13.8,
    )
    assert stage_text(balance, problem=problem, plans=()) == (
        "the busiest person has 320 hours of work (unproven: no bound within the time given)"
    )
    close = replace(balance, best_bound=310, gap=10 / 320)
    assert stage_text(close, problem=problem, plans=()).endswith(
        "(within 4 % of the best possible)"
    )


def test_a_repeated_stage_or_a_tolerance_out_of_range_is_refused_by_name() -> None:
    problem = replace(
        urgent_task_or_deadline(),
        stages=(Objective.CHANGES, Objective.CHANGES),
        stage_tolerance=0.9,
    )
    with pytest.raises(InvalidProblem) as refused:
        solve(problem)
    assert {v.field for v in refused.value.violations} == {"stages", "stage_tolerance"}
