"""Spring Festival plans: splitting around days off and 调休 make-up days, against neither.

    python -m bench.planner_calendar --quick
    python -m bench.planner_calendar --seeds 8 --time-limit 10

Each seed generates a project that starts a few weeks before China's 2026 Spring Festival
(2-15 to 2-23 off, Saturdays 2-14 and 2-28 worked): a team on day and short shifts with
skills, personal days off (single days, and leave taken around the festival), a layered
network of tasks, and crews: a share of the tasks needs two or three people at once (all
with the task's skill, some with one member who also has a second skill, some "any two of"
a staff pool). It is planned four ways by `services.planner.solver.solve`: with neither
feature (no task splittable, make-up Saturdays not worked), 调休 only, splitting only (every
one-person task splittable; a crew works one stretch), and both; the finish of "both" is
compared with "neither". Every proposal is re-verified by `bench/plan_check.py` against the
raw calendar (`services/common/workcal.py`), crews included; the share it accepts must be
1.0. Prints JSON.

The generator builds a `Scenario` in steps (team, days off, tasks, links, crews); the crew
step draws from its own random stream, so `--crew-share 0` gives the projects of the
earlier, crew-less runs.
"""

from __future__ import annotations

import argparse
import json
import math
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
    CrewRole,
    Dependency,
    Period,
    Person,
    Problem,
    ProjectCalendar,
    SkillRequirement,
    SolveStatus,
    StaffPool,
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
    staff_pools: tuple[StaffPool, ...] = ()


@dataclass(frozen=True)
class Size:
    tasks: int
    people: int
    time_limit_s: float
    workers: int
    crew_share: float = 0.2
    """Of the tasks, the share that needs a crew (as far as the team can staff one)."""


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


def _crews(
    rng: random.Random, tasks: list[Task], people: list[Person], *, share: float
) -> tuple[list[Task], list[StaffPool]]:
    """Turn `share` of the tasks into crew tasks the team can staff.

    A crew works the project's 8 h day together, so a member must be able to give the task's
    daily hours (a 6 h person joins only a 12 h job, two days of 6 h). Three kinds, in turn:
    two or three people with the task's skill; two with it, one of whom also has a second
    skill (a role); and any two of the "day crew", a staff pool of three or four day-shift
    people (no skill asked). Tasks no two people could staff stay one person's.
    """

    def daily(task: Task) -> float:
        return task.duration_hours / math.ceil(task.duration_hours / 8.0)

    def can(person: Person, task: Task) -> bool:
        return person.hours_per_day >= daily(task) - 1e-9 and all(
            person.skills.get(r.skill, 0) >= r.min_level for r in task.required_skills
        )

    day_shift = [p.id for p in people if p.hours_per_day >= 8.0]
    pool = None
    if len(day_shift) >= 3:
        members = tuple(sorted(rng.sample(day_shift, min(4, len(day_shift)))))
        pool = StaffPool(id="pools/day-crew", name="Day crew", members=members)
    wanted = round(share * len(tasks))
    out = list(tasks)
    made = 0
    for k in rng.sample(range(len(tasks)), len(tasks)):
        if made == wanted:
            break
        task = tasks[k]
        kind = made % 3
        if kind == 2 and pool is not None:
            out[k] = replace(task, required_skills=(), crew_size=2, staff_pool=pool.id)
            made += 1
            continue
        able = [p for p in people if can(p, task)]
        if len(able) < 2:
            continue  # nobody to make a crew with: it stays one person's task
        made += 1
        if kind == 1:
            seconds = sorted({s for p in able for s in p.skills} - {task.required_skills[0].skill})
            if seconds:
                role = CrewRole(1, (SkillRequirement(rng.choice(seconds)),))
                out[k] = replace(task, crew_size=2, crew_roles=(role,))
                continue
        out[k] = replace(task, crew_size=rng.randint(2, min(3, len(able))))
    return out, [pool] if pool is not None else []


def generate(seed: int, size: Size) -> Scenario:
    rng = random.Random(seed)
    start = date(2026, 1, 19) + timedelta(days=rng.randint(0, 14))
    people = _days_off(rng, _team(rng, size), start=start)
    tasks = _tasks(rng, size)
    links = _links(rng, tasks)
    # Its own stream: the team, days off, tasks and links stay those of a crew-less run.
    tasks, pools = _crews(random.Random(f"crews-{seed}"), tasks, people, share=size.crew_share)
    return Scenario(
        seed=seed,
        start=start,
        people=tuple(people),
        tasks=tuple(tasks),
        dependencies=tuple(links),
        staff_pools=tuple(pools),
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
        # A crew works one stretch together (docs/planner.md), so only one-person tasks split.
        tasks=tuple(replace(t, splittable=splittable and not t.is_crew) for t in scenario.tasks),
        people=scenario.people,
        dependencies=scenario.dependencies,
        staff_pools=scenario.staff_pools,
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
        crew_tasks = {t.id for t in scenario.tasks if t.is_crew}
        row: dict[str, Any] = {
            "seed": seed,
            "start": scenario.start.isoformat(),
            "crew_tasks": len(crew_tasks),
            "crew_roles": sum(1 for t in scenario.tasks if t.crew_roles),
            "pool_tasks": sum(1 for t in scenario.tasks if t.staff_pool is not None),
        }
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
                # Crew tasks planned with a whole crew (the checker holds each to its rules).
                "crews_planned": sum(
                    1 for p in proposal.tasks if p.task_id in crew_tasks and len(p.crew) > 1
                ),
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
        "crew_share": size.crew_share,
        "crew_tasks": sum(r["crew_tasks"] for r in rows),
        "crew_tasks_planned_with_a_crew": {
            v: sum(r[v]["crews_planned"] for r in rows) for v in VARIANTS
        },
        "staff_pool_crew_tasks": sum(r["pool_tasks"] for r in rows),
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
        "checker_accepted": f"{sum(checked)}/{len(checked)}",
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
    parser.add_argument(
        "--crew-share", type=float, default=0.2, help="share of tasks needing a crew (0: none)"
    )
    parser.add_argument("--rows", action="store_true", help="include per-seed rows")
    args = parser.parse_args()
    if args.quick:
        size = Size(
            tasks=12,
            people=4,
            time_limit_s=3.0,
            workers=args.workers,
            crew_share=args.crew_share,
        )
        seeds = 2
    else:
        size = Size(
            tasks=args.tasks,
            people=args.people,
            time_limit_s=args.time_limit,
            workers=args.workers,
            crew_share=args.crew_share,
        )
        seeds = args.seeds
    summary = run(seeds=seeds, size=size)
    if not args.rows:
        summary.pop("rows")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
