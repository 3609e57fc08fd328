"""The HTTP/JSON gateway under load, against direct gRPC calls to the same service in the same run.

    python bench/gateway_load.py [--tasks 200] [--calls 2000] [--concurrency 16] [--json]

Starts embedded PostgreSQL and NATS in a temporary directory, core and the gateway each in
its own process (as `planops up` does), creates a project of `--tasks` tasks, then measures
two calls both ways, with a project member's key:

- GetTask (one small message) and ListTasks (a page of 50 tasks, about 30 KB of JSON);
- latency: one caller, `--calls` calls in turn; p50 and p99 in ms;
- throughput: `--concurrency` callers at once, `--calls` calls in all; requests/s.

The reference is the same RPC through a grpc.aio channel straight to core. The gateway's
cost is the ratio: JSON parsing and printing, one more hop, and aiohttp.
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
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
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

from services.common.embedded import EmbeddedNats, EmbeddedPostgres, free_port

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from bench.harness import start, wait_http, wait_serving  # noqa: E402
from bench.latency import percentile  # noqa: E402

Call = Callable[[int], Awaitable[Any]]


def log(message: str) -> None:
    print(f"[gateway_load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def latency(call: Call, count: int) -> dict[str, float]:
    timings = []
    for i in range(count):
        started = time.perf_counter()
        await call(i)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(percentile(timings, 50), 3),
        "p99_ms": round(percentile(timings, 99), 3),
    }


async def throughput(call: Call, *, count: int, concurrency: int) -> dict[str, float]:
    """`count` calls shared by `concurrency` callers; requests/s and the p99 under load."""
    timings: list[float] = []
    next_call = iter(range(count))

    async def caller() -> None:
        for i in next_call:
            started = time.perf_counter()
            await call(i)
            timings.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "requests_per_s": round(count / elapsed, 1),
        "p99_under_load_ms": round(percentile(timings, 99), 3),
    }


async def setup(core_address: str, admin: str, tasks: int) -> tuple[str, list[str]]:
    """A project of `tasks` tasks and a member's key; returns the key and the task names."""
    metadata = (("authorization", f"Bearer {admin}"),)
    async with grpc.aio.insecure_channel(core_address) as channel:
        projects = project_service_pb2_grpc.ProjectServiceStub(channel)
        await projects.CreateProject(
            project_service_pb2.CreateProjectRequest(
                project_id="bench", project=project_pb2.Project(display_name="Bench")
            ),
            metadata=metadata,
        )
        created = await task_service_pb2_grpc.TaskServiceStub(channel).BatchCreateTasks(
            task_service_pb2.BatchCreateTasksRequest(
                parent="projects/bench",
                requests=[
                    task_service_pb2.CreateTaskRequest(
                        task=task_pb2.Task(
                            title=f"Prepare listing {i} for the promotion",
                            description="Photos, copy and price checked against the brief.",
                            estimate_hours=4 + i % 20,
                            labels=["bench", "listing"],
                            required_skills=[person_pb2.Skill(skill="copy", level=2)],
                            planned_start="2026-12-01",
                            planned_end="2026-12-04",
                            due_date="2026-12-07",
                        )
                    )
                    for i in range(tasks)
                ],
            ),
            metadata=metadata,
        )
        await person_service_pb2_grpc.PersonServiceStub(channel).CreatePerson(
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
        key = await api_key_service_pb2_grpc.ApiKeyServiceStub(channel).CreateApiKey(
            api_key_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(principal="people/ana")
            ),
            metadata=metadata,
        )
    return key.secret, [t.name for t in created.tasks]


async def measure(
    args: argparse.Namespace, *, core_address: str, gateway_url: str, key: str, names: list[str]
) -> dict[str, Any]:
    metadata = (("authorization", f"Bearer {key}"),)
    headers = {"Authorization": f"Bearer {key}"}
    results: dict[str, Any] = {}
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with (
        grpc.aio.insecure_channel(core_address) as channel,
        aiohttp.ClientSession(connector=connector) as session,
    ):
        stub = task_service_pb2_grpc.TaskServiceStub(channel)

        async def http(rpc: str, body: dict[str, Any]) -> Any:
            async with session.post(
                f"{gateway_url}/api/planops.core.v1.TaskService/{rpc}", json=body, headers=headers
            ) as response:
                if response.status != 200:
                    raise RuntimeError(f"{rpc}: {response.status} {await response.text()}")
                return await response.json()

        calls: dict[str, dict[str, Call]] = {
            "GetTask": {
                "grpc": lambda i: stub.GetTask(
                    task_service_pb2.GetTaskRequest(name=names[i % len(names)]),
                    metadata=metadata,
                    timeout=10,
                ),
                "gateway": lambda i: http("GetTask", {"name": names[i % len(names)]}),
            },
            "ListTasks": {
                "grpc": lambda i: stub.ListTasks(
                    task_service_pb2.ListTasksRequest(parent="projects/bench", page_size=50),
                    metadata=metadata,
                    timeout=10,
                ),
                "gateway": lambda i: http(
                    "ListTasks", {"parent": "projects/bench", "pageSize": 50}
                ),
            },
        }
        for rpc, ways in calls.items():
            count = args.calls if rpc == "GetTask" else max(1, args.calls // 4)
            for way, call in ways.items():
                await latency(call, min(100, count))  # warm up
                log(f"{rpc} via {way}: {count} calls in turn, then {args.concurrency} at once")
                results[f"{rpc}.{way}"] = {
                    **await latency(call, count),
                    **await throughput(call, count=count, concurrency=args.concurrency),
                }
            direct, gateway = results[f"{rpc}.grpc"], results[f"{rpc}.gateway"]
            results[f"{rpc}.ratio"] = {
                "p99_gateway_over_grpc": round(gateway["p99_ms"] / direct["p99_ms"], 2),
                "rps_gateway_over_grpc": round(
                    gateway["requests_per_s"] / direct["requests_per_s"], 2
                ),
            }
    return results


async def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    postgres = EmbeddedPostgres(home / "pg")
    nats = EmbeddedNats(home / "nats")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        database_url, nats_url = postgres.start(), nats.start()
        core_address = f"127.0.0.1:{free_port()}"
        gateway_address = f"127.0.0.1:{free_port()}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "NATS_URL": nats_url,
            "PLANOPS_HOME": str(home),
            "PLANOPS_CORE_ADDRESS": core_address,
            "PLANOPS_GATEWAY_ADDRESS": gateway_address,
            "PLANOPS_LOG_LEVEL": "WARNING",
            # One key makes every call: core's per-key limit would measure the limiter.
            "PLANOPS_CORE_RATE_LIMIT": "0",
        }
        processes.append(start("core", env))
        await wait_serving(core_address, processes[-1])
        processes.append(start("gateway", env))
        await wait_http(f"http://{gateway_address}/healthz", processes[-1])
        admin = (home / "admin.key").read_text().strip()
        key, names = await setup(core_address, admin, args.tasks)
        log(f"created {len(names)} tasks")
        results = await measure(
            args,
            core_address=core_address,
            gateway_url=f"http://{gateway_address}",
            key=key,
            names=names,
        )
        return {
            "tasks": args.tasks,
            "calls": args.calls,
            "concurrency": args.concurrency,
            "load_average_1m": round(os.getloadavg()[0], 1),
            "cpus": os.cpu_count(),
            **results,
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        nats.stop()
        postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="planops-gateway-bench-"))
    try:
        results = asyncio.run(run(args, home))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, value in results.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
