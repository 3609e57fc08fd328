"""A/B of the neighbourhood search (`services/planner/improve.py`) against the same solver
with it switched off, on the same instances in the same run, alternating per instance.

    python -m bench.planner_lns_ab --set j120 --names j1206_1,j12011_1 --time-limit 20 --json
    python -m bench.planner_lns_ab --set d36 --names 100_5_22_15,200_10_128_15 --time-limit 30

Prints one JSON row per instance (best known or greedy, `old`, `new`, seconds, load) and a
summary; the numbers quoted in docs/benchmarks.md (#14) came from this comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[1] / "gen"),
]

from bench.planner_formats import (  # noqa: E402
    data_dir,
    makespan_days,
    parse_imopse,
    parse_psplib,
    psplib_reference,
)
from services.planner import greedy, improve, solver  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("j30", "j120", "d36"), required=True)
    parser.add_argument("--names", required=True, help="comma-separated instance names")
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    root = data_dir()
    reference = psplib_reference(root / "psplib", args.set) if args.set != "d36" else None
    on_limit = improve.MIN_LIMIT_S
    rows = []
    for name in args.names.split(","):
        if reference is not None:
            instance = parse_psplib(root / "psplib" / args.set / f"{name}.sm")
        else:
            instance = parse_imopse(root / "imopse" / "d36" / f"{name}.def")
        problem = replace(instance.problem, time_limit_s=args.time_limit, num_workers=2)
        row: dict[str, object] = {"instance": name}
        if reference is not None:
            row["best_known"] = reference[name][0]
        else:
            compiled = solver.compile_problem(problem)
            row["greedy"] = greedy.list_schedule(compiled.problem, rule="tool").makespan(
                compiled.problem
            )
        for variant in ("old", "new"):
            # "old" is the same solver with the search never applying (limit out of reach).
            improve.MIN_LIMIT_S = 1e9 if variant == "old" else on_limit
            started = time.monotonic()
            proposal = solver.solve(problem)
            row[variant] = makespan_days(problem, proposal.finish)
            row[f"{variant}_s"] = round(time.monotonic() - started, 1)
        improve.MIN_LIMIT_S = on_limit
        row["load"] = round(os.getloadavg()[0], 2)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    olds = [int(str(r["old"])) for r in rows]
    news = [int(str(r["new"])) for r in rows]
    summary = {
        "instances": len(rows),
        "sum_old": sum(olds),
        "sum_new": sum(news),
        "new_better": sum(1 for o, n in zip(olds, news, strict=True) if n < o),
        "new_worse": sum(1 for o, n in zip(olds, news, strict=True) if n > o),
    }
    report = {"set": args.set, "time_limit_s": args.time_limit, "rows": rows, "summary": summary}
    print(json.dumps(report if args.json else summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
