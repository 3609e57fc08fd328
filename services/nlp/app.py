"""Assemble the nlp service: migrations, pool, the extractor, the channel to core, the server."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

from planops.nlp.v1 import nlp_service_pb2_grpc

from services.common.core_client import CoreAuthenticator, CoreClient, channel_to
from services.common.db import migrate, pool_for
from services.common.project_deletions import ProjectDeletions, purging_deleted_projects
from services.common.server import Binding, GrpcServer
from services.nlp import migrations, store
from services.nlp.config import Config
from services.nlp.notes import Extractor
from services.nlp.servicer import NlpServicer

log = logging.getLogger(__name__)

SERVICE_NAME = "planops.nlp.v1.NlpService"


@dataclass
class RunningNlp:
    server: GrpcServer
    port: int
    extractor: Extractor
    deletions: ProjectDeletions | None


@asynccontextmanager
async def running_nlp(
    config: Config, *, extractor: Extractor | None = None
) -> AsyncIterator[RunningNlp]:
    """The nlp service serving on `config.address` until the context exits.

    Tests pass an `extractor` loaded once per session; otherwise it is loaded here, once.
    """
    await migrate(config.database_url, schema="nlp", package=migrations.__name__)
    if extractor is None:
        started = time.monotonic()
        # Loading spaCy takes about a second of CPU: a thread keeps the loop free meanwhile.
        extractor = await asyncio.to_thread(Extractor.load, spacy_model=config.spacy_model)
        log.info("extractor ready in %.1f s (%s)", time.monotonic() - started, extractor.pipeline)
    executor = ThreadPoolExecutor(
        max_workers=config.extract_workers, thread_name_prefix="nlp-extract"
    )
    try:
        async with (
            pool_for(config.database_url, schema="nlp", max_size=config.pool_max) as pool,
            channel_to(config.core_address) as channel,
            purging_deleted_projects(
                pool=pool, nats_url=config.nats_url, durable="nlp", purge=store.purge_project
            ) as deletions,
        ):
            await pool.wait()
            core = CoreClient(channel, config.core_key)
            servicer = NlpServicer(pool=pool, core=core, extractor=extractor, executor=executor)
            server = GrpcServer(
                bindings=[
                    Binding(
                        SERVICE_NAME,
                        servicer,
                        nlp_service_pb2_grpc.add_NlpServiceServicer_to_server,
                    )
                ],
                address=config.address,
                authenticate=CoreAuthenticator(channel),
                max_concurrent_rpcs=config.max_concurrent_rpcs,
                options=config.server,
            )
            port = await server.start()
            try:
                yield RunningNlp(server=server, port=port, extractor=extractor, deletions=deletions)
            finally:
                await server.stop()
    finally:
        # Extractions past their deadline may still run; they finish, nothing waits for them.
        executor.shutdown(wait=False, cancel_futures=True)
