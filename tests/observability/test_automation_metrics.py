"""automation's /metrics, scraped over HTTP from a real automation service (real core,
PostgreSQL and NATS): consumed events, rule runs and actions, webhook attempts and their
outcomes, deliveries that ended FAILED and those still waiting, and its outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from planops.automation.v1 import events_pb2 as automation_events_pb2
from planops.automation.v1 import rule_pb2
from planops.core.v1 import events_pb2
from planops.risk.v1 import events_pb2 as risk_events_pb2
from planops.risk.v1 import risk_pb2

from services.automation.backlog import Backlog
from services.automation.config import Config
from services.automation.consumer import sent_time
from services.common.embedded import EmbeddedNats, free_port
from services.common.metrics import delivery_outcome
from services.common.server import ServerOptions
from tests.automation.conftest import (
    PROJECT,
    Receiver,
    Stack,
    automation_for,
    create_rule,
    deliveries,
    eventually,
    finished_runs,
    service_key,
    subscribe,
)
from tests.conftest import start_core
from tests.core.helpers import Client

R = rule_pb2
CORE = 'planops_consumer_events_total{consumer="automation/PLANOPS_CORE",outcome="applied"}'
OWN = 'planops_consumer_events_total{consumer="automation/PLANOPS_AUTOMATION",outcome="applied"}'
CORE_LAG = 'planops_consumer_event_lag_seconds_count{consumer="automation/PLANOPS_CORE"}'
FIRED = 'planops_automation_rule_runs_total{outcome="fired",trigger="task_created"}'
NOT_MET = 'planops_automation_rule_runs_total{outcome="conditions_not_met",trigger="task_created"}'
SENT = 'planops_automation_rule_actions_total{kind="send_webhook",outcome="done"}'
OK = 'planops_automation_webhook_attempts_total{outcome="2xx"}'
REFUSED = 'planops_automation_webhook_attempts_total{outcome="other_status"}'
NO_ANSWER = 'planops_automation_webhook_attempts_total{outcome="no_answer"}'
OK_TIMED = 'planops_automation_webhook_attempt_seconds_count{outcome="2xx"}'
FAILED = "planops_automation_webhook_deliveries_failed_total"
WAITING = "planops_automation_webhook_deliveries_waiting"
PUBLISHED = 'planops_outbox_published_total{outbox="automation"}'


@dataclass
class Measured:
    stack: Stack
    metrics: str

    def scrape(self) -> dict[str, float]:
        with urllib.request.urlopen(f"http://{self.metrics}/metrics", timeout=10) as reply:
            text = reply.read().decode()
        samples: dict[str, float] = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                samples[key] = float(value)
        return samples

    async def samples(self) -> dict[str, float]:
        return await asyncio.to_thread(self.scrape)


def moved(after: dict[str, float], before: dict[str, float], key: str) -> float:
    return after.get(key, 0.0) - before.get(key, 0.0)


@asynccontextmanager
async def measured(
    database_url: str, nats_url: str, home: Path, **overrides: Any
) -> AsyncIterator[Measured]:
    async for core in start_core(database_url=database_url, nats_url=nats_url, home=home):
        client = Client(core)
        await client.create_project(PROJECT, time_zone="UTC")
        key = await service_key(client)
        server = ServerOptions(metrics_address="127.0.0.1:0")
        async with automation_for(core, key, server=server, **overrides) as (automation, stub):
            assert automation.server.metrics is not None
            stack = Stack(core=core, client=client, key=key, automation=automation, stub=stub)
            yield Measured(stack, f"127.0.0.1:{automation.server.metrics.port}")


@pytest.fixture
async def automation(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> AsyncIterator[Measured]:
    async with measured(database_url, own_nats.url, tmp_path / "home") as running:
        yield running


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        await r.stop()


async def test_an_event_moves_the_consumed_rule_run_and_attempt_counters(
    automation: Measured, receiver: Receiver
) -> None:
    stack = automation.stack
    await receiver.start()
    hook = await subscribe(stack, receiver.url, "core.task.created")
    # Once this task's delivery arrives, every event before it has been consumed.
    await stack.client.create_task(PROJECT, "Warm up")
    await eventually(lambda: _received(receiver, 1))
    forward = await create_rule(
        stack,
        "forward",
        R.Rule(
            trigger=R.TRIGGER_TASK_CREATED,
            actions=[R.Action(send_webhook=R.SendWebhook(webhook=hook.webhook.name))],
        ),
    )
    urgent = await create_rule(
        stack,
        "only-urgent",
        R.Rule(
            trigger=R.TRIGGER_TASK_CREATED,
            conditions=[
                R.Condition(field="priority", operator=R.OPERATOR_EQUALS, values=["urgent"])
            ],
            actions=[R.Action(add_comment=R.AddComment(body="urgent"))],
        ),
    )
    before = await automation.samples()

    await stack.client.create_task(PROJECT, "Measured")
    await finished_runs(stack, forward.name)
    await finished_runs(stack, urgent.name)
    # The subscription's delivery and the rule's.
    await eventually(lambda: _received(receiver, 3))

    async def rule_fired_consumed() -> bool:
        return moved(await automation.samples(), before, OWN) >= 1

    await eventually(rule_fired_consumed)
    after = await automation.samples()
    assert moved(after, before, CORE) == 1  # task.created
    assert moved(after, before, CORE_LAG) == 1
    assert moved(after, before, OWN) == 1  # the rule's rule.fired
    assert moved(after, before, PUBLISHED) == 1
    assert moved(after, before, FIRED) == 1
    assert moved(after, before, NOT_MET) == 1
    assert moved(after, before, SENT) == 1
    assert moved(after, before, OK) == 2
    assert moved(after, before, OK_TIMED) == 2
    assert moved(after, before, REFUSED) == moved(after, before, NO_ANSWER) == 0
    assert moved(after, before, FAILED) == 0
    assert after['planops_outbox_backlog{outbox="automation"}'] >= 0
    assert len(await deliveries(stack, hook.webhook.name)) == 3  # with the warm-up one


async def test_failed_deliveries_and_the_waiting_ones_are_counted(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path, receiver: Receiver
) -> None:
    hanging = Receiver(hang=True)
    receiver.failures_left = 100
    await receiver.start()
    await hanging.start()
    try:
        async with measured(
            database_url,
            own_nats.url,
            tmp_path / "home",
            delivery_max_attempts=2,
            delivery_timeout_seconds=60,
        ) as automation:
            stack = automation.stack
            await subscribe(stack, receiver.url, "core.task.created")
            await subscribe(stack, f"http://127.0.0.1:{free_port()}/hook", "core.task.created")
            await subscribe(stack, hanging.url, "core.task.created")
            before = await automation.samples()

            await stack.client.create_task(PROJECT, "Nobody wants this")

            async def both_failed() -> bool:
                return moved(await automation.samples(), before, FAILED) >= 2

            await eventually(both_failed)
            await eventually(lambda: _hanging(hanging))
            assert await Backlog(pool=stack.automation.worker.pool).count() == (1, 0)

            # The service's own counter runs every few seconds and may finish a count it
            # began before the delivery was written, after ours: the gauge is right within
            # one period, not at once.
            async def one_waiting() -> bool:
                return (await automation.samples())[WAITING] == 1

            await eventually(one_waiting)
            after = await automation.samples()
            assert moved(after, before, FAILED) == 2
            assert moved(after, before, REFUSED) == 2
            assert moved(after, before, NO_ANSWER) == 2
            assert moved(after, before, OK) == 0
            hanging.released.set()
    finally:
        await hanging.stop()


async def test_due_notices_and_refused_loops_are_counted(automation: Measured) -> None:
    stack = automation.stack
    overdue = 'planops_automation_due_notices_total{kind="overdue"}'
    soon = 'planops_automation_due_notices_total{kind="due_soon"}'
    loops = "planops_automation_rule_loops_refused_total"
    before = await automation.samples()
    await stack.client.create_task(PROJECT, "Late", due_date="2020-01-01")
    await stack.client.create_task(PROJECT, "Later", due_date="2099-01-01")
    published = 0

    async def ticked() -> bool:  # once the consumer has learned the task
        nonlocal published
        published += await stack.automation.scheduler.tick()
        return published > 0

    await eventually(ticked)
    assert published == 1
    assert await stack.automation.scheduler.tick() == 0
    spin = R.Rule(
        trigger=R.TRIGGER_TASK_STATE_CHANGED,
        actions=[R.Action(move_to_state=R.MoveToState(state="in_progress"))],
    )
    with pytest.raises(grpc.aio.AioRpcError):
        await create_rule(stack, "spin", spin)
    after = await automation.samples()
    assert moved(after, before, overdue) == 1
    assert moved(after, before, soon) == 0
    assert moved(after, before, loops) == 1


async def _received(receiver: Receiver, count: int) -> bool:
    return len(receiver.received) >= count


async def _hanging(receiver: Receiver) -> bool:
    return receiver.hanging >= 1


def test_automation_reads_its_metrics_address() -> None:
    env = {"DATABASE_URL": "postgresql://x", "NATS_URL": "nats://x", "PLANOPS_CORE_KEY": "k"}
    assert Config.from_env(env).server.metrics_address is None
    address = {**env, "PLANOPS_AUTOMATION_METRICS_ADDRESS": "127.0.0.1:9468"}
    assert Config.from_env(address).server.metrics_address == "127.0.0.1:9468"


def test_attempt_outcomes_follow_the_http_status() -> None:
    assert [delivery_outcome(s) for s in (200, 204, 299)] == ["2xx"] * 3
    assert [delivery_outcome(s) for s in (199, 301, 404, 503)] == ["other_status"] * 4
    assert delivery_outcome(0) == "no_answer"


def test_lag_starts_at_the_time_the_event_carries() -> None:
    when = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    change = events_pb2.ChangeEvent(id="e1")
    assert sent_time(change) is None
    change.time.FromDatetime(when)
    assert sent_time(change) == when
    due = automation_events_pb2.TaskDue(id="d1")
    due.time.FromDatetime(when)
    assert sent_time(due) == when
    alert = risk_events_pb2.AlertRaised(id="a1")
    alert.alert.raise_time.FromDatetime(when)
    assert sent_time(alert) == when
    # risk's task_risk.changed carries no time of its own: no lag rather than a made-up one.
    assert sent_time(risk_events_pb2.TaskRiskChanged(id="r1", risk=risk_pb2.TaskRisk())) is None
