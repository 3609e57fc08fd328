"""Core and automation in-process against one real database and a NATS server of the test's
own, a real HTTP receiver for webhooks, and a client bound to a manager's key."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver
from planops.automation.v1 import (
    automation_service_pb2,
    automation_service_pb2_grpc,
    rule_pb2,
    webhook_pb2,
)

from services.automation.app import RunningAutomation, running_automation
from services.automation.config import Config
from services.common.embedded import EmbeddedNats, free_port
from services.planner.config import Config as PlannerConfig
from tests.conftest import CoreUnderTest, start_core
from tests.core.helpers import Client

PROJECT = "promo"


def automation_config(core: CoreUnderTest, *, key: str, planner_address: str = "") -> Config:
    return Config(
        database_url=core.database_url,
        nats_url=core.nats_url,
        core_address=f"127.0.0.1:{core.port}",
        core_key=key,
        address="127.0.0.1:0",
        planner_address=planner_address,
        pool_max=6,
        install_default_rules=False,
        due_check_seconds=3600,
        delivery_timeout_seconds=2,
        delivery_max_attempts=30,
        delivery_backoff_seconds=0.1,
        delivery_backoff_cap_seconds=0.8,
        poll_seconds=0.1,
        # The receivers of these tests listen on 127.0.0.1, which the default policy refuses.
        webhook_allow_networks=("127.0.0.1/32",),
    )


@dataclass
class Stack:
    core: CoreUnderTest
    client: Client
    key: str
    automation: RunningAutomation
    stub: automation_service_pb2_grpc.AutomationServiceStub

    @property
    def md(self) -> tuple[tuple[str, str], ...]:
        return self.core.auth()


@asynccontextmanager
async def automation_for(
    core: CoreUnderTest,
    key: str,
    *,
    planner_address: str = "",
    resolver: AbstractResolver | None = None,
    **overrides: object,
) -> AsyncIterator[tuple[RunningAutomation, automation_service_pb2_grpc.AutomationServiceStub]]:
    config = automation_config(core, key=key, planner_address=planner_address)
    if overrides:
        config = Config(**{**config.__dict__, **overrides})
    async with running_automation(config, resolver=resolver) as automation:
        await asyncio.wait_for(automation.consumer.ready.wait(), 30)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{automation.port}") as channel:
            yield automation, automation_service_pb2_grpc.AutomationServiceStub(channel)


def planner_config(
    core: CoreUnderTest, *, database_url: str, key: str, home: Path
) -> PlannerConfig:
    """A one-worker planner on `core`, without risk, for rules that ask it for proposals."""
    return PlannerConfig(
        database_url=database_url,
        core_address=f"127.0.0.1:{core.port}",
        core_key=key,
        address="127.0.0.1:0",
        home=home,
        risk_address=None,
        workers=1,
        concurrent_solves=1,
        max_tasks=100,
        pool_max=2,
        max_concurrent_rpcs=8,
        log_level="INFO",
    )


async def service_key(client: Client) -> str:
    return await client.service_key("automation")


@pytest.fixture
async def stack(database_url: str, own_nats: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Stack]:
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        client = Client(core)
        await client.create_project(PROJECT, time_zone="UTC")
        key = await service_key(client)
        async with automation_for(core, key) as (automation, stub):
            yield Stack(core=core, client=client, key=key, automation=automation, stub=stub)


@dataclass
class Receiver:
    """A real HTTP endpoint on a fixed port that can be down, refuse, or accept."""

    port: int = field(default_factory=free_port)
    failures_left: int = 0
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    refused: int = 0
    hanging: int = 0
    hang: bool = False
    released: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.hang:
            self.hanging += 1
            await self.released.wait()
            return web.Response(status=503)
        if self.failures_left > 0:
            self.failures_left -= 1
            self.refused += 1
            return web.Response(status=503, text="try later")
        self.received.append((dict(request.headers), body))
        return web.Response(status=204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        self.released.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        with contextlib.suppress(Exception):
            await r.stop()


@pytest.fixture
async def hanging_receiver() -> AsyncIterator[Receiver]:
    r = Receiver(hang=True)
    await r.start()
    try:
        yield r
    finally:
        with contextlib.suppress(Exception):
            await r.stop()


async def eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await check():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def subscribe(
    stack: Stack, url: str, *event_types: str
) -> automation_service_pb2.CreateWebhookResponse:
    return await stack.stub.CreateWebhook(
        automation_service_pb2.CreateWebhookRequest(
            parent=f"projects/{PROJECT}",
            webhook=webhook_pb2.Webhook(url=url, event_types=list(event_types)),
        ),
        metadata=stack.md,
    )


async def deliveries(stack: Stack, webhook: str) -> list[webhook_pb2.Delivery]:
    reply = await stack.stub.ListDeliveries(
        automation_service_pb2.ListDeliveriesRequest(parent=webhook, page_size=500),
        metadata=stack.md,
    )
    return list(reply.deliveries)


async def create_rule(stack: Stack, rule_id: str, rule: rule_pb2.Rule) -> rule_pb2.Rule:
    if not rule.display_name:
        rule.display_name = rule_id
    reply = await stack.stub.CreateRule(
        automation_service_pb2.CreateRuleRequest(
            parent=f"projects/{PROJECT}", rule_id=rule_id, rule=rule
        ),
        metadata=stack.md,
    )
    return reply.rule


async def runs(stack: Stack, rule: str) -> list[rule_pb2.RuleRun]:
    reply = await stack.stub.ListRuleRuns(
        automation_service_pb2.ListRuleRunsRequest(parent=rule, page_size=500), metadata=stack.md
    )
    return list(reply.runs)


async def finished_runs(stack: Stack, rule: str, count: int = 1) -> list[rule_pb2.RuleRun]:
    """Wait until `rule` has `count` runs that are no longer pending."""
    found: list[rule_pb2.RuleRun] = []

    async def done() -> bool:
        nonlocal found
        found = [r for r in await runs(stack, rule) if r.state != rule_pb2.RUN_STATE_PENDING]
        return len(found) >= count

    await eventually(done)
    return found
