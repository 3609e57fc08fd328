"""Spring Festival plans: splitting around days off and 调休 make-up days, against neither.

    python -m bench.planner_calendar --quick
    python -m bench.planner_calendar --seeds 8 --time-limit 10

Each seed generates a project that starts a few weeks before China's 2026 Spring Festival
(2-15 to 2-23 off, Saturdays 2-14 and 2-28 worked): a team on day and short shifts with
skills, personal days off (single days, and leave taken around the festival) and a layered
network of tasks. It is planned four ways by `services.planner.solver.solve`: with neither
feature (no task splittable, make-up Saturdays not worked), 调休 only, splitting only, and
both; the finish of "both" is compared with "neither". Every proposal is re-verified by
`bench/plan_check.py` against the raw calendar (`services/common/workcal.py`); the share it
accepts must be 1.0. Prints JSON.

The generator builds a `Scenario` in steps (team, days off, tasks, links); another kind of
resource (crews of people assigned together) is one more step that adds to the problem.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planops.core.v1 import project_pb2

from bench.plan_check import check_proposal
from services.common.workcal import WorkingCalendar
from services.planner import solver
from services.planner.model import (
    Dependency,
    Period,
    Person,
    Problem,
    ProjectCalendar,
    SkillRequirement,
    SolveStatus,
    Task,
)
from services.planner.snapshot import project_calendar

FESTIVAL = (date(2026, 2, 15), date(2026, 2, 23))
SKILLS = ("design", "copy", "dev", "qa", "ops")
SHIFTS = (8.0, 8.0, 8.0, 6.0)
"""Hours a day: most people on the day shift, some on a short one."""
VARIANTS = ("neither", "tiaoxiu", "split", "both")


@dataclass(frozen=True)
class Scenario:
    seed: int
    start: date
    people: tuple[Person, ...]
    tasks: tuple[Task, ...]
    dependencies: tuple[Dependency, ...]


@dataclass(frozen=True)
class Size:
    tasks: int
    people: int
    time_limit_s: float
    workers: int


def _team(rng: random.Random, size: Size) -> list[Person]:
    people = []
    for k in range(size.people):
        skills = rng.sample(SKILLS, 2)
        hours = rng.choice(SHIFTS)
        people.append(
            Person(
                id=f"people/p{k}",
                name=f"Person {k}",
                skills={s: rng.randint(1, 3) for s in skills},
                hours_per_day=hours,
                weekly_capacity_hours=hours * 5,
            )
        )
    # Every skill has somebody, so every task can be planned.
    for s, skill in enumerate(SKILLS):
        holder = people[s % len(people)]
        people[s % len(people)] = replace(holder, skills={**holder.skills, skill: 3})
    return people


def _days_off(rng: random.Random, people: list[Person], *, start: date) -> list[Person]:
    """Single days off over the first ten weeks, and for some, leave around the festival."""
    out = []
    for person in people:
        off = [
            Period(d, d)
            for d in (start + timedelta(days=rng.randint(0, 70)) for _ in range(rng.randint(1, 4)))
        ]
        if rng.random() < 0.5:
            # Leave taken before or after the holiday, to make a longer trip home.
            if rng.random() < 0.5:
                first = FESTIVAL[0] - timedelta(days=rng.randint(2, 4))
                off.append(Period(first, FESTIVAL[0] - timedelta(days=1)))
            else:
                last = FESTIVAL[1] + timedelta(days=rng.randint(1, 3))
                off.append(Period(FESTIVAL[1] + timedelta(days=1), last))
        out.append(replace(person, time_off=tuple(off)))
    return out


def _tasks(rng: random.Random, size: Size) -> list[Task]:
    return [
        Task(
            id=str(k + 1),
            name=f"Task {k + 1}",
            duration_hours=float(rng.choice((8, 12, 16, 24, 24, 32, 40))),
            required_skills=(SkillRequirement(rng.choice(SKILLS), rng.randint(1, 2)),),
        )
        for k in range(size.tasks)
    ]


def _links(rng: random.Random, tasks: list[Task]) -> list[Dependency]:
    """A layered network: each task after one or two of the tasks a layer before it."""
    layer = max(2, len(tasks) // 5)
    links = []
    for k in range(layer, len(tasks)):
        band = range(max(0, (k // layer - 1) * layer), (k // layer) * layer)
        for p in rng.sample(list(band), min(len(band), rng.randint(1, 2))):
            links.append(Dependency(tasks[p].id, tasks[k].id))
    return links


def generate(seed: int, size: Size) -> Scenario:
    rng = random.Random(seed)
    start = date(2026, 1, 19) + timedelta(days=rng.randint(0, 14))
    people = _days_off(rng, _team(rng, size), start=start)
    tasks = _tasks(rng, size)
    return Scenario(
        seed=seed,
        start=start,
        people=tuple(people),
        tasks=tuple(tasks),
        dependencies=tuple(_links(rng, tasks)),
    )


def _calendars(start: date, *, tiaoxiu: bool) -> tuple[ProjectCalendar, Callable[[date], bool]]:
    """The planner's calendar, as the snapshot makes it from core's, and the raw one."""
    raw = WorkingCalendar(holiday_country="CN")
    calendar, _ = project_calendar(
        project_pb2.Calendar(working_days=[1, 2, 3, 4, 5], holiday_country="CN"), start=start
    )
    if tiaoxiu:
        return calendar, raw.is_working_day
    # Without 调休 the make-up Saturdays stay days off; the holidays do not move.
    return replace(calendar, extra_working_days=frozenset()), (
        lambda d: d.isoweekday() <= 5 and raw.is_working_day(d)
    )


def problem_for(
    scenario: Scenario, variant: str, size: Size
) -> tuple[Problem, Callable[[date], bool]]:
    calendar, working = _calendars(scenario.start, tiaoxiu=variant in ("tiaoxiu", "both"))
    splittable = variant in ("split", "both")
    problem = Problem(
        project_start=scenario.start,
        tasks=tuple(replace(t, splittable=splittable) for t in scenario.tasks),
        people=scenario.people,
        dependencies=scenario.dependencies,
        calendar=calendar,
        time_limit_s=size.time_limit_s,
        num_workers=size.workers,
        seed=scenario.seed,
    )
    return problem, working


def run(*, seeds: int, size: Size, first_seed: int = 1) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for seed in range(first_seed, first_seed + seeds):
        scenario = generate(seed, size)
        row: dict[str, Any] = {"seed": seed, "start": scenario.start.isoformat()}
        for variant in VARIANTS:
            problem, working = problem_for(scenario, variant, size)
            started = time.monotonic()
            proposal = solver.solve(problem)
            ok = proposal.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
            errors = check_proposal(problem, proposal, working_day=working) if ok else ["no plan"]
            finish = proposal.finish
            row[variant] = {
                "finish": finish.isoformat() if finish else None,
                "calendar_days": (finish - scenario.start).days + 1 if finish else None,
                "status": proposal.status.value,
                # Split around the person's days off, and paused over the festival (any task).
                "split_tasks": sum(1 for p in proposal.tasks if "Split around" in p.reason.text),
                "over_holiday": sum(1 for p in proposal.tasks if "Pauses over" in p.reason.text),
                "accepted_by_checker": not errors,
                "errors": errors[:3],
                "seconds": round(time.monotonic() - started, 2),
            }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return _summary(rows, size=size)


def _summary(rows: list[dict[str, Any]], *, size: Size) -> dict[str, Any]:
    def days(variant: str) -> list[int]:
        return [r[variant]["calendar_days"] for r in rows if r[variant]["calendar_days"]]

    saved = [
        r["neither"]["calendar_days"] - r["both"]["calendar_days"]
        for r in rows
        if r["neither"]["calendar_days"] and r["both"]["calendar_days"]
    ]
    checked = [r[v]["accepted_by_checker"] for r in rows for v in VARIANTS]
    return {
        "seeds": len(rows),
        "tasks": size.tasks,
        "people": size.people,
        "time_limit_s": size.time_limit_s,
        "workers": size.workers,
        "mean_finish_calendar_days": {v: round(statistics.fmean(days(v)), 2) for v in VARIANTS},
        "both_vs_neither": {
            "mean_days_earlier": round(statistics.fmean(saved), 2),
            "median_days_earlier": statistics.median(saved),
            "share_earlier": round(sum(1 for s in saved if s > 0) / len(saved), 3),
            "share_later": round(sum(1 for s in saved if s < 0) / len(saved), 3),
        },
        "mean_split_tasks_with_splitting": round(
            statistics.fmean(r["both"]["split_tasks"] for r in rows), 2
        ),
        "checker_accepted_share": round(sum(checked) / len(checked), 3),
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds of 12 tasks, 3 s each")
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--people", type=int, default=6)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows", action="store_true", help="include per-seed rows")
    args = parser.parse_args()
    if args.quick:
        size, seeds = Size(tasks=12, people=4, time_limit_s=3.0, workers=args.workers), 2
    else:
        size = Size(
            tasks=args.tasks,
            people=args.people,
            time_limit_s=args.time_limit,
            workers=args.workers,
        )
        seeds = args.seeds
    summary = run(seeds=seeds, size=size)
    if not args.rows:
        summary.pop("rows")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
