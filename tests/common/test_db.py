from __future__ import annotations

import asyncio
from importlib import resources

import psycopg
import pytest

from services.common.db import connection, migrate, pool_for, transaction
from services.common.errors import Aborted, Unavailable
from services.core import migrations


async def test_migrations_apply_once_even_when_started_together(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA core CASCADE")
    first, second = await asyncio.gather(
        migrate(database_url, schema="core", package=migrations.__name__),
        migrate(database_url, schema="core", package=migrations.__name__),
    )
    every = sorted(f.name for f in resources.files(migrations).iterdir() if f.name.endswith(".sql"))
    assert sorted([first, second]) == [[], every]
    assert await migrate(database_url, schema="core", package=migrations.__name__) == []


async def test_a_lost_database_is_unavailable_not_internal() -> None:
    pool = pool_for(
        "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1", schema="core", min_size=0
    )
    pool.timeout = 1.0
    async with pool:
        with pytest.raises(Unavailable):
            async with transaction(pool) as conn:
                await conn.execute("SELECT 1")


async def test_after_the_database_dropped_every_connection_one_call_fails_not_each(
    database_url: str,
) -> None:
    async with pool_for(database_url, schema="core", min_size=4, max_size=4) as pool:
        await pool.wait()
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        outcomes = []
        for _ in range(4):
            try:
                async with connection(pool) as conn:
                    await conn.execute("SELECT 1")
                outcomes.append("ok")
            except Unavailable:
                outcomes.append("unavailable")
        assert outcomes == ["unavailable", "ok", "ok", "ok"]


async def test_a_deadlock_is_aborted_for_a_retry_not_a_lost_database(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.crossed (id int PRIMARY KEY, n int NOT NULL)")
        conn.execute("INSERT INTO public.crossed VALUES (1, 0), (2, 0)")
    pool = pool_for(database_url, schema="core", min_size=2)
    both_hold_one = asyncio.Barrier(2)

    async def cross(first: int, second: int) -> None:
        async with transaction(pool) as conn:
            await conn.execute("UPDATE public.crossed SET n = n + 1 WHERE id = %s", (first,))
            await both_hold_one.wait()
            await conn.execute("UPDATE public.crossed SET n = n + 1 WHERE id = %s", (second,))

    async with pool:
        results = await asyncio.gather(cross(1, 2), cross(2, 1), return_exceptions=True)
    [refused] = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(refused, Aborted) and refused.reason == "TRANSACTION_CONFLICT"
