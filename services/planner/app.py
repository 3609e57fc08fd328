"""Assemble the planner service: migrations, pool, channels to core and risk, the server."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

from planops.planner.v1 import planner_service_pb2_grpc

from services.common.core_client import CoreAuthenticator, CoreClient, channel_to
from services.common.db import migrate, pool_for
from services.common.project_deletions import ProjectDeletions, purging_deleted_projects
from services.common.server import Binding, GrpcServer
from services.planner import genetic, migrations, store
from services.planner.config import Config
from services.planner.fairqueue import FairQueue, Limits
from services.planner.servicer import PlannerServicer

log = logging.getLogger(__name__)

SERVICE_NAME = "planops.planner.v1.PlannerService"


@dataclass
class RunningPlanner:
    server: GrpcServer
    port: int
    deletions: ProjectDeletions | None


@asynccontextmanager
async def running_planner(config: Config) -> AsyncIterator[RunningPlanner]:
    """The planner serving on `config.address` until the context exits."""
    await migrate(config.database_url, schema="planner", package=migrations.__name__)
    # CP-SAT releases the GIL while it searches, so threads are enough to keep the loop free.
    executor = ThreadPoolExecutor(
        max_workers=config.concurrent_solves, thread_name_prefix="planner-solve"
    )
    # Compiling (or loading) the genetic algorithm takes seconds; the first solve waits for
    # it only if it comes before that is done.
    executor.submit(genetic.warm_up)
    try:
        async with contextlib.AsyncExitStack() as stack:
            pool = await stack.enter_async_context(
                pool_for(config.database_url, schema="planner", max_size=config.pool_max)
            )
            await pool.wait()
            deletions = await stack.enter_async_context(
                purging_deleted_projects(
                    pool=pool,
                    nats_url=config.nats_url,
                    durable="planner",
                    purge=store.purge_project,
                )
            )
            channel = await stack.enter_async_context(channel_to(config.core_address))
            risk = None
            if config.risk_address:
                risk = await stack.enter_async_context(channel_to(config.risk_address))
            servicer = PlannerServicer(
                pool=pool,
                core=CoreClient(channel, config.core_key),
                executor=executor,
                queue=FairQueue(
                    Limits(
                        slots=config.concurrent_solves,
                        per_caller=config.solves_per_caller,
                        per_project=config.solves_per_project,
                        waiting=config.solves_waiting,
                    )
                ),
                workers=config.workers,
                max_tasks=config.max_tasks,
                risk=risk,
            )
            server = GrpcServer(
                bindings=[
                    Binding(
                        SERVICE_NAME,
                        servicer,
                        planner_service_pb2_grpc.add_PlannerServiceServicer_to_server,
                    )
                ],
                address=config.address,
                authenticate=CoreAuthenticator(channel),
                max_concurrent_rpcs=config.max_concurrent_rpcs,
                options=config.server,
            )
            port = await server.start()
            try:
                yield RunningPlanner(server=server, port=port, deletions=deletions)
            finally:
                await server.stop()
    finally:
        # The server's stop cancelled the calls still solving, which stops their searches.
        executor.shutdown(wait=False, cancel_futures=True)
