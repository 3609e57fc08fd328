"""Assemble the nlp service: migrations, pool, the extractor, the channel to core, the server."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
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
from services.nlp.workers import InProcess, Loader, Reader, WorkerPool, load_extractor

log = logging.getLogger(__name__)

SERVICE_NAME = "planops.nlp.v1.NlpService"


@dataclass
class RunningNlp:
    server: GrpcServer
    port: int
    reader: Reader
    deletions: ProjectDeletions | None


@asynccontextmanager
async def running_nlp(
    config: Config, *, extractor: Extractor | None = None, load: Loader = load_extractor
) -> AsyncIterator[RunningNlp]:
    """The nlp service serving on `config.address` until the context exits.

    Notes are read in `config.extract_workers` worker processes, each holding the extractor
    `load` gives it. Tests that test no deadline may pass an `extractor` loaded once per
    session instead: it then reads on threads of this process.
    """
    await migrate(config.database_url, schema="nlp", package=migrations.__name__)
    started = time.monotonic()
    reader: Reader
    if extractor is not None:
        reader = InProcess(extractor, threads=config.extract_workers)
    else:
        reader = await WorkerPool.started(
            size=config.extract_workers, spacy_model=config.spacy_model, load=load
        )
        log.info(
            "%d extraction workers ready in %.1f s",
            config.extract_workers,
            time.monotonic() - started,
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
            servicer = NlpServicer(
                pool=pool, core=core, reader=reader, extract_seconds=config.extract_seconds
            )
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
                yield RunningNlp(server=server, port=port, reader=reader, deletions=deletions)
            finally:
                await server.stop()
    finally:
        await reader.close()
