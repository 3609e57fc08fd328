"""Work started for a call waits no longer than the caller's deadline allows."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import grpc
import pytest
from psycopg_pool import AsyncConnectionPool

from services.common import deadline
from services.common.auth import Principal
from services.common.core_client import CoreClient
from services.common.db import Connection, connection, pool_for
from services.common.errors import DeadlineExceeded, Unavailable


@pytest.fixture
def call_with(request: pytest.FixtureRequest) -> Iterator[None]:
    """Serve as if inside a call with `request.param` seconds left (None: no deadline)."""
    token = deadline.deadline_var.set(None)
    deadline.set_from_remaining(request.param)
    yield
    deadline.deadline_var.reset(token)


@pytest.mark.parametrize("call_with", [None], indirect=True)
def test_without_a_deadline_work_waits_its_own_default(call_with: None) -> None:
    assert deadline.remaining(10.0) == 10.0


@pytest.mark.parametrize("call_with", [2.0], indirect=True)
def test_a_sooner_deadline_shortens_the_wait_and_keeps_time_to_answer(call_with: None) -> None:
    left = deadline.remaining(10.0)
    assert 2.0 - deadline.MARGIN_SECONDS - 0.5 < left <= 2.0 - deadline.MARGIN_SECONDS
    assert deadline.remaining(1.0) == 1.0


@pytest.mark.parametrize("call_with", [-1.0], indirect=True)
def test_a_passed_deadline_leaves_a_timeout_that_expires_at_once(call_with: None) -> None:
    assert deadline.remaining(10.0) == 0.001


@pytest.mark.parametrize("call_with", [1.0], indirect=True)
async def test_calls_to_core_carry_what_is_left_of_the_deadline(call_with: None) -> None:
    async with grpc.aio.insecure_channel("127.0.0.1:1") as channel:
        client = CoreClient(channel, "key")
        assert client.timeout <= 1.0 < client.default_timeout


@pytest.mark.parametrize("call_with", [1.0], indirect=True)
async def test_waiting_for_a_database_connection_ends_unavailable_before_the_deadline(
    call_with: None, database_url: str
) -> None:
    async with pool_for(database_url, schema="core", min_size=1, max_size=1) as pool:
        await pool.wait()
        assert pool.timeout == 10.0
        async with connection(pool) as held:
            await held.execute("SELECT 1")
            # The only connection is taken: the pool would wait 10 s, the caller has 1 s.
            with pytest.raises(Unavailable):
                await asyncio.wait_for(_one_query(pool), 5.0)


async def _one_query(pool: AsyncConnectionPool[Connection]) -> None:
    async with connection(pool) as conn:
        await conn.execute("SELECT 1")


@pytest.fixture
def silent_core() -> Iterator[str]:
    """An address that takes TCP connections and never answers: a hung downstream."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"127.0.0.1:{listener.getsockname()[1]}"


@pytest.mark.parametrize("call_with", [1.0], indirect=True)
async def test_a_hung_core_ends_the_call_deadline_exceeded_when_the_callers_deadline_ran_out(
    call_with: None, silent_core: str
) -> None:
    async with grpc.aio.insecure_channel(silent_core) as channel:
        client = CoreClient(channel, "key")
        with pytest.raises(DeadlineExceeded) as raised:
            await client.roles(Principal("people/lin", "k", admin=False), "promo")
    assert "deadline" in str(raised.value)


@pytest.mark.parametrize("call_with", [None], indirect=True)
async def test_a_hung_core_past_the_services_own_timeout_is_unavailable(
    call_with: None, silent_core: str
) -> None:
    async with grpc.aio.insecure_channel(silent_core) as channel:
        client = CoreClient(channel, "key", default_timeout=0.5)
        with pytest.raises(Unavailable):
            await client.roles(Principal("people/lin", "k", admin=False), "promo")
