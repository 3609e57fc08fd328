"""The history consumer against real PostgreSQL, NATS and core: idempotent and shared."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import nats
import psycopg
import pytest
from google.protobuf import timestamp_pb2
from nats.js.api import AckPolicy, ConsumerConfig
from planops.core.v1 import events_pb2, task_pb2

from services.common.db import connection
from services.common.errors import Unavailable
from services.risk.consumer import (
    ConsumerSettings,
    HistoryConsumer,
    OutOfOrder,
    handle_batch,
    redelivery_delay,
)
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


async def test_a_failed_event_and_the_rest_of_its_batch_come_back_before_newer_events(
    nats_url: str,
) -> None:
    tag = uuid.uuid4().hex[:8]
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        await js.add_stream(name=f"BATCH_{tag}", subjects=[f"batch.{tag}.>"])
        for i in range(5):
            await js.publish(f"batch.{tag}.e", str(i).encode())
        sub = await js.pull_subscribe(
            f"batch.{tag}.>",
            durable="batch",
            stream=f"BATCH_{tag}",
            config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=60),
        )
        handled: list[bytes] = []

        async def handle(data: bytes, deliveries: int) -> None:
            if data == b"2":
                raise Unavailable("the database went away")
            handled.append(data)

        with pytest.raises(Unavailable):
            await handle_batch(await sub.fetch(5, timeout=5), handle)
        await js.publish(f"batch.{tag}.e", b"5")

        again = await sub.fetch(10, timeout=5)
        # Redelivered now, not after the 60 s ack wait, and ahead of the newer event.
        assert handled == [b"0", b"1"]
        assert [m.data for m in again][:3] == [b"2", b"3", b"4"]
        assert all(m.metadata.num_delivered == 2 for m in again[:3])
        await js.delete_stream(f"BATCH_{tag}")
    finally:
        await nc.close()


async def test_an_event_and_the_scores_it_causes_commit_together(stack: Stack) -> None:
    core = Client(stack.core)
    await core.create_project("together", time_zone="UTC")
    task = await core.create_task("together", "scored", estimate_hours=8, due_date="2030-01-01")

    async def held() -> bool:
        return len([r for r in (await snapshot(stack))[0] if r["project"] == "together"]) == 1

    await eventually(held)
    consumer = stack.risk.consumer
    time = timestamp_pb2.Timestamp()
    time.GetCurrentTime()
    task.estimate_hours = 40
    event = events_pb2.ChangeEvent(
        id="scored-with-its-event",
        type="task.updated",
        aggregate=task.name,
        aggregate_version=7,
        time=time,
        project="projects/together",
        task=task,
        changed_fields=["estimate_hours"],
    )
    async with connection(consumer.pool) as conn:
        await conn.execute("DELETE FROM scores WHERE task = %s", (task.name,))
        # Storing a score now fails, as it would if the database went away at that moment.
        await conn.execute(
            "ALTER TABLE scores ADD CONSTRAINT no_scores CHECK (probability_late < 0) NOT VALID"
        )
    try:
        with pytest.raises(psycopg.errors.CheckViolation):
            await consumer.handle(event.SerializeToString())
    finally:
        async with connection(consumer.pool) as conn:
            await conn.execute("ALTER TABLE scores DROP CONSTRAINT no_scores")

    tasks, seen, scores, _, _ = await snapshot(stack)
    assert "scored-with-its-event" not in {r["event_id"] for r in seen}
    assert [r["version"] for r in tasks if r["task"] == task.name] == [1]
    assert task.name not in {r["task"] for r in scores}

    # The redelivery applies the event and scores the task, once.
    assert await consumer.handle(event.SerializeToString())
    tasks, seen, scores, _, changes = await snapshot(stack)
    assert [c["name"] for c in changes if c["task"] == task.name and c["estimate_changed"]] == [
        "events/scored-with-its-event"
    ]
    assert task.name in {r["task"] for r in scores}
    assert not await consumer.handle(event.SerializeToString())


def test_an_event_that_keeps_failing_comes_back_later_and_later() -> None:
    delays = [redelivery_delay(n) for n in range(1, 10)]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:] == sorted(delays[3:]) and delays[3] > 0
    assert max(delays) == 60.0


async def test_a_task_event_ahead_of_an_earlier_version_waits_for_it(stack: Stack) -> None:
    core = Client(stack.core)
    await core.create_project("ahead", time_zone="UTC")
    task = await core.create_task("ahead", "counted", estimate_hours=8)

    async def held() -> bool:
        return len([r for r in (await snapshot(stack))[0] if r["project"] == "ahead"]) == 1

    await eventually(held)
    consumer = stack.risk.consumer
    time = timestamp_pb2.Timestamp()
    time.GetCurrentTime()

    def estimate_changed(version: int, hours: float) -> bytes:
        task.estimate_hours = hours
        return events_pb2.ChangeEvent(
            id=f"ahead-{task.name}-{version}",
            type="task.updated",
            aggregate=task.name,
            aggregate_version=version,
            time=time,
            project="projects/ahead",
            task=task,
            changed_fields=["estimate_hours"],
        ).SerializeToString()

    second, third = estimate_changed(2, 12), estimate_changed(3, 16)
    # The third version, delivered first (the second is still with a replica that died).
    with pytest.raises(OutOfOrder):
        await consumer.handle(third, 1)
    assert await consumer.handle(second, 1)
    assert await consumer.handle(third, 2)
    tasks, seen, _, _, changes = await snapshot(stack)
    [row] = [r for r in tasks if r["task"] == task.name]
    estimate_changes = sum(1 for c in changes if c["task"] == task.name and c["estimate_changed"])
    assert (row["version"], estimate_changes, row["estimate_hours"]) == (3, 2, 16)
    assert {f"ahead-{task.name}-2", f"ahead-{task.name}-3"} <= {r["event_id"] for r in seen}

    # An update of a task whose creation has not arrived waits for it too.
    task.name = task.name.rsplit("/", 1)[0] + "/999999"
    with pytest.raises(OutOfOrder):
        await consumer.handle(estimate_changed(2, 20), 1)
    # Past the patience (the creation is lost for good), it is applied as it is.
    assert await consumer.handle(estimate_changed(2, 20), consumer.settings.gap_patience + 1)


def test_an_event_waits_for_an_earlier_version_no_longer_than_the_ack_wait() -> None:
    settings = ConsumerSettings(ack_wait_seconds=60, gap_retry_seconds=1)
    assert settings.gap_patience * settings.gap_retry_seconds >= 60
