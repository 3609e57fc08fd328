"""Core, planner, risk and nlp on one real PostgreSQL database and a NATS server of their own,
and the gateway in front of them, all on an event loop in a thread of their own: tests call
the gateway over HTTP from their loop (or, for schemathesis, from plain blocking code)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
from psycopg import conninfo

from services.common.embedded import EmbeddedNats
from services.gateway.app import running_gateway
from services.gateway.backends import BACKENDS
from services.gateway.config import Config as GatewayConfig
from tests.conftest import start_core
from tests.core.helpers import Client

STACK_PACKAGES = ("planops.core.", "planops.planner.", "planops.risk.", "planops.nlp.")


@dataclass
class GatewayStack:
    """The running stack: the gateway's URL, the admin key and the core's port."""

    url: str
    admin_key: str
    core_port: int
    database_url: str
    services: list[str] = field(default_factory=list)


async def _serve(
    *,
    database_url: str,
    nats_url: str,
    home: Path,
    ready: threading.Event,
    holder: dict[str, Any],
    stop: asyncio.Event,
) -> None:
    from services.nlp.app import running_nlp
    from services.nlp.config import Config as NlpConfig
    from services.planner.app import running_planner
    from services.planner.config import Config as PlannerConfig
    from services.risk.app import running_risk
    from tests.risk.conftest import risk_config

    async with AsyncExitStack() as stack:
        core = await stack.enter_async_context(
            _as_context(start_core(database_url=database_url, nats_url=nats_url, home=home))
        )
        admin = Client(core)
        keys = {name: await admin.service_key(name) for name in ("planner", "nlp", "risk")}
        core_address = f"127.0.0.1:{core.port}"
        planner = await stack.enter_async_context(
            running_planner(
                PlannerConfig(
                    database_url=database_url,
                    core_address=core_address,
                    core_key=keys["planner"],
                    address="127.0.0.1:0",
                    home=home,
                    risk_address=None,
                    workers=1,
                    concurrent_solves=1,
                    max_tasks=500,
                    pool_max=4,
                    max_concurrent_rpcs=32,
                    log_level="INFO",
                )
            )
        )
        risk_settings = risk_config(core, nats_url=nats_url)
        risk = await stack.enter_async_context(
            running_risk(
                type(risk_settings)(**{**risk_settings.__dict__, "core_key": keys["risk"]})
            )
        )
        nlp = await stack.enter_async_context(
            running_nlp(
                NlpConfig(
                    database_url=database_url,
                    core_address=core_address,
                    core_key=keys["nlp"],
                    address="127.0.0.1:0",
                    home=home,
                    nats_url=None,
                    pool_max=4,
                    max_concurrent_rpcs=32,
                    extract_workers=1,
                    spacy_model=None,
                    log_level="INFO",
                )
            )
        )
        ports = {
            "planops.core.": core.port,
            "planops.planner.": planner.port,
            "planops.risk.": risk.port,
            "planops.nlp.": nlp.port,
        }
        backends = tuple(b for b in BACKENDS if b.service.startswith(STACK_PACKAGES))
        addresses = {
            b.service: f"127.0.0.1:{next(p for k, p in ports.items() if b.service.startswith(k))}"
            for b in backends
        }
        gateway = await stack.enter_async_context(
            running_gateway(
                GatewayConfig(
                    address="127.0.0.1:0",
                    addresses=addresses,
                    log_level="INFO",
                    timeout_seconds=60,
                    backends=backends,
                )
            )
        )
        holder["stack"] = GatewayStack(
            url=gateway.url,
            admin_key=core.admin_key,
            core_port=core.port,
            database_url=database_url,
            services=[b.service for b in backends],
        )
        ready.set()
        await stop.wait()


def _as_context(generator: AsyncIterator[Any]) -> Any:
    """An async generator fixture (such as `start_core`) as an async context manager."""

    @asynccontextmanager
    async def context() -> AsyncIterator[Any]:
        value = await anext(generator)
        try:
            yield value
        finally:
            await generator.aclose()  # type: ignore[attr-defined]

    return context()


@pytest.fixture(scope="session")
def gateway_stack(pg_server_url: str, template_database: str) -> Iterator[GatewayStack]:
    name = f"g_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    directory = Path(tempfile.mkdtemp(prefix="planops-gateway-"))
    nats = EmbeddedNats(directory / "nats")
    nats_url = nats.start()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}
    stop = asyncio.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(
                _serve(
                    database_url=conninfo.make_conninfo(pg_server_url, dbname=name),
                    nats_url=nats_url,
                    home=directory / "home",
                    ready=ready,
                    holder=holder,
                    stop=stop,
                )
            )
        except BaseException as error:
            holder["error"] = error
            ready.set()

    thread = threading.Thread(target=run, name="gateway-stack", daemon=True)
    thread.start()
    ready.wait(120)
    try:
        if "error" in holder:
            raise holder["error"]
        assert "stack" in holder, "the gateway stack did not start in time"
        yield holder["stack"]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(60)
        loop.close()
        nats.stop()
        shutil.rmtree(directory, ignore_errors=True)
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Http:
    """Calls to the gateway: `rpc` posts JSON to an RPC path with a key (or none)."""

    session: aiohttp.ClientSession
    stack: GatewayStack

    async def rpc(
        self,
        rpc: str,
        body: Any = None,
        *,
        key: str | None = "admin",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        sent = dict(headers or {})
        if key is not None:
            sent["Authorization"] = f"Bearer {self.stack.admin_key if key == 'admin' else key}"
        async with self.session.post(
            f"{self.stack.url}/api/{rpc}", json={} if body is None else body, headers=sent
        ) as response:
            return response.status, await response.json()

    async def ok(self, rpc: str, body: Any = None, *, key: str | None = "admin") -> Any:
        status, reply = await self.rpc(rpc, body, key=key)
        assert status == 200, (rpc, status, reply)
        return reply


@pytest.fixture
async def http(gateway_stack: GatewayStack) -> AsyncIterator[Http]:
    async with aiohttp.ClientSession() as session:
        yield Http(session=session, stack=gateway_stack)


def fresh(prefix: str) -> str:
    """A project or person id of this test's own."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
