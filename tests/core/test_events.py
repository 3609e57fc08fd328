"""Every committed change reaches JetStream once, whatever happens to NATS or to core."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import grpc
import nats
import psycopg
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from nats.aio.msg import Msg
from planops.core.v1 import (
    events_pb2,
    project_pb2,
    project_service_pb2,
    project_service_pb2_grpc,
    task_pb2,
    task_service_pb2,
    task_service_pb2_grpc,
)

from services.common.embedded import EmbeddedNats, free_port
from services.core.events import STREAM, backlog
from tests.conftest import CoreUnderTest, start_core


async def create_project(
    channel: grpc.aio.Channel, auth: tuple[tuple[str, str], ...], project_id: str
) -> None:
    await project_service_pb2_grpc.ProjectServiceStub(channel).CreateProject(
        project_service_pb2.CreateProjectRequest(
            project_id=project_id,
            project=project_pb2.Project(display_name=project_id, time_zone="UTC"),
        ),
        metadata=auth,
    )


async def create_tasks(
    channel: grpc.aio.Channel, auth: tuple[tuple[str, str], ...], project_id: str, count: int
) -> list[str]:
    stub = task_service_pb2_grpc.TaskServiceStub(channel)
    gate = asyncio.Semaphore(16)

    async def one(i: int) -> str:
        async with gate:
            reply = await stub.CreateTask(
                task_service_pb2.CreateTaskRequest(
                    parent=f"projects/{project_id}",
                    task=task_pb2.Task(title=f"task {i}", estimate_hours=4),
                    request_id=f"{project_id}-{i}",
                ),
                metadata=auth,
            )
            return str(reply.task.name)

    return await asyncio.gather(*(one(i) for i in range(count)))


async def wait_until_drained(database_url: str, *, seconds: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while await backlog(database_url):
        assert loop.time() < deadline, "the outbox did not drain"
        await asyncio.sleep(0.1)


async def wait_for_blocked_relay(database_url: str, locker: int, *, seconds: float = 120.0) -> None:
    """Until a session (the relay marking a window as sent) waits for the lock `locker` holds.

    Asked through `pg_blocking_pids`, not by query text: the PostgreSQL server is shared with
    other tests' services, whose relays run the same statement."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        while True:
            row = await (
                await conn.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE %s = ANY(pg_blocking_pids(pid)) AND query LIKE 'UPDATE outbox%%'",
                    (locker,),
                )
            ).fetchone()
            if row and row[0]:
                return
            assert loop.time() < deadline, "the relay never reached the locked row"
            await asyncio.sleep(0.05)


async def created_events(nats_url: str, project_id: str) -> list[events_pb2.ChangeEvent]:
    """Every stored `task.created` event of the project, read back from the stream."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe("planops.core.v1.task.created", stream=STREAM)
        found: list[events_pb2.ChangeEvent] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while loop.time() < deadline:
            try:
                batch = await sub.fetch(500, timeout=1)
            except (nats.errors.TimeoutError, TimeoutError):
                info = await sub.consumer_info()
                if info.num_pending == 0 and info.num_ack_pending == 0:
                    break
                continue
            for message in batch:
                event = events_pb2.ChangeEvent.FromString(message.data)
                assert message.headers and message.headers["Nats-Msg-Id"] == event.id
                if event.project == f"projects/{project_id}":
                    found.append(event)
                await message.ack()
        return found
    finally:
        await nc.drain()


@pytest.mark.slow
async def test_writes_succeed_while_nats_is_down_and_every_event_arrives_once(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> None:
    async for core in start_core(database_url=database_url, nats_url=own_nats.url, home=tmp_path):
        await create_project(core.channel, core.auth(), "outage")
        own_nats.stop()

        names = await create_tasks(core.channel, core.auth(), "outage", 500)

        assert await backlog(database_url) >= 500
        own_nats.start()
        await wait_until_drained(database_url)
    events = await created_events(own_nats.url, "outage")
    ids = [e.id for e in events]
    assert len(ids) == 500 and len(set(ids)) == 500
    assert sorted(e.aggregate for e in events) == sorted(names)


@pytest.mark.slow
async def test_killing_core_mid_relay_loses_nothing(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NATS_URL": own_nats.url,
        "PLANOPS_HOME": str(tmp_path),
        "PLANOPS_CORE_ADDRESS": f"127.0.0.1:{port}",
    }

    async def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sys.executable, "-m", "services.core"], env=env)  # noqa: ASYNC220 (a test starting a server)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            for _ in range(200):
                try:
                    reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return process
                except grpc.aio.AioRpcError:
                    pass
                await asyncio.sleep(0.1)
        process.kill()
        raise AssertionError("core did not start")

    process = await start()
    try:
        auth = (("authorization", f"Bearer {(tmp_path / 'admin.key').read_text().strip()}"),)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await create_project(channel, auth, "crash")
            own_nats.stop()
            names = await create_tasks(channel, auth, "crash", 400)
        # Stop the relay mid-backlog, deterministically: a row half-way down the backlog is
        # locked, so the relay publishes the windows before it, then publishes that row's
        # window and waits to mark it sent. Core is killed there: those events are in the
        # stream but still unsent in the outbox, and must not arrive twice.
        async with await psycopg.AsyncConnection.connect(database_url) as locker:
            # One row: `OFFSET ... FOR UPDATE` would also lock every row it skips.
            await locker.execute(
                "SELECT id FROM core.outbox WHERE id = (SELECT id FROM core.outbox"
                " WHERE sent_time IS NULL ORDER BY id OFFSET 200 LIMIT 1) FOR UPDATE"
            )
            pid = await (await locker.execute("SELECT pg_backend_pid()")).fetchone()
            assert pid is not None
            own_nats.start()
            await wait_for_blocked_relay(database_url, int(pid[0]))
            process.send_signal(signal.SIGKILL)
            process.wait()
            await locker.rollback()
        remaining = await backlog(database_url)
        assert 0 < remaining < 400, f"{remaining} unsent: the kill was not mid-relay"
        process = await start()
        await wait_until_drained(database_url)
    finally:
        process.terminate()
        process.wait(timeout=15)
    events = await created_events(own_nats.url, "crash")
    assert len(events) == 400 and len({e.id for e in events}) == 400
    assert sorted(e.aggregate for e in events) == sorted(names)


async def test_events_carry_aggregate_version_and_actor(core: CoreUnderTest) -> None:
    nc = await nats.connect(core.nats_url)
    received: list[events_pb2.ChangeEvent] = []
    got_all = asyncio.Event()

    async def on_message(message: Msg) -> None:
        event = events_pb2.ChangeEvent.FromString(message.data)
        if event.project == "projects/versions":
            received.append(event)
            if len(received) == 3:
                got_all.set()

    await nc.subscribe("planops.core.v1.task.>", cb=on_message)
    await create_project(core.channel, core.auth(), "versions")
    [name] = await create_tasks(core.channel, core.auth(), "versions", 1)
    stub = task_service_pb2_grpc.TaskServiceStub(core.channel)
    task = (
        await stub.GetTask(task_service_pb2.GetTaskRequest(name=name), metadata=core.auth())
    ).task
    task.title = "renamed"
    await stub.UpdateTask(
        task_service_pb2.UpdateTaskRequest(task=task, update_mask={"paths": ["title"]}),
        metadata=core.auth(),
    )
    await stub.TransitionTask(
        task_service_pb2.TransitionTaskRequest(name=name, to_state="submitted"),
        metadata=core.auth(),
    )
    await asyncio.wait_for(got_all.wait(), 10)
    await nc.drain()
    assert [e.type for e in received] == ["task.created", "task.updated", "task.transitioned"]
    assert [e.aggregate_version for e in received] == [1, 2, 3]
    assert received[1].changed_fields == ["title"] and received[1].task.title == "renamed"
    assert (
        received[2].transition.from_state == "draft"
        and received[2].transition.to_state == "submitted"
    )
    assert all(e.actor.id == "services/admin" for e in received)
