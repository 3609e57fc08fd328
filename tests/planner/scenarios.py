"""Small problems the planner tests share."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

from services.planner.model import (
    BusyPeriod,
    Dependency,
    DependencyType,
    Period,
    Person,
    PlannedSlot,
    Problem,
    ProjectCalendar,
    SkillRequirement,
    Task,
    Weights,
)

MONDAY = date(2026, 6, 1)
EVERY_DAY = ProjectCalendar(working_weekdays=frozenset(range(7)))
MAKESPAN_ONLY = Weights(lateness=0, deadline=0, makespan=1, changes=0, balance=0)


def data_dir() -> Path:
    env = os.environ.get("PLANOPS_DATA_DIR")
    return Path(env) if env else Path(__file__).parents[3] / "shared" / "data"


def job_shop() -> Problem:
    """The 3-job, 3-machine job shop from the OR-Tools guide; optimal makespan 11 days."""
    jobs = [[(0, 3), (1, 2), (2, 2)], [(0, 2), (2, 1), (1, 4)], [(1, 4), (2, 3)]]
    machines = tuple(
        Person(
            id=f"m{m}",
            name=f"machine {m}",
            skills={f"m{m}": 1},
            working_weekdays=frozenset(range(7)),
        )
        for m in range(3)
    )
    tasks: list[Task] = []
    dependencies: list[Dependency] = []
    for j, job in enumerate(jobs):
        for k, (machine, days) in enumerate(job):
            tasks.append(
                Task(
                    id=f"j{j}o{k}",
                    name=f"job {j} op {k}",
                    duration_hours=8.0 * days,
                    required_skills=(SkillRequirement(f"m{machine}"),),
                )
            )
            if k:
                dependencies.append(Dependency(f"j{j}o{k - 1}", f"j{j}o{k}"))
    return Problem(
        project_start=MONDAY,
        tasks=tuple(tasks),
        people=machines,
        dependencies=tuple(dependencies),
        calendar=EVERY_DAY,
        weights=MAKESPAN_ONLY,
        time_limit_s=5,
    )


def team_project() -> Problem:
    """A release with skills, levels, part-timers, time off, other-project load and all four
    dependency types; Monday to Friday with one project holiday."""
    people = (
        Person("ana", "Ana", skills={"backend": 4, "review": 3}),
        Person(
            "bo", "Bo", skills={"backend": 2, "frontend": 4}, working_weekdays=frozenset(range(4))
        ),
        Person(
            "cy",
            "Cy",
            skills={"frontend": 3, "qa": 3},
            time_off=(Period(date(2026, 6, 8), date(2026, 6, 10)),),
        ),
        Person(
            "dee",
            "Dee",
            skills={"qa": 4, "review": 2, "backend": 3},
            busy=(BusyPeriod(date(2026, 6, 1), date(2026, 6, 12), 4.0),),
            holidays=(date(2026, 6, 3),),
        ),
        Person("eli", "Eli", skills={"welding": 2}, hours_per_day=6.0),
    )
    req = SkillRequirement
    tasks = (
        Task("spec", "Write spec", 8, (req("review", 2),), priority=3),
        Task("api", "Build API", 32, (req("backend", 3),), due=date(2026, 6, 12), priority=5),
        Task("db", "Migrate DB", 16, (req("backend", 2),)),
        Task("ui", "Build UI", 24, (req("frontend", 3),)),
        Task("docs", "Docs", 6, (req("review", 1),)),
        Task("test", "Test", 16, (req("qa", 3),), due=date(2026, 6, 19)),
        Task("fix", "Fix bugs", 12, (req("backend", 2),)),
        Task("ship", "Ship", 0, staffed=False),
        Task("weld", "Weld sign", 10, (req("welding", 2),)),
    )
    dependencies = (
        Dependency("spec", "api"),
        Dependency("spec", "db", DependencyType.SS, 1),
        Dependency("api", "ui", DependencyType.SS, 2),
        Dependency("ui", "test", DependencyType.FF, 1),
        Dependency("api", "test"),
        Dependency("test", "fix", DependencyType.SS, 1),
        Dependency("fix", "ship"),
        Dependency("test", "ship"),
        Dependency("docs", "ship", DependencyType.SF, 0),
        Dependency("db", "fix", lag_days=-1),
    )
    return Problem(
        project_start=MONDAY,
        tasks=tasks,
        people=people,
        dependencies=dependencies,
        calendar=ProjectCalendar(holidays=frozenset({date(2026, 6, 5)})),
        deadline=date(2026, 6, 26),
        time_limit_s=5,
    )


def with_current(problem: Problem, plans: dict[str, PlannedSlot], *, pinned: set[str]) -> Problem:
    """`problem` with a current plan and some of its tasks pinned."""
    tasks = tuple(replace(t, current=plans.get(t.id), pinned=t.id in pinned) for t in problem.tasks)
    return replace(problem, tasks=tasks)
