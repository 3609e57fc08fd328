"""Named PSPLIB instances through the planner's solver, with engine settings overridden:
for choosing a setting on instances outside a benchmark's sample.

    python -m bench.planner_cells --set j120 --names j1206_2,j12011_2 --time-limit 20 \
        --param solver.GENETIC_RESTART_SHARE=0 --json

`--param module.NAME=value` sets a constant of `services.planner.<module>` (a number) before
the first instance; repeat it for several. Prints one JSON row per instance on stderr and
the summary (sum of makespans, mean deviation from best known, load) on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.planner_formats import data_dir, mean_deviation_pct, print_summary, psplib_reference
from bench.planner_psplib import solve_row


def _override(setting: str) -> tuple[str, float]:
    name, _, value = setting.partition("=")
    module_name, _, constant = name.partition(".")
    module = importlib.import_module(f"services.planner.{module_name}")
    if not constant or not hasattr(module, constant):
        raise SystemExit(f"error: no constant {name!r} in services.planner")
    number = float(value)
    current = getattr(module, constant)
    setattr(module, constant, int(number) if isinstance(current, int) else number)
    return name, number


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("j30", "j60", "j90", "j120"), required=True)
    parser.add_argument("--names", required=True, help="comma-separated instance names")
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--param", action="append", default=[], help="module.NAME=value")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rows", action="store_true", help="include per-instance rows")
    args = parser.parse_args(argv)
    root = data_dir() / "psplib"
    if not (root / args.set).is_dir():
        print(f"error: no PSPLIB data under {data_dir()}; set PLANOPS_DATA_DIR", file=sys.stderr)
        return 2
    params = dict(_override(p) for p in args.param)
    reference = psplib_reference(root, args.set)
    rows: list[dict[str, Any]] = []
    loads: list[float] = []
    for name in args.names.split(","):
        row = solve_row(
            root / args.set / f"{name}.sm",
            reference,
            time_limit=args.time_limit,
            workers=args.workers,
        )
        loads.append(os.getloadavg()[0])
        row["load"] = round(loads[-1], 2)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    solved = [r for r in rows if r["makespan"] is not None]
    summary: dict[str, Any] = {
        "set": args.set,
        "params": params,
        "time_limit_s": args.time_limit,
        "instances": len(rows),
        "with_solution": len(solved),
        "sum_makespan": sum(r["makespan"] for r in solved),
        "reached_best_known": sum(1 for r in solved if r["makespan"] <= r["best_known"]),
        "mean_dev_best_known_pct": mean_deviation_pct(solved, "makespan", "best_known"),
        "mean_cpu_seconds": round(statistics.fmean(r["cpu_seconds"] for r in rows), 2),
        "load_min_max": [round(min(loads), 2), round(max(loads), 2)],
        "rows": rows,
    }
    print_summary(summary, as_json=args.json, rows=args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
