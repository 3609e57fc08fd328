from __future__ import annotations

import random
import time
from dataclasses import replace
from typing import Any

import pytest

from services.planner import genetic, improve, solver
from services.planner.greedy import list_schedule
from services.planner.model import (
    AxisActivity,
    AxisCrew,
    AxisLink,
    AxisMode,
    AxisProblem,
    AxisResource,
    AxisSchedule,
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


def _shifted(schedule: AxisSchedule, days: int) -> AxisSchedule:
    return AxisSchedule(starts=tuple(s + days for s in schedule.starts), modes=schedule.modes)


def test_a_stalled_search_hands_its_incumbent_to_restart_and_keeps_only_no_worse_plans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = pools_problem(3)
    incumbent = list_schedule(problem, rule="tool")
    # Every plan shifted later is valid (no releases or blocked days) and longer.
    later = _shifted(incumbent, 5)
    assert violations(problem, later) == []
    monkeypatch.setattr(improve, "STALL", 0)
    given: list[AxisSchedule] = []

    def longer(schedule: AxisSchedule) -> AxisSchedule:
        given.append(schedule)
        return _shifted(schedule, 5)

    outcome = improve.search(
        problem,
        incumbent=incumbent,
        lower_bound=None,
        deadline=time.monotonic() + 0.5,
        num_workers=2,
        restart=longer,
    )
    assert given and given[0] == incumbent
    assert outcome.schedule.makespan(problem) <= incumbent.makespan(problem)
    assert violations(problem, outcome.schedule) == []

    evolved = genetic.evolve(
        problem, time_budget_s=30.0, max_schedules=20_000, initial=(incumbent,)
    )
    assert evolved is not None and violations(problem, evolved) == []
    shorter = evolved
    assert shorter.makespan(problem) < incumbent.makespan(problem)
    improved: list[float] = []
    outcome = improve.search(
        problem,
        incumbent=incumbent,
        lower_bound=float(shorter.makespan(problem)),
        deadline=time.monotonic() + 5.0,
        num_workers=2,
        restart=lambda _: shorter,
        on_improve=lambda _, value: improved.append(value),
    )
    # The restart is asked first (no stall needed) and its plan, at the bound given, ends
    # the search.
    assert outcome.schedule == shorter and outcome.neighbourhoods == 0
    assert outcome.improvements == 1 and improved == [shorter.makespan(problem)]


def test_the_genetic_restart_starts_from_the_incumbent_and_returns_valid_plans() -> None:
    problem = pools_problem(5, n=60)
    incumbent = list_schedule(problem, rule="tool")
    restart = solver._genetic_restart(
        problem,
        time_limit_s=2.0,
        deadline=time.monotonic() + 30.0,
        num_workers=2,
        seed=0,
        stop=None,
    )
    assert restart is not None
    found = restart(incumbent)
    assert found is not None and violations(problem, found) == []
    assert found.makespan(problem) <= incumbent.makespan(problem)
    # Past its deadline it does nothing.
    late = solver._genetic_restart(
        problem, time_limit_s=2.0, deadline=time.monotonic(), num_workers=2, seed=0, stop=None
    )
    assert late is not None and late(incumbent) is None


def test_the_genetic_restart_applies_only_where_the_genetic_algorithm_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def restart(problem: AxisProblem) -> object:
        return solver._genetic_restart(
            problem, time_limit_s=2.0, deadline=time.monotonic() + 2.0, num_workers=2, seed=0,
            stop=None,
        )  # fmt: skip

    problem = pools_problem(1)
    assert restart(problem) is not None
    crewed = replace(
        problem,
        activities=(
            replace(problem.activities[0], crew=AxisCrew(roles=((1, (0,)),), demands=((0, 1),))),
            *problem.activities[1:],
        ),
    )
    assert restart(crewed) is None
    monkeypatch.setattr(solver, "GENETIC_RESTART_SHARE", 0.0)
    assert restart(problem) is None


def test_solve_gives_the_search_the_genetic_restart(monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_dir() / "psplib" / "j120" / "j12056_1.sm"
    if not path.exists():
        pytest.skip(f"PSPLIB data not found at {path}; set PLANOPS_DATA_DIR")
    from bench.planner_formats import parse_psplib

    problem = replace(parse_psplib(path).problem, time_limit_s=improve.MIN_LIMIT_S, num_workers=2)
    restarts: list[object] = []

    def spy(axis: AxisProblem, **kwargs: Any) -> improve.Outcome:
        restarts.append(kwargs.get("restart"))
        incumbent = kwargs["incumbent"]
        return improve.Outcome(
            schedule=incumbent,
            objective=solver.objective_value(axis, incumbent),
            neighbourhoods=0,
            improvements=0,
        )

    monkeypatch.setattr(improve, "search", spy)
    monkeypatch.setattr(solver, "_evolved_hint", lambda _, hint, **__: hint)
    proposal = solver.solve(problem)
    assert check(problem, proposal) == []
    assert len(restarts) == 1 and callable(restarts[0])
