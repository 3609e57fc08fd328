"""One risk prediction over gRPC: GetTaskRisk latency, with core's GetTask beside it.

    python bench/risk_grpc.py [--tasks 200] [--calls 2000] [--json]

Starts embedded PostgreSQL and NATS in a temporary directory, runs core and risk each in
its own process (as `planops up` does), creates a project of `--tasks` tasks, waits until
risk holds them, then one client calls GetTaskRisk `--calls` times in turn over the tasks.
The reference in the same run is core's GetTask on the same tasks through the same kind of
channel: a plain read through the same server stack. Both are called with a project
member's key (risk checks the member's role with core on each call). Risk scores each call
afresh; with no model trained in this short run that is the prior, while a trained model's
batch scoring is measured in `bench/risk_speed.py`. Target: GetTaskRisk p99 under 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import grpc
from planops.core.v1 import (
    api_key_pb2,
    api_key_service_pb2,
    api_key_service_pb2_grpc,
    person_pb2,
    person_service_pb2,
    person_service_pb2_grpc,
    project_pb2,
    project_service_pb2,
    project_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
    task_service_pb2_grpc,
)
from planops.risk.v1 import risk_service_pb2, risk_service_pb2_grpc

from services.common.embedded import EmbeddedNats, EmbeddedPostgres

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from bench.harness import core_and_risk  # noqa: E402
from bench.latency import percentile  # noqa: E402


def log(message: str) -> None:
    print(f"[risk_grpc {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def timed(call: Any, request: Any, metadata: Any, count: int) -> list[float]:
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        await call(request(i), metadata=metadata, timeout=10)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    postgres = EmbeddedPostgres(home / "pg")
    nats = EmbeddedNats(home / "nats")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        database_url, nats_url = postgres.start(), nats.start()
        # Serving is awaited off the loop: nothing else runs on it yet.
        core_address, risk_address = await asyncio.to_thread(
            core_and_risk, home, database_url=database_url, nats_url=nats_url, processes=processes
        )
        metadata = (("authorization", f"Bearer {(home / 'admin.key').read_text().strip()}"),)
        async with (
            grpc.aio.insecure_channel(core_address) as core_channel,
            grpc.aio.insecure_channel(risk_address) as risk_channel,
        ):
            projects = project_service_pb2_grpc.ProjectServiceStub(core_channel)
            tasks = task_service_pb2_grpc.TaskServiceStub(core_channel)
            risk = risk_service_pb2_grpc.RiskServiceStub(risk_channel)
            people = person_service_pb2_grpc.PersonServiceStub(core_channel)
            keys = api_key_service_pb2_grpc.ApiKeyServiceStub(core_channel)
            await projects.CreateProject(
                project_service_pb2.CreateProjectRequest(
                    project_id="bench", project=project_pb2.Project(display_name="Bench")
                ),
                metadata=metadata,
            )
            created = await tasks.BatchCreateTasks(
                task_service_pb2.BatchCreateTasksRequest(
                    parent="projects/bench",
                    requests=[
                        task_service_pb2.CreateTaskRequest(
                            task=task_pb2.Task(
                                title=f"task {i}",
                                estimate_hours=4 + i % 20,
                                labels=["bench"],
                                planned_start="2026-12-01",
                                planned_end="2026-12-04",
                                due_date="2026-12-07",
                            )
                        )
                        for i in range(args.tasks)
                    ],
                ),
                metadata=metadata,
            )
            names = [t.name for t in created.tasks]
            # Measure as a project member, not the admin: a member's role is checked with core
            # on every call, which is the path users take.
            await people.CreatePerson(
                person_service_pb2.CreatePersonRequest(
                    person_id="ana", person=person_pb2.Person(display_name="Ana")
                ),
                metadata=metadata,
            )
            await projects.CreateMembership(
                project_service_pb2.CreateMembershipRequest(
                    parent="projects/bench",
                    membership=project_pb2.Membership(
                        member="people/ana", roles=[project_pb2.ROLE_VIEWER]
                    ),
                ),
                metadata=metadata,
            )
            secret = (
                await keys.CreateApiKey(
                    api_key_service_pb2.CreateApiKeyRequest(
                        api_key=api_key_pb2.ApiKey(principal="people/ana")
                    ),
                    metadata=metadata,
                )
            ).secret
            metadata = (("authorization", f"Bearer {secret}"),)
            log(f"created {len(names)} tasks; waiting for risk to hold them")
            for _ in range(600):
                held = await risk.ListTaskRisks(
                    risk_service_pb2.ListTaskRisksRequest(project="projects/bench", page_size=500),
                    metadata=metadata,
                )
                if len(held.risks) >= len(names):
                    break
                await asyncio.sleep(0.2)
            warm = min(100, args.calls)
            await timed(
                risk.GetTaskRisk,
                lambda i: risk_service_pb2.GetTaskRiskRequest(task=names[i % len(names)]),
                metadata,
                warm,
            )
            await timed(
                tasks.GetTask,
                lambda i: task_service_pb2.GetTaskRequest(name=names[i % len(names)]),
                metadata,
                warm,
            )
            log(f"measuring {args.calls} calls each")
            risk_ms = await timed(
                risk.GetTaskRisk,
                lambda i: risk_service_pb2.GetTaskRiskRequest(task=names[i % len(names)]),
                metadata,
                args.calls,
            )
            core_ms = await timed(
                tasks.GetTask,
                lambda i: task_service_pb2.GetTaskRequest(name=names[i % len(names)]),
                metadata,
                args.calls,
            )
        return {
            "tasks": len(names),
            "calls": args.calls,
            "risk_get_task_risk_p50_ms": percentile(risk_ms, 50),
            "risk_get_task_risk_p99_ms": percentile(risk_ms, 99),
            "core_get_task_p50_ms": percentile(core_ms, 50),
            "core_get_task_p99_ms": percentile(core_ms, 99),
            "ratio_p99_risk_to_core": percentile(risk_ms, 99) / percentile(core_ms, 99),
            "target_p99_under_10ms": percentile(risk_ms, 99) < 10,
            "load_average": os.getloadavg()[0],
        }
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=20)
        nats.stop()
        postgres.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.tasks < 1 or args.calls < 1:
        parser.error("--tasks and --calls must be at least 1")
    home = Path(tempfile.mkdtemp(prefix="risk_grpc_"))
    try:
        result = asyncio.run(run(args, home))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        for key, value in sorted(result.items()):
            print(f"{key:32} {value:.2f}" if isinstance(value, float) else f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
