"""core and risk as real processes (`python -m services.<name>`), configured by the
environment as `planops up` does: their /metrics move with the calls, and a request id a
client sets shows up in core's log line and in risk's line for the resulting event."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import nats
import psycopg
import pytest
from planops.core.v1 import (
    api_key_service_pb2,
    api_key_service_pb2_grpc,
    events_pb2,
    project_pb2,
    project_service_pb2,
    project_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
    task_service_pb2_grpc,
)
from psycopg import conninfo

from services.cli.stack import service_key, wait_serving
from services.common.embedded import EmbeddedNats, free_port
from services.common.outbox import REQUEST_ID_HEADER

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@dataclass
class Processes:
    core_address: str
    metrics: dict[str, str]
    logs: dict[str, Path]
    admin_key: str
    nats_url: str

    @property
    def md(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.admin_key}"),)


def _start(name: str, env: dict[str, str], log_file: Path) -> subprocess.Popen[bytes]:
    with log_file.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", f"services.{name}"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture(scope="module")
def processes(pg_server_url: str, template_database: str) -> Iterator[Processes]:
    tmp = Path(tempfile.mkdtemp(prefix="planops-obs-"))
    database = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template_database}"')
    nats_server = EmbeddedNats(tmp / "nats")
    children: list[subprocess.Popen[bytes]] = []
    try:
        nats_url = nats_server.start()
        ports = {name: (free_port(), free_port()) for name in ("core", "risk")}
        base = {
            **os.environ,
            "DATABASE_URL": conninfo.make_conninfo(pg_server_url, dbname=database),
            "NATS_URL": nats_url,
            "PLANOPS_HOME": str(tmp / "home"),
            "PLANOPS_LOG_LEVEL": "DEBUG",
            "PLANOPS_CORE_ADDRESS": f"127.0.0.1:{ports['core'][0]}",
            "PLANOPS_RISK_ADDRESS": f"127.0.0.1:{ports['risk'][0]}",
            "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "gen")]),
        }
        running = Processes(
            core_address=f"127.0.0.1:{ports['core'][0]}",
            metrics={name: f"127.0.0.1:{m}" for name, (_, m) in ports.items()},
            logs={name: tmp / f"{name}.log" for name in ports},
            admin_key="",
            nats_url=nats_url,
        )
        for name in ("core", "risk"):
            env = {**base, f"PLANOPS_{name.upper()}_METRICS_ADDRESS": running.metrics[name]}
            if name == "risk":
                env["PLANOPS_CORE_KEY"] = service_key(
                    tmp / "home", "risk", core_address=running.core_address
                )
            child = _start(name, env, running.logs[name])
            children.append(child)
            wait_serving(f"127.0.0.1:{ports[name][0]}", child, timeout=120)
        running.admin_key = (tmp / "home" / "admin.key").read_text().strip()
        yield running
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        nats_server.stop()
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


def scrape(address: str) -> dict[str, float]:
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=10) as reply:
        text = reply.read().decode()
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples


def eventually(check: Callable[[], bool], *, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)


def log_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in path.read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
    return lines


def create_project_and_task(
    running: Processes, project: str, *, request_id: str = ""
) -> task_pb2.Task:
    md = (*running.md, ("x-request-id", request_id)) if request_id else running.md
    with grpc.insecure_channel(running.core_address) as channel:
        projects = project_service_pb2_grpc.ProjectServiceStub(channel)
        tasks = task_service_pb2_grpc.TaskServiceStub(channel)
        projects.CreateProject(
            project_service_pb2.CreateProjectRequest(
                project_id=project, project=project_pb2.Project(display_name=project.title())
            ),
            metadata=running.md,
        )
        reply = tasks.CreateTask(
            task_service_pb2.CreateTaskRequest(
                parent=f"projects/{project}",
                task=task_pb2.Task(title="Draft the launch email", estimate_hours=6),
            ),
            metadata=md,
        )
    return reply.task


def test_core_metrics_count_calls_by_method_and_code(processes: Processes) -> None:
    method = "/planops.core.v1.ApiKeyService/GetCaller"
    ok = f'planops_rpc_requests_total{{code="OK",method="{method}"}}'
    refused = f'planops_rpc_requests_total{{code="UNAUTHENTICATED",method="{method}"}}'
    timed = f'planops_rpc_duration_seconds_count{{method="{method}"}}'
    before = scrape(processes.metrics["core"])
    with grpc.insecure_channel(processes.core_address) as channel:
        keys = api_key_service_pb2_grpc.ApiKeyServiceStub(channel)
        for _ in range(2):
            keys.GetCaller(api_key_service_pb2.GetCallerRequest(), metadata=processes.md)
        with pytest.raises(grpc.RpcError):
            keys.GetCaller(api_key_service_pb2.GetCallerRequest())
    after = scrape(processes.metrics["core"])
    assert after[ok] - before.get(ok, 0) == 2
    assert after[refused] - before.get(refused, 0) == 1
    assert after[timed] - before.get(timed, 0) == 3


def test_outbox_and_consumer_metrics_follow_an_event(processes: Processes) -> None:
    published = 'planops_outbox_published_total{outbox="core"}'
    applied = 'planops_consumer_events_total{consumer="risk",outcome="applied"}'
    lag = 'planops_consumer_event_lag_seconds_count{consumer="risk"}'
    scored = "planops_risk_scoring_seconds_count"
    core_before = scrape(processes.metrics["core"])
    risk_before = scrape(processes.metrics["risk"])
    create_project_and_task(processes, "metrics")

    eventually(lambda: scrape(processes.metrics["core"]).get(published, 0) >= core_before.get(published, 0) + 2)  # fmt: skip
    eventually(lambda: scrape(processes.metrics["risk"]).get(applied, 0) >= risk_before.get(applied, 0) + 2)  # fmt: skip
    # The new task is scored after its event is applied.
    eventually(lambda: scrape(processes.metrics["risk"]).get(scored, 0) > risk_before.get(scored, 0))  # fmt: skip
    core_after = scrape(processes.metrics["core"])
    risk_after = scrape(processes.metrics["risk"])
    assert core_after['planops_outbox_backlog{outbox="core"}'] >= 0
    assert core_after.get('planops_outbox_lag_seconds_count{outbox="core"}', 0) >= 2
    assert risk_after[lag] - risk_before.get(lag, 0) >= 2
    assert risk_after["planops_risk_scored_tasks_total"] >= 1
    assert risk_after['planops_risk_model_info{version="prior"}'] == 1


def test_a_request_id_follows_the_call_from_core_to_the_consumer(processes: Processes) -> None:
    request_id = f"obs-{uuid.uuid4().hex[:12]}"
    task = create_project_and_task(processes, "traced", request_id=request_id)

    def in_core() -> list[dict[str, Any]]:
        return [
            line
            for line in log_lines(processes.logs["core"])
            if line.get("request_id") == request_id
        ]

    def in_risk() -> list[dict[str, Any]]:
        return [
            line
            for line in log_lines(processes.logs["risk"])
            if line.get("request_id") == request_id
        ]

    eventually(lambda: bool(in_core()))
    eventually(lambda: bool(in_risk()))
    assert any("TaskService/CreateTask OK" in line["message"] for line in in_core())
    assert any(
        "applied task.created" in line["message"] and task.name in line["message"]
        for line in in_risk()
    )
    # The project was created without the id: none of its lines carry it.
    assert not any("CreateProject" in line["message"] for line in in_core())


async def test_core_publishes_the_request_id_as_a_message_header(processes: Processes) -> None:
    request_id = f"hdr-{uuid.uuid4().hex[:12]}"
    nc = await nats.connect(processes.nats_url)
    try:
        sub = await nc.subscribe("planops.core.v1.task.created")
        task = await asyncio.to_thread(
            create_project_and_task, processes, "headers", request_id=request_id
        )
        while True:
            message = await sub.next_msg(timeout=30)
            event = events_pb2.ChangeEvent.FromString(message.data)
            if event.aggregate == task.name:
                break
    finally:
        await nc.close()
    assert (message.headers or {}).get(REQUEST_ID_HEADER) == request_id
    assert event.request_id == request_id
