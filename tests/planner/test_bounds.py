from __future__ import annotations

import random

from services.planner import solver
from services.planner.bounds import makespan_floor
from services.planner.model import (
    AxisActivity,
    AxisMode,
    AxisProblem,
    AxisResource,
    Objective,
    SolveStatus,
    Weights,
)
from tests.planner.axis_check import violations
from tests.planner.test_improve import MAKESPAN, people_problem


def multi_skill(seed: int, *, n: int = 60, people: int = 6) -> AxisProblem:
    """Independent tasks, each for any of two or three qualified people: the plan's length
    is set by how the work is shared out, which CP-SAT's per-person bound does not see."""
    rng = random.Random(seed)
    activities = []
    for _ in range(n):
        duration = rng.randint(2, 12)
        qualified = sorted(rng.sample(range(people), rng.randint(2, 3)))
        modes = tuple(AxisMode(duration, ((p, 1),), person=p) for p in qualified)
        activities.append(AxisActivity(modes=modes))
    return AxisProblem(
        activities=tuple(activities),
        resources=tuple(AxisResource(capacity=1, is_person=True) for _ in range(people)),
        links=(),
        weights=MAKESPAN,
    )


def test_floor_counts_the_groups_work_and_its_time_off() -> None:
    either = (AxisMode(10, ((0, 1),), person=0), AxisMode(10, ((1, 1),), person=1))
    only_first = (AxisMode(4, ((0, 1),), person=0),)
    problem = AxisProblem(
        activities=(*(AxisActivity(modes=either) for _ in range(4)), AxisActivity(only_first)),
        resources=(
            AxisResource(capacity=1, blocked=((0, 5, 1),), is_person=True),
            AxisResource(capacity=1, is_person=True),
        ),
        links=(),
        weights=MAKESPAN,
    )
    # 44 days of work for two people, one of them away for the first five: 2T - 5 >= 44.
    assert makespan_floor(problem) == 25
    # The group of one: person 0's own 4 days after their 5 days off.
    alone = AxisProblem(
        activities=(AxisActivity(only_first),),
        resources=problem.resources,
        links=(),
        weights=MAKESPAN,
    )
    assert makespan_floor(alone) == 9


def test_floor_is_never_above_a_proven_optimum() -> None:
    for seed in range(4):
        problem = people_problem(seed, n=14)
        result = solver.solve_axis(problem, time_limit_s=5.0, num_workers=2)
        assert result.schedule is not None
        assert violations(problem, result.schedule) == []
        assert result.status is SolveStatus.OPTIMAL
        assert makespan_floor(problem) <= result.schedule.makespan(problem)


def test_shared_out_work_is_proven_optimal_without_running_out_the_limit() -> None:
    problem = multi_skill(3)
    result = solver.solve_axis(problem, time_limit_s=6.0, num_workers=2)
    assert result.schedule is not None
    assert violations(problem, result.schedule) == []
    assert result.status is SolveStatus.OPTIMAL
    assert result.best_bound == result.schedule.makespan(problem) == makespan_floor(problem)
    assert result.wall_time_s < 3.0


def test_a_makespan_stage_is_proven_at_the_shared_work_limit() -> None:
    problem = multi_skill(3)
    default = AxisProblem(
        activities=problem.activities,
        resources=problem.resources,
        links=(),
        weights=Weights(),
    )
    result = solver.solve_axis_staged(
        default,
        stages=(Objective.MAKESPAN, Objective.BALANCE),
        time_limit_s=6.0,
        num_workers=2,
    )
    assert result.schedule is not None
    assert violations(default, result.schedule) == []
    makespan = result.stages[0]
    assert makespan.status is SolveStatus.OPTIMAL
    assert makespan.value == makespan.best_bound == makespan_floor(default)
