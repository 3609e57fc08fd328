from __future__ import annotations

import random
import time
from dataclasses import replace
from typing import Any

import pytest

from services.planner import improve, solver
from services.planner.greedy import list_schedule
from services.planner.model import (
    AxisActivity,
    AxisCrew,
    AxisLink,
    AxisMode,
    AxisProblem,
    AxisResource,
    DependencyType,
    SolveStatus,
    Weights,
)
from tests.planner.axis_check import violations
from tests.planner.checker import check
from tests.planner.scenarios import data_dir

MAKESPAN = Weights(lateness=0, deadline=0, makespan=1, changes=0, balance=0)


def pools_problem(seed: int, *, n: int = 40) -> AxisProblem:
    """An RCPSP: jobs on three pools, layered precedences of all four types."""
    rng = random.Random(seed)
    activities = []
    for _ in range(n):
        demands = tuple((r, rng.randint(1, 3)) for r in range(3) if rng.random() < 0.6)
        activities.append(AxisActivity(modes=(AxisMode(rng.randint(1, 8), demands),)))
    links = []
    for b in range(5, n):
        for p in rng.sample(range(b), 2):
            kind = rng.choice([DependencyType.FS] * 5 + list(DependencyType))
            links.append(AxisLink(p, b, kind, rng.randint(0, 2)))
    return AxisProblem(
        activities=tuple(activities),
        resources=tuple(AxisResource(capacity=4) for _ in range(3)),
        links=tuple(links),
        weights=MAKESPAN,
    )


def people_problem(seed: int, *, n: int = 36, people: int = 5) -> AxisProblem:
    """Multi-skill: each task to one of its qualified people (modes), with time off, a
    staff pool's days off and a pinned task."""
    rng = random.Random(seed)
    activities = []
    for a in range(n):
        qualified = rng.sample(range(people), rng.randint(1, 3))
        modes = tuple(AxisMode(rng.randint(1, 6) + (p % 2), ((p, 1),), person=p) for p in qualified)
        closed = ((10, 12),) if a % 9 == 4 else ()
        fixed = 0 if a == 0 else None
        activities.append(
            AxisActivity(modes=modes, closed=closed, fixed_start=fixed, release=a % 3)
        )
    links = tuple(
        AxisLink(p, b, DependencyType.FS, 0)
        for b in range(6, n)
        for p in rng.sample(range(1, b), 1)
    )
    resources = tuple(
        AxisResource(capacity=1, blocked=((5 + 3 * p, 7 + 3 * p, 1),), is_person=True)
        for p in range(people)
    )
    return AxisProblem(
        activities=tuple(activities), resources=resources, links=links, weights=MAKESPAN
    )


@pytest.mark.parametrize("build", [pools_problem, people_problem])
def test_search_returns_valid_plans_never_longer_than_the_incumbent(build: Any) -> None:
    shorter = 0
    for seed in range(3):
        problem = build(seed)
        incumbent = list_schedule(problem, rule="tool")
        assert violations(problem, incumbent) == []
        outcome = improve.search(
            problem,
            incumbent=incumbent,
            lower_bound=None,
            deadline=time.monotonic() + 1.0,
            num_workers=2,
            seed=seed,
        )
        assert violations(problem, outcome.schedule) == []
        assert outcome.schedule.makespan(problem) <= incumbent.makespan(problem)
        assert outcome.objective == outcome.schedule.makespan(problem)
        shorter += outcome.schedule.makespan(problem) < incumbent.makespan(problem)
    # The project-tool rule leaves room on random networks; the search must find some.
    assert shorter >= 2


def test_search_stops_at_the_lower_bound_and_on_a_stop() -> None:
    problem = pools_problem(7)
    incumbent = list_schedule(problem, rule="lft")
    started = time.monotonic()
    at_bound = improve.search(
        problem,
        incumbent=incumbent,
        lower_bound=float(incumbent.makespan(problem)),
        deadline=started + 30.0,
        num_workers=2,
    )
    stopped = improve.search(
        problem,
        incumbent=incumbent,
        lower_bound=None,
        deadline=started + 30.0,
        num_workers=2,
        stopped=lambda: True,
    )
    assert time.monotonic() - started < 2.0
    assert at_bound.schedule == incumbent and at_bound.neighbourhoods == 0
    assert stopped.schedule == incumbent and stopped.neighbourhoods == 0


def test_search_applies_only_to_plain_makespan_problems() -> None:
    problem = pools_problem(1)
    assert improve.applies(problem)
    due = replace(
        problem,
        weights=Weights(lateness=1, deadline=0, makespan=1, changes=0, balance=0),
        activities=(replace(problem.activities[0], due=3), *problem.activities[1:]),
    )
    assert not improve.applies(due)
    pausing = replace(
        problem,
        activities=(
            replace(problem.activities[0], modes=(AxisMode(3, ((0, 1),), gaps=((1, 2),)),)),
            *problem.activities[1:],
        ),
    )
    assert not improve.applies(pausing)
    crewed = replace(
        problem,
        activities=(
            replace(problem.activities[0], crew=AxisCrew(roles=((1, (0,)),), demands=((0, 1),))),
            *problem.activities[1:],
        ),
    )
    assert not improve.applies(crewed)


def test_solve_hands_over_to_the_search_and_the_plan_passes_the_checker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = data_dir() / "psplib" / "j120" / "j12056_1.sm"
    if not path.exists():
        pytest.skip(f"PSPLIB data not found at {path}; set PLANOPS_DATA_DIR")
    from bench.planner_formats import makespan_days, parse_psplib

    problem = replace(parse_psplib(path).problem, time_limit_s=6, num_workers=2)
    handed: list[int] = []
    real = improve.search

    def spy(axis: AxisProblem, **kwargs: Any) -> improve.Outcome:
        handed.append(kwargs["incumbent"].makespan(axis))
        return real(axis, **kwargs)

    monkeypatch.setattr(improve, "search", spy)
    # From the list scheduler's hint, as before the genetic algorithm: its plans already
    # start the search where 3 s of neighbourhoods rarely find a shorter one.
    monkeypatch.setattr(solver, "_evolved_hint", lambda _, hint, **__: hint)
    proposal = solver.solve(problem)
    assert check(problem, proposal) == []
    assert proposal.status is SolveStatus.FEASIBLE
    # CP-SAT cannot prove this one in seconds, so the search got its plan and improved it.
    assert len(handed) == 1
    makespan = makespan_days(problem, proposal.finish)
    assert makespan is not None and makespan < handed[0]
