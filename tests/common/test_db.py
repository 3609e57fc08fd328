from __future__ import annotations

import asyncio

import psycopg
import pytest

from services.common.db import connection, migrate, pool_for, transaction
from services.common.errors import Unavailable
from services.core import migrations


async def test_migrations_apply_once_even_when_started_together(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA core CASCADE")
    first, second = await asyncio.gather(
        migrate(database_url, schema="core", package=migrations.__name__),
        migrate(database_url, schema="core", package=migrations.__name__),
    )
    assert sorted([first, second]) == [[], ["0001_init.sql"]]
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
