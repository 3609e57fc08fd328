"""iMOPSE multi-skill RCPSP benchmark: CP-SAT plan vs the project-tool list scheduler.

    python -m bench.planner_imopse --set d36 --time-limit 30 --json

Each instance becomes people with skills and tasks needing one skill at a level, solved by
`services.planner.solver.solve` with a makespan-only objective. The reference is
`greedy.list_schedule(rule="tool")`: earliest start, least-loaded qualified person.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.planner_formats import data_dir, makespan_days, parse_imopse, print_summary
from services.planner import greedy, solver
from services.planner.model import SolveStatus


def run(
    instance_set: str,
    *,
    time_limit: float,
    workers: int,
    limit: int | None,
    verbose: bool,
    only: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    paths = sorted((data_dir() / "imopse" / instance_set).glob("*.def"))
    if only:
        paths = [p for p in paths if p.stem in only]
    paths = paths[:limit]
    rows: list[dict[str, Any]] = []
    for path in paths:
        instance = parse_imopse(path)
        problem = replace(instance.problem, time_limit_s=time_limit, num_workers=workers)
        compiled = solver.compile_problem(problem)
        tool = greedy.list_schedule(compiled.problem, rule="tool").makespan(compiled.problem)
        started, cpu = time.monotonic(), time.process_time()
        proposal = solver.solve(problem)
        seconds = time.monotonic() - started
        # CPU time of all solver threads: on a shared machine it shows how much of the
        # wall-clock limit the solver actually got.
        cpu_seconds = time.process_time() - cpu
        makespan = makespan_days(problem, proposal.finish)
        row = {
            "instance": instance.name,
            "tasks": len(problem.tasks),
            "people": len(problem.people),
            "greedy": tool,
            "cpsat": makespan,
            "bound": proposal.best_bound,
            "critical_path": instance.critical_path,
            "optimal": proposal.status is SolveStatus.OPTIMAL,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
        }
        rows.append(row)
        if verbose:
            print(json.dumps(row), file=sys.stderr, flush=True)
    solved = [r for r in rows if r["cpsat"] is not None]
    return {
        "set": instance_set,
        "instances": len(rows),
        "time_limit_s": time_limit,
        "workers": workers,
        "with_solution": len(solved),
        "proven_optimal": sum(1 for r in rows if r["optimal"]),
        "mean_makespan_greedy": round(statistics.fmean(r["greedy"] for r in solved), 2),
        "mean_makespan_cpsat": round(statistics.fmean(r["cpsat"] for r in solved), 2),
        "mean_improvement_vs_greedy_pct": round(
            statistics.fmean(100 * (r["greedy"] - r["cpsat"]) / r["greedy"] for r in solved), 2
        ),
        "mean_gap_to_bound_pct": round(
            statistics.fmean(100 * (r["cpsat"] - r["bound"]) / r["cpsat"] for r in solved), 2
        ),
        "median_seconds": round(statistics.median(r["seconds"] for r in rows), 2),
        "mean_cpu_seconds": round(statistics.fmean(r["cpu_seconds"] for r in rows), 2),
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="d36")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="first N instances only")
    parser.add_argument(
        "--only", default="", help="comma-separated instance names (file stems) to run"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rows", action="store_true", help="include per-instance rows")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if not (data_dir() / "imopse" / args.set).is_dir():
        print(f"error: no iMOPSE data under {data_dir()}; set PLANOPS_DATA_DIR", file=sys.stderr)
        return 2
    summary = run(
        args.set,
        time_limit=args.time_limit,
        workers=args.workers,
        limit=args.limit,
        verbose=args.verbose,
        only=frozenset(name for name in args.only.split(",") if name),
    )
    print_summary(summary, as_json=args.json, rows=args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
