"""The history consumer against real PostgreSQL, NATS and core: idempotent and shared."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import datetime
from typing import Any

import nats
import psycopg
import pytest
from google.protobuf import timestamp_pb2
from nats.js.api import AckPolicy, ConsumerConfig
from planops.core.v1 import events_pb2, task_pb2

from services.common.db import connection
from services.common.errors import Unavailable
from services.risk import store
from services.risk.consumer import (
    BatchFailed,
    ConsumerSettings,
    HistoryConsumer,
    OutOfOrder,
    handle_batch,
    redelivery_delay,
    split_batch,
)
from services.risk.convert import TaskRow
from services.risk.model import RiskPrediction
from tests.core.helpers import EXECUTOR, Client
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
        # The server takes acknowledgements in on a queue of its own: once it has taken the
        # two acks, it has the three hand-backs sent after them too. A newer event published
        # before that may come first, which the consumer's version checks allow for.
        for _ in range(100):
            info = await js.consumer_info(f"BATCH_{tag}", "batch")
            if info.ack_floor.stream_seq >= 2:
                break
            await asyncio.sleep(0.05)
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


def test_an_event_that_keeps_failing_is_applied_in_a_batch_of_its_own() -> None:
    assert split_batch([1, 1, 2, 1]) == [(0, 4)]
    assert split_batch([1, 4, 1, 1, 5]) == [(0, 1), (1, 2), (2, 4), (4, 5)]
    assert split_batch([9]) == [(0, 1)]
    assert split_batch([]) == []


class CountingScorer(store.Scorer):
    """The real scorer, counting its calls (each is one trip to the executor)."""

    calls: list[int]

    async def score_on_calendars(
        self, conn: Any, targets: list[TaskRow], *, now: datetime | None = None
    ) -> Any:
        self.calls.append(len(targets))
        found: tuple[list[RiskPrediction], Any] = await super().score_on_calendars(
            conn, targets, now=now
        )
        return found


def counting_consumer(stack: Stack) -> tuple[HistoryConsumer, list[int]]:
    running = stack.risk.consumer
    scorer = CountingScorer(running.pool, running.scorer.executor)
    scorer.calls = []
    scorer.model = running.scorer.model
    consumer = HistoryConsumer(
        pool=running.pool, scorer=scorer, nats_url=stack.nats_url, settings=running.settings
    )
    return consumer, scorer.calls


async def held_tasks(stack: Stack, project: str, count: int) -> None:
    async def held() -> bool:
        return len([r for r in (await snapshot(stack))[0] if r["project"] == project]) == count

    await eventually(held)


def task_event(
    task: task_pb2.Task, version: int, *, hours: float, move_to: str = "", tag: str = ""
) -> bytes:
    time = timestamp_pb2.Timestamp()
    time.GetCurrentTime()
    changed = task_pb2.Task()
    changed.CopyFrom(task)
    changed.estimate_hours = hours
    event = events_pb2.ChangeEvent(
        id=f"{tag}{task.name}@{version}",
        type="task.updated",
        aggregate=task.name,
        aggregate_version=version,
        time=time,
        project="/".join(task.name.split("/")[:2]),
        task=changed,
    )
    if move_to:
        event.type = "task.transitioned"
        event.transition.CopyFrom(
            task_pb2.TaskTransition(
                name=f"{task.name}/transitions/{version}",
                from_state=task.state,
                to_state=move_to,
                time=time,
            )
        )
        event.task.state = move_to
    return event.SerializeToString()


async def test_a_batch_commits_together_and_scores_its_tasks_once(stack: Stack) -> None:
    core = Client(stack.core)
    await core.create_project("batched", time_zone="UTC")
    await core.add_person("ann", project="batched", roles=[EXECUTOR])
    first = await core.create_task(
        "batched", "first", estimate_hours=8, due_date="2030-01-01", assignee="people/ann"
    )
    second = await core.create_task(
        "batched", "second", estimate_hours=8, due_date="2030-01-01", assignee="people/ann"
    )
    await held_tasks(stack, "batched", 2)
    consumer, calls = counting_consumer(stack)
    ahead = task_event(first, 3, hours=30)
    earlier = task_event(first, 2, hours=20)
    # The second task's version 2 never arrives: its version 3 waits, and its move with it.
    stranded = task_event(second, 3, hours=50, move_to="submitted")
    outcomes = await consumer.handle_many([(ahead, 1), (earlier, 1), (stranded, 1), (earlier, 1)])
    assert outcomes[:2] == [True, True] and outcomes[3] is False
    assert isinstance(outcomes[2], OutOfOrder)
    # Both tasks (the assignee's other open task too), scored in one call.
    assert calls == [2]
    tasks, seen, scores, _, changes = await snapshot(stack)
    rows = {r["task"]: r for r in tasks}
    assert (rows[first.name]["version"], rows[first.name]["estimate_hours"]) == (3, 30)
    assert (rows[second.name]["version"], rows[second.name]["estimate_hours"]) == (1, 8)
    ids = {r["event_id"] for r in seen}
    assert {f"{first.name}@2", f"{first.name}@3"} <= ids and f"{second.name}@3" not in ids
    assert f"{second.name}/transitions/3" not in {c["name"] for c in changes}
    assert {first.name, second.name} <= {r["task"] for r in scores}
    assert (consumer.received, consumer.applied) == (3, 2)

    # Past the patience (version 2 is lost for good), it is applied as it is.
    assert await consumer.handle_many([(stranded, consumer.settings.gap_patience + 1)]) == [True]
    tasks, _, _, _, changes = await snapshot(stack)
    assert [r["version"] for r in tasks if r["task"] == second.name] == [3]
    assert f"{second.name}/transitions/3" in {c["name"] for c in changes}


async def test_a_batch_whose_scores_fail_leaves_nothing_behind(stack: Stack) -> None:
    core = Client(stack.core)
    await core.create_project("rolled", time_zone="UTC")
    task = await core.create_task("rolled", "scored", estimate_hours=8, due_date="2030-01-01")
    await held_tasks(stack, "rolled", 1)
    consumer, _ = counting_consumer(stack)
    events = [(task_event(task, 2, hours=16), 1), (task_event(task, 3, hours=24), 1)]
    async with connection(consumer.pool) as conn:
        await conn.execute(
            "ALTER TABLE scores ADD CONSTRAINT no_scores CHECK (probability_late < 0) NOT VALID"
        )
    try:
        with pytest.raises(BatchFailed) as failed:
            await consumer.handle_many(events)
        assert failed.value.index is None
        assert isinstance(failed.value.error, psycopg.errors.CheckViolation)
    finally:
        async with connection(consumer.pool) as conn:
            await conn.execute("ALTER TABLE scores DROP CONSTRAINT no_scores")
    tasks, seen, _, _, _ = await snapshot(stack)
    assert [r["version"] for r in tasks if r["task"] == task.name] == [1]
    assert not {f"{task.name}@2", f"{task.name}@3"} & {r["event_id"] for r in seen}
    assert consumer.received == consumer.applied == 0

    # A redelivery applies both, once.
    assert await consumer.handle_many(events) == [True, True]
    assert await consumer.handle_many(events) == [False, False]
    tasks, _, _, _, changes = await snapshot(stack)
    assert [r["version"] for r in tasks if r["task"] == task.name] == [3]
    estimate_changes = [c for c in changes if c["task"] == task.name and c["estimate_changed"]]
    assert len(estimate_changes) == 2


async def test_fetched_messages_are_acked_handed_back_or_all_returned(stack: Stack) -> None:
    core = Client(stack.core)
    await core.create_project("acked", time_zone="UTC")
    task = await core.create_task("acked", "counted", estimate_hours=8)
    await held_tasks(stack, "acked", 1)
    consumer, _ = counting_consumer(stack)
    tag = uuid.uuid4().hex[:8]
    nc = await nats.connect(stack.nats_url)
    try:
        js = nc.jetstream()
        await js.add_stream(name=f"RISKBATCH_{tag}", subjects=[f"riskbatch.{tag}.>"])
        subject = f"riskbatch.{tag}.e"
        # A valid event, then one that cannot be parsed: nothing of the batch commits.
        await js.publish(subject, task_event(task, 2, hours=12, tag="a:"))
        await js.publish(subject, b"\x0a\xff")
        sub = await js.pull_subscribe(
            f"riskbatch.{tag}.>",
            durable="riskbatch",
            stream=f"RISKBATCH_{tag}",
            config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=60),
        )
        with pytest.raises(Exception) as failed:
            await consumer.handle_messages(await sub.fetch(5, timeout=5))
        assert not isinstance(failed.value, BatchFailed)  # the event's own error
        _, seen, _, _, _ = await snapshot(stack)
        assert f"a:{task.name}@2" not in {r["event_id"] for r in seen}
        # Both back at once, not after the ack wait.
        again = await sub.fetch(5, timeout=5)
        assert [m.metadata.num_delivered for m in again] == [2, 2]
        await again[1].term()

        # An event ahead of its task's next version is handed back; the rest commit.
        await js.publish(subject, task_event(task, 4, hours=20, tag="a:"))
        batch = [again[0], *await sub.fetch(5, timeout=5)]
        await consumer.handle_messages(batch)
        _, seen, _, _, _ = await snapshot(stack)
        ids = {r["event_id"] for r in seen}
        assert f"a:{task.name}@2" in ids and f"a:{task.name}@4" not in ids
        back = await sub.fetch(5, timeout=10)
        assert [m.data for m in back] == [batch[1].data]
        assert back[0].metadata.num_delivered == 2
        await js.delete_stream(f"RISKBATCH_{tag}")
    finally:
        await nc.close()


async def test_an_event_naming_another_projects_task_is_ignored(stack: Stack) -> None:
    """#13 finding 6: a publisher that names project A in an event about B's task."""
    core = Client(stack.core)
    await core.create_project("forged-a", time_zone="UTC")
    await core.create_project("forged-b", time_zone="UTC")
    task = await core.create_task("forged-b", "victim", estimate_hours=8, due_date="2030-01-01")
    await held_tasks(stack, "forged-b", 1)
    consumer, _ = counting_consumer(stack)
    forged = events_pb2.ChangeEvent.FromString(task_event(task, 2, hours=99, tag="forged:"))
    forged.project = "projects/forged-a"
    await consumer.handle_many([(forged.SerializeToString(), 1)])
    tasks = (await snapshot(stack))[0]
    rows = [r for r in tasks if r["task"] == task.name]
    assert [(r["project"], r["version"], r["estimate_hours"]) for r in rows] == [("forged-b", 1, 8)]
