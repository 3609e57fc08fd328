"""Webhooks never block core: CreateTask latency with and without automation delivering to a
hanging receiver, and the lag from core's commit to a fast receiver.

    python bench/automation_webhooks.py [--tasks 300] [--rounds 6] [--json]

Starts embedded PostgreSQL, NATS, core and automation, each server in its own process (as
`planops up` does), with two webhooks on `core.task.*`: one whose receiver never answers
(each POST waits for the 2 s timeout, then retries with backoff), one that answers at once.
`--tasks` sequential CreateTask calls are timed in `--rounds` alternating blocks: with the
automation process paused (SIGSTOP: the reference, core alone) and running. Alternating
blocks share the machine's load, which on a shared machine moves more than anything
measured here. Then, with the backlog delivered, 100 tasks are created one at a time and the
fast receiver records when each event arrived against its commit time. Target: core's latency with automation and a
hanging receiver within noise of the reference (ratio ~1); every event delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import grpc
from aiohttp import web
from planops.automation.v1 import (
    automation_service_pb2,
    automation_service_pb2_grpc,
    webhook_pb2,
)
from planops.core.v1 import (
    project_pb2,
    project_service_pb2,
    project_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
    task_service_pb2_grpc,
)

from services.cli.stack import service_key
from services.common.embedded import EmbeddedNats, EmbeddedPostgres, free_port

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from bench.harness import start, wait_serving  # noqa: E402
from bench.latency import percentile, summary_ms  # noqa: E402


def log(message: str) -> None:
    print(f"[automation_webhooks {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr)


async def create_tasks(
    tasks: Any, md: tuple[tuple[str, str], ...], count: int, label: str
) -> list[float]:
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        await tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(
                parent="projects/bench", task=task_pb2.Task(title=f"{label} {i}")
            ),
            metadata=md,
        )
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def bench(count: int, rounds: int, home: Path) -> dict[str, Any]:
    postgres = EmbeddedPostgres(home / "postgres")
    nats = EmbeddedNats(home / "nats")
    processes: list[subprocess.Popen[bytes]] = []
    hanging = asyncio.Event()
    lags: list[float] = []
    arrived: set[str] = set()

    async def fast(request: web.Request) -> web.Response:
        envelope = json.loads(await request.read())
        arrived.add(envelope["id"])
        if envelope["data"]["task"]["title"].startswith("lag"):
            committed = dt.datetime.fromisoformat(envelope["time"].replace("Z", "+00:00"))
            lags.append((dt.datetime.now(dt.UTC) - committed).total_seconds() * 1000)
        return web.Response(status=204)

    async def hang(request: web.Request) -> web.Response:
        await hanging.wait()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/fast", fast)
    app.router.add_post("/hang", hang)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        env = {
            **os.environ,
            "DATABASE_URL": postgres.start(),
            "NATS_URL": nats.start(),
            "PLANOPS_HOME": str(home),
            "PLANOPS_LOG_LEVEL": "WARNING",
        }
        core_address = f"127.0.0.1:{free_port()}"
        env["PLANOPS_CORE_ADDRESS"] = core_address
        core = start("core", env)
        processes.append(core)
        await wait_serving(core_address, core)
        admin = (home / "admin.key").read_text().strip()
        md = (("authorization", f"Bearer {admin}"),)
        async with grpc.aio.insecure_channel(core_address) as channel:
            projects = project_service_pb2_grpc.ProjectServiceStub(channel)  # type: ignore[no-untyped-call]
            tasks = task_service_pb2_grpc.TaskServiceStub(channel)  # type: ignore[no-untyped-call]
            await projects.CreateProject(
                project_service_pb2.CreateProjectRequest(
                    project_id="bench", project=project_pb2.Project(display_name="Bench")
                ),
                metadata=md,
            )
            automation_address = f"127.0.0.1:{free_port()}"
            automation_env = {
                **env,
                "PLANOPS_CORE_KEY": await asyncio.to_thread(
                    service_key, home, "automation", core_address=core_address
                ),
                "PLANOPS_AUTOMATION_ADDRESS": automation_address,
                "PLANOPS_PLANNER_ADDRESS": "",
                "PLANOPS_AUTOMATION_DEFAULT_RULES": "false",
                "PLANOPS_AUTOMATION_DELIVERY_TIMEOUT_SECONDS": "2",
                "PLANOPS_AUTOMATION_DELIVERY_BACKOFF_SECONDS": "0.5",
                "PLANOPS_AUTOMATION_DELIVERY_BACKOFF_CAP_SECONDS": "2",
                # The bench's receiver is on 127.0.0.1, which the default policy refuses.
                "PLANOPS_AUTOMATION_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32",
            }
            automation = start("automation", automation_env)
            processes.append(automation)
            await wait_serving(automation_address, automation)
            async with grpc.aio.insecure_channel(automation_address) as achannel:
                stub = automation_service_pb2_grpc.AutomationServiceStub(achannel)  # type: ignore[no-untyped-call]
                for path in ("hang", "fast"):
                    await stub.CreateWebhook(
                        automation_service_pb2.CreateWebhookRequest(
                            parent="projects/bench",
                            webhook=webhook_pb2.Webhook(
                                url=f"http://127.0.0.1:{port}/{path}", event_types=["core.task.*"]
                            ),
                        ),
                        metadata=md,
                    )
            await create_tasks(tasks, md, 50, "warm-up")
            alone: list[float] = []
            with_automation: list[float] = []
            block = max(1, count // rounds)
            for r in range(rounds):
                log(f"round {r + 1}/{rounds}: {block} CreateTask paused, {block} running")
                os.kill(automation.pid, signal.SIGSTOP)
                try:
                    alone += await create_tasks(tasks, md, block, "alone")
                finally:
                    os.kill(automation.pid, signal.SIGCONT)
                with_automation += await create_tasks(tasks, md, block, "watched")
            expected = 50 + 2 * block * rounds
            for _ in range(3000):
                if len(arrived) >= expected:
                    break
                await asyncio.sleep(0.1)
            # Lag with no backlog: one task at a time, each after the previous arrived.
            log("lag: 100 tasks, one at a time")
            for i in range(100):
                await create_tasks(tasks, md, 1, f"lag {i}")
                expected += 1
                for _ in range(600):
                    if len(arrived) >= expected:
                        break
                    await asyncio.sleep(0.005)
        delivered = len(arrived)
        return {
            "tasks_per_side": len(alone),
            "rounds": rounds,
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "create_task_core_alone": summary_ms(alone),
            "create_task_with_automation_hanging_receiver": summary_ms(with_automation),
            "p50_ratio": round(percentile(with_automation, 50) / percentile(alone, 50), 3),
            "p99_ratio": round(percentile(with_automation, 99) / percentile(alone, 99), 3),
            "events": expected,
            "delivered_to_fast_receiver": delivered,
            "commit_to_receipt": summary_ms(lags) if lags else {},
        }
    finally:
        hanging.set()
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        await runner.cleanup()
        nats.stop()
        postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="planops-bench-automation-"))
    try:
        result = asyncio.run(bench(args.tasks, args.rounds, home))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
