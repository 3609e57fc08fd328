from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from services.planner.genetic import applies, evolve, search, warm_up
from services.planner.model import (
    AxisActivity,
    AxisCrew,
    AxisLink,
    AxisMode,
    AxisProblem,
    AxisResource,
    AxisSchedule,
    DependencyType,
    Weights,
)
from tests.planner.axis_check import violations

MAKESPAN = Weights(lateness=0, deadline=0, makespan=1, changes=0, balance=0)


def random_problem(rng: random.Random) -> AxisProblem:
    n_resources = rng.randint(1, 3)
    resources = []
    for _ in range(n_resources):
        capacity = rng.randint(1, 4)
        blocked = []
        for _ in range(rng.randint(0, 3)):
            s = rng.randint(0, 15)
            blocked.append((s, s + rng.randint(1, 4), rng.randint(1, capacity)))
        resources.append(AxisResource(capacity=capacity, blocked=tuple(blocked)))
    activities = []
    n = rng.randint(5, 14)
    for _ in range(n):
        modes = []
        for _ in range(rng.randint(1, 3)):
            demands = tuple(
                (r, rng.randint(1, resources[r].capacity))
                for r in range(n_resources)
                if rng.random() < 0.6
            )
            modes.append(AxisMode(duration=rng.randint(0, 5), demands=demands))
        release = rng.randint(0, 6) if rng.random() < 0.3 else 0
        activities.append(AxisActivity(modes=tuple(modes), release=release))
    links = []
    for b in range(1, n):
        for a in rng.sample(range(b), min(b, rng.randint(0, 2))):
            links.append(AxisLink(a, b, rng.choice(list(DependencyType)), rng.randint(-2, 3)))
    return AxisProblem(
        activities=tuple(activities),
        resources=tuple(resources),
        links=tuple(links),
        weights=MAKESPAN,
    )


@pytest.fixture(scope="module", autouse=True)
def compiled() -> None:
    warm_up()


@pytest.mark.parametrize("seed", range(40))
def test_every_schedule_is_valid(seed: int) -> None:
    problem = random_problem(random.Random(seed))
    assert applies(problem)
    schedule = evolve(problem, time_budget_s=60.0, seed=seed, max_schedules=3000)
    assert schedule is not None
    assert violations(problem, schedule) == []


def test_same_seed_same_schedule() -> None:
    problem = random_problem(random.Random(7))
    first = search(problem, time_budget_s=60.0, seed=3, max_schedules=5000)
    second = search(problem, time_budget_s=60.0, seed=3, max_schedules=5000)
    assert first == second


def brute_force(problem: AxisProblem, *, horizon: int) -> tuple[int, AxisSchedule]:
    """The shortest makespan over every start and mode up to `horizon`."""
    best: tuple[int, AxisSchedule] | None = None
    choices = [
        [(s, m) for m in range(len(a.modes)) for s in range(horizon)] for a in problem.activities
    ]
    for combination in itertools.product(*choices):
        schedule = AxisSchedule(
            starts=tuple(s for s, _ in combination), modes=tuple(m for _, m in combination)
        )
        ends = [s + problem.activities[a].modes[m].duration for a, (s, m) in enumerate(combination)]
        if max(ends) > horizon or (best is not None and max(ends) >= best[0]):
            continue
        if not violations(problem, schedule):
            best = (max(ends), schedule)
    assert best is not None
    return best


def tricky() -> AxisProblem:
    """Five activities on one resource of 2 with a blocked day; the list scheduler's
    latest-finish order is not optimal."""
    return AxisProblem(
        activities=(
            AxisActivity(modes=(AxisMode(2, ((0, 1),)),)),
            AxisActivity(modes=(AxisMode(3, ((0, 2),)), AxisMode(5, ((0, 1),)))),
            AxisActivity(modes=(AxisMode(2, ((0, 1),)),)),
            AxisActivity(modes=(AxisMode(1, ((0, 2),)),), release=1),
            AxisActivity(modes=(AxisMode(2, ((0, 1),)),)),
        ),
        resources=(AxisResource(capacity=2, blocked=((2, 3, 1),)),),
        links=(
            AxisLink(0, 2, DependencyType.FS, 0),
            AxisLink(1, 4, DependencyType.SS, 1),
            AxisLink(3, 4, DependencyType.FF, 1),
        ),
        weights=MAKESPAN,
    )


def test_reaches_the_brute_force_optimum() -> None:
    problem = tricky()
    optimum, _ = brute_force(problem, horizon=9)
    schedule = evolve(problem, time_budget_s=60.0, max_schedules=2000)
    assert schedule is not None
    assert violations(problem, schedule) == []
    assert schedule.makespan(problem) == optimum


def test_never_worse_than_the_initial_schedule() -> None:
    problem = tricky()
    optimum, best = brute_force(problem, horizon=9)
    schedule = evolve(problem, time_budget_s=60.0, max_schedules=1, initial=(best,))
    assert schedule is not None
    assert schedule.makespan(problem) <= optimum
    for seed in range(5):
        other = random_problem(random.Random(100 + seed))
        given = evolve(other, time_budget_s=60.0, seed=seed, max_schedules=200)
        assert given is not None
        again = evolve(other, time_budget_s=60.0, seed=seed + 1, max_schedules=1, initial=(given,))
        assert again is not None
        assert again.makespan(other) <= given.makespan(other)


def test_nothing_past_the_horizon() -> None:
    problem = replace(tricky(), horizon=3)
    assert evolve(problem, time_budget_s=60.0, max_schedules=500) is None


def test_stops_when_asked() -> None:
    problem = random_problem(random.Random(3))
    outcome = search(problem, time_budget_s=60.0, stopped=lambda: True)
    assert outcome.generations == 0
    assert outcome.schedule is not None


def test_excluded_shapes() -> None:
    base = tricky()
    assert applies(base)
    one = base.activities[0]
    shapes = [
        replace(
            base,
            activities=(replace(one, due=1), *base.activities[1:]),
            weights=Weights(),
        ),
        replace(base, activities=(replace(one, fixed_start=0), *base.activities[1:])),
        replace(base, activities=(replace(one, closed=((0, 1),)), *base.activities[1:])),
        replace(
            base,
            activities=(
                replace(one, crew=AxisCrew(roles=((1, (0,)),), demands=((0, 1),))),
                *base.activities[1:],
            ),
        ),
        replace(
            base,
            activities=(
                replace(one, modes=(AxisMode(2, ((0, 1),), gaps=((1, 2),)),)),
                *base.activities[1:],
            ),
        ),
        replace(base, links=(*base.links, AxisLink(4, 1, DependencyType.FS, 0))),
        replace(
            base,
            activities=(replace(one, modes=(AxisMode(2, ((0, 3),)),)), *base.activities[1:]),
        ),
    ]
    for shape in shapes:
        assert not applies(shape)
        assert evolve(shape, time_budget_s=1.0) is None
    late = replace(base, activities=(replace(one, due=1), *base.activities[1:]))
    assert applies(late)
    assert not applies(replace(late, weights=replace(MAKESPAN, lateness=1)))
