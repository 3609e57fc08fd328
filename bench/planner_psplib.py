"""PSPLIB RCPSP benchmark of the planner's solver.

    python -m bench.planner_psplib --set j30 --time-limit 10 --workers 2 --json
    python -m bench.planner_psplib --set j120 --sample 60 --time-limit 20 --workers 2 --json

Each instance goes through `services.planner.solver.solve` unchanged: jobs are unstaffed
tasks, renewable resources are pools. Data: $PLANOPS_DATA_DIR/psplib or ../shared/data.
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

from bench.planner_formats import (
    data_dir,
    makespan_days,
    mean_deviation_pct,
    parse_psplib,
    print_summary,
    psplib_paths,
    psplib_reference,
)
from services.planner import solver
from services.planner.model import SolveStatus


def solve_row(
    path: Path, reference: dict[str, tuple[int, bool]], *, time_limit: float, workers: int
) -> dict[str, Any]:
    """Solve one PSPLIB instance through `solver.solve` and describe the result."""
    instance = parse_psplib(path)
    problem = replace(instance.problem, time_limit_s=time_limit, num_workers=workers)
    started, cpu = time.monotonic(), time.process_time()
    proposal = solver.solve(problem)
    seconds = time.monotonic() - started
    # CPU time of all solver threads: on a shared machine it shows how much of the
    # wall-clock limit the solver actually got.
    cpu_seconds = time.process_time() - cpu
    best, optimal_known = reference[instance.name]
    return {
        "instance": instance.name,
        "makespan": makespan_days(problem, proposal.finish),
        "best_known": best,
        "best_known_is_optimal": optimal_known,
        "critical_path": instance.critical_path,
        "bound": proposal.best_bound,
        "proven_optimal": proposal.status is SolveStatus.OPTIMAL,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
    }


def run(
    instance_set: str, *, sample: int | None, time_limit: float, workers: int, verbose: bool
) -> dict[str, Any]:
    root = data_dir() / "psplib"
    reference = psplib_reference(root, instance_set)
    rows: list[dict[str, Any]] = []
    for path in psplib_paths(root, instance_set, sample):
        row = solve_row(path, reference, time_limit=time_limit, workers=workers)
        rows.append(row)
        if verbose:
            print(json.dumps(row), file=sys.stderr, flush=True)
    solved = [r for r in rows if r["makespan"] is not None]
    return {
        "set": instance_set,
        "instances": len(rows),
        "sample": sample,
        "time_limit_s": time_limit,
        "workers": workers,
        "with_solution": len(solved),
        "reached_best_known": sum(1 for r in solved if r["makespan"] <= r["best_known"]),
        "better_than_best_known": sum(1 for r in solved if r["makespan"] < r["best_known"]),
        "proven_optimal": sum(1 for r in rows if r["proven_optimal"]),
        "mean_dev_best_known_pct": mean_deviation_pct(solved, "makespan", "best_known"),
        "mean_dev_critical_path_pct": mean_deviation_pct(solved, "makespan", "critical_path"),
        "median_seconds": round(statistics.median(r["seconds"] for r in rows), 3),
        "mean_seconds": round(statistics.fmean(r["seconds"] for r in rows), 3),
        "mean_cpu_seconds": round(statistics.fmean(r["cpu_seconds"] for r in rows), 2),
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="j30", choices=["j30", "j60", "j90", "j120"])
    parser.add_argument("--sample", type=int, default=None, help="evenly spaced instances")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the JSON summary")
    parser.add_argument("--rows", action="store_true", help="include per-instance rows")
    parser.add_argument("--verbose", action="store_true", help="one line per instance")
    args = parser.parse_args()
    if not (data_dir() / "psplib" / args.set).is_dir():
        print(f"error: no PSPLIB data under {data_dir()}; set PLANOPS_DATA_DIR", file=sys.stderr)
        return 2
    summary = run(
        args.set,
        sample=args.sample,
        time_limit=args.time_limit,
        workers=args.workers,
        verbose=args.verbose,
    )
    print_summary(summary, as_json=args.json, rows=args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
