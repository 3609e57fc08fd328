"""Core with chosen server options, and planner or nlp beside it, all in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
from planops.core.v1 import person_pb2, person_service_pb2, task_pb2
from planops.nlp.v1 import nlp_service_pb2_grpc
from planops.planner.v1 import planner_service_pb2_grpc

from services.common.server import ServerOptions
from services.core.app import running_core
from services.core.config import Config as CoreConfig
from services.nlp.app import running_nlp
from services.nlp.config import Config as NlpConfig
from services.nlp.notes import Extractor
from services.planner.app import running_planner
from services.planner.config import Config as PlannerConfig
from tests.conftest import CoreUnderTest
from tests.core.helpers import EXECUTOR, MANAGER, Client


@asynccontextmanager
async def core_with(
    *, database_url: str, nats_url: str, home: Path, options: ServerOptions | None = None
) -> AsyncIterator[CoreUnderTest]:
    config = CoreConfig(
        database_url=database_url,
        nats_url=nats_url,
        address="127.0.0.1:0",
        home=home,
        pool_max=8,
        max_concurrent_rpcs=64,
        log_level="INFO",
        server=options or ServerOptions(),
    )
    async with (
        running_core(config) as core,
        grpc.aio.insecure_channel(f"127.0.0.1:{core.port}") as channel,
    ):
        yield CoreUnderTest(
            channel=channel,
            admin_key=(home / "admin.key").read_text().strip(),
            port=core.port,
            database_url=database_url,
            nats_url=nats_url,
            home=home,
        )


async def project_with_people(admin: Client, project: str) -> None:
    """A project whose one executor can do the tasks `add_tasks` makes."""
    await admin.create_project(project, start_date="2026-12-01", deadline="2027-03-01")
    await admin.people.CreatePerson(
        person_service_pb2.CreatePersonRequest(
            person_id=f"{project}-ana",
            person=person_pb2.Person(
                display_name="Ana", skills=[person_pb2.Skill(skill="design", level=3)]
            ),
        ),
        metadata=admin.md,
    )
    await admin.add_member(project, f"people/{project}-ana", MANAGER, EXECUTOR)


async def add_tasks(admin: Client, project: str, count: int) -> list[task_pb2.Task]:
    return [
        await admin.create_task(
            project,
            f"Banner {i}",
            estimate_hours=8,
            required_skills=[person_pb2.Skill(skill="design", level=2)],
        )
        for i in range(count)
    ]


@asynccontextmanager
async def planner_beside(
    core: CoreUnderTest, *, max_tasks: int = 3000
) -> AsyncIterator[planner_service_pb2_grpc.PlannerServiceStub]:
    config = PlannerConfig(
        database_url=core.database_url,
        core_address=f"127.0.0.1:{core.port}",
        core_key=core.admin_key,
        address="127.0.0.1:0",
        home=core.home,
        risk_address=None,
        workers=1,
        concurrent_solves=1,
        max_tasks=max_tasks,
        pool_max=4,
        max_concurrent_rpcs=16,
        log_level="INFO",
    )
    async with (
        running_planner(config) as planner,
        grpc.aio.insecure_channel(f"127.0.0.1:{planner.port}") as channel,
    ):
        yield planner_service_pb2_grpc.PlannerServiceStub(channel)


@asynccontextmanager
async def nlp_beside(
    core: CoreUnderTest, extractor: Extractor
) -> AsyncIterator[nlp_service_pb2_grpc.NlpServiceStub]:
    config = NlpConfig(
        database_url=core.database_url,
        core_address=f"127.0.0.1:{core.port}",
        core_key=core.admin_key,
        address="127.0.0.1:0",
        home=core.home,
        nats_url=None,
        pool_max=4,
        max_concurrent_rpcs=16,
        extract_workers=1,
        spacy_model=None,
        log_level="INFO",
    )
    async with (
        running_nlp(config, extractor=extractor) as nlp,
        grpc.aio.insecure_channel(f"127.0.0.1:{nlp.port}") as channel,
    ):
        yield nlp_service_pb2_grpc.NlpServiceStub(channel)
