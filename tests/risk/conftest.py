"""Core and risk running in-process against one database and a NATS server of the test's own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from planops.risk.v1 import risk_service_pb2_grpc

from services.common.embedded import EmbeddedNats
from services.risk.app import RunningRisk, running_risk
from services.risk.config import Config
from tests.conftest import CoreUnderTest, start_core
from tests.core.helpers import Client


@dataclass
class Stack:
    core: CoreUnderTest
    risk: RunningRisk
    stub: risk_service_pb2_grpc.RiskServiceStub
    nats_url: str

    @property
    def md(self) -> tuple[tuple[str, str], ...]:
        return self.core.auth()


def risk_config(core: CoreUnderTest, *, nats_url: str, core_key: str = "") -> Config:
    """Risk on `core`, calling it with `core_key` (the admin key unless given)."""
    return Config(
        database_url=core.database_url,
        nats_url=nats_url,
        core_address=f"127.0.0.1:{core.port}",
        core_key=core_key or core.admin_key,
        address="127.0.0.1:0",
        home=core.home,
        pool_max=6,
        max_concurrent_rpcs=32,
        score_workers=1,
        consumer_name="risk",
        alert_threshold=0.7,
        alert_rearm_below=0.6,
        log_level="INFO",
    )


@pytest.fixture
async def stack(database_url: str, own_nats: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Stack]:
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        key = await Client(core).service_key("risk")
        async with running_risk(risk_config(core, nats_url=own_nats.url, core_key=key)) as risk:
            channel = grpc.aio.insecure_channel(f"127.0.0.1:{risk.port}")
            try:
                stub = risk_service_pb2_grpc.RiskServiceStub(channel)
                yield Stack(core=core, risk=risk, stub=stub, nats_url=own_nats.url)
            finally:
                await channel.close()


async def eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await check():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)
