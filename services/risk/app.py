"""Assemble the risk service: migrations, pool, the active model, the consumer, the server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

import grpc
from planops.risk.v1 import risk_service_pb2_grpc

from services.common.core_client import CoreAuthenticator, CoreClient
from services.common.db import migrate, pool_for
from services.common.errors import FailedPrecondition
from services.common.outbox import Outbox, OutboxRelay
from services.common.server import Binding, GrpcServer
from services.risk import migrations
from services.risk.alerts import AlertRule
from services.risk.config import Config
from services.risk.consumer import RISK_STREAM, RISK_SUBJECTS, ConsumerSettings, HistoryConsumer
from services.risk.servicer import RiskServicer
from services.risk.store import Scorer

log = logging.getLogger(__name__)
RISK_OUTBOX = Outbox(schema="risk", stream=RISK_STREAM, subjects=tuple(RISK_SUBJECTS))

SERVICE_NAME = "planops.risk.v1.RiskService"


@dataclass
class RunningRisk:
    server: GrpcServer
    port: int
    consumer: HistoryConsumer
    scorer: Scorer
    core: CoreClient


async def retrain_when_history_grows(
    servicer: RiskServicer, stopping: asyncio.Event, *, every: float
) -> None:
    """Train the first model once enough history exists, and retrain when enough new work
    has finished since (the servicer decides what "enough" is)."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), every)
        if stopping.is_set():
            return
        try:
            await servicer.train(force=False)
        except FailedPrecondition as error:
            log.debug("no retraining: %s", error.message)
        except Exception:
            log.exception("automatic retraining failed; will try again")


@asynccontextmanager
async def running_risk(config: Config, *, deliver_new: bool = False) -> AsyncIterator[RunningRisk]:
    """The risk service serving on `config.address`, consuming core's events, until exit."""
    await migrate(config.database_url, schema="risk", package=migrations.__name__)
    # Scoring and training are CPU work: they run here, never on the event loop.
    executor = ThreadPoolExecutor(max_workers=config.score_workers, thread_name_prefix="risk")
    try:
        async with (
            pool_for(config.database_url, schema="risk", max_size=config.pool_max) as pool,
            grpc.aio.insecure_channel(config.core_address) as channel,
        ):
            await pool.wait()
            scorer = Scorer(pool, executor)
            await scorer.load()
            core = CoreClient(channel, config.core_key)
            rules = (
                AlertRule(
                    "task_late_risk_high",
                    threshold=config.alert_threshold,
                    rearm_below=config.alert_rearm_below,
                ),
                AlertRule(
                    "project_deadline_at_risk",
                    threshold=config.deadline_alert_threshold,
                    rearm_below=config.deadline_alert_rearm_below,
                ),
            )
            consumer = HistoryConsumer(
                pool=pool,
                scorer=scorer,
                nats_url=config.nats_url,
                settings=ConsumerSettings(
                    durable=config.consumer_name,
                    deliver_new=deliver_new,
                    rules=rules,
                    ack_wait_seconds=config.ack_wait_seconds,
                ),
            )
            servicer = RiskServicer(pool=pool, core=core, scorer=scorer, executor=executor)
            consumer.forecast = servicer.forecast
            consumer_task = asyncio.create_task(consumer.run(), name="risk-consumer")
            relay = OutboxRelay(
                outbox=RISK_OUTBOX, database_url=config.database_url, nats_url=config.nats_url
            )
            relay_task = asyncio.create_task(relay.run(), name="risk-outbox-relay")
            stopping = asyncio.Event()
            retrain_task = asyncio.create_task(
                retrain_when_history_grows(servicer, stopping, every=config.retrain_check_seconds),
                name="risk-retrain",
            )
            server = GrpcServer(
                bindings=[
                    Binding(
                        SERVICE_NAME,
                        servicer,
                        risk_service_pb2_grpc.add_RiskServiceServicer_to_server,
                    )
                ],
                address=config.address,
                authenticate=CoreAuthenticator(channel),
                max_concurrent_rpcs=config.max_concurrent_rpcs,
            )
            port = await server.start()
            try:
                yield RunningRisk(
                    server=server, port=port, consumer=consumer, scorer=scorer, core=core
                )
            finally:
                await server.stop()
                stopping.set()
                consumer.stop()
                relay.stop()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(relay_task, 10)
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(retrain_task, 30)
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(consumer_task, 10)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
