from __future__ import annotations

import pytest

from services.planner.greedy import (
    PRIORITY_RULES,
    improved_schedule,
    justify,
    list_schedule,
    topological_order,
)
from services.planner.model import (
    AxisActivity,
    AxisLink,
    AxisMode,
    AxisProblem,
    AxisResource,
    AxisSchedule,
    DependencyType,
)
from services.planner.solver import compile_problem
from tests.planner.scenarios import team_project


def small() -> AxisProblem:
    """Four jobs on a pool of 2 and a capacity-1 person with a blocked day 2."""
    pool = ((0, 1),)
    return AxisProblem(
        activities=(
            AxisActivity(modes=(AxisMode(3, pool),)),
            AxisActivity(modes=(AxisMode(2, ((0, 2),)),)),
            AxisActivity(modes=(AxisMode(2, ((1, 1),), person=0), AxisMode(4, pool))),
            AxisActivity(modes=(AxisMode(1, pool),)),
        ),
        resources=(
            AxisResource(capacity=2),
            AxisResource(capacity=1, blocked=((2, 3, 1),), is_person=True),
        ),
        links=(AxisLink(0, 3, DependencyType.FS, 0), AxisLink(1, 2, DependencyType.SS, 1)),
    )


def valid(problem: AxisProblem, schedule: AxisSchedule) -> bool:
    usage: dict[tuple[int, int], int] = {}
    for r, resource in enumerate(problem.resources):
        for start, end, amount in resource.blocked:
            for t in range(start, end):
                usage[(r, t)] = usage.get((r, t), 0) + amount
    for a in range(len(problem.activities)):
        mode = problem.activities[a].modes[schedule.modes[a]]
        for r, amount in mode.demands:
            for t in range(schedule.starts[a], schedule.starts[a] + mode.duration):
                usage[(r, t)] = usage.get((r, t), 0) + amount
    if any(v > problem.resources[r].capacity for (r, _), v in usage.items()):
        return False
    for link in problem.links:
        p, s = link.predecessor, link.successor
        left = schedule.end(problem, s) if link.type.value[1] == "F" else schedule.starts[s]
        right = schedule.end(problem, p) if link.type.value[0] == "F" else schedule.starts[p]
        if left < right + link.lag:
            return False
    return True


@pytest.mark.parametrize("rule", PRIORITY_RULES)
def test_every_rule_gives_a_valid_schedule(rule: str) -> None:
    problem = small()
    schedule = list_schedule(problem, rule=rule)
    assert valid(problem, schedule)
    assert valid(problem, justify(problem, schedule))
    assert justify(problem, schedule).makespan(problem) <= schedule.makespan(problem)


def test_improved_schedule_is_valid_on_a_compiled_project() -> None:
    problem = compile_problem(team_project()).problem
    schedule = improved_schedule(problem, time_budget_s=0.2)
    assert valid(problem, schedule)
    assert schedule.makespan(problem) <= list_schedule(problem).makespan(problem)


def test_tool_rule_picks_the_earliest_least_loaded_person() -> None:
    problem = small()
    schedule = list_schedule(problem, rule="tool")
    # Job 2 can start at 1 (SS+1 after job 1); the person is blocked on day 2, the pool is
    # full until job 1 ends at 2, so the person at 3 finishes at 5, the pool at 2 at 6.
    assert schedule.modes[2] == 0


def test_topological_order_detects_cycles() -> None:
    assert topological_order(3, [(0, 1), (1, 2)]) is not None
    assert topological_order(3, [(0, 1), (1, 2), (2, 0)]) is None
