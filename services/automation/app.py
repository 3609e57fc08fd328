"""Assemble the automation service: migrations, pool, the event consumer, the rule runner,
the delivery worker, the due-date scheduler, the outbox relay, the backlog gauges and the
gRPC server (with its /metrics endpoint when `PLANOPS_AUTOMATION_METRICS_ADDRESS` is set)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import grpc
from aiohttp.abc import AbstractResolver
from planops.automation.v1 import automation_service_pb2_grpc

from services.automation import migrations
from services.automation.backlog import Backlog
from services.automation.config import Config
from services.automation.consumer import (
    AUTOMATION_STREAM,
    AUTOMATION_SUBJECTS,
    ConsumerSettings,
    EventConsumer,
)
from services.automation.delivery import DeliverySettings, DeliveryWorker
from services.automation.runner import RuleRunner, RunnerSettings
from services.automation.scheduler import DueScheduler
from services.automation.servicer import AutomationServicer
from services.automation.wakeup import Wakeup
from services.common.core_client import CoreAuthenticator, CoreClient
from services.common.db import migrate, pool_for
from services.common.outbox import Outbox, OutboxRelay, RelaySettings
from services.common.server import Binding, GrpcServer

log = logging.getLogger(__name__)

SERVICE_NAME = "planops.automation.v1.AutomationService"
AUTOMATION_OUTBOX = Outbox(
    schema="automation", stream=AUTOMATION_STREAM, subjects=AUTOMATION_SUBJECTS
)


class Loop(Protocol):
    async def run(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class RunningAutomation:
    server: GrpcServer
    port: int
    consumer: EventConsumer
    runner: RuleRunner
    worker: DeliveryWorker
    scheduler: DueScheduler
    core: CoreClient


@asynccontextmanager
async def running_automation(
    config: Config, *, deliver_new: bool = False, resolver: AbstractResolver | None = None
) -> AsyncIterator[RunningAutomation]:
    """The automation service serving on `config.address` until the context exits;
    `resolver` looks up webhook hosts for deliveries (None: the system's getaddrinfo)."""
    policy = config.egress_policy()
    await migrate(config.database_url, schema="automation", package=migrations.__name__)
    async with contextlib.AsyncExitStack() as stack:
        pool = await stack.enter_async_context(
            pool_for(config.database_url, schema="automation", max_size=config.pool_max)
        )
        await pool.wait()
        channel = await stack.enter_async_context(grpc.aio.insecure_channel(config.core_address))
        planner = None
        if config.planner_address:
            planner = await stack.enter_async_context(
                grpc.aio.insecure_channel(config.planner_address)
            )
        core = CoreClient(channel, config.core_key)
        consumer = EventConsumer(
            pool=pool,
            nats_url=config.nats_url,
            settings=ConsumerSettings(
                durable=config.consumer_name,
                deliver_new=deliver_new,
                install_default_rules=config.install_default_rules,
                stream_replicas=config.stream_replicas,
            ),
            console_url=config.console_url,
        )
        runner = RuleRunner(
            pool=pool,
            core=core,
            planner=planner,
            settings=RunnerSettings(poll_seconds=config.poll_seconds),
            console_url=config.console_url,
        )
        worker = DeliveryWorker(
            pool=pool,
            settings=DeliverySettings(
                timeout_seconds=config.delivery_timeout_seconds,
                max_attempts=config.delivery_max_attempts,
                backoff_base_seconds=config.delivery_backoff_seconds,
                backoff_cap_seconds=config.delivery_backoff_cap_seconds,
                poll_seconds=config.poll_seconds,
            ),
            policy=policy,
            resolver=resolver,
        )
        scheduler = DueScheduler(
            pool=pool, soon_days=config.due_soon_days, every_seconds=config.due_check_seconds
        )
        relay = OutboxRelay(
            outbox=AUTOMATION_OUTBOX,
            database_url=config.database_url,
            nats_url=config.nats_url,
            settings=RelaySettings(stream_replicas=config.stream_replicas),
        )
        wakeup = Wakeup(
            database_url=config.database_url,
            events={"deliveries": worker.wake, "rule_runs": runner.wake},
        )
        loops: dict[str, Loop] = {
            "wakeup": wakeup,
            "consumer": consumer,
            "runner": runner,
            "deliveries": worker,
            "scheduler": scheduler,
            "relay": relay,
            # Counted every 10 polls, at most every 5 s: two counts over partial indexes.
            "backlog": Backlog(pool=pool, every_seconds=min(5.0, 10 * config.poll_seconds)),
        }
        tasks = [
            asyncio.create_task(part.run(), name=f"automation-{name}")
            for name, part in loops.items()
        ]
        server = GrpcServer(
            bindings=[
                Binding(
                    SERVICE_NAME,
                    AutomationServicer(pool=pool, core=core, policy=policy),
                    automation_service_pb2_grpc.add_AutomationServiceServicer_to_server,
                )
            ],
            address=config.address,
            authenticate=CoreAuthenticator(channel),
            max_concurrent_rpcs=config.max_concurrent_rpcs,
            options=config.server,
        )
        port = await server.start()
        try:
            yield RunningAutomation(
                server=server,
                port=port,
                consumer=consumer,
                runner=runner,
                worker=worker,
                scheduler=scheduler,
                core=core,
            )
        finally:
            await server.stop()
            for part in loops.values():
                part.stop()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(task, 15)
