"""Real PostgreSQL and NATS for every integration test: from the embedded wheels, or from
PLANOPS_TEST_DATABASE_URL / PLANOPS_TEST_NATS_URL. Each test gets a fresh database."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import psycopg
import pytest
from psycopg import conninfo

from services.common.db import migrate
from services.common.embedded import EmbeddedNats, EmbeddedPostgres

TEMPLATE_DB = "planops_test_template"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    url = os.environ.get("PLANOPS_TEST_DATABASE_URL")
    if url:
        yield url
        return
    # Not under pytest's basetemp: concurrent pytest runs prune each other's old basetemps.
    directory = Path(tempfile.mkdtemp(prefix="planops-pg-"))
    server = EmbeddedPostgres(directory)
    yield server.start()
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def template_database(pg_server_url: str) -> str:
    """A database with every migration applied, copied for each test (much faster than migrating)."""
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"')
        conn.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
    url = conninfo.make_conninfo(pg_server_url, dbname=TEMPLATE_DB)
    from services.core import migrations

    asyncio.run(migrate(url, schema="core", package=migrations.__name__))
    return TEMPLATE_DB


@pytest.fixture
def database_url(pg_server_url: str, template_database: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    yield conninfo.make_conninfo(pg_server_url, dbname=name)
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    url = os.environ.get("PLANOPS_TEST_NATS_URL")
    if url:
        yield url
        return
    directory = Path(tempfile.mkdtemp(prefix="planops-nats-"))
    server = EmbeddedNats(directory)
    yield server.start()
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A NATS server of this test's own, which it may stop and start."""
    server = EmbeddedNats(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


@dataclass
class CoreUnderTest:
    channel: grpc.aio.Channel
    admin_key: str
    port: int
    database_url: str
    nats_url: str
    home: Path

    def auth(self, key: str | None = None) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {key or self.admin_key}"),)


async def start_core(
    *, database_url: str, nats_url: str, home: Path, project_creators: str = "granted"
) -> AsyncIterator[CoreUnderTest]:
    from services.core.app import running_core
    from services.core.config import Config

    config = Config(
        database_url=database_url,
        nats_url=nats_url,
        address="127.0.0.1:0",
        home=home,
        pool_max=8,
        max_concurrent_rpcs=64,
        log_level="INFO",
        project_creators=project_creators,
    )
    async with running_core(config) as core:
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{core.port}")
        try:
            yield CoreUnderTest(
                channel=channel,
                admin_key=(home / "admin.key").read_text().strip(),
                port=core.port,
                database_url=database_url,
                nats_url=nats_url,
                home=home,
            )
        finally:
            await channel.close()


@pytest.fixture
async def core(database_url: str, nats_url: str, tmp_path: Path) -> AsyncIterator[CoreUnderTest]:
    async for running in start_core(
        database_url=database_url, nats_url=nats_url, home=tmp_path / "home"
    ):
        yield running
