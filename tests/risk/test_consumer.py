"""The history consumer against real PostgreSQL, NATS and core: idempotent and shared."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from google.protobuf import timestamp_pb2
from planops.core.v1 import events_pb2, task_pb2

from services.common.db import connection
from services.risk.consumer import ConsumerSettings, HistoryConsumer
from tests.core.helpers import Client
from tests.risk.conftest import Stack, eventually


async def snapshot(stack: Stack) -> list[list[dict[str, Any]]]:
    async with connection(stack.risk.consumer.pool) as conn:
        found = []
        for query in (
            "SELECT * FROM tasks ORDER BY task",
            "SELECT event_id FROM processed_events ORDER BY event_id",
            "SELECT task, probability_late FROM scores ORDER BY task",
            "SELECT * FROM alert_fired ORDER BY subject",
            "SELECT * FROM task_changes ORDER BY name",
        ):
            cur = await conn.execute(query)
            found.append(await cur.fetchall())
        return found


async def processed(stack: Stack) -> int:
    async with connection(stack.risk.consumer.pool) as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM processed_events")
        row = await cur.fetchone()
        return int(row["n"]) if row else 0


async def test_the_same_event_twice_leaves_the_same_state(stack: Stack) -> None:
    core = Client(stack.core)
    await core.create_project("twice", time_zone="UTC")
    task = await core.create_task("twice", "once", estimate_hours=16, due_date="2030-01-01")

    async def held() -> bool:
        return len((await snapshot(stack))[0]) == 1

    await eventually(held)
    consumer = stack.risk.consumer
    time = timestamp_pb2.Timestamp()
    time.GetCurrentTime()
    task.title = "renamed"
    task.estimate_hours = 24
    task.state = "submitted"
    event = events_pb2.ChangeEvent(
        id="replayed-event",
        type="task.transitioned",
        aggregate=task.name,
        aggregate_version=5,
        time=time,
        project="projects/twice",
        task=task,
        transition=task_pb2.TaskTransition(
            name=f"{task.name}/transitions/999",
            from_state="draft",
            to_state="submitted",
            time=time,
        ),
    )
    assert await consumer.handle(event.SerializeToString())
    after_first = await snapshot(stack)
    assert after_first[0][0]["title"] == "renamed" and after_first[0][0]["version"] == 5
    # The move and the changed estimate are logged once each, beside the creation.
    changes = {(c["from_state"], c["to_state"], c["estimate_changed"]) for c in after_first[4]}
    assert changes == {("", "draft", False), ("draft", "submitted", False), ("", "", True)}
    assert not await consumer.handle(event.SerializeToString())
    assert await snapshot(stack) == after_first
    # A redelivery under a new event id (a replayed stream) logs the same move only once.
    again = events_pb2.ChangeEvent()
    again.CopyFrom(event)
    again.id = "replayed-again"
    await consumer.handle(again.SerializeToString())
    assert (await snapshot(stack))[4] == after_first[4]

    # A new event id carrying an older version of the task changes nothing either.
    task.title = "stale"
    older = events_pb2.ChangeEvent(
        id="older-event",
        type="task.updated",
        aggregate=task.name,
        aggregate_version=4,
        time=time,
        task=task,
    )
    await consumer.handle(older.SerializeToString())
    assert (await snapshot(stack))[0] == after_first[0]


async def test_two_consumers_on_one_durable_share_the_events(stack: Stack) -> None:
    first = stack.risk.consumer
    second = HistoryConsumer(
        pool=first.pool,
        scorer=first.scorer,
        nats_url=stack.nats_url,
        settings=ConsumerSettings(durable=first.settings.durable, batch=5),
    )
    running = asyncio.create_task(second.run())
    try:
        await asyncio.wait_for(second.ready.wait(), 20)
        core = Client(stack.core)
        await core.create_project("shared", time_zone="UTC")
        await asyncio.gather(
            *(core.create_task("shared", f"task {i}", estimate_hours=8) for i in range(40))
        )

        async def all_held() -> bool:
            return len([r for r in (await snapshot(stack))[0] if r["project"] == "shared"]) == 40

        await eventually(all_held)

        # Once nothing is in flight, every event either consumer received (core's start-up
        # events included) was claimed once: a delivery to both, or a redelivery, would
        # leave `received` above the claims for good.
        async def settled() -> bool:
            claims = await processed(stack)
            received = first.received + second.received
            return claims == received == first.applied + second.applied

        await eventually(settled)
        assert second.received > 0
    finally:
        second.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(running, 10)
