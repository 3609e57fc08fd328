"""Work already in progress keeps its dates: links into it no longer constrain the plan."""

from __future__ import annotations

from services.planner.model import Dependency, DependencyType, without_links_into_started_work


def test_links_into_started_tasks_are_moot_and_the_rest_are_kept() -> None:
    into_started = Dependency("1", "2")
    out_of_started = Dependency("2", "3")
    between_open = Dependency("3", "4", DependencyType.SS, lag_days=1)
    kept, moot = without_links_into_started_work(
        [into_started, out_of_started, between_open], started={"2"}
    )
    assert kept == (out_of_started, between_open)
    assert moot == (into_started,)


def test_nothing_started_keeps_every_link() -> None:
    links = [Dependency("1", "2"), Dependency("2", "3")]
    assert without_links_into_started_work(links, started=set()) == (tuple(links), ())


def test_two_started_tasks_that_overload_their_person_still_plan() -> None:
    from dataclasses import replace

    from services.planner.model import PlannedSlot, SolveStatus
    from services.planner.solver import solve
    from tests.planner.scenarios import MONDAY, team_project, with_current

    base = team_project()
    first, second = base.tasks[0].id, base.tasks[1].id
    problem = with_current(
        base,
        {first: PlannedSlot(MONDAY, MONDAY, "dee"), second: PlannedSlot(MONDAY, MONDAY, "dee")},
        pinned={first, second},
    )
    locked_only = solve(problem)
    started = replace(
        problem,
        tasks=tuple(replace(t, started=t.pinned) for t in problem.tasks),
    )
    assert locked_only.status is SolveStatus.INFEASIBLE  # locked: a conflict to explain
    assert solve(started).status in {SolveStatus.OPTIMAL, SolveStatus.FEASIBLE}  # facts
