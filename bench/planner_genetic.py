"""The genetic algorithm alone on PSPLIB, against the list scheduler with the same wall time.

    python -m bench.planner_genetic --set j30 --schedules 50000 --json
    python -m bench.planner_genetic --set j120 --sample 60 --seconds 2 --json

Per instance `genetic.search` runs for `--schedules` schedules (deterministic) or
`--seconds`; then `greedy.improved_schedule` gets the wall time the GA used, in the same
run. Deviations are from the best known makespan and from the critical-path bound. The cold
compile time is that of a fresh process with numba's cache emptied first.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.planner_formats import (
    data_dir,
    mean_deviation_pct,
    parse_psplib,
    print_summary,
    psplib_paths,
    psplib_reference,
)
from services.planner import genetic, greedy, solver

_ROOT = Path(__file__).resolve().parents[1]


def cold_compile_seconds() -> float:
    """`genetic.warm_up()` in a new process with no numba cache for the module."""
    cache = Path(genetic.__file__).parent / "__pycache__"
    for stale in [*cache.glob("genetic.*.nbi"), *cache.glob("genetic.*.nbc")]:
        stale.unlink()
    code = "import time; from services.planner import genetic; t = time.monotonic(); genetic.warm_up(); print(time.monotonic() - t)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=_ROOT, capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def run(
    instance_set: str,
    *,
    sample: int | None,
    schedules: int | None,
    seconds: float | None,
    seed: int,
    verbose: bool,
) -> dict[str, Any]:
    root = data_dir() / "psplib"
    reference = psplib_reference(root, instance_set)
    paths = psplib_paths(root, instance_set, sample)
    genetic.warm_up()
    rows: list[dict[str, Any]] = []
    for path in paths:
        instance = parse_psplib(path)
        problem = solver.compile_problem(instance.problem).problem
        started = time.monotonic()
        outcome = genetic.search(
            problem,
            time_budget_s=seconds if seconds is not None else 3600.0,
            seed=seed,
            max_schedules=schedules,
        )
        used = time.monotonic() - started
        assert outcome.schedule is not None
        started = time.monotonic()
        reference_plan = greedy.improved_schedule(problem, time_budget_s=used, seed=seed)
        reference_seconds = time.monotonic() - started
        best = reference[instance.name][0]
        row = {
            "instance": instance.name,
            "best_known": best,
            "critical_path": instance.critical_path,
            "genetic": outcome.schedule.makespan(problem),
            "greedy": reference_plan.makespan(problem),
            "schedules": outcome.schedules,
            "seconds": round(used, 3),
            "greedy_seconds": round(reference_seconds, 3),
        }
        rows.append(row)
        if verbose:
            print(json.dumps(row), file=sys.stderr, flush=True)

    return {
        "set": instance_set,
        "instances": len(rows),
        "sample": sample,
        "schedules": schedules,
        "seconds": seconds,
        "seed": seed,
        "genetic_reached_best_known": sum(1 for r in rows if r["genetic"] <= r["best_known"]),
        "greedy_reached_best_known": sum(1 for r in rows if r["greedy"] <= r["best_known"]),
        "genetic_dev_best_known_pct": mean_deviation_pct(rows, "genetic", "best_known"),
        "greedy_dev_best_known_pct": mean_deviation_pct(rows, "greedy", "best_known"),
        "genetic_dev_critical_path_pct": mean_deviation_pct(rows, "genetic", "critical_path"),
        "greedy_dev_critical_path_pct": mean_deviation_pct(rows, "greedy", "critical_path"),
        "genetic_shorter": sum(1 for r in rows if r["genetic"] < r["greedy"]),
        "greedy_shorter": sum(1 for r in rows if r["greedy"] < r["genetic"]),
        "mean_seconds": round(statistics.fmean(r["seconds"] for r in rows), 3),
        "schedules_per_second": round(
            sum(r["schedules"] for r in rows) / sum(r["seconds"] for r in rows)
        ),
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="j30", choices=["j30", "j60", "j90", "j120"])
    parser.add_argument("--sample", type=int, default=None, help="evenly spaced instances")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--schedules", type=int, default=None)
    budget.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the JSON summary")
    parser.add_argument("--rows", action="store_true", help="include per-instance rows")
    parser.add_argument("--verbose", action="store_true", help="one line per instance")
    parser.add_argument(
        "--cold-compile", action="store_true", help="also time a compile with no numba cache"
    )
    args = parser.parse_args()
    if not (data_dir() / "psplib" / args.set).is_dir():
        print(f"error: no PSPLIB data under {data_dir()}; set PLANOPS_DATA_DIR", file=sys.stderr)
        return 2
    if args.schedules is None and args.seconds is None:
        args.schedules = 50000
    compile_s = cold_compile_seconds() if args.cold_compile else None
    summary = run(
        args.set,
        sample=args.sample,
        schedules=args.schedules,
        seconds=args.seconds,
        seed=args.seed,
        verbose=args.verbose,
    )
    summary["cold_compile_seconds"] = round(compile_s, 2) if compile_s is not None else None
    print_summary(summary, as_json=args.json, rows=args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
