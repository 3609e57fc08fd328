"""How the planner scales on generated, realistic projects.

    python -m bench.planner_scale --json [--sizes 100,500,2000] [--time-limit 60] [--staged]

Projects have skills with levels, a Monday-Friday calendar with holidays, part-timers,
vacations, load from other projects, due dates and all four dependency types. Each size
runs in a fresh subprocess so its peak memory (max RSS) is its own.

`--staged` replans instead: the project has a current plan (a list schedule made before a
tenth of the estimates grew by half), and the staged objectives deadline, lateness,
makespan, changes, balance are solved in turn; each stage's value, bound and gap is reported.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.planner import greedy, solver
from services.planner.model import (
    DEFAULT_STAGES,
    BusyPeriod,
    Dependency,
    DependencyType,
    Objective,
    Period,
    Person,
    PlannedSlot,
    Problem,
    Progress,
    ProjectCalendar,
    SkillRequirement,
    Task,
    Weights,
)

PEOPLE_FOR = {100: 20, 500: 60, 2000: 200}
SKILLS = [f"skill{k}" for k in range(12)]
START = date(2026, 3, 2)
MAKESPAN_ONLY = Weights(lateness=0, deadline=0, makespan=1, changes=0, balance=0)


def generate(tasks: int, people: int, *, seed: int = 7) -> Problem:
    rng = random.Random(seed)
    holidays = frozenset(
        {date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 25)}
    )
    staff: list[Person] = []
    for p in range(people):
        skills = {s: rng.randint(1, 5) for s in rng.sample(SKILLS, rng.randint(2, 4))}
        time_off: list[Period] = []
        for _ in range(rng.randint(0, 2)):
            first = START + timedelta(days=rng.randint(0, 200))
            time_off.append(Period(first, first + timedelta(days=rng.choice([1, 4, 7, 11]))))
        busy: tuple[BusyPeriod, ...] = ()
        if rng.random() < 0.3:
            first = START + timedelta(days=rng.randint(0, 60))
            busy = (
                BusyPeriod(
                    first, first + timedelta(days=rng.randint(5, 40)), rng.choice([2.0, 4.0])
                ),
            )
        part_time = rng.random() < 0.15
        staff.append(
            Person(
                id=f"p{p}",
                name=f"Person {p}",
                skills=skills,
                working_weekdays=frozenset(range(4)) if part_time else frozenset(range(5)),
                time_off=tuple(time_off),
                busy=busy,
            )
        )
    work: list[Task] = []
    for t in range(tasks):
        person = rng.choice(staff)
        # Requirements drawn from a real person so every task has someone qualified.
        skill = rng.choice(sorted(person.skills))
        requirement = SkillRequirement(skill, rng.randint(1, min(3, person.skills[skill])))
        due = START + timedelta(days=rng.randint(20, 160)) if rng.random() < 0.2 else None
        work.append(
            Task(
                id=f"t{t}",
                name=f"Task {t}",
                duration_hours=float(rng.choice([4, 8, 8, 16, 16, 24, 32, 40])),
                required_skills=(requirement,),
                due=due,
                priority=rng.randint(1, 5),
            )
        )
    links: list[Dependency] = []
    # Work packages of about 25 tasks: dependencies mostly inside a package, a few across.
    for t in range(1, tasks):
        package_start = t - t % 25
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            if t > package_start:
                p = rng.randint(package_start, t - 1)
            elif t >= 25 and rng.random() < 0.5:
                p = rng.randint(max(0, t - 50), t - 1)
            else:
                continue
            kind = rng.choices(list(DependencyType), weights=[85, 7, 6, 2])[0]
            lag = (
                rng.choice([0, 0, 0, 1, 2, -1])
                if kind is not DependencyType.FS
                else rng.choice([0, 0, 0, 0, 1])
            )
            links.append(Dependency(f"t{p}", f"t{t}", kind, lag))
    unique = {(d.predecessor, d.successor): d for d in links}
    return Problem(
        project_start=START,
        tasks=tuple(work),
        people=tuple(staff),
        dependencies=tuple(unique.values()),
        calendar=ProjectCalendar(holidays=holidays),
        deadline=START + timedelta(days=120),
    )


def with_current_plan(problem: Problem, *, seed: int = 7) -> Problem:
    """`problem` as a replan: the current plan is a list schedule of it, then a tenth of the
    estimates grow by half, so keeping the plan and meeting the dates pull apart."""
    compiled = solver.compile_problem(problem)
    axis_problem = compiled.problem
    plan = greedy.improved_schedule(axis_problem, time_budget_s=1.0, seed=seed)
    rng = random.Random(seed)
    tasks = []
    for a, task in enumerate(problem.tasks):
        mode = axis_problem.activities[a].modes[plan.modes[a]]
        start, end = plan.starts[a], plan.end(axis_problem, a)
        current = PlannedSlot(
            start=compiled.axis.day(start),
            end=compiled.axis.last_day(end) if end > start else compiled.axis.day(start),
            assignee=compiled.person_ids[mode.person] if mode.person is not None else None,
        )
        hours = task.duration_hours * (1.5 if rng.random() < 0.1 else 1.0)
        tasks.append(replace(task, current=current, duration_hours=hours))
    return replace(problem, tasks=tuple(tasks))


def measure(
    tasks: int,
    *,
    time_limit: float,
    workers: int,
    objective: str,
    stages: tuple[Objective, ...] = DEFAULT_STAGES,
) -> dict[str, Any]:
    problem = generate(tasks, PEOPLE_FOR.get(tasks, max(5, tasks // 10)))
    if objective == "staged":
        problem = replace(with_current_plan(problem), stages=stages)
    weights = MAKESPAN_ONLY if objective == "makespan" else problem.weights
    problem = replace(problem, time_limit_s=time_limit, num_workers=workers, weights=weights)
    trace: list[Progress] = []
    started = time.monotonic()
    proposal = solver.solve(problem, progress=trace.append)
    wall = time.monotonic() - started
    bound = proposal.best_bound
    within = None
    if bound is not None:
        within = next(
            (p.elapsed_s for p in trace if p.objective <= max(bound, 1.0) * 1.05 + 1e-9), None
        )
    return {
        "objective": objective,
        "tasks": tasks,
        "people": len(problem.people),
        "dependencies": len(problem.dependencies),
        "status": proposal.status.value,
        "first_feasible_s": round(trace[0].elapsed_s, 2) if trace else None,
        "within_5pct_of_final_bound_s": round(within, 2) if within is not None else None,
        "wall_s": round(wall, 2),
        "objective_value": proposal.objective,
        "best_bound": bound,
        "gap": round(proposal.gap, 4) if proposal.gap is not None else None,
        "finish": str(proposal.finish),
        "solutions": len(trace),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stages": [
            {
                "objective": stage.objective.value,
                "status": stage.status.value,
                "value": stage.value,
                "bound": stage.best_bound,
                "gap": round(stage.gap, 4) if stage.gap is not None else None,
                "seconds": round(stage.wall_time_s, 2),
                "text": stage.text,
            }
            for stage in proposal.stages
        ],
        "stages_within_5pct": (
            all(s.gap is not None and s.gap <= 0.05 for s in proposal.stages)
            if proposal.stages
            else None
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,500,2000")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--objective",
        choices=["default", "makespan", "staged"],
        default="default",
        help="default weights, makespan only (whose bound is a real makespan bound), or a "
        "replan with staged objectives",
    )
    parser.add_argument(
        "--staged",
        dest="objective",
        action="store_const",
        const="staged",
        help="the same as --objective staged",
    )
    parser.add_argument(
        "--stages",
        default=",".join(o.value for o in DEFAULT_STAGES),
        help="with --staged, the objectives in order (comma-separated)",
    )
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    stages = tuple(Objective(name.strip()) for name in args.stages.split(","))
    if args.one is not None:
        result = measure(
            args.one,
            time_limit=args.time_limit,
            workers=args.workers,
            objective=args.objective,
            stages=stages,
        )
        print(json.dumps(result))
        return 0
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.planner_scale",
                "--one",
                str(size),
                "--time-limit",
                str(args.time_limit),
                "--workers",
                str(args.workers),
                "--objective",
                args.objective,
                "--stages",
                args.stages,
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        if not args.json:
            print(results[-1])
    if args.json:
        summary = {
            "time_limit_s": args.time_limit,
            "workers": args.workers,
            "objective": args.objective,
            **({"stages": args.stages} if args.objective == "staged" else {}),
            "results": results,
        }
        print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
