"""Faults survived: each scenario breaks one part of the running stack under a steady load.

    python bench/chaos.py [--scenario NAME ...] [--writes-per-second 20] [--outage 6] [--json]

Starts embedded PostgreSQL and NATS in a temporary directory and core, planner, risk and nlp
each in its own process (as `planops up` does). For each scenario a steady load of writes
goes through core (creates, estimate updates, workflow moves, retrying UNAVAILABLE and
CANCELLED as a client may), with planner proposals and nlp extractions beside them; the fault is injected,
the load goes on, and once the outboxes and risk's consumer have settled the truth is read
back from PostgreSQL and JetStream (`tests/faults/chaos_lib.py`, which `tests/faults/` runs
with smaller loads):

- writes acknowledged / found: acknowledged writes whose request id is in core's audit log;
- events lost: committed outbox events missing from the PLANOPS_CORE stream (by
  Nats-Msg-Id) or from risk's processed events, plus estimate changes risk did not count;
- events applied twice: stream copies of one Nats-Msg-Id, plus estimate changes risk
  counted more often than core's events made them;
- out of order: aggregates whose events left in another order than their versions;
- client errors by code, every failed attempt counted (UNAVAILABLE is allowed and retried;
  INTERNAL is a failure).

Scenarios: nats_restart, postgres_restart, risk_sigkill, sigterm_{core,risk,planner,nlp},
hung_downstream, hostile_notes (pathological notes with a 1 s deadline while nlp's health
and ordinary extractions are called beside them). Target: 0 lost, 0 applied twice, 0 INTERNAL in every scenario. The
reference in the same run is the `baseline` scenario: the same load with no fault.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from tests.faults.chaos_lib import (  # noqa: E402
    SCENARIOS,
    LoadSettings,
    Report,
    Timing,
    run_scenario,
    running_stack,
)


def log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def run(args: argparse.Namespace) -> list[Report]:
    home = Path(tempfile.mkdtemp(prefix="planops-chaos-"))
    settings = LoadSettings(
        projects=args.projects,
        writers=args.writers,
        writes_per_second=args.writes_per_second,
    )
    timing = Timing(warmup=args.warmup, outage=args.outage, after=args.after)
    reports: list[Report] = []
    try:
        log(f"starting the stack in {home}")
        async with running_stack(home, ack_wait_seconds=args.ack_wait) as stack:
            for name in ["baseline", *args.scenario]:
                log(f"scenario {name} ...")
                report = await run_scenario(stack, name, load_settings=settings, timing=timing)
                verdict = (
                    "passed" if not report.failures else "FAILED: " + "; ".join(report.failures)
                )
                log(
                    f"  {name}: {report.writes_found}/{report.writes_acknowledged} writes found,"
                    f" {report.events_committed} events, {report.events_lost} lost,"
                    f" {report.events_applied_twice} applied twice,"
                    f" errors {report.client_errors}; {verdict}"
                )
                reports.append(report)
    finally:
        if args.keep:
            log(f"logs kept in {home / 'logs'}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    return reports


def summary(reports: list[Report], args: argparse.Namespace) -> dict[str, Any]:
    return {
        "benchmark": "chaos",
        "load": {
            "writes_per_second": args.writes_per_second,
            "writers": args.writers,
            "projects": args.projects,
            "outage_seconds": args.outage,
        },
        "scenarios": [r.as_json() for r in reports],
        "all_passed": all(not r.failures for r in reports),
        "totals": {
            "writes_acknowledged": sum(r.writes_acknowledged for r in reports),
            "writes_found": sum(r.writes_found for r in reports),
            "events_committed": sum(r.events_committed for r in reports),
            "events_lost": sum(r.events_lost for r in reports),
            "events_applied_twice": sum(r.events_applied_twice for r in reports),
            "internal_errors": sum(r.client_errors.get("INTERNAL", 0) for r in reports),
        },
    }


def table(result: dict[str, Any]) -> str:
    head = (
        f"{'scenario':<18} {'acked':>6} {'found':>6} {'events':>7} {'lost':>5} {'twice':>6}"
        f" {'order':>6}  client errors"
    )
    lines = [head, "-" * len(head)]
    for r in result["scenarios"]:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(r["client_errors"].items())) or "-"
        lines.append(
            f"{r['scenario']:<18} {r['writes_acknowledged']:>6} {r['writes_found']:>6}"
            f" {r['events_committed']:>7} {r['events_lost']:>5} {r['events_applied_twice']:>6}"
            f" {r['events_out_of_order']:>6}  {errors}"
            + ("" if r["passed"] else "   FAILED: " + "; ".join(r["failures"]))
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=sorted(s for s in SCENARIOS if s != "baseline"),
        help="run only this scenario (repeatable); default: all",
    )
    parser.add_argument("--writes-per-second", type=float, default=20.0)
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--projects", type=int, default=3)
    parser.add_argument(
        "--warmup", type=float, default=4.0, help="seconds of load before the fault"
    )
    parser.add_argument("--outage", type=float, default=6.0, help="seconds the fault lasts")
    parser.add_argument("--after", type=float, default=6.0, help="seconds of load after it")
    parser.add_argument("--ack-wait", type=float, default=5.0, help="risk's JetStream ack wait")
    parser.add_argument("--keep", action="store_true", help="keep the services' logs")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    args.scenario = args.scenario or [s for s in SCENARIOS if s != "baseline"]
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("pgserver").setLevel(logging.ERROR)
    result = summary(asyncio.run(run(args)), args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(table(result))
    return 0 if result["all_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
