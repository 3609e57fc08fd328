"""Parsers for the benchmark formats, mapped onto the planner's `Problem`.

PSPLIB single-mode RCPSP (.sm) becomes unstaffed tasks on resource pools; iMOPSE MS-RCPSP
(.def) becomes people with skills and tasks needing one skill at a level. Both use a
seven-day calendar with 8-hour days, so one PSPLIB/iMOPSE period is one working day and a
makespan in days is the benchmark's makespan. The service never reads these formats.
"""

from __future__ import annotations

import json
import os
import re
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from services.planner.model import (
    Dependency,
    Person,
    PoolDemand,
    Problem,
    ProjectCalendar,
    ResourcePool,
    SkillRequirement,
    Task,
    Weights,
)

START = date(2026, 1, 5)
EVERY_DAY = ProjectCalendar(working_weekdays=frozenset(range(7)), hours_per_day=8.0)
MAKESPAN_ONLY = Weights(lateness=0, deadline=0, makespan=1, changes=0, balance=0)


def data_dir() -> Path:
    env = os.environ.get("PLANOPS_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass(frozen=True)
class Instance:
    name: str
    problem: Problem
    critical_path: int
    """Resource-free lower bound on the makespan (days)."""


def _longest_path(durations: list[int], successors: list[list[int]]) -> int:
    n = len(durations)
    indegree = [0] * n
    for succ in successors:
        for b in succ:
            indegree[b] += 1
    ready = [a for a in range(n) if indegree[a] == 0]
    finish = [0] * n
    start = [0] * n
    while ready:
        a = ready.pop()
        finish[a] = start[a] + durations[a]
        for b in successors[a]:
            start[b] = max(start[b], finish[a])
            indegree[b] -= 1
            if indegree[b] == 0:
                ready.append(b)
    return max(finish, default=0)


def parse_psplib(path: Path) -> Instance:
    lines = path.read_text(encoding="latin-1").splitlines()
    jobs = int(next(x for x in lines if x.startswith("jobs")).split(":")[1])
    at = next(i for i, x in enumerate(lines) if x.startswith("PRECEDENCE RELATIONS")) + 2
    successors: list[list[int]] = []
    for line in lines[at : at + jobs]:
        numbers = [int(x) for x in line.split()]
        successors.append([x - 1 for x in numbers[3 : 3 + numbers[2]]])
    at = next(i for i, x in enumerate(lines) if x.startswith("REQUESTS/DURATIONS")) + 3
    durations: list[int] = []
    demands: list[list[int]] = []
    for line in lines[at : at + jobs]:
        numbers = [int(x) for x in line.split()]
        durations.append(numbers[2])
        demands.append(numbers[3:])
    at = next(i for i, x in enumerate(lines) if x.startswith("RESOURCEAVAILABILITIES")) + 2
    capacities = [int(x) for x in lines[at].split()]
    pools = tuple(
        ResourcePool(id=f"R{r + 1}", name=f"R{r + 1}", capacity=c) for r, c in enumerate(capacities)
    )
    tasks = tuple(
        Task(
            id=str(j + 1),
            name=f"job {j + 1}",
            duration_hours=8.0 * durations[j],
            staffed=False,
            pool_demands=tuple(
                PoolDemand(pool=f"R{r + 1}", amount=q) for r, q in enumerate(demands[j]) if q
            ),
        )
        for j in range(jobs)
    )
    dependencies = tuple(
        Dependency(predecessor=str(a + 1), successor=str(b + 1))
        for a in range(jobs)
        for b in successors[a]
    )
    problem = Problem(
        project_start=START,
        tasks=tasks,
        dependencies=dependencies,
        pools=pools,
        calendar=EVERY_DAY,
        weights=MAKESPAN_ONLY,
    )
    return Instance(path.stem, problem, _longest_path(durations, successors))


def psplib_reference(directory: Path, instance_set: str) -> dict[str, tuple[int, bool]]:
    """Instance name -> (best-known makespan, proven optimal) for a PSPLIB set."""
    solutions = directory / "solutions"
    out: dict[str, tuple[int, bool]] = {}
    for line in (solutions / f"{instance_set}hrs.sm").read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].isdigit() and parts[1].isdigit():
            out[f"{instance_set}{parts[0]}_{parts[1]}"] = (int(parts[2]), False)
    optimal = solutions / f"{instance_set}opt.sm"
    if optimal.exists():
        for line in optimal.read_text(encoding="latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0].isdigit() and parts[1].isdigit():
                out[f"{instance_set}{parts[0]}_{parts[1]}"] = (int(parts[2]), True)
    lower = solutions / f"{instance_set}lb.sm"
    if lower.exists():
        for line in lower.read_text(encoding="latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[0].isdigit() and parts[1].isdigit():
                name = f"{instance_set}{parts[0]}_{parts[1]}"
                if name in out and (parts[2] == parts[3] or "*" in parts[4:5]):
                    out[name] = (out[name][0], True)
    return out


_SKILL = re.compile(r"Q(\d+):\s*(\d+)")


def parse_imopse(path: Path) -> Instance:
    """iMOPSE .def: people with (skill, level); each task needs one skill at a level."""
    text = path.read_text()
    sections = re.split(r"^=+\s*$", text, flags=re.MULTILINE)
    people: list[Person] = []
    tasks: list[Task] = []
    dependencies: list[Dependency] = []
    durations: list[int] = []
    successors: dict[int, list[int]] = {}
    for section in sections:
        lines = [x for x in section.strip().splitlines() if x.strip()]
        if not lines:
            continue
        if lines[0].startswith("ResourceID"):
            for line in lines[1:]:
                fields = line.split()
                skills = {f"Q{q}": int(level) for q, level in _SKILL.findall(line)}
                people.append(
                    Person(
                        id=fields[0],
                        name=f"R{fields[0]}",
                        skills=skills,
                        hours_per_day=8.0,
                        working_weekdays=frozenset(range(7)),
                    )
                )
        elif lines[0].startswith("TaskID"):
            for line in lines[1:]:
                head, _, tail = line.partition("Q")
                task_id, duration = head.split()[:2]
                skill, level = _SKILL.findall("Q" + tail)[0]
                predecessors = tail.split(":", 1)[1].split()[1:]
                tasks.append(
                    Task(
                        id=task_id,
                        name=f"task {task_id}",
                        duration_hours=8.0 * int(duration),
                        # iMOPSE levels start at 0; the planner's at 1.
                        required_skills=(SkillRequirement(f"Q{skill}", int(level) + 1),),
                    )
                )
                durations.append(int(duration))
                for p in predecessors:
                    dependencies.append(Dependency(predecessor=p, successor=task_id))
                    successors.setdefault(int(p) - 1, []).append(int(task_id) - 1)
    people = [
        Person(
            id=p.id,
            name=p.name,
            skills={k: v + 1 for k, v in p.skills.items()},
            hours_per_day=8.0,
            working_weekdays=frozenset(range(7)),
        )
        for p in people
    ]
    problem = Problem(
        project_start=START,
        tasks=tuple(tasks),
        people=tuple(people),
        dependencies=tuple(dependencies),
        calendar=EVERY_DAY,
        weights=MAKESPAN_ONLY,
    )
    lb = _longest_path(durations, [successors.get(a, []) for a in range(len(durations))])
    return Instance(path.stem, problem, lb)


def makespan_days(problem: Problem, finish: date | None) -> int | None:
    """Makespan in periods from a proposal's finish date, for the seven-day benchmark calendar."""
    if finish is None:
        return None
    return (finish - problem.project_start).days + 1


def print_summary(summary: dict[str, Any], *, as_json: bool, rows: bool) -> None:
    """A planner benchmark's summary: JSON, or one `key value` line each; per-instance
    rows only when asked for."""
    if not rows:
        summary.pop("rows", None)
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    for key, value in summary.items():
        if key != "rows":
            print(f"{key:32} {value}")


def psplib_paths(root: Path, instance_set: str, sample: int | None) -> list[Path]:
    """A PSPLIB set's instance files in (parameter, instance) order, `sample` of them evenly
    spaced when given (every 10th of j120's 600 for 60: `j120<P>_1`)."""
    prefix = len(instance_set)
    paths = sorted(
        (root / instance_set).glob("*.sm"),
        key=lambda p: (int(p.stem[prefix:].split("_")[0]), int(p.stem.split("_")[1])),
    )
    if not sample or sample >= len(paths):
        return paths
    step = len(paths) / sample
    return [paths[int(i * step)] for i in range(sample)]


def mean_deviation_pct(rows: list[dict[str, Any]], key: str, against: str) -> float | None:
    """Mean of 100 * (row[key] - row[against]) / row[against] over `rows`, or None."""
    if not rows:
        return None
    return round(statistics.fmean(100 * (r[key] - r[against]) / r[against] for r in rows), 3)
