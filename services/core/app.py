"""Assemble the core service: migrations, pool, servicers, the outbox relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from planops.core.v1 import (
    api_key_service_pb2_grpc,
    audit_service_pb2_grpc,
    calendar_feed_service_pb2_grpc,
    person_service_pb2_grpc,
    project_service_pb2_grpc,
    report_service_pb2_grpc,
    task_service_pb2_grpc,
    template_service_pb2_grpc,
)

from services.common.db import migrate, pool_for
from services.common.outbox import OutboxRelay, RelaySettings
from services.common.server import Binding, GrpcServer
from services.core import migrations
from services.core.api_key_servicer import ApiKeyServicer
from services.core.audit_servicer import AuditServicer
from services.core.config import Config
from services.core.events import OUTBOX
from services.core.feed_servicer import CalendarFeedServicer
from services.core.keys import KeyAuthenticator, ensure_admin_key
from services.core.person_servicer import PersonServicer
from services.core.project_servicer import ProjectServicer
from services.core.report_servicer import ReportServicer
from services.core.task_servicer import TaskServicer
from services.core.template_servicer import TemplateServicer, seed_templates

log = logging.getLogger(__name__)

SERVICE_NAMES = [
    "planops.core.v1.ProjectService",
    "planops.core.v1.PersonService",
    "planops.core.v1.TaskService",
    "planops.core.v1.TemplateService",
    "planops.core.v1.AuditService",
    "planops.core.v1.ApiKeyService",
    "planops.core.v1.ReportService",
    "planops.core.v1.CalendarFeedService",
]


@dataclass
class RunningCore:
    server: GrpcServer
    relay: OutboxRelay
    port: int
    admin_key_file: str | None


@asynccontextmanager
async def running_core(config: Config) -> AsyncIterator[RunningCore]:
    """Core serving on `config.address` until the context exits."""
    await migrate(config.database_url, schema="core", package=migrations.__name__)
    async with pool_for(config.database_url, schema="core", max_size=config.pool_max) as pool:
        await pool.wait()
        await seed_templates(pool)
        admin_key_file = await ensure_admin_key(
            pool, config.home / "admin.key", force=config.new_admin_key
        )
        if admin_key_file:
            log.info("created an admin API key; it is in %s (shown only there)", admin_key_file)
        server = GrpcServer(
            bindings=[
                Binding(
                    SERVICE_NAMES[0],
                    ProjectServicer(pool, project_creators=config.project_creators),
                    project_service_pb2_grpc.add_ProjectServiceServicer_to_server,
                ),
                Binding(
                    SERVICE_NAMES[1],
                    PersonServicer(pool),
                    person_service_pb2_grpc.add_PersonServiceServicer_to_server,
                ),
                Binding(
                    SERVICE_NAMES[2],
                    TaskServicer(pool),
                    task_service_pb2_grpc.add_TaskServiceServicer_to_server,
                ),
                Binding(
                    SERVICE_NAMES[3],
                    TemplateServicer(pool, project_creators=config.project_creators),
                    template_service_pb2_grpc.add_TemplateServiceServicer_to_server,
                ),
                Binding(
                    SERVICE_NAMES[4],
                    AuditServicer(pool),
                    audit_service_pb2_grpc.add_AuditServiceServicer_to_server,
                ),
                Binding(
                    SERVICE_NAMES[5],
                    ApiKeyServicer(pool),
                    api_key_service_pb2_grpc.add_ApiKeyServiceServicer_to_server,
                ),
                Binding(
                    SERVICE_NAMES[6],
                    ReportServicer(pool),
                    report_service_pb2_grpc.add_ReportServiceServicer_to_server,
                ),
                Binding(
                    SERVICE_NAMES[7],
                    CalendarFeedServicer(pool),
                    calendar_feed_service_pb2_grpc.add_CalendarFeedServiceServicer_to_server,
                ),
            ],
            address=config.address,
            authenticate=KeyAuthenticator(pool),
            max_concurrent_rpcs=config.max_concurrent_rpcs,
            options=config.server,
        )
        relay = OutboxRelay(
            outbox=OUTBOX,
            database_url=config.database_url,
            nats_url=config.nats_url,
            settings=RelaySettings(stream_replicas=config.stream_replicas),
        )
        relay_task = asyncio.create_task(relay.run(), name="outbox-relay")
        port = await server.start()
        try:
            yield RunningCore(server=server, relay=relay, port=port, admin_key_file=admin_key_file)
        finally:
            await server.stop()
            relay.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(relay_task, 10)
